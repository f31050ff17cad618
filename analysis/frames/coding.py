"""Sentence coding: which frames each sentence carries, and which words made it so."""
from __future__ import annotations

import pandas as pd

from .dictionary import Frame, normalize


def find_hits(text: str, frame: Frame) -> list[tuple[int, int, str]]:
    """Matches of ``frame`` in ``text`` as ``(start, end, matched text)``, exclusions applied.

    A hit is dropped when it lies inside (within the span of) a match of one of the frame's
    exclusions; overlapping hits of different patterns are all kept, in text order.
    """
    norm = normalize(text)
    blocked = [(m.start(), m.end()) for pat in frame.exclusions for m in pat.finditer(norm)]
    hits = set()
    for pat in frame.patterns:
        for m in pat.finditer(norm):
            if m.end() == m.start():
                continue
            if any(b0 <= m.start() and m.end() <= b1 for b0, b1 in blocked):
                continue
            hits.add((m.start(), m.end(), text[m.start():m.end()]))
    return sorted(hits)


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

    Returns
    -------
    coded : DataFrame
        ``sentences`` with one ``frame_<name>`` column per frame (1 = at least one hit).
    sentence_frames : DataFrame
        ``doc_id, sent_idx, frame, matched``: one row per sentence and frame with a hit, ``matched``
        listing the strings that fired.
    """
    coded = sentences.copy()
    rows = []
    for name, frame in frames.items():
        flags = []
        for doc_id, sent_idx, text in zip(coded["doc_id"], coded["sent_idx"], coded["text"]):
            hits = find_hits(str(text), frame)
            flags.append(int(bool(hits)))
            if hits:
                rows.append((doc_id, int(sent_idx), name, matched_terms(hits)))
        coded[f"frame_{name}"] = flags
    long = pd.DataFrame(rows, columns=["doc_id", "sent_idx", "frame", "matched"])
    order = {d: i for i, d in enumerate(dict.fromkeys(coded["doc_id"]))}
    long = long.sort_values(["doc_id", "sent_idx", "frame"], key=lambda c: c.map(order) if c.name == "doc_id"
                            else c, kind="stable").reset_index(drop=True)
    return coded, long


def frame_columns(df: pd.DataFrame) -> list[str]:
    """Names of the frames coded in ``df`` (its ``frame_<name>`` columns), in column order."""
    return [c[len("frame_"):] for c in df.columns if c.startswith("frame_")]
