"""Outlet-level numbers with their uncertainty.

Everything the suite says about an outlet is an aggregate over its sentences, and with one or a
few articles per outlet those sentences are all the evidence there is. The interval is a
percentile bootstrap over sentences (resampling the outlet's sentences with replacement), so it
says how much the number would move with a different draw of sentences *like these*; it cannot
say anything about the outlet's other articles. Counts are always reported beside shares.

How the resamples are drawn, by group size (a large corpus has groups of 10^5 sentences, where
resampling indices costs ``n_boot * n`` draws and as many bytes times eight):

* up to :data:`INDEX_MAX` values: indices drawn with replacement, ``n_boot`` rows of ``n`` (at
  most 32 MB);
* more values, at most :data:`MAX_DISTINCT` distinct ones (frame indicators, AFINN sums): how
  often each distinct value is drawn is multinomial, so the resample means are drawn as
  ``multinomial(n, shares) @ values / n`` -- the same bootstrap distribution at
  ``n_boot * distinct`` cost;
* more values with many distinct ones (VADER scores): the bootstrap distribution of a mean is
  then, to within the Monte-Carlo error of 2,000 resamples, its normal limit ``N(mean, s^2/n)``
  (``s`` the plug-in standard deviation), so the interval is ``mean -/+ z * s / sqrt(n)``, the
  standard interval of Efron & Tibshirani (1993, ch. 13). Measured on skewed tone-like scores:
  at n = 1,000 its endpoints sit within 8 % of the half-width of the percentile interval's
  (whose own Monte-Carlo spread is 3 %), and the gap shrinks as ``1 / sqrt(n)``.

Why by hand: scipy.stats.bootstrap does the same resampling but is slow for many small groups
and gives NaN intervals for constant data (all 0 or all 1, common for frame indicators), where
the percentile interval is simply the constant.
"""
from __future__ import annotations

import zlib

import numpy as np
import pandas as pd

N_BOOT = 2000
CONFIDENCE = 0.95
INDEX_MAX = 2000       # resample indices up to this many values
MAX_DISTINCT = 64      # above INDEX_MAX, draw counts of distinct values when there are at most this many
QUANTILE_BLOCK = 1024  # intervals whose quantiles are taken in one call (1024 x N_BOOT floats: 16 MB)
FORK_MIN_GROUPS = 5000  # with workers, this many groups or more are split over forked processes
SMALL_SAMPLE_NOTE = (
    "Each outlet is represented here by very few articles (often one), so these numbers describe "
    "those articles, not the outlet's coverage in general. Intervals are 95% bootstrap intervals "
    "over sentences: they show how much a number depends on which sentences happened to be "
    "written, not how the outlet reports in general. Read the counts beside every share."
)


def bootstrap_mean(values, n_boot: int = N_BOOT, confidence: float = CONFIDENCE,
                   random_state: int = 0, draws: dict | None = None) -> tuple[float, float, float]:
    """Mean of ``values`` and its percentile bootstrap interval ``(mean, low, high)``.

    An empty input gives ``(nan, nan, nan)``; a single value gives that value three times.
    ``draws`` (a dict, empty at first) keeps the resampled indices for reuse by later calls with
    the same ``random_state``: a generator seeded alike draws the same indices for the same
    number of values, so several measures of one group are resampled with one draw.

    References
    ----------
    Efron, B. & Tibshirani, R. (1993). *An Introduction to the Bootstrap*, ch. 13.
    """
    done = _resample(values, n_boot, confidence, random_state, draws)
    if len(done) == 3:
        return done
    alpha = (1 - confidence) / 2
    low, high = np.quantile(done[1], [alpha, 1 - alpha])
    return done[0], float(low), float(high)


def _resample(values, n_boot: int, confidence: float, random_state: int, draws: dict | None) -> tuple:
    """:func:`bootstrap_mean` up to its quantiles: ``(mean, low, high)`` when the interval needs none,
    else ``(mean, means)``, the ``n_boot`` resample means whose quantiles are the interval."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return (float("nan"),) * 3
    mean = float(x.mean())
    if x.size == 1 or np.all(x == x[0]):
        return mean, mean, mean
    if x.size > INDEX_MAX:
        rng = np.random.default_rng(random_state)
        values, counts = np.unique(x, return_counts=True)
        if values.size > MAX_DISTINCT:
            from scipy.stats import norm

            half = norm.ppf(1 - (1 - confidence) / 2) * x.std() / np.sqrt(x.size)
            return mean, mean - half, mean + half
        return mean, rng.multinomial(x.size, counts / x.size, size=n_boot) @ values / x.size
    key = (random_state, n_boot, x.size)
    idx = draws.get(key) if draws is not None else None
    if idx is None:
        idx = np.random.default_rng(random_state).integers(0, x.size, size=(n_boot, x.size))
        if draws is not None:
            draws[key] = idx
    return mean, np.take(x, idx).sum(axis=1) / x.size  # x[idx].mean(axis=1), bit for bit (mean is sum / n), faster


def _group_seed(key: tuple) -> int:
    """A stable number for a group's name (``hash`` of a string changes between Python runs)."""
    return zlib.crc32("\x1f".join(map(str, key)).encode("utf-8"))


def by_group(df: pd.DataFrame, group_cols, value_col: str, n_boot: int = N_BOOT,
             confidence: float = CONFIDENCE, random_state: int = 0) -> pd.DataFrame:
    """Per group: ``mean, ci_low, ci_high, n`` of ``value_col`` (rows with NaN are left out).

    Each group gets its own generator seeded from ``random_state`` and a checksum of the group's
    name, so adding or removing an outlet does not change another outlet's interval.
    """
    group_cols = [group_cols] if isinstance(group_cols, str) else list(group_cols)
    rows = _grouped_intervals(df, group_cols, [value_col], n_boot, confidence, random_state)[0]
    return pd.DataFrame(rows, columns=[*group_cols, "mean", "ci_low", "ci_high", "n"])


def by_group_measures(df: pd.DataFrame, group_cols, value_cols, n_boot: int = N_BOOT,
                      confidence: float = CONFIDENCE, random_state: int = 0, workers: int = 1) -> pd.DataFrame:
    """:func:`by_group` of each of ``value_cols``, stacked: ``<group_cols>, measure, mean, ci_low, ci_high, n``.

    The rows are those of ``by_group`` for each column in turn, number for number; a group's
    columns are resampled with one draw of indices where they have the same number of values
    (the same seed draws the same indices), which on many small groups (outlets within
    thousands of events) costs one draw instead of one per measure. ``workers`` > 1 splits many
    groups over forked processes, with the same numbers.
    """
    group_cols = [group_cols] if isinstance(group_cols, str) else list(group_cols)
    rows = _grouped_intervals(df, group_cols, value_cols, n_boot, confidence, random_state, workers)
    stacked = [(*r[:len(group_cols)], col, *r[len(group_cols):]) for col, part in zip(value_cols, rows) for r in part]
    return pd.DataFrame(stacked, columns=[*group_cols, "measure", "mean", "ci_low", "ci_high", "n"])


def group_slices(codes: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows ``order[bounds[g]:bounds[g + 1]]`` of group ``g`` (``codes``: group numbers, -1 for none,
    e.g. pandas' ``ngroup``), each group's rows in their order in the table; one stable sort."""
    order = np.argsort(codes, kind="stable")
    order = order[codes[order] >= 0]  # rows with a missing group name belong to no group
    return order, np.searchsorted(codes[order], np.arange(n_groups + 1))


def _grouped_intervals(df, group_cols: list, value_cols, n_boot, confidence, random_state,
                       workers: int = 1) -> list[list[tuple]]:
    """For each of ``value_cols``, the rows ``(*key, mean, low, high, n)`` of every group in key order.

    Every group has its own seed, so its numbers do not depend on the other groups: with
    ``workers`` > 1 and at least :data:`FORK_MIN_GROUPS` groups, runs of consecutive groups go to
    forked processes (:func:`analysis.engine.map_forked`) and their rows are joined in order.
    """
    grouped = df.groupby(group_cols, sort=True, observed=True)
    codes = grouped.ngroup().to_numpy()
    sizes = grouped.size()
    keys = [k if isinstance(k, tuple) else (k,) for k in sizes.index]
    order, bounds = group_slices(codes, len(keys))
    if not np.array_equal(np.diff(bounds), sizes.to_numpy()):  # group numbers and names out of step
        raise RuntimeError(f"grouping by {group_cols}: pandas numbered the groups unlike their names")
    values = [df[col].to_numpy(dtype=float)[order] for col in value_cols]
    job = (keys, bounds, values, n_boot, confidence, random_state)
    if workers <= 1 or len(keys) < FORK_MIN_GROUPS:
        return _intervals(*job, 0, len(keys))
    from .engine import map_forked

    cuts = np.linspace(0, len(keys), 4 * workers + 1).astype(int)  # a few runs per worker evens out their sizes
    parts = map_forked(_intervals, [(*job, a, b) for a, b in zip(cuts[:-1], cuts[1:]) if b > a], workers=workers)
    return [[row for part in parts for row in part[j]] for j in range(len(value_cols))]


def _intervals(keys, bounds, values, n_boot, confidence, random_state, first: int, stop: int) -> list[list[tuple]]:
    """:func:`_grouped_intervals` for groups ``first`` to ``stop - 1``. The quantiles of the
    resample means are taken for :data:`QUANTILE_BLOCK` intervals at a time, with the numbers
    :func:`numpy.quantile` gives each one alone (the same interpolation, row by row)."""
    alpha = (1 - confidence) / 2
    rows: list[list] = [[] for _ in values]
    pending: list = []  # (rows of one column, position, key, mean, n) of intervals still to take

    def take_quantiles():
        q = np.quantile(np.stack([p[5] for p in pending]), [alpha, 1 - alpha], axis=1)
        for (out, at, key, mean, n, _), low, high in zip(pending, q[0], q[1]):
            out[at] = (*key, mean, float(low), float(high), n)
        pending.clear()

    for g in range(first, stop):
        key = keys[g]
        seed, draws = random_state + _group_seed(key), {}
        for vals, out in zip(values, rows):
            vals = vals[bounds[g]:bounds[g + 1]]
            vals = vals[~np.isnan(vals)]
            done = _resample(vals, n_boot, confidence, seed, draws)
            if len(done) == 3:
                out.append((*key, *done, int(vals.size)))
                continue
            out.append(None)
            pending.append((out, len(out) - 1, key, done[0], int(vals.size), done[1]))
            if len(pending) == QUANTILE_BLOCK:
                take_quantiles()
    if pending:
        take_quantiles()
    return rows


def share_by_group(df: pd.DataFrame, group_cols, indicator_col: str, **kwargs) -> pd.DataFrame:
    """Per group: ``n_sentences, n_<indicator>, share, ci_low, ci_high`` of a 0/1 column."""
    out = by_group(df, group_cols, indicator_col, **kwargs)
    counts = df.groupby(group_cols, sort=True, observed=True)[indicator_col].sum().to_numpy()
    out = out.rename(columns={"mean": "share", "n": "n_sentences"})
    out.insert(len(out.columns) - 4, "n_hits", counts.astype(int))
    return out
