"""Outlet profiles: assembled correctly from the run's tables, and worded with their counts."""
import numpy as np
import pandas as pd
import pytest

from analysis import synthesis

TABLES = {
    "frame_salience": pd.DataFrame({"outlet": ["A", "B", "A", "B"], "frame": ["china", "china", "terror", "terror"],
                                    "n_sentences": [10, 20, 10, 20], "n_frame": [8, 2, 0, 5],
                                    "share": [0.8, 0.1, 0.0, 0.25], "ci_low": [0.6, 0.0, 0.0, 0.1],
                                    "ci_high": [1.0, 0.25, 0.0, 0.45]}),
    "sentiment_outlet": pd.DataFrame({"outlet": ["A", "A", "B", "B", "A"],
                                      "measure": ["sentiment_vader"] * 4 + ["sentiment_afinn"],
                                      "voice": ["narration", "quote", "narration", "all", "narration"],
                                      "mean": [0.3, -0.1, -0.2, 0.0, 2.0], "ci_low": [0.1, -0.5, -0.4, -0.1, 1.0],
                                      "ci_high": [0.5, 0.3, 0.0, 0.1, 3.0], "n_sentences": [8, 2, 20, 20, 8]}),
    "reuse_documents": pd.DataFrame({"doc_id": ["a1", "a2", "b1"], "outlet": ["A", "A", "B"],
                                     "n_words": [100, 300, 200], "n_reused_words": [50, 50, 0]}),
    "claim_coverage": pd.DataFrame({"claim_id": ["c1", "c2", "c3"], "n_outlets": [2, 2, 1]}),
    "claim_positions": pd.DataFrame({"claim_id": ["c1", "c1", "c2", "c3"], "outlet": ["A", "B", "A", "B"]}),
    "distinctive_terms": pd.DataFrame({"outlet": ["A", "A", "A", "B"], "comparison": ["rest", "rest", "B", "rest"],
                                       "term": ["sea", "navy", "sea", "flood"], "count": [5, 2, 5, 4],
                                       "count_ref": [0, 1, 0, 0], "z": [2.5, 0.8, 2.5, -0.3]}),
    "documents": pd.DataFrame({"doc_id": ["a1", "a2", "b1"], "outlet": ["A", "A", "B"], "n_sentences": [4, 6, 20]}),
}


def test_profile_measures_assemble_counts_and_shares():
    m = synthesis.profile_measures(TABLES).set_index(["outlet", "measure"])
    assert m.loc[("A", "frame: china"), ["value", "k", "n"]].tolist() == [0.8, 8, 10]
    assert m.loc[("A", "tone: narration"), "value"] == 0.3 and m.loc[("A", "tone: quote"), "n"] == 2
    assert ("B", "tone: all") not in m.index  # only narration and quotes, only VADER
    # reuse pools the outlet's articles: (50 + 50) / (100 + 300)
    assert m.loc[("A", "reused words"), ["value", "k", "n"]].tolist() == [0.25, 100, 400]
    assert np.isnan(m.loc[("A", "reused words"), "ci_low"])
    # two claims are shared (c1, c2): A reports both, B one
    assert m.loc[("A", "shared claims"), ["k", "n", "value"]].tolist() == [2, 2, 1.0]
    assert m.loc[("B", "shared claims"), ["k", "value"]].tolist() == [1, 0.5]


def test_clear_differences_need_intervals_apart_from_every_other_outlet():
    clear = synthesis.clear_differences(synthesis.profile_measures(TABLES))
    # china: A [0.6, 1] vs B [0, 0.25] -> A higher, B lower; terror: A [0, 0] vs B [0.1, 0.45] -> B higher
    # tone narration: A [0.1, 0.5] vs B [-0.4, 0] -> A higher
    assert set(map(tuple, clear.to_numpy())) == {("A", "frame: china", "higher"), ("B", "frame: china", "lower"),
                                                   ("A", "frame: terror", "lower"), ("B", "frame: terror", "higher"),
                                                   ("A", "tone: narration", "higher"),
                                                   ("B", "tone: narration", "lower")}


def test_distinctive_words_are_positive_z_against_the_rest():
    words = synthesis.distinctive_words(TABLES, n=5)
    assert words[["outlet", "term", "significant"]].values.tolist() == [["A", "sea", True], ["A", "navy", False]]


def test_profile_text_states_counts_and_intervals():
    m, w = synthesis.profile_measures(TABLES), synthesis.distinctive_words(TABLES)
    text = synthesis.profile_text("A", m, w, TABLES["documents"])
    assert text.startswith("**A** — 2 articles, 10 sentences.")
    assert "china in 8 of 10 (80%, 95% interval 60%–100%)" in text and "terror in" not in text
    assert "+0.30 over 8 sentences (95% interval +0.10 to +0.50); of the words it quotes: -0.10" in text
    assert "*sea* (5 vs 0)" in text and "reaches z" not in text
    assert "100 of 400 (25%)" in text and "Of the 2 claims two or more outlets report, it includes 2." in text
    b = synthesis.profile_text("B", m, synthesis.distinctive_words(TABLES), TABLES["documents"])
    assert b.startswith("**B** — 1 article, 20 sentences.") and "Words it uses" not in b


def test_event_highlights_keep_consistent_sides_only():
    summary = pd.DataFrame({"outlet": ["A", "B", "C"], "measure": ["frame_china"] * 3, "n_events": [2, 2, 1],
                            "mean_diff": [0.2, -0.05, 0.5], "min_diff": [0.1, -0.2, 0.5],
                            "max_diff": [0.3, 0.1, 0.5], "n_above": [2, 1, 1]})
    hi = synthesis.event_highlights(summary)
    assert hi[["outlet", "direction"]].values.tolist() == [["A", "above"]]
    assert hi.loc[0, "mean_diff"] == pytest.approx(0.2)


def test_missing_tables_leave_their_sections_out():
    m = synthesis.profile_measures({"frame_salience": TABLES["frame_salience"]})
    assert set(m["section"]) == {"frames"}
    assert synthesis.profile_measures({}).empty
