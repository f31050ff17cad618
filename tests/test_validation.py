"""Tests of analysis.validation: alignment checks and the scores on a small hand-made example."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.errors import ConfigError
from analysis.validation import BUNDLED_HAND_CODING, alpha_nominal, load_hand_coding, score, validate_file

TEXTS = ["s0", "s1", "s2", "s3", "s4", "s5"]


@pytest.fixture
def sentences():
    # dictionary codes p = 1 0 0 1 1 0
    return pd.DataFrame({"doc_id": ["d"] * 6, "sent_idx": range(6), "text": TEXTS,
                         "frame_t": [1, 0, 0, 1, 1, 0], "frame_c": [0, 0, 0, 0, 0, 0]})


def hand_csv(tmp_path, rows=None, t=(1, 1, 0, 0, 1, 0), **cols):
    df = pd.DataFrame({"doc_id": ["d"] * 6, "sent_idx": range(6), "text": TEXTS, "t": list(t),
                       "c": [0] * 6, "notes": [""] * 6, **cols})
    if rows is not None:
        df = df.iloc[rows]
    path = tmp_path / "hand.csv"
    df.to_csv(path, index=False)
    return path


def test_scores_by_hand(tmp_path, sentences):
    # hand y = 1 1 0 0 1 0: tp 2, fp 1 (s3), fn 1 (s1) -> P = R = F1 = 2/3.
    # Krippendorff nominal, two coders, 6 units: o11 = 4, o00 = 4, o01 = o10 = 2; n0 = n1 = 6, n = 12;
    # alpha = 1 - (n - 1) * 4 / (2 * 6 * 6) = 1 - 44/72 = 7/18.
    scores, dis = validate_file(hand_csv(tmp_path), sentences)
    t = scores.set_index("frame").loc["t"]
    assert [t.n_sentences, t.n_true, t.n_pred, t.tp, t.fp, t.fn] == [6, 3, 3, 2, 1, 1]
    assert [t.precision, t.recall, t.f1] == pytest.approx([2 / 3, 2 / 3, 2 / 3])
    assert t.krippendorff_alpha == pytest.approx(7 / 18)
    assert dis[["sent_idx", "frame", "hand", "dictionary", "kind"]].values.tolist() == [
        [1, "t", 1, 0, "false negative"], [3, "t", 0, 1, "false positive"]]


def test_absent_frame_gives_undefined_scores(tmp_path, sentences):
    scores, dis = validate_file(hand_csv(tmp_path), sentences)
    c = scores.set_index("frame").loc["c"]
    assert [c.n_true, c.n_pred] == [0, 0]
    assert pd.isna(c.precision) and pd.isna(c.recall) and pd.isna(c.krippendorff_alpha)
    assert not (dis["frame"] == "c").any()


def test_alpha_perfect_and_constant():
    assert alpha_nominal([1, 0, 1, 0], [1, 0, 1, 0]) == pytest.approx(1.0)
    assert pd.isna(alpha_nominal([0, 0, 0], [0, 0, 0]))


def test_subset_of_sentences_is_scored(tmp_path, sentences):
    scores, _ = validate_file(hand_csv(tmp_path, rows=[0, 1, 2]), sentences)
    t = scores.set_index("frame").loc["t"]
    assert [t.n_sentences, t.tp, t.fn, t.recall] == [3, 1, 1, pytest.approx(0.5)]


def test_text_mismatch_fails(tmp_path, sentences):
    path = hand_csv(tmp_path)
    df = pd.read_csv(path, keep_default_na=False)
    df.loc[2, "text"] = "something else"
    df.to_csv(path, index=False)
    with pytest.raises(ConfigError, match=r"row 4: text of \(d, 2\) no longer matches"):
        load_hand_coding(path, sentences)


@pytest.mark.parametrize("change, needle", [
    (lambda df: df.drop(columns="text"), "missing column 'text'"),
    (lambda df: df.assign(t=[1, 0, 2, 0, 0, 0]), "row 4, column 't': value '2' is not 0 or 1"),
    (lambda df: df.assign(sent_idx=[0, 1, 2, 3, 4, 9]), r"sentence \(d, 9\) is not in the sentence table"),
    (lambda df: df.assign(sent_idx=[0, 1, 2, 3, 4, 4]), "is coded twice"),
])
def test_bad_files(tmp_path, sentences, change, needle):
    path = hand_csv(tmp_path)
    change(pd.read_csv(path, keep_default_na=False)).to_csv(path, index=False)
    with pytest.raises(ConfigError, match=needle):
        load_hand_coding(path, sentences)


def test_no_matching_frame_column(tmp_path, sentences):
    with pytest.raises(ConfigError, match="no frame column matches"):
        load_hand_coding(hand_csv(tmp_path), sentences, frames=["other"])


def test_bundled_hand_coding_against_bundled_corpus(monkeypatch):
    from analysis import pipeline
    from analysis.frames import code_sentences, load_frames
    from analysis.paths import BUNDLED_CORPUS

    monkeypatch.setattr(pipeline, "STAGES", pipeline.STAGES[:3])   # corpus, clean, segment only
    run = pipeline.build(BUNDLED_CORPUS, "unused", {"seed": 0})
    coded, _ = code_sentences(run.sentences, load_frames())
    hand = load_hand_coding(BUNDLED_HAND_CODING, coded)
    assert len(hand) == 84 == len(coded)
    scores, _ = score(hand, coded)
    f1 = scores.set_index("frame")["f1"]
    assert (f1[["terrorism", "china", "interoperability"]] >= 0.9).all()
