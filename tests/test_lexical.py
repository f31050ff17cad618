"""Tests of analysis.lexical: term counts, frequencies and weighted log-odds (Monroe et al. 2008)."""
from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from analysis.errors import ConfigError
from analysis.lexical import (background_counts, comparisons, count_terms, distinctive_terms, frequencies,
                              is_term, log_odds, make_prior, ngrams, outlet_term_matrix, term_counts,
                              token_totals)
from analysis.tokens import load_stopwords, terms, tokenize

# d1 (outlet A) s0: the navy sailed to the south china sea   -> 8 tokens; terms navy sailed south china sea
# d1 (outlet A) s1: china protested                           -> 2 tokens; terms china protested
# d2 (outlet A) s0: china and japan talked                    -> 4 tokens; terms china japan talked
# d3 (outlet B) s0: japan's navy sailed                       -> 3 tokens; terms japan navy sailed
DOCUMENTS = pd.DataFrame({"doc_id": ["d1", "d2", "d3"], "outlet": ["A", "A", "B"]})
SENTENCES = pd.DataFrame({
    "doc_id": ["d1", "d2", "d1", "d3"],
    "sent_idx": [1, 0, 0, 0],
    "text": ["China protested.", "China and Japan talked.", "The navy sailed to the South China Sea.",
             "Japan's navy sailed."],
})


def counts_of(df, doc_id, ngram=1):
    sub = df[(df["doc_id"] == doc_id) & (df["ngram"] == ngram)]
    return dict(zip(sub["term"], sub["count"]))


# --- counting -------------------------------------------------------------------------------------

def test_ngrams():
    assert ngrams(["a", "b", "c"], 2) == ["a b", "b c"]
    assert ngrams(["a"], 2) == []


def test_term_counts_unigrams_and_bigrams_within_sentences():
    counts = term_counts(SENTENCES, DOCUMENTS)
    assert list(counts.columns) == ["doc_id", "outlet", "ngram", "term", "count"]
    assert counts_of(counts, "d1") == {"navy": 1, "sailed": 1, "south": 1, "china": 2, "sea": 1, "protested": 1}
    # "sea china" would span the sentence boundary of d1 and must not be counted.
    assert counts_of(counts, "d1", 2) == {"navy sailed": 1, "sailed south": 1, "south china": 1,
                                          "china sea": 1, "china protested": 1}
    # bigrams are formed after stopword removal: "china and japan" -> "china japan"
    assert counts_of(counts, "d2", 2) == {"china japan": 1, "japan talked": 1}
    assert counts_of(counts, "d3") == {"japan": 1, "navy": 1, "sailed": 1}
    assert set(counts.loc[counts["doc_id"] == "d3", "outlet"]) == {"B"}


def test_token_totals_count_stopwords_too():
    totals = token_totals(SENTENCES, DOCUMENTS)
    # d1: 8 + 2 = 10 tokens, d2: 4, d3: 3 (japan's -> japan)
    assert dict(zip(totals["doc_id"], totals["n_tokens"])) == {"d1": 10, "d2": 4, "d3": 3}


def test_token_totals_document_without_sentences_is_zero():
    docs = pd.concat([DOCUMENTS, pd.DataFrame({"doc_id": ["d4"], "outlet": ["B"]})], ignore_index=True)
    totals = token_totals(SENTENCES, docs)
    assert totals.set_index("doc_id").loc["d4", "n_tokens"] == 0


def test_frequencies_outlet_level():
    freq = frequencies(term_counts(SENTENCES, DOCUMENTS), token_totals(SENTENCES, DOCUMENTS))
    out = freq[(freq["level"] == "outlet") & (freq["ngram"] == 1)].set_index(["outlet", "term"])
    china = out.loc[("A", "china")]
    # outlet A: china 2 (d1) + 1 (d2) = 3 times in 10 + 4 = 14 tokens -> 1000 * 3 / 14 = 214.2857
    assert china["count"] == 3
    assert china["n_tokens"] == 14
    assert china["rate_per_1000"] == pytest.approx(1000 * 3 / 14)
    assert china["doc_freq"] == 2 and china["n_docs"] == 2
    assert china["doc_id"] == ""
    # navy in A: only d1 -> doc_freq 1 of 2 documents, rate 1000 * 1 / 14 = 71.43
    assert out.loc[("A", "navy"), "doc_freq"] == 1
    assert out.loc[("A", "navy"), "rate_per_1000"] == pytest.approx(1000 / 14)
    # outlet B: navy once in 3 tokens -> 333.33 per 1000
    assert out.loc[("B", "navy"), "rate_per_1000"] == pytest.approx(1000 / 3)
    assert out.loc[("B", "navy"), "n_docs"] == 1
    assert ("B", "china") not in out.index


def test_frequencies_document_level():
    freq = frequencies(term_counts(SENTENCES, DOCUMENTS), token_totals(SENTENCES, DOCUMENTS))
    doc = freq[(freq["level"] == "document") & (freq["ngram"] == 1)].set_index(["doc_id", "term"])
    # d1: china twice in 10 tokens -> 200 per 1000; d2: once in 4 tokens -> 250 per 1000
    assert doc.loc[("d1", "china"), "rate_per_1000"] == pytest.approx(200.0)
    assert doc.loc[("d2", "china"), "rate_per_1000"] == pytest.approx(250.0)
    assert doc.loc[("d1", "china"), "outlet"] == "A"
    assert set(doc["doc_freq"]) == {1} and set(doc["n_docs"]) == {1}
    assert list(freq.columns) == ["level", "outlet", "doc_id", "ngram", "term", "count", "rate_per_1000",
                                  "doc_freq", "n_docs", "n_tokens"]


def test_frequencies_bigram_rate_uses_token_denominator():
    freq = frequencies(term_counts(SENTENCES, DOCUMENTS), token_totals(SENTENCES, DOCUMENTS))
    row = freq[(freq["level"] == "outlet") & (freq["term"] == "south china")].iloc[0]
    # one "south china" in outlet A's 14 tokens
    assert (row["ngram"], row["count"]) == (2, 1)
    assert row["rate_per_1000"] == pytest.approx(1000 / 14)


# --- weighted log-odds ----------------------------------------------------------------------------

def test_log_odds_hand_worked():
    # target y: a=4, b=1 (n=5); reference r: a=1, b=2 (m=3); prior alpha: a=5, b=3 (a0=8)
    # delta_a = ln((4+5)/(5+8-4-5)) - ln((1+5)/(3+8-1-5)) = ln(9/4) - ln(6/5) = ln(1.875) = 0.628609
    # var_a   = 1/(4+5) + 1/(1+5) = 1/9 + 1/6 = 5/18;       z_a = 0.628609 / sqrt(5/18) = 1.192701
    # delta_b = ln((1+3)/(5+8-1-3)) - ln((2+3)/(3+8-2-3)) = ln(4/9) - ln(5/6) = ln(8/15) = -0.628609
    # var_b   = 1/(1+3) + 1/(2+3) = 0.45;                   z_b = -0.628609 / sqrt(0.45) = -0.937074
    res = log_odds(pd.Series({"a": 4, "b": 1}), pd.Series({"a": 1, "b": 2}), pd.Series({"a": 5.0, "b": 3.0}))
    assert list(res.columns) == ["term", "count", "count_ref", "log_odds", "z"]
    assert list(res["term"]) == ["a", "b"]                      # sorted by z, descending
    res = res.set_index("term")
    assert res.loc["a", "log_odds"] == pytest.approx(math.log(9 / 4) - math.log(6 / 5))
    assert res.loc["a", "log_odds"] == pytest.approx(0.628609, abs=1e-6)
    assert res.loc["a", "z"] == pytest.approx(1.192701, abs=1e-6)
    assert res.loc["b", "log_odds"] == pytest.approx(math.log(4 / 9) - math.log(5 / 6))
    assert res.loc["b", "z"] == pytest.approx(-0.937074, abs=1e-6)
    assert (res.loc["a", "count"], res.loc["a", "count_ref"]) == (4, 1)


def test_log_odds_missing_counts_are_zero():
    # term c only in the prior: y_c = r_c = 0 -> delta = ln(1/(5+9-1)) - ln(1/(3+9-1)) = ln(11/13)
    res = log_odds(pd.Series({"a": 4, "b": 1}), pd.Series({"a": 1, "b": 2}),
                   pd.Series({"a": 5.0, "b": 3.0, "c": 1.0})).set_index("term")
    assert res.loc["c", "count"] == 0 and res.loc["c", "count_ref"] == 0
    assert res.loc["c", "log_odds"] == pytest.approx(math.log(11 / 13))
    assert res.loc["c", "z"] == pytest.approx(math.log(11 / 13) / math.sqrt(2.0))


def test_log_odds_rejects_zero_prior():
    with pytest.raises(ValueError, match="positive prior"):
        log_odds(pd.Series({"a": 1}), pd.Series({"b": 1}), pd.Series({"a": 1.0}))


def toy_counts():
    """Outlet A says a 4 times and b once; outlet B says a once and b twice (one document each)."""
    return pd.DataFrame({"doc_id": ["d1", "d1", "d2", "d2"], "outlet": ["A", "A", "B", "B"], "ngram": 1,
                         "term": ["aa", "bb", "aa", "bb"], "count": [4, 1, 1, 2]})


def test_distinctive_terms_two_outlets_hand_worked():
    res = distinctive_terms(toy_counts())
    # prior = corpus counts + 0.01: alpha_aa = 5.01, alpha_bb = 3.01, a0 = 8.02; n = 5, m = 3
    # delta_aa = ln(9.01 / (5 + 8.02 - 9.01)) - ln(6.01 / (3 + 8.02 - 6.01)) = ln(9.01/4.01) - ln(6.01/5.01)
    #          = ln(2.246883) - ln(1.199601) = 0.809537 - 0.181989 = 0.627555 (rounded)
    # z_aa     = delta_aa / sqrt(1/9.01 + 1/6.01) = 0.627555 / sqrt(0.277377) = 1.191561
    delta_aa = math.log(9.01 / 4.01) - math.log(6.01 / 5.01)
    z_aa = delta_aa / math.sqrt(1 / 9.01 + 1 / 6.01)
    assert delta_aa == pytest.approx(0.627555, abs=1e-6) and z_aa == pytest.approx(1.191561, abs=1e-6)
    assert list(res.columns) == ["outlet", "comparison", "term", "count", "count_ref", "log_odds", "z"]
    # two outlets: A vs rest, B vs rest, A vs B, B vs A
    assert set(zip(res["outlet"], res["comparison"])) == {("A", "rest"), ("B", "rest"), ("A", "B"), ("B", "A")}
    a_vs_b = res[(res["outlet"] == "A") & (res["comparison"] == "B")].set_index("term")
    assert a_vs_b.loc["aa", "log_odds"] == pytest.approx(delta_aa)
    assert a_vs_b.loc["aa", "z"] == pytest.approx(z_aa)
    # with two outlets "the rest" of A is B
    a_vs_rest = res[(res["outlet"] == "A") & (res["comparison"] == "rest")].set_index("term")
    pd.testing.assert_series_equal(a_vs_rest["z"].sort_index(), a_vs_b["z"].sort_index())
    # sign: aa is more frequent in A (4/5) than in B (1/3) -> positive for A, negative for B
    assert a_vs_b.loc["aa", "z"] > 0 and a_vs_b.loc["bb", "z"] < 0


def test_distinctive_terms_pair_symmetry():
    res = distinctive_terms(toy_counts())
    ab = res[(res["outlet"] == "A") & (res["comparison"] == "B")].set_index("term")
    ba = res[(res["outlet"] == "B") & (res["comparison"] == "A")].set_index("term")
    pd.testing.assert_series_equal(ab["z"].sort_index(), -ba["z"].sort_index())
    pd.testing.assert_series_equal(ab["log_odds"].sort_index(), -ba["log_odds"].sort_index())


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), min_size=2, max_size=6))
def test_log_odds_symmetry_property(pairs):
    terms = [f"t{i}" for i in range(len(pairs))]
    x = pd.Series([p[0] for p in pairs], index=terms)
    y = pd.Series([p[1] for p in pairs], index=terms)
    prior = make_prior(terms, x + y)
    ab = log_odds(x, y, prior).set_index("term").sort_index()
    ba = log_odds(y, x, prior).set_index("term").sort_index()
    assert ab["z"].to_numpy() == pytest.approx(-ba["z"].to_numpy(), abs=1e-9)


def test_make_prior_scale_and_smoothing():
    prior = make_prior(["aa", "zz"], pd.Series({"aa": 2.0, "bb": 1.0}), scale=10)
    # aa: 10*2 + 0.01, bb: 10*1 + 0.01 (background only), zz: 0 + 0.01 (vocabulary only)
    assert prior.to_dict() == pytest.approx({"aa": 20.01, "bb": 10.01, "zz": 0.01})
    assert make_prior(["aa"], None).to_dict() == pytest.approx({"aa": 0.01})


def test_background_counts_use_terms_rules():
    bg = background_counts(["The navy and the navy.", "Trade on the coast; 26 ships"])
    assert bg.to_dict() == {"coast": 1.0, "navy": 2.0, "ships": 1.0, "trade": 1.0}


def test_distinctive_terms_user_background_prior():
    counts = pd.DataFrame({"doc_id": ["d1", "d1", "d2", "d2"], "outlet": ["A", "A", "B", "B"], "ngram": 1,
                           "term": ["navy", "trade", "navy", "trade"], "count": [3, 1, 1, 3]})
    bg = background_counts(["navy navy trade coast"])        # navy 2, trade 1, coast 1
    res = distinctive_terms(counts, pairs=None, background=bg, prior_scale=1.0)
    # prior: navy 2.01, trade 1.01, coast 1.01 -> a0 = 4.03 (coast counts in a0 although no outlet uses it)
    # A vs rest(B): n = m = 4
    # delta_navy = ln((3+2.01)/(4+4.03-3-2.01)) - ln((1+2.01)/(4+4.03-1-2.01)) = ln(5.01/3.02) - ln(3.01/5.02)
    delta = math.log(5.01 / 3.02) - math.log(3.01 / 5.02)
    z = delta / math.sqrt(1 / 5.01 + 1 / 3.01)
    assert set(res["comparison"]) == {"rest"}                # pairs=None: only outlet vs rest
    a = res[res["outlet"] == "A"].set_index("term")
    assert "coast" not in a.index                            # only terms the outlets use are listed
    assert a.loc["navy", "log_odds"] == pytest.approx(delta)
    assert a.loc["navy", "z"] == pytest.approx(z)
    # a larger prior scale shrinks the log-odds towards 0
    big = distinctive_terms(counts, pairs=None, background=bg, prior_scale=100.0)
    big_a = big[big["outlet"] == "A"].set_index("term")
    assert 0 < big_a.loc["navy", "log_odds"] < a.loc["navy", "log_odds"]


def test_distinctive_terms_rest_pools_other_outlets():
    counts = pd.DataFrame({"doc_id": ["d1", "d2", "d3", "d1", "d2", "d3"], "outlet": ["A", "B", "C"] * 2,
                           "ngram": 1, "term": ["aa"] * 3 + ["bb"] * 3, "count": [4, 1, 2, 1, 2, 2]})
    res = distinctive_terms(counts, pairs=None)
    # A vs rest: target aa 4, bb 1; reference (B + C) aa 3, bb 4; prior aa 7.01, bb 5.01, a0 12.02
    delta = math.log(11.01 / (5 + 12.02 - 11.01)) - math.log(10.01 / (7 + 12.02 - 10.01))
    a = res[(res["outlet"] == "A")].set_index("term")
    assert (a.loc["aa", "count"], a.loc["aa", "count_ref"]) == (4, 3)
    assert a.loc["aa", "log_odds"] == pytest.approx(delta)


# --- comparisons ----------------------------------------------------------------------------------

def test_comparisons_auto_all_none_and_list():
    assert comparisons(["B", "A"], pairs=None) == [("A", "rest"), ("B", "rest")]
    assert comparisons(["A", "B"]) == [("A", "rest"), ("B", "rest"), ("A", "B"), ("B", "A")]
    seven = [f"o{i}" for i in range(7)]
    assert len(comparisons(seven)) == 7                      # more than 6 outlets: no pairs by default
    assert len(comparisons(seven, pairs="all")) == 7 + 7 * 6
    assert comparisons(["A", "B", "C"], pairs=[("C", "A")]) == [("A", "rest"), ("B", "rest"), ("C", "rest"),
                                                                 ("C", "A")]
    with pytest.raises(ConfigError, match="outlet 'Z' is not in the corpus"):
        comparisons(["A", "B"], pairs=[("A", "Z")])


# --- the sparse counts (TermCounts) against the plain per-document Counter reading --------------

def reference_counts(sentences, documents, max_n=2):
    """term_counts as first written: terms() of each sentence, Counters of n-grams per document."""
    from collections import Counter

    from analysis.tokens import terms
    outlets = documents.set_index("doc_id")["outlet"]
    rows = []
    for doc_id, grp in sentences.sort_values(["doc_id", "sent_idx"]).groupby("doc_id", sort=True):
        counts = {n: Counter() for n in range(1, max_n + 1)}
        for text in grp["text"]:
            t = terms(str(text))
            for n in counts:
                counts[n].update(ngrams(t, n))
        for n, c in counts.items():
            rows += [(doc_id, outlets[doc_id], n, term, k) for term, k in c.items()]
    df = pd.DataFrame(rows, columns=["doc_id", "outlet", "ngram", "term", "count"])
    return df.sort_values(["doc_id", "ngram", "term"], ignore_index=True)


MIXED_DOCS = pd.DataFrame({"doc_id": ["x2", "x10", "x1", "x3"], "outlet": ["B", "A", "B", "A"]})
MIXED = pd.DataFrame({
    "doc_id": ["x1", "x1", "x2", "x10", "x10", "x2", "x10"],
    "sent_idx": [0, 1, 0, 0, 1, 1, 2],
    "text": ["The Navy's ship sailed; the navy-led fleet sailed on.", "In 2014, 26 ships (U.S.) sailed!",
             "The Navy's ship sailed; the navy-led fleet sailed on.", "Ship ship ship, ship sea-lanes ship.",
             "ΟΔΟΣ Σ ΣΑΣ and Ωmega’s café — a b c", "", "India-Japan talks: India–Japan talks."],
})


@pytest.mark.parametrize("max_n", [1, 2, 3])
def test_count_terms_equals_the_counter_reading(max_n):
    counts = count_terms(MIXED, MIXED_DOCS, max_n=max_n)
    pd.testing.assert_frame_equal(counts.table(), reference_counts(MIXED, MIXED_DOCS, max_n))
    pd.testing.assert_frame_equal(term_counts(MIXED, MIXED_DOCS, max_n=max_n),
                                  reference_counts(MIXED, MIXED_DOCS, max_n))


def test_count_terms_known_counts_and_totals():
    counts = count_terms(MIXED, MIXED_DOCS)
    table = counts.table()
    x10 = counts_of(table, "x10")
    assert x10["ship"] == 5 and x10["sea-lanes"] == 1          # hyphenated words stay whole
    assert counts_of(table, "x10", 2)["ship ship"] == 3          # overlapping bigrams within one sentence
    assert "2014" not in counts_of(table, "x1")                  # numbers are not terms
    # documents without sentences (x3) keep a row with 0 tokens; totals count stopwords and numbers
    docs = counts.documents.set_index("doc_id")
    assert docs.loc["x3", "n_tokens"] == 0
    assert docs.loc["x1", "n_tokens"] == 9 + 7                   # "u.s." is two tokens, u and s
    pd.testing.assert_frame_equal(counts.documents.drop(columns="n_tokens"), MIXED_DOCS)
    pd.testing.assert_series_equal(counts.documents["n_tokens"], token_totals(MIXED, MIXED_DOCS)["n_tokens"])


def test_frequencies_from_term_counts_equal_those_from_the_table():
    counts = count_terms(MIXED, MIXED_DOCS)
    totals = token_totals(MIXED, MIXED_DOCS)
    from_matrix = frequencies(counts)
    pd.testing.assert_frame_equal(from_matrix, frequencies(reference_counts(MIXED, MIXED_DOCS), totals))
    # outlets first, then by outlet, doc_id, ngram, count (descending), term
    outlet_rows = from_matrix[from_matrix["level"] == "outlet"]
    assert list(outlet_rows.index) == list(range(len(outlet_rows)))
    a = outlet_rows[(outlet_rows["outlet"] == "A") & (outlet_rows["ngram"] == 1)]
    assert a.iloc[0]["term"] == "ship" and a.iloc[0]["count"] == 5
    assert list(a["count"]) == sorted(a["count"], reverse=True)
    docs = from_matrix[from_matrix["level"] == "document"]
    assert list(dict.fromkeys(docs["doc_id"])) == ["x10", "x1", "x2"]   # outlet A first, then string order
    assert (outlet_rows.loc[outlet_rows["outlet"] == "A", "n_docs"] == 2).all()   # x3 counts, though empty


def test_outlet_term_matrix_from_term_counts_equals_the_pivot():
    counts = count_terms(MIXED, MIXED_DOCS)
    for n in (1, 2):
        pd.testing.assert_frame_equal(outlet_term_matrix(counts, n), outlet_term_matrix(counts.table(), n))
    pd.testing.assert_frame_equal(distinctive_terms(counts), distinctive_terms(counts.table()))


ALPHABET = st.sampled_from(list("aAbsSkK'’‘-_ \t\n\u00a0\u2003\x1c.,;:!?()1234567890éΣσςΑΩ\u00adİ") + ["'s", "’S"])


@settings(max_examples=200, deadline=None)
@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_tokenizer_is_word_local_and_is_term_matches_terms(text):
    # count_terms tokenises each distinct whitespace-separated word once; both facts make that exact
    stop = load_stopwords()
    assert tokenize(text) == [t for w in text.split() for t in tokenize(w)]
    assert [t for t in tokenize(text) if is_term(t, stop)] == terms(text, stopwords=stop)


def test_tokenizer_word_local_on_the_bundled_sentences():
    from analysis.corpus import read_corpus
    from analysis.paths import data_path

    stop = load_stopwords()
    docs = read_corpus(data_path("corpus"))
    for text in docs["raw_text"].head(20):
        assert tokenize(text) == [t for w in text.split() for t in tokenize(w)]
        assert [t for t in tokenize(text) if is_term(t, stop)] == terms(text, stopwords=stop)


# --- counting in batches of documents, and per-document counts as files above DOCUMENT_ROWS_MAX -------

def random_corpus(seed, n_docs=7):
    """Documents with sentences of words from a small vocabulary (stopwords, numbers, repeats), shuffled."""
    import numpy as np

    rng = np.random.default_rng(seed)
    words = ["navy", "sea", "China", "the", "of", "ship's", "2014", "sea-lanes", "a", "b", "Café", "talks."]
    docs = pd.DataFrame({"doc_id": [f"d{i}" for i in rng.permutation(n_docs)],
                         "outlet": rng.choice(["A", "B", "C"], n_docs)})
    rows = [(d, s, " ".join(rng.choice(words, rng.integers(0, 9))))
            for d in docs["doc_id"] if rng.random() > 0.15 for s in range(rng.integers(1, 4))]
    sents = pd.DataFrame(rows, columns=["doc_id", "sent_idx", "text"]).sample(frac=1, random_state=seed)
    return sents, docs


@pytest.mark.parametrize("max_n", [1, 2, 3])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_count_terms_in_batches_gives_the_same_matrix(seed, max_n):
    sents, docs = random_corpus(seed)
    whole = count_terms(sents, docs, max_n=max_n)
    pd.testing.assert_frame_equal(whole.table(), reference_counts(sents, docs, max_n))
    for batch in (1, 2, 3, 5):
        part = count_terms(sents, docs, max_n=max_n, batch=batch)
        assert part.matrix.dtype == whole.matrix.dtype and part.matrix.has_sorted_indices
        assert (part.matrix != whole.matrix).nnz == 0 and part.matrix.shape == whole.matrix.shape
        pd.testing.assert_frame_equal(part.terms, whole.terms)
        pd.testing.assert_frame_equal(part.documents, whole.documents)
    part = count_terms(MIXED, MIXED_DOCS, max_n=max_n, batch=1)
    pd.testing.assert_frame_equal(part.table(), reference_counts(MIXED, MIXED_DOCS, max_n))


def test_frequencies_without_document_rows_are_the_outlet_rows():
    counts = count_terms(MIXED, MIXED_DOCS)
    full = frequencies(counts)
    pd.testing.assert_frame_equal(frequencies(counts, document_rows=False),
                                  full[full["level"] == "outlet"].reset_index(drop=True))


def rows_from_files(folder):
    """The document-level term_frequencies rows rebuilt from term_counts.npz and its two CSVs."""
    import numpy as np
    from scipy import sparse

    mat = sparse.load_npz(folder / "term_counts.npz").tocoo()
    # as the module docstring says to read them
    terms_ = pd.read_csv(folder / "term_counts_terms.csv", dtype=str, keep_default_na=False)
    docs = pd.read_csv(folder / "term_counts_documents.csv", dtype=str, keep_default_na=False)
    terms_, docs = terms_.astype({"column": int, "ngram": int}), docs.astype({"row": int, "n_tokens": int})
    assert list(terms_["column"]) == list(range(len(terms_))) and list(docs["row"]) == list(range(len(docs)))
    assert mat.dtype == np.int32 and mat.shape == (len(docs), len(terms_))
    doc, term = docs.iloc[mat.row].reset_index(drop=True), terms_.iloc[mat.col].reset_index(drop=True)
    out = pd.DataFrame({"level": "document", "outlet": doc["outlet"], "doc_id": doc["doc_id"],
                        "ngram": term["ngram"], "term": term["term"], "count": mat.data.astype("int64"),
                        "rate_per_1000": 1000 * mat.data / doc["n_tokens"], "doc_freq": 1, "n_docs": 1,
                        "n_tokens": doc["n_tokens"]})
    return out.sort_values(["outlet", "doc_id", "ngram", "count", "term"],
                           ascending=[True, True, True, False, True], ignore_index=True)


def test_stage_above_document_rows_max_writes_the_counts_as_a_matrix(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from analysis import lexical

    today = frequencies(count_terms(MIXED, MIXED_DOCS))
    small = SimpleNamespace(sentences=MIXED, documents=MIXED_DOCS, params={}, tables={}, artifacts={})
    line = lexical.stage(small)                                  # 4 documents, at most 2000: as before
    assert "term_counts" not in line and small.artifacts == {}
    pd.testing.assert_frame_equal(small.tables["term_frequencies"], today)

    monkeypatch.setattr(lexical, "DOCUMENT_ROWS_MAX", 3)
    run = SimpleNamespace(sentences=MIXED, documents=MIXED_DOCS, params={}, tables={}, artifacts={})
    line = lexical.stage(run)
    assert line.endswith("; per-document counts in term_counts.npz (more than 3 documents)")
    pd.testing.assert_frame_equal(run.tables["term_frequencies"],
                                  today[today["level"] == "outlet"].reset_index(drop=True))
    for name in ("distinctive_terms", "keyness"):
        pd.testing.assert_frame_equal(run.tables[name], small.tables[name])
    paths = run.artifacts["term_counts"].save(tmp_path)
    assert [p.name for p in paths] == ["term_counts.npz", "term_counts_terms.csv", "term_counts_documents.csv"]
    old_rows = today[today["level"] == "document"].reset_index(drop=True).astype({"level": object})
    rebuilt = rows_from_files(tmp_path)
    assert len(rebuilt) == len(old_rows) > 0
    pd.testing.assert_frame_equal(rebuilt, old_rows, check_dtype=False, check_exact=True)
