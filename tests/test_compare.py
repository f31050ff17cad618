"""Bootstrap intervals over sentences: known answers and properties."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.compare import bootstrap_mean, by_group, by_group_measures, share_by_group


def test_two_values_known_answer():
    # resampled means of {0, 1} are 0, .5, 1 with probabilities 1/4, 1/2, 1/4: the 2.5% and 97.5%
    # percentiles of 2,000 draws are 0 and 1 (P(no draw at 0) = 0.75**2000, negligible)
    assert bootstrap_mean([0, 1]) == (0.5, 0.0, 1.0)


def test_degenerate_inputs():
    assert bootstrap_mean([0.3, 0.3, 0.3]) == (0.3, 0.3, 0.3)
    assert bootstrap_mean([2.0]) == (2.0, 2.0, 2.0)
    assert all(np.isnan(bootstrap_mean([])))
    assert bootstrap_mean([1.0, np.nan, 1.0]) == (1.0, 1.0, 1.0)  # NaN left out


def test_interval_width_matches_the_normal_approximation_for_a_large_sample():
    # 400 sentences, 100 framed: SE = sqrt(.25 * .75 / 400) = 0.02165, 95% half-width ~ 0.0424
    values = np.r_[np.ones(100), np.zeros(300)]
    mean, low, high = bootstrap_mean(values)
    assert mean == 0.25
    assert (high - low) / 2 == pytest.approx(1.96 * np.sqrt(0.25 * 0.75 / 400), rel=0.1)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-1, 1, allow_nan=False), min_size=1, max_size=40), st.integers(0, 1000))
def test_interval_contains_the_mean_and_is_reproducible(values, seed):
    mean, low, high = bootstrap_mean(values, n_boot=200, random_state=seed)
    assert low - 1e-12 <= mean <= high + 1e-12
    assert min(values) - 1e-12 <= low and high <= max(values) + 1e-12
    assert bootstrap_mean(values, n_boot=200, random_state=seed) == (mean, low, high)


def test_adding_an_outlet_does_not_change_another_outlets_interval():
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"outlet": ["A"] * 30 + ["C"] * 30, "x": rng.integers(0, 2, 60)})
    more = pd.concat([df, pd.DataFrame({"outlet": ["B"] * 10, "x": 1})])
    before = by_group(df, "outlet", "x").set_index("outlet")
    after = by_group(more, "outlet", "x").set_index("outlet")
    pd.testing.assert_frame_equal(before, after.loc[["A", "C"]])


def test_share_by_group_counts_beside_shares():
    df = pd.DataFrame({"outlet": ["A", "A", "A", "A", "B", "B"], "f": [1, 0, 0, 1, 0, 0]})
    out = share_by_group(df, "outlet", "f").set_index("outlet")
    assert out.loc["A", ["n_sentences", "n_hits", "share"]].tolist() == [4, 2, 0.5]
    assert out.loc["B", ["n_hits", "share", "ci_low", "ci_high"]].tolist() == [0, 0.0, 0.0, 0.0]


def _index_bootstrap(x, seed, n_boot=2000):
    """The textbook percentile bootstrap in one block: the reference for the large-sample paths."""
    x = np.asarray(x, dtype=float)
    means = x[np.random.default_rng(seed).integers(0, x.size, size=(n_boot, x.size))].mean(axis=1)
    return (x.mean(), *np.quantile(means, [0.025, 0.975]))


def test_many_sentences_with_few_distinct_values_are_resampled_as_counts():
    # 5,000 sentences, 1,250 framed: resampling counts of 0s and 1s is the same bootstrap as
    # resampling indices; both intervals sit at 0.25 -/+ 1.96 * sqrt(.25 * .75 / 5000) = 0.012
    x = np.r_[np.ones(1250), np.zeros(3750)]
    mean, low, high = bootstrap_mean(x, random_state=3)
    _, ref_low, ref_high = _index_bootstrap(x, 3)
    assert mean == 0.25
    assert (low, high) == pytest.approx((ref_low, ref_high), abs=0.0015)  # Monte-Carlo spread of either
    assert (high - low) / 2 == pytest.approx(1.96 * np.sqrt(0.25 * 0.75 / 5000), rel=0.05)
    assert bootstrap_mean(x, random_state=3) == (mean, low, high)


def test_many_distinct_values_use_the_normal_limit_of_the_bootstrap():
    rng = np.random.default_rng(5)
    x = np.where(rng.random(4000) < 0.4, 0.0, np.clip(rng.normal(0.3, 0.45, 4000), -1, 1))  # tone-like, skewed
    mean, low, high = bootstrap_mean(x)
    half = 1.959963984540054 * x.std() / np.sqrt(x.size)
    assert (low, high) == pytest.approx((mean - half, mean + half), abs=1e-12)
    _, ref_low, ref_high = _index_bootstrap(x, 0)
    assert abs(low - ref_low) < 0.1 * half and abs(high - ref_high) < 0.1 * half


def test_measures_of_a_group_share_one_draw_and_give_by_groups_numbers():
    rng = np.random.default_rng(7)
    df = pd.DataFrame({"event": rng.choice(["e1", "e2", "e3"], 300), "outlet": rng.choice(["A", "B"], 300),
                       "tone": rng.normal(size=300), "frame": rng.integers(0, 2, 300).astype(float)})
    df.loc[::7, "tone"] = np.nan  # fewer values than the frame column in some groups: a draw of their own
    stacked = by_group_measures(df, ["event", "outlet"], ["frame", "tone"], random_state=3)
    one_by_one = pd.concat([by_group(df, ["event", "outlet"], col, random_state=3).assign(measure=col)
                            for col in ("frame", "tone")], ignore_index=True)
    pd.testing.assert_frame_equal(stacked, one_by_one[stacked.columns])
    draws = {}
    x = df["tone"].dropna().to_numpy()[:40]
    assert bootstrap_mean(x, random_state=5, draws=draws) == bootstrap_mean(x, random_state=5)
    assert list(draws) == [(5, 2000, 40)]
    y = x[::-1].copy()  # same seed, same size: the cached indices give the uncached numbers
    assert bootstrap_mean(y, random_state=5, draws=draws) == bootstrap_mean(y, random_state=5)


def _by_group_reference(df, group_cols, value_col, random_state=0):
    """The loop by_group was before it cut groups from one sort: the reference its numbers must equal."""
    from analysis.compare import _group_seed

    group_cols = [group_cols] if isinstance(group_cols, str) else list(group_cols)
    rows = []
    for key, grp in df.groupby(group_cols, sort=True, observed=True):
        vals = grp[value_col].to_numpy(dtype=float)
        vals = vals[~np.isnan(vals)]
        key = key if isinstance(key, tuple) else (key,)
        rows.append((*key, *bootstrap_mean(vals, random_state=random_state + _group_seed(key)), int(vals.size)))
    return pd.DataFrame(rows, columns=[*group_cols, "mean", "ci_low", "ci_high", "n"])


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**31 - 1), st.sampled_from(["outlet", ["outlet", "doc"], ["doc", "outlet"]]),
       st.booleans())
def test_by_group_equals_the_plain_loop_over_groups(seed, group_cols, categorical):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 120))
    df = pd.DataFrame({"outlet": rng.choice(["B", "A", "C", None], n), "doc": rng.integers(0, 4, n),
                       "x": rng.normal(size=n).round(2)})
    df.loc[rng.random(n) < 0.2, "x"] = np.nan
    if categorical:  # an unused category gets no row, as in pandas' observed=True grouping
        df["outlet"] = pd.Categorical(df["outlet"], categories=["C", "B", "A", "unused"])
    got = by_group(df, group_cols, "x", random_state=4)
    pd.testing.assert_frame_equal(got, _by_group_reference(df, group_cols, "x", random_state=4))


@pytest.mark.parametrize("workers", [1, 2])
def test_quantiles_in_blocks_and_groups_over_processes_give_the_plain_loops_numbers(monkeypatch, workers):
    import analysis.compare as compare

    # small blocks and thresholds, so every path meets a block boundary and the groups are split
    monkeypatch.setattr(compare, "QUANTILE_BLOCK", 3)
    monkeypatch.setattr(compare, "FORK_MIN_GROUPS", 2)
    monkeypatch.setattr(compare, "INDEX_MAX", 12)  # larger groups: counts of distinct values, or the normal limit
    rng = np.random.default_rng(11)
    n = 900
    df = pd.DataFrame({"event": rng.integers(0, 40, n).astype(str), "outlet": rng.choice(["A", "B", "C"], n),
                       "tone": rng.normal(size=n).round(1), "frame": rng.integers(0, 2, n).astype(float)})
    df.loc[df["event"] == "7", "tone"] = 0.5  # a constant group: no resampling
    df.loc[::9, "tone"] = np.nan
    got = by_group_measures(df, ["event", "outlet"], ["frame", "tone"], random_state=2, workers=workers)
    want = pd.concat([_by_group_reference(df, ["event", "outlet"], col, random_state=2).assign(measure=col)
                      for col in ("frame", "tone")], ignore_index=True)
    pd.testing.assert_frame_equal(got, want[got.columns])
