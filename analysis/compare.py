"""Outlet-level numbers with their uncertainty.

Everything the suite says about an outlet is an aggregate over its sentences, and with one or a
few articles per outlet those sentences are all the evidence there is. The interval is a
percentile bootstrap over sentences (resampling the outlet's sentences with replacement), so it
says how much the number would move with a different draw of sentences *like these*; it cannot
say anything about the outlet's other articles. Counts are always reported beside shares.

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
SMALL_SAMPLE_NOTE = (
    "Each outlet is represented here by very few articles (often one), so these numbers describe "
    "those articles, not the outlet's coverage in general. Intervals are 95% bootstrap intervals "
    "over sentences: they show how much a number depends on which sentences happened to be "
    "written, not how the outlet reports in general. Read the counts beside every share."
)


def bootstrap_mean(values, n_boot: int = N_BOOT, confidence: float = CONFIDENCE,
                   random_state: int = 0) -> tuple[float, float, float]:
    """Mean of ``values`` and its percentile bootstrap interval ``(mean, low, high)``.

    An empty input gives ``(nan, nan, nan)``; a single value gives that value three times.

    References
    ----------
    Efron, B. & Tibshirani, R. (1993). *An Introduction to the Bootstrap*, ch. 13.
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return (float("nan"),) * 3
    mean = float(x.mean())
    if x.size == 1 or np.all(x == x[0]):
        return mean, mean, mean
    rng = np.random.default_rng(random_state)
    idx = rng.integers(0, x.size, size=(n_boot, x.size))
    means = x[idx].mean(axis=1)
    alpha = (1 - confidence) / 2
    low, high = np.quantile(means, [alpha, 1 - alpha])
    return mean, float(low), float(high)


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
    rows = []
    for key, grp in df.groupby(group_cols, sort=True):
        vals = grp[value_col].to_numpy(dtype=float)
        vals = vals[~np.isnan(vals)]
        key = key if isinstance(key, tuple) else (key,)
        mean, low, high = bootstrap_mean(vals, n_boot, confidence, random_state + _group_seed(key))
        rows.append((*key, mean, low, high, int(vals.size)))
    return pd.DataFrame(rows, columns=[*group_cols, "mean", "ci_low", "ci_high", "n"])


def share_by_group(df: pd.DataFrame, group_cols, indicator_col: str, **kwargs) -> pd.DataFrame:
    """Per group: ``n_sentences, n_<indicator>, share, ci_low, ci_high`` of a 0/1 column."""
    out = by_group(df, group_cols, indicator_col, **kwargs)
    counts = df.groupby(group_cols, sort=True)[indicator_col].sum().to_numpy()
    out = out.rename(columns={"mean": "share", "n": "n_sentences"})
    out.insert(len(out.columns) - 4, "n_hits", counts.astype(int))
    return out
