from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import clean, segment
from analysis import sentiment as S
from analysis.errors import ConfigError
from analysis.paths import BUNDLED_CORPUS
from analysis.pipeline import Run, _read

EVENTS_CORPUS = Path(__file__).parent / "data" / "events_corpus"


def segmented(corpus, params=None) -> Run:
    """A run with documents, paragraphs and sentences (the stages before sentiment's inputs)."""
    run = Run(corpus, corpus.parent / "unused", dict(params or {}))
    _read(run)
    run.context = clean.context(run.documents)
    clean.annotate(run)
    segment.annotate(run)
    return run


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

    # the text comes with the n rows kept, looked up by position whatever the index
    shuffled = scored.set_index(pd.Index([10, 3, 7, 0]))
    assert S.disagreement(shuffled, n=4)["text"].tolist() == ["d", "a", "b", "c"]


def test_outlet_aggregates_keyed_by_categoricals_equal_those_of_the_merged_long_table():
    """The lean long table (outlet, measure, voice as categoricals) gives the outlet and target rows
    the merge of the long scores with the outlets gave, number for number (documents of no known
    outlet are left out in both)."""
    rng = np.random.default_rng(5)
    n = 400
    voices = pd.DataFrame({
        "doc_id": pd.Series(rng.choice(["a", "b", "c", "d", "e", "zz"], n), dtype="str"),
        "sent_idx": rng.integers(0, 50, n),
        "voice": pd.Series(rng.choice(list(S.VOICES), n), dtype="str"),
        "sentiment_vader": rng.uniform(-1, 1, n).round(3),
        "sentiment_afinn": rng.integers(-5, 6, n).astype(float),
    }).drop_duplicates(["doc_id", "sent_idx", "voice"], ignore_index=True)
    docs = pd.DataFrame({"doc_id": ["e", "d", "c", "b", "a"], "outlet": ["Q", "P", "Q", "R", "P"]})
    merged = S.long_scores(voices).merge(docs, on="doc_id", how="left")
    lean = S._outlet_long(voices, docs)
    pd.testing.assert_frame_equal(S.aggregate(lean, "outlet", 3), S.aggregate(merged, "outlet", 3))
    mentioned = voices.loc[voices["voice"] == "all", ["doc_id", "sent_idx"]].iloc[::3].assign(target="T")
    targets = {"T": ["t"], "none": ["x"]}
    pd.testing.assert_frame_equal(
        S.target_tone(lean, mentioned, targets, 3),
        S.target_tone(merged, mentioned, targets, 3))


# ------------------------------------------------------------------ stage on the bundled corpus
@pytest.fixture(scope="module")
def sentiment_run():
    run = segmented(BUNDLED_CORPUS, {"seed": 7})
    S.stage(run)
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


def test_stage_tables_equal_those_of_the_long_table_merged_with_the_outlets(sentiment_run):
    """The corpus-level part (categorical keys, no merge) gives the tables the merged long table gave."""
    t, run = sentiment_run.tables, sentiment_run
    outlets = run.documents[["doc_id", "outlet"]]
    long = S.long_scores(t[S.VOICE_TABLE]).merge(outlets, on="doc_id", how="left")
    pd.testing.assert_frame_equal(t["sentiment_outlet"], S.aggregate(long, "outlet", 7))
    pd.testing.assert_frame_equal(t["sentiment_target"], S.target_tone(long, t[S.MENTION_TABLE], S.TARGETS, 7))
    sents = run.sentences[["doc_id", "sent_idx", "text", "sentiment_vader", "sentiment_afinn"]].merge(
        outlets, on="doc_id", how="left")
    pd.testing.assert_frame_equal(t["sentiment_agreement"], S.agreement(sents))
    pd.testing.assert_frame_equal(t["sentiment_disagreement"], S.disagreement(sents))


def test_targeted_sentences_really_mention_the_target(sentiment_run):
    s = sentiment_run.sentences
    n_pak = sum(S.mentions(x, S.TARGETS["Pakistan"]) for x in s["text"])
    tab = sentiment_run.tables["sentiment_target"]
    got = tab.query("target == 'Pakistan' and voice == 'all' and measure == 'sentiment_vader'")["n_sentences"].sum()
    assert got == n_pak > 0


def test_mention_table_agrees_with_mentions(sentiment_run):
    s = sentiment_run.sentences
    tab = S.mention_table(s, S.TARGETS)
    expected = [(d, i, name) for d, i, text in zip(s["doc_id"], s["sent_idx"], s["text"])
                for name, terms in S.TARGETS.items() if S.mentions(text, terms)]
    assert list(tab.itertuples(index=False, name=None)) == expected
    assert {name for _, _, name in expected} == set(S.TARGETS)  # every default target occurs in the corpus
    odd = pd.DataFrame({"doc_id": "d", "sent_idx": [0, 1, 2],
                        "text": ["Counter-terrorism’s reach.", "Indochina.", "CHINA'S role"]})
    got = S.mention_table(odd, {"t": ["terrorism"], "c": ["china"], "all": ["*"]})
    assert list(got.itertuples(index=False, name=None)) == [
        ("d", 0, "t"), ("d", 0, "all"), ("d", 1, "all"), ("d", 2, "c"), ("d", 2, "all")]


# ------------------------------------------------------------------ fast lexicon paths = the libraries
AFINN_CASES = ["some kind of idiot", "Not  good!", "not goods", "well-being and ill-fated", "self-confident-ish",
               "bad luck's bad_luck x_bad bad", "can't stand it, CAN'T STAND", "fed up\nfed  up", "kind of good",
               "cover-up-ed", "once-in-a-lifetime-ish", "İbad good\u0307 bad", "", "   ", "no fun no-fun"]
VADER_CASES = ["VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!", "The book was only kind of good.",
               "The plot was good, but the characters are uncompelling and the dialog is not great.",
               "Catch utf-8 emoji such as 💘 and 💋 and 😁", "Not bad at all", "At least it isn't a horrible book.",
               "Without a doubt, an excellent idea.", "no no good", "kind", "", "   ", "Make sure you :) or :D today!",
               "Roger Dodger is one of the least compelling variations on this theme.", "It was the bomb ?? !!"]


def test_fast_afinn_equals_the_library_on_every_sentence():
    from afinn import Afinn

    lib = Afinn(language="en")
    run = segmented(BUNDLED_CORPUS)
    texts = AFINN_CASES + run.sentences["text"].tolist()
    assert [S.afinn_score(t) for t in texts] == [lib.score(t) for t in texts]
    assert S.afinn_score("some kind of idiot") == -3.0  # 'some kind' (0) is matched first, as in the library


def test_fast_vader_equals_the_library_on_every_sentence():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    lib = SentimentIntensityAnalyzer()
    run = segmented(BUNDLED_CORPUS)
    texts = VADER_CASES + run.sentences["text"].tolist()
    assert [S.vader_scores(t) for t in texts] == [lib.polarity_scores(t) for t in texts]


# ------------------------------------------------------------------ per-document contract
def _chunk(run, docs) -> Run:
    """The documents ``docs`` of ``run``, in that order, with their sentences in the same order."""
    part = Run(run.corpus, run.out, dict(run.params))
    part.documents = run.documents.set_index("doc_id").loc[list(docs)].reset_index()
    part.sentences = pd.concat([run.sentences[run.sentences["doc_id"] == d] for d in docs], ignore_index=True)
    return part


@pytest.mark.parametrize("corpus, cuts", [(BUNDLED_CORPUS, [2, 3]), (EVENTS_CORPUS, [4, 11])])
def test_annotate_on_chunks_concatenates_to_annotate_on_the_whole(corpus, cuts):
    run = segmented(corpus, {"seed": 3})
    run.documents = run.documents.iloc[::-1].reset_index(drop=True)  # document order need not be doc_id order
    whole = _chunk(run, run.documents["doc_id"])
    S.annotate(whole)
    ids = run.documents["doc_id"].tolist()
    bounds = [0, *cuts, len(ids)]
    parts = [_chunk(run, ids[a:b]) for a, b in zip(bounds, bounds[1:])]
    for part in parts:
        S.annotate(part)
    cat = lambda frames: pd.concat(frames, ignore_index=True)  # noqa: E731
    pd.testing.assert_frame_equal(cat([p.sentences for p in parts]), whole.sentences)
    for name in (S.VOICE_TABLE, S.MENTION_TABLE, S.DOCUMENT_TABLE):
        assert len(whole.tables[name]) > 0
        pd.testing.assert_frame_equal(cat([p.tables[name] for p in parts]), whole.tables[name])
    # and the corpus-level part gives the same tables from the concatenation
    joined = Run(run.corpus, run.out, dict(run.params))
    joined.documents = cat([p.documents for p in parts])
    joined.sentences = cat([p.sentences for p in parts])
    joined.tables = {n: cat([p.tables[n] for p in parts]) for n in parts[0].tables}
    assert S.summarise(joined) == S.summarise(whole)
    for name in ("sentiment_outlet", "sentiment_document", "sentiment_target", "sentiment_agreement",
                 "sentiment_disagreement"):
        pd.testing.assert_frame_equal(joined.tables[name], whole.tables[name])


def test_sentiment_document_is_sorted_by_doc_id_whatever_the_document_order(sentiment_run):
    doc = sentiment_run.tables["sentiment_document"]
    assert doc["doc_id"].is_monotonic_increasing
    rank = doc["voice"].map({v: i for i, v in enumerate(S.VOICES)})
    within = doc.assign(rank=rank).groupby(["doc_id", "measure"], sort=False)["rank"]
    assert within.apply(lambda r: r.is_monotonic_increasing).all()
    ours = doc.set_index(["doc_id", "measure", "voice"])
    long = S.score_voices(sentiment_run.documents, sentiment_run.sentences)
    means = long.groupby(["doc_id", "measure", "voice"])["score"].mean()
    assert np.allclose(ours["mean"].loc[means.index], means)
