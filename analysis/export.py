"""Write figures and tables: fixed metadata, provenance, atomic replacement.

* :func:`save_figure` writes PDF, SVG and 300-dpi PNG named by content, with no creation date,
  a fixed SVG id salt and TrueType (Type 42) fonts embedded in the PDF, so the same input gives
  the same bytes.
* :func:`save_table` writes CSV (and LaTeX with booktabs rules) plus a ``.json`` sidecar with
  the provenance: the corpus fingerprint, the parameters, the package version and the git
  commit when there is one. LaTeX is for tables a paper prints: a table of more than
  :data:`LATEX_MAX_ROWS` rows gets none (pandas' LaTeX writer holds several kilobytes per cell:
  a per-document table of 100,000 articles took two minutes and ~10 GB), and its sidecar says
  so under ``"latex"``; filter it to the rows the paper needs and save that.
  The CSV is written in blocks of rows, so a table of millions of rows never exists as one
  string, each block's text made by pyarrow's compute functions: the bytes ``to_csv`` writes (a
  test checks), by hand because ``pyarrow.csv.write_csv`` quotes every text field or refuses one
  holding a comma, and pandas' writer was the slow step of writing a large run's tables; pandas
  still writes the kinds of column those functions do not handle. A table of
  :data:`PARQUET_MIN_ROWS` rows or more is also written as Parquet (``<name>.parquet``,
  pyarrow), which other tools (pandas, polars, R's arrow) read many times faster than the CSV.
* Every file is written to a temporary name in its folder and moved into place with
  :func:`os.replace`, so an interrupted run never leaves half a file.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import subprocess
import tempfile
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd

from .paths import REPO_ROOT

FIGURE_FORMATS = ("pdf", "svg", "png")
CSV_BLOCK_ROWS = 100_000
FLOAT_FORMAT = "%.10g"  # ten significant digits in every CSV
PARQUET_MIN_ROWS = 200_000
LATEX_MAX_ROWS = 1_000  # more rows than pages of a paper's appendix hold
SAFE_NAME = re.compile(r"^[a-z0-9][a-z0-9\-]*$")
_PROVENANCE: dict = {}
_UMASK = os.umask(0o022)
os.umask(_UMASK)


@contextlib.contextmanager
def replacing(path: Path):
    """An open binary file in ``path``'s folder; moved onto ``path`` when the block succeeds, removed if not."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)
        with os.fdopen(fd, "wb") as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write(path: Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder."""
    with replacing(path) as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)
    return Path(path)


def atomic_write_blocks(path: Path, blocks) -> Path:
    """Write an iterable of ``str`` blocks to ``path`` through a temporary file in the same folder."""
    with replacing(path) as fh:
        for block in blocks:
            fh.write(block.encode("utf-8"))
    return Path(path)


def float_text(values: np.ndarray, fmt: str = FLOAT_FORMAT) -> np.ndarray:
    """``fmt % v`` of every value (``""`` for NaN), as pandas' ``to_csv(float_format=fmt)`` writes them.

    Each distinct bit pattern is formatted once (tables repeat values a lot: shares, counts
    stored as floats, scores of repeated sentences), where pandas formats value by value in
    Python; on the tables of a 1,000-article run this is several times faster.
    """
    bits = np.ascontiguousarray(values, dtype=np.float64).view(np.int64)
    distinct, where = np.unique(bits, return_inverse=True)
    text = np.array(["" if v != v else fmt % v for v in distinct.view(np.float64).tolist()], dtype=object)
    return text[where.reshape(-1)]


def _floats_as_text(block: pd.DataFrame) -> pd.DataFrame:
    floats = [i for i, dtype in enumerate(block.dtypes) if isinstance(dtype, np.dtype) and dtype.kind == "f"]
    if not floats:
        return block
    block = block.copy(deep=False)
    for i in floats:
        block.isetitem(i, float_text(block.iloc[:, i].to_numpy()))
    return block


def csv_blocks(df: pd.DataFrame, rows: int | None = None):
    """The CSV text of ``df`` (header first) in blocks of ``rows`` rows: the bytes of one ``to_csv``."""
    rows = rows or CSV_BLOCK_ROWS
    options = dict(index=False, lineterminator="\n", float_format=FLOAT_FORMAT)
    yield df.iloc[:0].to_csv(**options)
    for start in range(0, len(df), rows):
        block = df.iloc[start:start + rows]
        text = _csv_rows(block)
        yield text if text is not None else _floats_as_text(block).to_csv(header=False, **options)


def _csv_special() -> str:
    """The characters that make Python's csv writer (pandas' ``to_csv``, ``QUOTE_MINIMAL``, lines
    ending in ``\\n``) quote a field, asked of the writer itself (``\\r`` depends on the Python)."""
    import csv

    def quoted(ch):
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow([f"a{ch}b", "c"])
        return out.getvalue().startswith('"')

    return "".join(ch for ch in ',"\n\r' if quoted(ch))


CSV_SPECIAL = _csv_special()


def _csv_field_text(values: pd.Series):
    """A column as the text ``to_csv`` writes for each of its values (a pyarrow string array), or
    None for a kind of column left to pandas. Numbers need no quotes; text is quoted as needed."""
    import pyarrow as pa
    import pyarrow.compute as pc

    dtype = values.dtype
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return pa.array(float_text(values.to_numpy()), type=pa.string())
    if isinstance(dtype, np.dtype) and dtype.kind in "iu":
        return pc.cast(pa.array(values.to_numpy()), pa.string())
    if isinstance(dtype, np.dtype) and dtype.kind == "b":
        return pa.array(np.where(values.to_numpy(), "True", "False"), type=pa.string())
    kinds = {type(v) for v in values.tolist()} if dtype == object else set()
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        text = pa.array(values.array).cast(pa.string())  # the column's own arrow array
    elif kinds == {str}:
        text = pa.array(values.to_numpy(), type=pa.string())
    elif kinds == {int}:  # whole numbers in an object column (a melt's variable): written as str() writes them
        return pc.cast(pa.array(values.tolist(), type=pa.int64()), pa.string())
    else:
        return None
    special = pc.match_substring_regex(text, "[" + "".join(f"\\x{ord(c):02x}" for c in CSV_SPECIAL) + "]")
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(text, '"', '""'), '"', "")
    return pc.fill_null(pc.if_else(special, quoted, text), "")  # a missing value: an empty field


def _csv_rows(block: pd.DataFrame) -> str | None:
    """``block.to_csv(header=False, index=False, lineterminator="\\n")``, the same text, built with
    pyarrow's compute functions (on the large tables of a 10,000-article run 1.3 to 3 times as
    fast as pandas' writer, which quotes and joins field by field in Python's csv module).

    None when a column is of a kind this does not handle (categorical, dates, objects other than
    text or whole numbers, ...) or the table has one column (where the csv module quotes an empty
    field): pandas writes those blocks.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if block.shape[1] < 2 or len(block) == 0:
        return None
    fields = []
    for i in range(block.shape[1]):
        text = _csv_field_text(block.iloc[:, i])
        if text is None:
            return None
        fields.append(text)
    rows = pc.binary_join_element_wise(pc.binary_join_element_wise(*fields, ","), "", "\n")  # each row, "\n"
    if isinstance(rows, pa.ChunkedArray):
        rows = rows.combine_chunks()
    rows = rows.cast(pa.large_string())  # 64-bit offsets: the rows' text end to end in one buffer
    ends = np.frombuffer(rows.buffers()[1], dtype=np.int64)[rows.offset:rows.offset + len(rows) + 1]
    return str(memoryview(rows.buffers()[2])[ends[0]:ends[-1]], "utf-8")


def _check_name(name: str) -> str:
    if not SAFE_NAME.match(name):
        raise ValueError(f"figure/table name {name!r}: use lower-case words joined by hyphens, "
                         "named by content (e.g. 'frame-salience-by-outlet').")
    return name


def set_provenance(**fields) -> None:
    """Record what made the outputs (corpus fingerprint, parameters); sidecars and figure metadata carry it."""
    _PROVENANCE.update(fields)


def provenance() -> dict:
    from . import __version__

    info = {"package": "framing-suite", "version": __version__, "git_commit": git_commit()}
    info.update(_PROVENANCE)
    return info


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True,
                             timeout=10)
        return out.stdout.strip() if out.returncode == 0 else ""
    except (OSError, subprocess.SubprocessError):
        return ""


def save_figure(fig, name: str, out_dir=None, formats=FIGURE_FORMATS, dpi: int = 300) -> list[Path]:
    """Save ``fig`` as ``<out_dir>/<name>.{pdf,svg,png}`` with fixed metadata; returns the paths."""
    _check_name(name)
    out_dir = Path(out_dir) if out_dir is not None else Path(os.environ.get("FRAMING_FIGURES", "figures"))
    prov = provenance()
    subject = f"corpus {prov.get('corpus_sha256', '')[:12]}; framing-suite {prov['version']}"
    meta = {
        "pdf": {"Creator": "framing-suite", "Producer": None, "CreationDate": None, "ModDate": None,
                "Subject": subject, "Title": name},
        "svg": {"Date": None, "Creator": "framing-suite", "Title": name, "Description": subject},
        "png": {"Software": "framing-suite", "Title": name, "Description": subject},
    }
    paths = []
    with matplotlib.rc_context({"svg.hashsalt": name, "pdf.fonttype": 42, "ps.fonttype": 42}):
        for fmt in formats:
            buf = io.BytesIO()
            fig.savefig(buf, format=fmt, dpi=dpi, metadata=meta[fmt], bbox_inches="tight")
            paths.append(atomic_write(out_dir / f"{name}.{fmt}", buf.getvalue()))
    return paths


def save_table(df: pd.DataFrame, name: str, out_dir, params: dict | None = None, latex: bool = False) -> Path:
    """Save a table as CSV (and LaTeX) with a provenance sidecar ``<name>.json``; returns the CSV path."""
    _check_name(name.replace("_", "-"))
    out_dir = Path(out_dir)
    csv_path = atomic_write_blocks(out_dir / f"{name}.csv", csv_blocks(df))
    if len(df) >= PARQUET_MIN_ROWS:  # straight to the file: no copy of a large table's bytes in memory
        with replacing(out_dir / f"{name}.parquet") as fh:
            df.to_parquet(fh, index=False, engine="pyarrow")
    else:  # a larger table of the same name, written before, leaves no Parquet copy behind
        (out_dir / f"{name}.parquet").unlink(missing_ok=True)
    sidecar = dict(provenance(), table=name, rows=len(df), columns=list(df.columns), parameters=params or {})
    if latex and len(df) <= LATEX_MAX_ROWS:
        atomic_write(out_dir / f"{name}.tex", df.to_latex(index=False, float_format="%.3g", escape=True))
    elif latex:  # a smaller table of the same name, written before, leaves no LaTeX copy behind
        (out_dir / f"{name}.tex").unlink(missing_ok=True)
        sidecar["latex"] = latex_skipped(len(df))
    atomic_write(out_dir / f"{name}.json", json.dumps(sidecar, indent=2, sort_keys=True, default=str) + "\n")
    return csv_path


def latex_skipped(rows: int) -> str:
    """Why a table of ``rows`` rows has no ``.tex`` (see :data:`LATEX_MAX_ROWS`)."""
    return (f"not written: {rows:,} rows, more than {LATEX_MAX_ROWS:,}; filter the CSV to the rows to print "
            f"and save them with analysis.export.save_table(..., latex=True)")


def file_sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
