"""Selection: which facts and statements each outlet reports, and how early.

Units
    Every sentence of article text (``para_role == "paragraph"``) belongs to exactly one claim.
    Headlines and subheads are left out: they restate what the body says (often in the same
    words), so they would add nothing to what an outlet *includes*, and their "position" is not a
    place in the story. Their selection effect is the lexical and framing stages' business.
Similarity
    A sentence is the set of its content words (:func:`analysis.tokens.terms`: stopwords and
    numbers removed) reduced to Snowball stems, so "held"/"hold" differ but "discussed"/"discuss"
    and "meeting"/"meetings" agree. Sentences are compared by cosine similarity of their TF-IDF
    vectors (sublinear term frequency, smoothed idf over the sentences), so shared rare words
    ("Guard of Honour", "reciprocal supply") count more than "defence" or "India".
Grouping
    Average-linkage agglomerative clustering with cosine distance, cut at ``threshold`` (default
    0.3 similarity, i.e. distance 0.7): two groups join when their sentences are on average at
    least that similar. Chosen by reading every cross-article pair of the bundled corpus: pairs
    above 0.3 report the same fact ("second meeting in six months", the Ministry of Defence
    lines, the Guard of Honour, "held"/"hosted" the talks) and pairs below it mostly share only
    the event's vocabulary; at 0.35 the ledes split by verb ("held" vs "hosted"). Change it with
    the ``claims_threshold`` parameter and read ``claims.csv``. Sentences of one article may share
    a claim (an article can repeat a fact).
Positions
    ``claim_positions`` (long form, one row per claim and article): ``first_sent_idx``, ``rank``
    (1-based rank of the claim's first sentence among the article's body sentences) and
    ``relative_position`` (``(rank - 1) / (n - 1)``: 0 = first sentence, 1 = last).

Scaling: the clustering needs the full distance matrix (``n**2 / 2`` floats): fine for one
event's coverage (10,000 sentences take ~400 MB); for larger corpora cluster per event or use
the reuse stage's shingle index to propose candidate pairs.

Why by hand: claim/event clustering packages need sentence-embedding models that would have to
be downloaded; TF-IDF and average linkage come from scikit-learn and SciPy.

References
----------
Salton, G. & Buckley, C. (1988). Term-weighting approaches in automatic text retrieval.
*Information Processing & Management* 24(5), 513-523.
Hamborg, F., Meuschke, N. & Gipp, B. (2018). Bias-aware news analysis using matrix-based news
aggregation. *International Journal on Digital Libraries* 21, 129-147. (selection by comparing
which facts outlets report)
Porter, M. F. (2001). Snowball: A language for stemming algorithms.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from .tokens import terms

THRESHOLD = 0.3
LABEL_CHARS = 90


@lru_cache(maxsize=1)
def _stemmer():
    from nltk.stem.snowball import SnowballStemmer

    return SnowballStemmer("english")


def content_stems(text: str) -> list[str]:
    """Content words of ``text`` reduced to Snowball stems."""
    stem = _stemmer().stem
    return [stem(w) for w in terms(text)]


def similarity_matrix(texts) -> np.ndarray:
    """Cosine similarity of the TF-IDF vectors of the sentences' content stems."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = list(texts)
    if not any(content_stems(t) for t in texts):
        return np.eye(len(texts))
    x = TfidfVectorizer(analyzer=content_stems, sublinear_tf=True).fit_transform(texts)
    sim = (x @ x.T).toarray()
    np.fill_diagonal(sim, 1.0)
    return np.clip(sim, 0.0, 1.0)


def group_claims(sentences: pd.DataFrame, threshold: float = THRESHOLD) -> pd.DataFrame:
    """``claims``: ``claim_id, doc_id, sent_idx, text`` for every article sentence.

    Claims are numbered ``c001, c002 ...`` in order of their first appearance (documents in
    table order, sentences in order), so the same input gives the same ids.
    """
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    if not 0 < threshold <= 1:
        from .errors import ConfigError

        raise ConfigError(f"claims_threshold={threshold!r}: must be a similarity in (0, 1]; the default is "
                          f"{THRESHOLD}.")
    body = sentences[sentences["para_role"] == "paragraph"].reset_index(drop=True)
    if len(body) == 0:
        return pd.DataFrame(columns=["claim_id", "doc_id", "sent_idx", "text"])
    if len(body) == 1:
        labels = np.array([1])
    else:
        dist = 1.0 - similarity_matrix(body["text"])
        dist = (dist + dist.T) / 2
        np.fill_diagonal(dist, 0.0)
        tree = linkage(squareform(dist, checks=False), method="average")
        labels = fcluster(tree, t=1.0 - threshold + 1e-9, criterion="distance")
    order = {}
    for lab in labels:
        order.setdefault(lab, len(order) + 1)
    width = max(3, len(str(len(order))))
    body.insert(0, "claim_id", [f"c{order[lab]:0{width}d}" for lab in labels])
    return body[["claim_id", "doc_id", "sent_idx", "text"]]


def claim_positions(claims: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """``claim_positions``: per claim and article, where the claim first appears (see module docstring)."""
    c = claims.copy()
    c["rank"] = c.groupby("doc_id")["sent_idx"].rank(method="first").astype(int)
    n = c.groupby("doc_id")["sent_idx"].transform("size")
    c["relative_position"] = np.where(n > 1, (c["rank"] - 1) / (n - 1).clip(lower=1), 0.0)
    first = c.sort_values("sent_idx").groupby(["claim_id", "doc_id"], sort=False).first().reset_index()
    first["outlet"] = first["doc_id"].map(documents.set_index("doc_id")["outlet"])
    first = first.rename(columns={"sent_idx": "first_sent_idx"})
    return first[["claim_id", "outlet", "doc_id", "first_sent_idx", "rank", "relative_position"]].sort_values(
        ["claim_id", "rank"], kind="stable").reset_index(drop=True)


def _label(grp: pd.DataFrame) -> str:
    """The claim's most central sentence (highest mean similarity to the others), shortened."""
    texts = grp["text"].tolist()
    best = texts[int(similarity_matrix(texts).mean(axis=1).argmax())] if len(texts) > 2 else texts[0]
    return best if len(best) <= LABEL_CHARS else best[:LABEL_CHARS - 1].rsplit(" ", 1)[0] + "…"


def claim_coverage(claims: pd.DataFrame, positions: pd.DataFrame) -> pd.DataFrame:
    """``claim_coverage``: ``claim_id, label, n_outlets, outlets, n_articles, n_sentences, positions``.

    ``outlets`` lists the outlets in the order they place the claim (earliest relative position
    first); ``positions`` gives ``outlet: rank/relative position`` for each, e.g.
    ``ANI: 2 (0.08); NewsX: 6 (0.25)``; the long form is ``claim_positions``.
    """
    rows = []
    for cid, grp in claims.groupby("claim_id", sort=True):
        pos = positions[positions["claim_id"] == cid].sort_values(["relative_position", "outlet"])
        per_outlet = pos.groupby("outlet", sort=False).first().reset_index()
        rows.append((cid, _label(grp), per_outlet["outlet"].nunique(), "; ".join(per_outlet["outlet"]),
                     grp["doc_id"].nunique(), len(grp),
                     "; ".join(f"{o}: {r} ({p:.2f})" for o, r, p in
                               zip(per_outlet["outlet"], per_outlet["rank"], per_outlet["relative_position"]))))
    return pd.DataFrame(rows, columns=["claim_id", "label", "n_outlets", "outlets", "n_articles", "n_sentences",
                                       "positions"])


def own_claims(coverage: pd.DataFrame, positions: pd.DataFrame) -> pd.DataFrame:
    """``claims_own``: claims only one outlet reports, as that outlet's own selections."""
    own = coverage[coverage["n_outlets"] == 1][["claim_id", "label", "n_sentences"]]
    first = positions.groupby("claim_id").first()[["outlet", "rank", "relative_position"]]
    out = own.join(first, on="claim_id")
    return out[["outlet", "claim_id", "label", "n_sentences", "rank", "relative_position"]].sort_values(
        ["outlet", "rank"], kind="stable").reset_index(drop=True)


def stage(run) -> str:
    """Pipeline stage: ``claims``, ``claim_positions``, ``claim_coverage``, ``claims_own``."""
    threshold = float(run.params.get("claims_threshold", THRESHOLD))
    claims = group_claims(run.sentences, threshold=threshold)
    positions = claim_positions(claims, run.documents)
    coverage = claim_coverage(claims, positions)
    run.tables["claims"] = claims
    run.tables["claim_positions"] = positions
    run.tables["claim_coverage"] = coverage
    run.tables["claims_own"] = own_claims(coverage, positions)
    shared = int((coverage["n_outlets"] > 1).sum())
    return f"{len(coverage)} claims from {len(claims)} sentences; {shared} reported by two or more outlets"
