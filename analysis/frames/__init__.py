"""Frames: editable dictionaries, sentence coding, salience and prominence per outlet.

* :mod:`.dictionary` reads and validates a TOML frame dictionary and compiles its patterns;
* :mod:`.coding` codes sentences (``frame_<name>`` columns) and records which words fired;
* :mod:`.measures` aggregates per outlet: salience, prominence, co-occurrence, tone.

Validation against hand coding is :mod:`analysis.validation`.
"""
from __future__ import annotations

from .coding import code_sentences, find_hits, frame_columns
from .dictionary import DEFAULT_FRAMES, GENERIC_FRAMES, Frame, compile_term, frame_patterns, load_frames, normalize
from .measures import (POSITION_WEIGHTS, frame_cooccurrence, frame_prominence, frame_salience,
                       frame_tone)

__all__ = ["DEFAULT_FRAMES", "GENERIC_FRAMES", "Frame", "POSITION_WEIGHTS", "annotate", "code_sentences",
           "compile_term", "find_hits", "frame_columns", "frame_cooccurrence", "frame_patterns", "frame_prominence",
           "frame_salience", "frame_tone", "load_frames", "normalize", "stage", "summarise"]


def annotate(run) -> None:
    """Per-document part of the stage: code every sentence.

    Replaces the ``frame_<name>`` columns of ``run.sentences`` and adds the table
    ``sentence_frames`` (which terms fired in which sentence, in document order). Each sentence is
    coded on its own, so coding the documents in chunks and concatenating gives the same tables.
    """
    frames = load_frames(run.params.get("frames"))
    run.sentences = run.sentences.drop(columns=[c for c in run.sentences.columns if c.startswith("frame_")])
    run.sentences, run.tables["sentence_frames"] = code_sentences(run.sentences, frames)


def summarise(run) -> str:
    """Corpus-level part of the stage: salience, prominence, co-occurrence and tone per outlet.

    Reads the columns :func:`annotate` added (and ``sentiment_vader`` from the sentiment stage,
    when it ran) and returns the progress summary line.
    """
    frames = load_frames(run.params.get("frames"))
    seed = int(run.params.get("seed", 0) or 0)
    docs = run.documents
    run.tables["frame_salience"] = frame_salience(run.sentences, docs, random_state=seed)
    run.tables["frame_prominence"] = frame_prominence(run.sentences, docs)
    run.tables["frame_cooccurrence"] = frame_cooccurrence(run.sentences, docs)
    n_hit = int(run.sentences[[f"frame_{n}" for n in frames]].any(axis=1).sum())
    summary = f"{len(frames)} frames, {n_hit} of {len(run.sentences)} sentences framed"
    if "sentiment_vader" in run.sentences.columns:
        run.tables["frame_tone"] = frame_tone(run.sentences, docs, random_state=seed)
    else:
        summary += "; frame tone skipped (no sentiment_vader column: the sentiment stage did not run)"
    return summary


def stage(run) -> str:
    """Pipeline stage: code frames and write the frame tables (:func:`annotate`, then :func:`summarise`).

    Adds ``frame_<name>`` columns to ``run.sentences`` and the tables ``sentence_frames``,
    ``frame_salience``, ``frame_prominence``, ``frame_cooccurrence`` and (when the sentiment stage
    has added ``sentiment_vader``) ``frame_tone``.
    """
    annotate(run)
    return summarise(run)
