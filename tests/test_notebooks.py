"""Every notebook, executed headless by the report command, on the bundled corpus and on a second corpus.

Also: the notebooks are committed clean (no outputs, a ``parameters`` cell), every table can be
traced to its corpus and parameters, and two runs give the same bytes.
"""
import hashlib
import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from analysis.cli import main
from analysis.paths import BUNDLED_CORPUS, NOTEBOOKS_DIR
from conftest import REPO

EVENTS_CORPUS = REPO / "tests" / "data" / "events_corpus"
SOURCES = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]*.ipynb"))


def _report(corpus: Path, out: Path) -> Path:
    assert main(["report", "--corpus", str(corpus), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="session")
def bundled_reports(tmp_path_factory):
    """The report on the bundled corpus, twice, into two folders."""
    return [_report(BUNDLED_CORPUS, tmp_path_factory.mktemp(f"report-{i}")) for i in (1, 2)]


@pytest.fixture(scope="session")
def events_report(tmp_path_factory):
    return _report(EVENTS_CORPUS, tmp_path_factory.mktemp("events-report"))


def test_expected_notebooks_exist():
    names = [p.stem for p in SOURCES]
    for prefix in ("00-", "01-", "02-lexical", "03-sentiment", "04-topics", "05-frames", "05b-", "06-sources",
                   "07-synthesis"):
        assert any(n.startswith(prefix) for n in names), prefix


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_notebook_is_committed_clean_and_parameterised(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "strip the outputs before committing"
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1 and params[0] is code[0]
    assert re.findall(r"^(\w+) =", params[0].source, flags=re.M) == ["corpus_dir", "out_dir"]
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    assert nb.metadata["kernelspec"]["name"] == "python3"
    # thin: no function or class definitions in notebooks, the analysis lives in the package
    assert not any(re.search(r"^\s*(def|class) ", c.source, flags=re.M) for c in code)


def _executed(out: Path) -> dict:
    return {p.name: nbformat.read(p, as_version=4) for p in sorted((out / "notebooks").glob("*.ipynb"))}


@pytest.mark.parametrize("which", ["bundled", "events"])
def test_report_executes_every_notebook_without_errors(which, bundled_reports, events_report):
    out = bundled_reports[0] if which == "bundled" else events_report
    executed = _executed(out)
    assert sorted(executed) == [p.name for p in SOURCES]
    for name, nb in executed.items():
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                assert output.output_type != "error", f"{name}: {output.get('evalue')}"
                if output.output_type == "stream" and output.name == "stderr":
                    assert "Traceback" not in output.text, name
    index = (out / "html" / "index.html").read_text()
    for path in SOURCES:
        assert (out / "html" / f"{path.stem}.html").stat().st_size > 10_000
        assert f'href="{path.stem}.html"' in index
    assert not (out / ".staging").exists()


def test_every_figure_in_three_formats(bundled_reports):
    figures = bundled_reports[0] / "figures"
    stems = {p.stem for p in figures.iterdir()}
    assert len(stems) >= 12
    for stem in stems:
        assert {p.suffix for p in figures.glob(f"{stem}.*")} == {".pdf", ".svg", ".png"}, stem
        pdf = (figures / f"{stem}.pdf").read_bytes()
        # fonts embedded as TrueType programs, never Type 3 bitmaps or references to system fonts
        assert b"/FontFile2" in pdf and b"/Subtype /Type3" not in pdf, stem
        assert b"/CreationDate" not in pdf, stem


def test_every_table_traces_to_its_corpus_and_parameters(bundled_reports):
    tables = bundled_reports[0] / "tables"
    manifest = hashlib.sha256((BUNDLED_CORPUS / "manifest.csv").read_bytes()).hexdigest()
    csvs = sorted(tables.glob("*.csv"))
    assert len(csvs) >= 30
    for csv in csvs:
        sidecar = json.loads(csv.with_suffix(".json").read_text())
        assert sidecar["manifest_sha256"] == manifest and sidecar["table"] == csv.stem
        assert sidecar["parameters"]["seed"] == 20250505 and sidecar["rows"] == len(pd.read_csv(csv))
    assert (tables / "frame_salience.tex").read_text().count("\\toprule") == 1


def test_report_is_byte_for_byte_reproducible(bundled_reports):
    a, b = bundled_reports
    for sub in ("tables", "figures"):
        files_a = sorted(p.relative_to(a) for p in (a / sub).rglob("*") if p.is_file())
        assert files_a == sorted(p.relative_to(b) for p in (b / sub).rglob("*") if p.is_file())
        for rel in files_a:
            if rel.name == "run.json" or rel.suffix == ".json":  # they name the output folder
                continue
            assert (a / rel).read_bytes() == (b / rel).read_bytes(), f"{rel} differs between two runs"
    # notebooks and HTML differ only in the output folder they name
    for sub in ("notebooks", "html"):
        for path in sorted((a / sub).iterdir()):
            text_b = (b / sub / path.name).read_text().replace(str(b), str(a))
            assert path.read_text() == text_b, f"{sub}/{path.name} differs between two runs"


def test_events_corpus_is_compared_within_events(events_report):
    tables = events_report / "tables"
    docs = pd.read_csv(tables / "documents.csv")
    assert docs["outlet"].nunique() == 4 and docs["event"].nunique() == 2 and len(docs) == 15
    per_event = pd.read_csv(tables / "event_outlet.csv")
    sents = pd.read_csv(tables / "sentences.csv").merge(docs[["doc_id", "outlet", "event"]], on="doc_id")
    china = sents.groupby(["event", "outlet"])["frame_china"].agg(["sum", "size"])
    row = per_event[(per_event["measure"] == "frame_china")].set_index(["event", "outlet"])
    for key, (hits, n) in china.iterrows():
        assert row.loc[key, "n_sentences"] == n and row.loc[key, "value"] == pytest.approx(hits / n)
    summary = pd.read_csv(tables / "event_summary.csv")
    assert set(summary["outlet"]) == set(docs["outlet"])
    assert summary["n_events"].max() == 2
