"""Topics per outlet: NMF and LDA on short text units, k chosen by coherence and stability.

The stage fits both models (:mod:`.models`) on sentence windows (:mod:`.units`) for each k in a
small range, reports NPMI coherence and seed stability for every k (:mod:`.validate`), keeps
the chosen k per model and writes:

* ``topic_selection.csv``: ``model, k, coherence, coherence_sd, stability, not_converged, chosen``
  (``not_converged``: how many of the seed fits stopped at the iteration limit);
* ``topic_terms.csv``: ``model, k, topic, rank, term, weight, frex`` (chosen k);
* ``topic_labels.csv``: ``model, k, topic, label`` (three highest-FREX terms);
* ``topic_proportions.csv``: ``model, outlet, topic, share, ci_low, ci_high, n_units``;
* ``topic_passages.csv``: the most representative units of each topic with their text;
* ``topic_units.csv``: every unit's topic proportions (``model, doc_id, outlet, unit, topic, weight``).

Cost: the units are tokenised once (one count matrix, from which NMF's TF-IDF and the
selection sample's matrix are derived) and everything stays sparse; the slow part is fitting
``2 models x len(k_range) x n_seeds`` times (LDA above all, linear in units and k), which on
a large corpus is done on a sample of constant size (below). From
:data:`~.models.FAST_LDA_MIN_UNITS` units on, LDA's E-step runs vectorised over units
(:mod:`.vb`).

Parameters (``run.params``): ``seed``; ``topic_unit`` (``window``/``paragraph``);
``topic_window`` (3 sentences); ``topic_k_range`` ([2, 6], inclusive); ``topic_k`` (fix k);
``topic_seeds`` (5); ``topic_top_n`` (10 terms for coherence, stability and tables);
``topic_min_df`` (2 units); ``topic_max_units`` (800); ``topic_models`` (``("nmf", "lda")``:
leave one out to switch that model off, e.g. LDA on a very large corpus; the progress line
then says so and its rows are missing from every ``topic_*`` table).

Scale: choosing k costs ``2 models x 5 k x 5 seeds`` fits. On a corpus with more than
``topic_max_units`` units, k is chosen on a seeded random sample of that many units (coherence
and stability are properties of the model family on this kind of text, and a sample of 800
passages estimates them well), and the final model at the chosen k is fitted once on every unit
(LDA with online mini-batch VB). The progress line says when this happened. On smaller corpora
the chosen model is the seed-``seed`` fit of the selection, exactly as before.

A corpus too small for topic models (fewer than :data:`MIN_UNITS` units, or too few terms shared
by two units) gets no topic tables, and the stage says so in the run's progress.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from joblib import Parallel, delayed

from ..errors import ConfigError
from ..errors import invalid_option
from .models import MODELS, TopicModel, frex, labels, passages, proportions, terms_table, unit_topics
from .units import count_matrix, make_units, model_matrix, subset_counts, unit_terms, vectorizer
from .validate import choose_k, npmi, stability, top_indices, topic_coherence

__all__ = ["TopicModel", "annotate", "frex", "make_units", "npmi", "select", "stability", "stage", "summarise",
           "topic_coherence"]
K_RANGE = (2, 6)
N_SEEDS = 5
TOP_N = 10
PARALLEL_MIN_UNITS = 300  # below this, starting worker processes costs more than it saves
MIN_UNITS = 8  # below this, coherence and stability over k = 2..6 mean nothing
MAX_SELECTION_UNITS = 800  # choose k on at most this many units (a seeded sample); fit the final model on all


def _fit_one(model, k, min_df, random_state, X, vocab) -> TopicModel:
    return TopicModel(model, k, min_df, random_state=random_state).fit(None, X=X, vocabulary=vocab)


def select(texts, model: str, k_range=K_RANGE, n_seeds: int = N_SEEDS, top_n: int = TOP_N, min_df: int = 2,
           seed: int = 0, n_jobs: int | None = None, X=None, vocabulary=None) -> tuple[pd.DataFrame, dict]:
    """Fit ``model`` for every k and ``n_seeds`` seeds; return the selection table and the seed-``seed`` fits.

    Seeds are ``seed, seed + 1, ...``; coherence is the mean (and SD) over seeds of the
    model's mean topic NPMI, stability the mean matched Jaccard over pairs of seeds. The fits
    run in parallel processes (joblib) when there are at least :data:`PARALLEL_MIN_UNITS` units
    and ``n_jobs`` is not 1 (the stage passes 1 for ``--workers 1`` and when it runs alongside
    the other stages, in a process of its own).
    ``X`` and ``vocabulary`` (the model's matrix of ``texts``, see :func:`.units.model_matrix`)
    skip tokenising ``texts`` again.
    """
    if X is None:
        vec = vectorizer(model, min_df)
        X = vec.fit_transform(list(texts)).tocsr()
        vocabulary = vec.get_feature_names_out()
    X, vocab = X.tocsr(), np.asarray(vocabulary)
    if X.shape[1] < 2:
        raise ConfigError(f"topics: only {X.shape[1]} term(s) occur in {min_df}+ units; lower topic_min_df "
                          "or use a bigger corpus.")
    n_top = min(top_n, X.shape[1])
    ks = list(range(int(k_range[0]), int(k_range[1]) + 1))
    jobs = [(k, s) for k in ks for s in range(n_seeds)]
    # every fit has its own seed, so running them in other processes changes no number
    n_jobs = n_jobs if n_jobs is not None else (-1 if X.shape[0] >= PARALLEL_MIN_UNITS else 1)
    fitted = Parallel(n_jobs=n_jobs)(
        delayed(_fit_one)(model, k, min_df, seed + s, X, vocab) for k, s in jobs)
    by_key = dict(zip(jobs, fitted))
    rows, fits = [], {}
    for k in ks:
        cohs, tops = [], []
        not_converged = sum(not by_key[(k, s)].converged_ for s in range(n_seeds))
        for s in range(n_seeds):
            tm = by_key[(k, s)]
            idx = top_indices(tm.components_, n_top)
            cohs.append(np.nanmean(topic_coherence(idx, tm.X_[tm.kept_])))
            tops.append([set(i) for i in idx])
            if s == 0:
                fits[k] = tm
        rows.append((model, k, float(np.mean(cohs)), float(np.std(cohs)), stability(tops), not_converged))
    table = pd.DataFrame(rows, columns=["model", "k", "coherence", "coherence_sd", "stability", "not_converged"])
    return table, fits


def _k_range(params: dict) -> tuple[int, int]:
    kr = params.get("topic_k_range", K_RANGE)
    try:
        lo, hi = (int(v) for v in kr)
    except (TypeError, ValueError):
        raise ConfigError(f"topic_k_range={kr!r}: give two whole numbers [low, high], e.g. [2, 6].") from None
    if not 2 <= lo <= hi:
        raise ConfigError(f"topic_k_range={kr!r}: need 2 <= low <= high.")
    return lo, hi


def _models(params: dict) -> list[str]:
    asked = params.get("topic_models", MODELS)
    asked = [asked] if isinstance(asked, str) else list(asked)
    for m in asked:
        if m not in MODELS:
            raise invalid_option("topic_models", m, MODELS)
    if not asked:
        raise ConfigError("topic_models is empty: name at least one of nmf, lda (or skip the topics stage).")
    return [m for m in MODELS if m in asked]


def annotate(run) -> None:
    """Per-document part: each article's units and their terms, as the intermediate table ``_topic_units``.

    Units come in the order of the articles in ``run.sentences`` (:func:`.units.make_units`
    with ``sort=False``), so the table of a corpus is the concatenation of its chunks' tables.
    """
    p = run.params
    units = make_units(run.sentences, p.get("topic_unit", "window"), int(p.get("topic_window", 3)), sort=False)
    units["terms"] = unit_terms(units["text"])
    run.tables["_topic_units"] = units


def stage(run) -> str:
    """Fit, validate and describe the topic models; add the ``topic_*`` tables to ``run``."""
    annotate(run)
    return summarise(run)


def summarise(run) -> str:
    """Corpus-level part: vocabulary, model selection, final fits and the ``topic_*`` tables."""
    p = run.params
    seed, top_n = int(p.get("seed", 0)), int(p.get("topic_top_n", TOP_N))
    n_seeds = int(p.get("topic_seeds", N_SEEDS))
    if n_seeds < 5:
        raise ConfigError(f"topic_seeds={n_seeds}: stability needs at least 5 seeds.")
    models = _models(p)
    from ..engine import worker_count

    n_jobs = None if worker_count(p.get("workers")) > 1 else 1  # --workers 1: the selection fits in this process
    if "_topic_units" not in run.tables:
        annotate(run)
    # make_units' order (doc_id, unit): a stable sort keeps each article's units in order
    units = run.tables.pop("_topic_units").sort_values("doc_id", kind="mergesort").reset_index(drop=True)
    lo, hi = _k_range(p)
    hi = min(hi, max(lo, len(units) - 1))
    fixed = int(p["topic_k"]) if p.get("topic_k") else None
    if fixed is not None and not lo <= fixed <= hi:
        raise ConfigError(f"topic_k={fixed}: outside topic_k_range {lo}..{hi}; widen the range or change k.")
    outlets = run.documents[["doc_id", "outlet"]]
    out = {name: [] for name in ("selection", "terms", "labels", "proportions", "passages", "units")}
    summary = []
    if len(units) < MIN_UNITS:
        return (f"skipped: {len(units)} text units, topic models need at least {MIN_UNITS}; no topic tables "
                "(add articles, or set topic_window to 1)")
    min_df = int(p.get("topic_min_df", 2))
    max_units = int(p.get("topic_max_units", MAX_SELECTION_UNITS))
    sampled = len(units) > max_units
    try:  # every unit tokenised once; both models and the selection sample use these counts
        counts, vocab = count_matrix(units.pop("terms"), min_df, tokenised=True)
    except ValueError as exc:  # sklearn: "After pruning, no terms remain"
        return f"skipped: too few shared terms for topic models ({str(exc).splitlines()[0]}); no topic tables"
    if sampled:  # rows of a seeded sample, in corpus order
        rows = np.sort(units.sample(max_units, random_state=seed).index.to_numpy())
        sample_counts, sample_vocab = subset_counts(counts, rows, vocab, min_df)
    for model in models:
        try:
            X_sel, v_sel = model_matrix(model, sample_counts, sample_vocab) if sampled else \
                model_matrix(model, counts, vocab)
            sel, fits = select(None, model, (lo, hi), n_seeds, top_n, min_df, seed, n_jobs, X=X_sel, vocabulary=v_sel)
        except (ConfigError, ValueError) as exc:
            return f"skipped: too few shared terms for topic models ({str(exc).splitlines()[0]}); no topic tables"
        k = fixed or choose_k(sel)
        sel["chosen"] = sel["k"] == k
        if sampled:  # k was chosen on a sample: the model that describes the corpus sees every unit
            X_all, v_all = model_matrix(model, counts, vocab)
            tm = TopicModel(model, k, min_df, random_state=seed, online=model == "lda").fit(
                None, X=X_all, vocabulary=v_all)
        else:
            tm = fits[k]
        lab = labels(tm)
        long = unit_topics(tm, units, outlets)
        out["selection"].append(sel)
        out["terms"].append(terms_table(tm, top_n))
        out["labels"].append(pd.DataFrame({"model": model, "k": k, "topic": list(lab), "label": list(lab.values())}))
        out["proportions"].append(proportions(long, seed))
        out["passages"].append(passages(long, units, lab, int(p.get("topic_passages", 3))))
        out["units"].append(long)
        summary.append(f"{model} k={k}")
    for name, frames in out.items():
        run.tables[f"topic_{name}"] = pd.concat(frames, ignore_index=True)
    on = f"k chosen on a random sample of {max_units} units; " if sampled else ""
    off = [m for m in MODELS if m not in models]
    off = f"; {', '.join(off)} switched off (topic_models)" if off else ""
    return f"{len(units)} units; {on}" + ", ".join(summary) + off
