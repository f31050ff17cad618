"""Keyness as quanteda's ``textstat_keyness`` offers it: chi-square, G2, PMI and Fisher's exact test.

For each term the target (an outlet) and the reference (the rest of the corpus, or one other
outlet) form a 2 x 2 table::

                    term     other terms
        target       a           c          (a + c = total_target)
        reference    b           d          (b + d = total_reference)

with expected counts E_a = (a + b)(a + c) / N. Every statistic is *signed* as in quanteda:
positive when the term is more frequent in the target than expected (a > E_a).

* ``chi2``: Pearson's chi-square with Yates' continuity correction, each |O - E| reduced by
  ``min(0.5, |O - E|)`` (as R's ``chisq.test(correct=TRUE)``, which quanteda matches); p from
  chi-square with 1 df.
* ``lr``: log-likelihood G2 = 2 sum O ln(O / E), without correction (Dunning 1993); p from
  chi-square with 1 df.
* ``pmi``: pointwise mutual information ln(a / E_a) (natural log; -inf when a = 0); no p-value.
* ``exact``: Fisher's exact test (scipy), two-sided p; the statistic is the sample odds ratio
  ad / bc (quanteda reports R's conditional maximum-likelihood estimate, which differs slightly).

Each row also carries ``log_ratio``, Hardie's (2014) effect size: log2 of the ratio of the
term's relative frequencies in target and reference, a zero count replaced by 0.5.

Table ``keyness`` (long format): ``outlet, comparison, term, measure, statistic, p, n_target,
n_reference, total_target, total_reference, log_ratio``; ``n_*`` are the term's raw counts and
``total_*`` the term counts of each side (unigrams after stopword removal).

Why by hand: no maintained Python package offers quanteda's set of keyness measures on a count
table; each is a line of numpy on top of ``scipy.stats``.

References
----------
Dunning, T. (1993). Accurate methods for the statistics of surprise and coincidence.
*Computational Linguistics*, 19(1), 61-74.
Rayson, P. & Garside, R. (2000). Comparing corpora using frequency profiling. *Proceedings of
the Workshop on Comparing Corpora*, 1-6.
Hardie, A. (2014). Log Ratio: an informal introduction. ESRC Centre for Corpus Approaches to
Social Science (CASS).
Benoit, K. et al. (2018). quanteda: an R package for the quantitative analysis of textual data.
*Journal of Open Source Software*, 3(30), 774 (``textstat_keyness``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .errors import invalid_option
from .lexical import comparisons, outlet_term_matrix

MEASURES = ("chi2", "lr", "pmi", "exact")


def _table(a, b, total_target, total_reference):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    c, d = total_target - a, total_reference - b
    n = total_target + total_reference
    obs = np.stack([a, b, c, d])
    row = np.stack([np.full_like(a, total_target), np.full_like(a, total_reference)] * 2)
    col = np.stack([a + b, a + b, c + d, c + d])
    return obs, row * col / n


def keyness_scores(a, b, total_target: float, total_reference: float,
                   measure: str = "chi2") -> tuple[np.ndarray, np.ndarray]:
    """Signed statistic and p-value of ``measure`` for term counts ``a`` (target), ``b`` (reference).

    References
    ----------
    See the module docstring (Dunning 1993; Rayson & Garside 2000; quanteda).
    """
    if measure not in MEASURES:
        raise invalid_option("measure", measure, MEASURES)
    obs, exp = _table(a, b, total_target, total_reference)
    sign = np.where(obs[0] >= exp[0], 1.0, -1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        if measure == "chi2":
            dev = np.abs(obs - exp)
            dev = dev - np.minimum(0.5, dev)
            stat = np.sum(dev ** 2 / exp, axis=0)
            return sign * stat, stats.chi2.sf(stat, 1)
        if measure == "lr":
            terms = np.where(obs > 0, obs * np.log(obs / exp), 0.0)
            stat = 2 * np.sum(terms, axis=0)
            return sign * stat, stats.chi2.sf(stat, 1)
        if measure == "pmi":
            return np.log(obs[0] / exp[0]), np.full(obs.shape[1], np.nan)
    return _fisher(obs.T.astype(int))


def _fisher(tables: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Odds ratio and two-sided p of Fisher's exact test for each row ``a, b, c, d`` of ``tables``.

    The steps of ``scipy.stats.fisher_exact`` for a 2 x 2 table (the hypergeometric p of the table,
    then the tail beyond the mode found by binary search, with scipy's relative tolerance 1e-14),
    done for all tables at once with the same ``scipy.stats.hypergeom`` calls, so the values are
    scipy's to the last bit (the tests compare them) at a thousandth of the cost.
    """
    a, b, c, d = (np.asarray(x, dtype=np.int64) for x in np.asarray(tables, dtype=np.int64).reshape(-1, 4).T)
    hg = stats.hypergeom
    n1, n2, n = a + c, b + d, a + b
    total = n1 + n2
    odds = np.full(len(a), np.inf)
    finite = (b > 0) & (c > 0)
    odds[finite] = a[finite] * d[finite] / (b[finite] * c[finite])
    p = np.ones(len(a))
    empty = (n1 == 0) | (n2 == 0) | (n == 0) | (c + d == 0)
    odds[empty] = np.nan
    idx = np.flatnonzero(~empty)
    if not len(idx):
        return odds, p
    a, n1, n, total = a[idx], n1[idx], n[idx], total[idx]
    gamma = 1 + 1e-14
    mode = ((n + 1) * (n1 + 1) / (total + 2)).astype(np.int64)
    pexact, pmode = hg.pmf(a, total, n1, n), hg.pmf(mode, total, n1, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        at_mode = np.abs(pexact - pmode) / np.maximum(pexact, pmode) <= 1e-14
    lower = a < mode
    out = np.ones(len(a))
    # below the mode: the lower tail, plus the upper tail from the far point with pmf <= p(table)
    tail = np.where(lower, hg.cdf(a, total, n1, n), hg.sf(a - 1, total, n1, n))
    end = np.where(lower, n, 0)
    done = at_mode | (hg.pmf(end, total, n1, n) > pexact * gamma)
    out[~at_mode & done] = tail[~at_mode & done]
    todo = np.flatnonzero(~done)
    if len(todo):
        sign = np.where(lower[todo], -1.0, 1.0)
        args = (total[todo], n1[todo], n[todo])
        guess = _search(lambda i, x: sign[i] * hg.pmf(x, *(v[i] for v in args)), sign * pexact[todo] * gamma,
                        np.where(lower[todo], mode[todo], 0), np.where(lower[todo], n[todo], mode[todo]))
        far = np.where(lower[todo], hg.sf(guess, *args), hg.cdf(guess, *args))
        out[todo] = tail[todo] + far
    p[idx] = np.minimum(out, 1.0)
    return odds, p


def _search(func, target, lo, hi) -> np.ndarray:
    """scipy's ``_binary_search`` on many increasing functions at once: i with func(i) <= target < func(i + 1).

    ``func(rows, x)`` evaluates the functions of ``rows`` at ``x``.
    """
    lo, hi = lo.copy(), hi.copy()
    found = np.full(len(lo), -1, dtype=np.int64)
    active = np.flatnonzero(lo < hi)
    while len(active):
        mid = lo[active] + (hi[active] - lo[active]) // 2
        val = func(active, mid)
        below, above = val < target[active], val > target[active]
        lo[active[below]] = mid[below] + 1
        hi[active[above]] = mid[above] - 1
        hit = ~below & ~above
        found[active[hit]] = mid[hit]
        active = active[~hit]
        active = active[lo[active] < hi[active]]
    rest = np.flatnonzero(found < 0)
    found[rest] = np.where(func(rest, lo[rest]) <= target[rest], lo[rest], lo[rest] - 1)
    return found


def log_ratio(a, b, total_target: float, total_reference: float) -> np.ndarray:
    """Hardie's Log Ratio: log2((a / total_target) / (b / total_reference)), zeros as 0.5."""
    a = np.where(np.asarray(a, dtype=float) == 0, 0.5, a)
    b = np.where(np.asarray(b, dtype=float) == 0, 0.5, b)
    return np.log2((a / total_target) / (b / total_reference))


def keyness_table(target: pd.Series, reference: pd.Series, measures=MEASURES) -> pd.DataFrame:
    """Long table of every measure for the terms used in ``target`` or ``reference``."""
    vocab = target.index.union(reference.index)
    a = target.reindex(vocab, fill_value=0).to_numpy(dtype=float)
    b = reference.reindex(vocab, fill_value=0).to_numpy(dtype=float)
    keep = (a + b) > 0
    vocab, a, b = vocab[keep], a[keep], b[keep]
    nt, nr = float(target.sum()), float(reference.sum())
    lr2 = log_ratio(a, b, nt, nr)
    frames = []
    for m in measures:
        stat, p = keyness_scores(a, b, nt, nr, m)
        frames.append(pd.DataFrame({"term": vocab, "measure": m, "statistic": stat, "p": p,
                                    "n_target": a.astype(int), "n_reference": b.astype(int),
                                    "total_target": int(nt), "total_reference": int(nr),
                                    "log_ratio": lr2}))
    return pd.concat(frames, ignore_index=True)


def keyness(counts, pairs="auto", measures=MEASURES, ngram: int = 1) -> pd.DataFrame:
    """``keyness`` table for every outlet vs the rest (and outlet pairs, see ``lexical.comparisons``).

    ``counts`` is the ``term_counts`` table or a :class:`analysis.lexical.TermCounts`.
    """
    for m in measures:
        if m not in MEASURES:
            raise invalid_option("measure", m, MEASURES)
    mat = outlet_term_matrix(counts, ngram)
    frames = []
    for outlet, comp in comparisons(mat.columns, pairs):
        ref = mat.drop(columns=outlet).sum(axis=1) if comp == "rest" else mat[comp]
        res = keyness_table(mat[outlet], ref, measures)
        frames.append(res.assign(outlet=outlet, comparison=comp))
    cols = ["outlet", "comparison", "term", "measure", "statistic", "p", "n_target", "n_reference",
            "total_target", "total_reference", "log_ratio"]
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)[cols]
    return out.sort_values(["outlet", "comparison", "measure", "statistic", "term"],
                           ascending=[True, True, True, False, True], ignore_index=True)
