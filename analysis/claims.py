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
    A claim is what outlets report about the same event: when the documents' ``event`` column
    names two or more events (and every document has one, as the events stage requires),
    sentences are clustered within each event separately, with the idf fitted over that event's
    sentences, so a stock phrase cannot join two events' claims. Without events (or with one, or
    with documents lacking one) the whole corpus is one event. Either way claims are numbered in
    order of first appearance over the whole table.
Positions
    ``claim_positions`` (long form, one row per claim and article): ``first_sent_idx``, ``rank``
    (1-based rank of the claim's first sentence among the article's body sentences) and
    ``relative_position`` (``(rank - 1) / (n - 1)``: 0 = first sentence, 1 = last).

Scaling
    Exact, without the full similarity matrix. Two groups merge only if their average similarity
    is at least the threshold, so at least one pair across them is; hence no claim spans two
    parts of the graph whose edges are the sentence pairs with similarity >= threshold. Those
    pairs come from a sparse product of the TF-IDF rows, a block of rows at a time (entries below
    the threshold dropped at once; columns are (event, stem) pairs, so no product crosses
    events). Average linkage then runs on each connected component alone (two sentences: the
    pair's own distance decides; one: nothing to do), giving the same clusters as linkage on the
    whole matrix. Cost grows with the number of similar pairs and with the square of the largest
    component, which stays small when sentences are clustered within events; a corpus without
    events whose sentences share stock phrases can form one large component.

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

import warnings
from functools import lru_cache, partial

import numpy as np
import pandas as pd

from .tokens import terms

THRESHOLD = 0.3
LABEL_CHARS = 90
PAIR_BLOCK = 10_000_000  # products computed per block of rows (rows x sentences), bounding memory
LARGE_COMPONENT = 20_000  # sentences; warn: linkage on one group this big is slow and memory-hungry
LINKAGE_BATCH = 200  # components of at most this many sentences in total share one linkage
EDGE_SLACK = 2e-9  # edges kept from similarity threshold - slack: the cut adds 1e-9 and rounding is ~1e-16


@lru_cache(maxsize=1)
def _stemmer():
    from nltk.stem.snowball import SnowballStemmer

    return SnowballStemmer("english")


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return _stemmer().stem(word)


def content_stems(text: str) -> list[str]:
    """Content words of ``text`` reduced to Snowball stems."""
    return [_stem(w) for w in terms(text)]


def _identity(stems):
    return stems


def similarity_matrix(texts) -> np.ndarray:
    """Cosine similarity of the TF-IDF vectors of the sentences' content stems."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    stems = [content_stems(t) for t in texts]
    if not any(stems):
        return np.eye(len(stems))
    x = TfidfVectorizer(analyzer=_identity, sublinear_tf=True).fit_transform(stems)
    sim = (x @ x.T).toarray()
    np.fill_diagonal(sim, 1.0)
    return np.clip(sim, 0.0, 1.0)


STEM_SLICE = 50_000  # distinct texts per forked job of _stem_texts


def _stem_texts(texts, workers: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The content stems of ``texts``, each distinct text stemmed once, as numbers:
    ``(codes, stems, lengths, vocabulary)``.

    ``codes``: each text's index among the distinct texts; ``stems``: the stems of every distinct
    text, one after another, as indices into ``vocabulary`` (numbered in order of first
    appearance, as :func:`pandas.factorize` numbers them); ``lengths``: each distinct text's
    number of stems. At 100,000 articles the step holds 0.4 GB where lists of strings held 0.8,
    and the stage takes 89 s instead of 103. With ``workers`` > 1 slices of the distinct texts are
    stemmed in forked processes, which send back their slice's numbers and vocabulary only: the
    same result.
    """
    codes, uniques = pd.factorize(pd.Series(texts, dtype=object), use_na_sentinel=False)
    from .engine import map_slices

    index: dict = {}  # stem -> number, in order of first appearance over the slices in order
    stems, lengths = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]  # (no texts: no stems)
    for vocab, ids, n in map_slices(_stem_slice, uniques, STEM_SLICE, workers):
        to_global = np.fromiter((index.setdefault(w, len(index)) for w in vocab), dtype=np.int64, count=len(vocab))
        stems.append(to_global[ids])
        lengths.append(n)
    return codes, np.concatenate(stems), np.concatenate(lengths), np.array(list(index), dtype=object)


def _stem_slice(texts, start: int, stop: int) -> tuple[list, np.ndarray, np.ndarray]:
    """:func:`content_stems` of ``texts[start:stop]`` as ``(vocabulary, stem numbers, stems per text)``,
    the stems numbered in order of first appearance in the slice."""
    index: dict = {}
    ids, lengths = [], []
    for text in texts[start:stop]:
        stems = content_stems(text)
        ids.extend(index.setdefault(w, len(index)) for w in stems)
        lengths.append(len(stems))
    return list(index), np.array(ids, dtype=np.int64), np.array(lengths, dtype=np.int64)


def _tfidf(stemmed: tuple, groups: np.ndarray):
    """TF-IDF rows of ``texts``, each as :class:`~sklearn.feature_extraction.text.TfidfVectorizer`
    (sublinear tf, smoothed idf, L2-normalised rows) fitted on the texts of its group gives it.

    Columns are (group, stem) pairs, so rows of different groups share none. Within a row the
    entries keep scikit-learn's order (stems in order of first appearance in the group), so sums
    over a row add in the same order and give the same floats.
    """
    import scipy.sparse as sp
    from sklearn.preprocessing import normalize

    codes, term, lengths, vocab = stemmed  # stems numbered in order of first appearance (_stem_texts)
    n, n_texts = len(codes), len(lengths)
    if len(vocab) == 0:
        return sp.csr_matrix((n, 0))
    # distinct stems of each distinct text with their counts, in order of first occurrence
    key, first, count = np.unique(np.repeat(np.arange(n_texts), lengths) * len(vocab) + term,
                                  return_index=True, return_counts=True)
    order = np.argsort(first, kind="stable")
    u_term, u_count = (key % len(vocab))[order], count[order]
    u_len = np.bincount((key // len(vocab))[order], minlength=n_texts)
    del term, key, first, count, order  # (arrays as long as all the stems: let go before the next ones)
    u_start = np.concatenate([[0], np.cumsum(u_len)[:-1]])
    # the same for every text (row), then one column per (group, stem)
    row_len = u_len[codes]
    offsets = np.concatenate([[0], np.cumsum(row_len)[:-1]])
    entry = np.repeat(u_start[codes] - offsets, row_len) + np.arange(row_len.sum())
    del offsets
    rows = np.repeat(np.arange(n, dtype=np.int32 if n < 2**31 else np.int64), row_len)
    col_key = groups[rows].astype(np.int64) * len(vocab) + u_term[entry]
    _, first_entry, col, df = np.unique(col_key, return_index=True, return_inverse=True, return_counts=True)
    del col_key
    order = np.lexsort((first_entry[col], rows))  # rows stay in order; stems by first appearance in the group
    del first_entry
    tf = u_count[entry][order].astype(np.float64)
    del entry
    col, rows = col[order], rows[order]
    del order
    n_group = np.bincount(groups)[groups[rows]].astype(np.float64) + 1.0
    idf = n_group / (df[col].astype(np.float64) + 1.0)
    np.log(idf, out=idf)
    idf += 1.0
    np.log(tf, out=tf)
    tf += 1.0
    tf *= idf
    indptr = np.concatenate([[0], np.cumsum(row_len)])
    x = sp.csr_matrix((tf, col, indptr), shape=(n, len(df)))
    return normalize(x, norm="l2", copy=False)


def _edges(x, cut: float):
    """Pairs ``i < j`` whose rows of ``x`` have a dot product >= ``cut``.

    Computed a block of rows at a time, each block holding at most about :data:`PAIR_BLOCK`
    products (a row's products are bounded by the summed document frequencies of its columns),
    so memory stays bounded however many sentences there are.
    """
    n = x.shape[0]
    xt = x.T.tocsr()
    rows = np.repeat(np.arange(n), np.diff(x.indptr))
    work = np.cumsum(np.bincount(rows, weights=np.diff(xt.indptr)[x.indices], minlength=n))
    out_i, out_j, out_s = [], [], []
    start = 0
    while start < n:
        stop = max(start + 1, int(np.searchsorted(work, (work[start - 1] if start else 0) + PAIR_BLOCK, "right")))
        block = (x[start:stop] @ xt).tocoo()
        keep = (block.data >= cut) & (block.col > block.row + start)
        out_i.append(block.row[keep] + start)
        out_j.append(block.col[keep])
        out_s.append(block.data[keep])
        start = stop
    if not out_i:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0)
    return np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_s)


def _used_columns(x):
    """``x`` (CSR) without its empty columns, the others in the same order.

    The TF-IDF matrix has a column per (event, stem), 6.2 million at 100,000 articles, and a
    sparse product with the transpose costs time in the number of columns; the rows of a few
    sentences use a few hundred. Renumbering keeps each row's entries in their order, so the
    product adds the same terms in the same order and gives the same floats.
    """
    import scipy.sparse as sp

    used, cols = np.unique(x.indices, return_inverse=True)
    return sp.csr_matrix((x.data, cols.astype(x.indices.dtype), x.indptr), shape=(x.shape[0], len(used)))


def _condensed_distances(x, block: np.ndarray | None = None) -> np.ndarray:
    """Condensed cosine distances of the rows of ``x``, as the full-matrix code computed them.

    Rows of different ``block`` values get distance 2 (above every cut), so one linkage serves
    several components at once.
    """
    x = _used_columns(x)
    sim = (x @ x.T).toarray()
    np.fill_diagonal(sim, 1.0)
    np.clip(sim, 0.0, 1.0, out=sim)
    np.subtract(1.0, sim, out=sim)
    if block is not None:
        sim[block[:, None] != block[None, :]] = 2.0
    n = len(sim)
    if n <= 2000:
        return ((sim + sim.T) / 2)[np.triu_indices(n, 1)]
    out = np.empty(n * (n - 1) // 2)
    at, step = 0, max(1, PAIR_BLOCK // max(n, 1))
    for start in range(0, n - 1, step):  # (d + d.T) / 2, upper triangle, a block of rows at a time
        stop = min(start + step, n - 1)
        sym = (sim[start:stop, start:] + sim[start:, start:stop].T) / 2
        for r in range(stop - start):
            row = sym[r, r + 1:]
            out[at:at + len(row)] = row
            at += len(row)
    return out


def _average_linkage(x, threshold: float, block: np.ndarray | None = None) -> np.ndarray:
    """Flat average-linkage clusters of the rows of ``x`` cut at similarity ``threshold``."""
    from scipy.cluster.hierarchy import fcluster, linkage

    tree = linkage(_condensed_distances(x, block), method="average")
    return fcluster(tree, t=1.0 - threshold + 1e-9, criterion="distance")


def _cluster(stemmed, groups: np.ndarray, threshold: float, workers: int = 1) -> tuple[np.ndarray, int]:
    """Cluster labels (a representative row each; clusters never cross ``groups``) and the largest
    component's size. With ``workers`` > 1 the linkages run in forked processes (the same labels:
    each linkage sees its own components only)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(groups)
    if 1.0 - threshold + 1e-9 >= 1.0:  # every distance is <= 1: each group is one cluster
        return np.unique(groups, return_index=True)[1][np.unique(groups, return_inverse=True)[1]], n
    x = _tfidf(stemmed, groups)
    i, j, s = _edges(x, threshold - EDGE_SLACK)
    _, comp = connected_components(coo_matrix((np.ones(len(i)), (i, j)), shape=(n, n)), directed=False)
    labels = np.arange(n)
    sizes = np.bincount(comp)
    pair = sizes[comp[i]] == 2  # two sentences join iff their distance is within the cut
    join = 1.0 - np.clip(s[pair], 0.0, 1.0) <= 1.0 - threshold + 1e-9
    labels[j[pair][join]] = i[pair][join]
    order = np.argsort(comp, kind="stable")
    ends = np.cumsum(sizes)
    batches, batch, batch_size = [], [], 0
    big = np.flatnonzero(sizes > 2)
    for k, c in enumerate(big):  # small components share one linkage (distance 2 between them)
        batch.append(order[ends[c] - sizes[c]:ends[c]])
        batch_size += sizes[c]
        if k == len(big) - 1 or batch_size + sizes[big[k + 1]] > LINKAGE_BATCH:
            batches.append(batch)
            batch, batch_size = [], 0
    from .engine import map_slices

    size = max(LINKAGE_SLICE, -(-len(batches) // (4 * max(1, workers))))  # a few jobs per worker
    for part in map_slices(partial(_link_batches, x, threshold), batches, size, workers):
        for members, rep in part:
            labels[members] = rep
    return labels, int(sizes.max()) if n else 0


LINKAGE_SLICE = 500  # at least this many linkage batches per forked job of _cluster


def _link_batches(x, threshold: float, batches: list, start: int, stop: int) -> list[tuple]:
    """Average linkage on ``batches[start:stop]``: each batch's rows and their representatives."""
    out = []
    for batch in batches[start:stop]:
        members = np.concatenate(batch)
        block = np.repeat(np.arange(len(batch)), [len(b) for b in batch]) if len(batch) > 1 else None
        _, first, inverse = np.unique(_average_linkage(x[members], threshold, block), return_index=True,
                                      return_inverse=True)
        out.append((members, members[first[inverse]]))
    return out


def _event_codes(sentences: pd.DataFrame, documents: pd.DataFrame | None) -> np.ndarray | None:
    """Each sentence's event, when every document names one and there are two or more; else None."""
    if documents is None or "event" not in documents.columns:
        return None
    events = documents["event"].fillna("").astype(str).str.strip()
    if (events == "").any() or events.nunique() < 2:
        return None
    codes, _ = pd.factorize(sentences["doc_id"].map(pd.Series(events.values, index=documents["doc_id"])))
    return None if (codes < 0).any() else codes


def group_claims(sentences: pd.DataFrame, threshold: float = THRESHOLD,
                 documents: pd.DataFrame | None = None, stemmed=None, workers: int = 1) -> pd.DataFrame:
    """``claims``: ``claim_id, doc_id, sent_idx, text`` for every article sentence.

    Claims are numbered ``c001, c002 ...`` in order of their first appearance (documents in
    table order, sentences in order), so the same input gives the same ids. With ``documents``
    whose ``event`` column names two or more events (and every document one), sentences are
    grouped within each event (see the module docstring). ``stemmed`` (from :func:`_stem_texts` on
    the body sentences' texts) saves stemming them again; ``workers`` > 1 runs the linkages in
    forked processes (the same claims).
    """
    if not 0 < threshold <= 1:
        from .errors import ConfigError

        raise ConfigError(f"claims_threshold={threshold!r}: must be a similarity in (0, 1]; the default is "
                          f"{THRESHOLD}.")
    body = sentences[sentences["para_role"] == "paragraph"].reset_index(drop=True)
    if len(body) == 0:
        return pd.DataFrame(columns=["claim_id", "doc_id", "sent_idx", "text"])
    events = _event_codes(body, documents)
    groups = np.zeros(len(body), dtype=np.int64) if events is None else events.astype(np.int64)
    labels, largest = _cluster(stemmed or _stem_texts(body["text"]), groups, threshold, workers)
    if largest > LARGE_COMPONENT:
        warnings.warn(f"claims: {largest} sentences form one connected group (pairs with similarity >= "
                      f"{threshold}); average linkage on it needs {largest ** 2 * 8 / 1e9:.0f} GB and much time. "
                      "Give the corpus an 'event' column so claims are grouped within events.", stacklevel=2)
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(1, len(first) + 1)
    number = rank[inverse]
    width = max(3, len(str(len(first))))
    body.insert(0, "claim_id", [f"c{k:0{width}d}" for k in number])
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


def _shorten(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[:LABEL_CHARS - 1].rsplit(" ", 1)[0] + "…"


def _label(grp: pd.DataFrame) -> str:
    """The claim's most central sentence (highest mean similarity to the others), shortened."""
    texts = grp["text"].tolist()
    best = texts[int(similarity_matrix(texts).mean(axis=1).argmax())] if len(texts) > 2 else texts[0]
    return _shorten(best)


def claim_labels(claims: pd.DataFrame, stemmed=None) -> pd.Series:
    """:func:`_label` of every claim at once, indexed by ``claim_id`` (sorted).

    Each claim's TF-IDF rows are fitted on its own sentences, as :func:`_label` does; claims of
    the same size share one sparse product (their columns are disjoint) and one ``mean`` over a
    stack of their similarity matrices, which adds in the same order as :func:`_label` and so
    breaks ties between equally central sentences the same way. Work and memory grow with the
    sum of the squared claim sizes.
    """
    ids, group = np.unique(claims["claim_id"].to_numpy(dtype=object), return_inverse=True)
    texts = claims["text"].tolist()
    size = np.bincount(group, minlength=len(ids))
    rows = np.argsort(group, kind="stable")  # each claim's sentences together, in table order
    start = np.concatenate([[0], np.cumsum(size)[:-1]])
    chosen = rows[start]  # first sentence: claims of one or two sentences
    # TF-IDF rows only for the sentences of claims of three or more (each claim's rows are fitted
    # on that claim alone, so leaving the others out changes none of them, and saves their memory)
    used = np.flatnonzero(size[group] > 2)
    if len(used):
        codes, *stems = stemmed or _stem_texts(texts)
        at = np.full(len(group), -1, dtype=np.int64)
        at[used] = np.arange(len(used))
        x = _tfidf((np.asarray(codes)[used], *stems), group[used])
    for s in np.unique(size[size > 2]):
        which = np.flatnonzero(size == s)
        for part in np.array_split(which, max(1, len(which) * s * s // PAIR_BLOCK)):
            members = rows[(start[part][:, None] + np.arange(s)).ravel()]
            prod = (x[at[members]] @ x[at[members]].T).tocoo()
            sim = np.zeros((len(part), s, s))
            sim[prod.row // s, prod.row % s, prod.col % s] = prod.data
            sim[:, np.arange(s), np.arange(s)] = 1.0
            np.clip(sim, 0.0, 1.0, out=sim)
            chosen[part] = members.reshape(len(part), s)[np.arange(len(part)), sim.mean(axis=2).argmax(axis=1)]
    return pd.Series([_shorten(texts[i]) for i in chosen], index=pd.Index(ids, name="claim_id"), name="label")


def claim_coverage(claims: pd.DataFrame, positions: pd.DataFrame, labels: pd.Series | None = None) -> pd.DataFrame:
    """``claim_coverage``: ``claim_id, label, n_outlets, outlets, n_articles, n_sentences, positions``.

    ``outlets`` lists the outlets in the order they place the claim (earliest relative position
    first); ``positions`` gives ``outlet: rank/relative position`` for each, e.g.
    ``ANI: 2 (0.08); NewsX: 6 (0.25)``; the long form is ``claim_positions``. ``labels``: from
    :func:`claim_labels` (computed when not given).
    """
    cols = ["claim_id", "label", "n_outlets", "outlets", "n_articles", "n_sentences", "positions"]
    if len(claims) == 0:
        return pd.DataFrame(columns=cols)
    per_outlet = (positions.sort_values(["claim_id", "relative_position", "outlet"], kind="stable")
                  .drop_duplicates(["claim_id", "outlet"]))
    per_outlet = per_outlet.assign(place=[f"{o}: {r} ({p:.2f})" for o, r, p in zip(
        per_outlet["outlet"], per_outlet["rank"], per_outlet["relative_position"])])
    ids, first, n_outlets = np.unique(per_outlet["claim_id"].to_numpy(dtype=object), return_index=True,
                                      return_counts=True)  # rows are sorted by claim
    spans = list(zip(first, first + n_outlets))
    outlets, places = per_outlet["outlet"].tolist(), per_outlet["place"].tolist()
    grouped = claims.groupby("claim_id", sort=True)
    out = pd.DataFrame({"label": claim_labels(claims) if labels is None else labels,
                        "n_outlets": pd.Series(n_outlets, index=ids),
                        "outlets": pd.Series(["; ".join(outlets[a:b]) for a, b in spans], index=ids),
                        "n_articles": grouped["doc_id"].nunique(),
                        "n_sentences": grouped.size(),
                        "positions": pd.Series(["; ".join(places[a:b]) for a, b in spans], index=ids)})
    return out.rename_axis("claim_id").reset_index()[cols]


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
    body = run.sentences.loc[run.sentences["para_role"] == "paragraph", "text"]
    from .engine import worker_count

    workers = worker_count(run.params.get("workers"))
    stemmed = _stem_texts(body, workers=workers)
    claims = group_claims(run.sentences, threshold=threshold, documents=run.documents, stemmed=stemmed,
                          workers=workers)
    positions = claim_positions(claims, run.documents)
    coverage = claim_coverage(claims, positions, labels=claim_labels(claims, stemmed=stemmed))
    run.tables["claims"] = claims
    run.tables["claim_positions"] = positions
    run.tables["claim_coverage"] = coverage
    run.tables["claims_own"] = own_claims(coverage, positions)
    shared = int((coverage["n_outlets"] > 1).sum())
    events = _event_codes(claims, run.documents)
    within = f" within {events.max() + 1} events" if events is not None else ""
    return (f"{len(coverage)} claims from {len(claims)} sentences{within}; {shared} reported by two or more "
            "outlets")
