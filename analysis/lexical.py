"""Term frequencies and distinctive terms (weighted log-odds with an informative Dirichlet prior).

What is counted: the :func:`analysis.tokens.terms` of each sentence (stopwords, one-letter words
and numbers removed). Bigrams are pairs of adjacent terms *within one sentence* after stopword
removal (as quanteda's ``tokens_remove`` then ``tokens_ngrams``): "the South China Sea" gives
``south china`` and ``china sea``; no bigram spans a sentence boundary. Rates are per 1,000
*tokens* of :func:`analysis.tokens.tokenize` (stopwords included), the same denominator as
``n_tokens``, so a rate reads as "times per 1,000 words of the text".

Per-document counts. With up to :data:`DOCUMENT_ROWS_MAX` (2,000) documents, ``term_frequencies``
has a row per outlet and term and a row per document and term. Above that (some 400 rows per
article, 5 GB of CSV at 100,000 articles) it keeps the outlet rows only, the stage's summary line
says so, and the per-document counts are written beside the tables as a sparse matrix:

- ``term_counts.npz``: documents x terms counts (int32, CSR), written by ``scipy.sparse.save_npz``;
- ``term_counts_terms.csv``: ``column, ngram, term``, one row per matrix column (sorted by ngram,
  then term);
- ``term_counts_documents.csv``: ``row, doc_id, outlet, n_tokens``, one row per matrix row (in
  the documents table's order).

Read them with ``scipy.sparse.load_npz("term_counts.npz")`` and ``pd.read_csv(path, dtype=str,
keep_default_na=False)`` (so that terms such as "nan" or "null" and doc_ids such as "007" stay
strings; convert ``column``, ``row``, ``ngram`` and ``n_tokens`` with ``astype(int)``). A
document's rate is ``rate_per_1000 = 1000 * count / n_tokens``, as in ``term_frequencies``.

Distinctive terms compare an outlet's term counts with a reference (the rest of the corpus, or
one other outlet) by the log-odds ratio with an informative Dirichlet prior of Monroe, Colaresi
& Quinn (2008) -- the "Fightin' Words" statistic -- and its z-score. Why by hand: the formula is
four lines, and the packages that have it (scattertext, ``convokit``) bring large dependency
trees and their own tokenisers.

References
----------
Monroe, B. L., Colaresi, M. P. & Quinn, K. M. (2008). Fightin' words: lexical feature selection
and evaluation for identifying the content of political conflict. *Political Analysis*, 16(4),
372-403.
"""
from __future__ import annotations

import io
from collections import Counter
from array import array
from dataclasses import dataclass
from functools import cached_property
from itertools import chain, combinations
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from .errors import ConfigError
from .tokens import load_stopwords, terms, tokenize

MAX_OUTLETS_FOR_PAIRS = 6
DOCUMENT_ROWS_MAX = 2000   # above this many documents, per-document counts go to term_counts.npz
PRIOR_SMOOTHING = 0.01
FREQUENCY_COLUMNS = ["level", "outlet", "doc_id", "ngram", "term", "count", "rate_per_1000", "doc_freq",
                     "n_docs", "n_tokens"]


def ngrams(seq, n: int) -> list[str]:
    """Adjacent ``n``-grams of ``seq`` joined by a space."""
    return [" ".join(seq[i:i + n]) for i in range(len(seq) - n + 1)]


def is_term(token: str, stopwords: frozenset) -> bool:
    """Whether a :func:`tokenize` token is one that :func:`analysis.tokens.terms` keeps.

    ``[t for t in tokenize(text) if is_term(t, stop)] == terms(text, stop)`` for every text (the
    tests check it), so a text is tokenised once and each distinct token is judged once.
    """
    return token not in stopwords and len(token) > 1 and not token.replace("-", "").isdigit()


def _str_array(values) -> pd.api.extensions.ExtensionArray:
    """Strings as pandas' ``str`` array, from which ``take`` builds long columns without copying text."""
    return pd.array(np.asarray(values, dtype=object), dtype="str")


def _gather(flat: np.ndarray, starts: np.ndarray, lengths: np.ndarray, pick: np.ndarray) -> np.ndarray:
    """Concatenation of the runs ``flat[starts[i]:starts[i] + lengths[i]]`` for i in ``pick``."""
    n = lengths[pick]
    return flat[np.repeat(starts[pick] - (np.cumsum(n) - n), n) + np.arange(n.sum())]


@dataclass
class TermCounts:
    """How often every term occurs in every document: the sparse form of the ``term_counts`` table.

    Attributes
    ----------
    documents : ``doc_id, outlet, n_tokens``, one row per matrix row (in the documents table's order).
    terms : ``ngram, term``, one row per matrix column, sorted by ``ngram`` then ``term``.
    matrix : documents x terms counts, ``scipy.sparse`` CSR with sorted indices (int32 data from
        :func:`count_terms`).
    """

    documents: pd.DataFrame
    terms: pd.DataFrame
    matrix: sparse.csr_matrix

    @classmethod
    def from_table(cls, counts: pd.DataFrame, totals: pd.DataFrame) -> "TermCounts":
        """From a ``term_counts`` table and the :func:`token_totals` of the same documents."""
        docs = totals[["doc_id", "outlet", "n_tokens"]].reset_index(drop=True)
        keys = counts[["ngram", "term"]].drop_duplicates().sort_values(["ngram", "term"], ignore_index=True)
        cols = pd.MultiIndex.from_frame(keys).get_indexer(pd.MultiIndex.from_frame(counts[["ngram", "term"]]))
        rows = pd.Index(docs["doc_id"]).get_indexer(counts["doc_id"])
        ok = rows >= 0
        mat = sparse.csr_matrix((counts["count"].to_numpy(dtype=np.int64)[ok], (rows[ok], cols[ok])),
                                shape=(len(docs), len(keys)))
        mat.sum_duplicates()
        return cls(docs, keys, mat)

    def table(self) -> pd.DataFrame:
        """The ``term_counts`` table: ``doc_id, outlet, ngram, term, count`` sorted by doc_id, ngram, term."""
        docs = self.documents
        order = np.asarray(pd.Index(docs["doc_id"]).argsort(), dtype=np.int64)
        mat = self.matrix[order]
        rows = order[np.repeat(np.arange(mat.shape[0]), np.diff(mat.indptr))]
        return pd.DataFrame({"doc_id": docs["doc_id"].array.take(rows),
                             "outlet": docs["outlet"].array.take(rows),
                             "ngram": self.terms["ngram"].to_numpy()[mat.indices],
                             "term": self.terms["term"].array.take(mat.indices),
                             "count": mat.data.astype(np.int64)}, copy=False)

    @cached_property
    def outlets(self) -> tuple[pd.Index, sparse.csr_matrix, sparse.csr_matrix]:
        """``(outlets, counts, doc_freq)``: outlets (sorted) x terms sums and numbers of documents."""
        codes, outlets = pd.factorize(self.documents["outlet"], sort=True)
        ok = np.flatnonzero(codes >= 0)
        m = self.matrix
        # sums in the matrix's own integer type when they fit (no upcast copy of the whole matrix)
        dtype = np.int32 if m.dtype == np.int32 and int(m.data.sum(dtype=np.int64)) < 2 ** 31 else np.int64
        indicator = sparse.csr_matrix((np.ones(len(ok), dtype=dtype), (codes[ok], ok)),
                                      shape=(len(outlets), len(codes)))
        present = sparse.csr_matrix(((m.data > 0).astype(m.dtype), m.indices, m.indptr), shape=m.shape)
        counts, docfreq = indicator @ m, indicator @ present
        for m in (counts, docfreq):
            m.eliminate_zeros()
            m.sort_indices()
        return pd.Index(outlets, name="outlet"), counts, docfreq

    def save(self, folder) -> list[Path]:
        """Write ``term_counts.npz``, ``term_counts_terms.csv`` and ``term_counts_documents.csv`` to ``folder``.

        The matrix as int32 counts (``scipy.sparse.save_npz``, uncompressed: at 10,000 articles
        34 MB written in 0.2 s, where compressed is 7 MB but takes 10.6 s), its columns
        (``column, ngram, term``) and its rows (``row, doc_id, outlet, n_tokens``); see the module
        docstring for how to read them. Returns the paths of the three files.
        """
        from . import export

        folder = Path(folder)
        buf = io.BytesIO()
        sparse.save_npz(buf, self.matrix.astype(np.int32, copy=False), compressed=False)
        paths = [export.atomic_write(folder / "term_counts.npz", buf.getbuffer())]
        del buf
        for name, df, index in (("term_counts_terms", self.terms, "column"),
                                ("term_counts_documents", self.documents[["doc_id", "outlet", "n_tokens"]], "row")):
            paths.append(export.save_table(df.rename_axis(index).reset_index(), name, folder))
        return paths


class _Words:
    """Every distinct whitespace-separated word seen so far, tokenised once: its number of
    :func:`tokenize` tokens and the ids of its tokens that are terms (ids in order of first sight).

    :func:`tokenize` is word-local (a token never spans whitespace, and lower-casing a word does not
    depend on the words around it), so ``tokenize(text)`` is the concatenation of ``tokenize(word)``
    over ``text.split()`` (the tests check this).
    """

    def __init__(self, stopwords):
        self.stop, self.index, self.tokens, self.terms = stopwords, {}, {}, []
        self.n_tokens, self.start, self.length, self.flat = (array("q") for _ in range(4))

    def read(self, texts: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(term ids, sentence of each term, tokens per sentence)`` of ``texts`` (sentences)."""
        split = [str(t).split() for t in texts]
        words_per_sent = np.fromiter(map(len, split), dtype=np.int64, count=len(split))
        codes, distinct = pd.factorize(np.array(list(chain.from_iterable(split)), dtype=object))
        to_global = np.empty(len(distinct), dtype=np.int64)
        for k, word in enumerate(distinct):
            g = self.index.get(word)
            if g is None:
                g = self.index[word] = len(self.n_tokens)
                tokens = tokenize(word)
                ids = [self._term_id(t) for t in tokens]
                ids = [i for i in ids if i >= 0]
                self.n_tokens.append(len(tokens))
                self.start.append(len(self.flat))
                self.length.append(len(ids))
                self.flat.extend(ids)
            to_global[k] = g
        words = to_global[codes]
        start, length, flat = (np.frombuffer(a, dtype=np.int64).copy() for a in (self.start, self.length, self.flat))
        n_tokens = np.frombuffer(self.n_tokens, dtype=np.int64)[words]
        sent_of_word = np.repeat(np.arange(len(texts)), words_per_sent)
        per_sent = np.bincount(sent_of_word, weights=n_tokens, minlength=len(texts)).astype(np.int64)
        return _gather(flat, start, length, words), np.repeat(sent_of_word, length[words]), per_sent

    def _term_id(self, token: str) -> int:
        i = self.tokens.get(token)
        if i is None:
            i = self.tokens[token] = len(self.terms) if is_term(token, self.stop) else -1
            if i >= 0:
                self.terms.append(token)
        return i


def count_terms(sentences: pd.DataFrame, documents: pd.DataFrame, max_n: int = 2,
                stopwords=None, batch: int = 2_000) -> TermCounts:
    """Uni- to ``max_n``-gram counts of every document, and its number of tokens (see the module docstring).

    Each distinct word is tokenised once (:class:`_Words`) and every distinct term gets an integer
    id. Documents are read ``batch`` at a time, so memory grows with the matrix, not with the
    corpus's tokens: a term's id is stable across batches, an n-gram's key is the id of its first
    n-1 terms times 2**32 plus the id of its last term (ids of the (n-1)-grams that prefix longer
    ones come from a dict, so one is only kept for ``max_n`` above 2). Each batch becomes a small
    CSR matrix over the keys it holds; at the end the columns are renumbered so that they sort by
    n-gram size, then by the string of the term, and the batches are stacked. Sentences of
    documents not in ``documents`` are ignored.
    """
    stop = load_stopwords() if stopwords is None else stopwords
    docs = documents[["doc_id", "outlet"]].reset_index(drop=True)
    sent_doc = pd.Index(docs["doc_id"]).get_indexer(sentences["doc_id"])
    order = np.argsort(sent_doc, kind="stable")          # sentences grouped by document, in documents' order
    order = order[sent_doc[order] >= 0]
    sent_doc, texts = sent_doc[order], sentences["text"]
    bounds = np.searchsorted(sent_doc, np.arange(0, len(docs) + batch, batch))
    words, prefixes = _Words(stop), [{} for _ in range(max_n + 1)]
    n_tokens, parts = [], []                             # parts: (batch CSR over its own keys, keys per n)
    for b in range(len(bounds) - 1):
        lo, hi = bounds[b], bounds[b + 1]
        first = b * batch
        seq, sent_of, per_sent = words.read(texts.iloc[order[lo:hi]].tolist())
        n_docs = min(batch, len(docs) - first)
        n_tokens.append(np.bincount(sent_doc[lo:hi] - first, weights=per_sent, minlength=n_docs))
        doc_of = sent_doc[lo:hi][sent_of] - first
        rows, cols, keys = [doc_of], [], []
        ids, valid = seq, np.ones(len(seq), dtype=bool)
        for n in range(1, max_n + 1):
            if n > 1:
                valid = valid[:-1] & (sent_of[n - 1:] == sent_of[:len(sent_of) - n + 1])
                key = (ids[:-1][valid] << 32) | seq[n - 1:][valid]
                rows.append(doc_of[:len(valid)][valid])
            else:
                key = seq
            distinct, inverse = np.unique(key, return_inverse=True)
            cols.append(inverse + sum(len(k) for k in keys))
            keys.append(distinct)
            if 1 < n < max_n:                            # stable ids of the n-grams that prefix longer ones
                known = prefixes[n]
                stable = np.fromiter((known.setdefault(k, len(known)) for k in distinct.tolist()),
                                     dtype=np.int64, count=len(distinct))
                ids = np.full(len(valid), -1, dtype=np.int64)
                ids[valid] = stable[inverse]
        m = sparse.csr_matrix((np.ones(sum(len(c) for c in cols), dtype=np.int32),
                               (np.concatenate(rows), np.concatenate(cols).astype(np.int32))),
                              shape=(n_docs, sum(len(k) for k in keys)))
        m.sum_duplicates()
        parts.append((m, keys))
    docs["n_tokens"] = np.concatenate(n_tokens).astype(np.int64) if n_tokens else np.empty(0, dtype=np.int64)

    # columns: every n-gram size's keys in string order (a space sorts before every character a token
    # can hold, so the order of the joined strings is the order of the tuples of the terms' ranks)
    vocab = np.asarray(words.terms, dtype=object)
    term_rank = np.empty(len(vocab), dtype=np.int64)
    term_rank[np.argsort(vocab, kind="stable")] = np.arange(len(vocab))
    all_keys, ranks, names, sizes = [], [], [], []
    for n in range(1, max_n + 1):
        k = np.unique(np.concatenate([p[1][n - 1] for p in parts])) if parts else np.empty(0, np.int64)
        if n == 1:
            o = np.argsort(term_rank[k], kind="stable")
            joined = vocab[k[o]]
        else:
            prefix, last = k >> 32, k & 0xFFFFFFFF
            if n > 2:                                    # stable id -> key of the (n-1)-gram
                prefix = np.fromiter(prefixes[n - 1], dtype=np.int64, count=len(prefixes[n - 1]))[prefix]
            prefix = ranks[-1][np.searchsorted(all_keys[-1], prefix)]
            o = np.argsort(prefix * len(vocab) + term_rank[last], kind="stable")
            joined = names[-1][prefix[o]] + " " + vocab[last[o]]
        rank = np.empty(len(k), dtype=np.int64)
        rank[o] = np.arange(len(k))
        all_keys.append(k), ranks.append(rank), names.append(joined), sizes.append(np.full(len(k), n))
    offsets = np.cumsum([0] + [len(k) for k in all_keys])

    # the batches, renumbered and stacked (each freed once copied)
    nnz = sum(p[0].nnz for p in parts)
    index_type = np.int32 if max(nnz, offsets[-1]) < 2 ** 31 else np.int64
    indptr, indices, data = [np.zeros(1, dtype=index_type)], np.empty(nnz, index_type), np.empty(nnz, np.int32)
    at = 0
    parts.reverse()
    while parts:
        m, keys = parts.pop()
        to_global = np.concatenate([offsets[n] + ranks[n][np.searchsorted(all_keys[n], k)]
                                    for n, k in enumerate(keys)]).astype(index_type)
        m = sparse.csr_matrix((m.data, to_global[m.indices], m.indptr.astype(index_type)),
                              shape=(m.shape[0], offsets[-1]))
        m.sort_indices()
        indices[at:at + m.nnz], data[at:at + m.nnz] = m.indices, m.data
        indptr.append(m.indptr[1:] + at)
        at += m.nnz
    mat = sparse.csr_matrix((data, indices, np.concatenate(indptr).astype(index_type)),
                            shape=(len(docs), offsets[-1]))
    terms_df = pd.DataFrame({"ngram": np.concatenate(sizes).astype(np.int64),
                             "term": _str_array(np.concatenate(names))})
    return TermCounts(docs, terms_df, mat)


def term_counts(sentences: pd.DataFrame, documents: pd.DataFrame, max_n: int = 2,
                stopwords=None) -> pd.DataFrame:
    """Long table ``doc_id, outlet, ngram, term, count`` (uni- to ``max_n``-grams per document)."""
    return count_terms(sentences, documents, max_n=max_n, stopwords=stopwords).table()


def token_totals(sentences: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """``doc_id, outlet, n_tokens``: all :func:`tokenize` tokens of each document's sentences."""
    _, _, n_tok = _Words(frozenset()).read(sentences["text"].tolist())
    n = pd.Series(n_tok, index=sentences["doc_id"].to_numpy()).groupby(level=0).sum()
    out = documents[["doc_id", "outlet"]].merge(n.rename("n_tokens").rename_axis("doc_id").reset_index(),
                                                on="doc_id", how="left")
    out["n_tokens"] = out["n_tokens"].fillna(0).astype(int)
    return out


def _ordered(row_rank: np.ndarray, ngram: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Positions sorted by row, ngram, count (descending), keeping the given (term) order for ties."""
    hi = int(count.max()) if len(count) else 0
    key = (row_rank * (int(ngram.max(initial=1)) + 1) + ngram) * (hi + 1) + (hi - count)
    return np.argsort(key, kind="stable")


def frequencies(counts, totals: pd.DataFrame | None = None, document_rows: bool = True) -> pd.DataFrame:
    """``term_frequencies`` table: per outlet and (with ``document_rows``) per document.

    ``counts`` is the :func:`term_counts` table (with the :func:`token_totals` of the same documents
    as ``totals``) or a :class:`TermCounts` (which carries its totals). Columns ``level`` ('outlet'
    or 'document'), ``outlet``, ``doc_id`` (empty at outlet level), ``ngram``, ``term``, ``count``,
    ``rate_per_1000`` (per 1,000 tokens), ``doc_freq`` (documents of that outlet containing the term;
    1 at document level), ``n_docs`` and ``n_tokens``. Rows are sorted by level (outlets first),
    outlet, doc_id, ngram, count (descending) and term.
    """
    tc = counts if isinstance(counts, TermCounts) else TermCounts.from_table(counts, totals)
    docs, ngram_of, names = tc.documents, tc.terms["ngram"].to_numpy(), tc.terms["term"].array
    outlets, out_counts, out_df = tc.outlets
    by_outlet = docs.groupby("outlet")
    out_tokens = by_outlet["n_tokens"].sum().reindex(outlets).to_numpy(dtype=np.int64)
    out_docs = by_outlet["doc_id"].nunique().reindex(outlets).to_numpy(dtype=np.int64)

    # outlet level: rows of the outlets x terms sums
    o_row = np.repeat(np.arange(len(outlets)), np.diff(out_counts.indptr))
    o_col, o_count = out_counts.indices, out_counts.data.astype(np.int64)
    o = _ordered(o_row, ngram_of[o_col], o_count)
    o_row, o_col, o_count, o_df = o_row[o], o_col[o], o_count[o], out_df.data.astype(np.int64)[o]

    # document level: rows of the documents x terms matrix, documents in (outlet, doc_id) order
    with_outlet = np.flatnonzero(docs["outlet"].notna().to_numpy() if document_rows else np.zeros(0, bool))
    doc_order = with_outlet[np.lexsort((pd.factorize(docs["doc_id"].iloc[with_outlet], sort=True)[0],
                                        outlets.get_indexer(docs["outlet"].iloc[with_outlet])))]
    mat = tc.matrix[doc_order]
    d_rank = np.repeat(np.arange(len(doc_order)), np.diff(mat.indptr))
    d_col, d_count = mat.indices, mat.data.astype(np.int64)
    d = _ordered(d_rank, ngram_of[d_col], d_count)
    d_row, d_col, d_count = doc_order[d_rank[d]], d_col[d], d_count[d]

    n_o, n_d = len(o_row), len(d_row)
    doc_ids = pd.concat([pd.Series([""], dtype="str"), docs["doc_id"].astype("str")], ignore_index=True).array
    outlet_names = pd.Series(outlets).astype("str").array
    n_tokens = np.concatenate([out_tokens[o_row], docs["n_tokens"].to_numpy(dtype=np.int64)[d_row]])
    count = np.concatenate([o_count, d_count])
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(n_tokens > 0, 1000 * count / n_tokens, np.nan)
    return pd.DataFrame({
        "level": pd.array(["outlet", "document"], dtype="str").take(np.repeat([0, 1], [n_o, n_d])),
        "outlet": pd.concat([pd.Series(outlet_names.take(o_row)), docs["outlet"].iloc[d_row]],
                            ignore_index=True).array,
        "doc_id": doc_ids.take(np.concatenate([np.zeros(n_o, dtype=np.int64), d_row + 1])),
        "ngram": ngram_of[np.concatenate([o_col, d_col])],
        "term": names.take(np.concatenate([o_col, d_col])),
        "count": count,
        "rate_per_1000": rate,
        "doc_freq": np.concatenate([o_df, np.ones(n_d, dtype=np.int64)]),
        "n_docs": np.concatenate([out_docs[o_row], np.ones(n_d, dtype=np.int64)]),
        "n_tokens": n_tokens,
    }, columns=FREQUENCY_COLUMNS, copy=False)


def log_odds(target: pd.Series, reference: pd.Series, prior: pd.Series) -> pd.DataFrame:
    """Weighted log-odds ratio with an informative Dirichlet prior, and its z-score.

    For term w with counts y_w (target, total n), r_w (reference, total m) and prior a_w
    (total a_0)::

        delta_w = log((y_w + a_w) / (n + a_0 - y_w - a_w)) - log((r_w + a_w) / (m + a_0 - r_w - a_w))
        var_w   = 1 / (y_w + a_w) + 1 / (r_w + a_w)
        z_w     = delta_w / sqrt(var_w)

    All three Series are indexed by term; the vocabulary is the union of their indexes, missing
    counts are 0. Returns ``term, count, count_ref, log_odds, z`` sorted by ``z`` (descending).

    References
    ----------
    Monroe, Colaresi & Quinn (2008), equations 15-22.
    """
    vocab = target.index.union(reference.index).union(prior.index)
    y = target.reindex(vocab, fill_value=0).astype(float)
    r = reference.reindex(vocab, fill_value=0).astype(float)
    a = prior.reindex(vocab, fill_value=0).astype(float)
    if (a <= 0).any():
        raise ValueError("log_odds: every term needs a positive prior; smooth the prior first.")
    n, m, a0 = y.sum(), r.sum(), a.sum()
    delta = np.log((y + a) / (n + a0 - y - a)) - np.log((r + a) / (m + a0 - r - a))
    z = delta / np.sqrt(1 / (y + a) + 1 / (r + a))
    out = pd.DataFrame({"term": vocab, "count": y.astype(int).to_numpy(), "count_ref": r.astype(int).to_numpy(),
                        "log_odds": delta.to_numpy(), "z": z.to_numpy()})
    return out.sort_values(["z", "term"], ascending=[False, True], ignore_index=True)


def make_prior(vocab, background: pd.Series | None, scale: float = 1.0,
               smoothing: float = PRIOR_SMOOTHING) -> pd.Series:
    """Dirichlet prior a_w = scale * background count + smoothing, over ``vocab`` and the background.

    With the corpus as background (the default) a_0 is ``scale`` times the corpus size, Monroe et
    al.'s informative prior; ``smoothing`` keeps terms the background lacks from a zero prior.
    """
    if background is None:
        background = pd.Series(dtype=float)
    idx = pd.Index(vocab).union(background.index)
    return scale * background.reindex(idx, fill_value=0).astype(float) + smoothing


def background_counts(texts, stopwords=None) -> pd.Series:
    """Unigram counts of a user's background corpus (an iterable of strings), by the same rules."""
    stop = load_stopwords() if stopwords is None else stopwords
    c = Counter(t for text in texts for t in terms(str(text), stopwords=stop))
    return pd.Series(c, dtype=float).sort_index()


def comparisons(outlets, pairs="auto") -> list[tuple[str, str]]:
    """(outlet, comparison) pairs: every outlet vs 'rest', plus outlet pairs.

    ``pairs='auto'`` adds both directions of every pair only when there are at most
    :data:`MAX_OUTLETS_FOR_PAIRS` outlets (6 outlets make 30 ordered pairs; 30 outlets would make
    870, too many to read); ``'all'`` always adds them, ``None`` never does, and a list of
    ``(a, b)`` tuples adds exactly those. A single outlet has no comparisons.
    """
    outlets = sorted(set(outlets))
    if len(outlets) < 2:  # nothing to compare with: no rows rather than divisions by an empty reference
        return []
    out = [(o, "rest") for o in outlets]
    if pairs == "auto":
        pairs = "all" if len(outlets) <= MAX_OUTLETS_FOR_PAIRS else None
    if pairs == "all":
        out += [p for a, b in combinations(outlets, 2) for p in ((a, b), (b, a))]
    elif pairs:
        for a, b in pairs:
            for o in (a, b):
                if o not in outlets:
                    raise ConfigError(f"pairs: outlet {o!r} is not in the corpus; choose from {outlets}.")
            out.append((a, b))
    return out


def outlet_term_matrix(counts, ngram: int = 1) -> pd.DataFrame:
    """Terms x outlets count matrix for one n-gram size (from a ``term_counts`` table or :class:`TermCounts`)."""
    if not isinstance(counts, TermCounts):
        sub = counts[counts["ngram"] == ngram]
        return sub.pivot_table(index="term", columns="outlet", values="count", aggfunc="sum", fill_value=0)
    outlets, out_counts, _ = counts.outlets
    cols = np.flatnonzero(counts.terms["ngram"].to_numpy() == ngram)
    dense = out_counts[:, cols].toarray().T
    used_terms, used_outlets = dense.any(axis=1), dense.any(axis=0)
    return pd.DataFrame(dense[used_terms][:, used_outlets].astype(np.int64),
                        index=pd.Index(counts.terms["term"].array.take(cols[used_terms]), name="term"),
                        columns=pd.Index(outlets[used_outlets], name="outlet"))


def distinctive_terms(counts, pairs="auto", background: pd.Series | None = None,
                      prior_scale: float = 1.0, ngram: int = 1) -> pd.DataFrame:
    """``distinctive_terms`` table: ``outlet, comparison, term, count, count_ref, log_odds, z``.

    ``counts`` is the :func:`term_counts` table or a :class:`TermCounts`. ``comparison`` is 'rest'
    (all other outlets together) or the other outlet's name. The prior is the corpus's own counts
    (``background=None``) or a user's background counts (from :func:`background_counts`), scaled by
    ``prior_scale``. Only terms the outlet or its reference uses are listed.
    """
    mat = outlet_term_matrix(counts, ngram)
    prior = make_prior(mat.index, mat.sum(axis=1) if background is None else background, prior_scale)
    frames = []
    for outlet, comp in comparisons(mat.columns, pairs):
        ref = mat.drop(columns=outlet).sum(axis=1) if comp == "rest" else mat[comp]
        res = log_odds(mat[outlet], ref, prior)
        res = res[(res["count"] > 0) | (res["count_ref"] > 0)]
        frames.append(res.assign(outlet=outlet, comparison=comp))
    cols = ["outlet", "comparison", "term", "count", "count_ref", "log_odds", "z"]
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True)[cols]


def stage(run) -> str:
    """Tables ``term_frequencies``, ``distinctive_terms`` and ``keyness`` (and ``term_counts`` files).

    With more than :data:`DOCUMENT_ROWS_MAX` documents, ``term_frequencies`` keeps its outlet rows
    only and the per-document counts go to ``run.artifacts["term_counts"]`` (see the module docstring).
    """
    from .keyness import keyness

    counts = count_terms(run.sentences, run.documents)
    per_document = len(counts.documents) <= DOCUMENT_ROWS_MAX
    run.tables["term_frequencies"] = frequencies(counts, document_rows=per_document)
    run.artifacts.pop("term_counts", None)
    if not per_document:
        run.artifacts["term_counts"] = counts
    pairs = run.params.get("lexical_pairs", "auto")
    run.tables["distinctive_terms"] = distinctive_terms(counts, pairs=pairs)
    run.tables["keyness"] = keyness(counts, pairs=pairs)
    n_terms = int((counts.terms["ngram"] == 1).sum())
    n_outlets = counts.documents["outlet"].iloc[np.flatnonzero(np.diff(counts.matrix.indptr))].nunique()
    line = f"{n_terms} distinct terms; distinctive terms and keyness for {n_outlets} outlets"
    if not per_document:
        line += f"; per-document counts in term_counts.npz (more than {DOCUMENT_ROWS_MAX} documents)"
    return line
