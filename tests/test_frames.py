"""Tests of analysis.frames: dictionary loading, matching, coding and per-outlet measures."""
from __future__ import annotations

import re
from types import SimpleNamespace

import pandas as pd
import pytest
from hypothesis import given, strategies as st

from analysis.errors import ConfigError
from analysis.frames import (DEFAULT_FRAMES, GENERIC_FRAMES, code_sentences, find_hits, frame_cooccurrence,
                             frame_patterns, frame_prominence, frame_salience, load_frames, stage)


def write(tmp_path, text, name="f.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def frames_from(tmp_path, body):
    return load_frames(write(tmp_path, body))


# --- loading --------------------------------------------------------------------------------------

def test_bundled_dictionaries_load():
    default = load_frames()
    assert list(default) == ["terrorism", "china", "interoperability", "partnership", "defence_industry",
                             "regional_security", "india_pakistan"]
    assert all(f.definition and f.patterns for f in default.values())
    assert list(load_frames(GENERIC_FRAMES)) == ["conflict", "human_interest", "responsibility", "economic",
                                                 "morality"]
    assert load_frames(DEFAULT_FRAMES)["china"].label == "China"


@pytest.mark.parametrize("body, needle", [
    ('[frames.t]\ndefinition = "d"\nterms = ["a"]\ncolour = "red"\n', "frame 't' has unknown key 'colour'"),
    ('[frames.t]\ndefinition = "d"\n', "frame 't' is empty"),
    ('[frames.t]\ndefinition = "d"\nterms = []\nregex = []\n', "frame 't' is empty"),
    ('[frames.t]\ndefinition = "d"\nregex = ["(unclosed"]\n', "frame 't', regex entry '(unclosed'"),
    ('[frames.t]\ndefinition = "d"\nterms = ["a"]\nexclude_regex = ["[z"]\n', "frame 't', exclude_regex entry"),
    ('[frames.t]\ndefinition = "d"\nterms = "terror"\n', "frame 't', key 'terms' must be a list"),
    ('[frames.t]\nterms = ["a"]\n', "frame 't' has no 'definition'"),
    ('[frames.Bad-Name]\ndefinition = "d"\nterms = ["a"]\n', "frame name 'Bad-Name'"),
    ('[meta]\nname = "x"\n', "no frames"),
    ('[frame.t]\ndefinition = "d"\n', "unknown top-level key 'frame'"),
    ('[frames.t\n', "not a valid TOML file"),
])
def test_loading_errors_name_file_and_frame(tmp_path, body, needle):
    path = write(tmp_path, body)
    with pytest.raises(ConfigError) as err:
        load_frames(path)
    msg = str(err.value)
    assert needle in msg and str(path) in msg and "\n" not in msg


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        load_frames(tmp_path / "nope.toml")


# --- matching -------------------------------------------------------------------------------------

def words(text, frame):
    return [m for _, _, m in find_hits(text, frame)]


def test_terms_whole_words_case_and_possessive(tmp_path):
    f = frames_from(tmp_path, '[frames.c]\ndefinition = "d"\nterms = ["china", "pakistan"]\n')["c"]
    assert words("CHINA’s navy and China's ships", f) == ["CHINA", "China"]
    assert words("India-Pakistan tensions", f) == ["Pakistan"]
    assert words("chinaware and Indochina and pakistani", f) == []


def test_wildcard_term(tmp_path):
    f = frames_from(tmp_path, '[frames.t]\ndefinition = "d"\nterms = ["terror*"]\n')["t"]
    assert words("Terrorists and anti-terror laws; terrorism.", f) == ["Terrorists", "terror", "terrorism"]
    assert words("deterrence", f) == []


@pytest.mark.parametrize("text", ["Indo-Pacific", "Indo Pacific", "indopacific", "Indo–Pacific", "INDO  PACIFIC"])
def test_phrase_hyphen_space_variants(tmp_path, text):
    f = frames_from(tmp_path, '[frames.r]\ndefinition = "d"\nphrases = ["Indo-Pacific"]\n')["r"]
    assert words(f"peace in the {text} region", f) == [text]


def test_multiword_phrase(tmp_path):
    f = frames_from(tmp_path, '[frames.i]\ndefinition = "d"\nphrases = ["each other\'s bases", '
                              '"supply and services agreement"]\n')["i"]
    assert words("use each other’s bases", f) == ["each other’s bases"]
    assert words("a supply-and-services  agreement", f) == ["supply-and-services  agreement"]
    assert words("supply and services", f) == []
    assert words("resupply and services agreements", f) == []


def test_regex_used_as_written(tmp_path):
    f = frames_from(tmp_path, "[frames.r]\ndefinition = \"d\"\n"
                              "regex = ['\\bregional\\s+(and|&)\\s+international\\s+security\\b']\n")["r"]
    assert words("the regional & international security situation", f) == ["regional & international security"]
    assert words("Regional and International Security", f) == ["Regional and International Security"]
    assert words("regional or international security", f) == []


def test_exclusion_suppresses_only_hits_inside_it(tmp_path):
    f = frames_from(tmp_path, '[frames.c]\ndefinition = "d"\nterms = ["china"]\nexclude = ["fine china"]\n')["c"]
    assert words("They served tea in fine china.", f) == []
    assert words("Fine China plates, a gift from China.", f) == ["China"]


def test_default_dictionary_on_hard_cases():
    frames = load_frames()
    assert words("the Pahalgam attack", frames["terrorism"]) == ["Pahalgam attack"]
    assert words("a reign of terror", frames["terrorism"]) == []
    assert words("East and South China Seas", frames["regional_security"]) == ["South China Seas"]
    assert words("Defence and security are important pillars of the ties", frames["regional_security"]) == []
    assert words("counter cross-border threats", frames["india_pakistan"]) == []


def test_frame_patterns_for_kwic():
    frames = load_frames()
    pats = frame_patterns(frames, "interoperability")
    assert all(isinstance(p, re.Pattern) for p in pats)
    assert any(p.search("greater interoperability between their militaries") for p in pats)
    with pytest.raises(ConfigError, match="frame='tone'"):
        frame_patterns(frames, "tone")


@given(st.text(alphabet="abc -'", max_size=30))
def test_hits_are_spans_of_the_text(text):
    f = load_frames()["terrorism"]
    for start, end, match in find_hits(text + " terror", f):
        assert (text + " terror")[start:end] == match


# --- coding and measures --------------------------------------------------------------------------

@pytest.fixture
def small():
    sents = pd.DataFrame({
        "doc_id": ["a", "a", "a", "a", "b", "b"],
        "sent_idx": [0, 1, 2, 3, 0, 1],
        "position": ["headline", "lede", "body", "body", "lede", "body"],
        "para_role": ["headline", "paragraph", "paragraph", "paragraph", "paragraph", "paragraph"],
        "text": ["Talks on terror", "China and terror", "Nothing here", "Beijing again", "Calm day", "China"],
    })
    docs = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["X", "Y"]})
    body = ('[frames.terror]\ndefinition = "d"\nterms = ["terror"]\n'
            '[frames.china]\ndefinition = "d"\nterms = ["china", "beijing"]\n')
    return sents, docs, body


def test_code_sentences_columns_and_trace(tmp_path, small):
    sents, docs, body = small
    coded, long = code_sentences(sents, frames_from(tmp_path, body))
    assert coded["frame_terror"].tolist() == [1, 1, 0, 0, 0, 0]
    assert coded["frame_china"].tolist() == [0, 1, 0, 1, 0, 1]
    assert long.to_dict("records")[1] == {"doc_id": "a", "sent_idx": 1, "frame": "china", "matched": "china"}
    assert len(long) == 5


def test_salience_known_interval():
    sents = pd.DataFrame({"doc_id": ["a", "a", "b", "b", "b", "b"], "frame_t": [1, 0, 1, 1, 1, 1]})
    docs = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["X", "Y"]})
    tab = frame_salience(sents, docs, random_state=1).set_index("outlet")
    # X: bootstrap means of two draws from {1, 0} are 0, .5 or 1 with 1/4, 1/2, 1/4: 95% interval [0, 1].
    assert tab.loc["X", ["n_sentences", "n_frame"]].tolist() == [2, 1]
    assert tab.loc["X", ["share", "ci_low", "ci_high"]].tolist() == pytest.approx([0.5, 0.0, 1.0])
    # Y: all four framed, so the interval is the constant.
    assert tab.loc["Y", ["share", "ci_low", "ci_high"]].tolist() == pytest.approx([1.0, 1.0, 1.0])


def test_prominence_by_hand(tmp_path, small):
    sents, docs, body = small
    coded, _ = code_sentences(sents, frames_from(tmp_path, body))
    tab = frame_prominence(coded, docs)
    a = tab[(tab.level == "document") & (tab.doc_id == "a")].set_index("frame")
    assert a.loc["terror", ["in_headline", "in_lede", "first_rank", "first_relpos"]].tolist() == [1, 1, 1, 0.0]
    # weights 3, 2, 1, 1 (total 7): terror in headline+lede = 5/7; china in lede and body = 3/7
    assert a.loc["terror", "weighted_salience"] == pytest.approx(5 / 7)
    assert a.loc["china", ["in_headline", "first_rank", "first_relpos"]].tolist() == [0, 2, pytest.approx(1 / 3)]
    assert a.loc["china", "weighted_salience"] == pytest.approx(3 / 7)
    b = tab[(tab.level == "outlet") & (tab.outlet == "Y")].set_index("frame")
    assert pd.isna(b.loc["china", "in_headline"])   # no headline in document b
    assert b.loc["china", ["first_rank", "weighted_salience"]].tolist() == pytest.approx([2, 1 / 3])
    assert pd.isna(b.loc["terror", "first_rank"])


def test_cooccurrence_by_hand(tmp_path, small):
    sents, docs, body = small
    coded, _ = code_sentences(sents, frames_from(tmp_path, body))
    tab = frame_cooccurrence(coded, docs).set_index(["outlet", "unit"])
    x = tab.loc[("X", "sentence")]
    assert [x.n_units, x.n_a, x.n_b, x.n_both, x.jaccard] == [4, 2, 2, 1, pytest.approx(1 / 3)]
    alldoc = tab.loc[("(all outlets)", "document")]
    assert [alldoc.n_units, alldoc.n_both, alldoc.jaccard] == [2, 1, pytest.approx(0.5)]


def test_stage_without_sentiment_skips_tone(tmp_path, small):
    sents, docs, body = small
    run = SimpleNamespace(sentences=sents, documents=docs, tables={},
                          params={"frames": str(write(tmp_path, body)), "seed": 3})
    summary = stage(run)
    assert "frame tone skipped" in summary and "frame_tone" not in run.tables
    assert {"sentence_frames", "frame_salience", "frame_prominence", "frame_cooccurrence"} <= set(run.tables)
    run.sentences = run.sentences.assign(sentiment_vader=[0.5, -0.5, 0.0, 0.1, 0.2, 0.3])
    assert "skipped" not in stage(run)
    tone = run.tables["frame_tone"].set_index(["outlet", "frame"])
    assert tone.loc[("X", "terror"), ["n_sentences", "mean"]].tolist() == [2, pytest.approx(0.0)]
