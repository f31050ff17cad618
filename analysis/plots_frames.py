"""Frame figures: salience heatmap and intervals, prominence grid, co-occurrence matrix, frame tone, validation.

Every function takes the table written by the frames stage, returns the Figure and never saves
(see :mod:`analysis.export`). Outlets are rows, so the figures grow in height, not in crowding,
from 2 to 30 outlets; each outlet keeps its colour from :func:`analysis.plots.outlet_colors`.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .plots import DOUBLE_COLUMN, figure_height, interval_panels, new_axes

ALL_SENTENCES = "(all sentences)"


def frame_label(name: str) -> str:
    """Display label of a frame column name (``india_pakistan`` -> ``india pakistan``)."""
    return name.replace("_", " ")


def _grid(table: pd.DataFrame, value: str, frames=None) -> pd.DataFrame:
    frames = list(dict.fromkeys(table["frame"])) if frames is None else list(frames)
    return table.pivot(index="outlet", columns="frame", values=value).reindex(columns=frames).sort_index()


def _heat(ax, values: np.ndarray, cmap: str, vmin: float, vmax: float):
    masked = np.ma.masked_invalid(values.astype(float))
    cm = plt.get_cmap(cmap).copy()
    cm.set_bad("#eeeeee")
    return ax.imshow(masked, cmap=cm, vmin=vmin, vmax=vmax, aspect="auto")


def _text_color(value: float, vmax: float) -> str:
    return "white" if np.isfinite(value) and value > 0.6 * vmax else "black"


def _label_axes(ax, rows, cols):
    ax.set_xticks(range(len(cols)), [frame_label(c) for c in cols], rotation=35, ha="right")
    ax.set_yticks(range(len(rows)), rows)
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)


def plot_frame_salience(salience: pd.DataFrame, ax=None, frames=None, title: str | None = None):
    """Outlet x frame heatmap: colour = share of sentences; text = share and ``n_frame/n_sentences``.

    ``frames`` sets the column order (default: table order); ``title`` replaces the default title.
    """
    share = _grid(salience, "share", frames)
    n_frame, n_sent = _grid(salience, "n_frame", share.columns), _grid(salience, "n_sentences", share.columns)
    fig, ax = new_axes(ax, width=DOUBLE_COLUMN, height=figure_height(len(share), per_row=0.34, minimum=2.2))
    im = _heat(ax, share.to_numpy(), "Blues", 0, 1)
    for i in range(share.shape[0]):
        for j in range(share.shape[1]):
            v = share.iat[i, j]
            ax.text(j, i, f"{v:.2f}\n{int(n_frame.iat[i, j])}/{int(n_sent.iat[i, j])}", ha="center",
                    va="center", fontsize=6, color=_text_color(v, 1))
    _label_axes(ax, share.index, share.columns)
    fig.colorbar(im, ax=ax, fraction=0.03, pad=0.02, label="share of sentences with frame")
    ax.set_title(title or "Frame salience: share of each outlet's sentences (framed / all sentences)")
    return fig


def _interval_panels(table: pd.DataFrame, panels: list, value: str, label, xlim, xticks, xlabel: str,
                     ncols: int = 4, zero: float | None = None):
    """One panel per frame (rows of ``table`` with that ``frame``), outlets as rows, on a shared x axis."""
    ticklabels = [f"{t:g}" if i % 2 == 0 else "" for i, t in enumerate(xticks)]
    return interval_panels(table, "frame", panels, value, label, lambda _: (xlim, xticks, ticklabels, zero),
                           xlabel, ncols=ncols, title=frame_label, sharex=True)


def plot_frame_shares(salience: pd.DataFrame, frames=None, ncols: int = 4):
    """Share of each outlet's sentences with each frame (one panel per frame), 95% interval and counts.

    The interval is the bootstrap interval of ``frame_salience``; the text beside it is
    ``n_frame/n_sentences``, so a share resting on one or two sentences is visible as such.
    """
    panels = list(frames) if frames is not None else list(dict.fromkeys(salience["frame"]))
    return _interval_panels(salience, panels, "share",
                            lambda r: f"{int(r['n_frame'])}/{int(r['n_sentences'])}", (-0.03, 1.3),
                            [0, 0.25, 0.5, 0.75, 1],
                            "share of the outlet's sentences with the frame (dot) with 95% bootstrap interval; "
                            "text = framed/all sentences")


def plot_frame_prominence(prominence: pd.DataFrame, ax=None, frames=None):
    """Outlet x frame grid: colour = position-weighted salience; text = first rank, H/L if in headline/lede."""
    outlet = prominence[prominence["level"] == "outlet"]
    ws = _grid(outlet, "weighted_salience", frames)
    cols = ws.columns
    first, head, lede = (_grid(outlet, c, cols) for c in ("first_rank", "in_headline", "in_lede"))
    fig, ax = new_axes(ax, width=DOUBLE_COLUMN, height=figure_height(len(ws), per_row=0.34, minimum=2.2))
    vmax = max(float(np.nanmax(ws.to_numpy(dtype=float))), 1e-9) if ws.size else 1
    im = _heat(ax, ws.to_numpy(), "Purples", 0, vmax)
    for i in range(ws.shape[0]):
        for j in range(ws.shape[1]):
            if not np.isfinite(first.iat[i, j]):
                ax.text(j, i, "absent", ha="center", va="center", fontsize=6, color="#777777")
                continue
            marks = "".join(m for m, v in (("H", head.iat[i, j]), ("L", lede.iat[i, j])) if v and np.isfinite(v))
            ax.text(j, i, f"#{first.iat[i, j]:.0f} {marks}".strip(), ha="center", va="center", fontsize=6,
                    color=_text_color(ws.iat[i, j], vmax))
    _label_axes(ax, ws.index, cols)
    fig.colorbar(im, ax=ax, fraction=0.03, pad=0.02, label="position-weighted salience")
    ax.set_title("Frame prominence: #rank of first framed sentence; H = in headline, L = in lede", fontsize=8)
    return fig


def plot_frame_cooccurrence(cooc: pd.DataFrame, outlet: str = "(all outlets)", unit: str = "sentence", ax=None):
    """Frame x frame matrix for one outlet: colour = Jaccard, text = number of units with both frames."""
    sub = cooc[(cooc["outlet"] == outlet) & (cooc["unit"] == unit)]
    frames = list(dict.fromkeys([*sub["frame_a"], *sub["frame_b"]]))
    k = len(frames)
    jac, both = np.full((k, k), np.nan), np.full((k, k), np.nan)
    pos = {f: i for i, f in enumerate(frames)}
    for r in sub.itertuples():
        a, b = sorted((pos[r.frame_a], pos[r.frame_b]), reverse=True)
        jac[a, b], both[a, b] = r.jaccard, r.n_both
    fig, ax = new_axes(ax, width=DOUBLE_COLUMN * 0.6, height=DOUBLE_COLUMN * 0.55)
    im = _heat(ax, jac, "Oranges", 0, 1)
    for a in range(k):
        for b in range(a):
            ax.text(b, a, f"{both[a, b]:.0f}", ha="center", va="center", fontsize=6,
                    color=_text_color(jac[a, b], 1))
    _label_axes(ax, [frame_label(f) for f in frames], frames)
    n_units = int(sub["n_units"].iloc[0]) if len(sub) else 0
    fig.colorbar(im, ax=ax, fraction=0.04, pad=0.02, label="Jaccard (both / either)")
    ax.set_title(f"Frames in the same {unit}: {outlet} (n = {n_units} {unit}s; number = both)", fontsize=8)
    return fig


def plot_frame_tone(tone: pd.DataFrame, frames=None, ncols: int = 4):
    """Mean sentence tone per outlet within each frame (one panel per frame) with 95% intervals and n.

    The first panel is each outlet's baseline over all its sentences; a frame's panel shows only
    outlets with at least one sentence of that frame.
    """
    frames = [ALL_SENTENCES] + [f for f in (frames or dict.fromkeys(tone["frame"])) if f != ALL_SENTENCES]
    return _interval_panels(tone, frames, "mean", lambda r: f"n={int(r['n_sentences'])}", (-1, 1),
                            [-1, -0.5, 0, 0.5, 1],
                            "mean VADER compound score of the frame's sentences (dot) with 95% bootstrap interval",
                            ncols=ncols, zero=0)


VALIDATION_METRICS = {"precision": ("o", "#0072B2"), "recall": ("s", "#D55E00"), "f1": ("D", "#000000")}


def plot_frame_validation(scores: pd.DataFrame, ax=None):
    """Precision, recall and F1 of the dictionary against hand coding, one row per frame.

    Text at the right: hand-coded positives (``n_true``), dictionary positives (``n_pred``) and
    Krippendorff's alpha. A metric that is undefined (no true or no predicted positives) is not drawn.
    """
    n = len(scores)
    fig, ax = new_axes(ax, width=DOUBLE_COLUMN * 0.75, height=figure_height(n, per_row=0.3, minimum=1.8))
    offsets = dict(zip(VALIDATION_METRICS, (-0.22, 0, 0.22)))
    for metric, (marker, color) in VALIDATION_METRICS.items():
        ax.scatter(scores[metric], np.arange(n) + offsets[metric], marker=marker, s=12, color=color,
                   label=metric if metric != "f1" else "F1", zorder=3)
    for y, r in enumerate(scores.itertuples()):
        ax.annotate(f"n_true={r.n_true}  n_pred={r.n_pred}  \u03b1={r.krippendorff_alpha:.2f}", (1.04, y),
                    xycoords=("axes fraction", "data"), fontsize=6, va="center")
    ax.set_yticks(range(n), [frame_label(f) for f in scores["frame"]])
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlim(-0.02, 1.02)
    ax.set_xlabel(f"agreement with hand coding (n = {int(scores['n_sentences'].max()) if n else 0} sentences)")
    ax.grid(axis="x", color="#dddddd", lw=0.5)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=3, fontsize=6, handletextpad=0.2)
    return fig
