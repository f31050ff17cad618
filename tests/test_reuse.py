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


# --- the vectorised implementation against the straightforward one it replaced --------------------------------

import numpy as np  # noqa: E402
from hypothesis import HealthCheck  # noqa: E402

from analysis import reuse  # noqa: E402
from analysis.quotes import quote_spans  # noqa: E402


def _reference_passages(documents, min_words=8, max_docs=50):
    """The pre-vectorisation algorithm: vocabulary ids, per-shingle pairs, pandas runs, Python rows."""
    ids, texts = documents["doc_id"].tolist(), documents["text"].tolist()
    toks, spans = zip(*(token_spans(t) for t in texts))
    vocab, hashes, docs, pos, all_ids = {}, [], [], [], []
    for d, tk in enumerate(toks):
        v = np.array([vocab.setdefault(t, len(vocab)) for t in tk], dtype=np.int64)
        all_ids.append(v)
        if v.size >= min_words:
            for p in range(v.size - min_words + 1):
                hashes.append(tuple(v[p:p + min_words]))
                docs.append(d)
                pos.append(p)
    groups = {}
    for h, d, p in zip(hashes, docs, pos):
        groups.setdefault(h, []).append((d, p))
    seeds = []
    for g in groups.values():
        if len({d for d, _ in g}) < 2 or len({d for d, _ in g}) > max_docs:
            continue
        g = sorted(g)
        for i in range(len(g)):
            for j in range(i + 1, len(g)):
                if g[i][0] != g[j][0]:
                    seeds.append((g[i][0], g[i][1], g[j][0], g[j][1]))
    seeds.sort(key=lambda s: (s[0], s[2], s[3] - s[1], s[1]))
    runs = []
    for a, pa, b, pb in seeds:
        last = runs[-1] if runs else None
        if last and (last[0], last[2], last[3] - last[1]) == (a, b, pb - pa) and last[1] + last[4] == pa:
            last[4] += 1
        else:
            runs.append([a, pa, b, pb, 1])
    rows = []
    for a, pa, b, pb, k in runs:
        n_words = k + min_words - 1
        sa, sb = spans[a], spans[b]
        start_a, end_a = int(sa[pa, 0]), int(sa[pa + n_words - 1, 1])
        start_b, end_b = int(sb[pb, 0]), int(sb[pb + n_words - 1, 1])
        shares = []
        for doc, start, end in ((a, start_a, end_a), (b, start_b, end_b)):
            quoted = [(q.inner_start, q.inner_end) for q in quote_spans(texts[doc])]
            shares.append(sum(max(0, min(end, qe) - max(start, qs)) for qs, qe in quoted) / (end - start))
        rows.append((a, pa, pb - pa, ids[a], ids[b], start_a, end_a, start_b, end_b, n_words,
                     texts[a][start_a:end_a], *shares))
    rows.sort(key=lambda r: (r[0], ids.index(r[4]), r[1], r[2]))
    return pd.DataFrame([r[3:] for r in rows],
                        columns=reuse.PASSAGE_COLUMNS + ["quoted_share_a", "quoted_share_b"])


def _reference_tables(p, d, sents):
    """Originality, pairs and sentence shares from character masks, one document or pair at a time."""
    masks = {i: np.zeros(len(t), dtype=bool) for i, t in zip(d["doc_id"], d["text"])}
    for r in p.itertuples(index=False):
        masks[r.doc_a][r.start_a:r.end_a] = True
        masks[r.doc_b][r.start_b:r.end_b] = True
    partners = {}
    for a, b in zip(p["doc_a"], p["doc_b"]):
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    starts = {i: token_spans(t)[1][:, 0] for i, t in zip(d["doc_id"], d["text"])}
    docs_rows = []
    for i, o in zip(d["doc_id"], d["outlet"]):
        n, used = starts[i].size, int(masks[i][starts[i]].sum())
        docs_rows.append((i, o, n, used, (n - used) / n if n else float("nan"), len(partners.get(i, ()))))
    outlet = dict(zip(d["doc_id"], d["outlet"]))
    pair_rows = []
    for (a, b), g in p.groupby(["doc_a", "doc_b"], sort=False):
        w = []
        for doc, s, e in ((a, g["start_a"], g["end_a"]), (b, g["start_b"], g["end_b"])):
            m = np.zeros(len(masks[doc]), dtype=bool)
            for x, y in zip(s, e):
                m[x:y] = True
            w.append(int(m[starts[doc]].sum()))
        pair_rows.append((a, b, outlet[a], outlet[b], len(g), w[0], w[1], w[0] / starts[a].size, w[1] / starts[b].size))
    texts = dict(zip(d["doc_id"], d["text"]))
    shares = []
    for s in sents.itertuples(index=False):
        keep = np.array([c not in " \t\n\r" for c in texts[s.doc_id][s.start:s.end]], dtype=bool)
        shares.append(float(masks[s.doc_id][s.start:s.end][keep].mean()) if keep.any() else 0.0)
    return (pd.DataFrame(docs_rows, columns=["doc_id", "outlet", "n_words", "n_reused_words", "share_original",
                                             "n_partners"]),
            pd.DataFrame(pair_rows, columns=["doc_a", "doc_b", "outlet_a", "outlet_b", "n_passages", "n_words_a",
                                             "n_words_b", "share_a", "share_b"]),
            pd.Series(shares, index=sents.index, name="reuse_share"))


PHRASES = ["the two ministers reviewed the progress of the special strategic partnership",
           '"we will not allow anyone to threaten the peace and stability of our region," he said',
           "beijing did not immediately respond to a request for comment on the meeting",
           "officials said interoperability between the two forces had improved markedly"]
piece = st.one_of(st.sampled_from(PHRASES), st.sampled_from(["India", "Japan's", "talks", "said", "the", "navy",
                                                             "x-ray", "and", "of", "“quoted”", "‘single’"]))
corpus = st.lists(st.lists(piece, min_size=0, max_size=12).map(" ".join), min_size=2, max_size=5)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpus, st.integers(2, 4))
def test_same_tables_as_the_straightforward_implementation(texts, max_docs):
    d = docs(*texts, outlets=[f"o{i % 2}" for i in range(len(texts))])
    p = shared_passages(d, max_docs=max_docs)
    ref = _reference_passages(d, max_docs=max_docs)
    if ref.empty:
        assert p.empty
        return
    pd.testing.assert_frame_equal(p, ref, check_exact=True)
    sents = pd.DataFrame({"doc_id": d["doc_id"], "start": 0, "end": d["text"].str.len()})
    ref_docs, ref_pairs, ref_share = _reference_tables(p, d, sents)
    pd.testing.assert_frame_equal(document_originality(p, d), ref_docs, check_exact=True)
    pd.testing.assert_frame_equal(reuse_pairs(p, d), ref_pairs, check_exact=True)
    pd.testing.assert_series_equal(sentence_reuse(p, d, sents), ref_share, check_exact=True)
    # the public functions also take passages in any order (pairs in order of first appearance)
    shuffled = p.iloc[::-1].reset_index(drop=True)
    pd.testing.assert_frame_equal(document_originality(shuffled, d), ref_docs, check_exact=True)
    pd.testing.assert_frame_equal(reuse_pairs(shuffled, d), _reference_tables(shuffled, d, sents)[1],
                                  check_exact=True)


ODD_CHARS = ["é", "Σ", "σ", "İ", "ſ", "²", "ß", "中", "\u0301", "\U0001d400", "\t"]  # case, sigma, marks, astral
text_chars = st.text(alphabet=st.sampled_from(list("aBz09 '’‘-_.,\n\"“”") + ODD_CHARS), max_size=60)


@settings(max_examples=300, deadline=None)
@given(text_chars)
def test_numpy_tokeniser_matches_the_regular_expression(text):
    toks, spans = token_spans(text)
    start, end, h1, h2 = reuse.document_tokens(text)
    assert start.tolist() == spans[:, 0].tolist() and end.tolist() == spans[:, 1].tolist()
    # equal fingerprints exactly for equal (lower-cased, possessive-stripped) tokens
    for i in range(len(toks)):
        for j in range(len(toks)):
            assert (h1[i] == h1[j] and h2[i] == h2[j]) == (toks[i] == toks[j])


def test_fingerprints_do_not_depend_on_the_document():
    a = reuse.document_tokens("India's navy and Japan")
    b = reuse.document_tokens("JAPAN, india — navy!")
    assert dict(zip(["india", "navy", "and", "japan"], a[2].tolist())) == \
        dict(zip(["japan", "india", "navy"], b[2].tolist())) | {"and": a[2][2]}


class _Run:
    def __init__(self, documents, sentences=None, params=None):
        self.documents, self.sentences, self.params, self.tables = documents, sentences, params or {}, {}


def test_annotate_on_chunks_equals_annotate_on_the_whole_corpus():
    texts = [f"Intro {i}. {SHARED}. " + PHRASES[i % len(PHRASES)] + f' "{PHRASES[0]}," he said.' for i in range(7)]
    whole = _Run(docs(*texts))
    reuse.annotate(whole)
    parts = []
    for lo, hi in ((0, 2), (2, 3), (3, 7)):
        r = _Run(whole.documents.iloc[lo:hi].reset_index(drop=True))
        reuse.annotate(r)
        parts.append(r.tables[reuse.TOKENS_TABLE])
    joined = pd.concat(parts, ignore_index=True)
    full = whole.tables[reuse.TOKENS_TABLE]
    pd.testing.assert_series_equal(joined["doc_id"], full["doc_id"])
    for col in reuse.TOKEN_COLUMNS:
        assert all(x.dtype == y.dtype and np.array_equal(x, y) for x, y in zip(joined[col], full[col])), col
    assert all(len(x) > 0 for x in full["quote_start"])


def test_stage_is_annotate_then_summarise_and_uses_the_intermediate_table():
    texts = [f"Story {i} begins. {SHARED}. " + PHRASES[i % 2] for i in range(4)]
    sents = pd.DataFrame({"doc_id": [f"d{i}" for i in range(4)], "start": 0, "end": [len(t) for t in texts]})
    a, b = _Run(docs(*texts), sents), _Run(docs(*texts), sents)
    msg = reuse.stage(a)
    reuse.annotate(b)
    assert reuse.summarise(b) == msg and msg.startswith("6 shared passages between 6 pairs")
    for name in ("reuse_passages", "reuse_documents", "reuse_pairs"):
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name])
    tampered = _Run(docs(*texts), sents)
    tampered.tables[reuse.TOKENS_TABLE] = b.tables[reuse.TOKENS_TABLE].iloc[::-1]
    with pytest.raises(ValueError, match="_reuse_tokens"):
        reuse.summarise(tampered)
