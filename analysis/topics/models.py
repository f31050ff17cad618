"""Topic models (NMF on TF-IDF, LDA on counts), their labels, shares and passages.

* NMF (Frobenius loss, coordinate descent, at most 500 iterations, ``tol=1e-5``) is fitted on
  the TF-IDF unit-term matrix with a random initialisation drawn from ``random_state``; LDA
  (batch variational Bayes, at most 100 iterations, checked every 5 and stopped when the
  variational bound changes by less than 0.1; or, for the final fit on a large corpus, online
  mini-batch VB, batches of 512 units, 10 passes, or on more than 116,224 units as many
  passes as give about :data:`LDA_ONLINE_UPDATES` mini-batch updates, at least one: see
  :func:`online_passes`) on raw counts. The same ``random_state`` and input give the same topics.
* LDA on :data:`FAST_LDA_MIN_UNITS` or more units runs with the E-step vectorised over units
  (:class:`.vb.VectorisedLDA`: same model, same random draws, agreement with scikit-learn's
  per-unit loop to ~1e-12, about 5x faster); on fewer units scikit-learn's own loop runs, so small
  corpora keep their numbers to the last bit.
* A unit's topic proportions ``theta`` are its row of the unit-topic matrix scaled to sum to
  one (NMF's weights, LDA's posterior topic mixture). Units with no counted term are left out.
* Topics are labelled by FREX (Bischof & Airoldi 2012; ``stm::labelTopics``): per term, the
  weighted harmonic mean of its frequency rank within the topic (ECDF of the topic's
  normalised term weights) and its exclusivity rank (ECDF of the term's weight in this topic
  over its weight in all topics), with weight ``FREX_WEIGHT`` = 0.5 on exclusivity (stm's
  default). The label is the three highest-FREX terms; the table also keeps the top terms by
  weight.
* An outlet's topic share is the mean of its units' proportions, with a 95% percentile
  bootstrap interval over its units (:func:`analysis.compare.by_group`) and the number of
  units; shares are of text units, not of articles, and every unit counts the same.

References
----------
Lee, D. D. & Seung, H. S. (1999). Learning the parts of objects by non-negative matrix
factorization. *Nature*, 401, 788-791.
Blei, D. M., Ng, A. Y. & Jordan, M. I. (2003). Latent Dirichlet allocation. *JMLR*, 3, 993-1022.
Bischof, J. & Airoldi, E. M. (2012). Summarizing topical content with word frequency and
exclusivity. *ICML*, 201-208.
Hoffman, M., Bach, F. R. & Blei, D. M. (2010). Online learning for latent Dirichlet
allocation. *NeurIPS*, 856-864.
Roberts, M. E., Stewart, B. M. & Tingley, D. (2019). stm: An R package for structural topic
models. *Journal of Statistical Software*, 91(2).
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy.stats import rankdata
from sklearn.exceptions import ConvergenceWarning
from sklearn.decomposition import NMF, LatentDirichletAllocation

from ..compare import by_group
from ..errors import invalid_option
from .units import vectorizer
from .vb import VectorisedLDA

MODELS = ("nmf", "lda")
FREX_WEIGHT = 0.5
LDA_ONLINE_PASSES = 10
LDA_BATCH_SIZE = 512
LDA_ONLINE_UPDATES = 2048  # on large corpora, stop online LDA after about this many mini-batch updates
FAST_LDA_MIN_UNITS = 200  # from this many units on, LDA's E-step runs vectorised (VectorisedLDA)


def online_passes(n_units: int) -> int:
    """Passes of online LDA over ``n_units``: 10, or fewer once 10 would exceed ~2,048 mini-batch updates.

    Up to 116,224 units (227 batches of 512; ~11,000 articles of windows) this is
    :data:`LDA_ONLINE_PASSES`, so corpora of that size get the same topics as before any cap;
    a million units (~100,000 articles) get 2 passes, so the fit grows linearly with the corpus
    instead of ten times as fast. By then the learning
    rate ``(10 + t)^-0.7`` is below 0.008 and further passes move the topics little (Hoffman,
    Bach & Blei 2010): on the 10,000-article benchmark corpus, 5 passes instead of 10 gave the
    same top-10 terms for every topic and unit proportions within 0.005 on average.
    """
    n_batches = -(-int(n_units) // LDA_BATCH_SIZE)
    return max(1, min(LDA_ONLINE_PASSES, -(-LDA_ONLINE_UPDATES // max(n_batches, 1))))


class TopicModel:
    """A topic model over text units, scikit-learn style: parameters in ``__init__``, learn in ``fit``.

    Attributes after ``fit``: ``vocabulary_`` (terms), ``X_`` (sparse unit-term matrix),
    ``components_`` (topic x term weights), ``theta_`` (unit x topic proportions, rows sum to 1),
    ``kept_`` (boolean mask of the units that had a counted term), ``converged_`` (False when the
    solver stopped at ``max_iter``; scikit-learn's ConvergenceWarning is recorded here instead).
    """

    def __init__(self, model: str = "nmf", k: int = 3, min_df: int = 2, random_state: int = 0,
                 max_iter: int = 500, online: bool = False):
        if model not in MODELS:
            raise invalid_option("topic model", model, MODELS)
        self.model, self.k, self.min_df = model, int(k), int(min_df)
        self.random_state, self.max_iter, self.online = int(random_state), int(max_iter), bool(online)

    def fit(self, texts, X=None, vocabulary=None):
        """Fit on ``texts`` (or on a given matrix ``X`` with its ``vocabulary``, to reuse it across seeds)."""
        if X is None:
            vec = vectorizer(self.model, self.min_df)
            X = vec.fit_transform(list(texts))
            vocabulary = vec.get_feature_names_out()
        X = X.tocsr()
        self.kept_ = np.asarray(X.getnnz(axis=1) > 0)
        self.X_, self.vocabulary_ = X, np.asarray(vocabulary)
        Xk = X[self.kept_]
        if self.model == "nmf":
            est = NMF(n_components=self.k, init="random", random_state=self.random_state,
                      max_iter=self.max_iter, tol=1e-5)
        else:
            lda = VectorisedLDA if Xk.shape[0] >= FAST_LDA_MIN_UNITS else LatentDirichletAllocation
            if self.online:  # mini-batch variational Bayes: a few passes over a large corpus
                est = lda(n_components=self.k, learning_method="online", batch_size=LDA_BATCH_SIZE,
                          random_state=self.random_state, max_iter=online_passes(Xk.shape[0]))
            else:  # batch VB, stopped when the bound changes by less than perp_tol between checks
                est = lda(n_components=self.k, learning_method="batch", random_state=self.random_state,
                          max_iter=min(self.max_iter, 100), evaluate_every=5, perp_tol=0.1)
        with warnings.catch_warnings():  # recorded in converged_ and reported in topic_selection instead
            warnings.simplefilter("ignore", ConvergenceWarning)
            W = est.fit_transform(Xk)
        self.converged_ = self.online or bool(est.n_iter_ < est.max_iter)
        self.components_ = est.components_
        sums = W.sum(axis=1, keepdims=True)
        self.theta_ = np.divide(W, sums, out=np.full_like(W, 1.0 / self.k), where=sums > 0)
        return self


def frex(components: np.ndarray, weight: float = FREX_WEIGHT) -> np.ndarray:
    """FREX score of every (topic, term): harmonic mean of exclusivity and frequency ECDF ranks.

    References
    ----------
    Bischof, J. & Airoldi, E. M. (2012). *ICML*, 201-208.
    """
    comp = np.asarray(components, dtype=float)
    beta = comp / np.where(comp.sum(axis=1, keepdims=True) > 0, comp.sum(axis=1, keepdims=True), 1)
    col = beta.sum(axis=0, keepdims=True)
    excl = np.divide(beta, col, out=np.zeros_like(beta), where=col > 0)
    n = beta.shape[1]
    fr = rankdata(beta, axis=1) / n
    ex = rankdata(excl, axis=1) / n
    return 1.0 / (weight / ex + (1 - weight) / fr)


def terms_table(tm: TopicModel, n_terms: int = 10) -> pd.DataFrame:
    """``model, k, topic, rank, term, weight, frex`` for each topic's ``n_terms`` heaviest terms."""
    fx = frex(tm.components_)
    rows = []
    for t, row in enumerate(tm.components_):
        for r, j in enumerate(np.argsort(-row, kind="mergesort")[:n_terms], 1):
            rows.append((tm.model, tm.k, t + 1, r, tm.vocabulary_[j], float(row[j]), float(fx[t, j])))
    return pd.DataFrame(rows, columns=["model", "k", "topic", "rank", "term", "weight", "frex"])


def labels(tm: TopicModel, n: int = 3) -> dict:
    """Topic number -> label of its ``n`` highest-FREX terms (ties broken by weight)."""
    fx = frex(tm.components_)
    out = {}
    for t in range(tm.k):
        order = np.lexsort((-tm.components_[t], -fx[t]))[:n]
        out[t + 1] = f"{t + 1}: " + ", ".join(tm.vocabulary_[order])
    return out


def unit_topics(tm: TopicModel, units: pd.DataFrame, outlets: pd.DataFrame) -> pd.DataFrame:
    """Long table ``model, doc_id, outlet, unit, topic, weight`` of the kept units' proportions."""
    kept = units.loc[tm.kept_, ["doc_id", "unit"]].reset_index(drop=True)
    theta = pd.DataFrame(tm.theta_, columns=range(1, tm.k + 1))
    long = pd.concat([kept, theta], axis=1).melt(["doc_id", "unit"], var_name="topic", value_name="weight")
    long = long.merge(outlets, on="doc_id", how="left")
    long.insert(0, "model", tm.model)
    return long[["model", "doc_id", "outlet", "unit", "topic", "weight"]].sort_values(
        ["doc_id", "unit", "topic"], kind="mergesort").reset_index(drop=True)


def proportions(long: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """``model, outlet, topic, share, ci_low, ci_high, n_units``: mean unit proportion per outlet."""
    out = by_group(long, ["model", "outlet", "topic"], "weight", random_state=seed)
    return out.rename(columns={"mean": "share", "n": "n_units"})


def passages(long: pd.DataFrame, units: pd.DataFrame, topic_labels: dict, n: int = 3) -> pd.DataFrame:
    """The ``n`` units with the highest proportion of each topic, with their text."""
    top = (long.sort_values(["topic", "weight", "doc_id", "unit"], ascending=[True, False, True, True],
                            kind="mergesort").groupby("topic", sort=True).head(n).copy())
    top["rank"] = top.groupby("topic").cumcount() + 1
    top["label"] = top["topic"].map(topic_labels)
    top = top.merge(units[["doc_id", "unit", "first_sent", "last_sent", "text"]], on=["doc_id", "unit"])
    cols = ["model", "topic", "label", "rank", "doc_id", "outlet", "unit", "first_sent", "last_sent", "weight",
            "text"]
    return top[cols].sort_values(["topic", "rank"]).reset_index(drop=True)
