"""Tests of analysis.diversity: TTR, MATTR, MTLD and HD-D with hand-worked answers and properties,
the fast per-document path against the reference functions, and the per-document contract."""
from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st
from scipy.stats import hypergeom

import analysis.diversity as dv
from conftest import annotate_in_chunks, table_run
from analysis.diversity import HDD_SAMPLE, MATTR_WINDOW, MTLD_THRESHOLD, diversity, hdd, mattr, mtld, ttr

tokens_st = st.lists(st.sampled_from("abcdefgh"), min_size=1, max_size=80)


def test_defaults_are_the_published_ones():
    assert (MATTR_WINDOW, MTLD_THRESHOLD, HDD_SAMPLE) == (50, 0.72, 42)


# --- TTR ------------------------------------------------------------------------------------------

def test_ttr_hand_worked():
    # "the cat saw the dog": 4 types / 5 tokens = 0.8
    assert ttr("the cat saw the dog".split()) == pytest.approx(0.8)
    assert ttr(["a"]) == 1.0
    assert math.isnan(ttr([]))


# --- MATTR ----------------------------------------------------------------------------------------

def test_mattr_small_window_hand_worked():
    # a b a c c, window 3: [a b a] 2/3, [b a c] 3/3, [a c c] 2/3 -> mean (2/3 + 1 + 2/3) / 3 = 7/9
    assert mattr(list("abacc"), window=3) == pytest.approx(7 / 9)
    # window 2: [a b] 1, [b a] 1, [a c] 1, [c c] 1/2 -> (1 + 1 + 1 + 0.5) / 4 = 0.875
    assert mattr(list("abacc"), window=2) == pytest.approx(0.875)


def test_mattr_window_not_shorter_than_text_is_ttr():
    toks = list("abacc")                                      # TTR 3/5
    assert mattr(toks, window=50) == pytest.approx(0.6)
    assert mattr(toks, window=5) == pytest.approx(0.6)       # one window = the whole text
    assert math.isnan(mattr([]))


def test_mattr_default_window_is_50():
    # 51 tokens: t0..t49 all different, then t1 again. Two windows of 50:
    # [t0..t49] 50 types; [t1..t49, t1] 49 types -> (50/50 + 49/50) / 2 = 0.99
    toks = [f"t{i}" for i in range(50)] + ["t1"]
    assert mattr(toks) == pytest.approx((1 + 49 / 50) / 2)
    assert mattr(toks, window=51) == pytest.approx(ttr(toks))


def brute_mattr(toks, window):
    if len(toks) <= window:
        return ttr(toks)
    wins = [toks[i:i + window] for i in range(len(toks) - window + 1)]
    return sum(len(set(w)) / window for w in wins) / len(wins)


@settings(max_examples=60, deadline=None)
@given(tokens_st, st.integers(1, 20))
def test_mattr_equals_mean_of_window_ttrs(toks, window):
    assert mattr(toks, window) == pytest.approx(brute_mattr(toks, window))


@settings(max_examples=60, deadline=None)
@given(tokens_st)
def test_ttr_and_mattr_in_unit_interval_and_mattr_is_ttr_when_short(toks):
    assert 0 < ttr(toks) <= 1
    assert 0 < mattr(toks, 10) <= 1
    if len(toks) <= MATTR_WINDOW:
        assert mattr(toks) == ttr(toks)


# --- MTLD -----------------------------------------------------------------------------------------

def test_mtld_hand_worked_forward_backward_and_partial_factor():
    toks = ["x", "x", "p", "q", "r", "p"]
    # forward:  x 1/1, x 1/2 = 0.5 <= 0.72 -> factor 1, reset;
    #           p 1/1, q 2/2, r 3/3, p 3/4 = 0.75 (> 0.72), text ends:
    #           partial factor (1 - 0.75) / (1 - 0.72) = 0.25 / 0.28 = 25/28
    #           factors 1 + 25/28 = 53/28 -> MTLD 6 / (53/28) = 168/53 = 3.169811
    # backward: p r q p x x: p 1, r 1, q 1, p 3/4, x 4/5 = 0.8, x 4/6 = 0.667 <= 0.72 -> factor 1, nothing left
    #           factors 1 -> MTLD 6 / 1 = 6
    # mean (168/53 + 6) / 2 = 243/53 = 4.584906
    assert mtld(toks) == pytest.approx(243 / 53)
    assert mtld(toks[::-1]) == pytest.approx(243 / 53)


def test_mtld_two_full_factors_no_partial():
    # a a b c b: forward a 1, a 1/2 -> factor; b 1, c 1, b 2/3 -> factor; 2 factors -> 5 / 2 = 2.5
    # backward b c b a a: b 1, c 1, b 2/3 -> factor; a 1, a 1/2 -> factor; 2 factors -> 2.5
    assert mtld(list("aabcb")) == pytest.approx(2.5)


def test_mtld_threshold_reached_exactly_counts_as_factor():
    # threshold 0.5: a b a b: forward a 1, b 1, a 2/3, b 2/4 = 0.5 <= 0.5 -> factor 1, nothing left -> 4/1 = 4
    # backward b a b a: the same -> 4; mean 4
    assert mtld(list("abab"), threshold=0.5) == pytest.approx(4.0)


def test_mtld_nan_without_repetition_and_when_empty():
    assert math.isnan(mtld(list("abcdef")))
    assert math.isnan(mtld([]))


@settings(max_examples=60, deadline=None)
@given(tokens_st)
def test_mtld_is_direction_free(toks):
    # the mean of a forward and a backward pass cannot depend on the reading direction
    a, b = mtld(toks), mtld(toks[::-1])
    assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b)


# --- HD-D -----------------------------------------------------------------------------------------

def test_hdd_hand_worked_small_sample():
    # a a b c, sample 2: C(4,2) = 6
    # a (f=2): 1 - C(2,2)/6 = 5/6;  b (f=1): 1 - C(3,2)/6 = 1/2;  c: 1/2
    # HD-D = (5/6 + 1/2 + 1/2) / 2 = (11/6) / 2 = 11/12
    assert hdd(list("aabc"), sample=2) == pytest.approx(11 / 12)


def direct_hdd(toks, sample):
    n = len(toks)
    # P(type with frequency f drawn at least once) = 1 - P(X = 0), X ~ Hypergeom(M=n, n=f, N=sample)
    return sum(1 - hypergeom.pmf(0, n, f, sample) for f in Counter(toks).values()) / sample


def test_hdd_matches_scipy_hypergeometric():
    toks = ("the navy sailed to the south china sea and the navy of japan sailed home "
            "while the ministers met in tokyo and the ministers agreed on joint exercises "
            "for the navy and the army of both countries next year, the ministry said on monday").split()
    assert len(toks) >= HDD_SAMPLE
    assert hdd(toks) == pytest.approx(direct_hdd(toks, HDD_SAMPLE))


def test_hdd_all_distinct_is_one_and_short_text_nan():
    # each type f = 1: 1 - C(N-1, s)/C(N, s) = s/N; N types -> N * s/N / s = 1
    assert hdd([f"t{i}" for i in range(60)]) == pytest.approx(1.0)
    assert math.isnan(hdd(list("abc") * 10))                 # 30 tokens < 42
    assert math.isnan(hdd(list("abc"), sample=0))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from("abcdefgh"), min_size=5, max_size=60), st.integers(1, 5))
def test_hdd_property_against_scipy(toks, sample):
    assert hdd(toks, sample) == pytest.approx(direct_hdd(toks, sample))
    assert 0 < hdd(toks, sample) <= 1 + 1e-12


# --- per document ---------------------------------------------------------------------------------

def test_diversity_table_uses_tokenizer_in_sentence_order():
    sents = pd.DataFrame({"doc_id": ["d1", "d1", "d2"], "sent_idx": [1, 0, 0],
                          "text": ["Japan's navy!", "The navy, the navy", ""]})
    res = diversity(sents).set_index("doc_id")
    assert list(res.columns) == ["ttr", "mattr", "mtld", "hdd"]
    # d1 tokens in order: the navy the navy japan navy -> 3 types / 6 tokens
    assert res.loc["d1", "ttr"] == pytest.approx(0.5)
    assert res.loc["d1", "mattr"] == pytest.approx(0.5)      # shorter than the 50-token window
    # forward: the 1, navy 1, the 2/3 -> factor; navy 1, japan 1, navy 2/3 -> factor: 6/2 = 3
    # backward: navy japan navy -> factor; the navy the -> factor: 3
    assert res.loc["d1", "mtld"] == pytest.approx(3.0)
    assert math.isnan(res.loc["d1", "hdd"])                  # 6 tokens < 42
    assert res.loc["d2"].isna().all()                        # no tokens: NaN everywhere


# --- the fast per-document path equals the reference functions --------------------------------------

def _reference(tokens):
    return ttr(tokens), mattr(tokens), mtld(tokens), hdd(tokens)


def _same(a, b):
    """Equal floats, NaN equal to NaN."""
    return all((math.isnan(x) and math.isnan(y)) if isinstance(x, float) and math.isnan(x) else x == y
               for x, y in zip(a, b))


def _codes(tokens):
    index = {}
    return np.array([index.setdefault(t, len(index)) for t in tokens], dtype=np.int64)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), max_size=400), st.integers(1, 26))
def test_fast_measures_equal_reference_functions(toks, n_types):
    toks = [chr(97 + (ord(t) - 97) % n_types) for t in toks]     # from all-distinct to very repetitive
    assert _same(dv._measures(_codes(toks)), _reference(toks))


@pytest.mark.parametrize("toks", [
    [], ["a"], list("ab"), list("aaaa"), [f"t{i}" for i in range(300)],         # no repetition: MTLD NaN
    list("ab" * 25), list("ab" * 25) + ["c"], [f"t{i % 60}" for i in range(500)],  # around the window
    [f"t{i}" for i in range(41)] + ["t0"], [f"t{i % 7}" for i in range(42)],        # around the HD-D sample
    list("abcdefghijklmnopqr") + list("abcdefg"),                                   # TTR exactly 0.72 (18/25)
])
def test_fast_measures_equal_reference_functions_on_edges(toks):
    assert _same(dv._measures(_codes(toks)), _reference(toks))


def test_mattr_total_is_the_sum_of_window_types():
    toks = [f"t{i % 13}" for i in range(120)] + [f"u{i}" for i in range(30)]
    prev = dv._occurrences(_codes(toks))[0]
    for window in (1, 5, 50, 149):
        assert dv._mattr_total(prev, window) == sum(len(set(toks[s:s + window]))
                                                    for s in range(len(toks) - window + 1))


def _old_diversity(sentences):
    """The table as the module made it before the fast path: reference functions on each document's tokens."""
    from analysis.tokens import tokenize

    ordered = sentences.sort_values(["doc_id", "sent_idx"], kind="stable")
    rows = []
    for doc_id, grp in ordered.groupby("doc_id", sort=True):
        toks = [t for text in grp["text"] for t in tokenize(str(text))]
        rows.append((doc_id, ttr(toks), mattr(toks), mtld(toks), hdd(toks)))
    return pd.DataFrame(rows, columns=["doc_id", *dv.MEASURES])


@pytest.fixture(scope="module", params=["bundled", "events"])
def corpus_units(request):
    from analysis.clean import clean_corpus
    from analysis.corpus import read_corpus
    from analysis.paths import BUNDLED_CORPUS
    from analysis.segment import segment

    corpus = BUNDLED_CORPUS if request.param == "bundled" else Path(__file__).parent / "data" / "events_corpus"
    docs, paragraphs, _ = clean_corpus(read_corpus(corpus))
    return docs, segment(paragraphs)


def test_diversity_table_equals_reference_on_corpora(corpus_units):
    _, sentences = corpus_units
    new, old = diversity(sentences), _old_diversity(sentences)
    assert len(new) > 3
    pd.testing.assert_frame_equal(new, old, check_exact=True)


def test_annotate_on_chunks_equals_whole_and_stage_is_annotate_then_summarise(corpus_units):
    docs, sentences = corpus_units
    docs = docs[["doc_id", "outlet"]].reset_index(drop=True)
    whole = table_run(docs.copy(), sentences.copy())
    assert dv.stage(whole) == f"diversity of {len(docs)} documents"
    pd.testing.assert_frame_equal(whole.documents, docs.merge(_old_diversity(sentences), on="doc_id", how="left"),
                                  check_exact=True)
    joined = annotate_in_chunks(dv, docs, sentences)
    pd.testing.assert_frame_equal(joined.documents, whole.documents, check_exact=True)
    assert dv.summarise(joined) == f"diversity of {len(docs)} documents"


def test_summarise_counts_documents_with_sentences():
    sents = pd.DataFrame({"doc_id": ["d1", "d2"], "sent_idx": [0, 0], "text": ["The navy sailed.", ""]})
    run = table_run(pd.DataFrame({"doc_id": ["d1", "d2", "none"]}), sents)
    dv.annotate(run)
    assert run.documents["doc_id"].tolist() == ["d1", "d2", "none"]
    assert run.documents.loc[1:, list(dv.MEASURES)].isna().all().all()
    assert dv.summarise(run) == "diversity of 2 documents"      # d2 has a sentence, though no tokens
