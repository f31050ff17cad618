"""Writing figures and tables: same input, same bytes; provenance sidecars; atomic replacement."""
import errno
import hashlib
import json
import os
import struct

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from analysis import __version__, export  # noqa: E402
from analysis.paths import BUNDLED_CORPUS  # noqa: E402
from analysis.pipeline import corpus_fingerprint  # noqa: E402


@pytest.fixture(autouse=True)
def fresh_provenance(monkeypatch):
    """Each test starts with the bundled corpus's fingerprint and nothing else recorded."""
    monkeypatch.setattr(export, "_PROVENANCE", {})
    export.set_provenance(**corpus_fingerprint(BUNDLED_CORPUS))


@pytest.fixture
def figure():
    fig, ax = plt.subplots(figsize=(3.2, 2.2))
    ax.plot([1, 2, 3], [0.2, 0.7, 0.4], label="Live Mint")
    ax.bar([1, 2, 3], [0.1, 0.3, 0.2], label="NewsX")
    ax.set_title("Frame salience — “terrorism”")
    ax.set_xlabel("position")
    ax.legend()
    yield fig
    plt.close(fig)


def test_save_figure_twice_gives_identical_bytes(tmp_path, figure):
    first = export.save_figure(figure, "frame-salience-by-outlet", tmp_path / "a")
    second = export.save_figure(figure, "frame-salience-by-outlet", tmp_path / "b")
    assert [p.name for p in first] == ["frame-salience-by-outlet.pdf", "frame-salience-by-outlet.svg",
                                       "frame-salience-by-outlet.png"]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.suffix
    # and again over the first files
    again = export.save_figure(figure, "frame-salience-by-outlet", tmp_path / "a")
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in second]
    assert sorted(os.listdir(tmp_path / "a")) == sorted(p.name for p in first)   # no temp files left


def test_figure_metadata_is_fixed(tmp_path, figure):
    pdf, svg, png = (p.read_bytes() for p in export.save_figure(figure, "demo-figure", tmp_path))
    assert b"/CreationDate" not in pdf and b"/ModDate" not in pdf
    assert b"/FontFile2" in pdf            # TrueType (Type 42) fonts embedded
    assert b"/Creator (framing-suite)" in pdf
    manifest = corpus_fingerprint(BUNDLED_CORPUS)["corpus_sha256"][:12]
    assert f"corpus {manifest}; framing-suite {__version__}".encode() in pdf
    assert b"<dc:date>" not in svg and b"<dc:title>demo-figure</dc:title>" in svg
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    i = png.index(b"pHYs")
    x, y, unit = struct.unpack(">IIB", png[i + 4:i + 13])
    assert (x, y, unit) == (11811, 11811, 1)    # 300 dpi in pixels per metre


def test_figure_salt_follows_the_name(tmp_path, figure):
    a = export.save_figure(figure, "first-name", tmp_path, formats=("svg",))[0].read_text()
    b = export.save_figure(figure, "second-name", tmp_path, formats=("svg",))[0].read_text()
    # the ids differ, not only the title: the SVG id salt is the name
    assert a.replace("first-name", "second-name") != b


@pytest.mark.parametrize("name", ["Frame Salience", "frame_salience.pdf", "../escape", ""])
def test_bad_names_are_refused(tmp_path, figure, name):
    with pytest.raises(ValueError, match="lower-case words joined by hyphens"):
        export.save_figure(figure, name, tmp_path)
    assert not any(tmp_path.iterdir())


TABLE = pd.DataFrame({"outlet": ["Live Mint", "A & B_c"], "share": [0.123456789012, 0.5], "n": [3, 40]})


def test_save_table_twice_gives_identical_bytes(tmp_path):
    params = {"seed": 20250505, "corpus": "data/corpus"}
    a = export.save_table(TABLE, "frame-salience", tmp_path / "a", params=params, latex=True)
    b = export.save_table(TABLE, "frame-salience", tmp_path / "b", params=params, latex=True)
    assert a == tmp_path / "a" / "frame-salience.csv"
    for ext in ("csv", "tex", "json"):
        assert (tmp_path / "a" / f"frame-salience.{ext}").read_bytes() == \
            (tmp_path / "b" / f"frame-salience.{ext}").read_bytes(), ext
    assert sorted(os.listdir(tmp_path / "a")) == ["frame-salience.csv", "frame-salience.json", "frame-salience.tex"]


def test_table_csv_and_latex_content(tmp_path):
    export.save_table(TABLE, "frame-salience", tmp_path, latex=True)
    assert (tmp_path / "frame-salience.csv").read_text() == (
        "outlet,share,n\nLive Mint,0.123456789,3\nA & B_c,0.5,40\n")
    tex = (tmp_path / "frame-salience.tex").read_text()
    assert tex == ("\\begin{tabular}{lrr}\n\\toprule\noutlet & share & n \\\\\n\\midrule\n"
                   "Live Mint & 0.123 & 3 \\\\\nA \\& B\\_c & 0.5 & 40 \\\\\n\\bottomrule\n\\end{tabular}\n")
    assert "\\hline" not in tex


def test_latex_only_for_tables_a_paper_prints(tmp_path, monkeypatch):
    monkeypatch.setattr(export, "LATEX_MAX_ROWS", 2)
    export.save_table(TABLE, "frame_salience", tmp_path, latex=True)  # 2 rows: printed
    assert (tmp_path / "frame_salience.tex").exists()
    assert "latex" not in json.loads((tmp_path / "frame_salience.json").read_text())
    export.save_table(pd.concat([TABLE] * 2), "frame_salience", tmp_path, latex=True)  # 4 rows: not
    assert not (tmp_path / "frame_salience.tex").exists()  # the stale copy of the 2-row table is gone
    side = json.loads((tmp_path / "frame_salience.json").read_text())
    assert side["latex"].startswith("not written: 4 rows, more than 2;")
    assert (tmp_path / "frame_salience.csv").read_text().count("Live Mint") == 2


def test_table_sidecar_has_provenance(tmp_path):
    export.save_table(TABLE, "frame_salience", tmp_path, params={"seed": 7, "k": None})
    assert not (tmp_path / "frame_salience.tex").exists()
    side = json.loads((tmp_path / "frame_salience.json").read_text())
    manifest = hashlib.sha256((BUNDLED_CORPUS / "manifest.csv").read_bytes()).hexdigest()
    assert side["manifest_sha256"] == manifest
    assert len(side["corpus_sha256"]) == 64 and side["corpus_sha256"] != manifest
    assert side["parameters"] == {"seed": 7, "k": None}
    assert side["package"] == "framing-suite" and side["version"] == __version__
    assert side["table"] == "frame_salience" and side["rows"] == 2 and side["columns"] == ["outlet", "share", "n"]
    assert set(side) == {"package", "version", "git_commit", "manifest_sha256", "corpus_sha256",
                         "table", "rows", "columns", "parameters"}


# --- atomic_write ---------------------------------------------------------------------------

def test_atomic_write_replaces_and_creates_folders(tmp_path):
    target = tmp_path / "sub" / "dir" / "out.txt"
    export.atomic_write(target, "first ü")
    assert target.read_bytes() == "first ü".encode("utf-8")
    export.atomic_write(target, b"second")
    assert target.read_bytes() == b"second"
    assert os.listdir(target.parent) == ["out.txt"]
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


class FailingFile:
    """A file object that writes part of the data and then fails, as on a full disk."""

    def __init__(self, fh):
        self.fh = fh

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.fh.close()

    def write(self, data):
        self.fh.write(data[:3])
        raise OSError(errno.ENOSPC, "No space left on device")


def test_atomic_write_failure_during_write_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "table.csv"
    target.write_bytes(b"old contents\n")
    real_fdopen = os.fdopen
    monkeypatch.setattr(export.os, "fdopen", lambda fd, mode: FailingFile(real_fdopen(fd, mode)))
    with pytest.raises(OSError, match="No space left"):
        export.atomic_write(target, b"new contents that never arrive\n")
    assert target.read_bytes() == b"old contents\n"
    assert os.listdir(tmp_path) == ["table.csv"]


def test_atomic_write_interrupted_before_replace_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "figure.svg"
    target.write_bytes(b"<svg>old</svg>")

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(export.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        export.atomic_write(target, b"<svg>new</svg>")
    assert target.read_bytes() == b"<svg>old</svg>"
    assert os.listdir(tmp_path) == ["figure.svg"]


def test_save_table_failure_keeps_earlier_outputs(tmp_path, monkeypatch):
    export.save_table(TABLE, "frame-salience", tmp_path, latex=True)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    real_fdopen = os.fdopen
    monkeypatch.setattr(export.os, "fdopen", lambda fd, mode: FailingFile(real_fdopen(fd, mode)))
    with pytest.raises(OSError):
        export.save_table(TABLE.assign(n=[0, 0]), "frame-salience", tmp_path, latex=True)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_csv_written_in_blocks_is_the_bytes_of_one_to_csv(tmp_path):
    df = pd.DataFrame({"doc_id": [f"d{i}" for i in range(7)], "x": [0.1, 1 / 3, 2.0, None, 1e-12, 5.5, 7.0],
                       "text": ["a, b", 'say "hi"', "", "multi\nline", "é", "x", "y"]})
    one = df.to_csv(index=False, lineterminator="\n", float_format="%.10g")
    assert "".join(export.csv_blocks(df, rows=3)) == one
    assert "".join(export.csv_blocks(df.iloc[:0], rows=3)) == df.iloc[:0].to_csv(index=False, lineterminator="\n")
    path = export.save_table(df, "blocks", tmp_path)
    assert path.read_bytes() == one.encode("utf-8")


def test_large_tables_are_also_written_as_parquet(tmp_path, monkeypatch):
    monkeypatch.setattr(export, "PARQUET_MIN_ROWS", 3)
    small, large = TABLE.iloc[:2], pd.DataFrame({"term": ["china", "sea", "terror"], "count": [5, 3, 1]})
    export.save_table(small, "small", tmp_path)
    export.save_table(large, "large", tmp_path)
    assert not (tmp_path / "small.parquet").exists()
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "large.parquet"), large)
    first = (tmp_path / "large.parquet").read_bytes()
    export.save_table(large, "large", tmp_path)
    assert (tmp_path / "large.parquet").read_bytes() == first


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([0.0, -0.0, 0.5, 1 / 3, 5e-324]),
                max_size=40),
       st.sampled_from(["float64", "float32"]), st.integers(1, 7))
def test_floats_are_written_as_pandas_float_format_writes_them(values, dtype, rows):
    with np.errstate(over="ignore"):  # float32 overflows to inf, which is a value like any other
        df = pd.DataFrame({"x": np.array(values, dtype=np.float64).astype(dtype), "name": "a"})
    df["y"] = df["x"] * 2  # a second float column, and NaN beside text
    expected = df.to_csv(index=False, lineterminator="\n", float_format="%.10g")
    assert "".join(export.csv_blocks(df, rows=rows)) == expected


CSV_TEXT = st.text(alphabet=st.sampled_from(list('ab ,"\n\r\t;é“\\')), max_size=6)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(CSV_TEXT, st.integers(-2**62, 2**62), st.booleans(), st.none() | CSV_TEXT,
                          st.floats(allow_nan=True) | st.just(0.1)), min_size=1, max_size=25),
       st.integers(1, 7))
def test_csv_rows_are_the_text_pandas_writes(rows, block):
    # text with every character the csv module quotes (or not: "\r" depends on the Python), ints,
    # booleans, missing text and floats, in blocks of rows: written by pyarrow, byte for byte pandas'
    df = pd.DataFrame(rows, columns=["text", "n", "flag", "maybe", "x"]).astype({"text": "str", "maybe": "str"})
    expected = df.to_csv(index=False, lineterminator="\n", float_format="%.10g")
    for fast in (df, df.assign(n=df["n"].astype(object))):  # ints in an object column too (a melt's variable)
        assert export._csv_rows(export._floats_as_text(fast)) is not None  # the fast path, not pandas
        assert "".join(export.csv_blocks(fast, rows=block)) == expected
    # kinds of column left to pandas: other objects (floats), categories, one column
    for other in (df.assign(n=df["n"].astype(float).astype(object)), df.assign(text=df["text"].astype("category")),
                  df[["maybe"]]):
        assert export._csv_rows(export._floats_as_text(other)) is None
        assert "".join(export.csv_blocks(other, rows=block)) == other.to_csv(index=False, lineterminator="\n",
                                                                             float_format="%.10g")
