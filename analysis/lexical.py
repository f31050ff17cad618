"""Term frequencies and distinctive terms (weighted log-odds with an informative Dirichlet prior).

What is counted: the :func:`analysis.tokens.terms` of each sentence (stopwords, one-letter words
and numbers removed). Bigrams are pairs of adjacent terms *within one sentence* after stopword
removal (as quanteda's ``tokens_remove`` then ``tokens_ngrams``): "the South China Sea" gives
``south china`` and ``china sea``; no bigram spans a sentence boundary. Rates are per 1,000
*tokens* of :func:`analysis.tokens.tokenize` (stopwords included), the same denominator as
``n_tokens``, so a rate reads as "times per 1,000 words of the text".

Distinctive terms compare an outlet's term counts with a reference (the rest of the corpus, or
one other outlet) by the log-odds ratio with an informative Dirichlet prior of Monroe, Colaresi
& Quinn (2008) -- the "Fightin' Words" statistic -- and its z-score. Why by hand: the formula is
four lines, and the packages that have it (scattertext, ``convokit``) bring large dependency
trees and their own tokenisers.

References
----------
Monroe, B. L., Colaresi, M. P. & Quinn, K. M. (2008). Fightin' words: lexical feature selection
and evaluation for identifying the content of political conflict. *Political Analysis*, 16(4),
372-403.
"""
from __future__ import annotations

from collections import Counter
from itertools import combinations

import numpy as np
import pandas as pd

from .errors import ConfigError
from .tokens import load_stopwords, terms, tokenize

MAX_OUTLETS_FOR_PAIRS = 6
PRIOR_SMOOTHING = 0.01


def ngrams(seq, n: int) -> list[str]:
    """Adjacent ``n``-grams of ``seq`` joined by a space."""
    return [" ".join(seq[i:i + n]) for i in range(len(seq) - n + 1)]


def term_counts(sentences: pd.DataFrame, documents: pd.DataFrame, max_n: int = 2,
                stopwords=None) -> pd.DataFrame:
    """Long table ``doc_id, outlet, ngram, term, count`` (uni- to ``max_n``-grams per document)."""
    stop = load_stopwords() if stopwords is None else stopwords
    outlets = documents.set_index("doc_id")["outlet"]
    rows = []
    for doc_id, grp in sentences.sort_values(["doc_id", "sent_idx"]).groupby("doc_id", sort=True):
        counts = {n: Counter() for n in range(1, max_n + 1)}
        for text in grp["text"]:
            t = terms(str(text), stopwords=stop)
            for n in counts:
                counts[n].update(ngrams(t, n))
        for n, c in counts.items():
            rows += [(doc_id, outlets[doc_id], n, term, k) for term, k in c.items()]
    df = pd.DataFrame(rows, columns=["doc_id", "outlet", "ngram", "term", "count"])
    return df.sort_values(["doc_id", "ngram", "term"], ignore_index=True)


def token_totals(sentences: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """``doc_id, outlet, n_tokens``: all :func:`tokenize` tokens of each document's sentences."""
    n = sentences.groupby("doc_id")["text"].agg(lambda s: sum(len(tokenize(str(t))) for t in s))
    out = documents[["doc_id", "outlet"]].merge(n.rename("n_tokens").reset_index(), on="doc_id", how="left")
    out["n_tokens"] = out["n_tokens"].fillna(0).astype(int)
    return out


def frequencies(counts: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    """``term_frequencies`` table: per outlet and per document.

    Columns ``level`` ('outlet' or 'document'), ``outlet``, ``doc_id`` (empty at outlet level),
    ``ngram``, ``term``, ``count``, ``rate_per_1000`` (per 1,000 tokens), ``doc_freq`` (documents of
    that outlet containing the term; 1 at document level), ``n_docs`` and ``n_tokens``.
    """
    doc = counts.merge(totals[["doc_id", "n_tokens"]], on="doc_id")
    doc = doc.assign(level="document", doc_freq=1, n_docs=1)
    out_tokens = totals.groupby("outlet")["n_tokens"].sum()
    out_docs = totals.groupby("outlet")["doc_id"].nunique()
    outlet = (counts.groupby(["outlet", "ngram", "term"], as_index=False)
              .agg(count=("count", "sum"), doc_freq=("doc_id", "nunique")))
    outlet = outlet.assign(level="outlet", doc_id="", n_tokens=outlet["outlet"].map(out_tokens),
                           n_docs=outlet["outlet"].map(out_docs))
    cols = ["level", "outlet", "doc_id", "ngram", "term", "count", "rate_per_1000", "doc_freq",
            "n_docs", "n_tokens"]
    both = pd.concat([outlet, doc], ignore_index=True)
    both["rate_per_1000"] = 1000 * both["count"] / both["n_tokens"].where(both["n_tokens"] > 0)
    both = both.sort_values(["level", "outlet", "doc_id", "ngram", "count", "term"],
                            ascending=[False, True, True, True, False, True], ignore_index=True)
    return both[cols]


def log_odds(target: pd.Series, reference: pd.Series, prior: pd.Series) -> pd.DataFrame:
    """Weighted log-odds ratio with an informative Dirichlet prior, and its z-score.

    For term w with counts y_w (target, total n), r_w (reference, total m) and prior a_w
    (total a_0)::

        delta_w = log((y_w + a_w) / (n + a_0 - y_w - a_w)) - log((r_w + a_w) / (m + a_0 - r_w - a_w))
        var_w   = 1 / (y_w + a_w) + 1 / (r_w + a_w)
        z_w     = delta_w / sqrt(var_w)

    All three Series are indexed by term; the vocabulary is the union of their indexes, missing
    counts are 0. Returns ``term, count, count_ref, log_odds, z`` sorted by ``z`` (descending).

    References
    ----------
    Monroe, Colaresi & Quinn (2008), equations 15-22.
    """
    vocab = target.index.union(reference.index).union(prior.index)
    y = target.reindex(vocab, fill_value=0).astype(float)
    r = reference.reindex(vocab, fill_value=0).astype(float)
    a = prior.reindex(vocab, fill_value=0).astype(float)
    if (a <= 0).any():
        raise ValueError("log_odds: every term needs a positive prior; smooth the prior first.")
    n, m, a0 = y.sum(), r.sum(), a.sum()
    delta = np.log((y + a) / (n + a0 - y - a)) - np.log((r + a) / (m + a0 - r - a))
    z = delta / np.sqrt(1 / (y + a) + 1 / (r + a))
    out = pd.DataFrame({"term": vocab, "count": y.astype(int).to_numpy(), "count_ref": r.astype(int).to_numpy(),
                        "log_odds": delta.to_numpy(), "z": z.to_numpy()})
    return out.sort_values(["z", "term"], ascending=[False, True], ignore_index=True)


def make_prior(vocab, background: pd.Series | None, scale: float = 1.0,
               smoothing: float = PRIOR_SMOOTHING) -> pd.Series:
    """Dirichlet prior a_w = scale * background count + smoothing, over ``vocab`` and the background.

    With the corpus as background (the default) a_0 is ``scale`` times the corpus size, Monroe et
    al.'s informative prior; ``smoothing`` keeps terms the background lacks from a zero prior.
    """
    if background is None:
        background = pd.Series(dtype=float)
    idx = pd.Index(vocab).union(background.index)
    return scale * background.reindex(idx, fill_value=0).astype(float) + smoothing


def background_counts(texts, stopwords=None) -> pd.Series:
    """Unigram counts of a user's background corpus (an iterable of strings), by the same rules."""
    stop = load_stopwords() if stopwords is None else stopwords
    c = Counter(t for text in texts for t in terms(str(text), stopwords=stop))
    return pd.Series(c, dtype=float).sort_index()


def comparisons(outlets, pairs="auto") -> list[tuple[str, str]]:
    """(outlet, comparison) pairs: every outlet vs 'rest', plus outlet pairs.

    ``pairs='auto'`` adds both directions of every pair only when there are at most
    :data:`MAX_OUTLETS_FOR_PAIRS` outlets (6 outlets make 30 ordered pairs; 30 outlets would make
    870, too many to read); ``'all'`` always adds them, ``None`` never does, and a list of
    ``(a, b)`` tuples adds exactly those. A single outlet has no comparisons.
    """
    outlets = sorted(set(outlets))
    if len(outlets) < 2:  # nothing to compare with: no rows rather than divisions by an empty reference
        return []
    out = [(o, "rest") for o in outlets]
    if pairs == "auto":
        pairs = "all" if len(outlets) <= MAX_OUTLETS_FOR_PAIRS else None
    if pairs == "all":
        out += [p for a, b in combinations(outlets, 2) for p in ((a, b), (b, a))]
    elif pairs:
        for a, b in pairs:
            for o in (a, b):
                if o not in outlets:
                    raise ConfigError(f"pairs: outlet {o!r} is not in the corpus; choose from {outlets}.")
            out.append((a, b))
    return out


def outlet_term_matrix(counts: pd.DataFrame, ngram: int = 1) -> pd.DataFrame:
    """Terms x outlets count matrix for one n-gram size."""
    sub = counts[counts["ngram"] == ngram]
    return sub.pivot_table(index="term", columns="outlet", values="count", aggfunc="sum", fill_value=0)


def distinctive_terms(counts: pd.DataFrame, pairs="auto", background: pd.Series | None = None,
                      prior_scale: float = 1.0, ngram: int = 1) -> pd.DataFrame:
    """``distinctive_terms`` table: ``outlet, comparison, term, count, count_ref, log_odds, z``.

    ``comparison`` is 'rest' (all other outlets together) or the other outlet's name. The prior
    is the corpus's own counts (``background=None``) or a user's background counts (from
    :func:`background_counts`), scaled by ``prior_scale``. Only terms the outlet or its
    reference uses are listed.
    """
    mat = outlet_term_matrix(counts, ngram)
    prior = make_prior(mat.index, mat.sum(axis=1) if background is None else background, prior_scale)
    frames = []
    for outlet, comp in comparisons(mat.columns, pairs):
        ref = mat.drop(columns=outlet).sum(axis=1) if comp == "rest" else mat[comp]
        res = log_odds(mat[outlet], ref, prior)
        res = res[(res["count"] > 0) | (res["count_ref"] > 0)]
        frames.append(res.assign(outlet=outlet, comparison=comp))
    cols = ["outlet", "comparison", "term", "count", "count_ref", "log_odds", "z"]
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True)[cols]


def stage(run) -> str:
    """Tables ``term_frequencies``, ``distinctive_terms`` and ``keyness``."""
    from .keyness import keyness

    counts = term_counts(run.sentences, run.documents)
    totals = token_totals(run.sentences, run.documents)
    run.tables["term_frequencies"] = frequencies(counts, totals)
    pairs = run.params.get("lexical_pairs", "auto")
    run.tables["distinctive_terms"] = distinctive_terms(counts, pairs=pairs)
    run.tables["keyness"] = keyness(counts, pairs=pairs)
    n_terms = int((counts["ngram"] == 1).groupby(counts["term"]).any().sum())
    return f"{n_terms} distinct terms; distinctive terms and keyness for {counts['outlet'].nunique()} outlets"
