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

import pandas as pd
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from ..errors import invalid_option
from ..tokens import terms

UNITS = ("window", "paragraph")
UNIT_COLUMNS = ["doc_id", "unit", "first_sent", "last_sent", "n_sentences", "text"]


def make_units(sentences: pd.DataFrame, unit: str = "window", size: int = 3) -> pd.DataFrame:
    """Units of text: ``doc_id, unit, first_sent, last_sent, n_sentences, text``.

    ``unit`` is ``window`` (``size`` consecutive sentences of one article) or ``paragraph``;
    ``unit`` numbers the units from 0 inside each article, and ``text`` joins the sentences
    with single spaces.
    """
    if unit not in UNITS:
        raise invalid_option("topic_unit", unit, UNITS)
    if unit == "window" and int(size) < 1:
        raise invalid_option("topic_window", size, ["a whole number of sentences >= 1"])
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
    return pd.DataFrame(rows, columns=UNIT_COLUMNS)


def vectorizer(model: str, min_df: int = 2):
    """TF-IDF (for NMF) or raw counts (for LDA) over :func:`analysis.tokens.terms`."""
    if model == "nmf":
        return TfidfVectorizer(analyzer=terms, min_df=min_df, sublinear_tf=False)
    if model == "lda":
        return CountVectorizer(analyzer=terms, min_df=min_df)
    raise invalid_option("topic model", model, ("nmf", "lda"))
