"""Direct quotations in a document's cleaned text: where each one starts and ends.

Why by hand: quotation extraction libraries (textacy's ``direct_quotations``, spaCy-based
attribution tools) need a parsed document from a downloaded statistical model; the marks
themselves can be paired with a few documented rules, and speakers are attributed separately
(:mod:`analysis.speakers`).

Rules
-----
* Double quotation marks only, straight (``"``) or curly (``“ ”``); single marks are read as
  quotes only when curly and clearly paired (``‘ … ’`` with no letter after the closing mark),
  because a straight ``'`` is an apostrophe far more often than a quote, and never inside a
  double-quoted span (a quote within a quote belongs to the outer one).
* A curly mark says its own direction. A straight mark opens when nothing is open and it stands
  at the start of a paragraph or after white space, an opening bracket, a dash, a comma or a
  colon (``said,"I``); otherwise it closes the open quote. A stray closing mark is ignored.
* A quotation may run over several sentences; it never runs past its paragraph. A quote still
  open at the paragraph's end ends there, except that a trailing attribution (``...,' Rajnath
  Singh said.``) after a closing punctuation mark is left outside it.
* ``extent`` is ``full`` for a quotation of five or more words and ``partial`` for a shorter
  quoted fragment (``"befitting reply"``, ``"full support"``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

OPEN_CONTEXT = set(" \t\n([{—–-,:;")
CUE_VERBS = (
    "said", "says", "added", "adds", "stated", "states", "posted", "told", "noted", "underlined",
    "emphasised", "emphasized", "stressed", "asserted", "remarked", "wrote", "tweeted", "observed",
    "declared", "announced", "highlighted", "reiterated", "assured", "explained", "insisted",
)
TRAILING_ATTRIBUTION = re.compile(
    r"[,.?!]['’]?(?=\s+[^\"“”]{1,80}?\b(?:" + "|".join(CUE_VERBS) + r")\b[^\"“”]{0,80}$)")
WORD = re.compile(r"\w+")
DOUBLE_MARK = re.compile("[\"“”]")
SINGLE_MARK = re.compile("[‘’]")


@dataclass(frozen=True)
class Quote:
    """One quotation: ``start``/``end`` include the marks, ``inner_*`` exclude them."""

    start: int
    end: int
    inner_start: int
    inner_end: int
    extent: str
    closed: bool


def _paragraph_spans(text: str):
    start = 0
    for m in re.finditer(r"\n\s*\n", text):
        yield start, m.start()
        start = m.end()
    yield start, len(text)


def quote_spans(text: str) -> list[Quote]:
    """All quotations in ``text`` (a document's cleaned text), in order."""
    quotes = []
    for p_start, p_end in _paragraph_spans(text):
        quotes += _paragraph_quotes(text, p_start, p_end)
    return quotes


def _paragraph_quotes(text: str, p_start: int, p_end: int) -> list[Quote]:
    out, open_at = [], None
    for m in DOUBLE_MARK.finditer(text, p_start, p_end):  # only the marks change state
        i, ch = m.start(), m.group()
        if ch == "“" or (ch == '"' and open_at is None and (i == p_start or text[i - 1] in OPEN_CONTEXT)):
            if open_at is None:
                open_at = i
        elif open_at is not None:
            out.append(_make(text, open_at, i + 1, closed=True))
            open_at = None
    if open_at is not None:
        end, closed = p_end, False
        m = None
        for m in TRAILING_ATTRIBUTION.finditer(text, open_at + 1, p_end):
            pass
        if m is not None:
            end = m.end()
        out.append(_make(text, open_at, end, closed=closed))
    out += _curly_single(text, p_start, p_end, out)
    return sorted(out, key=lambda q: q.start)


def _curly_single(text, p_start, p_end, doubles):
    inside = lambda i: any(q.start <= i < q.end for q in doubles)  # noqa: E731
    out, open_at = [], None
    for m in SINGLE_MARK.finditer(text, p_start, p_end):
        i = m.start()
        if inside(i):
            continue
        if m.group() == "‘":
            if open_at is None:
                open_at = i
        elif open_at is not None and (i + 1 >= p_end or not text[i + 1].isalpha()):
            out.append(_make(text, open_at, i + 1, closed=True))
            open_at = None
    return out


def _make(text: str, start: int, end: int, closed: bool) -> Quote:
    inner_start = start + 1
    inner_end = end - 1 if closed else end
    inner = text[inner_start:inner_end]
    stripped = inner.strip()
    lead = len(inner) - len(inner.lstrip())
    inner_start += lead
    inner_end = inner_start + len(stripped)
    extent = "full" if len(WORD.findall(stripped)) >= 5 else "partial"
    return Quote(start, end, inner_start, inner_end, extent, closed)


def quotes_table(documents: pd.DataFrame) -> pd.DataFrame:
    """One row per quotation: ``doc_id, start, end, inner_start, inner_end, extent, closed, quote``."""
    rows = []
    for doc in documents[["doc_id", "text"]].itertuples(index=False):
        for q in quote_spans(doc.text):
            rows.append((doc.doc_id, q.start, q.end, q.inner_start, q.inner_end, q.extent, q.closed,
                         doc.text[q.inner_start:q.inner_end]))
    return pd.DataFrame(rows, columns=["doc_id", "start", "end", "inner_start", "inner_end", "extent", "closed", "quote"])


def sentence_voice(documents: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Split every sentence into the outlet's narration and quoted material.

    Returns ``doc_id, sent_idx, quoted_chars, narration_text, quoted_text, voice``: the quoted
    text is the sentence's characters inside quotation marks (marks excluded), the narration is
    the rest, and ``voice`` is ``quote`` when at least half of the sentence's non-space
    characters are quoted, else ``narration``.
    """
    spans = {d: [(q.inner_start, q.inner_end) for q in quote_spans(t)]
             for d, t in zip(documents["doc_id"], documents["text"])}
    rows = []
    for doc_id, sent_idx, start, end, text in zip(sentences["doc_id"], sentences["sent_idx"], sentences["start"],
                                                   sentences["end"], sentences["text"]):
        # the quoted runs of the sentence, clipped to it (and to its text), merged where they touch
        n = max(0, min(len(text), end - start))
        runs = []
        for a, b in sorted((max(a, start) - start, min(b, end, start + n) - start) for a, b in spans.get(doc_id, ())):
            if a >= b:
                continue
            if runs and a <= runs[-1][1]:
                runs[-1][1] = max(runs[-1][1], b)
            else:
                runs.append([a, b])
        cuts = [0] + [x for r in runs for x in r] + [n]
        narration = [text[cuts[k]:cuts[k + 1]] for k in range(0, len(cuts), 2)]
        quoted = [text[a:b] for a, b in runs]
        quoted_text = " ".join(w for part in quoted for w in part.split())
        narration_text = " ".join(w for part in narration for w in part.split())
        q_chars = sum(len("".join(part.split())) for part in quoted)
        total = len("".join(text.split())) or 1
        voice = "quote" if q_chars / total >= 0.5 else "narration"
        rows.append((doc_id, sent_idx, q_chars, narration_text, quoted_text, voice))
    return pd.DataFrame(rows, columns=["doc_id", "sent_idx", "quoted_chars", "narration_text", "quoted_text", "voice"])
