"""The units a topic model is fitted on, and their term matrices.

Five articles are far too few documents for a topic model, so the models are fitted on
smaller units of text: by default **sentence windows**, non-overlapping runs of ``size``
consecutive sentences (3) inside one article (the last window of an article may be shorter).
Windows are used rather than paragraphs because news paragraphs vary from a one-line
headline to several sentences, and windows give units of similar length; ``unit="paragraph"``
uses the cleaned paragraphs instead. Every unit belongs to one article, so it keeps the
article's ``doc_id`` and outlet.

Terms are counted with the suite's one tokenizer (:func:`analysis.tokens.terms`: lower case,
stopwords and numbers removed) passed to scikit-learn's vectorisers as ``analyzer=``, so the
topic models count the same tokens as every other stage. Terms in fewer than ``min_df`` units
(default 2) are dropped: a term seen in one unit cannot co-occur with anything and only adds
noise. Matrices are scipy sparse throughout.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer

from ..errors import invalid_option
from ..tokens import terms

UNITS = ("window", "paragraph")
UNIT_COLUMNS = ["doc_id", "unit", "first_sent", "last_sent", "n_sentences", "text"]


def make_units(sentences: pd.DataFrame, unit: str = "window", size: int = 3, sort: bool = True) -> pd.DataFrame:
    """Units of text: ``doc_id, unit, first_sent, last_sent, n_sentences, text``.

    ``unit`` is ``window`` (``size`` consecutive sentences of one article) or ``paragraph``;
    ``unit`` numbers the units from 0 inside each article, and ``text`` joins the sentences
    with single spaces. Rows are in ``doc_id`` then ``unit`` order (``sort=False``: articles in
    the order they first appear in ``sentences``, which makes the table per-document: a stable
    sort by ``doc_id`` then gives the sorted table). One sort and one pass over the sentences.
    """
    if unit not in UNITS:
        raise invalid_option("topic_unit", unit, UNITS)
    if unit == "window" and int(size) < 1:
        raise invalid_option("topic_window", size, ["a whole number of sentences >= 1"])
    if sort:
        s = sentences.sort_values(["doc_id", "sent_idx"], kind="mergesort")
    else:
        first = pd.factorize(sentences["doc_id"])[0]
        s = sentences.iloc[np.lexsort((sentences["sent_idx"].to_numpy(), first))]
    if not len(s):
        return pd.DataFrame({c: pd.Series(dtype=object if c in ("doc_id", "text") else "int64")
                             for c in UNIT_COLUMNS})
    by_doc = s.groupby("doc_id", sort=False)
    if unit == "window":
        pos = by_doc.cumcount().to_numpy() // int(size)
    else:
        pos = by_doc["para_idx"].rank(method="dense").to_numpy().astype(np.int64) - 1
    doc_code = pd.factorize(s["doc_id"])[0]          # s is grouped by article: codes increase
    order = np.lexsort((pos, doc_code))               # stable: sentences keep their order inside a unit
    doc_code, pos = doc_code[order], pos[order]
    starts = np.flatnonzero(np.r_[True, (doc_code[1:] != doc_code[:-1]) | (pos[1:] != pos[:-1])])
    ends = np.r_[starts[1:], len(order)]
    sent_idx = s["sent_idx"].to_numpy()[order].astype(np.int64)
    texts = s["text"].to_numpy()[order].tolist()
    return pd.DataFrame({
        "doc_id": s["doc_id"].to_numpy()[order][starts],
        "unit": pos[starts].astype(np.int64),
        "first_sent": np.minimum.reduceat(sent_idx, starts),
        "last_sent": np.maximum.reduceat(sent_idx, starts),
        "n_sentences": (ends - starts).astype(np.int64),
        "text": [" ".join(texts[a:b]) for a, b in zip(starts, ends)],
    }, columns=UNIT_COLUMNS)


def vectorizer(model: str, min_df: int = 2):
    """TF-IDF (for NMF) or raw counts (for LDA) over :func:`analysis.tokens.terms`."""
    if model == "nmf":
        return TfidfVectorizer(analyzer=terms, min_df=min_df, sublinear_tf=False)
    if model == "lda":
        return CountVectorizer(analyzer=terms, min_df=min_df)
    raise invalid_option("topic model", model, ("nmf", "lda"))


def unit_terms(texts) -> list[str]:
    """Each text's :func:`~analysis.tokens.terms` joined by single spaces (a term never contains a space)."""
    return [" ".join(terms(t)) for t in texts]


def count_matrix(texts, min_df: int = 2, tokenised: bool = False) -> tuple[sp.csr_matrix, np.ndarray]:
    """Unit-term counts (LDA's input) and the vocabulary: the texts are tokenised once for both models.

    Identical, index order included, to ``vectorizer("lda", min_df).fit_transform(texts)``;
    ``tokenised=True``: ``texts`` are already :func:`unit_terms` (split on spaces, same counts).
    """
    vec = CountVectorizer(analyzer=str.split if tokenised else terms, min_df=min_df)
    X = vec.fit_transform(list(texts)).tocsr()
    return X, vec.get_feature_names_out()


def tfidf(counts) -> sp.csr_matrix:
    """TF-IDF of a count matrix (NMF's input): the same numbers as ``vectorizer("nmf")`` on the texts.

    :class:`~sklearn.feature_extraction.text.TfidfVectorizer` is a count vectoriser followed by
    this transformer with its default settings (smoothed idf, L2-normalised rows).
    """
    # the same entries in the same order as TfidfVectorizer's own float counts (scipy's astype and
    # a copying transform put a row's entries in column order, which changes the last bits of NMF)
    X = sp.csr_matrix((counts.data.astype(np.float64), counts.indices.copy(), counts.indptr.copy()),
                      shape=counts.shape)
    return TfidfTransformer(sublinear_tf=False).fit(X).transform(X, copy=False).tocsr()


def model_matrix(model: str, counts, vocabulary) -> tuple[sp.csr_matrix, np.ndarray]:
    """The matrix ``model`` is fitted on (counts for LDA, TF-IDF for NMF) from shared counts."""
    if model == "nmf":
        return tfidf(counts), vocabulary
    if model == "lda":
        return counts, vocabulary
    raise invalid_option("topic model", model, ("nmf", "lda"))


def subset_counts(counts, rows, vocabulary, min_df: int = 2) -> tuple[sp.csr_matrix, np.ndarray]:
    """Counts of the units ``rows`` over the terms in ``min_df`` of them, as if vectorised on their own.

    Same terms, same order (alphabetical) and same counts as a vectoriser fitted on those units'
    texts (a term in ``min_df`` units of the subset is in at least as many of all units); only
    the order of the stored entries inside a row may differ.
    """
    sub = counts[np.asarray(rows)]
    keep = np.flatnonzero(np.bincount(sub.indices, minlength=sub.shape[1]) >= min_df)
    return sub[:, keep].tocsr(), np.asarray(vocabulary)[keep]
