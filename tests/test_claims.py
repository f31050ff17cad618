import pandas as pd
import pytest

from analysis.claims import (claim_coverage, claim_positions, content_stems, group_claims, own_claims,
                             similarity_matrix)
from analysis.errors import ConfigError

ARTICLES = {
    "a": ["Ministers meet in Delhi",                                      # headline: left out
          "The defence ministers held talks in Delhi on Monday.",
          "Tokyo offered full support after the terror attack.",
          "The Guard of Honour welcomed the guest at the memorial."],
    "b": ["The defence ministers will hold talks in Delhi on Monday.",
          "Both navies plan joint exercises in the Pacific next year."],
    "c": ["Tokyo offered its full support after the terror attack, an official said.",
          "The defence ministers held talks in Delhi.",
          "Cricket scores dominated the evening bulletin."],
}


def tables():
    rows = []
    for doc_id, sents in ARTICLES.items():
        for i, text in enumerate(sents):
            role = "headline" if (doc_id == "a" and i == 0) else "paragraph"
            rows.append((doc_id, i, role, text))
    sentences = pd.DataFrame(rows, columns=["doc_id", "sent_idx", "para_role", "text"])
    documents = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["A", "B", "C"]})
    return sentences, documents


def members(claims):
    return sorted(sorted(zip(g["doc_id"], g["sent_idx"])) for _, g in claims.groupby("claim_id"))


def test_same_fact_in_different_words_is_one_claim_and_every_sentence_is_in_one():
    sentences, _ = tables()
    claims = group_claims(sentences)
    assert members(claims) == [
        [("a", 1), ("b", 0), ("c", 1)],          # talks in Delhi (held / will hold)
        [("a", 2), ("c", 0)],                    # Tokyo's full support
        [("a", 3)], [("b", 1)], [("c", 2)],      # each outlet's own
    ]
    assert len(claims) == 8 and not claims.duplicated(["doc_id", "sent_idx"]).any()
    assert ("a", 0) not in set(zip(claims["doc_id"], claims["sent_idx"]))
    assert list(claims["claim_id"].drop_duplicates()) == ["c001", "c002", "c003", "c004", "c005"]


def test_coverage_positions_and_own_claims():
    sentences, documents = tables()
    claims = group_claims(sentences)
    pos = claim_positions(claims, documents)
    talks = pos[pos["claim_id"] == "c001"].set_index("outlet")
    assert talks.loc["A", "rank"] == 1 and talks.loc["A", "first_sent_idx"] == 1
    assert talks.loc["C", "rank"] == 2 and talks.loc["C", "relative_position"] == pytest.approx(0.5)
    assert talks.loc["B", "relative_position"] == pytest.approx(0.0)
    cov = claim_coverage(claims, pos).set_index("claim_id")
    assert cov.loc["c001", "n_outlets"] == 3 and cov.loc["c001", "outlets"] == "A; B; C"
    assert cov.loc["c001", "positions"] == "A: 1 (0.00); B: 1 (0.00); C: 2 (0.50)"
    assert cov.loc["c002", "outlets"] == "C; A"
    own = own_claims(cov.reset_index(), pos)
    assert own[["outlet", "claim_id", "rank"]].values.tolist() == [["A", "c003", 3], ["B", "c004", 2],
                                                                  ["C", "c005", 3]]


def test_threshold_one_keeps_only_identical_sentences_together():
    s = pd.DataFrame({"doc_id": ["a", "b", "c"], "sent_idx": [0, 0, 0], "para_role": ["paragraph"] * 3,
                      "text": ["Talks were held in Delhi.", "Talks were held in Delhi.", "Talks will be held soon."]})
    assert members(group_claims(s, threshold=1.0)) == [[("a", 0), ("b", 0)], [("c", 0)]]
    with pytest.raises(ConfigError, match="claims_threshold"):
        group_claims(s, threshold=0)


def test_stems_and_similarity():
    assert content_stems("The ministers discussed meetings") == ["minist", "discuss", "meet"]
    sim = similarity_matrix(["talks in Delhi", "Delhi talks", "cricket scores"])
    assert sim[0, 1] == pytest.approx(1.0) and sim[0, 2] == pytest.approx(0.0)


# --- the scalable grouping against the full-matrix implementation it replaced ---------------------

import numpy as np
from hypothesis import given, settings, strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from analysis import claims as claims_mod
from analysis.claims import _label, _stem_texts, _tfidf, claim_labels


def reference_group_claims(sentences, threshold=0.3):
    """The pre-scaling implementation: average linkage on the full n x n matrix."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    body = sentences[sentences["para_role"] == "paragraph"].reset_index(drop=True)
    if len(body) == 1:
        labels = np.array([1])
    else:
        dist = 1.0 - similarity_matrix(body["text"])
        dist = (dist + dist.T) / 2
        np.fill_diagonal(dist, 0.0)
        labels = fcluster(linkage(squareform(dist, checks=False), method="average"),
                          t=1.0 - threshold + 1e-9, criterion="distance")
    order = {}
    for lab in labels:
        order.setdefault(lab, len(order) + 1)
    width = max(3, len(str(len(order))))
    body.insert(0, "claim_id", [f"c{order[lab]:0{width}d}" for lab in labels])
    return body[["claim_id", "doc_id", "sent_idx", "text"]]


def reference_per_event(sentences, documents, threshold=0.3):
    """The reference run on each event's sentences alone, renumbered over the whole table."""
    body = sentences[sentences["para_role"] == "paragraph"].reset_index(drop=True)
    event = body["doc_id"].map(documents.set_index("doc_id")["event"])
    key = pd.Series(index=body.index, dtype=object)
    for e, idx in body.groupby(event, sort=False).groups.items():
        key.loc[idx] = [f"{e}|{c}" for c in reference_group_claims(body.loc[idx], threshold)["claim_id"]]
    order = {k: i + 1 for i, k in enumerate(pd.unique(key))}
    width = max(3, len(str(len(order))))
    body.insert(0, "claim_id", [f"c{order[k]:0{width}d}" for k in key])
    return body[["claim_id", "doc_id", "sent_idx", "text"]]


def reference_coverage(claims, positions):
    rows = []
    for cid, grp in claims.groupby("claim_id", sort=True):
        pos = positions[positions["claim_id"] == cid].sort_values(["relative_position", "outlet"])
        per_outlet = pos.groupby("outlet", sort=False).first().reset_index()
        rows.append((cid, _label(grp), per_outlet["outlet"].nunique(), "; ".join(per_outlet["outlet"]),
                     grp["doc_id"].nunique(), len(grp),
                     "; ".join(f"{o}: {r} ({p:.2f})" for o, r, p in
                               zip(per_outlet["outlet"], per_outlet["rank"], per_outlet["relative_position"]))))
    return pd.DataFrame(rows, columns=["claim_id", "label", "n_outlets", "outlets", "n_articles", "n_sentences",
                                       "positions"])


# few words, so that sentences repeat, tie, chain and share stock phrases; "the"/"of" are stopwords
WORDS = ["talks", "Delhi", "held", "hosted", "ministers", "defence", "Tokyo", "support", "attack", "the",
         "of", "navy", "exercises", "Guard", "Honour", "India", "Japan"]


@st.composite
def corpora(draw):
    n_docs = draw(st.integers(1, 6))
    rows, docs = [], []
    for d in range(n_docs):
        docs.append((f"d{d}", draw(st.sampled_from(["A", "B", "C"])), draw(st.sampled_from(["e1", "e2"]))))
        for i in range(draw(st.integers(1, 7))):
            text = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=0, max_size=6))) + "."
            rows.append((f"d{d}", i, draw(st.sampled_from(["paragraph"] * 5 + ["headline"])), text))
    sentences = pd.DataFrame(rows, columns=["doc_id", "sent_idx", "para_role", "text"])
    if not (sentences["para_role"] == "paragraph").any():
        sentences.loc[0, "para_role"] = "paragraph"
    return sentences, pd.DataFrame(docs, columns=["doc_id", "outlet", "event"])


@settings(max_examples=60, deadline=None)
@given(corpora(), st.sampled_from([0.05, 0.2, 0.3, 0.5, 0.8, 1.0]))
def test_grouping_equals_full_matrix_linkage(corpus, threshold):
    sentences, documents = corpus
    expected = reference_group_claims(sentences, threshold)
    pd.testing.assert_frame_equal(group_claims(sentences, threshold), expected)
    one_event = documents.assign(event="e1")  # a single event is the whole corpus
    pd.testing.assert_frame_equal(group_claims(sentences, threshold, documents=one_event), expected)


@settings(max_examples=60, deadline=None)
@given(corpora(), st.sampled_from([0.2, 0.3, 0.6]))
def test_grouping_within_events_equals_full_matrix_linkage_per_event(corpus, threshold):
    sentences, documents = corpus
    expected = (reference_per_event(sentences, documents, threshold) if documents["event"].nunique() > 1
                else reference_group_claims(sentences, threshold))
    pd.testing.assert_frame_equal(group_claims(sentences, threshold, documents=documents), expected)


@settings(max_examples=40, deadline=None)
@given(corpora())
def test_coverage_and_labels_equal_the_per_claim_loop(corpus):
    sentences, documents = corpus
    claims = group_claims(sentences)
    positions = claim_positions(claims, documents)
    pd.testing.assert_frame_equal(claim_coverage(claims, positions), reference_coverage(claims, positions))


def test_labels_break_ties_like_the_per_claim_matrix():
    # the first two are equally central in exact arithmetic; the per-claim matrix's rounding makes
    # the second win, and the batched labels must pick the same sentence
    texts = ["Anita Lanyozu, who took office in 2007, has publicly pressed for deeper ties with India.",
             "Siti Yoga, who took office in 2010, has publicly pressed for more robust ties with India.",
             "Claire Mator, who took office in 2011, has strongly pressed for stronger ties with India."]
    claims = pd.DataFrame({"claim_id": "c001", "doc_id": list("abc"), "sent_idx": 0, "text": texts})
    assert _label(claims) == claim_labels(claims).loc["c001"] == texts[1]


@settings(max_examples=60, deadline=None)
@given(corpora())
def test_tfidf_rows_are_scikit_learns_bit_for_bit(corpus):
    sentences, documents = corpus
    texts = sentences["text"].tolist()
    groups = pd.factorize(sentences["doc_id"].map(documents.set_index("doc_id")["event"]))[0]
    x = _tfidf(_stem_texts(texts), groups)
    for g in np.unique(groups):
        idx = np.flatnonzero(groups == g)
        stems = [claims_mod.content_stems(texts[i]) for i in idx]
        if not any(stems):
            assert x[idx].nnz == 0
            continue
        ref = TfidfVectorizer(analyzer=lambda s: s, sublinear_tf=True).fit_transform(stems)
        assert np.array_equal(x[idx].data, ref.data)
        assert np.array_equal((x[idx] @ x[idx].T).toarray(), (ref @ ref.T).toarray())


def test_small_components_share_a_linkage_or_go_to_forked_processes_with_the_same_result(monkeypatch):
    sentences, documents = tables()
    sentences = pd.concat([sentences.assign(doc_id=sentences["doc_id"] + str(k)) for k in range(4)],
                          ignore_index=True)
    expected = reference_group_claims(sentences)
    for batch in (1, 5, 1000):
        monkeypatch.setattr(claims_mod, "LINKAGE_BATCH", batch)
        pd.testing.assert_frame_equal(group_claims(sentences), expected)
    monkeypatch.setattr(claims_mod, "LINKAGE_BATCH", 1)  # one linkage per component ...
    monkeypatch.setattr(claims_mod, "LINKAGE_SLICE", 1)  # ... and a few of them per forked process
    pd.testing.assert_frame_equal(group_claims(sentences, workers=2), expected)


def test_events_keep_a_claim_to_its_event():
    sentences, documents = tables()
    one = group_claims(sentences, documents=documents.assign(event="summit"))
    assert members(one)[0] == [("a", 1), ("b", 0), ("c", 1)]
    split = group_claims(sentences, documents=documents.assign(event=["summit", "summit", "visit"]))
    assert members(split) == [[("a", 1), ("b", 0)], [("a", 2)], [("a", 3)], [("b", 1)], [("c", 0)], [("c", 1)],
                              [("c", 2)]]
    assert list(split["claim_id"]) == ["c001", "c002", "c003", "c001", "c004", "c005", "c006", "c007"]
    # an event missing for one document: the whole corpus is one event, as in the events stage
    missing = group_claims(sentences, documents=documents.assign(event=["summit", "", "visit"]))
    pd.testing.assert_frame_equal(missing, one)


def test_condensed_distances_of_a_large_group_are_the_full_matrix_ones(monkeypatch):
    from scipy.spatial.distance import squareform

    rng = np.random.default_rng(0)
    words = [f"w{k}" for k in range(40)]
    texts = [" ".join(rng.choice(words, size=rng.integers(1, 6))) for _ in range(2300)]
    x = _tfidf(_stem_texts(texts), np.zeros(len(texts), dtype=np.int64))
    monkeypatch.setattr(claims_mod, "PAIR_BLOCK", 50_000)  # many row blocks
    dist = 1.0 - similarity_matrix(texts)
    dist = (dist + dist.T) / 2
    np.fill_diagonal(dist, 0.0)
    assert np.array_equal(claims_mod._condensed_distances(x), squareform(dist, checks=False))
    i, j, s = claims_mod._edges(x, 0.3)
    full = (x @ x.T).toarray()
    ii, jj = np.nonzero(np.triu(full >= 0.3, 1))
    assert sorted(zip(i, j)) == sorted(zip(ii, jj)) and np.array_equal(np.sort(s), np.sort(full[ii, jj]))


def test_rows_of_many_events_give_the_distances_of_their_own_columns_bit_for_bit():
    # a (event, stem) column per event: most of x's columns are empty in the rows of one component
    rng = np.random.default_rng(1)
    words = [f"w{k}" for k in range(30)]
    texts = [" ".join(rng.choice(words, size=rng.integers(1, 8))) for _ in range(3000)]
    x = _tfidf(_stem_texts(texts), np.arange(3000) // 10)  # 300 events of 10 sentences
    rows = x[np.arange(40, 50)]
    assert rows.shape[1] > 50 * claims_mod._used_columns(rows).shape[1]
    sim = np.clip((rows @ rows.T).toarray(), 0.0, 1.0)  # the product over every column
    np.fill_diagonal(sim, 1.0)
    dist = 1.0 - sim
    expected = ((dist + dist.T) / 2)[np.triu_indices(10, 1)]
    assert np.array_equal(claims_mod._condensed_distances(rows), expected)


def stems_of(stemmed, i: int) -> list[str]:
    """The stems of distinct text ``i`` of ``_stem_texts``' result, as strings."""
    _, stems, lengths, vocab = stemmed
    start = int(lengths[:i].sum())
    return vocab[stems[start:start + lengths[i]]].tolist()


def test_stems_of_slices_stemmed_in_forked_processes_are_the_same(monkeypatch):
    import analysis.claims as claims

    texts = [f"Minister {i % 7} said the exercises were strengthening ties, sentence {i}." for i in range(40)]
    texts += texts[:10]  # repeated texts are stemmed once
    serial = claims._stem_texts(texts)
    monkeypatch.setattr(claims, "STEM_SLICE", 6)
    forked = claims._stem_texts(texts, workers=2)
    assert all(np.array_equal(a, b) for a, b in zip(forked, serial))
    codes, stems, lengths, vocab = serial
    assert len(lengths) == 40 and list(codes[40:]) == list(range(10))
    assert stems_of(serial, 0) == ["minist", "said", "exercis", "strengthen", "tie", "sentenc"]
    # stems numbered in order of first appearance over all texts, as pandas.factorize numbers them
    flat = [w for t in dict.fromkeys(texts) for w in claims.content_stems(t)]
    expected, uniques = pd.factorize(pd.Series(flat, dtype=object))
    assert np.array_equal(stems, expected) and list(vocab) == list(uniques)
    assert all(stems_of(serial, i) == claims.content_stems(t) for i, t in enumerate(dict.fromkeys(texts)))
    empty = claims._stem_texts([])
    assert [len(part) for part in empty] == [0, 0, 0, 0] and _tfidf(empty, np.zeros(0, dtype=np.int64)).shape == (0, 0)
