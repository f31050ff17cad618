"""framing-suite: compare how news outlets frame the same event.

The package turns a corpus (a folder of texts with ``manifest.csv``, or one CSV/JSONL file) into
tidy tables keyed by ``doc_id`` and ``(doc_id, sent_idx)``; the notebooks in ``notebooks/`` show
them. Run ``python -m analysis report --corpus DIR --out DIR`` for everything.
"""
__version__ = "0.1.0"

from .errors import ConfigError, CorpusError, CorpusWarning, SuiteError  # noqa: E402,F401
