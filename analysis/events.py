"""Outlets compared within each event, and the comparison summarised across events.

When the manifest has an ``event`` column, pooling all of an outlet's sentences would mix two
things: how the outlet frames a story and which stories it happened to cover. An outlet that
covered only the terror-attack story would look "terrorism-heavy" against one that covered only
a trade summit. So each measure is first compared *within* an event: the outlet's value minus
the event's value over all outlets that covered it (``diff``). Across events the suite then
reports, per outlet and measure, the mean of those within-event differences, their range, and
in how many of the outlet's events it was above the event's value (``n_above``), so a reader
sees whether a difference is consistent or rests on one event.

Measures: the share of sentences carrying each frame (``frame_<name>`` columns) and the mean
sentence tone (``sentiment_vader``) when those stages have run. Intervals are bootstrap
intervals over sentences (:mod:`analysis.compare`) within each event and outlet.

Tables: ``event_outlet.csv`` (``event``, ``outlet``, ``measure``, ``n_docs``, ``n_sentences``,
``value``, ``ci_low``, ``ci_high``, ``event_value``, ``diff``) and ``event_summary.csv``
(``outlet``, ``measure``, ``n_events``, ``mean_diff``, ``min_diff``, ``max_diff``, ``n_above``).
Without an ``event`` column (or with a single event) the stage writes nothing and says so.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .compare import by_group_measures

TONE_MEASURES = ("sentiment_vader",)


def _measures(sentences: pd.DataFrame) -> list[str]:
    frames = [c for c in sentences.columns if c.startswith("frame_")]
    return frames + [c for c in TONE_MEASURES if c in sentences.columns]


def event_outlet(sentences: pd.DataFrame, documents: pd.DataFrame, random_state: int = 0,
                 workers: int = 1) -> pd.DataFrame:
    """Per event, outlet and measure: the value with its interval, and its difference from the event's value.

    ``workers`` > 1 computes the intervals of many events in forked processes, with the same numbers.
    """
    docs = documents[["doc_id", "outlet", "event"]]
    measures = _measures(sentences)
    sents = sentences[["doc_id", *measures]].merge(docs, on="doc_id", how="left")  # no text: what is measured
    n_docs = docs.groupby(["event", "outlet"]).size().rename("n_docs").reset_index()
    if not measures:
        return pd.DataFrame(columns=["event", "outlet", "measure", "n_docs", "n_sentences", "value", "ci_low",
                                     "ci_high", "event_value", "diff"])
    tab = by_group_measures(sents, ["event", "outlet"], measures, random_state=random_state, workers=workers)
    event_value = sents.groupby("event")[measures].mean().melt(ignore_index=False, var_name="measure",
                                                               value_name="event_value")
    tab = tab.merge(event_value.reset_index(), on=["event", "measure"])
    out = tab.rename(columns={"mean": "value", "n": "n_sentences"})
    out["diff"] = out["value"] - out["event_value"]
    out = out.merge(n_docs, on=["event", "outlet"], how="left")
    cols = ["event", "outlet", "measure", "n_docs", "n_sentences", "value", "ci_low", "ci_high", "event_value", "diff"]
    return out[cols].sort_values(["measure", "event", "outlet"], ignore_index=True)


def event_summary(per_event: pd.DataFrame) -> pd.DataFrame:
    """Per outlet and measure: the within-event differences summarised across the outlet's events."""
    grouped = per_event.dropna(subset=["diff"]).groupby(["outlet", "measure"], sort=True)["diff"]
    out = grouped.agg(n_events="size", mean_diff="mean", min_diff="min", max_diff="max",
                      n_above=lambda d: int(np.sum(d > 0))).reset_index()
    return out.astype({"n_events": int, "n_above": int})


def stage(run) -> str:
    """Pipeline stage: ``event_outlet`` and ``event_summary`` when the corpus has two or more events."""
    docs = run.documents
    if "event" not in docs.columns:
        return "no 'event' column in the manifest: outlets are compared over the whole corpus"
    events = docs["event"].fillna("").astype(str).str.strip()
    if (events == "").all():
        return "no events given: outlets are compared over the whole corpus"
    if (events == "").any():
        missing = docs.loc[events == "", "doc_id"].tolist()
        return (f"skipped: {len(missing)} documents have no event (e.g. {missing[0]!r}); "
                "fill the 'event' column for every row to compare within events")
    if events.nunique() < 2:
        return "one event only: outlets are compared over the whole corpus"
    from .engine import worker_count

    per_event = event_outlet(run.sentences, docs.assign(event=events), int(run.params.get("seed", 0) or 0),
                             workers=worker_count(run.params.get("workers")))
    run.tables["event_outlet"] = per_event
    run.tables["event_summary"] = event_summary(per_event)
    return f"{events.nunique()} events; {per_event['measure'].nunique()} measures compared within events"
