"""Paragraphs and sentences of the cleaned text, with positions and character offsets.

Sentences come from spaCy's rule-based ``sentencizer`` on a blank English pipeline (no model
download): spaCy's tokenizer exceptions keep abbreviations such as "Gen.", "Dr.", "Mr." and
"U.S." whole, it separates a missing space after a full stop ("attack.Rajnath"), and the
sentencizer keeps closing quotes and brackets with the sentence they end, so a quotation that
runs over several sentences is split into those sentences with its marks where they belong.
pysbd was tried first and rejected: it keeps a quotation and the next one together
(``... cooperation."  "Both sides ...`` became one sentence).

One rule is added by hand: an ellipsis ("..." or "…") followed by a capital letter ends a
sentence, as it does in transcribed speech ("perseverance... You are aware").

Sentences never cross a paragraph. ``position`` is ``headline`` for the headline, ``lede`` for
the first paragraph of article text, and ``body`` for the rest (subheads included; their
``para_role`` says ``subhead``). ``start``/``end`` are offsets into the document's cleaned
``text``, so ``text[start:end]`` is the sentence.
"""
from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from .tokens import tokenize

ELLIPSIS_BREAK = re.compile(r"(?:\.\.\.|…)\s+(?=[\"“‘']?[A-Z])")
OPENING_QUOTE_AT_END = re.compile(r"(?<=[.!?…\"'”’)\]])\s+[\"'“‘(\[]+$")
CLOSING_AT_START = re.compile(r"[”’)\]]+|\"(?=\S)")
SENTENCE_COLUMNS = ["doc_id", "para_idx", "sent_idx", "position", "para_role", "start", "end", "text"]


@lru_cache(maxsize=1)
def _nlp():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 10_000_000
    return nlp


def split_sentences(text: str, doc=None) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of one paragraph, white space trimmed.

    ``doc``: the paragraph already through the pipeline (:func:`split_paragraphs` passes them in batches).
    """
    spans = []
    for sent in (doc if doc is not None else _nlp()(text)).sents:
        pieces, last = [], sent.start_char
        for m in ELLIPSIS_BREAK.finditer(text, sent.start_char, sent.end_char):
            pieces.append((last, m.end()))
            last = m.end()
        pieces.append((last, sent.end_char))
        for a, b in pieces:
            chunk = text[a:b]
            lead = len(chunk) - len(chunk.lstrip())
            trail = len(chunk) - len(chunk.rstrip())
            if b - trail > a + lead:
                spans.append((a + lead, b - trail))
    return _move_opening_quotes(text, spans)


def _move_opening_quotes(text, spans):
    """Quote marks and brackets go with the sentence they belong to.

    A quote or bracket after a sentence's end and a space opens the next sentence (``region.
    "Defence``, ``agree.” “So``); a closing quote glued to the next word when the space is
    missing closes the sentence before (``respond.”The``; a straight ``"`` only when the sentence
    before has an odd number of them).
    """
    out = list(spans)
    for i in range(len(out) - 1):
        a, b = out[i]
        m = OPENING_QUOTE_AT_END.search(text, a, b)
        if m:
            marks = m.group(0).lstrip()
            out[i] = (a, m.start())
            out[i + 1] = (m.end() - len(marks), out[i + 1][1])
            continue
        c, d = out[i + 1]
        m = CLOSING_AT_START.match(text, c, d)
        if m and c == b and (m.group(0) != '"' or text.count('"', a, b) % 2 == 1) and m.end() < d:
            out[i] = (a, m.end())
            out[i + 1] = (m.end(), d)
    return out


def split_paragraphs(texts) -> list[list[tuple[int, int]]]:
    """:func:`split_sentences` of each text, the texts going through spaCy in batches (``nlp.pipe``)."""
    texts = list(texts)
    return [split_sentences(t, doc) for t, doc in zip(texts, _nlp().pipe(texts, batch_size=PIPE_BATCH))]


PIPE_BATCH = 256  # paragraphs per spaCy batch


def segment(paragraphs: pd.DataFrame) -> pd.DataFrame:
    """The ``sentences`` table from the ``paragraphs`` table of :func:`analysis.clean.clean_corpus`."""
    rows = []
    spans = split_paragraphs(paragraphs["text"])  # by row position
    paragraphs = paragraphs.reset_index(drop=True)
    for doc_id, paras in paragraphs.groupby("doc_id", sort=False):
        sent_idx, lede_seen = 0, False
        for at, p in zip(paras.index, paras.itertuples(index=False)):
            if p.role == "headline":
                position = "headline"
            elif p.role == "paragraph" and not lede_seen:
                position, lede_seen = "lede", True
            else:
                position = "body"
            for a, b in spans[at]:
                rows.append((doc_id, p.para_idx, sent_idx, position, p.role, p.start + a, p.start + b, p.text[a:b]))
                sent_idx += 1
    return pd.DataFrame(rows, columns=SENTENCE_COLUMNS)


def count_units(documents: pd.DataFrame, paragraphs: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Add ``n_paragraphs``, ``n_sentences`` and ``n_tokens`` (all word tokens) to the documents."""
    docs = documents.copy()
    docs["n_paragraphs"] = docs["doc_id"].map(paragraphs.groupby("doc_id").size()).fillna(0).astype(int)
    docs["n_sentences"] = docs["doc_id"].map(sentences.groupby("doc_id").size()).fillna(0).astype(int)
    docs["n_tokens"] = [len(tokenize(t)) for t in docs["text"]]
    return docs


def annotate(run) -> None:
    """Per-document part of the stage: the ``sentences`` table and the unit counts of each document."""
    run.sentences = segment(run.paragraphs)
    run.documents = count_units(run.documents, run.paragraphs, run.sentences)


def summarise(run) -> str:
    return f"{len(run.sentences)} sentences"
