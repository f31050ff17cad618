"""LDA's variational E-step for all units at once (scikit-learn's model, without its per-unit Python loop).

scikit-learn's :class:`~sklearn.decomposition.LatentDirichletAllocation` updates each unit's
topic mixture ``gamma`` in a Python loop over units, with a few tiny NumPy calls per inner
iteration; on short units (3-sentence windows, ~25 distinct terms, k <= 6) that loop is
almost all of the cost of the topics stage (0.3 s per E-step on 800 units, and every batch
EM iteration and every convergence check runs one). :class:`VectorisedLDA` is that estimator
with two methods replaced by array code over blocks of :data:`E_STEP_BLOCK` units at once
(about 5x faster on the stage's units):

* ``_e_step``: the same fixed-point iteration per unit,
  ``gamma_d = alpha + exp(E[log theta_d]) * sum_w n_dw beta_kw / phi_dw`` with
  ``phi_dw = sum_k exp(E[log theta_dk]) beta_kw + eps``, started from the same random draws
  (``random_state_.gamma(100, 0.01)``, one draw for the whole batch as scikit-learn does with
  ``n_jobs=1``), stopping each unit when its mean absolute change falls below
  ``mean_change_tol`` or after ``max_doc_update_iter`` iterations, and the same sufficient
  statistics for the M-step. Units that have converged leave the working arrays.
* ``_approx_bound``: the same variational bound, with the per-unit ``logsumexp`` done for
  all (unit, term) pairs at once.

Everything else (initialisation, batch and online M-steps, learning rate, convergence checks
every ``evaluate_every`` iterations, ``transform``) is scikit-learn's own code. The mathematics
and every random draw are the same; only the order of floating-point operations differs (BLAS
dot products per unit versus sums over all pairs), so the fitted numbers agree with
scikit-learn to about 1e-12 relative, not to the last bit. The topics stage therefore uses it
only above a documented number of units (see :data:`analysis.topics.models.FAST_LDA_MIN_UNITS`),
so small corpora keep scikit-learn's exact numbers. It uses scikit-learn's compiled
``_dirichlet_expectation_2d`` (a private helper, so the same digamma approximation as the
loop it replaces); a scikit-learn upgrade that moves it shows up as an import error here.

References
----------
Blei, D. M., Ng, A. Y. & Jordan, M. I. (2003). Latent Dirichlet allocation. *JMLR*, 3, 993-1022.
Hoffman, M., Bach, F. R. & Blei, D. M. (2010). Online learning for latent Dirichlet
allocation. *NeurIPS*, 856-864.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.special import gammaln, logsumexp
from sklearn.decomposition import LatentDirichletAllocation
from sklearn.decomposition._online_lda_fast import _dirichlet_expectation_2d

COMPACT_SHARE = 0.5  # rebuild the working arrays when fewer than this share of their units still iterate
E_STEP_BLOCK = 8192  # units per block of the E-step and bound (memory: a few (pairs x k) float arrays per block)


def _unit_sums(lengths: np.ndarray) -> sp.csr_matrix:
    """A (units x pairs) matrix whose product with a (pairs x k) array sums each unit's pairs.

    Its ``data`` are the per-pair weights, set before each product.
    """
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    n_pairs = int(indptr[-1])
    return sp.csr_matrix((np.ones(n_pairs), np.arange(n_pairs), indptr), shape=(len(lengths), n_pairs))


class VectorisedLDA(LatentDirichletAllocation):
    """scikit-learn's LDA with the E-step and bound computed over blocks of units at once (see module)."""

    def _e_step(self, X, cal_sstats, random_init, parallel=None):
        X = sp.csr_matrix(X)
        n, k = X.shape[0], self.n_components
        if random_init:  # one draw for all units, as scikit-learn's single-job E-step makes
            gamma = self.random_state_.gamma(100.0, 0.01, (n, k)).astype(X.dtype, copy=False)
        else:
            gamma = np.ones((n, k), dtype=X.dtype)
        suff_stats = np.zeros(self.components_.shape, dtype=self.components_.dtype) if cal_sstats else None
        for start in range(0, n, E_STEP_BLOCK):  # blocks of units bound the memory of the working arrays
            stop = min(start + E_STEP_BLOCK, n)
            exp_doc_topic = self._e_step_block(X[start:stop], gamma[start:stop])
            if cal_sstats:
                suff_stats += self._block_stats(X[start:stop], exp_doc_topic)
        if cal_sstats:
            suff_stats *= self.exp_dirichlet_component_
        return gamma, suff_stats

    def _block_stats(self, X, exp_doc_topic):
        """sum_d exp(E[log theta_dk]) n_dw / phi_dw for the units of ``X`` (before the factor beta_kw)."""
        beta = self.exp_dirichlet_component_
        rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
        phi = np.take(exp_doc_topic, rows, axis=0)
        phi *= np.take(beta, X.indices, axis=1).T
        phi = phi.sum(axis=1) + np.finfo(X.dtype).eps
        ratio = sp.csr_matrix((X.data / phi, X.indices, X.indptr), shape=X.shape)
        return np.asarray((ratio.T @ exp_doc_topic).T)

    def _e_step_block(self, X, gamma):
        """Iterate the units of ``X`` from ``gamma`` (updated in place); return exp(E[log theta])."""
        n, k = X.shape[0], self.n_components
        dtype = X.dtype
        exp_doc_topic = np.exp(_dirichlet_expectation_2d(gamma))
        beta = self.exp_dirichlet_component_
        eps = np.finfo(dtype).eps
        prior = self.doc_topic_prior_
        tol = self.mean_change_tol

        lengths = np.diff(X.indptr)
        units = np.arange(n)                      # which unit each working row is
        rows = np.repeat(units, lengths)          # working row of each (unit, term) pair
        counts = X.data
        beta_pairs = np.ascontiguousarray(np.take(beta, X.indices, axis=1).T)  # (pairs, k)
        summer = _unit_sums(lengths)
        ones = np.ones(k, dtype=dtype)
        edt = exp_doc_topic.copy()
        dt = gamma.copy()
        alive = np.ones(n, dtype=bool)  # working rows not yet converged
        for _ in range(self.max_doc_update_iter):
            if not alive.any():
                break
            # phi_dw = sum_k exp(E[log theta_dk]) beta_kw + eps, for every (unit, term) pair
            phi = np.take(edt, rows, axis=0)
            phi *= beta_pairs
            phi = phi @ ones
            phi += eps
            np.divide(counts, phi, out=summer.data)
            new = edt * (summer @ beta_pairs)
            new += prior
            edt = np.exp(_dirichlet_expectation_2d(new))
            done = alive & (np.abs(dt - new).sum(axis=1) / k < tol)
            dt = new
            if done.any():
                gamma[units[done]] = dt[done]
                exp_doc_topic[units[done]] = edt[done]
                alive &= ~done
                if alive.sum() < COMPACT_SHARE * len(alive):  # drop converged rows from the working arrays
                    pair_keep = alive[rows]
                    units, dt, edt, lengths = units[alive], dt[alive], edt[alive], lengths[alive]
                    rows = np.repeat(np.arange(len(units)), lengths)
                    counts = counts[pair_keep]
                    beta_pairs = np.compress(pair_keep, beta_pairs, axis=0)
                    summer = _unit_sums(lengths)
                    alive = np.ones(len(units), dtype=bool)
        if alive.any():  # stopped at max_doc_update_iter
            gamma[units[alive]] = dt[alive]
            exp_doc_topic[units[alive]] = edt[alive]

        return exp_doc_topic

    def _approx_bound(self, X, doc_topic_distr, sub_sampling):
        X = sp.csr_matrix(X)
        n_features = self.components_.shape[1]
        dirichlet_doc_topic = _dirichlet_expectation_2d(doc_topic_distr)
        dirichlet_component_ = _dirichlet_expectation_2d(self.components_)
        # E[log p(docs | theta, beta)], in blocks of units
        score = 0.0
        for start in range(0, X.shape[0], E_STEP_BLOCK):
            block = X[start:start + E_STEP_BLOCK]
            rows = np.repeat(np.arange(block.shape[0]), np.diff(block.indptr))
            temp = np.take(dirichlet_doc_topic[start:start + E_STEP_BLOCK], rows, axis=0)
            temp += np.take(dirichlet_component_, block.indices, axis=1).T
            score += float(np.dot(block.data, logsumexp(temp, axis=1)))
        # E[log p(theta | alpha) - log q(theta | gamma)]
        score += _loglikelihood(self.doc_topic_prior_, doc_topic_distr, dirichlet_doc_topic, self.n_components)
        if sub_sampling:
            score *= float(self.total_samples) / X.shape[0]
        # E[log p(beta | eta) - log q (beta | lambda)]
        score += _loglikelihood(self.topic_word_prior_, self.components_, dirichlet_component_, n_features)
        return score


def _loglikelihood(prior, distr, dirichlet_distr, size) -> float:
    """scikit-learn's ``_approx_bound._loglikelihood``: the Dirichlet terms of the bound."""
    score = np.sum((prior - distr) * dirichlet_distr)
    score += np.sum(gammaln(distr) - gammaln(prior))
    score += np.sum(gammaln(prior * size) - gammaln(np.sum(distr, 1)))
    return score
