"""Frame measures per outlet: salience, prominence, co-occurrence and tone.

Every outlet-level share or mean comes from :mod:`analysis.compare` (percentile bootstrap over
sentences) with the counts beside it; see ``compare.SMALL_SAMPLE_NOTE`` for what the intervals can
and cannot say when an outlet is one article.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..compare import by_group, share_by_group
from .coding import frame_columns

# Position weights of the position-weighted salience (see frame_prominence).
POSITION_WEIGHTS = {"headline": 3.0, "lede": 2.0, "body": 1.0}


def _with_outlet(sentences: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
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


def _doc_prominence(doc: pd.DataFrame, name: str, weights: dict) -> dict:
    flag = doc[f"frame_{name}"].to_numpy(dtype=int)
    n = len(doc)
    has_headline = bool((doc["para_role"] == "headline").any())
    hit_idx = np.flatnonzero(flag)
    w = doc["position"].map(weights).fillna(weights.get("body", 1.0)).to_numpy(dtype=float)
    first = int(hit_idx[0]) if hit_idx.size else None
    return {
        "n_sentences": n, "n_frame": int(flag.sum()),
        "in_headline": (int(bool(flag[(doc["para_role"] == "headline").to_numpy()].any()))
                        if has_headline else np.nan),
        "in_lede": int(bool(flag[(doc["position"] == "lede").to_numpy()].any())),
        "first_rank": first + 1 if first is not None else np.nan,
        "first_relpos": (first / (n - 1) if n > 1 else 0.0) if first is not None else np.nan,
        "weighted_salience": float((w * flag).sum() / w.sum()) if n else np.nan,
    }


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
    rows = []
    for (outlet, doc_id), doc in sents.groupby(["outlet", "doc_id"], sort=True):
        for name in frame_columns(sents):
            rows.append({"level": "document", "outlet": outlet, "doc_id": doc_id, "frame": name, "n_docs": 1,
                         **_doc_prominence(doc, name, weights)})
    per_doc = pd.DataFrame(rows)
    if per_doc.empty:
        return per_doc
    out_rows = []
    for (outlet, name), grp in per_doc.groupby(["outlet", "frame"], sort=True):
        w_docs = sents[sents["outlet"] == outlet]
        w = w_docs["position"].map(weights).fillna(weights.get("body", 1.0))
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
    rows = []
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            x, y = units[f"frame_{a}"].astype(bool), units[f"frame_{b}"].astype(bool)
            either = int((x | y).sum())
            rows.append({"outlet": outlet, "unit": unit, "frame_a": a, "frame_b": b, "n_units": len(units),
                         "n_a": int(x.sum()), "n_b": int(y.sum()), "n_both": int((x & y).sum()),
                         "jaccard": (x & y).sum() / either if either else np.nan})
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
