"""Keyword in context: every match of a term, phrase or pattern, with the sentence around it.

A concordance row carries ``outlet, doc_id, sent_idx, position`` so that any number in the suite
can be traced back to its sentences, and ``left, keyword, right``: up to ``window`` words of the
same sentence either side of the match (quanteda's ``kwic`` also counts the window in words;
matches never run across sentences). ``start`` and ``end`` are character offsets of the match
within the sentence text.

What a pattern can be (:func:`compile_patterns`):

* a term, ``"terror"``: the whole word, case-insensitive, with the tokenizer's possessive
  ``'s`` allowed (``Japan's`` matches ``japan``); a trailing ``*`` matches any ending
  (``"terror*"`` finds terror, terrorism, terrorist);
* a phrase, ``"south china sea"``: words in order separated by spaces or hyphens;
* a regular expression with ``regex=True`` (matched case-insensitively as written);
* a list of any of these, or already compiled ``re.Pattern`` objects (as the frames module
  passes a frame's patterns), each reported under its own ``pattern`` label.

Why by hand: the matching has to run on the suite's sentence table and keep its keys; pandas'
``str.extractall`` cannot give the word-window context.
"""
from __future__ import annotations

import re

import pandas as pd

from .errors import ConfigError

WINDOW = 8
WORD = re.compile(r"\S+")
COLUMNS = ["outlet", "doc_id", "sent_idx", "position", "pattern", "left", "keyword", "right",
           "start", "end"]


def term_regex(term: str) -> str:
    """Regular expression for a term or phrase (see the module docstring)."""
    words = term.strip().lower().replace("’", "'").split()
    if not words:
        raise ConfigError("kwic: an empty pattern; give a word, a phrase or a regular expression.")
    parts = []
    for w in words:
        glob = w.endswith("*")
        body = re.escape(w.rstrip("*"))
        parts.append(body + (r"[\w'\-]*" if glob else r"(?:['’]s)?"))
    return r"(?<![\w\-])" + r"[\s\-]+".join(parts) + r"(?![\w\-])"


def compile_patterns(patterns, regex: bool = False) -> list[tuple[str, re.Pattern]]:
    """``(label, compiled pattern)`` pairs from a string, a compiled pattern or a list of them."""
    if isinstance(patterns, (str, re.Pattern)):
        patterns = [patterns]
    out = []
    for p in patterns:
        if isinstance(p, re.Pattern):
            out.append((p.pattern, p))
            continue
        try:
            rx = re.compile(p if regex else term_regex(p), re.IGNORECASE)
        except re.error as exc:
            raise ConfigError(f"kwic: pattern {p!r} is not a valid regular expression ({exc}); fix it.") from None
        out.append((p, rx))
    return out


def _context(text: str, start: int, end: int, window: int) -> tuple[str, str]:
    left = WORD.findall(text[:start])[-window:] if window else []
    right = WORD.findall(text[end:])[:window] if window else []
    return " ".join(left), " ".join(right)


def kwic(sentences: pd.DataFrame, patterns, documents: pd.DataFrame | None = None,
         regex: bool = False, window: int = WINDOW, outlets=None) -> pd.DataFrame:
    """Concordance of ``patterns`` in ``sentences``, one row per match.

    Parameters
    ----------
    sentences : the sentences table (``doc_id, sent_idx, position, text``).
    patterns : a term, phrase, regular expression, compiled pattern or a list of them.
    documents : the documents table, to add each row's ``outlet`` (else taken from
        ``sentences['outlet']`` if present).
    regex : read string patterns as regular expressions.
    window : words of context either side, within the sentence.
    outlets : keep only these outlets.
    """
    compiled = compile_patterns(patterns, regex=regex)
    sents = sentences
    if documents is not None and "outlet" not in sents:
        sents = sents.merge(documents[["doc_id", "outlet"]], on="doc_id", how="left")
    if "outlet" not in sents:
        sents = sents.assign(outlet="")
    if outlets is not None:
        sents = sents[sents["outlet"].isin(list(outlets))]
    rows = []
    for row in sents.sort_values(["outlet", "doc_id", "sent_idx"]).itertuples(index=False):
        text = str(row.text)
        for label, rx in compiled:
            for m in rx.finditer(text):
                if m.end() == m.start():
                    continue
                left, right = _context(text, m.start(), m.end(), window)
                rows.append((row.outlet, row.doc_id, row.sent_idx, getattr(row, "position", ""), label,
                             left, m.group(0), right, m.start(), m.end()))
    return pd.DataFrame(rows, columns=COLUMNS)
