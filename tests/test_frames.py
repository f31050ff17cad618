"""Tests of analysis.frames: dictionary loading, matching, coding and per-outlet measures."""
from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from analysis.errors import ConfigError
from analysis.frames import (DEFAULT_FRAMES, GENERIC_FRAMES, annotate, code_sentences, compile_term, find_hits,
                             frame_cooccurrence, frame_patterns, frame_prominence, frame_salience, load_frames,
                             stage, summarise)
from analysis.frames.coding import FOLD, fold, frame_hits, literal_keys, matched_terms


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


# --- fast coding = find_hits, chunks, annotate/summarise ------------------------------------------

TRICKY = ('[frames.t]\ndefinition = "d"\nterms = ["terror*", "aa", "kilo", "is", "china"]\n'
          'phrases = ["South China Sea", "Indo-Pacific", "each other\'s bases", "china sea"]\n'
          "regex = ['\\bsecurity\\s+(situation|threats?)\\b', '(?:\\$|rs\\.?)\\s?\\d', 'a|b', 'x*']\n"
          'exclude = ["fine china"]\n'
          "[frames.u]\ndefinition = 'd'\nterms = ['sea', '-pacific', 'über*']\nregex = ['aa', 'ab+a']\n"
          "exclude_regex = ['\\bsea\\s+change']\n")
TRICKY_TEXTS = ["The South China Sea and the china sea; fine china.", "aaaa aa aaa-aa",
                "KILO kilo İs ıs ſecurity",
                "Indo–Pacific, indopacific and INDO  PACIFIC", "use each other’s bases",
                "Über-terrorists ÜBERALL",
                "security  threats and a security situation", "rs. 5 and $3 and Rs 7", "a sea change at sea", "",
                "Terror-terror terrorism", "\u212ailo and \u0130S", "south-china-sea chinasea", "abbababba"]


def by_find_hits(texts, frames):
    """What code_sentences must give: find_hits on each text."""
    flags = {n: [int(bool(find_hits(t, f))) for t in texts] for n, f in frames.items()}
    rows = [(i, n, matched_terms(find_hits(t, f))) for i, t in enumerate(texts) for n, f in frames.items()
            if find_hits(t, f)]
    return flags, rows


def coded_rows(texts, frames):
    sents = pd.DataFrame({"doc_id": "d", "sent_idx": range(len(texts)), "text": texts})
    coded, long = code_sentences(sents, frames)
    flags = {n: coded[f"frame_{n}"].tolist() for n in frames}
    rows = sorted((r.sent_idx, r.frame, r.matched) for r in long.itertuples())
    return flags, rows


def test_code_sentences_equals_find_hits_on_tricky_texts(tmp_path):
    frames = frames_from(tmp_path, TRICKY)
    flags, rows = by_find_hits(TRICKY_TEXTS, frames)
    assert coded_rows(TRICKY_TEXTS, frames) == (flags, sorted(rows))
    matched = {(i, n): m.split("; ") for i, n, m in rows}
    assert {"kilo", "i\u0307s"} <= set(matched[(11, "t")])   # the Kelvin sign and dotted I match k and i
    hits = frame_hits(TRICKY_TEXTS, frames, block=3)     # indexed in blocks: same hits
    assert hits == {n: {i: find_hits(t, f) for i, t in enumerate(TRICKY_TEXTS) if find_hits(t, f)}
                    for n, f in frames.items()}


PIECES = ["a", "A", " ", "-", "–", "'", "’", "İ", "ı", "ſ", "K", "\u212a", "terror", "sea", "China", "south",
          "aa", "is", "kilo", "fine", "Indo", "pacific", "$", "3", ".", "rs", "ü", "security", "threat", "change"]


@settings(deadline=None)
@given(st.lists(st.lists(st.sampled_from(PIECES), max_size=12).map("".join), max_size=6))
def test_code_sentences_equals_find_hits(texts):
    frames = load_frames_text(TRICKY)
    flags, rows = by_find_hits(texts, frames)
    assert coded_rows(texts, frames) == (flags, sorted(rows))


def load_frames_text(body):
    with tempfile.TemporaryDirectory() as tmp:
        return load_frames(write(Path(tmp), body))


def test_default_dictionary_coding_equals_find_hits():
    frames = load_frames()
    texts = ["Pahalgam attack: terrorists struck; a reign of terror.", "South China Sea and East China Sea",
             "India–Pakistan cross-border terror", "interoperability and each other’s bases", "Nothing.",
             "the security situation, peace and stability, guard of honour, visit to New Delhi"]
    flags, rows = by_find_hits(texts, frames)
    assert coded_rows(texts, frames) == (flags, sorted(rows))


def test_fold_covers_every_case_insensitive_match_of_ascii():
    # every non-ASCII character that an IGNORECASE pattern matches to an ASCII character is in FOLD,
    # folded to that character; folding keeps lengths.
    ascii_class = re.compile("[" + re.escape("".join(map(chr, range(128)))) + "]", re.IGNORECASE)
    found = {c for c in map(chr, range(128, sys.maxunicode + 1)) if ascii_class.fullmatch(c)}
    assert found == set(FOLD)
    for char, letter in FOLD.items():
        assert re.fullmatch(letter, char, re.IGNORECASE)
    assert [c for c in map(chr, range(sys.maxunicode + 1)) if len(fold(c)) != 1] == []


@pytest.mark.parametrize("expr, keys", [
    ("terror*", ("terror", "terror")), ("South China Sea", ("south", "south")), ("Indo-Pacific", ("indo", "pacific")),
    ("-pacific", ("", "pacific")), ("each other's bases", ("each", "other's")), ("über*", ("", "ber")),
])
def test_literal_keys_of_terms(expr, keys):
    assert literal_keys(compile_term(expr)) == keys


@pytest.mark.parametrize("source, keys", [
    (r"\bpeace\s+and\s+stability\b", ("peace", "stability")), (r"(?:\$|rs\.?)\s?\d", ("", "")),
    ("ab|ac", ("a", "a")), ("x*", ("", "")), (r"(?<=a)bcd", ("bcd", "bcd")),
])
def test_literal_keys_of_regexes(source, keys):
    assert literal_keys(re.compile(source, re.IGNORECASE)) == keys


def corpus_sentences():
    texts = [["Talks on terror", "China and the South China Sea", "Nothing here"],
             ["Beijing again, fine china", "İndia–Pakistan tensions"],
             ["Calm day"],
             ["Terrorists in the Indo-Pacific", "each other’s bases", "China", "terror-free"]]
    rows = [(f"d{d}", i, "headline" if i == 0 else "body", t) for d, doc in enumerate(texts) for i, t in enumerate(doc)]
    sents = pd.DataFrame(rows, columns=["doc_id", "sent_idx", "position", "text"])
    sents["para_role"] = "paragraph"
    return sents


@pytest.mark.parametrize("cuts", [[1], [2], [1, 3], [1, 2, 3]])
def test_annotate_in_chunks_equals_whole(cuts):
    sents = corpus_sentences()
    docs = pd.DataFrame({"doc_id": sents["doc_id"].unique(), "outlet": ["X", "Y", "X", "Y"]})
    whole = SimpleNamespace(sentences=sents, documents=docs, tables={}, params={})
    annotate(whole)
    ids = list(docs["doc_id"])
    bounds = [0, *cuts, len(ids)]
    parts = []
    for a, b in zip(bounds, bounds[1:]):
        chunk = SimpleNamespace(sentences=sents[sents["doc_id"].isin(ids[a:b])].reset_index(drop=True),
                                documents=docs.iloc[a:b].reset_index(drop=True), tables={}, params={})
        annotate(chunk)
        parts.append(chunk)
    pd.testing.assert_frame_equal(pd.concat([p.sentences for p in parts], ignore_index=True), whole.sentences)
    pd.testing.assert_frame_equal(pd.concat([p.tables["sentence_frames"] for p in parts], ignore_index=True),
                                  whole.tables["sentence_frames"])
    assert whole.tables["sentence_frames"]["doc_id"].tolist() == sorted(whole.tables["sentence_frames"]["doc_id"])
    assert whole.sentences["frame_terrorism"].tolist() == [1, 0, 0, 0, 0, 0, 1, 0, 0, 1]


def test_stage_is_annotate_then_summarise(tmp_path, small):
    sents, docs, body = small
    params = {"frames": str(write(tmp_path, body)), "seed": 3}
    one = SimpleNamespace(sentences=sents, documents=docs, tables={}, params=params)
    two = SimpleNamespace(sentences=sents, documents=docs, tables={}, params=params)
    summary = stage(one)
    annotate(two)
    assert set(two.tables) == {"sentence_frames"}
    assert summarise(two) == summary == "2 frames, 4 of 6 sentences framed; frame tone skipped (no sentiment_vader " \
                                        "column: the sentiment stage did not run)"
    for name, table in one.tables.items():
        pd.testing.assert_frame_equal(two.tables[name], table)


def test_prominence_with_fractional_weights(tmp_path, small):
    sents, docs, body = small
    coded, _ = code_sentences(sents, frames_from(tmp_path, body))
    weights = {"headline": 0.3, "lede": 0.2, "body": 0.1}
    tab = frame_prominence(coded, docs, weights=weights)
    a = tab[(tab.level == "document") & (tab.doc_id == "a")].set_index("frame")
    w = [0.3, 0.2, 0.1, 0.1]
    assert a.loc["terror", "weighted_salience"] == (0.3 + 0.2) / sum(w) * 1.0 or \
        a.loc["terror", "weighted_salience"] == pytest.approx(0.5 / 0.7)
    assert a.loc["china", "weighted_salience"] == pytest.approx(0.3 / 0.7)
    x = tab[(tab.level == "outlet") & (tab.outlet == "X")].set_index("frame")
    assert x.loc["china", "weighted_salience"] == pytest.approx(0.3 / 0.7)
