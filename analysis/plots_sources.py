"""Figures for sources and selection: voices, text reuse, claims by outlet.

Like :mod:`analysis.plots`: every function takes ``ax=None``, returns the Figure and never saves.
Outlets keep their colour from :func:`analysis.plots.outlet_colors`; speakers (not outlets) take
the same palette from its far end so the two are not confused. Row heights come from
:func:`analysis.plots.figure_height`, so 2 to 30 outlets (or many claims) stay legible.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .plots import DOUBLE_COLUMN, PALETTE, SINGLE_COLUMN, figure_height, new_axes, outlet_colors

MAX_SPEAKERS = 8
SPEAKER_COLORS = PALETTE[8:16]   # Paul Tol's muted scheme: distinct from the first outlets' colours


def plot_quote_share(voices: pd.DataFrame, ax=None):
    """Share of each outlet's sentences holding a direct quote, 95% interval, counts and voices."""
    v = voices.sort_values("outlet", ascending=False).reset_index(drop=True)
    fig, ax = new_axes(ax, height=figure_height(len(v)))
    colors = outlet_colors(voices["outlet"])
    y = np.arange(len(v))
    ax.errorbar(v["quote_sentence_share"], y, xerr=[v["quote_sentence_share"] - v["ci_low"],
                                                    v["ci_high"] - v["quote_sentence_share"]],
                fmt="none", ecolor="0.4", elinewidth=0.8, capsize=2)
    ax.scatter(v["quote_sentence_share"], y, c=[colors[o] for o in v["outlet"]], zorder=3, s=18,
               edgecolors="black", linewidths=0.4)
    for yi, r in zip(y, v.itertuples()):
        ax.annotate(f"{r.n_quote_sentences}/{r.n_sentences} sentences, voices: {r.n_voices}",
                    (1.02, yi), xycoords=("axes fraction", "data"), va="center", fontsize=6)
    ax.set_yticks(y, v["outlet"])
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of sentences with a direct quote (95% CI)")
    fig.subplots_adjust(right=0.68)
    return fig


def plot_speaker_words(shares: pd.DataFrame, ax=None):
    """Words in direct quotes per outlet, stacked by speaker (the largest speakers, then "others")."""
    direct = shares[shares["n_quoted_words"] > 0]
    top = direct.groupby("speaker")["n_quoted_words"].sum().sort_values(ascending=False)
    keep = list(top.index[:MAX_SPEAKERS])
    d = direct.assign(speaker=direct["speaker"].where(direct["speaker"].isin(keep), "others"))
    wide = d.pivot_table(index="outlet", columns="speaker", values="n_quoted_words", aggfunc="sum", fill_value=0)
    outlets = sorted(shares["outlet"].unique(), reverse=True)
    wide = wide.reindex(index=outlets, fill_value=0)
    cols = [s for s in keep if s in wide.columns] + (["others"] if "others" in wide.columns else [])
    fig, ax = new_axes(ax, width=DOUBLE_COLUMN * 0.75, height=figure_height(len(outlets)) + 0.5)
    left = np.zeros(len(wide))
    for i, spk in enumerate(cols):
        color = "0.8" if spk in ("others", "(unattributed)") else SPEAKER_COLORS[i % len(SPEAKER_COLORS)]
        ax.barh(np.arange(len(wide)), wide[spk], left=left, color=color, edgecolor="white", linewidth=0.4,
                label=spk)
        left += wide[spk].to_numpy()
    for yi, total in enumerate(left):
        ax.annotate(f"{int(total)}", (total, yi), xytext=(2, 0), textcoords="offset points", va="center", fontsize=6)
    ax.set_yticks(np.arange(len(wide)), wide.index)
    ax.set_xlabel("words inside direct quotation marks")
    ax.legend(title="speaker", fontsize=6, title_fontsize=6, loc="upper left", bbox_to_anchor=(1.01, 1),
              frameon=False)
    ax.set_xlim(0, max(left.max(), 1) * 1.12)
    fig.subplots_adjust(right=0.66)
    return fig


def plot_reuse_map(pairs: pd.DataFrame, documents: pd.DataFrame, ax=None):
    """Heat map: share of the row article's words found verbatim (8+ words) in the column article."""
    labels = {d: (o if (documents["outlet"] == o).sum() == 1 else f"{o} ({d})")
              for d, o in zip(documents["doc_id"], documents["outlet"])}
    docs = sorted(documents["doc_id"], key=lambda d: labels[d])
    m = pd.DataFrame(0.0, index=docs, columns=docs)
    for p in pairs.itertuples():
        m.at[p.doc_a, p.doc_b] = p.share_a
        m.at[p.doc_b, p.doc_a] = p.share_b
    n = len(docs)
    side = min(DOUBLE_COLUMN, max(SINGLE_COLUMN, 0.45 * n + 1.6))
    fig, ax = new_axes(ax, width=side, height=side * 0.85)
    vals = m.to_numpy(copy=True)
    np.fill_diagonal(vals, np.nan)
    im = ax.imshow(vals, cmap="Blues", vmin=0, vmax=max(0.05, np.nanmax(vals) if n > 1 else 0.05))
    if n <= 12:
        for i in range(n):
            for j in range(n):
                if i != j:
                    ax.text(j, i, f"{vals[i, j]:.0%}" if vals[i, j] > 0 else "–", ha="center", va="center", fontsize=6,
                            color="white" if vals[i, j] > 0.6 * np.nanmax(vals) else "black")
    ax.set_xticks(range(n), [labels[d] for d in docs], rotation=40, ha="right")
    ax.set_yticks(range(n), [labels[d] for d in docs])
    ax.set_xlabel("shared with this article")
    ax.set_ylabel("share of this article's words")
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04, format=lambda x, _: f"{x:.0%}")
    return fig


def plot_claims_matrix(coverage: pd.DataFrame, positions: pd.DataFrame, min_outlets: int = 1, ax=None):
    """Claims (rows) by outlets (columns): a dot where the outlet reports the claim, darker = earlier.

    The number in the dot is the rank of the claim's first sentence in that outlet's article.
    """
    cov = coverage[coverage["n_outlets"] >= min_outlets].copy()
    outlets = sorted(positions["outlet"].unique())
    first = positions.groupby(["claim_id", "outlet"])[["rank", "relative_position"]].min().reset_index()
    cov = cov.sort_values(["n_outlets", "claim_id"], ascending=[False, True]).reset_index(drop=True)
    fig, ax = new_axes(ax, width=DOUBLE_COLUMN, height=figure_height(len(cov), per_row=0.17) + 0.6)
    row = {c: i for i, c in enumerate(cov["claim_id"])}
    col = {o: j for j, o in enumerate(outlets)}
    f = first[first["claim_id"].isin(row)]
    sc = ax.scatter(f["outlet"].map(col), f["claim_id"].map(row), c=f["relative_position"], cmap="viridis",
                    vmin=0, vmax=1, s=55, edgecolors="black", linewidths=0.3, zorder=3)
    for r in f.itertuples():
        ax.text(col[r.outlet], row[r.claim_id], str(r.rank), ha="center", va="center", fontsize=4.5, zorder=4,
                color="white" if r.relative_position < 0.6 else "black")
    ax.set_yticks(range(len(cov)), [f"{c}  {lab[:48]}" for c, lab in zip(cov["claim_id"], cov["label"])],
                  fontsize=5.5)
    ax.set_xticks(range(len(outlets)), outlets, rotation=35, ha="left")
    ax.xaxis.tick_top()
    ax.set_xlim(-0.6, len(outlets) - 0.4)
    ax.set_ylim(len(cov) - 0.5, -0.5)
    ax.grid(True, color="0.9", linewidth=0.4, zorder=0)
    ax.set_axisbelow(True)
    fig.colorbar(sc, ax=ax, fraction=0.03, pad=0.02, label="relative position (0 = first sentence)")
    return fig
