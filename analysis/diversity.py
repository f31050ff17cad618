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

At scale (:func:`diversity`)
-----------------------------
The functions :func:`ttr`, :func:`mattr`, :func:`mtld` and :func:`hdd` are the reference
definitions. :func:`diversity` gives the same floats per document with less work, and the tests
check equality with the reference functions on corpora and generated token lists:

* tokens: :func:`analysis.tokens.tokenize` is word-local (a token never spans whitespace), so a
  document's tokens are the concatenation of ``tokenize(word)`` over its whitespace-separated
  words; each distinct word is tokenised once per call.
* MATTR: the sum over windows of the types in each window is an integer, counted without moving
  a window: token i is new in window s when its previous occurrence is before s, so it adds to
  every window from ``max(i - window + 1, previous + 1, 0)`` to ``min(i, n - window)``; the
  result is that integer divided exactly as in :func:`mattr`.
* MTLD: the same passes, with "seen in this segment" read from each token's previous (forward)
  or next (backward) occurrence instead of a set.
* HD-D: the same terms in the same order (types in order of first occurrence), each distinct
  frequency's term computed once.
"""
from __future__ import annotations

import math
from collections import Counter
from itertools import chain, groupby
from operator import itemgetter

import numpy as np
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


def _occurrences(codes: np.ndarray) -> tuple:
    """Per position the previous and next position of the same token (-1 / n where there is none),
    and the frequency of each type in order of first occurrence."""
    n = len(codes)
    order = np.argsort(codes, kind="stable")                 # positions grouped by token, ascending
    same = codes[order[1:]] == codes[order[:-1]]
    prev = np.full(n, -1, dtype=np.int64)
    nxt = np.full(n, n, dtype=np.int64)
    prev[order[1:][same]] = order[:-1][same]
    nxt[order[:-1][same]] = order[1:][same]
    starts = np.flatnonzero(np.concatenate(([True], ~same)))
    counts = np.diff(np.append(starts, n))
    freqs = counts[np.argsort(order[starts])]                 # types in order of first occurrence
    return prev, nxt, freqs


def _mattr_total(prev: np.ndarray, window: int) -> int:
    """Sum over every window of ``window`` tokens of the types in it (see the module docstring)."""
    n = len(prev)
    i = np.arange(n)
    lo = np.maximum(np.maximum(i - window + 1, prev + 1), 0)
    hi = np.minimum(i, n - window)
    return int(np.maximum(hi - lo + 1, 0).sum())


def _mtld_passes(prev: list, nxt: list, threshold: float) -> float:
    """:func:`mtld` from the previous/next occurrence of each token (same factors, same floats)."""
    n = len(prev)
    values = []
    # forward: a token is new in the segment that starts at `start` if it last occurred before it
    factors, types, count, start = 0.0, 0, 0, 0
    for i, p in enumerate(prev):
        if p < start:
            types += 1
        count += 1
        if types / count <= threshold:
            factors += 1
            types, count, start = 0, 0, i + 1
    if count:
        factors += (1 - types / count) / (1 - threshold)
    values.append(n / factors if factors > 0 else math.nan)
    # backward: new in the segment that starts (from the end) at `start` if it next occurs after it
    factors, types, count, start = 0.0, 0, 0, n - 1
    for i in range(n - 1, -1, -1):
        if nxt[i] > start:
            types += 1
        count += 1
        if types / count <= threshold:
            factors += 1
            types, count, start = 0, 0, i - 1
    if count:
        factors += (1 - types / count) / (1 - threshold)
    values.append(n / factors if factors > 0 else math.nan)
    return sum(values) / 2


def _measures(codes: np.ndarray) -> tuple:
    """``(ttr, mattr, mtld, hdd)`` with the defaults of the tokens coded as integers (equal tokens,
    equal codes), equal to the reference functions on the tokens."""
    n = len(codes)
    if not n:
        return math.nan, math.nan, math.nan, math.nan
    prev, nxt, freqs = _occurrences(codes)
    t = len(freqs) / n
    m = t if n <= MATTR_WINDOW else _mattr_total(prev, MATTR_WINDOW) / (n - MATTR_WINDOW + 1) / MATTR_WINDOW
    d = _mtld_passes(prev.tolist(), nxt.tolist(), MTLD_THRESHOLD)
    if n < HDD_SAMPLE:
        h = math.nan
    else:
        freqs = freqs.tolist()
        denom = math.comb(n, HDD_SAMPLE)
        term = {f: 1 - math.comb(n - f, HDD_SAMPLE) / denom for f in set(freqs)}
        h = sum(map(term.__getitem__, freqs)) / HDD_SAMPLE
    return t, m, d, h


def diversity(sentences: pd.DataFrame) -> pd.DataFrame:
    """One row per document: ``doc_id, ttr, mattr, mtld, hdd`` on its tokens in sentence order."""
    ordered = sentences.sort_values(["doc_id", "sent_idx"], kind="stable")
    word_codes: dict = {}                                    # word -> codes of its tokens (tokenize is word-local)
    token_codes: dict = {}                                   # token -> code
    rows = []
    pairs = zip(ordered["doc_id"].tolist(), ordered["text"].tolist())
    for doc_id, group in groupby(pairs, key=itemgetter(0)):
        words = list(chain.from_iterable(str(text).split() for _, text in group))
        for w in set(words).difference(word_codes):
            word_codes[w] = [token_codes.setdefault(t, len(token_codes)) for t in tokenize(w)]
        codes = np.fromiter(chain.from_iterable(map(word_codes.__getitem__, words)), dtype=np.int64)
        rows.append((doc_id, *_measures(codes)))
    return pd.DataFrame(rows, columns=["doc_id", *MEASURES])


def annotate(run) -> None:
    """Per-document part: add the diversity columns to ``run.documents`` (each from its own tokens)."""
    scores = diversity(run.sentences)
    docs = run.documents.drop(columns=[c for c in MEASURES if c in run.documents])
    run.documents = docs.merge(scores, on="doc_id", how="left")


def summarise(run) -> str:
    """The progress line: how many documents were measured (those with sentences)."""
    return f"diversity of {run.sentences['doc_id'].nunique()} documents"


def stage(run) -> str:
    """Add the diversity columns to ``run.documents``."""
    annotate(run)
    return summarise(run)
