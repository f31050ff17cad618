"""Sentence coding: which frames each sentence carries, and which words made it so.

:func:`find_hits` defines a hit on one text. :func:`code_sentences` gives exactly the same hits for a
whole table, faster: every pattern has a *key*, a run of plain characters that each of its matches
must contain (``terror`` for ``terror*``), and runs only on the sentences whose folded text contains
that key; one scan of all sentences per key finds them. Folding (:data:`FOLD` then ``str.lower``)
maps every character that a case-insensitive pattern could match to an ASCII letter onto that
letter, so the filter never drops a sentence the pattern matches; it can only keep extra ones.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .dictionary import Frame, normalize

try:  # the parser of the re module; only used to read a pattern's plain characters
    from re import _parser
except ImportError:  # Python < 3.11
    import sre_parse as _parser

# The only non-ASCII characters that an IGNORECASE pattern matches to an ASCII character
# (found by trying every code point; tests/test_frames.py checks it again): their ASCII letter.
FOLD = {"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}
SEPARATOR = "\x00"


def find_hits(text: str, frame: Frame) -> list[tuple[int, int, str]]:
    """Matches of ``frame`` in ``text`` as ``(start, end, matched text)``, exclusions applied.

    A hit is dropped when it lies inside (within the span of) a match of one of the frame's
    exclusions; overlapping hits of different patterns are all kept, in text order.
    """
    return _hits(text, normalize(text), frame.patterns, frame.exclusions)


def _hits(text: str, norm: str, patterns, exclusions) -> list[tuple[int, int, str]]:
    """:func:`find_hits` with the text already normalised and only the given patterns tried."""
    hits = set()
    blocked = None
    for pat in patterns:
        for m in pat.finditer(norm):
            start, end = m.span()
            if end == start:
                continue
            if blocked is None:
                blocked = [(b.start(), b.end()) for ex in exclusions for b in ex.finditer(norm)]
            if any(b0 <= start and end <= b1 for b0, b1 in blocked):
                continue
            hits.add((start, end, text[start:end]))
    return sorted(hits)


def literal_key(pattern: re.Pattern) -> str:
    """Longest run of ASCII characters that every match of ``pattern`` contains, lower-cased.

    Read from the pattern's top-level sequence (whose items all have to match, one after the
    other); ``""`` when there is none (e.g. a regex that is one alternation), so nothing is filtered.
    """
    if not isinstance(pattern.pattern, str):
        return ""
    try:
        parsed = list(_parser.parse(pattern.pattern, pattern.flags))
    except Exception:  # noqa: BLE001 - any doubt means no filter, never a different result
        return ""
    best, run = "", []
    for op, arg in parsed + [(None, None)]:
        if op == _parser.LITERAL and 0 < arg < 128:
            run.append(chr(arg))
            continue
        if len(run) > len(best):
            best = "".join(run)
        run = []
    return best.lower()


def fold(text: str) -> str:
    """Text as the key filter sees it: the characters of :data:`FOLD` replaced, then lower-cased.

    Keeps the length (U+0130 is the only character whose lower case is longer, and FOLD replaces it).
    """
    for char, letter in FOLD.items():
        if char in text:
            text = text.replace(char, letter)
    return text.lower()


class _KeyIndex:
    """Which of many texts contain a given key: one scan of the folded texts joined by NUL."""

    def __init__(self, norms: list[str]):
        lengths = np.fromiter(map(len, norms), dtype=np.int64, count=len(norms)) + 1
        self.starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        self.joined = fold(SEPARATOR.join(norms))
        self.n = len(norms)
        self._cache = {}

    def containing(self, key: str) -> np.ndarray:
        """Indices (ascending) of the texts whose folded form contains ``key`` (all texts for ``""``)."""
        if not key:
            return np.arange(self.n)
        if key not in self._cache:
            pos = [m.start() for m in re.finditer(re.escape(key), self.joined)]
            self._cache[key] = np.unique(np.searchsorted(self.starts, pos, side="right") - 1)
        return self._cache[key]


def frame_hits(texts: list[str], frames: dict) -> dict:
    """``{name: {i: hits}}``: :func:`find_hits` of every text ``i`` with at least one hit, per frame."""
    norms = [normalize(t) for t in texts]
    index = _KeyIndex(norms)
    out = {}
    for name, frame in frames.items():
        tried: dict[int, list] = {}
        for pat in frame.patterns:
            for i in index.containing(literal_key(pat)).tolist():
                tried.setdefault(i, []).append(pat)
        found = {}
        for i in sorted(tried):
            # same patterns in the same order as find_hits, minus those that cannot match here
            hits = _hits(texts[i], norms[i], tried[i], frame.exclusions)
            if hits:
                found[i] = hits
        out[name] = found
    return out


def matched_terms(hits) -> str:
    """``"; "``-joined distinct matched strings (lower-cased) in order of first appearance."""
    seen = []
    for _, _, s in hits:
        s = " ".join(s.lower().split())
        if s not in seen:
            seen.append(s)
    return "; ".join(seen)


def code_sentences(sentences: pd.DataFrame, frames: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add ``frame_<name>`` 0/1 columns to ``sentences``; also return the long table of hits.

    Each sentence is coded on its own (:func:`find_hits`), so coding a table in parts and
    concatenating the parts gives the same result as coding it whole.

    Returns
    -------
    coded : DataFrame
        ``sentences`` with one ``frame_<name>`` column per frame (1 = at least one hit).
    sentence_frames : DataFrame
        ``doc_id, sent_idx, frame, matched``: one row per sentence and frame with a hit, ``matched``
        listing the strings that fired; rows in document order (as the documents first appear in
        ``sentences``), then by ``sent_idx`` and frame name.
    """
    coded = sentences.copy()
    texts = [str(t) for t in coded["text"]]
    doc_ids, sent_idx = coded["doc_id"].tolist(), coded["sent_idx"].tolist()
    rows = []
    for name, found in frame_hits(texts, frames).items():
        flags = np.zeros(len(texts), dtype=np.int64)
        flags[list(found)] = 1
        rows += [(doc_ids[i], int(sent_idx[i]), name, matched_terms(hits)) for i, hits in found.items()]
        coded[f"frame_{name}"] = flags
    long = pd.DataFrame(rows, columns=["doc_id", "sent_idx", "frame", "matched"])
    order = {d: i for i, d in enumerate(dict.fromkeys(doc_ids))}
    long = long.sort_values(["doc_id", "sent_idx", "frame"], key=lambda c: c.map(order) if c.name == "doc_id"
                            else c, kind="stable").reset_index(drop=True)
    return coded, long


def frame_columns(df: pd.DataFrame) -> list[str]:
    """Names of the frames coded in ``df`` (its ``frame_<name>`` columns), in column order."""
    return [c[len("frame_"):] for c in df.columns if c.startswith("frame_")]
