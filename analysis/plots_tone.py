"""Figures for tone and topics (issue 4). Each function returns the Figure and never saves.

Every outlet-level number is drawn as a dot with its 95% bootstrap interval and the count of
sentences (or text units) behind it printed beside it; outlets keep their colours from
:func:`analysis.plots.outlet_colors`; panels are one per target or topic and rows one per
outlet, so the figures stay legible from 2 to 30 outlets.
"""
from __future__ import annotations

import math
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from .plots import DOUBLE_COLUMN, SINGLE_COLUMN, figure_height, outlet_colors

VOICE_STYLE = {"all": ("o", 0.0, True), "narration": ("s", -0.25, True), "quote": ("^", 0.25, False)}
MODEL_COLOR = {"nmf": "#0072B2", "lda": "#D55E00"}
MEASURE_LABEL = {"sentiment_vader": "VADER compound (sentence mean)",
                 "sentiment_afinn": "AFINN-165 sum (sentence mean)"}


def _dot(ax, x, lo, hi, y, color, marker="o", filled=True):
    ax.plot([lo, hi], [y, y], color=color, lw=1.0, solid_capstyle="butt")
    ax.plot([x], [y], marker=marker, color=color, mfc=color if filled else "white", mec=color, ms=4, mew=0.9)


def _grid(n: int, ncols: int, width: float, height: float, sharey: bool = True):
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, height * nrows), squeeze=False, sharey=sharey,
                             layout="constrained")
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, list(axes.flat[:n])


def tone_by_outlet(table: pd.DataFrame, measure: str = "sentiment_vader", voices=("all", "narration", "quote"),
                   ax=None) -> plt.Figure:
    """Mean sentence tone per outlet, one marker per voice, 95% interval and n sentences per voice.

    ``table`` is ``sentiment_outlet.csv``; rows are outlets (sorted), markers are offset by voice.
    """
    d = table[(table["measure"] == measure) & table["voice"].isin(voices)]
    outlets = sorted(table["outlet"].unique())
    colors = outlet_colors(outlets)
    if ax is None:
        fig, ax = plt.subplots(figsize=(SINGLE_COLUMN + 1.0, figure_height(len(outlets), per_row=0.42)))
    fig = ax.figure
    for y, outlet in enumerate(outlets):
        counts = []
        for voice in voices:
            r = d[(d["outlet"] == outlet) & (d["voice"] == voice)]
            marker, off, filled = VOICE_STYLE[voice]
            if r.empty:
                counts.append("0")
                continue
            r = r.iloc[0]
            _dot(ax, r["mean"], r["ci_low"], r["ci_high"], y + off, colors[outlet], marker, filled)
            counts.append(str(int(r["n_sentences"])))
        ax.annotate(" / ".join(counts), (1.0, y), xycoords=("axes fraction", "data"), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=6, color="0.3")
    ax.axvline(0, color="0.6", lw=0.5, ls="--")
    ax.set_yticks(range(len(outlets)), outlets)
    ax.set_ylim(len(outlets) - 0.5, -0.6)
    ax.set_xlabel(MEASURE_LABEL.get(measure, measure))
    handles = [Line2D([], [], marker=VOICE_STYLE[v][0], color="0.3", mfc="0.3" if VOICE_STYLE[v][2] else "white",
                      lw=0, label=v) for v in voices]
    ax.annotate("n sentences\n" + " / ".join(voices), (1.0, 1.0), xycoords="axes fraction", xytext=(4, 2),
                textcoords="offset points", va="bottom", fontsize=6, color="0.3")
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=len(voices), fontsize=6,
              handletextpad=0.2, columnspacing=0.8)
    return fig


def tone_by_target(table: pd.DataFrame, outlets, measure: str = "sentiment_vader", voice: str = "all",
                   ncols: int = 4, width: float = DOUBLE_COLUMN) -> plt.Figure:
    """One panel per target: each outlet's mean tone of the sentences mentioning it, interval and n.

    ``table`` is ``sentiment_target.csv``; ``outlets`` lists every outlet of the corpus, so an
    outlet that never mentions a target shows ``n=0`` rather than vanishing.
    """
    d = table[(table["measure"] == measure) & (table["voice"] == voice)]
    outlets = sorted(set(outlets))
    colors = outlet_colors(outlets)
    targets = list(dict.fromkeys(table["target"])) or ["(no target mentioned)"]
    fig, axes = _grid(len(targets), min(ncols, len(targets)), width, figure_height(len(outlets), per_row=0.26))
    lim = 1.05 if measure == "sentiment_vader" else max(1.0, d[["ci_low", "ci_high"]].abs().max().max() * 1.1)
    for ax, target in zip(axes, targets):
        for y, outlet in enumerate(outlets):
            r = d[(d["target"] == target) & (d["outlet"] == outlet)]
            n = 0 if r.empty else int(r.iloc[0]["n_sentences"])
            if n:
                r = r.iloc[0]
                _dot(ax, r["mean"], r["ci_low"], r["ci_high"], y, colors[outlet])
            ax.annotate(f"n={n}", (1.0, y), xycoords=("axes fraction", "data"), xytext=(-2, 0),
                        textcoords="offset points", ha="right", va="center", fontsize=6, color="0.35")
        ax.axvline(0, color="0.6", lw=0.5, ls="--")
        ax.set_xlim(-lim, lim * 1.35)
        ax.set_title(target, fontsize=8)
        ax.set_yticks(range(len(outlets)), outlets)
        ax.set_ylim(len(outlets) - 0.5, -0.5)
    fig.supxlabel(f"{MEASURE_LABEL.get(measure, measure)}, voice: {voice}", fontsize=7)
    return fig


def lexicon_agreement(sentences: pd.DataFrame, agreement: pd.DataFrame, ax=None) -> plt.Figure:
    """VADER against AFINN per sentence, coloured by outlet; legend gives each outlet's Spearman rho and n."""
    outlets = sorted(sentences["outlet"].unique())
    colors = outlet_colors(outlets)
    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(SINGLE_COLUMN + 1.4, 2.8))
    rho = agreement.set_index("outlet")
    for outlet in outlets:
        s = sentences[sentences["outlet"] == outlet]
        r = rho.loc[outlet] if outlet in rho.index else None
        lab = f"{outlet}: rho={r['spearman_rho']:.2f}, n={int(r['n_sentences'])}" if r is not None else outlet
        ax.scatter(s["sentiment_afinn"], s["sentiment_vader"], s=9, color=colors[outlet], alpha=0.8, lw=0, label=lab)
    ax.axhline(0, color="0.7", lw=0.5, ls="--")
    ax.axvline(0, color="0.7", lw=0.5, ls="--")
    ax.set_xlabel("AFINN-165 sum per sentence")
    ax.set_ylabel("VADER compound per sentence")
    if "all" in rho.index:
        ax.set_title(f"all sentences: Spearman rho={rho.loc['all', 'spearman_rho']:.2f}, "
                     f"n={int(rho.loc['all', 'n_sentences'])}", fontsize=7)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=6, ncol=1 if len(outlets) <= 15 else 2)
    return fig


def topic_selection(selection: pd.DataFrame, width: float = DOUBLE_COLUMN) -> plt.Figure:
    """Coherence (mean NPMI, +/- SD over seeds) and stability against k, one line per model; chosen k ringed."""
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(width, 2.2))
    for model, g in selection.groupby("model", sort=True):
        g = g.sort_values("k")
        color = MODEL_COLOR.get(model, "0.3")
        a1.errorbar(g["k"], g["coherence"], yerr=g["coherence_sd"], color=color, marker="o", ms=3, capsize=2,
                    label=model.upper())
        a2.plot(g["k"], g["stability"], color=color, marker="o", ms=3, label=model.upper())
        ch = g[g["chosen"].astype(str).str.lower() == "true"]
        for ax, col in ((a1, "coherence"), (a2, "stability")):
            ax.plot(ch["k"], ch[col], marker="o", ms=9, mfc="none", mec=color, lw=0)
    a1.set_ylabel("NPMI coherence (top terms)")
    a2.set_ylabel("stability (matched Jaccard)")
    a2.set_ylim(0, 1.05)
    for ax in (a1, a2):
        ax.set_xlabel("number of topics k")
        ax.set_xticks(sorted(selection["k"].unique()))
    a1.legend(title="ring = chosen k", title_fontsize=6)
    fig.tight_layout()
    return fig


def topic_shares(proportions: pd.DataFrame, labels: pd.DataFrame, model: str = "nmf", ncols: int = 3,
                 width: float = DOUBLE_COLUMN) -> plt.Figure:
    """One panel per topic (titled by its FREX label): each outlet's share of text units, interval, n units."""
    d = proportions[proportions["model"] == model]
    lab = labels[labels["model"] == model].set_index("topic")["label"]
    outlets = sorted(d["outlet"].unique())
    colors = outlet_colors(outlets)
    topics = sorted(d["topic"].unique())
    fig, axes = _grid(len(topics), min(ncols, len(topics)), width, figure_height(len(outlets), per_row=0.26) + 0.2)
    for ax, topic in zip(axes, topics):
        for y, outlet in enumerate(outlets):
            r = d[(d["topic"] == topic) & (d["outlet"] == outlet)].iloc[0]
            _dot(ax, r["share"], r["ci_low"], r["ci_high"], y, colors[outlet])
            ax.annotate(f"n={int(r['n_units'])}", (1.0, y), xycoords=("axes fraction", "data"), xytext=(-2, 0),
                        textcoords="offset points", ha="right", va="center", fontsize=6, color="0.35")
        ax.set_xlim(0, 1.25)
        ax.set_xticks(np.arange(0, 1.01, 0.5))
        ax.set_title("\n".join(textwrap.wrap(str(lab.get(topic, topic)), 28)), fontsize=7)
        ax.set_yticks(range(len(outlets)), outlets)
        ax.set_ylim(len(outlets) - 0.5, -0.5)
    fig.supxlabel(f"{model.upper()}: mean topic share of the outlet's text units (n = units)", fontsize=7)
    return fig


def topic_terms(terms: pd.DataFrame, model: str = "nmf", n: int = 8, ncols: int = 3,
                width: float = DOUBLE_COLUMN, labels: pd.DataFrame | None = None) -> plt.Figure:
    """Bars of each topic's heaviest terms (weight), one panel per topic, FREX printed beside each bar.

    FREX (0-1) is the term's frequency-exclusivity score from ``topic_terms.csv``: near 1 the term
    is both frequent in the topic and rare in the others. ``labels`` (``topic_labels.csv``) titles
    each panel by its three highest-FREX terms.
    """
    d = terms[(terms["model"] == model) & (terms["rank"] <= n)]
    lab = {} if labels is None else labels[labels["model"] == model].set_index("topic")["label"].to_dict()
    topics = sorted(d["topic"].unique())
    fig, axes = _grid(len(topics), min(ncols, len(topics)), width, 0.5 + 0.14 * n, sharey=False)
    xmax = d["weight"].max() * 1.3 if len(d) else 1.0
    for ax, topic in zip(axes, topics):
        t = d[d["topic"] == topic].sort_values("rank")
        ax.barh(range(len(t)), t["weight"], color=MODEL_COLOR.get(model, "0.3"), height=0.7)
        if "frex" in t:
            for y, (w, fx) in enumerate(zip(t["weight"], t["frex"])):
                ax.annotate(f"{fx:.2f}", (w, y), xytext=(2, 0), textcoords="offset points", va="center",
                            fontsize=5.5, color="0.35")
        ax.set_yticks(range(len(t)), t["term"], fontsize=6)
        ax.set_ylim(len(t) - 0.5, -0.5)
        ax.set_xlim(0, xmax)
        ax.set_title("\n".join(textwrap.wrap(str(lab.get(topic, f"topic {topic}")), 28)), fontsize=7)
        ax.tick_params(axis="y", labelleft=True)
    fig.supxlabel(f"{model.upper()} term weight (number beside the bar: FREX, 1 = exclusive to the topic)",
                  fontsize=7)
    return fig
