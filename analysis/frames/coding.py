"""Sentence coding: which frames each sentence carries, and which words made it so.

:func:`find_hits` defines a hit on one text. :func:`code_sentences` gives exactly the same hits for a
whole table, faster: every pattern has a *key*, a run of plain characters that each of its matches
must contain (``terror`` for ``terror*``), and runs only on the sentences whose folded text contains
that key; one scan of all sentences per key finds them. Folding (:data:`FOLD` then ``str.lower``)
maps every character that a case-insensitive pattern could match to an ASCII letter onto that
letter, so the filter never drops a sentence the pattern matches; it can only keep extra ones.
"""
from __future__ import annotations

import functools
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
BLOCK = 50_000  # sentences indexed at a time


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


ZERO_WIDTH = {_parser.ASSERT, _parser.ASSERT_NOT, _parser.AT}


@functools.lru_cache(maxsize=4096)
def literal_keys(pattern: re.Pattern) -> tuple[str, str]:
    """``(prefix, key)``: plain ASCII text every match of ``pattern`` starts with, and the longest
    such text every match contains, both lower-cased (``""`` when there is none).

    Read from the pattern's top-level sequence, whose items all have to match one after the other:
    the prefix is the run of literal characters after the leading zero-width assertions (``\\b``,
    look-behinds), the key the longest run of literal characters anywhere in it.
    """
    if not isinstance(pattern.pattern, str):
        return "", ""
    try:
        parsed = list(_parser.parse(pattern.pattern, pattern.flags))
    except Exception:  # noqa: BLE001 - any doubt means no filter, never a different result
        return "", ""
    runs, run, lead = [], [], 0
    while lead < len(parsed) and parsed[lead][0] in ZERO_WIDTH:
        lead += 1
    for i, (op, arg) in enumerate(parsed + [(None, None)]):
        if op == _parser.LITERAL and 0 < arg < 128:
            run.append(chr(arg))
            continue
        runs.append((i - len(run), "".join(run).lower()))
        run = []
    prefix = next((r for start, r in runs if start == lead), "")
    return prefix, max((r for _, r in runs), key=len, default="")


def fold(text: str) -> str:
    """Text as the key filter sees it: the characters of :data:`FOLD` replaced, then lower-cased.

    Keeps the length (U+0130 is the only character whose lower case is longer, and FOLD replaces it).
    """
    for char, letter in FOLD.items():
        if char in text:
            text = text.replace(char, letter)
    return text.lower()


class _KeyIndex:
    """Where a key occurs in many texts: the folded texts joined by NUL, as an array of code points.

    A key's starts come from the positions of its rarest character (found once per character),
    checked against the key's other characters one at a time on the shrinking candidates.
    """

    def __init__(self, norms: list[str]):
        lengths = np.fromiter(map(len, norms), dtype=np.int64, count=len(norms)) + 1
        self.starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        joined = fold(SEPARATOR.join(norms))
        self.chars = (np.frombuffer(joined.encode("ascii"), dtype=np.uint8) if joined.isascii()
                      else np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32))
        self.n = len(norms)
        self._first, self._cache = {}, {}

    def occurrences(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """Every start of ``key`` (overlapping ones too) as ``(text index, offset in the text)``."""
        if key not in self._cache:
            codes = [ord(c) for c in key]
            # anchor on the key's rarest character, then check the others, rarest first
            by_rarity = sorted(range(len(codes)), key=lambda j: (self._positions(codes[j]).size, j))
            j = by_rarity[0]
            pos = self._positions(codes[j]) - j
            pos = pos[(pos >= 0) & (pos + len(codes) <= self.chars.size)]
            for j in by_rarity[1:]:
                pos = pos[self.chars[pos + j] == codes[j]]
            which = np.searchsorted(self.starts, pos, side="right") - 1
            self._cache[key] = which, pos - self.starts[which]
        return self._cache[key]

    def _positions(self, code: int) -> np.ndarray:
        if code not in self._first:
            self._first[code] = np.flatnonzero(self.chars == code)
        return self._first[code]

    def containing(self, key: str) -> np.ndarray:
        """Indices (ascending) of the texts whose folded form contains ``key`` (all texts for ``""``)."""
        return np.unique(self.occurrences(key)[0]) if key else np.arange(self.n)


def _pattern_spans(pat: re.Pattern, norms: list[str], index: _KeyIndex):
    """``(text index, start, end)`` of the non-empty matches ``pat.finditer`` gives in each text.

    With a prefix, a match can only start where the prefix occurs, so the pattern is tried there
    alone (``pat.match(text, pos)`` sees the text before ``pos``, as look-behinds need), skipping
    the starts inside the previous match as ``finditer`` does. Without one, it runs on the texts
    containing its key.
    """
    prefix, key = literal_keys(pat)
    if prefix:
        match, last, last_end = pat.match, -1, -1
        for i, at in zip(*(a.tolist() for a in index.occurrences(prefix))):
            if i == last and at < last_end:
                continue
            m = match(norms[i], at)
            if m is not None:
                last, last_end = i, m.end()
                yield i, at, last_end
        return
    for i in index.containing(key).tolist():
        for m in pat.finditer(norms[i]):
            start, end = m.span()
            if end != start:
                yield i, start, end


def frame_hits(texts: list[str], frames: dict, block: int = BLOCK) -> dict:
    """``{name: {i: hits}}``: :func:`find_hits` of every text ``i`` with at least one hit, per frame.

    Each pattern runs only where its literal text occurs (:func:`literal_keys`); the union of its
    matches is then filtered and sorted as in :func:`find_hits`. Texts are indexed ``block`` at a
    time, which bounds the memory the index takes.
    """
    out = {name: {} for name in frames}
    for first in range(0, len(texts), block):
        part = texts[first:first + block]
        norms = [normalize(t) for t in part]
        index = _KeyIndex(norms)
        for name, frame in frames.items():
            spans: dict[int, list] = {}
            for pat in frame.patterns:
                for i, start, end in _pattern_spans(pat, norms, index):
                    spans.setdefault(i, []).append((start, end))
            found = out[name]
            for i in sorted(spans):
                hits = set(spans[i])
                if frame.exclusions:
                    blocked = [(b.start(), b.end()) for ex in frame.exclusions for b in ex.finditer(norms[i])]
                    hits = [(s, e) for s, e in hits if not any(b0 <= s and e <= b1 for b0, b1 in blocked)]
                if hits:
                    text = part[i]
                    found[first + i] = [(s, e, text[s:e]) for s, e in sorted(hits)]
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
    if not rows:  # the dtypes a table with rows has, so that chunks without hits concatenate alike
        long = long.astype({"doc_id": coded["doc_id"].dtype, "sent_idx": "int64", "frame": "str", "matched": "str"})
    order = {d: i for i, d in enumerate(dict.fromkeys(doc_ids))}
    long = long.sort_values(["doc_id", "sent_idx", "frame"], key=lambda c: c.map(order) if c.name == "doc_id"
                            else c, kind="stable").reset_index(drop=True)
    return coded, long


def frame_columns(df: pd.DataFrame) -> list[str]:
    """Names of the frames coded in ``df`` (its ``frame_<name>`` columns), in column order."""
    return [c[len("frame_"):] for c in df.columns if c.startswith("frame_")]
