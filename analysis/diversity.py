"""Lexical diversity per document: TTR, MATTR, MTLD and HD-D.

Every measure counts the tokens of :func:`analysis.tokens.tokenize` (lower-cased, stopwords and
numbers kept: diversity is about every word the reader meets) over the document's sentences.

Why by hand: the ``lexical-diversity`` and ``lexicalrichness`` packages each tokenise on their
own (so their counts would not match ``n_tokens``), differ in how they treat MTLD's last partial
factor, and are small, rarely released libraries. Each measure here is a few lines, follows the
cited paper, and is pinned by known-answer tests worked by hand.

Edge cases (all documented, none silent): a text with no tokens gives NaN everywhere; MATTR on a
text shorter than the window is the text's TTR; MTLD is NaN when a pass ends with no factor at
all (every token different, so the TTR never falls); HD-D is NaN for fewer tokens than the
sample size.
"""
from __future__ import annotations

import math
from collections import Counter

import pandas as pd

from .tokens import tokenize

MATTR_WINDOW = 50
MTLD_THRESHOLD = 0.72
HDD_SAMPLE = 42
MEASURES = ("ttr", "mattr", "mtld", "hdd")


def ttr(tokens) -> float:
    """Type-token ratio: distinct tokens / tokens.

    References
    ----------
    Templin, M. C. (1957). *Certain Language Skills in Children*. University of Minnesota Press.
    """
    tokens = list(tokens)
    return len(set(tokens)) / len(tokens) if tokens else math.nan


def mattr(tokens, window: int = MATTR_WINDOW) -> float:
    """Moving-average TTR: mean TTR of every window of ``window`` consecutive tokens.

    A text shorter than the window gets its plain TTR. Computed in one pass with a running count.

    References
    ----------
    Covington, M. A. & McFall, J. D. (2010). Cutting the Gordian knot: the moving-average
    type-token ratio (MATTR). *Journal of Quantitative Linguistics*, 17(2), 94-100.
    """
    tokens = list(tokens)
    if len(tokens) <= window:
        return ttr(tokens)
    counts = Counter(tokens[:window])
    total = len(counts)
    for i in range(window, len(tokens)):
        old, new = tokens[i - window], tokens[i]
        counts[old] -= 1
        if counts[old] == 0:
            del counts[old]
        counts[new] += 1
        total += len(counts)
    return total / (len(tokens) - window + 1) / window


def _mtld_pass(tokens, threshold: float) -> float:
    """Factor count of one pass, including the partial factor at the end."""
    factors, types, count = 0.0, set(), 0
    for tok in tokens:
        types.add(tok)
        count += 1
        if len(types) / count <= threshold:
            factors += 1
            types, count = set(), 0
    if count:
        factors += (1 - len(types) / count) / (1 - threshold)
    return factors


def mtld(tokens, threshold: float = MTLD_THRESHOLD) -> float:
    """Measure of textual lexical diversity, the mean of a forward and a backward pass.

    Each pass reads tokens in order, keeping the running TTR of the current segment; when it
    falls to ``threshold`` (0.72) or below a factor is complete and a new segment starts. The
    segment left at the end adds the partial factor ``(1 - TTR) / (1 - threshold)``. A pass's
    MTLD is tokens / factors; the result is the mean of the forward and backward values. NaN if
    a pass has no factor at all (no repetition).

    References
    ----------
    McCarthy, P. M. & Jarvis, S. (2010). MTLD, vocd-D, and HD-D: a validation study of
    sophisticated approaches to lexical diversity assessment. *Behavior Research Methods*,
    42(2), 381-392.
    """
    tokens = list(tokens)
    if not tokens:
        return math.nan
    values = []
    for seq in (tokens, tokens[::-1]):
        f = _mtld_pass(seq, threshold)
        values.append(len(tokens) / f if f > 0 else math.nan)
    return sum(values) / 2


def hdd(tokens, sample: int = HDD_SAMPLE) -> float:
    """HD-D: expected TTR of a random sample of ``sample`` tokens (hypergeometric).

    For each type of frequency f among N tokens, the probability that it appears at least once
    in a sample of ``sample`` tokens drawn without replacement is ``1 - C(N-f, s) / C(N, s)``;
    HD-D is the sum of these probabilities divided by ``s`` (so it reads as a TTR, 0-1; multiply
    by 42 for the "sum" scale some papers report). NaN for fewer than ``sample`` tokens.

    References
    ----------
    McCarthy, P. M. & Jarvis, S. (2007). vocd: a theoretical and empirical evaluation.
    *Language Testing*, 24(4), 459-488.
    McCarthy, P. M. & Jarvis, S. (2010), see :func:`mtld`.
    """
    tokens = list(tokens)
    n = len(tokens)
    if n < sample or sample <= 0:
        return math.nan
    denom = math.comb(n, sample)
    total = sum(1 - math.comb(n - f, sample) / denom for f in Counter(tokens).values())
    return total / sample


def diversity(sentences: pd.DataFrame) -> pd.DataFrame:
    """One row per document: ``doc_id, ttr, mattr, mtld, hdd`` on its tokens in sentence order."""
    ordered = sentences.sort_values(["doc_id", "sent_idx"], kind="stable")
    rows = []
    for doc_id, grp in ordered.groupby("doc_id", sort=True):
        toks = [t for text in grp["text"] for t in tokenize(str(text))]
        rows.append((doc_id, ttr(toks), mattr(toks), mtld(toks), hdd(toks)))
    return pd.DataFrame(rows, columns=["doc_id", *MEASURES])


def stage(run) -> str:
    """Add the diversity columns to ``run.documents``."""
    scores = diversity(run.sentences)
    docs = run.documents.drop(columns=[c for c in MEASURES if c in run.documents])
    run.documents = docs.merge(scores, on="doc_id", how="left")
    return f"diversity of {len(scores)} documents"
