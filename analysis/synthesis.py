"""One profile per outlet: frames, tone, voices, distinctive words, reuse and selection together.

Built only from the tables a run has written (no new measurement), so every number in a profile
is one that a notebook before it shows with its sentences. :func:`profile_measures` is the tidy
long table behind the profile figure (``outlet, section, measure, value, ci_low, ci_high, k, n``;
``k`` of ``n`` are the counts behind a share); :func:`profile_text` turns it into plain words.

What "clearly different" means here: an outlet's 95% bootstrap interval does not overlap the
interval of every other outlet. That is a cautious reading (non-overlap of two 95% intervals
implies a difference at well below the 5% level), chosen because the intervals are over the
sentences of one or two articles and a reader should not be shown differences the data cannot carry.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .compare import SMALL_SAMPLE_NOTE  # noqa: F401  (re-exported for the synthesis notebook)

TONE = ("sentiment_vader", "narration")
N_TERMS = 5
MIN_Z = 1.96


def _long(outlet, section: str, measure, value, k, n, ci_low=np.nan, ci_high=np.nan) -> pd.DataFrame:
    """Rows of the profile table; arguments are columns (array-like) or one value for all rows."""
    return pd.DataFrame({"outlet": outlet, "section": section, "measure": measure, "value": value,
                         "ci_low": ci_low, "ci_high": ci_high, "k": k, "n": n})


def _frames(tables: dict) -> pd.DataFrame:
    s = tables.get("frame_salience")
    if s is None:
        return pd.DataFrame()
    return _long(s["outlet"], "frames", "frame: " + s["frame"], s["share"], s["n_frame"], s["n_sentences"],
                 s["ci_low"], s["ci_high"])


def _tone(tables: dict) -> pd.DataFrame:
    t = tables.get("sentiment_outlet")
    if t is None:
        return pd.DataFrame()
    t = t[(t["measure"] == TONE[0]) & (t["voice"].isin(["narration", "quote"]))]
    return _long(t["outlet"], "tone", "tone: " + t["voice"], t["mean"], np.nan, t["n_sentences"],
                 t["ci_low"], t["ci_high"])


def _voices(tables: dict) -> pd.DataFrame:
    v = tables.get("voices_by_outlet")
    if v is None:
        return pd.DataFrame()
    return _long(v["outlet"], "voices", "quote sentences", v["quote_sentence_share"], v["n_quote_sentences"],
                 v["n_sentences"], v["ci_low"], v["ci_high"])


def _reuse(tables: dict) -> pd.DataFrame:
    r = tables.get("reuse_documents")
    if r is None:
        return pd.DataFrame()
    g = r.groupby("outlet")[["n_words", "n_reused_words"]].sum()
    return _long(g.index, "reuse", "reused words", g["n_reused_words"] / g["n_words"], g["n_reused_words"],
                 g["n_words"])


def _selection(tables: dict) -> pd.DataFrame:
    cov, pos = tables.get("claim_coverage"), tables.get("claim_positions")
    if cov is None or pos is None:
        return pd.DataFrame()
    shared = set(cov.loc[cov["n_outlets"] > 1, "claim_id"])
    included = pos[pos["claim_id"].isin(shared)].groupby("outlet")["claim_id"].nunique()
    k = included.reindex(sorted(pos["outlet"].unique()), fill_value=0)
    return _long(k.index, "selection", "shared claims", k.to_numpy() / max(len(shared), 1), k.to_numpy(),
                 len(shared))


def profile_measures(tables: dict) -> pd.DataFrame:
    """The long table of every profile measure per outlet (sections missing from the run are left out)."""
    parts = [f(tables) for f in (_frames, _tone, _voices, _reuse, _selection)]
    parts = [p for p in parts if not p.empty]
    cols = ["outlet", "section", "measure", "value", "ci_low", "ci_high", "k", "n"]
    if not parts:
        return pd.DataFrame(columns=cols)
    return pd.concat(parts, ignore_index=True)[cols].reset_index(drop=True)


def distinctive_words(tables: dict, n: int = N_TERMS, min_z: float = MIN_Z) -> pd.DataFrame:
    """Per outlet, the ``n`` words with the highest z against the rest, and whether they pass ``min_z``."""
    dt = tables.get("distinctive_terms")
    if dt is None or dt.empty:
        return pd.DataFrame(columns=["outlet", "term", "count", "count_ref", "z", "significant"])
    rest = dt[(dt["comparison"] == "rest") & (dt["z"] > 0)]
    top = rest.sort_values(["outlet", "z", "term"], ascending=[True, False, True]).groupby("outlet").head(n)
    return top.assign(significant=top["z"] >= min_z)[["outlet", "term", "count", "count_ref", "z", "significant"]]


def clear_differences(measures: pd.DataFrame) -> pd.DataFrame:
    """Measures where an outlet's interval lies wholly above or below every other outlet's interval."""
    rows = []
    with_ci = measures.dropna(subset=["ci_low", "ci_high"])
    for measure, grp in with_ci.groupby("measure", sort=False):
        if len(grp) < 2:
            continue
        for _, row in grp.iterrows():
            others = grp[grp["outlet"] != row["outlet"]]
            if (row["ci_low"] > others["ci_high"]).all():
                rows.append((row["outlet"], measure, "higher"))
            elif (row["ci_high"] < others["ci_low"]).all():
                rows.append((row["outlet"], measure, "lower"))
    return pd.DataFrame(rows, columns=["outlet", "measure", "direction"])


def _share(row) -> str:
    text = f"{row['value']:.0%}"
    if not np.isnan(row["k"]):
        text = f"{int(row['k'])} of {int(row['n'])} ({text}"
        text += f", 95% interval {row['ci_low']:.0%}–{row['ci_high']:.0%})" if not np.isnan(row["ci_low"]) else ")"
    return text


def profile_text(outlet: str, measures: pd.DataFrame, words: pd.DataFrame, documents: pd.DataFrame) -> str:
    """A plain-words paragraph (Markdown) describing one outlet, with its counts and uncertainty."""
    docs = documents[documents["outlet"] == outlet]
    m = measures[measures["outlet"] == outlet].set_index("measure")
    n_sent = int(docs["n_sentences"].sum())
    parts = [f"**{outlet}** — {len(docs)} article{'s' * (len(docs) != 1)}, {n_sent} sentences."]
    frames = m[m["section"] == "frames"].sort_values("value", ascending=False)
    if len(frames):
        present = frames[frames["k"] > 0]
        listed = "; ".join(f"{name.removeprefix('frame: ')} in {_share(r)}" for name, r in present.iterrows())
        parts.append(f"Frames, as shares of its sentences: {listed or 'none of the dictionary frames'}.")
    if "tone: narration" in m.index:
        r = m.loc["tone: narration"]
        parts.append(f"Tone of its own narration (VADER, −1 to 1): {r['value']:+.2f} over {int(r['n'])} sentences "
                     f"(95% interval {r['ci_low']:+.2f} to {r['ci_high']:+.2f})")
        if "tone: quote" in m.index:
            q = m.loc["tone: quote"]
            parts[-1] += f"; of the words it quotes: {q['value']:+.2f} over {int(q['n'])} sentences."
        else:
            parts[-1] += "."
    if "quote sentences" in m.index:
        parts.append(f"Sentences carrying a direct quotation: {_share(m.loc['quote sentences'])}.")
    w = words[words["outlet"] == outlet]
    if len(w):
        terms = ", ".join(f"*{t}* ({int(c)} vs {int(cr)})" for t, c, cr in zip(w["term"], w["count"], w["count_ref"]))
        sig = "" if w["significant"].any() else " None of them reaches z ≥ 1.96, so they are leads to read, not findings."
        parts.append(f"Words it uses more than the other outlets (its count vs theirs): {terms}.{sig}")
    if "reused words" in m.index:
        parts.append(f"Words shared verbatim with other articles: {_share(m.loc['reused words'])}.")
    if "shared claims" in m.index:
        r = m.loc["shared claims"]
        parts.append(f"Of the {int(r['n'])} claims two or more outlets report, it includes {int(r['k'])}.")
    return " ".join(parts)


def event_highlights(summary: pd.DataFrame, min_events: int = 2) -> pd.DataFrame:
    """From ``event_summary``: measures where an outlet sits on the same side of the event value every time."""
    if summary is None or summary.empty:
        return pd.DataFrame(columns=["outlet", "measure", "n_events", "mean_diff", "direction"])
    s = summary[summary["n_events"] >= min_events]
    consistent = s[(s["n_above"] == s["n_events"]) | (s["n_above"] == 0)]
    out = consistent.assign(direction=np.where(consistent["n_above"] > 0, "above", "below"))
    out = out[out["mean_diff"].abs() > 0]
    return out.sort_values("mean_diff", key=np.abs, ascending=False)[
        ["outlet", "measure", "n_events", "mean_diff", "direction"]].reset_index(drop=True)
