"""Tests of analysis.keyness: chi2 (Yates), G2, PMI, Fisher and Log Ratio on hand-worked 2 x 2 tables."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.errors import ConfigError
from analysis.keyness import MEASURES, keyness, keyness_scores, keyness_table, log_ratio

# The 2 x 2 table used throughout: the term 10 times in a target of 100 terms, 5 times in a reference
# of 200 terms.
#                 term   other
#   target         a=10   c=90     (100)
#   reference      b=5    d=195    (200)        N = 300, term total 15, other total 285
# Expected: E_a = 15*100/300 = 5, E_b = 15*200/300 = 10, E_c = 285*100/300 = 95, E_d = 285*200/300 = 190.
# Every |O - E| = 5.
A, B, NT, NR = 10, 5, 100, 200
TABLE = np.array([[10, 90], [5, 195]])


def score(measure, a=A, b=B, nt=NT, nr=NR):
    stat, p = keyness_scores([a], [b], nt, nr, measure)
    return stat[0], p[0]


def test_chi2_yates_hand_worked():
    # Yates: each |O - E| = 5 reduced by 0.5 -> 4.5; chi2 = 4.5^2 * (1/5 + 1/10 + 1/95 + 1/190)
    #      = 20.25 * (3/10 + 3/190) = 20.25 * 6/19 = 121.5 / 19 = 6.394737
    stat, p = score("chi2")
    assert stat == pytest.approx(121.5 / 19)
    assert p == pytest.approx(stats.chi2.sf(121.5 / 19, 1))
    ref = stats.chi2_contingency(TABLE, correction=True)
    assert stat == pytest.approx(ref[0]) and p == pytest.approx(ref[1])


def test_chi2_yates_correction_capped_at_the_deviation():
    # target 7, reference 13 (N = 20); the term once in each: E_a = 2*7/20 = 0.7, |O - E| = 0.3 < 0.5,
    # so the correction removes the whole deviation (R's min(0.5, |O - E|)) and chi2 = 0, not (0.3-0.5)^2/E.
    stat, p = score("chi2", 1, 1, 7, 13)
    assert stat == pytest.approx(0.0)
    assert p == pytest.approx(1.0)
    assert stats.chi2_contingency([[1, 6], [1, 12]], correction=True)[0] == pytest.approx(0.0)


def test_g2_hand_worked():
    # G2 = 2 * (10 ln(10/5) + 5 ln(5/10) + 90 ln(90/95) + 195 ln(195/190))
    #    = 2 * (6.931472 - 3.465736 - 4.866050 + 5.065220) = 2 * 3.664906 = 7.329812
    g2 = 2 * (10 * math.log(2) + 5 * math.log(0.5) + 90 * math.log(90 / 95) + 195 * math.log(195 / 190))
    assert g2 == pytest.approx(7.329812, abs=1e-6)
    stat, p = score("lr")
    assert stat == pytest.approx(g2)
    assert p == pytest.approx(stats.chi2.sf(g2, 1))
    ref = stats.chi2_contingency(TABLE, correction=False, lambda_="log-likelihood")
    assert stat == pytest.approx(ref[0])


def test_pmi_hand_worked():
    # PMI = ln(a / E_a) = ln(10 / 5) = ln 2 = 0.693147; no p-value
    stat, p = score("pmi")
    assert stat == pytest.approx(math.log(2))
    assert math.isnan(p)


def test_pmi_zero_count_is_minus_infinity():
    stat, _ = score("pmi", 0, 5)
    assert stat == -math.inf


def test_fisher_hand_worked_and_against_scipy():
    # odds ratio = a*d / (b*c) = 10*195 / (5*90) = 1950 / 450 = 4.3333
    stat, p = score("exact")
    assert stat == pytest.approx(1950 / 450)
    ref = stats.fisher_exact(TABLE)
    assert stat == pytest.approx(ref[0]) and p == pytest.approx(ref[1])
    assert 0 < p < 1


def test_log_ratio_hand_worked_and_zero_replaced():
    # log2((10/100) / (5/200)) = log2(0.1 / 0.025) = log2(4) = 2
    assert log_ratio([10], [5], 100, 200)[0] == pytest.approx(2.0)
    # a zero count is read as 0.5: log2((0.5/100) / (5/200)) = log2(0.2) = -2.321928
    assert log_ratio([0], [5], 100, 200)[0] == pytest.approx(math.log2(0.2))
    assert log_ratio([10], [0], 100, 200)[0] == pytest.approx(math.log2((10 / 100) / (0.5 / 200)))


@pytest.mark.parametrize("measure", ["chi2", "lr", "pmi"])
def test_sign_convention_swapping_target_and_reference(measure):
    # more frequent in the target (10/100 vs 5/200) -> positive; swap the sides -> same size, negative
    fwd, _ = score(measure)
    back, _ = score(measure, B, A, NR, NT)
    assert fwd > 0 > back
    # chi2 and G2 depend on the table only up to sign; PMI swapped is ln(5 / E=10) = -ln 2
    assert back == pytest.approx(-fwd)


def test_fisher_odds_ratio_direction():
    fwd, _ = score("exact")
    back, _ = score("exact", B, A, NR, NT)
    assert fwd > 1 > back
    assert back == pytest.approx(1 / fwd)


def test_keyness_scores_vectorised_and_invalid_measure():
    stat, _ = keyness_scores([10, 0], [5, 5], 100, 200, "chi2")
    assert stat[0] == pytest.approx(121.5 / 19)
    # a = 0, b = 5: E_a = 5*100/300 = 5/3; below expectation -> negative
    assert stat[1] < 0
    ref = stats.chi2_contingency([[0, 100], [5, 195]], correction=True)[0]
    assert stat[1] == pytest.approx(-ref)
    with pytest.raises(ConfigError, match="measure='dice' is not a valid option"):
        keyness_scores([1], [1], 10, 10, "dice")


def test_keyness_table_totals_and_columns():
    target = pd.Series({"navy": 10, "trade": 90})
    reference = pd.Series({"navy": 5, "trade": 190, "coast": 5})
    res = keyness_table(target, reference)
    assert set(res["measure"]) == set(MEASURES)
    navy = res[res["term"] == "navy"].set_index("measure")
    # totals are the term counts of each side: 100 and 200 -> the table above
    assert navy.loc["chi2", "statistic"] == pytest.approx(121.5 / 19)
    assert (navy.loc["chi2", "total_target"], navy.loc["chi2", "total_reference"]) == (100, 200)
    assert (navy.loc["chi2", "n_target"], navy.loc["chi2", "n_reference"]) == (10, 5)
    assert navy.loc["lr", "log_ratio"] == pytest.approx(2.0)
    coast = res[(res["term"] == "coast") & (res["measure"] == "chi2")].iloc[0]
    assert coast["n_target"] == 0 and coast["statistic"] < 0


def test_keyness_from_counts_table_sign_and_sort():
    counts = pd.DataFrame({
        "doc_id": ["d1", "d1", "d2", "d2", "d2"], "outlet": ["A", "A", "B", "B", "B"], "ngram": 1,
        "term": ["navy", "trade", "navy", "trade", "coast"], "count": [10, 90, 5, 190, 5]})
    res = keyness(counts, measures=("chi2", "lr"))
    assert list(res.columns) == ["outlet", "comparison", "term", "measure", "statistic", "p", "n_target",
                                 "n_reference", "total_target", "total_reference", "log_ratio"]
    assert set(zip(res["outlet"], res["comparison"])) == {("A", "rest"), ("B", "rest"), ("A", "B"), ("B", "A")}
    a = res[(res["outlet"] == "A") & (res["comparison"] == "B") & (res["measure"] == "chi2")]
    assert list(a["statistic"]) == sorted(a["statistic"], reverse=True)
    assert a.iloc[0]["term"] == "navy"
    assert a.iloc[0]["statistic"] == pytest.approx(121.5 / 19)
    b = res[(res["outlet"] == "B") & (res["comparison"] == "A") & (res["measure"] == "chi2")].set_index("term")
    assert b.loc["navy", "statistic"] == pytest.approx(-121.5 / 19)
    with pytest.raises(ConfigError):
        keyness(counts, measures=("chi2", "tfidf"))


# --- Fisher's exact test for many tables at once ---------------------------------------------------

def grid_tables():
    """Tables a, b, c, d over small (factorial), middle (prime-factor) and large (Lanczos) totals, with edges."""
    rng = np.random.default_rng(7)
    rows = [[0, 0, 5, 5], [5, 5, 0, 0], [3, 0, 0, 4], [0, 3, 4, 0], [10, 5, 90, 195], [1, 1, 6, 12],
            [0, 0, 0, 0], [7, 0, 0, 0], [1, 0, 0, 1], [0, 1, 1, 0]]
    for nt, nr in [(7, 13), (100, 200), (900, 4000), (5000, 90000), (300000, 2000000)]:
        a = np.minimum(rng.integers(0, 40, 150), nt)
        b = np.minimum(rng.integers(0, 120, 150), nr)
        rows += np.stack([a, b, nt - a, nr - b], axis=1).tolist()
    return np.array(rows)


def test_fisher_vectorised_is_scipy_to_the_last_bit():
    from analysis.keyness import _fisher

    tables = grid_tables()
    odds, p = _fisher(tables)
    ref = np.array([stats.fisher_exact([[a, c], [b, d]]) for a, b, c, d in tables.tolist()], dtype=float)
    np.testing.assert_array_equal(odds, ref[:, 0])      # equal, NaN where scipy gives NaN; not approx
    np.testing.assert_array_equal(p, ref[:, 1])


def test_fisher_hand_worked_p_one_sided_sum():
    # table [[3, 0], [0, 4]]: P(a = 3) = 1 / C(7, 3) = 1/35; the other tables (a = 0: 4/35, 1: 18/35,
    # 2: 12/35) are all more likely, so the two-sided p is 1/35
    _, p = keyness_scores([3], [0], 3, 4, "exact")
    assert p[0] == pytest.approx(1 / 35)


def test_keyness_from_term_counts_equals_the_table():
    from analysis.lexical import count_terms

    docs = pd.DataFrame({"doc_id": ["d1", "d2", "d3"], "outlet": ["A", "B", "C"]})
    sents = pd.DataFrame({"doc_id": ["d1", "d2", "d3", "d1"], "sent_idx": [0, 0, 0, 1],
                          "text": ["Navy navy trade coast.", "Trade trade navy.", "Coast guard trade.", "Navy."]})
    counts = count_terms(sents, docs)
    pd.testing.assert_frame_equal(keyness(counts), keyness(counts.table()))
