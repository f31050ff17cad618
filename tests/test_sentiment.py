import numpy as np
import pandas as pd
import pytest

from analysis import sentiment as S
from analysis.errors import ConfigError
from analysis.paths import BUNDLED_CORPUS
from analysis.pipeline import Run, _clean, _read, _segment


def doc_and_sentences(text, cuts, doc_id="d"):
    """A one-document corpus whose sentences end at the given character offsets."""
    docs = pd.DataFrame({"doc_id": [doc_id], "outlet": ["Alpha"], "text": [text]})
    starts, rows = 0, []
    for i, end in enumerate(cuts):
        while text[starts] == " ":
            starts += 1
        rows.append((doc_id, 0, i, starts, end, text[starts:end]))
        starts = end
    sents = pd.DataFrame(rows, columns=["doc_id", "para_idx", "sent_idx", "start", "end", "text"])
    return docs, sents


# ------------------------------------------------------------------ pinned lexicon scores
@pytest.mark.parametrize("text, compound, pos, neu, neg, afinn", [
    ("India strongly condemns the terror attack.", -0.8271, 0.151, 0.144, 0.705, -6.0),
    ("This is not good.", -0.3412, 0.0, 0.555, 0.445, -2.0),
    ("It was a delight to meet you.", 0.5994, 0.394, 0.606, 0.0, 3.0),
    ("Japan offered full support to India.", 0.4019, 0.351, 0.649, 0.0, 2.0),
    ("The Defence Minister discussed bilateral defence relations and regional security.",
     0.4939, 0.426, 0.574, 0.0, 0.0),
])
def test_pinned_vader_and_afinn_scores(text, compound, pos, neu, neg, afinn):
    v = S.vader_scores(text)
    assert (v["compound"], v["pos"], v["neu"], v["neg"]) == pytest.approx((compound, pos, neu, neg), abs=1e-4)
    assert S.afinn_score(text) == afinn


def test_score_sentences_scores_the_stored_text_exactly():
    sents = pd.DataFrame({"doc_id": ["d", "d"], "sent_idx": [0, 1],
                          "text": ["This is not good.", "THIS IS NOT GOOD!!!"]})
    out = S.score_sentences(sents)
    assert list(out.columns[-5:]) == ["sentiment_vader", "vader_pos", "vader_neu", "vader_neg", "sentiment_afinn"]
    assert out.loc[0, "sentiment_vader"] == pytest.approx(-0.3412, abs=1e-4)
    # capitals and exclamation marks intensify in VADER: the stored text is scored as it is
    assert out.loc[1, "sentiment_vader"] < out.loc[0, "sentiment_vader"]


# ------------------------------------------------------------------ aggregation and bootstrap
def test_aggregate_bootstrap_known_answer():
    # two sentences scoring 0 and 1: resampled means are 0, .5, 1 with probabilities 1/4, 1/2, 1/4,
    # so the 2.5% and 97.5% percentiles are exactly 0 and 1; a constant outlet has a zero-width interval
    long = pd.DataFrame({"outlet": ["A", "A", "B", "B", "B"], "measure": "sentiment_vader", "voice": "all",
                         "score": [0.0, 1.0, 0.3, 0.3, 0.3]})
    out = S.aggregate(long, "outlet", seed=1).set_index("outlet")
    assert out.loc["A", ["mean", "ci_low", "ci_high", "n_sentences"]].tolist() == [0.5, 0.0, 1.0, 2]
    assert out.loc["B", ["mean", "ci_low", "ci_high"]].tolist() == pytest.approx([0.3, 0.3, 0.3])
    assert list(out.columns) == S.AGG_COLUMNS


def test_curly_quote_without_space_is_scored_as_quote_not_narration():
    text = "Rajnath Singh said,“I would like to thank Japan for their strong support.” The ministers met today."
    docs, sents = doc_and_sentences(text, [text.index(" The"), len(text)])
    long = S.score_voices(docs, sents)
    vader = long[long["measure"] == "sentiment_vader"].set_index(["sent_idx", "voice"])
    assert vader.loc[(0, "quote"), "text"] == "I would like to thank Japan for their strong support."
    assert vader.loc[(0, "quote"), "score"] == pytest.approx(S.vader_scores(vader.loc[(0, "quote"), "text"])["compound"])
    assert vader.loc[(0, "narration"), "text"] == "Rajnath Singh said,“ ”"
    assert vader.loc[(0, "narration"), "score"] == 0.0
    assert (1, "quote") not in vader.index


def test_quote_over_two_sentences_counts_in_quote_voice_twice():
    text = 'He posted, "It was a delight. India shares a partnership with Japan." Then he left.'
    a, b = text.index(" India"), text.index(" Then")
    docs, sents = doc_and_sentences(text, [a, b, len(text)])
    long = S.score_voices(docs, sents).merge(docs[["doc_id", "outlet"]], on="doc_id")
    agg = S.aggregate(long, "outlet").query("measure == 'sentiment_vader'").set_index("voice")
    q1, q2 = "It was a delight.", "India shares a partnership with Japan."
    expected = (S.vader_scores(q1)["compound"] + S.vader_scores(q2)["compound"]) / 2
    assert agg.loc["quote", "n_sentences"] == 2
    assert agg.loc["quote", "mean"] == pytest.approx(expected)
    # narration: 'He posted, "' has two words (< MIN_PART_WORDS) and is left out; 'Then he left.' counts
    assert agg.loc["narration", "n_sentences"] == 1
    assert agg.loc["all", "n_sentences"] == 3


# ------------------------------------------------------------------ targets
@pytest.mark.parametrize("text, terms, hit", [
    ("India and Japan discussed counter-terrorism cooperation.", ["terror*"], True),
    ("The Japanese minister arrived.", S.TARGETS["Japan"], True),
    ("Japan's stance was appreciated.", S.TARGETS["Japan"], True),
    ("China's military posturing in the Indo-Pacific.", S.TARGETS["China"], True),
    ("Indochina is a region.", S.TARGETS["China"], False),
    ("The ministers met in Delhi.", S.TARGETS["terrorism"], False),
])
def test_mentions(text, terms, hit):
    assert S.mentions(text, terms) is hit


def test_load_targets_file_and_errors(tmp_path):
    f = tmp_path / "targets.txt"
    f.write_text("# targets\nRussia: russia, russian, moscow\nwar: war*\n", encoding="utf-8")
    assert S.load_targets(f) == {"Russia": ["russia", "russian", "moscow"], "war": ["war*"]}
    f.write_text("Russia russia\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="line 1"):
        S.load_targets(f)
    with pytest.raises(ConfigError, match="not found"):
        S.load_targets(tmp_path / "missing.txt")
    with pytest.raises(ConfigError, match="no terms"):
        S.load_targets({"x": []})


# ------------------------------------------------------------------ agreement
def test_agreement_and_disagreement():
    scored = pd.DataFrame({"doc_id": "d", "sent_idx": range(4), "outlet": ["A"] * 4, "text": list("abcd"),
                           "sentiment_vader": [-0.5, 0.0, 0.2, 0.9], "sentiment_afinn": [-2, 0, 1, -3]})
    agr = S.agreement(scored).set_index("outlet")
    # ranks vader 1,2,3,4; afinn 2,3,4,1: d^2 = 1+1+1+9 = 12, rho = 1 - 6*12/(4*15) = -0.2
    assert agr.loc["A", "spearman_rho"] == pytest.approx(-0.2)
    dis = S.disagreement(scored, n=2)
    assert dis.loc[0, "sent_idx"] == 3 and dis.loc[0, "rank_diff"] == pytest.approx(1.0 - 0.25)
    const = scored.assign(sentiment_afinn=0)
    assert np.isnan(S.agreement(const).loc[0, "spearman_rho"])


# ------------------------------------------------------------------ stage on the bundled corpus
@pytest.fixture(scope="module")
def sentiment_run():
    run = Run(BUNDLED_CORPUS, BUNDLED_CORPUS.parent / "unused", {"seed": 7})
    for step in (_read, _clean, _segment, S.stage):
        step(run)
    return run


def test_stage_tables(sentiment_run):
    t = sentiment_run.tables
    assert list(t["sentiment_outlet"].columns) == ["outlet", *S.AGG_COLUMNS]
    assert set(t["sentiment_outlet"]["voice"]) == {"all", "narration", "quote"}
    n_all = t["sentiment_outlet"].query("voice == 'all' and measure == 'sentiment_vader'")["n_sentences"].sum()
    assert n_all == len(sentiment_run.sentences)
    assert (t["sentiment_outlet"]["ci_low"] <= t["sentiment_outlet"]["mean"] + 1e-12).all()
    assert set(t["sentiment_target"]["target"]) <= set(S.TARGETS)
    assert {"sentiment_vader", "vader_pos", "vader_neg", "vader_neu", "sentiment_afinn"} <= set(sentiment_run.sentences)
    row = sentiment_run.sentences.iloc[0]
    assert row["sentiment_vader"] == S.vader_scores(row["text"])["compound"]


def test_targeted_sentences_really_mention_the_target(sentiment_run):
    s = sentiment_run.sentences
    n_pak = sum(S.mentions(x, S.TARGETS["Pakistan"]) for x in s["text"])
    tab = sentiment_run.tables["sentiment_target"]
    got = tab.query("target == 'Pakistan' and voice == 'all' and measure == 'sentiment_vader'")["n_sentences"].sum()
    assert got == n_pak > 0
