"""Within-event comparison: known answers on a hand-made table of two events and three outlets."""
import pandas as pd
import pytest

from analysis.events import event_outlet, event_summary, stage
from analysis.pipeline import Run

# Event "e1": A has 4 sentences (2 framed), B has 2 (0 framed): event share 2/6.
# Event "e2": A has 2 sentences (2 framed), C has 2 (1 framed): event share 3/4.
DOCS = pd.DataFrame({"doc_id": ["a1", "b1", "a2", "c2"], "outlet": ["A", "B", "A", "C"],
                     "event": ["e1", "e1", "e2", "e2"]})
SENTS = pd.DataFrame({"doc_id": ["a1"] * 4 + ["b1"] * 2 + ["a2"] * 2 + ["c2"] * 2,
                      "frame_china": [1, 1, 0, 0, 0, 0, 1, 1, 1, 0],
                      "sentiment_vader": [0.5, -0.5, 0.0, 0.2, 0.1, 0.1, 0.4, 0.4, 0.0, -0.4]})


def test_values_and_differences_within_each_event():
    tab = event_outlet(SENTS, DOCS).set_index(["measure", "event", "outlet"])
    china = tab.loc["frame_china"]
    assert china.loc[("e1", "A"), "value"] == pytest.approx(0.5)
    assert china.loc[("e1", "A"), "event_value"] == pytest.approx(2 / 6)
    assert china.loc[("e1", "A"), "diff"] == pytest.approx(0.5 - 2 / 6)
    assert china.loc[("e1", "B"), "diff"] == pytest.approx(-2 / 6)
    assert china.loc[("e2", "A"), "diff"] == pytest.approx(1 - 0.75)
    assert china.loc[("e2", "C"), "diff"] == pytest.approx(0.5 - 0.75)
    assert china.loc[("e1", "A"), "n_sentences"] == 4 and china.loc[("e1", "A"), "n_docs"] == 1
    tone = tab.loc["sentiment_vader"]
    # e1: A mean (0.5 - 0.5 + 0 + 0.2) / 4 = 0.05; event mean (0.2 + 0.2) / 6
    assert tone.loc[("e1", "A"), "value"] == pytest.approx(0.05)
    assert tone.loc[("e1", "A"), "diff"] == pytest.approx(0.05 - 0.4 / 6)
    # a constant group has a degenerate interval at its value
    assert tuple(tone.loc[("e1", "B"), ["ci_low", "ci_high"]]) == pytest.approx((0.1, 0.1))


def test_summary_across_events():
    summary = event_summary(event_outlet(SENTS, DOCS)).set_index(["outlet", "measure"])
    a = summary.loc[("A", "frame_china")]
    assert a["n_events"] == 2 and a["n_above"] == 2
    assert a["mean_diff"] == pytest.approx(((0.5 - 2 / 6) + 0.25) / 2)
    assert (a["min_diff"], a["max_diff"]) == pytest.approx((0.5 - 2 / 6, 0.25))
    b = summary.loc[("B", "frame_china")]
    assert b["n_events"] == 1 and b["n_above"] == 0


@pytest.mark.parametrize("events, expected", [
    (None, "no 'event' column"),
    (["", "", "", ""], "no events given"),
    (["e1", "e1", "e1", "e1"], "one event only"),
    (["e1", "", "e2", "e2"], "skipped: 1 documents have no event (e.g. 'b1')"),
])
def test_stage_writes_nothing_without_two_events(events, expected):
    docs = DOCS.drop(columns="event") if events is None else DOCS.assign(event=events)
    run = Run(corpus=None, out=None, documents=docs, sentences=SENTS)
    assert expected in stage(run)
    assert run.tables == {}


def test_stage_with_two_events_adds_both_tables():
    run = Run(corpus=None, out=None, documents=DOCS, sentences=SENTS)
    assert stage(run).startswith("2 events; 2 measures")
    assert set(run.tables) == {"event_outlet", "event_summary"}
