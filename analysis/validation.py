"""Validation of dictionary frames against hand coding: precision, recall, F1, Krippendorff's alpha.

The hand coding is a CSV (format in ``data/validation/README.md``): ``doc_id, sent_idx, text``, one
0/1 column per frame, ``notes``. Its ``text`` column must match the sentence table, so a coding made
on an earlier segmentation cannot be silently scored against different sentences.

Precision, recall and F1 come from scikit-learn and alpha from the ``krippendorff`` package
(nominal, the dictionary and the hand coder as two coders); only the alignment and the tables are
written here.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .errors import ConfigError
from .frames.coding import frame_columns
from .paths import data_path

BUNDLED_HAND_CODING = data_path("validation", "hand_coding.csv")
KEY_COLS = ("doc_id", "sent_idx", "text")


def _norm(text) -> str:
    return " ".join(str(text).split())


def load_hand_coding(path, sentences: pd.DataFrame, frames=None) -> pd.DataFrame:
    """Read a hand-coding CSV and check it against ``sentences``.

    Returns the rows with ``doc_id, sent_idx, text``, the frame columns (int 0/1) that are also in
    ``frames`` (all frame columns if ``frames`` is None), and ``notes``. Raises ConfigError (one line,
    naming the file and row) for missing columns, values other than 0/1, sentences not in the table,
    or a text that no longer matches the sentence (whitespace differences are ignored).
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"hand coding {path}: no such file; see data/validation/README.md for the format.")
    hand = pd.read_csv(path, dtype={"doc_id": str}, keep_default_na=False)
    missing = [c for c in KEY_COLS if c not in hand.columns]
    if missing:
        raise ConfigError(f"hand coding {path}: missing column '{missing[0]}'; the file needs doc_id, sent_idx, "
                          f"text and one 0/1 column per frame.")
    if "notes" not in hand.columns:
        hand["notes"] = ""
    codes = [c for c in hand.columns if c not in (*KEY_COLS, "notes")]
    if frames is not None:
        codes = [c for c in codes if c in frames]
    if not codes:
        raise ConfigError(f"hand coding {path}: no frame column matches the dictionary's frames "
                          f"({', '.join(frames or [])}); name the columns after the frames.")
    for col in codes:
        bad = ~hand[col].astype(str).str.strip().isin(["0", "1"])
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise ConfigError(f"hand coding {path}, row {row + 2}, column '{col}': value {str(hand[col].iloc[row])!r} "
                              f"is not 0 or 1.")
        hand[col] = hand[col].astype(str).str.strip().astype(int)
    try:
        hand["sent_idx"] = hand["sent_idx"].astype(int)
    except ValueError:
        raise ConfigError(f"hand coding {path}: column 'sent_idx' must hold whole numbers.") from None
    dup = hand.duplicated(["doc_id", "sent_idx"])
    if dup.any():
        row = int(np.flatnonzero(dup)[0])
        raise ConfigError(f"hand coding {path}, row {row + 2}: sentence ({hand['doc_id'].iloc[row]}, "
                          f"{hand['sent_idx'].iloc[row]}) is coded twice; keep one row.")
    coded = sentences.loc[sentences["doc_id"].astype(str).isin(set(hand["doc_id"]))]  # the coded articles only
    table = {(str(d), int(i)): t for d, i, t in zip(coded["doc_id"], coded["sent_idx"], coded["text"])}
    for row, (d, i, t) in enumerate(zip(hand["doc_id"], hand["sent_idx"], hand["text"])):
        if (d, i) not in table:
            raise ConfigError(f"hand coding {path}, row {row + 2}: sentence ({d}, {i}) is not in the sentence "
                              f"table; was the corpus or its segmentation changed?")
        if _norm(t) != _norm(table[(d, i)]):
            raise ConfigError(f"hand coding {path}, row {row + 2}: text of ({d}, {i}) no longer matches the "
                              f"sentence table ({_norm(table[(d, i)])[:60]!r}...); re-align or re-code this row.")
    return hand[[*KEY_COLS, *codes, "notes"]]


def alpha_nominal(a, b) -> float:
    """Krippendorff's alpha, nominal, for two coders; NaN when only one value occurs at all.

    References
    ----------
    Krippendorff, K. (2019). *Content Analysis* (4th ed.), ch. 12. Castro, S. (2017).
    ``krippendorff`` Python package.
    """
    import krippendorff

    data = np.vstack([np.asarray(a, dtype=float), np.asarray(b, dtype=float)])
    if len(np.unique(data[~np.isnan(data)])) < 2:
        return float("nan")
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def score(hand: pd.DataFrame, coded: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score dictionary codes (``frame_<name>`` columns of ``coded``) against ``hand``.

    Returns
    -------
    scores : DataFrame
        ``frame, n_sentences, n_true, n_pred, tp, fp, fn, precision, recall, f1, krippendorff_alpha``
        (precision/recall/F1 are NaN when undefined: no predicted or no true positives).
    disagreements : DataFrame
        ``doc_id, sent_idx, frame, hand, dictionary, kind, matched, text, notes`` for every sentence
        and frame where the two differ (``kind``: false positive / false negative of the dictionary).

    References
    ----------
    Sokolova, M. & Lapalme, G. (2009). A systematic analysis of performance measures for
    classification tasks. *Information Processing & Management* 45(4).
    """
    from sklearn.metrics import precision_recall_fscore_support

    merged = hand.merge(coded, on=["doc_id", "sent_idx"], how="left", suffixes=("", "_table"), validate="one_to_one")
    names = [n for n in frame_columns(coded) if n in hand.columns]
    rows, dis = [], []
    for name in names:
        y, p = merged[name].to_numpy(dtype=int), merged[f"frame_{name}"].to_numpy(dtype=int)
        prec, rec, f1, _ = precision_recall_fscore_support(y, p, average="binary", zero_division=np.nan)
        rows.append({"frame": name, "n_sentences": len(y), "n_true": int(y.sum()), "n_pred": int(p.sum()),
                     "tp": int((y & p).sum()), "fp": int(((1 - y) & p).sum()), "fn": int((y & (1 - p)).sum()),
                     "precision": float(prec), "recall": float(rec), "f1": float(f1),
                     "krippendorff_alpha": alpha_nominal(y, p)})
        for r in merged[y != p].itertuples():
            dis.append({"doc_id": r.doc_id, "sent_idx": r.sent_idx, "frame": name, "hand": getattr(r, name),
                        "dictionary": getattr(r, f"frame_{name}"),
                        "kind": "false positive" if getattr(r, f"frame_{name}") else "false negative",
                        "text": r.text, "notes": r.notes})
    dis = pd.DataFrame(dis, columns=["doc_id", "sent_idx", "frame", "hand", "dictionary", "kind", "text", "notes"])
    return pd.DataFrame(rows), dis


def _add_matched(dis: pd.DataFrame, sentence_frames: pd.DataFrame | None) -> pd.DataFrame:
    if sentence_frames is None:
        dis.insert(6, "matched", "")
        return dis
    out = dis.merge(sentence_frames, on=["doc_id", "sent_idx", "frame"], how="left")
    out["matched"] = out["matched"].fillna("")
    return out[["doc_id", "sent_idx", "frame", "hand", "dictionary", "kind", "matched", "text", "notes"]]


def validate_file(path, sentences: pd.DataFrame, sentence_frames: pd.DataFrame | None = None):
    """Load a hand coding and score the ``frame_<name>`` columns of ``sentences`` against it.

    Returns ``(scores, disagreements)`` as in :func:`score`, with the matched words added.
    """
    hand = load_hand_coding(path, sentences, frames=frame_columns(sentences))
    scores, dis = score(hand, sentences)
    return scores, _add_matched(dis, sentence_frames)


def stage(run) -> str:
    """Pipeline stage: validate the frame columns against ``run.params["hand_coding"]`` or the bundled file.

    The bundled hand coding is used only when every sentence it codes is in this corpus with the
    same text (i.e. on the bundled corpus); otherwise the stage says so and writes nothing.
    """
    given = run.params.get("hand_coding")
    path = Path(given) if given else BUNDLED_HAND_CODING
    if not given:
        try:
            load_hand_coding(path, run.sentences, frames=frame_columns(run.sentences))
        except ConfigError:
            return "skipped: the bundled hand coding does not match this corpus (give your own with --hand-coding FILE; format in data/validation/README.md)"
    scores, dis = validate_file(path, run.sentences, run.tables.get("sentence_frames"))
    run.tables["frame_validation"] = scores
    run.tables["frame_disagreements"] = dis
    low = scores.loc[~(scores["f1"] >= 0.9), "frame"].tolist()
    return f"{len(scores)} frames against {path.name}; F1 < 0.9: {', '.join(low) or 'none'}"
