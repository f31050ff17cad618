"""Reading corpora: the bundled one, CSV/JSONL/HTML inputs, and every bad input's one-line error."""
import json
import warnings

import pytest

from analysis.corpus import read_corpus
from analysis.errors import CorpusError, CorpusWarning
from analysis.paths import BUNDLED_CORPUS
from conftest import ARTICLE, write_corpus


def test_bundled_corpus_reads_with_metadata():
    docs = read_corpus(BUNDLED_CORPUS)
    assert list(docs["doc_id"]) == ["mint-0505", "unk-a-0505", "ani-0504", "unk-b-0505", "newsx-0504"]
    assert set(docs["stage"]) == {"preview", "report"}
    assert {"wire_source", "attribution_evidence", "sha256"} <= set(docs.columns)
    # unknown outlets are never pooled: each is its own comparison unit
    assert docs.set_index("doc_id").loc["unk-a-0505", "outlet"] == "unknown (unk-a-0505)"
    assert docs.set_index("doc_id").loc["unk-a-0505", "outlet_recorded"] == "unknown"
    assert docs["outlet"].nunique() == 5


def test_csv_and_jsonl_corpora(tmp_path):
    csv = tmp_path / "c.csv"
    csv.write_text('doc_id,outlet,text,section\nx,Alpha,"Line one.\nLine two.",world\ny,Beta,Other text.,india\n')
    docs = read_corpus(csv)
    assert docs.loc[0, "raw_text"] == "Line one.\nLine two." and docs.loc[0, "section"] == "world"
    jl = tmp_path / "c.jsonl"
    jl.write_text("\n".join(json.dumps(r) for r in [{"doc_id": "x", "outlet": "A", "text": "Hi there."},
                                                     {"doc_id": "y", "outlet": "B", "text": "Hello.", "date": "2025-05-05"}]))
    docs = read_corpus(jl)
    assert list(docs["date"]) == ["", "2025-05-05"]


def test_html_main_text_is_extracted(tmp_path):
    body = " ".join(["The defence ministers of India and Japan met in New Delhi on Monday."] * 4)
    html = (f"<html><head><title>Ministers meet</title></head><body><nav>Home | World | Sports</nav>"
            f"<article><h1>Ministers meet</h1><p>{body}</p><p>{body}</p></article>"
            f"<footer>Copyright 2025</footer></body></html>")
    folder = write_corpus(tmp_path / "h", ["a,A,a.html", "b,B,b.txt"], {"a.html": html, "b.txt": ARTICLE})
    docs = read_corpus(folder)
    text = docs.loc[0, "raw_text"]
    assert "defence ministers of India and Japan" in text and "Sports" not in text
    assert docs.loc[0, "title"] == "Ministers meet"


def test_crlf_and_bom_are_normalised(tmp_path):
    folder = write_corpus(tmp_path / "c", ["a,A,a.txt", "b,B,b.txt"],
                          {"a.txt": b"\xef\xbb\xbfFirst line.\r\nSecond line.\r\n", "b.txt": ARTICLE})
    assert read_corpus(folder).loc[0, "raw_text"] == "First line.\nSecond line.\n"


def test_latin1_with_encoding_option(tmp_path):
    folder = write_corpus(tmp_path / "c", ["a,A,a.txt", "b,B,b.txt"],
                          {"a.txt": "Café talks in Paris ended.".encode("latin-1"), "b.txt": ARTICLE.encode("latin-1")})
    with pytest.raises(CorpusError, match=r"line 2 \(doc_id 'a'\), field 'path': 'a.txt' is not valid utf-8.*--encoding"):
        read_corpus(folder)
    assert read_corpus(folder, encoding="latin-1").loc[0, "raw_text"].startswith("Café")


@pytest.mark.parametrize("rows, files, header, message", [
    ([], {}, "doc_id,outlet,path", r"has no documents"),
    (["a,a.txt"], {"a.txt": ARTICLE}, "doc_id,path", r"required column 'outlet' is missing"),
    (["a,A,a.txt", "a,B,b.txt"], {"a.txt": ARTICLE, "b.txt": ARTICLE}, "doc_id,outlet,path",
     r"lines 2 and 3, field 'doc_id': 'a' appears twice"),
    (["a,A,missing.txt"], {}, "doc_id,outlet,path", r"line 2 \(doc_id 'a'\), field 'path': file 'missing.txt' does not exist"),
    (["a,A,../outside.txt"], {}, "doc_id,outlet,path", r"points outside the corpus folder"),
    (["a,A,a.txt", "b,B,b.txt"], {"a.txt": "", "b.txt": ARTICLE}, "doc_id,outlet,path", r"'a.txt' is empty"),
    (["a,A,a.txt", "b,B,b.txt"], {"a.txt": b"\x00\x01\x02binary", "b.txt": ARTICLE}, "doc_id,outlet,path",
     r"looks like a binary file"),
    (["a,A,a.txt,5th May"], {"a.txt": ARTICLE}, "doc_id,outlet,path,date", r"field 'date': '5th May' is not an ISO date"),
    (["a,,a.txt"], {"a.txt": ARTICLE}, "doc_id,outlet,path", r"line 2, field 'outlet': empty"),
    (["a,A,a.pdf"], {"a.pdf": "x"}, "doc_id,outlet,path", r"neither .txt nor .html"),
])
def test_bad_corpus_gives_one_line_error(tmp_path, rows, files, header, message):
    (tmp_path / "outside.txt").write_text(ARTICLE)
    folder = write_corpus(tmp_path / "c", rows, files, header)
    with pytest.raises(CorpusError, match=message) as err:
        read_corpus(folder)
    assert "\n" not in str(err.value)


def test_no_manifest(tmp_path):
    (tmp_path / "c").mkdir()
    with pytest.raises(CorpusError, match="no manifest.csv"):
        read_corpus(tmp_path / "c")


def test_file_over_size_limit(tmp_path):
    folder = write_corpus(tmp_path / "c", ["a,A,a.txt", "b,B,b.txt"],
                          {"a.txt": ARTICLE * 20, "b.txt": ARTICLE})
    with pytest.raises(CorpusError, match=r"over the 0.001 MB limit.*--max-file-mb"):
        read_corpus(folder, max_file_mb=0.001)


def test_single_outlet_warns(tmp_path):
    folder = write_corpus(tmp_path / "c", ["a,A,a.txt", "b,A,b.txt"], {"a.txt": ARTICLE, "b.txt": ARTICLE})
    with pytest.warns(CorpusWarning, match="one outlet"):
        read_corpus(folder)


def test_extra_columns_are_carried_through(tmp_path):
    folder = write_corpus(tmp_path / "c", ["a,A,a.txt,politics", "b,B,b.txt,world"],
                          {"a.txt": ARTICLE, "b.txt": ARTICLE}, header="doc_id,outlet,path,section")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        docs = read_corpus(folder)
    assert list(docs["section"]) == ["politics", "world"]
