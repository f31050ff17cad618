import math

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from analysis import topics as T
from analysis.errors import ConfigError
from analysis.paths import BUNDLED_CORPUS
from analysis import clean, segment
from analysis.pipeline import Run, _read
from analysis.topics import units as U
from analysis.topics.validate import choose_k, match_topics
from analysis.topics.vb import VectorisedLDA
from sklearn.decomposition import LatentDirichletAllocation


def test_npmi_hand_computed():
    # units: {a,b}, {a,b}, {a}, {c}: P(a)=3/4, P(b)=1/2, P(a,b)=1/2 -> log(4/3)/log(2)
    X = sparse.csr_matrix(np.array([[1, 1, 0], [2, 1, 0], [1, 0, 0], [0, 0, 3]]))
    ab = math.log(4 / 3) / math.log(2)
    assert T.npmi(3 / 4, 1 / 2, 1 / 2) == pytest.approx(0.4150375)
    assert T.npmi(0.5, 0.5, 0.0) == -1.0 and T.npmi(1.0, 1.0, 1.0) == 1.0
    coh = T.topic_coherence([[0, 1], [0, 1, 2]], X)
    assert coh[0] == pytest.approx(ab)
    assert coh[1] == pytest.approx((ab - 1 - 1) / 3)   # a-c and b-c never co-occur


def test_frex_hand_computed():
    # beta_1 = [.5, .25, .25]; exclusivity_1 = [1, .5, .25]; ECDF ranks fr=[1, .5, .5], ex=[1, 2/3, 1/3]
    fx = T.frex(np.array([[2.0, 1.0, 1.0], [0.0, 1.0, 3.0]]), weight=0.5)
    assert fx[0] == pytest.approx([1.0, 1 / (0.75 + 1), 1 / (1.5 + 1)])


def test_stability_uses_hungarian_matching():
    a = [{"x", "y"}, {"p", "q"}]
    assert T.stability([a, a[::-1], a, a, a]) == 1.0                 # same topics in another order
    pairs, jac = match_topics(a, [{"p", "z"}, {"x", "y"}])
    assert pairs.tolist() == [[0, 1], [1, 0]] and jac.tolist() == pytest.approx([1.0, 1 / 3])
    assert T.stability([[{"a"}], [{"b"}]]) == 0.0


def test_choose_k_prefers_stable_among_equally_coherent():
    sel = pd.DataFrame({"k": [2, 3, 4, 5], "coherence": [0.2, 0.49, 0.50, 0.7],
                        "coherence_sd": [0.01, 0.01, 0.02, 0.01], "stability": [0.9, 1.0, 0.7, 0.3]})
    assert choose_k(sel) == 3          # k=5 unstable; 3 within one SD of 4's coherence and more stable
    assert choose_k(sel.assign(stability=0.1)) == 5


def test_make_units_windows_and_paragraphs():
    sents = pd.DataFrame({"doc_id": ["a"] * 7 + ["b"], "sent_idx": list(range(7)) + [0],
                          "para_idx": [0, 0, 1, 1, 1, 2, 2, 0], "text": list("ABCDEFG") + ["H"]})
    w = T.make_units(sents, "window", 3)
    assert w["text"].tolist() == ["A B C", "D E F", "G", "H"]
    assert w[["first_sent", "last_sent"]].values.tolist() == [[0, 2], [3, 5], [6, 6], [0, 0]]
    assert T.make_units(sents, "paragraph")["text"].tolist() == ["A B", "C D E", "F G", "H"]
    with pytest.raises(ConfigError, match="topic_unit"):
        T.make_units(sents, "article")


@pytest.fixture(scope="module")
def bundled():
    run = Run(BUNDLED_CORPUS, BUNDLED_CORPUS.parent / "unused", {"seed": 11})
    _read(run)
    run.context = clean.context(run.documents)
    clean.annotate(run)
    segment.annotate(run)
    return run


@pytest.mark.parametrize("model", ["nmf", "lda"])
def test_same_input_same_topics(bundled, model):
    texts = T.make_units(bundled.sentences)["text"]
    a = T.TopicModel(model, k=3, random_state=5).fit(texts)
    b = T.TopicModel(model, k=3, random_state=5).fit(texts)
    np.testing.assert_array_equal(a.components_, b.components_)
    np.testing.assert_array_equal(a.theta_, b.theta_)
    assert np.allclose(a.theta_.sum(axis=1), 1.0)
    c = T.TopicModel(model, k=3, random_state=6).fit(texts)
    assert not np.array_equal(a.components_, c.components_)


def test_vectoriser_counts_the_suite_tokens(bundled):
    tm = T.TopicModel("lda", k=2).fit(["India-Japan ties and Japan's role", "India-Japan ties grow", "the of and"])
    assert "india-japan" in tm.vocabulary_ and "japan" not in tm.vocabulary_   # possessive joins 'japan' (1 unit)
    assert tm.kept_.tolist() == [True, True, False]                          # stopword-only unit left out


def test_stage_tables_and_determinism(bundled):
    runs = []
    for _ in range(2):
        run = Run(bundled.corpus, bundled.out, {"seed": 11, "topic_k_range": [2, 4]}, documents=bundled.documents,
                  sentences=bundled.sentences)
        T.stage(run)
        runs.append(run)
    t = runs[0].tables
    for name in ("selection", "terms", "labels", "proportions", "passages", "units"):
        pd.testing.assert_frame_equal(t[f"topic_{name}"], runs[1].tables[f"topic_{name}"])
    assert list(t["topic_terms"].columns[:6]) == ["model", "k", "topic", "rank", "term", "weight"]
    assert list(t["topic_proportions"].columns) == ["model", "outlet", "topic", "share", "ci_low", "ci_high",
                                                    "n_units"]
    sel = t["topic_selection"]
    assert sel.groupby("model")["chosen"].sum().tolist() == [1, 1]
    assert sel["coherence"].between(-1, 1).all() and sel["stability"].between(0, 1).all()
    shares = t["topic_proportions"].groupby(["model", "outlet"])["share"].sum()
    assert np.allclose(shares, 1.0)
    p = t["topic_proportions"]
    assert ((p["ci_low"] <= p["share"] + 1e-12) & (p["share"] <= p["ci_high"] + 1e-12)).all()


def test_stage_rejects_bad_options(bundled):
    for params, msg in [({"topic_k_range": [1, 3]}, "topic_k_range"), ({"topic_seeds": 3}, "topic_seeds"),
                        ({"topic_k": 9}, "topic_k")]:
        run = Run(bundled.corpus, bundled.out, params, documents=bundled.documents, sentences=bundled.sentences)
        with pytest.raises(ConfigError, match=msg):
            T.stage(run)


@pytest.mark.parametrize("model", ["nmf", "lda"])
def test_parallel_selection_gives_the_same_numbers(bundled, model):
    texts = T.make_units(bundled.sentences, "window", 3)["text"]
    one, fits_one = T.select(texts, model, (2, 3), n_seeds=5, seed=4, n_jobs=1)
    two, fits_two = T.select(texts, model, (2, 3), n_seeds=5, seed=4, n_jobs=2)
    pd.testing.assert_frame_equal(one, two)
    assert all(np.array_equal(fits_one[k].components_, fits_two[k].components_) for k in (2, 3))


def test_large_corpus_chooses_k_on_a_sample_and_fits_every_unit(bundled):
    run = Run(bundled.corpus, bundled.out, {"seed": 11, "topic_max_units": 12, "topic_k_range": [2, 3]},
              documents=bundled.documents, sentences=bundled.sentences)
    message = T.stage(run)
    assert "k chosen on a random sample of 12 units" in message
    units = T.make_units(bundled.sentences, "window", 3)
    # the final model describes every unit, not only the sample
    per_model = run.tables["topic_units"].drop_duplicates(["model", "doc_id", "unit"]).groupby("model").size()
    assert (per_model == len(units)).all()


def _make_units_by_loop(sentences, unit="window", size=3):
    """The original per-article loop that make_units replaced (the reference for its output)."""
    s = sentences.sort_values(["doc_id", "sent_idx"], kind="mergesort")
    rows = []
    for doc_id, grp in s.groupby("doc_id", sort=True):
        if unit == "window":
            pos = pd.Series(range(len(grp)), index=grp.index) // int(size)
        else:
            pos = grp["para_idx"].rank(method="dense").astype(int) - 1
        for u, g in grp.groupby(pos.to_numpy(), sort=True):
            rows.append((doc_id, int(u), int(g["sent_idx"].min()), int(g["sent_idx"].max()), len(g),
                         " ".join(g["text"])))
    return pd.DataFrame(rows, columns=U.UNIT_COLUMNS)


@pytest.mark.parametrize("unit,size", [("window", 3), ("window", 1), ("window", 4), ("paragraph", 3)])
def test_make_units_equals_the_per_article_loop(bundled, unit, size):
    sents = bundled.sentences.sample(frac=1.0, random_state=2)          # input order must not matter
    pd.testing.assert_frame_equal(T.make_units(sents, unit, size), _make_units_by_loop(sents, unit, size))


def test_shared_counts_give_each_vectoriser_its_exact_matrix(bundled):
    texts = T.make_units(bundled.sentences)["text"]
    counts, vocab = U.count_matrix(texts)
    for model in ("nmf", "lda"):
        vec = U.vectorizer(model)
        want = vec.fit_transform(list(texts)).tocsr()
        got, got_vocab = U.model_matrix(model, counts, vocab)
        assert list(got_vocab) == list(vec.get_feature_names_out())
        # same entries in the same order: the solvers' sums then run in the same order
        for attr in ("indptr", "indices", "data"):
            np.testing.assert_array_equal(getattr(got, attr), getattr(want, attr))
    rows = np.array([0, 3, 4, 7, 8, 9, 12, 15, 20])
    sub, sub_vocab = U.subset_counts(counts, rows, vocab, min_df=2)
    vec = U.vectorizer("lda")
    want = vec.fit_transform(list(texts.iloc[rows]))
    assert list(sub_vocab) == list(vec.get_feature_names_out())
    assert (sub != want).nnz == 0


@pytest.mark.parametrize("block", [8192, 7])
@pytest.mark.parametrize("method,kw", [("batch", {"max_iter": 30, "evaluate_every": 5, "perp_tol": 0.1}),
                                       ("online", {"max_iter": 3, "batch_size": 16})])
def test_vectorised_lda_matches_scikit_learn(bundled, method, kw, block, monkeypatch):
    monkeypatch.setattr("analysis.topics.vb.E_STEP_BLOCK", block)      # units in blocks: same numbers
    counts, _ = U.count_matrix(T.make_units(bundled.sentences, "window", 1)["text"])
    counts = counts[counts.getnnz(axis=1) > 0]
    counts.data[counts.indptr[0]:counts.indptr[1]] = 0   # a unit without counted terms, handled as sklearn does
    counts.eliminate_zeros()
    fits = [cls(n_components=3, learning_method=method, random_state=7, **kw) for cls in
            (LatentDirichletAllocation, VectorisedLDA)]
    thetas = [f.fit_transform(counts) for f in fits]
    assert fits[0].n_iter_ == fits[1].n_iter_
    np.testing.assert_allclose(fits[1].components_, fits[0].components_, rtol=1e-9)
    np.testing.assert_allclose(thetas[1], thetas[0], rtol=1e-9, atol=1e-12)
    assert fits[1].bound_ == pytest.approx(fits[0].bound_, rel=1e-9)


def test_small_corpora_keep_scikit_learns_lda(bundled, monkeypatch):
    texts = T.make_units(bundled.sentences)["text"]
    assert len(texts) < T.models.FAST_LDA_MIN_UNITS
    a = T.TopicModel("lda", k=3, random_state=5).fit(texts)
    est = LatentDirichletAllocation(n_components=3, learning_method="batch", random_state=5, max_iter=100,
                                    evaluate_every=5, perp_tol=0.1).fit(a.X_[a.kept_])
    np.testing.assert_array_equal(a.components_, est.components_)    # to the last bit
    monkeypatch.setattr(T.models, "FAST_LDA_MIN_UNITS", 1)
    b = T.TopicModel("lda", k=3, random_state=5).fit(texts)
    np.testing.assert_allclose(b.components_, a.components_, rtol=1e-9)


def test_topic_models_option_switches_a_model_off(bundled):
    run = Run(bundled.corpus, bundled.out, {"seed": 11, "topic_k_range": [2, 3], "topic_models": ["nmf"]},
              documents=bundled.documents, sentences=bundled.sentences)
    message = T.stage(run)
    assert "lda switched off (topic_models)" in message
    assert set(run.tables["topic_units"]["model"]) == {"nmf"}
    both = Run(bundled.corpus, bundled.out, {"seed": 11, "topic_k_range": [2, 3]}, documents=bundled.documents,
               sentences=bundled.sentences)
    T.stage(both)
    for name in ("selection", "terms", "proportions", "units"):
        t = both.tables[f"topic_{name}"]
        pd.testing.assert_frame_equal(run.tables[f"topic_{name}"], t[t["model"] == "nmf"].reset_index(drop=True))
    bad = Run(bundled.corpus, bundled.out, {"topic_models": ["lsa"]}, documents=bundled.documents,
              sentences=bundled.sentences)
    with pytest.raises(ConfigError, match="topic_models"):
        T.stage(bad)


def test_annotate_on_chunks_equals_annotate_on_the_whole(bundled):
    def units_of(sentences):
        run = Run(bundled.corpus, bundled.out, {"topic_window": 3}, sentences=sentences)
        T.annotate(run)
        return run.tables["_topic_units"]

    sents = bundled.sentences
    docs = list(dict.fromkeys(sents["doc_id"]))
    chunks = [docs[:2], docs[2:3], docs[3:]]
    parts = [units_of(sents[sents["doc_id"].isin(c)].reset_index(drop=True)) for c in chunks]
    whole = units_of(sents)
    pd.testing.assert_frame_equal(pd.concat(parts, ignore_index=True), whole)
    # sorted by doc_id it is make_units' table, and its terms count like the vectoriser's analyzer
    ordered = whole.sort_values("doc_id", kind="mergesort").reset_index(drop=True)
    pd.testing.assert_frame_equal(ordered.drop(columns="terms"), T.make_units(sents))
    a, va = U.count_matrix(ordered["terms"], tokenised=True)
    b, vb = U.count_matrix(ordered["text"])
    assert list(va) == list(vb)
    for attr in ("indptr", "indices", "data"):
        np.testing.assert_array_equal(getattr(a, attr), getattr(b, attr))


def test_online_lda_passes_shrink_only_on_very_large_corpora():
    from analysis.topics.models import online_passes
    assert [online_passes(n) for n in (10, 103_235, 116_224)] == [10, 10, 10]  # up to 227 batches of 512: unchanged
    assert [online_passes(n) for n in (116_225, 1_000_000, 10**7)] == [9, 2, 1]
