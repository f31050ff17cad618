"""The command line on bad and odd corpora: a correct result or one line and exit status 2.

Never a traceback, never the loss of earlier outputs, never a change to the raw files.
"""
import hashlib
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from analysis import pipeline
from analysis.cli import main
from conftest import REPO, write_corpus

A = ("India and Japan agreed on Monday to deepen defence ties after talks in New Delhi.\n\n"
     "The ministers condemned the terror attack in Pahalgam and discussed China's activity at sea.\n\n"
     "\"We will work together,\" the minister said after the meeting.\n")
B = A.replace("Monday", "Tuesday").replace("deepen", "expand")
GOOD = (["a,Alpha,a.txt", "b,Beta,b.txt"], {"a.txt": A, "b.txt": B})


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def cli(capsys, corpus, out, *extra):
    """Run ``features`` in-process; return (exit status, stderr lines) and check the raw files are untouched."""
    before = snapshot(corpus) if Path(corpus).is_dir() else None
    status = main(["features", "--corpus", str(corpus), "--out", str(out), *extra])
    err = capsys.readouterr().err
    if before is not None:
        assert snapshot(corpus) == before, "the run changed the raw corpus"
    assert "Traceback" not in err
    return status, [ln for ln in err.splitlines() if not ln.startswith("[")]


BAD = {
    "empty corpus": ([], {}, "doc_id,outlet,path", r"has no documents"),
    "empty file": (["a,Alpha,a.txt", "b,Beta,b.txt"], {"a.txt": "", "b.txt": B}, None, r"'a.txt' is empty"),
    "binary file": (["a,Alpha,a.bin.txt", "b,Beta,b.txt"], {"a.bin.txt": bytes(range(256)) * 4, "b.txt": B}, None,
                    r"binary"),
    "latin-1 file": (["a,Alpha,a.txt", "b,Beta,b.txt"], {"a.txt": "Café talks ended.".encode("latin-1"),
                                                          "b.txt": B}, None, r"not valid utf-8.*--encoding"),
    "missing manifest column": (["a,a.txt", "b,b.txt"], {"a.txt": A, "b.txt": B}, "doc_id,path",
                                r"required column 'outlet' is missing"),
    "duplicate ids": (["a,Alpha,a.txt", "a,Beta,b.txt"], {"a.txt": A, "b.txt": B}, None, r"'a' appears twice"),
    "path escaping the corpus": (["a,Alpha,../outside.txt", "b,Beta,b.txt"], {"b.txt": B}, None,
                                 r"points outside the corpus folder"),
    "file over 5 MB": (["a,Alpha,a.txt", "b,Beta,b.txt"], {"a.txt": A * 25_000, "b.txt": B}, None,
                       r"over the 5 MB limit.*--max-file-mb"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_corpus_gives_one_line_and_status_2_and_keeps_earlier_outputs(tmp_path, capsys, case):
    rows, files, header, message = BAD[case]
    out = tmp_path / "out"
    good = write_corpus(tmp_path / "good", *GOOD)
    assert cli(capsys, good, out)[0] == 0
    earlier = snapshot(out)
    (tmp_path / "outside.txt").write_text(A)
    bad = write_corpus(tmp_path / "bad", rows, files, header or "doc_id,outlet,path")
    status, lines = cli(capsys, bad, out)
    assert status == 2
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert pd.Series(lines).str.contains(message).all(), lines[0]
    assert "manifest.csv" in lines[0]
    assert snapshot(out) == earlier and not (out / pipeline.STAGING).exists()


def test_no_manifest_names_the_folder(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    status, lines = cli(capsys, tmp_path / "empty", tmp_path / "out")
    assert status == 2 and len(lines) == 1 and "manifest.csv" in lines[0] and str(tmp_path / "empty") in lines[0]


def test_bad_frames_file_and_bad_option_are_one_line(tmp_path, capsys):
    corpus = write_corpus(tmp_path / "c", *GOOD)
    bad = tmp_path / "frames.toml"
    bad.write_text('[frames.china]\ndefinition = "x"\nterms = ["china"]\nregex = ["("]\n')
    status, lines = cli(capsys, corpus, tmp_path / "out", "--frames", str(bad))
    assert status == 2 and len(lines) == 1 and "frames.toml" in lines[0]
    status, lines = cli(capsys, corpus, tmp_path / "out", "--skip", "segment")
    assert status == 2 and lines == [lines[0]] and "not an optional stage" in lines[0]


def test_one_outlet_runs_and_says_comparisons_need_two(tmp_path, capsys):
    corpus = write_corpus(tmp_path / "c", ["a,Alpha,a.txt", "b,Alpha,b.txt"], {"a.txt": A, "b.txt": B})
    status, lines = cli(capsys, corpus, tmp_path / "out")
    assert status == 0
    assert [ln for ln in lines if ln.startswith("warning:")] == [
        ln for ln in lines if "one outlet" in ln]  # and no numpy warnings about empty references
    assert pd.read_csv(tmp_path / "out" / "tables" / "distinctive_terms.csv").empty
    salience = pd.read_csv(tmp_path / "out" / "tables" / "frame_salience.csv")
    assert set(salience["outlet"]) == {"Alpha"}
    china = salience.set_index("frame").loc["china"]
    assert (china["n_sentences"], china["n_frame"]) == (6, 2)


def test_latin1_with_encoding_option_reads_the_accents(tmp_path, capsys):
    text = "Café talks in Paris ended with a communiqué on defence.\n"
    corpus = write_corpus(tmp_path / "c", ["a,Alpha,a.txt", "b,Beta,b.txt"],
                          {"a.txt": text.encode("latin-1"), "b.txt": B.encode("latin-1")})
    status, _ = cli(capsys, corpus, tmp_path / "out", "--encoding", "latin-1")
    assert status == 0
    sents = pd.read_csv(tmp_path / "out" / "tables" / "sentences.csv")
    assert sents.loc[sents["doc_id"] == "a", "text"].tolist() == [text.strip()]


def test_non_english_text_is_processed_with_a_warning(tmp_path, capsys):
    german = ("Die Minister trafen sich am Montag in Neu-Delhi. Sie sprachen über die Verteidigung, über China "
              "und über gemeinsame Übungen der Marine und der Luftwaffe im nächsten Jahr.\n")
    corpus = write_corpus(tmp_path / "c", ["a,Alpha,a.txt", "b,Beta,b.txt"], {"a.txt": german, "b.txt": B})
    status, lines = cli(capsys, corpus, tmp_path / "out")
    assert status == 0
    assert [ln for ln in lines if ln.startswith("warning:")] == [
        ln for ln in lines if "document 'a'" in ln and "common English words" in ln]
    assert (tmp_path / "out" / "tables" / "sentences.csv").exists()


def test_extra_manifest_columns_are_carried_through(tmp_path, capsys):
    corpus = write_corpus(tmp_path / "c", ["a,Alpha,a.txt,world,2025-05-05", "b,Beta,b.txt,india,2025-05-06"],
                          {"a.txt": A, "b.txt": B}, "doc_id,outlet,path,section,date")
    assert cli(capsys, corpus, tmp_path / "out")[0] == 0
    docs = pd.read_csv(tmp_path / "out" / "tables" / "documents.csv")
    assert docs.set_index("doc_id")["section"].to_dict() == {"a": "world", "b": "india"}


def test_crlf_and_byte_order_marks_give_the_same_tables_as_clean_text(tmp_path, capsys):
    plain = write_corpus(tmp_path / "plain", *GOOD)
    odd = write_corpus(tmp_path / "odd", *GOOD)
    (odd / "manifest.csv").write_bytes(b"\xef\xbb\xbf" + (odd / "manifest.csv").read_bytes().replace(b"\n", b"\r\n"))
    (odd / "a.txt").write_bytes(A.replace("\n", "\r\n").encode())
    (odd / "b.txt").write_bytes(b"\xef\xbb\xbf" + B.encode())
    for name in ("plain", "odd"):
        assert cli(capsys, tmp_path / name, tmp_path / f"out-{name}")[0] == 0
    for table in ("sentences", "frame_salience", "distinctive_terms"):
        same = [pd.read_csv(tmp_path / f"out-{name}" / "tables" / f"{table}.csv") for name in ("plain", "odd")]
        pd.testing.assert_frame_equal(*same)


def test_interrupted_run_keeps_earlier_outputs(tmp_path, capsys, monkeypatch):
    corpus = write_corpus(tmp_path / "c", *GOOD)
    out = tmp_path / "out"
    assert cli(capsys, corpus, out)[0] == 0
    earlier = snapshot(out)

    def interrupt(run):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "STAGES", pipeline.STAGES[:4] + [("boom", "being interrupted", interrupt)])
    status, lines = cli(capsys, corpus, out)
    assert status == 130 and "earlier outputs are untouched" in lines[-1]
    assert snapshot(out) == earlier and not (out / pipeline.STAGING).exists()


def test_failing_notebook_keeps_earlier_outputs(tmp_path, capsys, monkeypatch):
    corpus = write_corpus(tmp_path / "c", *GOOD)
    out = tmp_path / "out"
    assert cli(capsys, corpus, out)[0] == 0
    earlier = snapshot(out)
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('corpus_dir = ""\nout_dir = ""')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell('raise ValueError("boom")')]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    failing = tmp_path / "99-fails.ipynb"
    nbformat.write(nb, failing)
    monkeypatch.setattr(pipeline, "notebooks", lambda: [failing])
    status = main(["report", "--corpus", str(corpus), "--out", str(out)])
    err = capsys.readouterr().err.splitlines()
    assert status == 1 and err[-1].startswith("error: notebook 99-fails.ipynb failed in cell")
    assert "ValueError: boom" in err[-1]
    assert {k: v for k, v in snapshot(out).items() if not k.startswith(pipeline.STAGING)} == earlier


def test_command_line_error_has_no_traceback(tmp_path):
    bad = write_corpus(tmp_path / "bad", ["a,Alpha,a.txt", "a,Beta,a.txt"], {"a.txt": A})
    proc = subprocess.run([sys.executable, "-m", "analysis", "features", "--corpus", str(bad), "--out",
                           str(tmp_path / "out")], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if not ln.startswith("[1/")]  # the progress line before it
    assert len(lines) == 1 and lines[0].startswith("error: ") and "appears twice" in lines[0]
