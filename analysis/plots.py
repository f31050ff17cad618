"""Figures. Every function takes ``ax=None``, returns the Figure, and never saves (see export).

Colours: each outlet keeps one colour in every figure, assigned from the colour-blind-safe
Okabe & Ito palette (then Paul Tol's muted and light schemes for more than eight outlets) in
the sorted order of the corpus's outlets.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt

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
