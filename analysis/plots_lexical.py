"""Figures for the lexical comparison (issue 3). Each function returns the Figure and never saves.

* :func:`fightin_words`: per outlet, the z-score of each term's weighted log-odds (Monroe et al.
  2008) against its frequency, the most distinctive terms labelled (adjustText keeps labels
  apart), one small panel per outlet so 2 to 30 outlets stay legible.
* :func:`document_measures`: one dot per document for each readability or diversity measure,
  rows labelled with the counts behind them (sentences, tokens); hollow dots mark scores the
  formula's authors would call unreliable for a text that short.
"""
from __future__ import annotations

import math
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .plots import DOUBLE_COLUMN, outlet_colors

Z_CRIT = 1.96
# A fixed number of adjustText iterations (not its default 1-second time limit): the same input
# gives the same label positions on any machine, and each panel costs a fixed time.
ADJUST_ITERATIONS = 300


def _grid(n: int, ncols: int, width: float, row_height: float):
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, row_height * nrows), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, list(axes.flat[:n])


def fightin_words(distinctive: pd.DataFrame, comparison: str = "rest", top: int = 8,
                  ncols: int | None = None, width: float = DOUBLE_COLUMN) -> plt.Figure:
    """Small multiples of z against total frequency (count + count_ref), one panel per outlet.

    Terms with z above 1.96 are drawn in the outlet's colour; the ``top`` terms by z are
    labelled. The dashed lines mark z = +/-1.96.
    """
    from adjustText import adjust_text

    data = distinctive[distinctive["comparison"] == comparison]
    outlets = sorted(data["outlet"].unique())
    colors = outlet_colors(distinctive["outlet"].unique())
    ncols = ncols or (2 if len(outlets) <= 4 else 3)
    fig, axes = _grid(max(len(outlets), 1), ncols, width, 2.3)
    labels = []
    for ax, outlet in zip(axes, outlets):
        d = data[data["outlet"] == outlet]
        freq = d["count"] + d["count_ref"]
        hit = d["z"] > Z_CRIT
        ax.scatter(freq[~hit], d["z"][~hit], s=5, color="0.75", lw=0)
        ax.scatter(freq[hit], d["z"][hit], s=8, color=colors[outlet], lw=0)
        ax.set_xscale("log")
        for z in (Z_CRIT, -Z_CRIT):
            ax.axhline(z, color="0.5", lw=0.5, ls="--")
        # headroom above the highest term, so its label need not be pushed into the others
        ax.set_ylim(min(d["z"].min(), -Z_CRIT) - 0.3, max(d["z"].max(), Z_CRIT) + 0.9)
        best = d.nlargest(top, "z")
        best_freq = best["count"] + best["count_ref"]
        labels.append([ax.text(f, z, t, fontsize=6, color="0.1") for f, z, t in
                       zip(best_freq, best["z"], best["term"])])
        ax.scatter(best_freq, best["z"], s=9, facecolor="none", edgecolor=colors[outlet], lw=0.6)
        vs = "rest of corpus" if comparison == "rest" else comparison
        ax.set_title(f"{outlet}\nvs {vs} ({int(d['count'].sum())} content words)", fontsize=7)
        ax.set_xlabel("frequency (both sides)")
        ax.set_ylabel("log-odds z")
    fig.tight_layout()
    # Labels are placed after the layout is final. adjust_text draws the whole figure once per
    # call, so the other panels are hidden meanwhile: the cost grows linearly with the outlets.
    for ax, texts in zip(axes, labels):
        others = [a for a in axes if a is not ax]
        for a in others:
            a.set_visible(False)
        adjust_text(texts, ax=ax, expand=(1.4, 1.8), iter_lim=ADJUST_ITERATIONS,
                    arrowprops=dict(arrowstyle="-", color="0.6", lw=0.4))
        for a in others:
            a.set_visible(True)
    return fig


def _row_labels(docs: pd.DataFrame) -> list[str]:
    return [f"{o if d in o else f'{o} [{d}]'}\n{s} sent., {t} tokens" for o, d, s, t in
            zip(docs["outlet"], docs["doc_id"], docs["n_sentences"], docs["n_tokens"])]


def document_measures(documents: pd.DataFrame, measures, unreliable: pd.DataFrame | None = None,
                      ncols: int = 4, width: float = DOUBLE_COLUMN) -> plt.Figure:
    """One panel per measure, one dot per document (rows), counts in the row labels.

    ``unreliable``: booleans with the index of ``documents`` and a column per measure (e.g.
    :func:`analysis.readability.unreliable_flags`); True draws the dot hollow.
    """
    flags = pd.DataFrame(False, index=documents.index, columns=list(measures))
    if unreliable is not None:
        flags.update(unreliable.reindex(columns=flags.columns).fillna(False).astype(bool))
    order = documents.sort_values(["outlet", "doc_id"]).index
    docs, flags = documents.loc[order].reset_index(drop=True), flags.loc[order].reset_index(drop=True)
    colors = outlet_colors(documents["outlet"])
    measures = list(measures)
    ncols = min(ncols, len(measures))
    row_h = max(1.4, 0.5 + 0.32 * len(docs))
    fig, axes = _grid(len(measures), ncols, width, row_h)
    y = np.arange(len(docs))[::-1]
    labels = _row_labels(docs)
    for i, (ax, m) in enumerate(zip(axes, measures)):
        for yy, val, out, hollow in zip(y, docs[m], docs["outlet"], flags[m].astype(bool)):
            ax.scatter([val], [yy], s=18, color=colors[out], facecolor="none" if hollow else colors[out],
                       lw=0.9, zorder=3)
        ax.set_yticks(y)
        ax.set_yticklabels(labels if i % ncols == 0 else [], fontsize=6)
        ax.set_ylim(-0.6, len(docs) - 0.4)
        ax.set_title(textwrap.fill(m.replace("_", " "), 18), fontsize=7)
        ax.grid(axis="x", lw=0.3, color="0.85")
        ax.tick_params(axis="x", labelsize=6)
    if flags.to_numpy().any():
        fig.tight_layout(rect=(0, 0.07 / math.ceil(len(axes) / ncols), 1, 1))
        fig.text(0.01, 0.005, "hollow dot: the text is shorter than the formula was built for "
                 "(SMOG: 30 sentences; the others: 100 words)", fontsize=6, color="0.3", va="bottom")
    else:
        fig.tight_layout()
    return fig
