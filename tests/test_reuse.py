import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.reuse import (document_originality, frames_by_reuse, reuse_pairs, sentence_reuse, shared_passages,
                            token_spans)

SHARED = "The quick brown fox jumps over the lazy dog near the river"          # 12 words


def docs(*texts, outlets=None):
    ids = [f"d{i}" for i in range(len(texts))]
    return pd.DataFrame({"doc_id": ids, "outlet": outlets or ids, "text": list(texts)})


def test_one_shared_passage_exact_offsets():
    a = "Alpha beta gamma. " + SHARED + ". End of the first text."
    b = "Something else entirely, said nobody. " + SHARED + "! More words follow."
    p = shared_passages(docs(a, b))
    assert len(p) == 1
    r = p.iloc[0]
    assert (r.doc_a, r.doc_b, r.n_words) == ("d0", "d1", 12)
    assert (r.start_a, r.end_a) == (18, 18 + len(SHARED))
    assert (r.start_b, r.end_b) == (38, 38 + len(SHARED))
    assert r.text == SHARED


def test_seven_shared_words_are_not_a_passage():
    seven = "one two three four five six seven"
    p = shared_passages(docs(f"x {seven} y", f"z {seven} w"))
    assert p.empty


def test_exactly_eight_words_case_apostrophes_and_punctuation_ignored():
    a = "Intro. India's stance on the attack was firm, said the minister today."
    b = "INDIA’S STANCE ON THE ATTACK WAS FIRM — SAID a different one."
    p = shared_passages(docs(a, b))
    assert len(p) == 1 and p.iloc[0].n_words == 8
    assert p.iloc[0].text == "India's stance on the attack was firm, said"
    assert b[p.iloc[0].start_b:p.iloc[0].end_b] == "INDIA’S STANCE ON THE ATTACK WAS FIRM — SAID"


def test_moved_passages_are_both_found_and_an_edit_splits_a_passage():
    p1 = "alpha beta gamma delta epsilon zeta eta theta iota"                   # 9 words
    p2 = "one two three four five six seven eight nine ten"                    # 10 words
    a = f"{p1}. Filler words here. {p2}."
    b = f"{p2}. Other filler. {p1}."
    p = shared_passages(docs(a, b))
    assert sorted(p["n_words"]) == [9, 10]
    edited = shared_passages(docs(f"{p2} eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen",
                                  f"{p2} XX twelve thirteen fourteen fifteen sixteen seventeen eighteen"))
    assert list(edited["n_words"]) == [10]


def test_three_documents_and_originality():
    a = f"Start {SHARED} stop"                 # 14 words, 12 reused
    b = f"{SHARED} and more words"             # 15 words, 12 reused
    c = "Nothing in common with the others at all here"
    d = docs(a, b, c)
    p = shared_passages(d)
    assert list(zip(p["doc_a"], p["doc_b"])) == [("d0", "d1")]
    orig = document_originality(p, d).set_index("doc_id")
    assert orig.loc["d0", "share_original"] == pytest.approx(2 / 14)
    assert orig.loc["d1", "share_original"] == pytest.approx(3 / 15)
    assert orig.loc["d2", "share_original"] == pytest.approx(1.0)
    assert list(orig["n_partners"]) == [1, 1, 0]
    pairs = reuse_pairs(p, d)
    assert pairs[["n_passages", "n_words_a", "n_words_b"]].values.tolist() == [[1, 12, 12]]
    assert pairs.iloc[0].share_a == pytest.approx(12 / 14)


def test_quoted_share_and_sentence_reuse():
    a = f'He said, "{SHARED}." Then nothing.'
    b = f"{SHARED}. Nothing else."
    d = docs(a, b)
    p = shared_passages(d)
    assert p.iloc[0].quoted_share_a == pytest.approx(1.0) and p.iloc[0].quoted_share_b == 0.0
    cut = a.index(" Then")
    sents = pd.DataFrame({"doc_id": ["d0", "d0"], "start": [0, cut + 1], "end": [cut, len(a)],
                          "text": [a[:cut], a[cut + 1:]]})
    share = sentence_reuse(p, d, sents)
    chars = len(a[:cut].replace(" ", ""))
    assert share.iloc[0] == pytest.approx(len(SHARED.replace(" ", "")) / chars)
    assert share.iloc[1] == 0.0


def test_frames_split_by_reuse():
    d = docs("a b", outlets=["X"])
    sents = pd.DataFrame({"doc_id": ["d0"] * 4, "reuse_share": [1.0, 0.6, 0.0, 0.2], "frame_war": [1, 1, 0, 1]})
    fr = frames_by_reuse(sents, d).set_index(["outlet", "part"])
    assert fr.loc[("all", "reused"), "share"] == pytest.approx(1.0)
    assert fr.loc[("all", "original"), "share"] == pytest.approx(0.5)
    assert frames_by_reuse(sents.drop(columns="frame_war"), d) is None


words = st.lists(st.sampled_from(["india", "japan", "defence", "talks", "minister", "said", "the", "of"]),
                 min_size=0, max_size=40)


@settings(max_examples=60, deadline=None)
@given(words, words, words)
def test_every_passage_is_the_same_words_in_both_documents(x, y, z):
    a = " ".join(x + z)
    b = " ".join(y + z)
    d = docs(a, b)
    for r in shared_passages(d).itertuples():
        ta, _ = token_spans(a[r.start_a:r.end_a])
        tb, _ = token_spans(b[r.start_b:r.end_b])
        assert ta == tb and len(ta) == r.n_words >= 8
    if len(z) >= 8:
        assert not shared_passages(d).empty


def test_short_documents_and_boilerplate_cap():
    assert shared_passages(docs("too short", "also short")).empty
    many = docs(*[f"doc {i} {SHARED}" for i in range(4)])
    assert len(shared_passages(many)) == 6                      # every pair of four documents
    assert shared_passages(many, max_docs=3).empty              # in more than 3 documents: boilerplate
