"""Sentence-level tone with two lexicons, by voice and by target, aggregated with uncertainty.

What is scored
--------------
Every sentence exactly as stored in ``sentences.text`` is scored by two independent lexicons:

* **VADER** (``vaderSentiment``; MIT licence): ``sentiment_vader`` is the compound score in
  [-1, 1]; ``vader_pos``, ``vader_neu``, ``vader_neg`` are the proportions of the sentence's
  text that VADER reads as positive, neutral and negative.
* **AFINN-165** (``afinn`` package, which ships ``AFINN-en-165.txt`` inside the wheel, so
  nothing is downloaded at run time): ``sentiment_afinn`` is the sum of the integer word
  scores (-5 .. +5) of the sentence, as the lexicon's author defines it. Licences: the AFINN
  word list is under the Open Database License (ODbL 1.0, ``afinn/data/LICENSE`` in the wheel;
  attribution and share-alike for the *list*, not for scores computed with it); the package's
  code is Apache-2.0 in its repository (the 2016 PyPI release 0.1 declares "GPL" in its
  metadata; we only import it, we do not copy it).

A sentence is never scored as part of a whole article: compound scores of long texts
saturate near +1 or -1 (VADER normalises a sum that grows with length), so articles are
described by the *mean of their sentences* with a bootstrap interval over sentences
(:func:`analysis.compare.by_group`) and ``n_sentences`` beside it.

Whose tone
----------
Quoted officials' words are not the outlet's own. We score the two *parts* of every
sentence separately, using :func:`analysis.quotes.sentence_voice`: ``narration_text`` (the
sentence without its quoted material) and ``quoted_text`` (only the material inside
quotation marks). We chose parts over classifying whole sentences by voice because news
sentences mix both (``Singh said, "We condemn terrorism"``): classifying by voice would give
the outlet the official's words whenever the quote is under half the sentence, and the
official the outlet's framing words around a long quote. A part counts only if it has at
least ``MIN_PART_WORDS`` word tokens (default 3), so a bare attribution tag ("he said") is
not counted as a neutral narration sentence. ``voice`` is ``all`` (whole sentence),
``narration`` or ``quote``; each is aggregated on its own, so ``n_sentences`` differs.

Targets
-------
Targeted tone keeps sentences that mention a target (any of its terms among the sentence's
tokens from :func:`analysis.tokens.tokenize`, hyphenated tokens also matched by their parts,
so ``counter-terrorism`` mentions ``terrorism``; a term ending in ``*`` is a prefix). The
default targets are China, Pakistan, Japan and the terrorism vocabulary (:data:`TARGETS`);
``run.params["targets"]`` may give a dict ``{name: [terms]}`` or a text file with lines
``Name: term, term*``. They are written as their own table ``sentiment_target.csv``.

Limits
------
Lexicon scores count words, not stance: "attack", "terror" and "killed" are negative in
both lexicons whichever side the outlet takes, so coverage of a terror attack reads as
negative tone even when the sentence reports solidarity against it. Two lexicons that
disagree on a sentence (``sentiment_disagreement.csv``) are where to read the text.

Why by hand: the Spearman agreement and rank-difference table are a few lines of pandas
and scipy; the lexicons and the bootstrap are libraries or the suite's own ``compare``.

References
----------
Hutto, C. J. & Gilbert, E. (2014). VADER: A parsimonious rule-based model for sentiment
analysis of social media text. *ICWSM*.
Nielsen, F. Å. (2011). A new ANEW: Evaluation of a word list for sentiment analysis in
microblogs. *ESWC Workshop on Making Sense of Microposts*, 93-98.
Efron, B. & Tibshirani, R. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from .compare import by_group
from .errors import ConfigError
from .quotes import sentence_voice
from .tokens import tokenize

MEASURES = ("sentiment_vader", "sentiment_afinn")
VOICES = ("all", "narration", "quote")
MIN_PART_WORDS = 3
N_DISAGREE = 20
TARGETS = {
    "China": ["china", "chinese", "beijing"],
    "Pakistan": ["pakistan", "pakistani", "islamabad"],
    "Japan": ["japan", "japanese", "tokyo"],
    "terrorism": ["terror*", "militant*", "extremis*"],
}
AGG_COLUMNS = ["measure", "voice", "mean", "ci_low", "ci_high", "n_sentences"]
SCORE_COLUMNS = ["sentiment_vader", "vader_pos", "vader_neu", "vader_neg", "sentiment_afinn"]
VOICE_TABLE = "_sentiment_voices"  # per sentence and voice: the two scores (intermediate, not written)
MENTION_TABLE = "_sentiment_mentions"  # per sentence and target it mentions (intermediate, not written)
DOCUMENT_TABLE = "_sentiment_document"  # sentiment_document in document order, without outlet (intermediate)


# ---------------------------------------------------------------- lexicons
@lru_cache(maxsize=1)
def _vader():
    from vaderSentiment.vaderSentiment import SentiText, SentimentIntensityAnalyzer

    class _Vader(SentimentIntensityAnalyzer):
        """``polarity_scores`` with the same result, minus work that cannot change it.

        The library walks every character of the text to replace emoji, and calls its full
        valence routine for every word. Here a text with no emoji character skips the walk
        (the walk would rebuild the same text), and a word that is neither a booster, nor
        "kind" before "of", nor in the lexicon gets the 0 the library's routine gives it
        without the call; every other word goes through the library's own code, whose negation
        and idiom checks are handed only the words they read. ``tests/test_sentiment.py``
        checks equality with the library on every sentence of the bundled corpus.
        """

        def __init__(self):
            super().__init__()
            self._emoji_chars = frozenset(k for k in self.emojis if len(k) == 1)

        def polarity_scores(self, text):
            if not isinstance(text, str) or not self._emoji_chars.isdisjoint(text):
                return super().polarity_scores(text)
            from vaderSentiment.vaderSentiment import BOOSTER_DICT

            text = text.strip()
            sentitext = SentiText(text)
            words = sentitext.words_and_emoticons
            lowered = [w.lower() for w in words]
            lexicon, last = self.lexicon, len(words) - 1
            sentiments = []
            for i, item in enumerate(words):
                low = lowered[i]
                if low in BOOSTER_DICT or low not in lexicon or (i < last and low == "kind" and lowered[i + 1] == "of"):
                    sentiments.append(0)
                    continue
                sentiments = self.sentiment_valence(0, sentitext, item, i, sentiments)
            sentiments = self._but_check(words, sentiments)
            return self.score_valence(sentiments, text)

        # The library's checks lower-case the whole sentence on every call but read only the words
        # from i-3 to i (negation) and i-3 to i+2 (idioms); they get just those words, with i shifted.
        @staticmethod
        def _negation_check(valence, words_and_emoticons, start_i, i):
            lo = max(0, i - 3)
            return SentimentIntensityAnalyzer._negation_check(valence, words_and_emoticons[lo:i + 1], start_i, i - lo)

        @staticmethod
        def _special_idioms_check(valence, words_and_emoticons, i):
            lo = max(0, i - 3)
            return SentimentIntensityAnalyzer._special_idioms_check(valence, words_and_emoticons[lo:i + 3], i - lo)

    return _Vader()


class _Afinn:
    """AFINN-165 sums as ``afinn.Afinn(language="en").score`` gives them, without its big regex.

    ``Afinn.score`` lower-cases the text, collapses white space and finds the lexicon's entries
    with one alternation ``\\b(?:longest|...|shortest)\\b``: at each position the longest entry
    that starts there with a word boundary on both sides, then on from its end. An entry made
    of word characters only can then match only a whole ``\\w+`` run, so each run is one dict
    look-up; the 56 entries with a space or hyphen (``not good``, ``well-being``) are tried,
    longest first, where their first word starts. ``tests/test_sentiment.py`` checks equality
    with the library on every sentence of the bundled corpus.
    """

    WORD = re.compile(r"\w+")
    SPACE = re.compile(r"\s+")

    def __init__(self, lexicon: dict):
        self.lexicon = lexicon
        self.words = {k: v for k, v in lexicon.items() if self.WORD.fullmatch(k)}
        self.phrases: dict = {}
        for k in sorted((k for k in lexicon if k not in self.words), key=len, reverse=True):
            first = self.WORD.match(k)
            if first is None or not self.WORD.match(k[-1]):
                raise ValueError(f"AFINN entry {k!r} does not start and end with a word character")
            self.phrases.setdefault(first.group(), []).append(k)

    def score(self, text: str) -> float:
        s = self.SPACE.sub(" ", text).lower()
        total, done, n = 0, 0, len(s)
        for m in self.WORD.finditer(s):
            start, word = m.start(), m.group()
            if start < done:
                continue
            for phrase in self.phrases.get(word, ()):
                end = start + len(phrase)
                # the phrase ends in a word character, so the boundary needs a non-word one after it
                if s.startswith(phrase, start) and (end == n or not self.WORD.match(s, end)):
                    total += self.lexicon[phrase]
                    done = end
                    break
            else:
                value = self.words.get(word)
                if value is not None:
                    total += value
                    done = m.end()
        return float(total)


@lru_cache(maxsize=1)
def _afinn():
    from afinn import Afinn

    return _Afinn(Afinn(language="en")._dict)


def vader_scores(text: str) -> dict:
    """VADER ``compound, pos, neu, neg`` of ``text`` as it is.

    References
    ----------
    Hutto, C. J. & Gilbert, E. (2014). VADER. *ICWSM*.
    """
    return dict(_vader().polarity_scores(text))


def afinn_score(text: str) -> float:
    """Sum of AFINN-165 word scores of ``text``.

    References
    ----------
    Nielsen, F. Å. (2011). A new ANEW. *Making Sense of Microposts*, 93-98.
    """
    return _afinn().score(text)


def score_text(text: str, measure: str) -> float:
    """One measure (``sentiment_vader`` or ``sentiment_afinn``) of one text."""
    if measure == "sentiment_vader":
        return float(vader_scores(text)["compound"])
    if measure == "sentiment_afinn":
        return afinn_score(text)
    raise ConfigError(f"measure={measure!r} is not a valid option; choose one of {MEASURES!r}.")


def _score_all(texts, scores: dict | None = None) -> dict:
    """``{text: (compound, pos, neu, neg, afinn)}`` for each distinct text, each scored once."""
    scores = {} if scores is None else scores
    vader, afinn = _vader(), _afinn()
    for t in texts:
        if t not in scores:
            v = vader.polarity_scores(t)
            scores[t] = (v["compound"], v["pos"], v["neu"], v["neg"], afinn.score(t))
    return scores


def score_sentences(sentences: pd.DataFrame, scores: dict | None = None) -> pd.DataFrame:
    """``sentences`` with ``sentiment_vader, vader_pos, vader_neu, vader_neg, sentiment_afinn``."""
    out = sentences.copy()
    texts = out["text"].tolist()
    scores = _score_all(texts, scores)
    values = np.array([scores[t] for t in texts], dtype=float).reshape(len(texts), len(SCORE_COLUMNS))
    for j, col in enumerate(SCORE_COLUMNS):
        out[col] = values[:, j]
    return out


def voice_table(documents: pd.DataFrame, sentences: pd.DataFrame, min_words: int = MIN_PART_WORDS,
                scores: dict | None = None) -> pd.DataFrame:
    """One row per sentence and voice: ``doc_id, sent_idx, voice, text, sentiment_vader, sentiment_afinn``.

    ``all`` is the whole sentence; ``narration``/``quote`` are the sentence's parts from
    :func:`analysis.quotes.sentence_voice`, kept when they have ``min_words`` word tokens.
    Rows follow the sentences, voices in the order of :data:`VOICES`.
    """
    parts = sentence_voice(documents, sentences)  # one row per sentence, in the sentences' order
    n_words: dict = {}
    rows, texts = [], []
    for i, (whole, narration, quoted) in enumerate(zip(sentences["text"], parts["narration_text"],
                                                       parts["quoted_text"])):
        rows.append((i, 0))
        texts.append(whole)
        for v, text in ((1, narration), (2, quoted)):
            text = str(text)
            k = n_words.get(text)
            if k is None:
                k = n_words[text] = len(tokenize(text))
            if k >= min_words:
                rows.append((i, v))
                texts.append(text)
    at = np.array(rows, dtype=np.int64).reshape(len(rows), 2)
    scores = _score_all(texts, scores)
    sent = sentences.reset_index(drop=True)
    return pd.DataFrame({
        "doc_id": sent["doc_id"].take(at[:, 0]).reset_index(drop=True),
        "sent_idx": sent["sent_idx"].take(at[:, 0]).reset_index(drop=True),
        "voice": pd.Series(np.array(VOICES, dtype=object)[at[:, 1]], dtype="str"),
        "text": pd.Series(texts, dtype="str"),
        "sentiment_vader": np.array([scores[t][0] for t in texts], dtype=float),
        "sentiment_afinn": np.array([scores[t][4] for t in texts], dtype=float),
    })


def long_scores(voices: pd.DataFrame) -> pd.DataFrame:
    """The voice table long: ``doc_id, sent_idx, voice, measure, score`` (+ ``text`` if present).

    Rows follow the voice table, each row's measures in the order of :data:`MEASURES`.
    """
    n = len(voices)
    take = np.repeat(np.arange(n), len(MEASURES))
    cols = {c: voices[c].take(take).reset_index(drop=True) for c in ("doc_id", "sent_idx", "voice")}
    cols["measure"] = pd.Series(np.tile(np.array(MEASURES, dtype=object), n), dtype="str")
    cols["score"] = voices[list(MEASURES)].to_numpy(dtype=float).reshape(-1)
    if "text" in voices:
        cols["text"] = voices["text"].take(take).reset_index(drop=True)
    return pd.DataFrame(cols)


def score_voices(documents: pd.DataFrame, sentences: pd.DataFrame,
                 min_words: int = MIN_PART_WORDS) -> pd.DataFrame:
    """Long table ``doc_id, sent_idx, voice, measure, score, text`` for the three voices.

    ``all`` is the whole sentence; ``narration``/``quote`` are the sentence's parts from
    :func:`analysis.quotes.sentence_voice`, kept when they have ``min_words`` word tokens.
    """
    long = long_scores(voice_table(documents, sentences, min_words))
    return long[["doc_id", "sent_idx", "voice", "measure", "score", "text"]]


def aggregate(long: pd.DataFrame, key: str, seed: int = 0) -> pd.DataFrame:
    """Per ``key`` (``outlet`` or ``doc_id``), measure and voice: mean with bootstrap 95% interval.

    Returns ``key, measure, voice, mean, ci_low, ci_high, n_sentences``; the interval is a
    percentile bootstrap over the sentences of the group (:func:`analysis.compare.by_group`).
    """
    out = by_group(long[[key, "measure", "voice", "score"]], [key, "measure", "voice"], "score", random_state=seed)
    out = out.rename(columns={"n": "n_sentences"})
    order = {v: i for i, v in enumerate(VOICES)}
    out = out.sort_values([key, "measure", "voice"], key=lambda s: s.map(order) if s.name == "voice" else s)
    return out[[key, *AGG_COLUMNS]].reset_index(drop=True)


# ---------------------------------------------------------------- targets
def load_targets(spec=None) -> dict:
    """Targets as ``{name: [terms]}`` from ``None`` (defaults), a dict, or a ``Name: a, b*`` file."""
    if spec is None:
        return dict(TARGETS)
    if isinstance(spec, dict):
        targets = {str(k): [str(t).lower() for t in v] for k, v in spec.items()}
    else:
        path = Path(spec)
        if not path.is_file():
            raise ConfigError(f"targets file {path}: not found; give a text file with lines 'Name: term, term*'.")
        targets = {}
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            if ":" not in line:
                raise ConfigError(f"targets file {path}, line {n}: expected 'Name: term, term*'; add the colon.")
            name, terms = line.split(":", 1)
            targets[name.strip()] = [t.strip().lower() for t in terms.split(",") if t.strip()]
    empty = [k for k, v in targets.items() if not v]
    if not targets or empty:
        raise ConfigError(f"targets: target(s) {empty or 'none'} have no terms; give at least one term each.")
    return targets


def _term_matches(term: str, tokens: set) -> bool:
    if term.endswith("*"):
        return any(t.startswith(term[:-1]) for t in tokens)
    return term in tokens


def mentions(text: str, terms) -> bool:
    """Whether ``text`` mentions any of ``terms`` (tokens and hyphen parts; ``x*`` is a prefix)."""
    toks = set(tokenize(text))
    toks |= {p for t in toks if "-" in t for p in t.split("-")}
    return any(_term_matches(term, toks) for term in terms)


def mention_table(sentences: pd.DataFrame, targets: dict) -> pd.DataFrame:
    """``doc_id, sent_idx, target``: one row per sentence and target it :func:`mentions`.

    Rows follow the sentences, targets in the order of ``targets``. A sentence is tokenised at
    most once, and only when its lower-cased text contains one of the terms (or prefixes) as a
    substring: every token and hyphen part is a substring of that text, so a sentence without
    one cannot mention the target.
    """
    names = list(targets)
    stems = [tuple(t.rstrip("*") if t.endswith("*") else t for t in targets[n]) for n in names]
    exact = [{t for t in targets[n] if not t.endswith("*")} for n in names]
    prefixes = [tuple(t[:-1] for t in targets[n] if t.endswith("*")) for n in names]
    seen: dict = {}
    rows = []
    for i, text in enumerate(sentences["text"]):
        hits = seen.get(text)
        if hits is None:
            low = text.replace("’", "'").replace("‘", "'").lower()
            candidates = [j for j, st in enumerate(stems) if any(x in low for x in st)]
            hits = ()
            if candidates:
                toks = set(tokenize(text))
                toks |= {p for t in toks if "-" in t for p in t.split("-")}
                hits = tuple(j for j in candidates
                             if not exact[j].isdisjoint(toks)
                             or (prefixes[j] and any(t.startswith(prefixes[j]) for t in toks)))
            seen[text] = hits
        rows.extend((i, j) for j in hits)
    at = np.array(rows, dtype=np.int64).reshape(len(rows), 2)
    sent = sentences.reset_index(drop=True)
    return pd.DataFrame({
        "doc_id": sent["doc_id"].take(at[:, 0]).reset_index(drop=True),
        "sent_idx": sent["sent_idx"].take(at[:, 0]).reset_index(drop=True),
        "target": pd.Series(np.array(names, dtype=object)[at[:, 1]], dtype="str"),
    })


def target_tone(long: pd.DataFrame, mentioned: pd.DataFrame, targets, seed: int = 0) -> pd.DataFrame:
    """Per outlet and target: tone of the sentences that mention the target, by voice and measure.

    ``mentioned`` is :func:`mention_table`; a sentence mentions a target when its whole text
    does, and its narration and quoted parts are then scored as in :func:`score_voices`.
    Returns ``outlet, target, measure, voice, mean, ci_low, ci_high, n_sentences``.
    """
    keys = pd.MultiIndex.from_arrays([long["doc_id"], long["sent_idx"]])
    frames = []
    for name in targets:
        hit = mentioned.loc[mentioned["target"] == name]
        sub = long.loc[keys.isin(pd.MultiIndex.from_arrays([hit["doc_id"], hit["sent_idx"]]))]
        if sub.empty:
            continue
        agg = aggregate(sub, "outlet", seed)
        agg.insert(1, "target", name)
        frames.append(agg)
    cols = ["outlet", "target", *AGG_COLUMNS]
    return pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)


# ---------------------------------------------------------------- agreement
def agreement(scored: pd.DataFrame) -> pd.DataFrame:
    """Spearman rank correlation of VADER and AFINN over the sentences of each outlet (and ``all``).

    ``spearman_rho`` is NaN when either score is constant within the outlet.

    References
    ----------
    Spearman, C. (1904). The proof and measurement of association between two things.
    *American Journal of Psychology*, 15(1), 72-101.
    """
    rows = []
    groups = [(o, g) for o, g in scored.groupby("outlet", sort=True, observed=True)] + [("all", scored)]
    for outlet, g in groups:
        a, b = g["sentiment_vader"].to_numpy(float), g["sentiment_afinn"].to_numpy(float)
        const = len(g) < 3 or np.ptp(a) == 0 or np.ptp(b) == 0
        rho = float("nan") if const else float(spearmanr(a, b).statistic)
        rows.append((outlet, rho, len(g)))
    return pd.DataFrame(rows, columns=["outlet", "spearman_rho", "n_sentences"])


def disagreement(scored: pd.DataFrame, n: int = N_DISAGREE) -> pd.DataFrame:
    """The ``n`` sentences whose two scores disagree most in rank.

    Each score is turned into its percentile rank over the whole corpus (average ranks for
    ties, divided by the number of sentences); ``rank_diff = rank_vader - rank_afinn`` and the
    table is sorted by ``|rank_diff|``, largest first.
    """
    # the text is looked up for the n rows kept only (a copy of every sentence's text is most of the memory)
    d = scored[["doc_id", "sent_idx", "outlet", "sentiment_vader", "sentiment_afinn"]].reset_index(drop=True)
    d["rank_vader"] = d["sentiment_vader"].rank(pct=True)
    d["rank_afinn"] = d["sentiment_afinn"].rank(pct=True)
    d["rank_diff"] = d["rank_vader"] - d["rank_afinn"]
    d = d.assign(_abs=d["rank_diff"].abs()).sort_values(["_abs", "doc_id", "sent_idx"],
                                                         ascending=[False, True, True], kind="mergesort")
    top = d.head(n)
    top = top.assign(outlet=top["outlet"].astype("str"), text=scored["text"].iloc[top.index].to_numpy())
    cols = ["doc_id", "sent_idx", "outlet", "sentiment_vader", "sentiment_afinn", "rank_vader", "rank_afinn",
            "rank_diff", "text"]
    return top[cols].reset_index(drop=True)


# ---------------------------------------------------------------- stage
def document_tone(long: pd.DataFrame, documents: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """:func:`aggregate` by ``doc_id``, rows in the order of ``documents`` (measures, voices within).

    Each document's intervals come from its own sentences and its own generator (seeded from
    ``seed`` and the group's name, :func:`analysis.compare.by_group`), so a document's rows are
    the same whichever other documents are scored with it.
    """
    out = aggregate(long, "doc_id", seed)
    pos = pd.Index(documents["doc_id"]).get_indexer(out["doc_id"])
    out = out.iloc[np.argsort(pos, kind="stable")].reset_index(drop=True)
    return out.astype({"doc_id": documents["doc_id"].dtype, "measure": "str", "voice": "str", "mean": float,
                       "ci_low": float, "ci_high": float, "n_sentences": np.int64})


def annotate(run) -> None:
    """Per-document part: sentence scores on ``run.sentences``, voice, mention and document tables.

    Adds ``sentiment_vader, vader_pos, vader_neu, vader_neg, sentiment_afinn`` to
    ``run.sentences`` and three intermediate tables: ``_sentiment_voices`` (:func:`voice_table`
    without its text), ``_sentiment_mentions`` (:func:`mention_table`) and
    ``_sentiment_document`` (:func:`document_tone`). Each distinct text is scored once per call.
    """
    seed = int(run.params.get("seed", 0))
    min_words = int(run.params.get("voice_min_words", MIN_PART_WORDS))
    targets = load_targets(run.params.get("targets"))
    scores: dict = {}
    run.sentences = score_sentences(run.sentences, scores)
    voices = voice_table(run.documents, run.sentences, min_words, scores).drop(columns="text")
    run.tables[VOICE_TABLE] = voices
    run.tables[MENTION_TABLE] = mention_table(run.sentences, targets)
    run.tables[DOCUMENT_TABLE] = document_tone(long_scores(voices), run.documents, seed)


def _outlets_of(doc_ids: pd.Series, documents: pd.DataFrame) -> pd.Categorical:
    """The outlet of each of ``doc_ids``, as a categorical (one byte or two per row).

    A merge with the documents would copy every other column of a table that, on a large
    corpus, has millions of rows (the long scores: 13 million at 100,000 articles).
    """
    return _outlets_at(pd.Index(documents["doc_id"]).get_indexer(doc_ids), documents)


def _outlets_at(pos: np.ndarray, documents: pd.DataFrame) -> pd.Categorical:
    """:func:`_outlets_of` from the documents' row positions (-1: not in the documents)."""
    outlet = pd.Categorical(documents["outlet"])
    return pd.Categorical.from_codes(np.where(pos >= 0, outlet.codes[pos], -1), outlet.categories)


def _outlet_long(voices: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """:func:`long_scores` of ``voices`` with the outlet, as the merge with the documents gave it
    (``doc_id, sent_idx, voice, measure, score, outlet``, rows in the same order), but with its
    text columns as categoricals."""
    k = len(MEASURES)
    pos = pd.Index(documents["doc_id"]).get_indexer(voices["doc_id"])  # -1: not in the documents (missing)

    def per_measure(values: pd.Categorical) -> pd.Categorical:  # each voice row's value on its k rows
        return pd.Categorical.from_codes(np.repeat(values.codes, k), values.categories)

    return pd.DataFrame({
        "doc_id": per_measure(pd.Categorical.from_codes(pos, documents["doc_id"])),
        "sent_idx": np.repeat(voices["sent_idx"].to_numpy(), k),
        "voice": per_measure(pd.Categorical(voices["voice"], categories=list(VOICES))),
        "measure": pd.Categorical.from_codes(np.tile(np.arange(k, dtype=np.int8), len(voices)), list(MEASURES)),
        "score": voices[list(MEASURES)].to_numpy(dtype=float).reshape(-1),
        "outlet": per_measure(_outlets_at(pos, documents)),
    })


def summarise(run) -> str:
    """Corpus-level part: the outlet, document, target, agreement and disagreement tables."""
    seed = int(run.params.get("seed", 0))
    targets = load_targets(run.params.get("targets"))
    long = _outlet_long(run.tables[VOICE_TABLE], run.documents)
    run.tables["sentiment_outlet"] = aggregate(long, "outlet", seed)
    run.tables["sentiment_target"] = target_tone(long, run.tables[MENTION_TABLE], targets, seed)
    del long
    order = {v: i for i, v in enumerate(VOICES)}
    doc = run.tables[DOCUMENT_TABLE].sort_values(["doc_id", "measure", "voice"],
                                                 key=lambda s: s.map(order) if s.name == "voice" else s)
    doc = doc.reset_index(drop=True).merge(run.documents[["doc_id", "outlet"]], on="doc_id", how="left")
    run.tables["sentiment_document"] = doc[["doc_id", "outlet", *AGG_COLUMNS]]
    scored = ["doc_id", "sent_idx", "text", "sentiment_vader", "sentiment_afinn"]  # what agreement reads
    sents = run.sentences[scored].assign(outlet=_outlets_of(run.sentences["doc_id"], run.documents))
    run.tables["sentiment_agreement"] = agreement(sents)
    run.tables["sentiment_disagreement"] = disagreement(sents, int(run.params.get("n_disagree", N_DISAGREE)))
    rho = run.tables["sentiment_agreement"].set_index("outlet").loc["all", "spearman_rho"]
    return f"{len(run.sentences)} sentences scored; VADER-AFINN Spearman rho {rho:.2f} over the corpus"


def stage(run) -> str:
    """Score sentences and write the outlet, document, target, agreement and disagreement tables."""
    annotate(run)
    return summarise(run)
