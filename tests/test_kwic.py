"""Tests of analysis.kwic: concordances of terms, phrases and frame dictionaries on a hand-made table."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis.errors import ConfigError
from analysis.frames import frame_patterns, load_frames
from analysis.kwic import COLUMNS, compile_patterns, kwic, term_regex

S0 = "Japan's navy and India held talks on the South China Sea."
S1 = "Officials said the south-china sea dispute, and Japan, worried terrorists."
S2 = "In India-Japan talks, counter-terrorism and terror funding came up."
SENTENCES = pd.DataFrame({
    "doc_id": ["d2", "d1", "d1"],
    "sent_idx": [0, 1, 0],
    "position": ["lede", "body", "headline"],
    "text": [S2, S1, S0],
})
DOCUMENTS = pd.DataFrame({"doc_id": ["d1", "d2"], "outlet": ["Alpha", "Beta"]})


def rows(df):
    return [tuple(r) for r in df[["doc_id", "sent_idx", "left", "keyword", "right"]].itertuples(index=False)]


def test_term_with_possessive_and_context_window():
    res = kwic(SENTENCES, "japan", documents=DOCUMENTS, window=3)
    assert list(res.columns) == COLUMNS
    # "India-Japan" in d2 is one word (hyphen inside a word), as in the tokenizer, so it does not match.
    # S1, window 3: left of "Japan" is "...sea dispute, and"; right is ", worried terrorists."
    assert rows(res) == [
        ("d1", 0, "", "Japan's", "navy and India"),
        ("d1", 1, "sea dispute, and", "Japan", ", worried terrorists."),
    ]
    assert list(res["outlet"]) == ["Alpha", "Alpha"]
    assert list(res["position"]) == ["headline", "body"]
    assert list(res["pattern"]) == ["japan", "japan"]


def test_offsets_point_at_the_keyword():
    res = kwic(SENTENCES, ["japan", "south china sea"], documents=DOCUMENTS)
    text = dict(zip(zip(SENTENCES["doc_id"], SENTENCES["sent_idx"]), SENTENCES["text"]))
    for r in res.itertuples(index=False):
        assert text[(r.doc_id, r.sent_idx)][r.start:r.end] == r.keyword
    first = res.iloc[0]
    assert (first["start"], first["end"]) == (0, 7)           # "Japan's" at the start of S0


def test_default_window_is_eight_words_within_the_sentence():
    res = kwic(SENTENCES, "japan", documents=DOCUMENTS)
    # S0 after "Japan's": navy and India held talks on the South | China Sea.  -> the first 8 words
    assert res.iloc[0]["right"] == "navy and India held talks on the South"
    # S1 before "Japan": Officials said the south-china sea dispute, and -> only 7 words exist
    assert res.iloc[1]["left"] == "Officials said the south-china sea dispute, and"
    # the context never runs into the next sentence of the document
    assert "Officials" not in res.iloc[0]["right"]


def test_phrase_matches_space_and_hyphen_variants():
    res = kwic(SENTENCES, "south china sea", documents=DOCUMENTS, window=3)
    assert rows(res) == [
        ("d1", 0, "talks on the", "South China Sea", "."),
        ("d1", 1, "Officials said the", "south-china sea", "dispute, and Japan,"),
    ]


def test_glob_term_and_word_boundaries():
    res = kwic(SENTENCES, "terror*", documents=DOCUMENTS, window=2)
    # "counter-terrorism" is one hyphenated word: terror* does not match inside it
    assert rows(res) == [
        ("d1", 1, "Japan, worried", "terrorists", "."),
        ("d2", 0, "counter-terrorism and", "terror", "funding came"),
    ]
    assert list(res["outlet"]) == ["Alpha", "Beta"]


def test_frame_dictionary_patterns(tmp_path):
    path = tmp_path / "frames.toml"
    path.write_text('[frames.security]\ndefinition = "Security threats."\n'
                    'terms = ["terror*"]\nphrases = ["South China Sea"]\n', encoding="utf-8")
    patterns = frame_patterns(load_frames(path), "security")
    res = kwic(SENTENCES, patterns, documents=DOCUMENTS, window=2)
    # frame terms treat a hyphen as a word boundary, so "terrorism" in "counter-terrorism" matches here
    # (its left context ends with the word piece "counter-"). Within a sentence, rows follow the
    # frame's pattern order (terms, then phrases).
    assert rows(res) == [
        ("d1", 0, "on the", "South China Sea", "."),
        ("d1", 1, "Japan, worried", "terrorists", "."),
        ("d1", 1, "said the", "south-china sea", "dispute, and"),
        ("d2", 0, "talks, counter-", "terrorism", "and terror"),
        ("d2", 0, "counter-terrorism and", "terror", "funding came"),
    ]
    assert list(res["outlet"]) == ["Alpha"] * 3 + ["Beta"] * 2
    assert list(res["position"]) == ["headline", "body", "body", "lede", "lede"]
    assert set(res["pattern"]) == {p.pattern for p in patterns}


def test_outlet_from_sentences_filter_and_missing_outlet():
    with_outlet = SENTENCES.merge(DOCUMENTS, on="doc_id")
    res = kwic(with_outlet, "terror*", outlets=["Beta"])
    assert list(res["doc_id"]) == ["d2"] and list(res["outlet"]) == ["Beta"]
    assert set(kwic(SENTENCES, "terror*")["outlet"]) == {""}


def test_regex_patterns_window_zero_and_no_match():
    res = kwic(SENTENCES, r"\bindia\b", regex=True, window=0)
    # "India" in S0 and in "India-Japan" (\b allows the hyphen); no context with window 0
    assert list(zip(res["doc_id"], res["keyword"], res["left"], res["right"])) == [
        ("d1", "India", "", ""), ("d2", "India", "", "")]
    empty = kwic(SENTENCES, "pakistan")
    assert empty.empty and list(empty.columns) == COLUMNS


def test_compile_patterns_errors_and_labels():
    with pytest.raises(ConfigError, match="empty pattern"):
        compile_patterns("  ")
    with pytest.raises(ConfigError, match="not a valid regular expression"):
        compile_patterns("(unclosed", regex=True)
    rx = re.compile("navy", re.IGNORECASE)
    assert compile_patterns([rx, "japan"])[0] == ("navy", rx)
    assert compile_patterns("japan")[0][0] == "japan"
    assert re.fullmatch(term_regex("Japan"), "japan's")


def test_curly_apostrophe_possessive_and_no_match_inside_words():
    sents = pd.DataFrame({"doc_id": ["d1"], "sent_idx": [0], "text": ["Japan’s Japanese japan."]})
    res = kwic(sents, "Japan", window=1)
    # "Japanese" is a different word; the curly possessive belongs to the keyword
    assert list(zip(res["left"], res["keyword"], res["right"])) == [("", "Japan’s", "Japanese"),
                                                                    ("Japanese", "japan", ".")]
