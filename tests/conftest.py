import shutil
import warnings
from pathlib import Path

import pytest

from analysis.paths import BUNDLED_CORPUS

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def bundled_run():
    """The foundation stages run once on the bundled corpus (documents, paragraphs, sentences, audit)."""
    from analysis.pipeline import build

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return build(BUNDLED_CORPUS, Path("unused"))


def write_corpus(folder: Path, rows, files=None, header="doc_id,outlet,path"):
    """A small corpus folder: ``rows`` are manifest lines, ``files`` maps relative path -> bytes or str."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.csv").write_text(header + "\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    for rel, content in (files or {}).items():
        p = folder / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return folder


ARTICLE = ("Ministers met in Tokyo on Monday to discuss closer defence ties between the two countries.\n\n"
           "Both sides agreed to hold joint exercises next year, the ministry said in a statement.\n")


@pytest.fixture
def small_corpus(tmp_path):
    return write_corpus(tmp_path / "corpus", ["a1,Alpha,a1.txt", "b1,Beta,b1.txt"],
                        {"a1.txt": ARTICLE, "b1.txt": ARTICLE.replace("Tokyo", "Delhi")})


def copy_bundled(tmp_path) -> Path:
    dest = tmp_path / "bundled"
    shutil.copytree(BUNDLED_CORPUS, dest)
    return dest


def table_run(documents, sentences):
    """A Run holding only a documents and a sentences table (no corpus folder behind it)."""
    from analysis.pipeline import Run

    return Run(Path("unused"), Path("unused"), documents=documents, sentences=sentences)


def annotate_in_chunks(module, documents, sentences, n_chunks: int = 3):
    """``module.annotate`` on ``n_chunks`` contiguous chunks of the documents, the chunks' documents joined.

    The per-document contract (analysis/engine.py): the joined result must equal annotate on the whole.
    """
    import pandas as pd

    cuts = [round(i * len(documents) / n_chunks) for i in range(n_chunks + 1)]
    parts = []
    for a, b in zip(cuts, cuts[1:]):
        docs = documents.iloc[a:b].reset_index(drop=True)
        chunk = table_run(docs, sentences[sentences["doc_id"].isin(docs["doc_id"])].reset_index(drop=True))
        module.annotate(chunk)
        parts.append(chunk.documents)
    return table_run(pd.concat(parts, ignore_index=True), sentences)
