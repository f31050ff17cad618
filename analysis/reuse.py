"""Text reuse: passages of eight or more words that two articles share, and how original each is.

Method (seed and extend, as in text-reuse detection for newspapers)
    1. Every document is tokenised with the suite's token rules (:data:`analysis.tokens.TOKEN`,
       lower-cased, curly apostrophes read as straight, possessive ``'s`` dropped), keeping each
       token's character offsets in ``documents.text``. Each token's text is identified by two
       independent 64-bit hashes (a 128-bit fingerprint) that depend on that text alone.
    2. Every run of ``n = 8`` consecutive tokens (a word 8-gram, "shingle") is hashed to a 64-bit
       integer. Sorting all shingle hashes (stably, so in corpus order within equal hashes) puts
       identical shingles side by side (the postings of a shingle index); only shingles that occur
       in two or more documents, and in at most ``max_docs`` of them (counting documents, not
       occurrences; very common ones are boilerplate and would make the pairs quadratic), become
       *seeds* ``(doc_a, pos_a, doc_b, pos_b)``. Documents that share no shingle are never compared.
    3. Seeds of one pair on the same diagonal (``pos_b - pos_a``) at consecutive positions are one
       verbatim passage; its extent is ``first seed .. last seed + n - 1`` tokens. This is an exact
       alignment of verbatim runs, so a passage moved elsewhere in the other article is still found
       (``difflib.SequenceMatcher`` keeps matches in order and would miss it), and a one-word edit
       splits a passage in two (each part is kept if it still has ``n`` words).
    4. Every seed is checked on a second shingle hash built from the second token hash, so a
       collision of the first cannot create a passage: a false seed needs two different 8-word
       runs to agree on 128 independent bits.

Per-document and corpus-level parts: :func:`annotate` does step 1 and finds each document's
quotations (the intermediate table ``_reuse_tokens``, numpy arrays per document, about 24 bytes
per token; it depends on each document alone, so it can run on chunks of documents in other
processes); :func:`summarise` builds the index and everything after it.

Scaling: tokenising, hashing and the quotation search are linear in the corpus's characters
(numpy over code points; one Python call per document); the index is one sort of the ``T``
shingles (``T log T``); the seeds are at most ``max_docs * (max_docs - 1) / 2`` per distinct
shingle (pairs of documents sharing it), so for a fixed ``max_docs`` they, the passages and the
pairs grow linearly with the corpus, and every step after the index is a fixed number of numpy
passes (sorts) over them, with no Python loop per seed, passage or pair. What remains large is
the output itself when many short phrases are each shared by up to ``max_docs`` articles: the
synthetic benchmark corpus (templated sentences) gives about 500 passages per article (4.9
million at 10,000 articles, 0.7 GB as a table), and each of them is a row. Measured on it (CPU
seconds of the whole stage): 1,000 articles 1.7 s (the per-seed/per-pair Python version took 43 s),
10,000 articles 17 s (of which 2.2 s per-document); peak memory about 2.9 GB at 10,000
articles, of which 1.2 GB are the output tables. A shingle found in more than ``max_docs`` articles (default 50; parameter
``reuse_max_docs``) is skipped as boilerplate, so a wire paragraph reprinted by more than 50
articles of the corpus is not reported; raise ``max_docs`` for such corpora (the cost grows
with its square). The character-level steps (sentence shares) work on blocks of documents of
about :data:`BLOCK_CHARS` characters.

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
Karp, R. M. & Rabin, M. O. (1987). Efficient randomized pattern-matching algorithms. *IBM Journal
of Research and Development* 31(2), 249-260. (polynomial hashes of token and shingle text)
Steele, G. L., Lea, D. & Flood, C. H. (2014). Fast splittable pseudorandom number generators.
*OOPSLA 2014*, 453-472. (the SplitMix64 finaliser that mixes the token hashes)
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .quotes import quote_spans
from .tokens import POSSESSIVE, TOKEN

MIN_WORDS = 8
MAX_DOCS = 50
PASSAGE_COLUMNS = ["doc_a", "doc_b", "start_a", "end_a", "start_b", "end_b", "n_words", "text"]
TOKENS_TABLE = "_reuse_tokens"
TOKEN_COLUMNS = ["tok_start", "tok_end", "tok_hash", "tok_hash2", "quote_start", "quote_end"]
BLOCK_CHARS = 4_000_000            # characters per block in the character-level steps (bounds memory)

_ASCII_ALNUM = np.array([chr(i).isalnum() for i in range(128)])
_POSSESSIVE_JOINED = re.compile(r"'s(?=\x00|\Z)", re.IGNORECASE)   # POSSESSIVE on "\x00"-joined tokens
_HASH_BASES = (np.uint64(0x9E3779B97F4A7C15 | 1), np.uint64(0xC2B2AE3D27D4EB4F | 1))
_HASH_SALTS = (np.uint64(0x632BE59BD9B4E019), np.uint64(0x85EBCA77C2B2AE63))
_POWERS: dict = {}


def token_spans(text: str) -> tuple[list[str], np.ndarray]:
    """Tokens of ``text`` (the suite's rules) and their ``(start, end)`` character offsets."""
    norm = text.replace("’", "'").replace("‘", "'")
    toks, spans = [], []
    for m in TOKEN.finditer(norm):
        toks.append(POSSESSIVE.sub("", m.group(0).lower()))
        spans.append((m.start(), m.end()))
    return toks, np.asarray(spans, dtype=np.int64).reshape(-1, 2)


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _alnum(codes: np.ndarray) -> np.ndarray:
    """``str.isalnum`` per code point: what ``[^\\W_]`` matches in :data:`analysis.tokens.TOKEN`."""
    out = np.zeros(codes.size, dtype=bool)
    low = codes < 128
    out[low] = _ASCII_ALNUM[codes[low]]
    if not low.all():
        hi = codes[~low]
        uniq, inv = np.unique(hi, return_inverse=True)
        out[~low] = np.array([chr(c).isalnum() for c in uniq.tolist()], dtype=bool)[inv]
    return out


def _powers(base_i: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``base**i`` and ``base**-i`` modulo 2**64 for ``i < n`` (cached, grown by doubling)."""
    have = _POWERS.get(base_i)
    if have is None or have[0].size < n:
        size = max(n, 2 * (have[0].size if have else 1024))
        base = _HASH_BASES[base_i]
        inv = np.uint64(pow(int(base), -1, 2 ** 64))
        fwd, bwd = np.full(size, base, dtype=np.uint64), np.full(size, inv, dtype=np.uint64)
        fwd[0] = bwd[0] = 1
        have = _POWERS[base_i] = (np.cumprod(fwd, dtype=np.uint64), np.cumprod(bwd, dtype=np.uint64))
    return have


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser (Steele, Lea & Flood 2014): spreads every input bit over the output."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _token_fingerprints(joined: str) -> tuple[np.ndarray, np.ndarray]:
    """Two independent 64-bit hashes of each token of ``"\\x00".join(tokens)`` (a 128-bit fingerprint)."""
    codes = _codes(joined).astype(np.uint64)
    sep = np.flatnonzero(codes == 0)
    starts = np.concatenate(([0], sep + 1))
    ends = np.append(sep, codes.size)
    out = []
    for k in (0, 1):
        fwd, bwd = _powers(k, codes.size + 1)
        prefix = np.zeros(codes.size + 1, dtype=np.uint64)
        np.cumsum(codes * fwd[:codes.size], out=prefix[1:])
        raw = (prefix[ends] - prefix[starts]) * bwd[starts]       # sum of c_i * base**(i - start)
        out.append(_mix(raw + (ends - starts).astype(np.uint64) * _HASH_SALTS[k]))
    return out[0], out[1]


def document_tokens(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Token offsets and fingerprints of one document: ``(start, end, hash, hash2)``.

    The tokens are exactly those of :func:`token_spans` (the rules of :data:`analysis.tokens.TOKEN`:
    a run of letters and digits, joined through an inner apostrophe or hyphen), found with numpy
    over the code points instead of one regular-expression match per token; each token's text
    (lower-cased, possessive ``'s`` dropped) is identified by two independent 64-bit hashes.
    """
    norm = text.replace("’", "'").replace("‘", "'")
    codes = _codes(norm)
    if codes.size == 0:
        e32, e64 = np.empty(0, dtype=np.int32), np.empty(0, dtype=np.uint64)
        return e32, e32.copy(), e64, e64.copy()
    word = _alnum(codes)
    joiner = np.zeros(codes.size, dtype=bool)
    joiner[1:-1] = ((codes[1:-1] == 39) | (codes[1:-1] == 45)) & word[:-2] & word[2:]
    edge = np.diff((word | joiner).astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts, ends = np.flatnonzero(edge == 1), np.flatnonzero(edge == -1)
    if starts.size == 0:
        e64 = np.empty(0, dtype=np.uint64)
        return starts.astype(np.int32), ends.astype(np.int32), e64, e64.copy()
    inner = word | joiner
    chars = np.insert(codes[inner], np.cumsum(ends - starts)[:-1], 0)   # tokens separated by NUL
    joined = _POSSESSIVE_JOINED.sub("", chars.tobytes().decode("utf-32-le").lower())
    h1, h2 = _token_fingerprints(joined)
    return starts.astype(np.int32), ends.astype(np.int32), h1, h2


def _object_column(values: list) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        out[i] = v
    return out


def token_table(documents: pd.DataFrame) -> pd.DataFrame:
    """``_reuse_tokens``: per document, its tokens' offsets and fingerprints and its quotations' offsets.

    One row per document, in document order; the array columns are ``tok_start``/``tok_end``
    (character offsets into ``documents.text``, int32), ``tok_hash``/``tok_hash2`` (uint64, see
    :func:`document_tokens`) and ``quote_start``/``quote_end`` (inner offsets of each quotation of
    :func:`analysis.quotes.quote_spans`, int32). Everything here depends on one document only.
    """
    cols = {c: [] for c in TOKEN_COLUMNS}
    for text in documents["text"].tolist():
        for c, v in zip(TOKEN_COLUMNS, document_tokens(text)):
            cols[c].append(v)
        quotes = quote_spans(text)
        cols["quote_start"].append(np.array([q.inner_start for q in quotes], dtype=np.int32))
        cols["quote_end"].append(np.array([q.inner_end for q in quotes], dtype=np.int32))
    out = pd.DataFrame({"doc_id": documents["doc_id"].to_numpy()})
    for c in TOKEN_COLUMNS:
        out[c] = _object_column(cols[c])
    return out


class _Flat:
    """The token table as flat corpus-wide arrays (documents one after another)."""

    def __init__(self, documents: pd.DataFrame, tokens: pd.DataFrame | None = None):
        if tokens is None:
            tokens = token_table(documents)
        if len(tokens) != len(documents) or not np.array_equal(tokens["doc_id"].to_numpy(dtype=object),
                                                               documents["doc_id"].to_numpy(dtype=object)):
            raise ValueError(f"{TOKENS_TABLE} does not list the documents in their order; rerun annotate.")
        self.ids = documents["doc_id"].tolist()
        self.index = pd.Index(self.ids)
        self.texts = documents["text"].tolist()
        self.n_chars = np.fromiter(map(len, self.texts), dtype=np.int64, count=len(self.texts))
        self.char_off = np.concatenate(([0], np.cumsum(self.n_chars)))
        self.n_tok = np.fromiter((a.size for a in tokens["tok_start"]), dtype=np.int64, count=len(tokens))
        self.tok_off = np.concatenate(([0], np.cumsum(self.n_tok)))
        doc_of_tok = np.repeat(np.arange(len(tokens)), self.n_tok)
        cat = lambda col, dt: (np.concatenate(tokens[col].tolist()).astype(dt, copy=False)   # noqa: E731
                               if len(tokens) else np.empty(0, dtype=dt))
        self.tok_start = cat("tok_start", np.int64) + self.char_off[doc_of_tok]      # corpus-wide offsets
        self.tok_end = cat("tok_end", np.int64) + self.char_off[doc_of_tok]
        self.h1, self.h2 = cat("tok_hash", np.uint64), cat("tok_hash2", np.uint64)
        n_q = np.fromiter((a.size for a in tokens["quote_start"]), dtype=np.int64, count=len(tokens))
        doc_of_q = np.repeat(np.arange(len(tokens)), n_q)
        qs = np.sort(cat("quote_start", np.int64) + self.char_off[doc_of_q])
        qe = np.sort(cat("quote_end", np.int64) + self.char_off[doc_of_q])
        self.q = (qs, np.concatenate(([0], np.cumsum(qs))), qe, np.concatenate(([0], np.cumsum(qe))))

    def take_ids(self, doc: np.ndarray) -> pd.Series:
        """``doc_id`` of each row number, typed as a column built from the ids themselves would be."""
        if not hasattr(self, "_id_series"):
            self._id_series = pd.Series(self.ids)
        return self._id_series.take(doc).reset_index(drop=True)

    def doc_of(self, tok: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.tok_off, tok, side="right") - 1

    def quoted_chars(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Characters of each corpus-wide range ``start:end`` inside quotations, counted with overlaps."""
        qs, qs_sum, qe, qe_sum = self.q

        def below(x):   # sum over quotations of the length of [qs, qe) left of x
            i, j = np.searchsorted(qs, x), np.searchsorted(qe, x)
            return x * i - qs_sum[i] - (x * j - qe_sum[j])
        return below(end) - below(start)

    def token_range(self, doc: np.ndarray, start, end) -> tuple[np.ndarray, np.ndarray]:
        """Corpus-wide indices ``[t0, t1)`` of the tokens whose first character is in ``start:end`` of ``doc``."""
        base = self.char_off[doc]
        return (np.searchsorted(self.tok_start, base + np.asarray(start, dtype=np.int64)),
                np.searchsorted(self.tok_start, base + np.asarray(end, dtype=np.int64)))

    def doc_index(self, doc_ids) -> np.ndarray:
        i = self.index.get_indexer(doc_ids)
        if (i < 0).any():
            raise KeyError(f"doc_id {list(pd.Series(doc_ids)[i < 0])[0]!r} is not in the documents table")
        return i


def _shingle_hashes(tok: np.ndarray, n: int) -> np.ndarray:
    """Hash of every run of ``n`` consecutive token fingerprints (polynomial, modulo 2**64)."""
    h = np.zeros(tok.size - n + 1, dtype=np.uint64)
    base = np.uint64(1_000_003)
    for j in range(n):
        h = h * base + tok[j:tok.size - n + 1 + j] + np.uint64(1)
    return h


def _sort_order(keys: list[np.ndarray], bounds: list[int]) -> np.ndarray:
    """Order by ``keys`` (first key most significant; each in ``0..bound-1``), via one int64 key when it fits."""
    if int(np.prod([float(b) for b in bounds])) < 2 ** 62:
        key = np.zeros(keys[0].size, dtype=np.int64)
        for k, b in zip(keys, bounds):
            key = key * np.int64(b) + k
        return np.argsort(key)           # keys are unique here, so any sort gives the same order
    return np.lexsort(keys[::-1])


def _seed_runs(flat: _Flat, n: int, max_docs: int) -> tuple[np.ndarray, ...]:
    """Verbatim runs of shared shingles: corpus-wide first token in each document, the documents, length in shingles."""
    empty = (np.empty(0, dtype=np.int64),) * 5
    total = flat.h1.size
    if total < n:
        return empty
    # shingles that start and end inside one document
    long = flat.n_tok >= n
    mark = np.zeros(total - n + 2, dtype=np.int64)
    np.add.at(mark, flat.tok_off[:-1][long], 1)
    np.add.at(mark, (flat.tok_off[:-1] + flat.n_tok - n + 1)[long], -1)
    pos = np.flatnonzero(np.cumsum(mark[:-1]) > 0)
    if pos.size < 2:
        return empty
    h = _shingle_hashes(flat.h1, n)[pos]
    order = np.argsort(h, kind="stable")          # the shingle index: equal hashes together, in corpus order
    h = h[order]
    first = np.concatenate(([True], h[1:] != h[:-1]))
    del h
    size = np.diff(np.append(np.flatnonzero(first), first.size))
    multi = np.repeat(size >= 2, size)
    pos, first = pos[order[multi]], first[multi]
    del order, multi
    doc = flat.doc_of(pos).astype(np.int32)
    new_doc = first | np.concatenate(([True], doc[1:] != doc[:-1]))
    starts = np.flatnonzero(first)
    n_docs = np.add.reduceat(new_doc.astype(np.int64), starts) if starts.size else np.empty(0, dtype=np.int64)
    size = np.diff(np.append(starts, pos.size))
    keep = (n_docs >= 2) & (n_docs <= max_docs)
    starts, size = starts[keep], size[keep]
    check = _shingle_hashes(flat.h2, n)
    ga, gb, da, db = [], [], [], []
    for s in np.unique(size):
        grp = starts[size == s]
        i, j = np.triu_indices(s, k=1)
        step = max(1, 2_000_000 // i.size)      # bounded chunks of groups, so that the pair arrays stay small
        for c in range(0, grp.size, step):
            at = grp[c:c + step, None]
            a, b = (at + i).ravel(), (at + j).ravel()
            other = doc[a] != doc[b]
            a, b = a[other], b[other]
            pa, pb = pos[a], pos[b]
            # check every seed on an independent second hash, so that a collision cannot create a passage
            ok = check[pa] == check[pb]
            ga.append(pa[ok])
            gb.append(pb[ok])
            da.append(doc[a[ok]])
            db.append(doc[b[ok]])
    del check
    if not ga:
        return empty
    ga, gb, da, db = np.concatenate(ga), np.concatenate(gb), np.concatenate(da), np.concatenate(db)
    # seeds on one diagonal at consecutive positions form one run (a shingle start never crosses documents)
    diag = gb - ga
    order = _sort_order([diag + total, ga], [2 * total, total])
    ga, diag = ga[order], diag[order]
    new_run = np.concatenate(([True], (diag[1:] != diag[:-1]) | (ga[1:] - ga[:-1] != 1)))
    first = np.flatnonzero(new_run)
    keep = order[first]
    return (ga[first], ga[first] + diag[first], da[keep].astype(np.int64), db[keep].astype(np.int64),
            np.diff(np.append(first, ga.size)))


def _slices(texts: list, doc: np.ndarray, start: np.ndarray, end: np.ndarray, chunk: int = 500_000) -> pd.Series:
    """``texts[doc][start:end]`` per row, as a string column built in chunks (no list of all the slices)."""
    parts = [pd.Series([texts[i][s:e] for i, s, e in zip(doc[c:c + chunk].tolist(), start[c:c + chunk].tolist(),
                                                          end[c:c + chunk].tolist())])
             for c in range(0, doc.size, chunk)]
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def _passages(flat: _Flat, min_words: int, max_docs: int) -> tuple[pd.DataFrame, dict]:
    """The passages table and :func:`_locate` of it, known here without look-ups."""
    ga, gb, a, b, k = _seed_runs(flat, min_words, max_docs)
    if ga.size == 0:
        empty = pd.DataFrame(columns=PASSAGE_COLUMNS + ["quoted_share_a", "quoted_share_b"])
        return empty, _locate(empty, flat)
    pa, pb = ga - flat.tok_off[a], gb - flat.tok_off[b]
    n_docs, longest = len(flat.ids), int(flat.n_tok.max())
    order = _sort_order([a, b, pa, pb - pa + longest], [n_docs, n_docs, longest, 2 * longest + 1])
    ga, gb, a, b, k = ga[order], gb[order], a[order], b[order], k[order]
    n_words = k + min_words - 1
    start_a, end_a = flat.tok_start[ga], flat.tok_end[ga + n_words - 1]
    start_b, end_b = flat.tok_start[gb], flat.tok_end[gb + n_words - 1]
    share_a = flat.quoted_chars(start_a, end_a) / (end_a - start_a)
    share_b = flat.quoted_chars(start_b, end_b) / (end_b - start_b)
    start_a, end_a = start_a - flat.char_off[a], end_a - flat.char_off[a]
    start_b, end_b = start_b - flat.char_off[b], end_b - flat.char_off[b]
    table = pd.DataFrame({
        "doc_a": flat.take_ids(a), "doc_b": flat.take_ids(b),
        "start_a": start_a, "end_a": end_a, "start_b": start_b, "end_b": end_b, "n_words": n_words,
        "text": _slices(flat.texts, a, start_a, end_a),
        "quoted_share_a": share_a, "quoted_share_b": share_b})
    where = {"doc": (a, b), "chars": ((start_a, end_a), (start_b, end_b)),
             "tokens": ((ga, ga + n_words), (gb, gb + n_words))}
    return table, where


def _locate(passages: pd.DataFrame, flat: _Flat) -> dict:
    """Each passage's documents (row numbers), character ranges and corpus-wide token ranges, per side."""
    if not len(passages):
        e = np.empty(0, dtype=np.int64)
        return {"doc": (e, e), "chars": ((e, e), (e, e)), "tokens": ((e, e), (e, e))}
    out = {"doc": [], "chars": [], "tokens": []}
    for side in ("a", "b"):
        doc = flat.doc_index(passages[f"doc_{side}"])
        start = passages[f"start_{side}"].to_numpy(dtype=np.int64)
        end = passages[f"end_{side}"].to_numpy(dtype=np.int64)
        out["doc"].append(doc)
        out["chars"].append((start, end))
        out["tokens"].append(flat.token_range(doc, start, end))
    return out


def shared_passages(documents: pd.DataFrame, min_words: int = MIN_WORDS, max_docs: int = MAX_DOCS,
                    tokens: pd.DataFrame | None = None) -> pd.DataFrame:
    """``reuse_passages``: one row per verbatim passage of ``min_words`` or more tokens two documents share.

    ``start_*``/``end_*`` are character offsets into ``documents.text`` (the passage runs from its
    first token's first character to its last token's last character); ``doc_a`` comes before
    ``doc_b`` in the documents table; ``text`` is the passage as written in ``doc_a``;
    ``quoted_share_a``/``_b`` are the shares of the passage's characters inside quotation marks in
    each document (agency narration in one, a quotation in the other, shows a release being quoted).
    ``tokens`` is :func:`token_table` of ``documents`` when already made.
    """
    return _passages(_Flat(documents, tokens), min_words, max_docs)[0]


def _originality(where: dict, flat: _Flat, documents: pd.DataFrame) -> pd.DataFrame:
    n_docs, total = len(flat.ids), flat.h1.size
    n = flat.n_tok
    reused = np.zeros(n_docs, dtype=np.int64)
    partners = np.zeros(n_docs, dtype=np.int64)
    ia, ib = where["doc"]
    if ia.size:
        (ta0, ta1), (tb0, tb1) = where["tokens"]
        cover = (np.bincount(np.concatenate((ta0, tb0)), minlength=total + 1)
                 - np.bincount(np.concatenate((ta1, tb1)), minlength=total + 1))
        covered = np.concatenate(([0], np.cumsum(np.cumsum(cover)[:total] > 0)))
        reused = covered[flat.tok_off[1:]] - covered[flat.tok_off[:-1]]
        edges = np.sort(np.concatenate((ia, ib)) * n_docs + np.concatenate((ib, ia)))
        edges = edges[np.concatenate(([True], edges[1:] != edges[:-1]))]      # each pair of partners once
        partners = np.bincount(edges // n_docs, minlength=n_docs)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(n > 0, (n - reused) / np.where(n > 0, n, 1), np.nan)
    return pd.DataFrame({"doc_id": documents["doc_id"].tolist(), "outlet": documents["outlet"].tolist(),
                         "n_words": n, "n_reused_words": reused, "share_original": share,
                         "n_partners": partners})


def document_originality(passages: pd.DataFrame, documents: pd.DataFrame,
                         tokens: pd.DataFrame | None = None) -> pd.DataFrame:
    """``reuse_documents``: per article, words inside any shared passage and the share that is original.

    A word is *reused* when it lies inside a passage shared with at least one other article, in
    either direction: the table cannot say who copied from whom (dates and wire credits can).
    """
    flat = _Flat(documents, tokens)
    return _originality(_locate(passages, flat), flat, documents)


def _union_sizes(group: np.ndarray, t0: np.ndarray, t1: np.ndarray, n_groups: int, span: int) -> np.ndarray:
    """Per group, the number of integers in the union of its ranges ``[t0, t1)`` (all below ``span``)."""
    off = group.astype(np.int64) * (span + 1)
    s, e = t0 + off, t1 + off
    if not (s[1:] >= s[:-1]).all():
        order = np.argsort(s)              # the order among equal starts does not change the union
        s, e, group = s[order], e[order], group[order]
    reach = np.maximum.accumulate(e)                # groups are stacked apart, so no reach crosses groups
    before = np.concatenate(([0], reach[:-1]))
    new = np.maximum(0, e - np.maximum(s, before))
    return np.bincount(group, weights=new, minlength=n_groups).astype(np.int64)


def _pairs(where: dict, flat: _Flat, documents: pd.DataFrame) -> pd.DataFrame:
    cols = ["doc_a", "doc_b", "outlet_a", "outlet_b", "n_passages", "n_words_a", "n_words_b", "share_a", "share_b"]
    ia, ib = where["doc"]
    if not ia.size:
        return pd.DataFrame([], columns=cols)
    n_docs, total = len(flat.ids), flat.h1.size
    key = ia.astype(np.int64) * n_docs + ib
    if (key[1:] >= key[:-1]).all():              # passages sorted by pair, as shared_passages gives them
        new = np.concatenate(([True], key[1:] != key[:-1]))
        pair, uniq = np.cumsum(new) - 1, key[new]
    else:
        pair, uniq = pd.factorize(key)           # in order of first appearance
    a, b = uniq // n_docs, uniq % n_docs
    wa = _union_sizes(pair, *where["tokens"][0], uniq.size, total)
    wb = _union_sizes(pair, *where["tokens"][1], uniq.size, total)
    outlets = pd.Series(documents["outlet"].tolist())
    return pd.DataFrame({"doc_a": flat.take_ids(a), "doc_b": flat.take_ids(b),
                         "outlet_a": outlets.take(a).reset_index(drop=True),
                         "outlet_b": outlets.take(b).reset_index(drop=True),
                         "n_passages": np.bincount(pair, minlength=uniq.size), "n_words_a": wa, "n_words_b": wb,
                         "share_a": wa / flat.n_tok[a], "share_b": wb / flat.n_tok[b]})


def reuse_pairs(passages: pd.DataFrame, documents: pd.DataFrame, tokens: pd.DataFrame | None = None) -> pd.DataFrame:
    """``reuse_pairs``: per pair of articles, passages and words shared, as shares of each article."""
    flat = _Flat(documents, tokens)
    return _pairs(_locate(passages, flat), flat, documents)


def sentence_reuse(passages: pd.DataFrame, documents: pd.DataFrame, sentences: pd.DataFrame,
                   where: dict | None = None) -> pd.Series:
    """Share of each sentence's non-space characters inside a shared passage (0..1), aligned to ``sentences``.

    Computed over blocks of documents of about :data:`BLOCK_CHARS` characters, each as one array.
    ``where`` is :func:`_locate` of ``passages`` when already known.
    """
    texts = documents["text"].tolist()
    index = pd.Index(documents["doc_id"].tolist())
    n_chars = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    char_off = np.concatenate(([0], np.cumsum(n_chars)))

    def locate(doc_ids, start, end):
        d = index.get_indexer(doc_ids)
        if (d < 0).any():
            raise KeyError(f"doc_id {list(pd.Series(doc_ids)[d < 0])[0]!r} is not in the documents table")
        s = np.clip(np.asarray(start, dtype=np.int64), 0, n_chars[d])
        return d, s, np.clip(np.asarray(end, dtype=np.int64), s, n_chars[d])

    sd, ss, se = locate(sentences["doc_id"], sentences["start"], sentences["end"])
    if where is not None:
        (pd_a, pd_b), ((ps_a, pe_a), (ps_b, pe_b)) = where["doc"], where["chars"]
        pdoc, ps, pe = np.concatenate((pd_a, pd_b)), np.concatenate((ps_a, ps_b)), np.concatenate((pe_a, pe_b))
    elif len(passages):
        pd_a, ps_a, pe_a = locate(passages["doc_a"], passages["start_a"], passages["end_a"])
        pd_b, ps_b, pe_b = locate(passages["doc_b"], passages["start_b"], passages["end_b"])
        pdoc, ps, pe = np.concatenate((pd_a, pd_b)), np.concatenate((ps_a, ps_b)), np.concatenate((pe_a, pe_b))
    else:
        pdoc = ps = pe = np.empty(0, dtype=np.int64)
    s_order, p_order = np.argsort(sd, kind="stable"), np.argsort(pdoc, kind="stable")
    s_docs, p_docs = sd[s_order], pdoc[p_order]
    out = np.zeros(len(sentences), dtype=float)
    cuts = np.unique(np.append(np.searchsorted(char_off, np.arange(0, char_off[-1], BLOCK_CHARS), side="right") - 1,
                               len(texts)))
    for d0, d1 in zip(cuts[:-1], cuts[1:]):
        base = char_off[d0]
        codes = _codes("".join(texts[d0:d1]))
        keep = (codes != 32) & (codes != 9) & (codes != 10) & (codes != 13)
        p = p_order[np.searchsorted(p_docs, d0):np.searchsorted(p_docs, d1)]
        cover = (np.bincount(char_off[pdoc[p]] - base + ps[p], minlength=codes.size + 1)
                 - np.bincount(char_off[pdoc[p]] - base + pe[p], minlength=codes.size + 1))
        inside = np.cumsum(cover)[:codes.size] > 0
        n_keep = np.concatenate(([0], np.cumsum(keep)))
        n_in = np.concatenate(([0], np.cumsum(keep & inside)))
        s = s_order[np.searchsorted(s_docs, d0):np.searchsorted(s_docs, d1)]
        lo, hi = char_off[sd[s]] - base + ss[s], char_off[sd[s]] - base + se[s]
        k = n_keep[hi] - n_keep[lo]
        out[s] = np.where(k > 0, (n_in[hi] - n_in[lo]) / np.where(k > 0, k, 1), 0.0)
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


def _limits(run) -> tuple[int, int]:
    min_words = int(run.params.get("reuse_min_words", MIN_WORDS))
    max_docs = int(run.params.get("reuse_max_docs", MAX_DOCS))
    if min_words < 2 or max_docs < 2:
        from .errors import ConfigError

        raise ConfigError(f"reuse_min_words={min_words}, reuse_max_docs={max_docs}: both must be 2 or more "
                          f"(defaults {MIN_WORDS} and {MAX_DOCS}).")
    return min_words, max_docs


def annotate(run) -> None:
    """Per-document part: :func:`token_table` of ``run.documents`` as the intermediate ``_reuse_tokens``."""
    run.tables[TOKENS_TABLE] = token_table(run.documents)


def summarise(run) -> str:
    """Corpus-level part: the shingle index, passages, pairs, originality, sentence shares, frames by reuse."""
    min_words, max_docs = _limits(run)
    flat = _Flat(run.documents, run.tables.get(TOKENS_TABLE))
    passages, where = _passages(flat, min_words, max_docs)
    run.tables["reuse_passages"] = passages
    run.tables["reuse_documents"] = _originality(where, flat, run.documents)
    run.tables["reuse_pairs"] = _pairs(where, flat, run.documents)
    del flat
    run.sentences = run.sentences.assign(reuse_share=sentence_reuse(passages, run.documents, run.sentences, where))
    fr = frames_by_reuse(run.sentences, run.documents, random_state=int(run.params.get("seed", 0) or 0))
    note = "frames by reuse written" if fr is not None else "no frame_ columns yet, frames-by-reuse table skipped"
    if fr is not None:
        run.tables["reuse_frames"] = fr
    return f"{len(passages)} shared passages between {len(run.tables['reuse_pairs'])} pairs of articles; {note}"


def stage(run) -> str:
    """Pipeline stage: ``reuse_passages``, ``reuse_documents``, ``reuse_pairs`` (+ ``reuse_frames``)."""
    _limits(run)
    annotate(run)
    return summarise(run)
