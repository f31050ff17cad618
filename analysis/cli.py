"""Command line: ``python -m analysis report|features --corpus DIR --out DIR``.

Problems with the input print one line (``error: ...``) and exit with status 2; earlier outputs
in ``--out`` are left as they were.
"""
from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from .errors import CorpusWarning, SuiteError
from .paths import BUNDLED_CORPUS
from .engine import CHUNK_SIZE, ENGINES
from .pipeline import OPTIONAL_STAGES


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m analysis", description="Media-framing analysis of a news corpus.")
    sub = p.add_subparsers(dest="command", required=True)
    for name, text in (("report", "tables, figures and executed notebooks"), ("features", "tables only")):
        s = sub.add_parser(name, help=text, description=f"Run the suite on a corpus and write {text}.")
        s.add_argument("--corpus", type=Path, default=BUNDLED_CORPUS,
                       help="corpus folder with manifest.csv, or a .csv/.jsonl file (default: the bundled corpus)")
        s.add_argument("--out", type=Path, default=Path("reports"), help="output folder (default: reports)")
        s.add_argument("--frames", type=Path, default=None, help="frame dictionary (TOML) to use instead of the default")
        s.add_argument("--encoding", default="utf-8", help="encoding of the text files (default: utf-8)")
        s.add_argument("--max-file-mb", type=float, default=5.0, help="largest text file accepted (default: 5)")
        s.add_argument("--hand-coding", type=Path, default=None,
                       help="hand-coded sentences (CSV: doc_id, sent_idx, one 0/1 column per frame) to validate the "
                            "frame dictionary against; see data/validation/README.md")
        s.add_argument("--targets", type=Path, default=None,
                       help="targets for targeted tone, one per line as 'Name: term, term*' (default: China, "
                            "Pakistan, Japan, terrorism)")
        s.add_argument("--topic-k", type=int, default=None,
                       help="fix the number of topics instead of choosing it by coherence and stability")
        s.add_argument("--topic-models", default="nmf,lda", metavar="MODEL[,MODEL]",
                       help="topic models to fit (default nmf,lda); 'nmf' alone leaves out LDA, the slower one on "
                            "large corpora (the stage's line says so)")
        s.add_argument("--seed", type=int, default=20250505, help="random seed for bootstrap and topic models")
        g = s.add_argument_group("where the per-document work runs (same tables with every choice)")
        g.add_argument("--engine", choices=ENGINES, default="local",
                       help="local: worker processes on this machine (default); dask: a dask.distributed cluster")
        g.add_argument("--workers", type=int, default=None,
                       help="processes (local) or LocalCluster workers (dask); default: the usable CPUs")
        g.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="with --engine dask: the scheduler to use (tcp://host:8786) instead of a LocalCluster")
        g.add_argument("--chunk-size", type=int, default=CHUNK_SIZE, metavar="N",
                       help=f"articles per task of the per-document stages (default {CHUNK_SIZE})")
        if name == "features":
            s.add_argument("--skip", default="", metavar="STAGE[,STAGE]",
                           help=f"leave out optional stages (any of: {', '.join(OPTIONAL_STAGES)}); "
                                "each skipped stage is reported, never dropped silently")
    return p


def _progress(step: int, total: int, message: str) -> None:
    """One line per step; on a terminal, the per-document phase's running count redraws in place."""
    line = f"[{step}/{total}] {message}"
    running = " articles (" in message and " left)" in message
    if sys.stderr.isatty():
        end = "" if running else "\n"
        print(f"\r\033[K{line}", end=end, file=sys.stderr, flush=True)
    else:
        print(line, file=sys.stderr, flush=True)


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    from .pipeline import NotebookError, run_pipeline

    params = {"encoding": args.encoding, "max_file_mb": args.max_file_mb, "seed": args.seed,
              "frames": str(args.frames.resolve()) if args.frames else None}
    if args.scheduler and args.engine != "dask":
        print(f"error: --scheduler {args.scheduler}: only used with --engine dask; add --engine dask.", file=sys.stderr)
        return 2
    params.update(engine=args.engine, chunk_size=args.chunk_size)
    models = [m.strip() for m in args.topic_models.split(",") if m.strip()]
    if models != ["nmf", "lda"]:
        params["topic_models"] = models
    for key in ("hand_coding", "targets", "topic_k", "workers", "scheduler"):
        value = getattr(args, key)
        if value is not None:
            params[key] = str(value.resolve()) if isinstance(value, Path) else value
    skip = [s.strip() for s in getattr(args, "skip", "").split(",") if s.strip()]
    unknown = sorted(set(skip) - set(OPTIONAL_STAGES))
    if unknown:
        print(f"error: --skip {','.join(unknown)}: not an optional stage; choose from {', '.join(OPTIONAL_STAGES)}.",
              file=sys.stderr)
        return 2
    if skip:
        params["skip"] = skip

    def show_warning(message, category, filename, lineno, file=None, line=None):
        # the suite's own warnings speak for themselves; a library's gets its name and kind
        parts = Path(filename).parts
        package = parts[parts.index("site-packages") + 1] if "site-packages" in parts else Path(filename).stem
        origin = "" if issubclass(category, CorpusWarning) else f"({package} {category.__name__}) "
        print(f"warning: {origin}{message}", file=sys.stderr, flush=True)

    warnings.showwarning = show_warning
    try:
        out = run_pipeline(args.corpus, args.out, params, with_notebooks=args.command == "report", progress=_progress)
    except SuiteError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except NotebookError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: earlier outputs are untouched", file=sys.stderr)
        return 130
    print(f"done: outputs in {out}", file=sys.stderr)
    return 0
