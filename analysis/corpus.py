"""Read and validate a corpus into the ``documents`` table.

A corpus is either

* a folder with ``manifest.csv`` (required columns ``doc_id``, ``outlet``, ``path``; optional ``date``,
  ``title``, ``event``, ``url``; any other column is carried through as metadata) and the texts it
  points to: UTF-8 ``.txt`` files, or ``.html``/``.htm`` pages whose main text is extracted with
  trafilatura; or
* a single ``.csv`` or ``.jsonl`` file with one document per row and columns ``doc_id``, ``outlet``,
  ``text`` (plus the same optional and metadata columns).

The result has one row per document: ``doc_id, outlet, date, title, raw_text`` and the metadata.
Raw files are only ever read. Every problem raises :class:`~analysis.errors.CorpusError` with a
one-line message naming the file, line and field and what to do.

Outlets recorded as ``unknown`` are never pooled with each other: each such document becomes its
own comparison unit ``unknown (<doc_id>)``, and the manifest's value is kept in ``outlet_recorded``.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import warnings
from pathlib import Path

import pandas as pd

from .errors import CorpusError, CorpusWarning

REQUIRED_MANIFEST = ("doc_id", "outlet", "path")
REQUIRED_TABLE = ("doc_id", "outlet", "text")
OPTIONAL = ("date", "title", "event", "url")
TEXT_SUFFIXES = {".txt": "text", ".html": "html", ".htm": "html"}
UNKNOWN_OUTLETS = {"unknown", "unk", "n/a", "na", "?"}


def read_corpus(source, encoding: str = "utf-8", max_file_mb: float = 5.0) -> pd.DataFrame:
    """Read a corpus folder, CSV or JSONL file into the documents table.

    Parameters
    ----------
    source : str or Path
        A folder holding ``manifest.csv``, or a ``.csv``/``.jsonl`` file with a ``text`` column.
    encoding : str
        Encoding of the text files (default UTF-8; a byte-order mark is always accepted).
    max_file_mb : float
        Largest text file accepted, in megabytes; a news article is far smaller.
    """
    source = Path(source)
    if not source.exists():
        raise CorpusError(f"{source}: no such corpus folder or file; give a folder with manifest.csv, "
                          "or a .csv/.jsonl file.")
    if source.is_dir():
        rows, label = _manifest_rows(source / "manifest.csv", encoding)
        _check_columns(rows, label, REQUIRED_MANIFEST)
        for line, row in rows:
            text, html_title = _read_text(source, line, row, label, encoding, max_file_mb)
            row["raw_text"] = text
            if html_title and not row.get("title"):
                row["title"] = html_title
    elif source.suffix.lower() == ".csv":
        rows, label = _manifest_rows(source, encoding)
        _check_columns(rows, label, REQUIRED_TABLE)
        for line, row in rows:
            row["raw_text"] = _table_text(row.pop("text"), label, line)
    elif source.suffix.lower() in (".jsonl", ".ndjson"):
        rows, label = _jsonl_rows(source, encoding)
        _check_columns(rows, label, REQUIRED_TABLE)
        for line, row in rows:
            row["raw_text"] = _table_text(row.pop("text"), label, line)
    else:
        raise CorpusError(f"{source}: not a corpus; give a folder with manifest.csv, or a .csv or .jsonl file.")
    return _documents_table(rows, label)


def _manifest_rows(path: Path, encoding: str):
    label = path.name if path.name != "manifest.csv" else f"{path.parent.name}/manifest.csv"
    if not path.exists():
        raise CorpusError(f"{path}: no manifest.csv in the corpus folder; add one with columns "
                          "doc_id, outlet, path (see README, 'Your own corpus').")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding)
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{label}: not valid {encoding} (byte {data[exc.start]:#04x} at position {exc.start}); "
                          "re-save it as UTF-8 or pass --encoding.") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    reader = csv.DictReader(text.splitlines(keepends=True), restkey="__extra__")
    if not reader.fieldnames:
        raise CorpusError(f"{label}: the file is empty; add a header line and one row per document.")
    fields = [f.strip() for f in reader.fieldnames]
    if len(set(fields)) != len(fields):
        dup = sorted({f for f in fields if fields.count(f) > 1})
        raise CorpusError(f"{label}: column {dup[0]!r} appears twice in the header; keep one.")
    reader.fieldnames = fields
    rows = []
    try:
        for row in reader:
            if "__extra__" in row:
                raise CorpusError(f"{label} line {reader.line_num}: more values than header columns; "
                                  "quote values that contain commas.")
            if not any((v or "").strip() for v in row.values()):
                continue
            rows.append((reader.line_num, {k: (v or "").strip() if k != "text" else (v or "")
                                           for k, v in row.items()}))
    except csv.Error as exc:
        raise CorpusError(f"{label} line {reader.line_num}: not valid CSV ({exc}); fix the quoting.") from None
    return rows, label


def _jsonl_rows(path: Path, encoding: str):
    label = path.name
    rows = []
    try:
        text = path.read_bytes().decode("utf-8-sig" if encoding.lower() in ("utf-8", "utf8") else encoding)
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{label}: not valid {encoding} at byte {exc.start}; re-save it as UTF-8 "
                          "or pass --encoding.") from None
    for i, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{label} line {i}: not valid JSON ({exc.msg}); one JSON object per line.") from None
        if not isinstance(obj, dict):
            raise CorpusError(f"{label} line {i}: expected a JSON object with doc_id, outlet and text.")
        rows.append((i, {k: (v if k == "text" else ("" if v is None else str(v).strip())) for k, v in obj.items()}))
    if rows:
        keys = set().union(*(r.keys() for _, r in rows))
        for _, r in rows:
            for k in keys:
                r.setdefault(k, "")
    return rows, label


def _check_columns(rows, label, required):
    if not rows:
        raise CorpusError(f"{label}: the corpus has no documents; add one row per article.")
    columns = rows[0][1].keys()
    for col in required:
        if col not in columns:
            found = ", ".join(columns)
            raise CorpusError(f"{label}: required column {col!r} is missing (found: {found}); add it.")
    seen = {}
    for line, row in rows:
        for col in required:
            if col != "text" and not str(row[col]).strip():
                raise CorpusError(f"{label} line {line}, field {col!r}: empty; fill it in or remove the row.")
        doc_id = row["doc_id"]
        if doc_id in seen:
            raise CorpusError(f"{label} lines {seen[doc_id]} and {line}, field 'doc_id': {doc_id!r} appears twice; "
                              "give each document its own id.")
        seen[doc_id] = line


def _read_text(folder: Path, line: int, row: dict, label: str, encoding: str, max_file_mb: float):
    where = f"{label} line {line} (doc_id {row['doc_id']!r}), field 'path'"
    root = folder.resolve()
    path = (folder / row["path"]).resolve()
    if not path.is_relative_to(root):
        raise CorpusError(f"{where}: {row['path']!r} points outside the corpus folder; "
                          "copy the file into the folder and give a relative path.")
    if not path.is_file():
        raise CorpusError(f"{where}: file {row['path']!r} does not exist; fix the path or add the file.")
    kind = TEXT_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise CorpusError(f"{where}: {row['path']!r} is neither .txt nor .html; convert it to UTF-8 text.")
    size = path.stat().st_size
    if size > max_file_mb * 1_000_000:
        raise CorpusError(f"{where}: {row['path']!r} is {size / 1e6:.1f} MB, over the {max_file_mb:g} MB limit for "
                          "one article; check it is one article, or raise the limit with --max-file-mb.")
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise CorpusError(f"{where}: {row['path']!r} looks like a binary file (it has NUL bytes); "
                          "give the article as UTF-8 text or HTML.")
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{where}: {row['path']!r} is not valid {encoding} (byte {data[exc.start]:#04x} at "
                          f"position {exc.start}); re-save it as UTF-8, or pass --encoding latin-1 "
                          "(or the file's real encoding).") from None
    except LookupError:
        raise CorpusError(f"--encoding {encoding!r}: unknown encoding; use e.g. utf-8, latin-1, cp1252.") from None
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    title = ""
    if kind == "html":
        text, title = _html_main_text(text, where)
    if not text.strip():
        raise CorpusError(f"{where}: {row['path']!r} is empty; add the article's text or remove the row.")
    return text, title


def _html_main_text(html: str, where: str):
    """Main text and title of a web page, by trafilatura (a maintained boilerplate remover)."""
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
    meta = trafilatura.extract_metadata(html)
    if not text:
        raise CorpusError(f"{where}: no article text could be extracted from the HTML page; "
                          "save the article's text as .txt instead.")
    return text, (meta.title if meta is not None and meta.title else "")


def _table_text(value, label, line):
    if not isinstance(value, str) or not value.strip():
        raise CorpusError(f"{label} line {line}, field 'text': empty; add the article's text or remove the row.")
    return value.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _parse_date(value: str, label: str, line: int) -> str:
    if not value:
        return ""
    try:
        return dt.datetime.fromisoformat(value).date().isoformat()
    except ValueError:
        raise CorpusError(f"{label} line {line}, field 'date': {value!r} is not an ISO date; "
                          "write it as YYYY-MM-DD (e.g. 2025-05-05) or leave it empty.") from None


def _documents_table(rows, label) -> pd.DataFrame:
    records = []
    for line, row in rows:
        row = dict(row)
        row["date"] = _parse_date(row.get("date", ""), label, line)
        for col in OPTIONAL:
            row.setdefault(col, "")
        recorded = row["outlet"]
        if recorded.strip().lower() in UNKNOWN_OUTLETS:
            row["outlet"] = f"unknown ({row['doc_id']})"
        row["outlet_recorded"] = recorded
        records.append(row)
    first = ["doc_id", "outlet", "date", "title"]
    docs = pd.DataFrame.from_records(records)
    rest = [c for c in docs.columns if c not in first and c != "raw_text"]
    docs = docs[first + rest + ["raw_text"]]
    if docs["outlet"].nunique() < 2:
        warnings.warn(f"{label}: all documents come from one outlet ({docs['outlet'].iloc[0]!r}); "
                      "comparisons between outlets need two or more.", CorpusWarning, stacklevel=2)
    return docs.reset_index(drop=True)
