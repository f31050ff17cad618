"""Where the suite's editable data lives.

The package is installed in editable mode from the repository (``make`` does this), so the
editable data (furniture phrases, stopwords, frame dictionaries) stays in ``data/`` where a
researcher can read and change it, not inside the package.
"""
from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = REPO_ROOT / "data"
BUNDLED_CORPUS = DATA_DIR / "corpus"
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"


def data_path(*parts: str) -> Path:
    """Path of an editable data file below ``data/``."""
    return DATA_DIR.joinpath(*parts)
