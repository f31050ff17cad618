"""Frame measures per outlet: salience, prominence, co-occurrence and tone.

Every outlet-level share or mean comes from :mod:`analysis.compare` (percentile bootstrap over
sentences) with the counts beside it; see ``compare.SMALL_SAMPLE_NOTE`` for what the intervals can
and cannot say when an outlet is one article.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..compare import by_group, group_slices, share_by_group
from .coding import frame_columns

# Position weights of the position-weighted salience (see frame_prominence).
POSITION_WEIGHTS = {"headline": 3.0, "lede": 2.0, "body": 1.0}


def _with_outlet(sentences: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """The sentences with their outlet, without their text (no measure reads it; a copy of
    every sentence's text is most of the memory a merge would take on a large corpus)."""
    sentences = sentences.drop(columns="text", errors="ignore")
    if "outlet" in sentences.columns:
        return sentences
    return sentences.merge(documents[["doc_id", "outlet"]], on="doc_id", how="left", validate="many_to_one")


def frame_salience(sentences: pd.DataFrame, documents: pd.DataFrame, random_state: int = 0) -> pd.DataFrame:
    """Share of an outlet's sentences carrying each frame, with bootstrap intervals.

    Returns ``outlet, frame, n_sentences, n_frame, share, ci_low, ci_high``.

    References
    ----------
    Entman, R. M. (1993). Framing: Toward clarification of a fractured paradigm. *Journal of
    Communication* 43(4), 51-58 (salience as selection and emphasis).
    """
    sents = _with_outlet(sentences, documents)
    parts = []
    for name in frame_columns(sents):
        tab = share_by_group(sents, "outlet", f"frame_{name}", random_state=random_state)
        tab = tab.rename(columns={"n_hits": "n_frame"})
        tab.insert(1, "frame", name)
        parts.append(tab[["outlet", "frame", "n_sentences", "n_frame", "share", "ci_low", "ci_high"]])
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["outlet", "frame", "n_sentences", "n_frame", "share", "ci_low", "ci_high"])


def _integer_weights(w: np.ndarray, flags: list) -> bool:
    """Whether every sum of weights of framed sentences is exact in floating point, in any order."""
    return (bool(np.all(np.isfinite(w)) and np.all(w == np.round(w))) and float(np.abs(w).sum()) < 2.0 ** 52
            and all(f.size == 0 or (f.min() >= 0 and f.max() <= 1) for f in flags))


def _per_document(sents: pd.DataFrame, names: list, weights: dict) -> pd.DataFrame:
    """Document-level rows of :func:`frame_prominence`, all documents and frames at once.

    ``sents`` is sorted by document and sentence. Rows come grouped by (outlet, doc_id) in sorted
    order, frames in column order within a document, with the columns and dtypes a list of one dict
    per (document, frame) would give.
    """
    gid = sents.groupby(["outlet", "doc_id"], sort=True).ngroup().to_numpy()
    n_docs = int(gid.max()) + 1 if gid.size else 0
    order, bounds = group_slices(gid, n_docs)
    gid, starts, size = gid[order], bounds[:-1], np.diff(bounds)
    firsts = sents.iloc[order[starts]] if n_docs else sents.iloc[:0]
    headline = (sents["para_role"] == "headline").to_numpy(dtype=bool)[order]
    lede = (sents["position"] == "lede").to_numpy(dtype=bool)[order]
    w = sents["position"].map(weights).fillna(weights.get("body", 1.0)).to_numpy(dtype=float)[order]
    flags = [sents[f"frame_{n}"].to_numpy(dtype=int)[order] for n in names]
    exact = _integer_weights(w, flags)
    w_sum = np.add.reduceat(w, starts) if n_docs else np.zeros(0)
    has_headline = np.add.reduceat(headline, starts) > 0 if n_docs else np.zeros(0, dtype=bool)
    cols = {}
    for j, flag in enumerate(flags):
        hit = flag != 0
        first = np.full(n_docs, -1)
        idx = np.flatnonzero(hit)
        first_doc, at = np.unique(gid[idx], return_index=True)
        first[first_doc] = idx[at] - starts[first_doc]
        found = first >= 0
        if exact:
            salience = np.add.reduceat(w * flag, starts) / w_sum if n_docs else np.zeros(0)
        else:  # the same sums as summing each document on its own
            salience = np.array([(w[a:a + k] * flag[a:a + k]).sum() / w[a:a + k].sum() for a, k in zip(starts, size)])
        cols[j] = {
            "n_frame": np.add.reduceat(flag, starts) if n_docs else np.zeros(0, dtype=int),
            "in_headline": np.where(has_headline, (np.add.reduceat(hit & headline, starts) > 0) if n_docs else 0,
                                    np.nan),
            "in_lede": ((np.add.reduceat(hit & lede, starts) > 0) if n_docs else np.zeros(0)).astype(np.int64),
            "first_rank": np.where(found, first + 1, np.nan),
            "first_relpos": np.where(found, np.divide(first, size - 1, out=np.zeros(n_docs), where=size > 1), np.nan),
            "weighted_salience": salience,
        }
    k = len(names)
    out = pd.DataFrame({
        "level": "document",
        "outlet": [v for v in firsts["outlet"].tolist() for _ in range(k)],
        "doc_id": [v for v in firsts["doc_id"].tolist() for _ in range(k)],
        "frame": names * n_docs,
        "n_docs": 1,
        "n_sentences": np.repeat(size, k).astype(np.int64),
    })
    for col in ("n_frame", "in_headline", "in_lede", "first_rank", "first_relpos", "weighted_salience"):
        values = np.column_stack([cols[j][col] for j in range(k)]).ravel() if k else np.zeros(0)
        if col in ("n_frame", "in_headline", "in_lede", "first_rank") and not np.isnan(values.astype(float)).any():
            values = values.astype(np.int64)
        out[col] = values
    return out


def frame_prominence(sentences: pd.DataFrame, documents: pd.DataFrame, weights: dict | None = None) -> pd.DataFrame:
    """Where in the article each frame appears: per document, and averaged per outlet.

    Columns: ``level`` (document | outlet), ``outlet, doc_id, frame, n_docs, n_sentences, n_frame,
    in_headline, in_lede, first_rank, first_relpos, weighted_salience``.

    * ``in_headline``: 1 if a headline sentence carries the frame (empty when the document has no
      headline in the corpus); ``in_lede``: 1 if a lede sentence does. At outlet level: the share of
      the outlet's documents (with a headline, for ``in_headline``).
    * ``first_rank``: 1-based rank of the first framed sentence (headline = 1 when present);
      ``first_relpos``: its position from 0 (first sentence) to 1 (last). Empty when the frame is
      absent; at outlet level, the mean over documents where it is present.
    * ``weighted_salience``: sum of the weights of framed sentences over the sum of the weights of
      all sentences, with weights headline 3, lede 2, body 1 (``POSITION_WEIGHTS``), so it equals the
      plain share when all sentences are body sentences. At outlet level, pooled over documents.

    References
    ----------
    Pan, Z. & Kosicki, G. M. (1993). Framing analysis: An approach to news discourse. *Political
    Communication* 10(1), 55-75 (headline and lead as the most salient structural devices).
    van Dijk, T. A. (1988). *News as Discourse*, ch. 2 (relevance structure of news: the inverted pyramid).
    """
    weights = dict(POSITION_WEIGHTS if weights is None else weights)
    sents = _with_outlet(sentences, documents).sort_values(["doc_id", "sent_idx"])
    names = frame_columns(sents)
    if not names or sents.empty:
        return pd.DataFrame()
    per_doc = _per_document(sents, names, weights)
    if per_doc.empty:
        return pd.DataFrame()
    out_rows, by_outlet = [], {}
    for (outlet, name), grp in per_doc.groupby(["outlet", "frame"], sort=True):
        if outlet not in by_outlet:
            w_docs = sents[sents["outlet"] == outlet]
            by_outlet[outlet] = w_docs, w_docs["position"].map(weights).fillna(weights.get("body", 1.0))
        w_docs, w = by_outlet[outlet]
        out_rows.append({"level": "outlet", "outlet": outlet, "doc_id": "", "frame": name, "n_docs": len(grp),
                         "n_sentences": int(grp["n_sentences"].sum()), "n_frame": int(grp["n_frame"].sum()),
                         "in_headline": grp["in_headline"].mean(), "in_lede": grp["in_lede"].mean(),
                         "first_rank": grp["first_rank"].mean(), "first_relpos": grp["first_relpos"].mean(),
                         "weighted_salience": float((w * w_docs[f"frame_{name}"]).sum() / w.sum())})
    frame_order = {n: i for i, n in enumerate(frame_columns(sents))}
    out = pd.concat([per_doc, pd.DataFrame(out_rows)], ignore_index=True)
    out["_f"] = out["frame"].map(frame_order)
    return out.sort_values(["level", "outlet", "doc_id", "_f"]).drop(columns="_f").reset_index(drop=True)


def _pairs(units: pd.DataFrame, names: list, unit: str, outlet: str) -> list:
    flags = units[[f"frame_{n}" for n in names]].to_numpy(dtype=bool).T
    n_hit = flags.sum(axis=1)
    rows = []
    for i, a in enumerate(names):
        for j in range(i + 1, len(names)):
            x, y = flags[i], flags[j]
            either, both = int((x | y).sum()), (x & y).sum()
            rows.append({"outlet": outlet, "unit": unit, "frame_a": a, "frame_b": names[j], "n_units": len(units),
                         "n_a": int(n_hit[i]), "n_b": int(n_hit[j]), "n_both": int(both),
                         "jaccard": both / either if either else np.nan})
    return rows


def frame_cooccurrence(sentences: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """How often two frames occur in the same sentence and in the same document, per outlet.

    Columns ``outlet, unit (sentence|document), frame_a, frame_b, n_units, n_a, n_b, n_both,
    jaccard``; ``outlet == "(all outlets)"`` pools the corpus. ``jaccard`` = n_both / units with
    either frame (empty when neither occurs).

    References
    ----------
    Jaccard, P. (1912). The distribution of the flora in the alpine zone. *New Phytologist* 11(2).
    """
    sents = _with_outlet(sentences, documents)
    names = frame_columns(sents)
    cols = [f"frame_{n}" for n in names]
    docs = sents.groupby(["outlet", "doc_id"], sort=True)[cols].max().reset_index()
    rows = []
    for outlet, grp in sents.groupby("outlet", sort=True):
        rows += _pairs(grp, names, "sentence", outlet)
        rows += _pairs(docs[docs["outlet"] == outlet], names, "document", outlet)
    rows += _pairs(sents, names, "sentence", "(all outlets)")
    rows += _pairs(docs, names, "document", "(all outlets)")
    return pd.DataFrame(rows, columns=["outlet", "unit", "frame_a", "frame_b", "n_units", "n_a", "n_b",
                                       "n_both", "jaccard"])


ALL_SENTENCES = "(all sentences)"


def frame_tone(sentences: pd.DataFrame, documents: pd.DataFrame, tone_col: str = "sentiment_vader",
               random_state: int = 0) -> pd.DataFrame:
    """Mean sentence tone of each frame's sentences per outlet, with bootstrap intervals.

    Columns ``outlet, frame, n_sentences, mean, ci_low, ci_high``; the row with frame
    ``"(all sentences)"`` is the outlet's baseline over all its sentences.
    """
    sents = _with_outlet(sentences, documents)
    parts = [by_group(sents, "outlet", tone_col, random_state=random_state).assign(frame=ALL_SENTENCES)]
    for name in frame_columns(sents):
        sub = sents[sents[f"frame_{name}"] == 1]
        if not sub.empty:
            parts.append(by_group(sub, "outlet", tone_col, random_state=random_state).assign(frame=name))
    out = pd.concat(parts, ignore_index=True).rename(columns={"n": "n_sentences"})
    return out[["outlet", "frame", "n_sentences", "mean", "ci_low", "ci_high"]]
