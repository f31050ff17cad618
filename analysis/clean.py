"""Remove page furniture from scraped news text, line by line, and record every line's fate.

Why by hand: boilerplate removers such as trafilatura and jusText work on HTML, where tags and
link density tell menus from prose. Researchers' corpora are often already flattened to text
(copied pages, archive exports, scraper output), where those signals are gone. HTML input is
first reduced to its main text with trafilatura (see :mod:`analysis.corpus`); this module then
applies the same general method to every text, whatever the site.

The method, documented so it can be cited and changed:

1. **Header fields.** ``key value`` pairs a scraper wrote before the article on its first line
   (``date 2025-05-05``) move into the metadata as ``header_<key>``. Agency and syndication
   credits (``MENAFN - Live Mint)``, a trailing ``(ANI)``, ``With inputs from agencies.``) are
   removed and kept in ``credit``. A dateline opening the first paragraph (``New Delhi, May 5``,
   ``New Delhi [India], May 4 (ANI):``, ``New Delhi |``) moves into ``dateline``.
2. **Line features.** Each line is classed from its own features: a known furniture phrase or
   prefix (editable data in ``data/cleaning/furniture.toml``), a date-only line, a navigation
   bullet, a marker that opens a block of links (``You may also like``, ``Also Read``, ``Filed
   under``), a repeat of an earlier line, a truncated teaser (a prefix of another line), a
   heading-like line that recurs in other documents of the corpus; otherwise *prose* (a line of
   five or more words ending in sentence punctuation, or of twenty or more words, that is not
   in title case) or *heading* (everything else: short, unpunctuated or title case).
3. **Article body.** The body is the run of lines with the largest total score, where a prose
   line scores its number of words, a heading or weak furniture line -1 and strong furniture
   (known phrases, navigation, dates, credits) -8: the maximum-subarray idea of Finn, Kushmerick
   & Smyth's Body Text Extraction, applied to lines. Headings inside the body are kept as
   subheads; the heading just before it (or the line that equals the manifest title) is kept as
   the headline. Prose outside the body (settings panels, teasers) is dropped.

Every line of the raw text appears once in the audit with ``kept`` and a ``reason``.
"""
from __future__ import annotations

import re
import tomllib
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import ConfigError, CorpusError, CorpusWarning
from .paths import data_path
from .tokens import load_stopwords, tokenize

STRONG, WEAK = -8.0, -1.0
SMALL_WORDS = frozenset("a an the of in on at to for and or but nor with by from as vs via into per is are".split())
TERMINAL = re.compile(r"[.!?…](?:[\"'”’)\]]*)$")
BULLET = re.compile(r"^(?:[•·▪●◦*]|[-–]\s)\s*")
WORD = re.compile(r"[^\W\d_][\w'’\-]*")
MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
DATE_LINE = re.compile(
    rf"^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
    rf"(?:{MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{MONTH},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
    rf"(?:,?\s+\d{{1,2}}[:.]\d{{2}}(?:\s*[ap]\.?m\.?)?(?:\s+[a-z]{{2,4}})?)?$", re.I)


@dataclass(frozen=True)
class Furniture:
    """The editable furniture lists (see ``data/cleaning/furniture.toml``)."""

    phrases: frozenset
    prefixes: tuple
    block_markers: frozenset
    header_keys: tuple
    credit_leading: tuple
    credit_trailing: tuple
    credit_lines: tuple
    datelines: tuple
    source: str = ""


def load_furniture(path=None) -> Furniture:
    """Read the furniture lists from a TOML file (default: the bundled one)."""
    path = Path(path) if path else data_path("cleaning", "furniture.toml")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the furniture list ({exc}); fix the file.") from None

    def rx(section, key):
        out = []
        for pat in raw.get(section, {}).get(key, []):
            try:
                out.append(re.compile(pat, re.I if key in ("lines",) else 0))
            except re.error as exc:
                raise ConfigError(f"{path}, [{section}] {key}: bad regular expression {pat!r} ({exc}).") from None
        return tuple(out)

    return Furniture(
        phrases=frozenset(_key(p) for p in raw.get("phrases", [])),
        prefixes=tuple(p.lower() for p in raw.get("prefixes", [])),
        block_markers=frozenset(_key(p) for p in raw.get("block_markers", [])),
        header_keys=tuple(raw.get("header", {}).get("keys", [])),
        credit_leading=rx("credits", "leading"),
        credit_trailing=rx("credits", "trailing"),
        credit_lines=rx("credits", "lines"),
        datelines=rx("dateline", "patterns"),
        source=str(path),
    )


def _key(line: str) -> str:
    """Comparison key of a line: lower case, bullets and trailing separators removed."""
    line = BULLET.sub("", " ".join(line.split()))
    return line.strip(" »|:›>").lower()


def _words(line: str) -> list[str]:
    return WORD.findall(line)


SMALL_WORD_MAX = max(map(len, SMALL_WORDS))


def _title_case_ratio(words: list[str]) -> float:
    content = [w for w in words if len(w) > SMALL_WORD_MAX or w.lower() not in SMALL_WORDS]
    return sum(w[0].isupper() for w in content) / len(content) if content else 0.0


def title_case_ratio(line: str) -> float:
    """Share of the line's words (small function words left out) that start with a capital."""
    return _title_case_ratio(_words(line))


def is_prose(line: str) -> bool:
    words = _words(line)
    n = len(words)
    if n < 5:
        return False
    tc = _title_case_ratio(words)
    return (bool(TERMINAL.search(line)) and tc < 0.85) or (n >= 20 and tc < 0.7)


@dataclass
class _Line:
    no: int
    raw: str
    text: str
    kind: str = "blank"          # blank | prose | heading | furniture
    score: float = 0.0
    reason: str = ""
    notes: list = field(default_factory=list)
    role: str = ""


@dataclass
class CleanedText:
    """Result of cleaning one text: paragraphs with their roles, metadata and the audit."""

    paragraphs: list            # [(text, role)], role in headline | subhead | paragraph
    meta: dict
    audit: list                 # [(line_no, raw_text, kept, reason, para_idx, role)]

    @property
    def text(self) -> str:
        return "\n\n".join(p for p, _ in self.paragraphs)


def clean_text(raw: str, furniture: Furniture | None = None, title: str = "",
               shared: frozenset = frozenset()) -> CleanedText:
    """Clean one raw text. ``shared`` holds keys of heading-like lines seen in other documents."""
    fu = furniture or load_furniture()
    meta = {"credit": [], "dateline": ""}
    lines = [_Line(i, raw_line, " ".join(raw_line.split())) for i, raw_line in enumerate(raw.split("\n"), 1)]
    _strip_header(lines, fu, meta)
    _strip_credits(lines, fu, meta)
    _classify(lines, fu, shared, meta["credit"])
    _mark_repeats(lines)
    start, end = _body_span(lines)
    _assign_roles(lines, start, end, title)
    _strip_dateline(lines, fu, meta)
    paragraphs, audit = [], []
    for ln in lines:
        kept = bool(ln.role)
        idx = len(paragraphs) if kept else -1
        if kept:
            paragraphs.append((ln.text, ln.role))
        reason = "; ".join([ln.reason] + ln.notes)
        audit.append((ln.no, ln.raw, kept, reason, idx, ln.role or ""))
    meta["credit"] = "; ".join(dict.fromkeys(meta["credit"]))
    return CleanedText(paragraphs, meta, audit)


def _strip_header(lines, fu, meta):
    first = next((ln for ln in lines if ln.text), None)
    if first is None or not fu.header_keys:
        return
    keys = "|".join(re.escape(k) for k in fu.header_keys)
    pattern = re.compile(rf"^({keys})\s+(\S+)\s*", re.I)
    while (m := pattern.match(first.text)):
        meta[f"header_{m.group(1).lower()}"] = m.group(2)
        first.notes.append(f"header field {m.group(1).lower()}={m.group(2)} moved to metadata")
        first.text = first.text[m.end():]


def _strip_credits(lines, fu, meta):
    first = next((ln for ln in lines if ln.text), None)
    for ln in lines:
        if not ln.text:
            continue
        patterns = (fu.credit_leading if ln is first else ()) + fu.credit_trailing
        for pat in patterns:
            m = pat.search(ln.text)
            if m and m.group(0).strip() != ln.text.strip():
                credit = m.group(0).strip(" :—–-").strip("()")
                meta["credit"].append(credit)
                ln.notes.append(f"credit {credit!r} moved to metadata")
                ln.text = (ln.text[:m.start()] + ln.text[m.end():]).strip()


def _classify(lines, fu, shared, credits):
    block_from = None
    for ln in lines:
        key = _key(ln.text)
        if not key:
            ln.kind, ln.reason = "blank", "blank line"
            continue
        prose = is_prose(ln.text)
        strong = _strong_furniture(ln, key, fu)
        if strong:
            ln.kind, ln.score, ln.reason = "furniture", STRONG, strong
            if strong == "agency credit line":
                credits.append(ln.text.strip(" ()."))
            if key in fu.block_markers:
                block_from = ln.no
            continue
        if key in fu.block_markers:
            ln.kind, ln.score, ln.reason = "furniture", STRONG, "opens a block of links"
            block_from = ln.no
            continue
        if prose:
            block_from = None
            ln.kind, ln.score, ln.reason = "prose", float(len(_words(ln.text))), "article text"
        elif block_from is not None:
            ln.kind, ln.score, ln.reason = "furniture", WEAK, f"in the block of links opened at line {block_from}"
        elif key in shared:
            ln.kind, ln.score, ln.reason = "furniture", WEAK, "heading-like line that recurs in other documents"
        else:
            ln.kind, ln.score, ln.reason = "heading", WEAK, "heading"


def _strong_furniture(ln, key, fu):
    if key in fu.phrases:
        return "known furniture phrase"
    for p in fu.prefixes:
        if key.startswith(p):
            return f"known furniture prefix {p!r}"
    if any(p.search(ln.text) for p in fu.credit_lines):
        return "agency credit line"
    if DATE_LINE.match(key):
        return "date line"
    if BULLET.match(ln.text) and not is_prose(BULLET.sub("", ln.text)):
        return "navigation bullet"
    return ""


def _mark_repeats(lines):
    seen = {}
    candidates = [ln for ln in lines if ln.kind in ("prose", "heading")]
    keys = [_key(ln.text) for ln in lines if ln.kind != "blank"]
    for ln in candidates:
        key = _key(ln.text)
        if key in seen:
            ln.kind, ln.score, ln.reason = "furniture", WEAK, f"repeats line {seen[key]}"
            continue
        seen[key] = ln.no
        if ln.kind == "heading" and len(key) >= 10:
            longer = next((k for k in keys if len(k) > len(key) and k.startswith(key)), None)
            if longer is not None:
                ln.kind, ln.score, ln.reason = "furniture", WEAK, "truncated teaser of a longer line"


def _body_span(lines):
    """Indexes (start, end) of the contiguous run of lines with the largest total score."""
    best, best_span, run, run_start = 0.0, None, 0.0, 0
    for i, ln in enumerate(lines):
        if run <= 0:
            run, run_start = 0.0, i
        run += ln.score
        if ln.kind == "prose" and run > best:
            best, best_span = run, (run_start, i)
    return best_span if best_span else (None, None)


def _assign_roles(lines, start, end, title):
    title_key = _key(title) if title else ""
    if start is None:
        # No prose at all (e.g. unpunctuated text): keep every line that is not furniture.
        for ln in lines:
            if ln.kind == "heading":
                ln.role, ln.reason = "paragraph", "kept: no prose line in the text, kept all non-furniture lines"
        return
    for i, ln in enumerate(lines):
        if start <= i <= end and ln.kind in ("prose", "heading"):
            ln.role = "paragraph" if ln.kind == "prose" else "subhead"
            ln.reason = "article text" if ln.kind == "prose" else "subhead inside the article body"
        elif ln.kind in ("prose", "heading"):
            ln.reason = "outside the article body"
    headline = None
    if title_key:
        headline = next((ln for ln in lines[: start + 1] if ln.kind == "heading" and _key(ln.text) == title_key), None)
    if headline is None:
        j = start - 1
        while j >= 0 and lines[j].kind == "blank":
            j -= 1
        if j >= 0 and lines[j].kind == "heading" and (not title_key or _key(lines[j].text) == title_key):
            headline = lines[j]
    if headline is not None:
        headline.role, headline.reason = "headline", "headline"


def _strip_dateline(lines, fu, meta):
    lede = next((ln for ln in lines if ln.role == "paragraph"), None)
    if lede is None:
        return
    for pat in fu.datelines:
        m = pat.match(lede.text)
        if m:
            meta["dateline"] = m.group("dateline").strip()
            agency = m.groupdict().get("agency")
            if agency:
                meta["credit"].append(agency)
            lede.notes.append(f"dateline {meta['dateline']!r} moved to metadata")
            lede.text = lede.text[m.end():]
            return


def shared_heading_keys(texts, min_docs: int = 3, workers: int = 1) -> frozenset:
    """Keys of heading-like lines that occur in at least ``min_docs`` documents.

    ``workers`` > 1 counts slices of the texts in forked processes (:func:`analysis.engine.map_slices`)
    and adds the counts: the same keys.
    """
    from .engine import map_slices

    counts: dict[str, int] = {}
    for part in map_slices(_heading_counts, list(texts), HEADING_SLICE, workers):
        for k, n in part.items():
            counts[k] = counts.get(k, 0) + n
    return frozenset(k for k, n in counts.items() if n >= min_docs)


HEADING_SLICE = 2000  # texts per forked job of shared_heading_keys


def _heading_counts(texts, start: int, stop: int) -> dict[str, int]:
    """In how many of ``texts[start:stop]`` each heading-like line's key occurs."""
    counts: dict[str, int] = {}
    for raw in texts[start:stop]:
        keys = {_key(line) for line in raw.split("\n") if line.strip() and not is_prose(" ".join(line.split()))}
        for k in keys:
            if k:
                counts[k] = counts.get(k, 0) + 1
    return counts


def clean_corpus(documents: pd.DataFrame, furniture: Furniture | None = None, shared: frozenset | None = None):
    """Clean every document.

    ``shared`` is :func:`shared_heading_keys` of the whole corpus; given, it lets a chunk of the
    documents be cleaned exactly as the whole corpus would be (:mod:`analysis.engine`).

    Returns ``(documents, paragraphs, audit)``: the documents table with the cleaned ``text`` and
    header metadata (``header_date``, ``dateline``, ``credit``) added, a ``paragraphs`` table
    (``doc_id, para_idx, role, start, end, text``) and the ``cleaning_audit`` table
    (``doc_id, line_no, text, kept, reason, para_idx, role``).
    """
    fu = furniture or load_furniture()
    if shared is None:
        shared = shared_heading_keys(documents["raw_text"])
    docs = documents.copy()
    texts, metas, para_rows, audit_rows = [], [], [], []
    for doc in docs.itertuples(index=False):
        res = clean_text(doc.raw_text, fu, title=getattr(doc, "title", "") or "", shared=shared)
        if not res.paragraphs:
            raise CorpusError(f"document {doc.doc_id!r}: no article text is left after cleaning (all "
                              f"{len(res.audit)} lines were page furniture); check the file, or see cleaning_audit.")
        offset = 0
        for idx, (text, role) in enumerate(res.paragraphs):
            para_rows.append((doc.doc_id, idx, role, offset, offset + len(text), text))
            offset += len(text) + 2
        audit_rows += [(doc.doc_id, *row) for row in res.audit]
        texts.append(res.text)
        metas.append(res.meta)
    meta = pd.DataFrame(metas, index=docs.index).fillna("")
    for col in meta.columns:
        if col not in docs.columns:
            docs[col] = meta[col]
    headlines = {d: t for d, _, role, _, _, t in para_rows if role == "headline"}
    no_title = docs["title"].eq("")
    docs.loc[no_title, "title"] = [headlines.get(d, "") for d in docs.loc[no_title, "doc_id"]]
    docs["text"] = texts
    paragraphs = pd.DataFrame(para_rows, columns=["doc_id", "para_idx", "role", "start", "end", "text"])
    audit = pd.DataFrame(audit_rows, columns=["doc_id", "line_no", "text", "kept", "reason", "para_idx", "role"])
    return docs, paragraphs, audit


REASON_CATEGORIES = [
    (r"^(article text|headline|subhead|kept)", None),
    (r"^blank line", "blank line"),
    (r"^known furniture (phrase|prefix)", "known furniture phrase"),
    (r"^(opens a block of links|in the block of links)", "related-links block"),
    (r"^repeats line", "repeated line"),
    (r"^truncated teaser", "truncated teaser"),
    (r"^outside the article body", "outside the article body"),
    (r"^date line", "date line"),
    (r"^navigation bullet", "navigation"),
    (r"^agency credit", "agency credit"),
    (r"^heading-like line that recurs", "recurs across documents"),
]


def reason_category(reason: str, kept: bool) -> str:
    """A short category for an audit reason (line numbers and quoted phrases left out)."""
    if kept:
        return "kept"
    for pattern, category in REASON_CATEGORIES:
        if re.match(pattern, reason):
            return category or "kept"
    return "other"


def audit_summary(audit: pd.DataFrame, blank: bool = False) -> pd.DataFrame:
    """Lines per document and category (``kept`` or why removed), wide, blank lines left out by default."""
    cats = [reason_category(r, k) for r, k in zip(audit["reason"], audit["kept"])]
    tab = audit.assign(category=cats)
    if not blank:
        tab = tab[tab["category"] != "blank line"]
    wide = tab.pivot_table(index="doc_id", columns="category", values="line_no", aggfunc="count", fill_value=0)
    order = ["kept"] + sorted(c for c in wide.columns if c != "kept")
    return wide.reindex(columns=[c for c in order if c in wide.columns]).reindex(audit["doc_id"].unique())


MIN_ENGLISH_SHARE = 0.2  # English news prose has 40-55% stopword tokens; German or French text 0-10%


ENGLISH_TABLE = "_english"  # per document: word tokens and the share of common English words (intermediate)


def english_shares(documents: pd.DataFrame) -> pd.DataFrame:
    """``doc_id, n_words, english_share``: word tokens of the cleaned text and the share of them that
    are common English words (the suite's stopword list)."""
    stop = load_stopwords()
    rows = []
    for doc_id, text in zip(documents["doc_id"], documents["text"]):
        toks = tokenize(text, numbers=False)
        rows.append((doc_id, len(toks), sum(t in stop for t in toks) / len(toks) if toks else 0.0))
    return pd.DataFrame(rows, columns=["doc_id", "n_words", "english_share"])


def warn_not_english(documents: pd.DataFrame, shares: pd.DataFrame | None = None) -> None:
    """Warn about documents that do not look English: lexicons, dictionaries and stopwords are English.

    ``shares``: :func:`english_shares` of ``documents``, computed with the per-document part of the stage.
    """
    shares = english_shares(documents) if shares is None else shares
    for doc_id, n, share in zip(shares["doc_id"], shares["n_words"], shares["english_share"]):
        if n >= 20 and share < MIN_ENGLISH_SHARE:
            warnings.warn(f"document {doc_id!r}: only {share:.0%} of its words are common English words; the "
                          "tone lexicons, frame dictionaries and readability formulas are English, so its "
                          "numbers will be wrong. Translate it or leave it out.", CorpusWarning, stacklevel=2)


def context(documents: pd.DataFrame, workers: int = 1) -> dict:
    """The one corpus-wide input of cleaning: heading-like lines recurring across documents."""
    return {"shared_headings": shared_heading_keys(documents["raw_text"], workers=workers)}


def annotate(run) -> None:
    """Per-document part of the stage: cleaned text, header metadata, paragraphs, ``cleaning_audit``."""
    shared = (run.context or {}).get("shared_headings")
    run.documents, run.paragraphs, run.tables["cleaning_audit"] = clean_corpus(run.documents, shared=shared)
    run.documents = run.documents.drop(columns=["raw_text"])  # the cleaned text and the audit remain
    run.tables[ENGLISH_TABLE] = english_shares(run.documents)


def summarise(run) -> str:
    """Corpus-level part: the not-English check and the summary line."""
    warn_not_english(run.documents, run.tables.get(ENGLISH_TABLE))
    audit = run.tables["cleaning_audit"]
    return f"kept {int(audit['kept'].sum())} of {len(audit)} lines"
