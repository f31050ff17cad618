"""How many topics: NPMI coherence on the corpus and stability across random seeds.

Coherence
---------
For the top ``N`` terms of a topic (by weight, default 10), every pair ``(w_i, w_j)`` gets its
normalised pointwise mutual information from *unit-level* co-occurrence in the same units the
model was fitted on: ``P(w)`` is the share of units containing ``w`` and ``P(w_i, w_j)`` the
share containing both;

    NPMI = log(P(w_i, w_j) / (P(w_i) P(w_j))) / -log P(w_i, w_j),

in [-1, 1], with NPMI = -1 for a pair that never co-occurs and +1 for a pair present in every
unit. A topic's coherence is the mean over its pairs; a model's is the mean over its topics.
This is intrinsic coherence (measured on the fitting corpus, no external reference corpus
can be downloaded), so it rewards topics that merely reproduce the corpus's co-occurrences;
with a few dozen units it is noisy and is read together with stability.

Stability
---------
The model is fitted with ``n_seeds`` (>= 5) random seeds. For each pair of fits, topics are
matched one-to-one with the Hungarian algorithm (:func:`scipy.optimize.linear_sum_assignment`)
maximising the Jaccard overlap of their top-``N`` term sets; the pair's agreement is the mean
Jaccard of matched topics, and stability is the mean over all pairs of seeds (1 = every seed
finds the same topics). Seeds change the NMF random initialisation and LDA's variational
initialisation; the data stay the same.

Choice of k: among the ``k`` whose stability is at least ``MIN_STABILITY`` (0.5; all k if none
reaches it), those whose coherence is within one standard deviation over seeds of the highest
coherence are taken as equally coherent, and of these the most stable k is chosen (then the
smallest). Coherence differences smaller than their seed-to-seed spread are noise, and a
stable solution is the one a replication would find. A user may fix ``k``.

Why by hand: gensim's ``CoherenceModel`` computes NPMI but brings its own tokenisation and a
heavy dependency; both measures are a few lines over the sparse unit-term matrix.

References
----------
Bouma, G. (2009). Normalized (pointwise) mutual information in collocation extraction.
*Proceedings of GSCL*, 31-40.
Lau, J. H., Newman, D. & Baldwin, T. (2014). Machine reading tea leaves: Automatically
evaluating topic coherence and topic model quality. *EACL*, 530-539.
Greene, D., O'Callaghan, D. & Cunningham, P. (2014). How many topics? Stability analysis for
topic models. *ECML PKDD*, 498-513.
Kuhn, H. W. (1955). The Hungarian method for the assignment problem. *Naval Research
Logistics Quarterly*, 2, 83-97.
"""
from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

MIN_STABILITY = 0.5


def npmi(p_i: float, p_j: float, p_ij: float) -> float:
    """NPMI of two terms from their unit probabilities and joint probability (see module)."""
    if p_ij <= 0:
        return -1.0
    if p_ij >= 1:
        return 1.0
    return float(np.log(p_ij / (p_i * p_j)) / -np.log(p_ij))


def topic_coherence(top_idx, X) -> np.ndarray:
    """Mean pairwise NPMI of each topic's top terms; ``top_idx`` is one list of column indices per topic.

    ``X`` is the (sparse) unit-term matrix; only presence counts. A topic with fewer than two
    terms gets NaN.
    """
    n = X.shape[0]
    out = []
    for idx in top_idx:
        idx = list(idx)
        if len(idx) < 2:
            out.append(np.nan)
            continue
        sub = (X[:, idx] > 0).astype(float)
        df = np.asarray(sub.sum(axis=0)).ravel() / n
        co = np.asarray((sub.T @ sub).todense() if hasattr(sub, "todense") else sub.T @ sub) / n
        vals = [npmi(df[a], df[b], co[a, b]) for a, b in combinations(range(len(idx)), 2)]
        out.append(float(np.mean(vals)))
    return np.asarray(out)


def top_indices(components: np.ndarray, n: int) -> list[np.ndarray]:
    """Column indices of each topic's ``n`` heaviest terms, heaviest first (ties by column)."""
    return [np.argsort(-row, kind="mergesort")[:n] for row in components]


def jaccard(a, b) -> float:
    a, b = set(a), set(b)
    return len(a & b) / len(a | b) if a | b else 1.0


def match_topics(tops_a, tops_b) -> tuple[np.ndarray, np.ndarray]:
    """Hungarian matching of two fits' topics by Jaccard of top terms: ``(pairs, jaccards)``."""
    sim = np.array([[jaccard(a, b) for b in tops_b] for a in tops_a])
    rows, cols = linear_sum_assignment(-sim)
    return np.column_stack([rows, cols]), sim[rows, cols]


def stability(tops_by_seed) -> float:
    """Mean matched-topic Jaccard over all pairs of fits (one list of top-term sets per seed)."""
    scores = [match_topics(a, b)[1].mean() for a, b in combinations(tops_by_seed, 2)]
    return float(np.mean(scores)) if scores else float("nan")


def choose_k(selection: pd.DataFrame, min_stability: float = MIN_STABILITY) -> int:
    """The chosen k (see module): stable, coherent within noise of the best, then most stable.

    Among the k with ``stability >= min_stability`` (all k if none), take those whose coherence
    is within one seed-SD (``coherence_sd`` of the best k) of the highest; of these the most
    stable, then the smallest k.
    """
    ok = selection[selection["stability"] >= min_stability]
    pool = ok if len(ok) else selection
    best = pool.loc[pool["coherence"].idxmax()]
    sd = float(best.get("coherence_sd", 0.0) or 0.0)
    near = pool[pool["coherence"] >= best["coherence"] - sd]
    near = near.sort_values(["stability", "k"], ascending=[False, True], kind="mergesort")
    return int(near["k"].iloc[0])
