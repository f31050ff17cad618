"""Text reuse: passages of eight or more words that two articles share, and how original each is.

Method (seed and extend, as in text-reuse detection for newspapers)
    1. Every document is tokenised with the suite's token rules (:data:`analysis.tokens.TOKEN`,
       lower-cased, curly apostrophes read as straight, possessive ``'s`` dropped), keeping each
       token's character offsets in ``documents.text``.
    2. Every run of ``n = 8`` consecutive tokens (a word 8-gram, "shingle") is hashed to a 64-bit
       integer. Sorting all (hash, document, position) triples puts identical shingles side by side
       (the postings of a shingle index); only shingles that occur in two or more documents, and
       in at most ``max_docs`` of them (very common ones are boilerplate and would make the pairs
       quadratic), become *seeds* ``(doc_a, pos_a, doc_b, pos_b)``. Documents that share no
       shingle are never compared.
    3. Seeds of one pair on the same diagonal (``pos_b - pos_a``) at consecutive positions are one
       verbatim passage; its extent is ``first seed .. last seed + n - 1`` tokens. This is an exact
       alignment of verbatim runs, so a passage moved elsewhere in the other article is still found
       (``difflib.SequenceMatcher`` keeps matches in order and would miss it), and a one-word edit
       splits a passage in two (each part is kept if it still has ``n`` words).
    4. Seeds are checked token by token, so a hash collision cannot create a passage.

Scaling: tokenising and hashing are linear in the corpus's tokens; the sort is ``T log T`` for
``T`` tokens; the seeds grow with the amount of text actually shared, times at most
``max_docs**2`` per shingle. No pair of documents is compared unless they share a shingle.
Measured (``/tmp`` benchmark, synthetic): 10,000 articles of 600 words (6 million tokens, each
article reprinting three of 200 wire paragraphs) take about 17 s and well under 1 GB. A shingle
found in more than ``max_docs`` articles (default 50; parameter ``reuse_max_docs``) is skipped
as boilerplate, so a wire paragraph reprinted by more than 50 articles of the corpus is not
reported; raise ``max_docs`` for such corpora (the cost grows with its square).

Why by hand: text-reuse tools (passim, TRACER, BLAST-based ``text-matcher``) run as separate
programs with their own input formats; the seed-and-extend core fits in a page of numpy.

References
----------
Broder, A. Z. (1997). On the resemblance and containment of documents. *Compression and
Complexity of Sequences*, 21-29. (shingles)
Smith, D. A., Cordell, R. & Mullen, A. (2015). Computational methods for uncovering reprinted
texts in antebellum American newspapers. *American Literary History* 27(3), E1-E15. (passim:
n-gram seeds, then alignment of candidate pairs)
Clough, P., Gaizauskas, R., Piao, S. & Wilks, Y. (2002). METER: Measuring text reuse. *ACL 2002*,
152-159. (news agency copy reused by newspapers)
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .quotes import quote_spans
from .tokens import POSSESSIVE, TOKEN

MIN_WORDS = 8
MAX_DOCS = 50
PASSAGE_COLUMNS = ["doc_a", "doc_b", "start_a", "end_a", "start_b", "end_b", "n_words", "text"]


def token_spans(text: str) -> tuple[list[str], np.ndarray]:
    """Tokens of ``text`` (the suite's rules) and their ``(start, end)`` character offsets."""
    norm = text.replace("’", "'").replace("‘", "'")
    toks, spans = [], []
    for m in TOKEN.finditer(norm):
        toks.append(POSSESSIVE.sub("", m.group(0).lower()))
        spans.append((m.start(), m.end()))
    return toks, np.asarray(spans, dtype=np.int64).reshape(-1, 2)


def _shingle_hashes(ids: np.ndarray, n: int) -> np.ndarray:
    if ids.size < n:
        return np.empty(0, dtype=np.uint64)
    h = np.zeros(ids.size - n + 1, dtype=np.uint64)
    base = np.uint64(1_000_003)
    with np.errstate(over="ignore"):
        for j in range(n):
            h = h * base + ids[j:ids.size - n + 1 + j].astype(np.uint64) + np.uint64(1)
    return h


def _seeds(tokens: list[list[str]], n: int, max_docs: int) -> pd.DataFrame:
    vocab: dict[str, int] = {}
    all_ids, hashes, docs, pos = [], [], [], []
    for d, toks in enumerate(tokens):
        ids = np.fromiter((vocab.setdefault(t, len(vocab)) for t in toks), dtype=np.int64, count=len(toks))
        h = _shingle_hashes(ids, n)
        all_ids.append(ids)
        hashes.append(h)
        docs.append(np.full(h.size, d, dtype=np.int64))
        pos.append(np.arange(h.size, dtype=np.int64))
    h, d, p = (np.concatenate(x) if x else np.empty(0, dtype=np.int64) for x in (hashes, docs, pos))
    if h.size == 0:
        return pd.DataFrame(columns=["a", "pa", "b", "pb"])
    order = np.lexsort((p, d, h))
    h, d, p = h[order], d[order], p[order]
    starts = np.concatenate(([0], np.flatnonzero(np.diff(h)) + 1))
    ends = np.append(starts[1:], h.size)
    shared = d[starts] != d[ends - 1]          # sorted by doc within a shingle: two or more documents
    pairs = []
    for s, e in zip(starts[shared], ends[shared]):
        grp_d, grp_p = d[s:e], p[s:e]
        if np.unique(grp_d).size > max_docs:
            continue
        i, j = np.triu_indices(grp_d.size, k=1)
        other = grp_d[i] != grp_d[j]
        pairs.append(np.column_stack((grp_d[i[other]], grp_p[i[other]], grp_d[j[other]], grp_p[j[other]])))
    if not pairs:
        return pd.DataFrame(columns=["a", "pa", "b", "pb"])
    seeds = np.concatenate(pairs)
    # check every seed token by token, so that a hash collision cannot create a passage
    offsets = np.concatenate(([0], np.cumsum([ids.size for ids in all_ids])))
    flat = np.concatenate(all_ids)
    at_a, at_b = offsets[seeds[:, 0]] + seeds[:, 1], offsets[seeds[:, 2]] + seeds[:, 3]
    ok = np.ones(len(seeds), dtype=bool)
    for k in range(n):
        ok &= flat[at_a + k] == flat[at_b + k]
    return pd.DataFrame(seeds[ok], columns=["a", "pa", "b", "pb"])


def shared_passages(documents: pd.DataFrame, min_words: int = MIN_WORDS, max_docs: int = MAX_DOCS) -> pd.DataFrame:
    """``reuse_passages``: one row per verbatim passage of ``min_words`` or more tokens two documents share.

    ``start_*``/``end_*`` are character offsets into ``documents.text`` (the passage runs from its
    first token's first character to its last token's last character); ``doc_a`` comes before
    ``doc_b`` in the documents table; ``text`` is the passage as written in ``doc_a``;
    ``quoted_share_a``/``_b`` are the shares of the passage's characters inside quotation marks in
    each document (agency narration in one, a quotation in the other, shows a release being quoted).
    """
    ids = documents["doc_id"].tolist()
    texts = documents["text"].tolist()
    toks, spans = zip(*(token_spans(t) for t in texts)) if texts else ((), ())
    seeds = _seeds(list(toks), min_words, max_docs)
    if seeds.empty:
        return pd.DataFrame(columns=PASSAGE_COLUMNS + ["quoted_share_a", "quoted_share_b"])
    seeds = seeds.assign(diag=seeds["pb"] - seeds["pa"]).sort_values(["a", "b", "diag", "pa"])
    new_run = (seeds[["a", "b", "diag"]].diff().abs().sum(axis=1) != 0) | (seeds["pa"].diff() != 1)
    seeds["run"] = new_run.cumsum()
    runs = seeds.groupby("run").agg(a=("a", "first"), b=("b", "first"), pa=("pa", "first"),
                                    pb=("pb", "first"), k=("pa", "size"))
    rows = []
    quoted = {}
    for r in runs.itertuples(index=False):
        n_words = int(r.k) + min_words - 1
        sa, sb = spans[r.a], spans[r.b]
        start_a, end_a = int(sa[r.pa, 0]), int(sa[r.pa + n_words - 1, 1])
        start_b, end_b = int(sb[r.pb, 0]), int(sb[r.pb + n_words - 1, 1])
        shares = []
        for doc, start, end in ((r.a, start_a, end_a), (r.b, start_b, end_b)):
            if doc not in quoted:
                quoted[doc] = [(q.inner_start, q.inner_end) for q in quote_spans(texts[doc])]
            shares.append(sum(max(0, min(end, qe) - max(start, qs)) for qs, qe in quoted[doc]) / (end - start))
        rows.append((ids[r.a], ids[r.b], start_a, end_a, start_b, end_b, n_words, texts[r.a][start_a:end_a], *shares))
    out = pd.DataFrame(rows, columns=PASSAGE_COLUMNS + ["quoted_share_a", "quoted_share_b"])
    order = {d: i for i, d in enumerate(ids)}
    return out.sort_values(["doc_a", "doc_b", "start_a"], key=lambda c: c.map(order) if c.name != "start_a" else c,
                           kind="stable").reset_index(drop=True)


def _covered(passages: pd.DataFrame, documents: pd.DataFrame) -> dict:
    """Per document, a boolean mask over its characters: inside some shared passage."""
    masks = {d: np.zeros(len(t), dtype=bool) for d, t in zip(documents["doc_id"], documents["text"])}
    for p in passages.itertuples(index=False):
        masks[p.doc_a][p.start_a:p.end_a] = True
        masks[p.doc_b][p.start_b:p.end_b] = True
    return masks


def document_originality(passages: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """``reuse_documents``: per article, words inside any shared passage and the share that is original.

    A word is *reused* when it lies inside a passage shared with at least one other article, in
    either direction: the table cannot say who copied from whom (dates and wire credits can).
    """
    masks = _covered(passages, documents)
    partners_of: dict = {}
    for a, b in set(zip(passages["doc_a"], passages["doc_b"])):
        partners_of.setdefault(a, set()).add(b)
        partners_of.setdefault(b, set()).add(a)
    rows = []
    for d, outlet, text in documents[["doc_id", "outlet", "text"]].itertuples(index=False):
        _, spans = token_spans(text)
        reused = int(masks[d][spans[:, 0]].sum()) if len(spans) else 0
        partners = partners_of.get(d, ())
        n = len(spans)
        rows.append((d, outlet, n, reused, (n - reused) / n if n else float("nan"), len(partners)))
    return pd.DataFrame(rows, columns=["doc_id", "outlet", "n_words", "n_reused_words", "share_original",
                                       "n_partners"])


def _word_starts(text: str) -> np.ndarray:
    spans = token_spans(text)[1]
    return spans[:, 0] if len(spans) else np.empty(0, dtype=np.int64)


def _words_covered(word_starts: np.ndarray, n_chars: int, starts, ends) -> int:
    """Words (by their first character) inside any of the ``starts[i]:ends[i]`` character ranges."""
    mask = np.zeros(n_chars, dtype=bool)
    for s, e in zip(starts, ends):
        mask[s:e] = True
    return int(mask[word_starts].sum())


def reuse_pairs(passages: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """``reuse_pairs``: per pair of articles, passages and words shared, as shares of each article."""
    outlet = dict(zip(documents["doc_id"], documents["outlet"]))
    length = {d: len(t) for d, t in zip(documents["doc_id"], documents["text"])}
    words = {d: _word_starts(t) for d, t in zip(documents["doc_id"], documents["text"])}
    rows = []
    for (a, b), grp in passages.groupby(["doc_a", "doc_b"], sort=False):
        wa = _words_covered(words[a], length[a], grp["start_a"].to_numpy(), grp["end_a"].to_numpy())
        wb = _words_covered(words[b], length[b], grp["start_b"].to_numpy(), grp["end_b"].to_numpy())
        rows.append((a, b, outlet[a], outlet[b], len(grp), wa, wb, wa / words[a].size, wb / words[b].size))
    return pd.DataFrame(rows, columns=["doc_a", "doc_b", "outlet_a", "outlet_b", "n_passages", "n_words_a",
                                       "n_words_b", "share_a", "share_b"])


def sentence_reuse(passages: pd.DataFrame, documents: pd.DataFrame, sentences: pd.DataFrame) -> pd.Series:
    """Share of each sentence's non-space characters inside a shared passage (0..1), aligned to ``sentences``."""
    masks = _covered(passages, documents)
    texts = documents.set_index("doc_id")["text"]
    out = []
    for s in sentences[["doc_id", "start", "end"]].itertuples(index=False):
        chars = np.frombuffer(texts[s.doc_id][s.start:s.end].encode("utf-32-le"), dtype=np.uint32)
        keep = ~np.isin(chars, [32, 9, 10, 13])
        m = masks[s.doc_id][s.start:s.end]
        out.append(float(m[keep].mean()) if keep.any() else 0.0)
    return pd.Series(out, index=sentences.index, name="reuse_share")


def frames_by_reuse(sentences: pd.DataFrame, documents: pd.DataFrame, random_state: int = 0) -> pd.DataFrame | None:
    """Frame salience in reused and original sentences (``reused`` = half or more of it is shared).

    Long format: ``frame, part, n_sentences, n_hits, share, ci_low, ci_high`` per outlet and overall
    (``outlet == "all"``); None when ``sentences`` has no ``frame_`` columns.
    """
    from .compare import share_by_group

    frames = [c for c in sentences.columns if c.startswith("frame_")]
    if not frames:
        return None
    s = sentences.assign(outlet=sentences["doc_id"].map(documents.set_index("doc_id")["outlet"]),
                         part=np.where(sentences["reuse_share"] >= 0.5, "reused", "original"))
    parts = []
    for f in frames:
        for grp_cols, data in ((["outlet", "part"], s), (["part"], s)):
            t = share_by_group(data, grp_cols, f, random_state=random_state)
            if "outlet" not in t.columns:
                t.insert(0, "outlet", "all")
            t.insert(0, "frame", f.removeprefix("frame_"))
            parts.append(t)
    return pd.concat(parts, ignore_index=True)


def stage(run) -> str:
    """Pipeline stage: ``reuse_passages``, ``reuse_documents``, ``reuse_pairs`` (+ ``reuse_frames``)."""
    min_words = int(run.params.get("reuse_min_words", MIN_WORDS))
    max_docs = int(run.params.get("reuse_max_docs", MAX_DOCS))
    if min_words < 2 or max_docs < 2:
        from .errors import ConfigError

        raise ConfigError(f"reuse_min_words={min_words}, reuse_max_docs={max_docs}: both must be 2 or more "
                          f"(defaults {MIN_WORDS} and {MAX_DOCS}).")
    passages = shared_passages(run.documents, min_words=min_words, max_docs=max_docs)
    run.tables["reuse_passages"] = passages
    run.tables["reuse_documents"] = document_originality(passages, run.documents)
    run.tables["reuse_pairs"] = reuse_pairs(passages, run.documents)
    run.sentences = run.sentences.assign(reuse_share=sentence_reuse(passages, run.documents, run.sentences))
    fr = frames_by_reuse(run.sentences, run.documents, random_state=int(run.params.get("seed", 0) or 0))
    note = "frames by reuse written" if fr is not None else "no frame_ columns yet, frames-by-reuse table skipped"
    if fr is not None:
        run.tables["reuse_frames"] = fr
    return f"{len(passages)} shared passages between {len(run.tables['reuse_pairs'])} pairs of articles; {note}"
