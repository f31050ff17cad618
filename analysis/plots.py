"""Figures. Every function takes ``ax=None``, returns the Figure, and never saves (see export).

Colours: each outlet keeps one colour in every figure, assigned from the colour-blind-safe
Okabe & Ito palette (then Paul Tol's muted and light schemes for more than eight outlets) in
the sorted order of the corpus's outlets.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

STYLE = Path(__file__).with_name("styles") / "paper.mplstyle"
SINGLE_COLUMN, DOUBLE_COLUMN = 3.35, 6.9   # inches
PALETTE = [
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000",   # Okabe & Ito
    "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255",   # Tol muted
    "#AA4499", "#DDDDDD", "#77AADD", "#EE8866", "#EEDD88", "#FFAABB", "#99DDFF", "#44BB99",   # Tol light
    "#BBCC33", "#AAAA00", "#4477AA", "#66CCEE", "#228833", "#CCBB44", "#EE6677", "#BBBBBB",   # Tol bright
]


def use_paper_style() -> None:
    """Apply the paper style to every later figure."""
    plt.style.use(str(STYLE))


def outlet_colors(outlets) -> dict:
    """A fixed colour for each outlet: sorted names, palette order (cycled past 32 outlets)."""
    names = sorted(set(outlets))
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}


def new_axes(ax=None, width: float = SINGLE_COLUMN, height: float | None = None):
    """Return (fig, ax): the given axes' figure, or a new figure of the given width."""
    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=(width, height or width * 0.75))
    return fig, ax


def figure_height(n_rows: int, per_row: float = 0.22, minimum: float = 1.6) -> float:
    """Height (inches) that keeps one label per row legible, for 2 to 30 outlets."""
    return max(minimum, 0.6 + per_row * n_rows)


def plot_corpus_overview(documents, ax=None):
    """Sentences per article, one bar per article in the outlet's colour, stage and date in the label."""
    docs = documents.sort_values(["date", "outlet", "doc_id"])
    colors = outlet_colors(documents["outlet"])
    fig, ax = new_axes(ax, height=figure_height(len(docs)))
    y = range(len(docs))
    ax.barh(list(y), docs["n_sentences"], color=[colors[o] for o in docs["outlet"]])
    labels = [f"{o} · {s} · {d}" if s else f"{o} · {d}" for o, s, d in
              zip(docs["outlet"], docs.get("stage", [""] * len(docs)), docs["date"])]
    ax.set_yticks(list(y), labels)
    ax.invert_yaxis()
    for yi, (ns, nt) in enumerate(zip(docs["n_sentences"], docs["n_tokens"])):
        ax.text(ns, yi, f" {ns} sent. / {nt} words", va="center", fontsize=6)
    ax.set_xlabel("sentences in the cleaned article")
    ax.set_xlim(0, docs["n_sentences"].max() * 1.6)
    return fig


def plot_cleaning(summary, ax=None):
    """Kept and removed lines per article, removed lines split by reason (from ``clean.audit_summary``)."""
    fig, ax = new_axes(ax, height=figure_height(len(summary)))
    left = [0] * len(summary)
    cats = list(summary.columns)
    greys = ["#009E73"] + PALETTE[8:8 + len(cats)]
    for color, cat in zip(greys, cats):
        vals = summary[cat].to_list()
        ax.barh(range(len(summary)), vals, left=left, color=color, label=cat, height=0.7)
        left = [a + b for a, b in zip(left, vals)]
    ax.set_yticks(range(len(summary)), summary.index)
    ax.invert_yaxis()
    ax.set_xlabel("non-blank lines of the raw text")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=6)
    return fig


def interval_panels(table, panel_col: str, panels: list, value: str, label, scale, xlabel: str, ncols: int = 4,
                    title=str, sharex: bool = False, min_height: float = 1.6, xlabel_size: float = 7):
    """One panel per entry of ``panels`` (rows of ``table`` whose ``panel_col`` equals it), outlets as rows.

    Dot = ``value`` in the outlet's colour; line = ``ci_low``..``ci_high`` where the row has an
    interval (none is drawn where it is NaN); text right of it = ``label(row)``. ``scale(panel)``
    gives ``(xlim, xticks, ticklabels, zero)`` for a panel (``ticklabels`` None: matplotlib's own;
    ``zero``: where to draw a reference
    line, or None). Outlets without a row in a panel leave that row empty.
    """
    outlets = sorted(table["outlet"].unique())
    colors = outlet_colors(outlets)
    ncols = max(1, min(ncols, len(panels)))
    nrows = -(-len(panels) // ncols)
    fig, axes = plt.subplots(nrows, ncols, sharey=True, sharex=sharex, squeeze=False, layout="constrained",
                             figsize=(DOUBLE_COLUMN, nrows * figure_height(len(outlets), per_row=0.25,
                                                                           minimum=min_height)))
    for ax, panel in zip(axes.flat, panels):
        sub = table[table[panel_col] == panel].set_index("outlet")
        for y, outlet in enumerate(outlets):
            if outlet not in sub.index:
                continue
            r = sub.loc[outlet]
            has_ci = not np.isnan(r["ci_low"])
            err = [[r[value] - r["ci_low"]], [r["ci_high"] - r[value]]] if has_ci else None
            ax.errorbar(r[value], y, xerr=err, fmt="o", ms=3, color=colors[outlet], elinewidth=1, capsize=0)
            ax.annotate(label(r), (r["ci_high"] if has_ci else r[value], y), xytext=(2, 0),
                        textcoords="offset points", fontsize=5, va="center")
        xlim, xticks, ticklabels, zero = scale(panel)
        if zero is not None:
            ax.axvline(zero, color="#999999", lw=0.5)
        ax.set_title(title(panel), fontsize=7)
        ax.set_xlim(*xlim)
        ax.set_xticks(xticks, ticklabels)
        ax.tick_params(axis="x", labelsize=6)
    for i, ax in enumerate(axes.flat):
        if i >= len(panels):
            ax.set_visible(False)
            if sharex and i >= ncols:   # the panel above now ends its column: give it the x tick labels
                axes.flat[i - ncols].xaxis.set_tick_params(labelbottom=True)
    for row in axes:
        row[0].set_yticks(range(len(outlets)), outlets)
    axes[0][0].set_ylim(len(outlets) - 0.5, -0.5)
    fig.supxlabel(xlabel, fontsize=xlabel_size)
    return fig


def _profile_scale(measure: str):
    if measure.startswith("tone"):
        return (-1, 1.45), [-1, 0, 1], None, 0
    return (-0.03, 1.35), [0, 0.5, 1], ["0", "50%", "100%"], None


def plot_profiles(measures, panels=None, ncols: int = 4):
    """Outlet profiles side by side: one panel per measure, outlets as rows, dot with 95% interval.

    ``measures`` is :func:`analysis.synthesis.profile_measures`. Shares are drawn on 0..1 and
    labelled ``k/n``; tone on -1..1 with ``n`` sentences. A measure without an interval (reuse,
    selection: one value per outlet) is drawn as a dot alone, so the figure does not pretend to
    an uncertainty it has not computed.
    """
    panels = list(panels) if panels is not None else list(dict.fromkeys(measures["measure"]))
    return interval_panels(
        measures, "measure", panels, "value",
        lambda r: f"n={int(r['n'])}" if np.isnan(r["k"]) else f"{int(r['k'])}/{int(r['n'])}",
        _profile_scale, "dot = value, line = 95% bootstrap interval over sentences (none drawn where not "
        "computed); text = counts behind it", ncols=ncols, min_height=1.5, xlabel_size=6)
