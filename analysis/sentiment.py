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


@lru_cache(maxsize=1)
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=1)
def _afinn():
    from afinn import Afinn

    return Afinn(language="en")


CACHE_SIZE = 1 << 17  # texts remembered per lexicon: a sentence repeated (wire copy, "all" voice) is scored once


def vader_scores(text: str) -> dict:
    """VADER ``compound, pos, neu, neg`` of ``text`` as it is.

    References
    ----------
    Hutto, C. J. & Gilbert, E. (2014). VADER. *ICWSM*.
    """
    return dict(_vader_cached(text))


@lru_cache(maxsize=CACHE_SIZE)
def _vader_cached(text: str) -> dict:
    return _vader().polarity_scores(text)


@lru_cache(maxsize=CACHE_SIZE)
def afinn_score(text: str) -> float:
    """Sum of AFINN-165 word scores of ``text``.

    References
    ----------
    Nielsen, F. Å. (2011). A new ANEW. *Making Sense of Microposts*, 93-98.
    """
    return float(_afinn().score(text))


def score_text(text: str, measure: str) -> float:
    """One measure (``sentiment_vader`` or ``sentiment_afinn``) of one text."""
    if measure == "sentiment_vader":
        return float(vader_scores(text)["compound"])
    if measure == "sentiment_afinn":
        return afinn_score(text)
    raise ConfigError(f"measure={measure!r} is not a valid option; choose one of {MEASURES!r}.")


def score_sentences(sentences: pd.DataFrame) -> pd.DataFrame:
    """``sentences`` with ``sentiment_vader, vader_pos, vader_neu, vader_neg, sentiment_afinn``."""
    out = sentences.copy()
    v = pd.DataFrame([vader_scores(t) for t in out["text"]], index=out.index)
    out["sentiment_vader"] = v["compound"]
    out["vader_pos"], out["vader_neu"], out["vader_neg"] = v["pos"], v["neu"], v["neg"]
    out["sentiment_afinn"] = [afinn_score(t) for t in out["text"]]
    return out


def score_voices(documents: pd.DataFrame, sentences: pd.DataFrame,
                 min_words: int = MIN_PART_WORDS) -> pd.DataFrame:
    """Long table ``doc_id, sent_idx, voice, measure, score, text`` for the three voices.

    ``all`` is the whole sentence; ``narration``/``quote`` are the sentence's parts from
    :func:`analysis.quotes.sentence_voice`, kept when they have ``min_words`` word tokens.
    """
    parts = sentence_voice(documents, sentences)
    merged = sentences[["doc_id", "sent_idx", "text"]].merge(parts, on=["doc_id", "sent_idx"], how="left")
    rows = []
    for r in merged.itertuples(index=False):
        for voice, text in (("all", r.text), ("narration", r.narration_text), ("quote", r.quoted_text)):
            if voice != "all" and len(tokenize(str(text))) < min_words:
                continue
            for measure in MEASURES:
                rows.append((r.doc_id, r.sent_idx, voice, measure, score_text(text, measure), text))
    return pd.DataFrame(rows, columns=["doc_id", "sent_idx", "voice", "measure", "score", "text"])


def aggregate(long: pd.DataFrame, key: str, seed: int = 0) -> pd.DataFrame:
    """Per ``key`` (``outlet`` or ``doc_id``), measure and voice: mean with bootstrap 95% interval.

    Returns ``key, measure, voice, mean, ci_low, ci_high, n_sentences``; the interval is a
    percentile bootstrap over the sentences of the group (:func:`analysis.compare.by_group`).
    """
    out = by_group(long, [key, "measure", "voice"], "score", random_state=seed)
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


def target_tone(long: pd.DataFrame, sentences: pd.DataFrame, targets: dict, seed: int = 0) -> pd.DataFrame:
    """Per outlet and target: tone of the sentences that mention the target, by voice and measure.

    A sentence mentions a target when its whole text does; its narration and quoted parts are
    then scored as in :func:`score_voices`. Returns ``outlet, target, measure, voice, mean,
    ci_low, ci_high, n_sentences``.
    """
    frames = []
    for name, terms in targets.items():
        hit = sentences.loc[sentences["text"].map(lambda t: mentions(t, terms)), ["doc_id", "sent_idx"]]
        sub = long.merge(hit, on=["doc_id", "sent_idx"])
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
    groups = [(o, g) for o, g in scored.groupby("outlet", sort=True)] + [("all", scored)]
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
    d = scored[["doc_id", "sent_idx", "outlet", "text", "sentiment_vader", "sentiment_afinn"]].copy()
    d["rank_vader"] = d["sentiment_vader"].rank(pct=True)
    d["rank_afinn"] = d["sentiment_afinn"].rank(pct=True)
    d["rank_diff"] = d["rank_vader"] - d["rank_afinn"]
    d = d.assign(_abs=d["rank_diff"].abs()).sort_values(["_abs", "doc_id", "sent_idx"],
                                                         ascending=[False, True, True], kind="mergesort")
    cols = ["doc_id", "sent_idx", "outlet", "sentiment_vader", "sentiment_afinn", "rank_vader", "rank_afinn",
            "rank_diff", "text"]
    return d.head(n)[cols].reset_index(drop=True)


# ---------------------------------------------------------------- stage
def stage(run) -> str:
    """Score sentences and write the outlet, document, target, agreement and disagreement tables."""
    seed = int(run.params.get("seed", 0))
    min_words = int(run.params.get("voice_min_words", MIN_PART_WORDS))
    targets = load_targets(run.params.get("targets"))
    run.sentences = score_sentences(run.sentences)
    outlets = run.documents[["doc_id", "outlet"]]
    sents = run.sentences.merge(outlets, on="doc_id", how="left")
    long = score_voices(run.documents, run.sentences, min_words).merge(outlets, on="doc_id", how="left")
    run.tables["sentiment_outlet"] = aggregate(long, "outlet", seed)
    doc = aggregate(long, "doc_id", seed).merge(outlets, on="doc_id", how="left")
    run.tables["sentiment_document"] = doc[["doc_id", "outlet", *AGG_COLUMNS]]
    run.tables["sentiment_target"] = target_tone(long, sents, targets, seed)
    run.tables["sentiment_agreement"] = agreement(sents)
    run.tables["sentiment_disagreement"] = disagreement(sents, int(run.params.get("n_disagree", N_DISAGREE)))
    rho = run.tables["sentiment_agreement"].set_index("outlet").loc["all", "spearman_rho"]
    return f"{len(run.sentences)} sentences scored; VADER-AFINN Spearman rho {rho:.2f} over the corpus"
