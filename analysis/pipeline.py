"""The suite as a sequence of stages, from a corpus folder to tables, figures and notebooks.

``features`` runs the stages and writes the tables; ``report`` also executes the notebooks,
which read those tables and save figures. Both write into ``OUT/.staging/`` and move the
finished files into ``OUT/`` only when every step has succeeded, so a failed or interrupted run
leaves earlier outputs as they were.

A stage is a function ``stage(run)`` that reads tables from :class:`Run` and adds columns or
tables to it. A stage whose work is partly per document splits it: its module's ``annotate(run)``
does the per-document part (on any chunk of documents, anywhere: :mod:`analysis.engine`) and
``summarise(run)`` the corpus-level rest; ``stage`` is then the two in a row. :func:`build` runs
every ``annotate`` first, chunk by chunk, then every ``summarise`` or ``stage`` in order.

Writing overlaps the corpus-level stages: the tables each step finishes are written by a forked
background process (:class:`analysis.engine.BackgroundWriter`) on a core the stages leave idle,
and whatever is left (the documents and sentences tables, tables a later stage replaced) is
written at the end, in parallel. The files are the same, byte for byte, as one writer's. On a
large corpus the topic models, whose tables no other stage reads, are fitted in a forked process
alongside the other stages until claims (:data:`SIDE_STAGES`), which writes their tables itself.
"""
from __future__ import annotations

import hashlib
import importlib
import json
import re
import shutil
import sys
import time
import warnings
import weakref
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pandas as pd

from . import export
from .errors import CorpusError
from .paths import NOTEBOOKS_DIR

STAGING = ".staging"
PROGRESS_EVERY = 5.0  # seconds between progress lines of the per-document phase
OUTPUT_DIRS = ("tables", "figures", "notebooks", "html")


class Tables(dict):
    """``run.tables``: name -> table, which remembers the tables written and let go during a run.

    On a large corpus the tables a stage has finished are written while the run goes on, and
    once written a table that no later stage reads (every one but :data:`READ_LATER`) is let go,
    so the run holds only what it still needs (:func:`build`). A stage asking for one of those
    gets a clear error, never a silent ``None``.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.released: dict[str, int] = {}  # name -> rows of the table written and let go

    def release(self, name: str) -> None:
        self.released[name] = len(self.pop(name))

    def _check(self, name) -> None:
        if name in self.released and not super().__contains__(name):
            raise RuntimeError(f"table {name!r} was written and let go during the run; a stage that reads "
                               "another stage's table must have it listed in analysis.pipeline.READ_LATER.")

    def __getitem__(self, name):
        self._check(name)
        return super().__getitem__(name)

    def get(self, name, default=None):
        self._check(name)
        return super().get(name, default)


READ_LATER = {"sentence_frames"}  # tables a later stage reads (frame_validation): kept until the end
# Stages whose tables no other stage reads, and that need only their own per-document tables and
# the documents: on a large corpus each runs in a forked process from the start of the corpus-level
# stages, and the stage named here waits for it (claims: its own work arrays and forked processes
# need the memory and the cores; overlapping it cost 1.4 GB of peak memory at 100,000 articles).
# Events, which read no claims table, come before claims in STAGES so that they too overlap topics.
SIDE_STAGES = {"topics": "claims"}
# ... from this many articles on: below it, topic model selection (a constant ~15 s of fits, run
# in one process alongside) costs more than the later stages it would overlap (1,000 articles: 34 s, not 33 s)
SIDE_MIN_DOCUMENTS = 5000


@dataclass
class Run:
    """Parameters of one run and the tables it has made so far."""

    corpus: Path
    out: Path
    params: dict = field(default_factory=dict)
    tables: dict = field(default_factory=Tables)
    documents: pd.DataFrame | None = None
    paragraphs: pd.DataFrame | None = None
    sentences: pd.DataFrame | None = None
    context: dict = field(default_factory=dict)  # corpus-wide inputs of the per-document phase
    artifacts: dict = field(default_factory=dict)  # outputs that are not tables: name -> object with .save(folder)


def _read(run: Run) -> str:
    from .corpus import read_corpus

    run.documents = read_corpus(run.corpus, encoding=run.params.get("encoding", "utf-8"),
                                max_file_mb=run.params.get("max_file_mb", 5.0))
    n_out = run.documents["outlet"].nunique()
    return f"{len(run.documents)} documents from {n_out} outlets"


# (name, what it does, function or "module:function"); run in this order.
STAGES = [
    ("corpus", "reading the corpus", _read),
    ("clean", "removing page furniture", "analysis.clean:stage"),
    ("segment", "splitting paragraphs and sentences", "analysis.segment:stage"),
    ("lexical", "counting terms, distinctive words and keyness", "analysis.lexical:stage"),  # issue 3
    ("readability", "scoring readability", "analysis.readability:stage"),  # issue 3
    ("diversity", "measuring lexical diversity", "analysis.diversity:stage"),  # issue 3
    ("sentiment", "scoring sentence tone (VADER, AFINN) by voice and target", "analysis.sentiment:stage"),
    ("topics", "fitting and validating topic models (NMF, LDA)", "analysis.topics:stage"),
    ("frames", "coding frames and measuring salience", "analysis.frames:stage"),
    ("frame_validation", "validating frames against hand coding", "analysis.validation:stage"),
    ("speakers", "attributing quotes to speakers", "analysis.speakers:stage"),
    ("reuse", "finding passages shared between articles", "analysis.reuse:stage"),
    ("events", "comparing outlets within each event", "analysis.events:stage"),
    ("claims", "grouping sentences into claims", "analysis.claims:stage"),
]


# Stages that ``features --skip`` may leave out (nothing later needs their tables).
OPTIONAL_STAGES = ("readability", "diversity", "topics", "frame_validation", "reuse", "claims", "events")


def corpus_fingerprint(corpus: Path) -> dict:
    """SHA-256 of the manifest (or corpus file) and of the manifest with every text it points to."""
    corpus = Path(corpus)
    manifest = corpus / "manifest.csv" if corpus.is_dir() else corpus
    if not manifest.is_file():
        return {}
    whole = hashlib.sha256(manifest.read_bytes())
    if corpus.is_dir():
        for path in sorted(p for p in corpus.rglob("*") if p.is_file() and p != manifest):
            whole.update(path.relative_to(corpus).as_posix().encode())
            whole.update(path.read_bytes())
    return {"manifest_sha256": export.file_sha256(manifest), "corpus_sha256": whole.hexdigest()}


def resolve(func):
    """``(annotate, summarise)`` of a stage: annotate is None when the stage is corpus-level only."""
    if not isinstance(func, str):
        return None, func
    mod_name, attr = func.split(":")
    mod = importlib.import_module(mod_name)
    if hasattr(mod, "annotate") and hasattr(mod, "summarise"):
        return mod.annotate, mod.summarise
    return None, getattr(mod, attr)


def _eta(t0: float, done: int, total: int) -> str:
    elapsed = time.perf_counter() - t0
    if done >= total:
        return f"{elapsed:.1f} s"
    left = elapsed / done * (total - done) if done else float("nan")
    return f"{elapsed:.0f} s elapsed, about {left:.0f} s left" if done else f"{elapsed:.0f} s elapsed"


def build(corpus, out, params: dict | None = None, progress=None, finished=None, aside=None) -> Run:
    """Run every stage in memory; ``progress(step, total, message)`` is told of each step.

    Phase 1 runs the per-document part of every stage on chunks of documents (engine, workers
    and chunk size from ``params``: ``engine``, ``workers``, ``chunk_size``, ``scheduler``);
    phase 2 runs the corpus-level parts in stage order. Each stage's line reports the seconds it
    took, summed over the chunks for its per-document part. ``finished(tables)``, when given, is
    told of the tables each step adds or replaces, as soon as they exist (to write them meanwhile).
    ``aside(tables)``, when given, writes tables to the run's output: on a corpus of at least
    :data:`SIDE_MIN_DOCUMENTS` articles, each stage of :data:`SIDE_STAGES` then runs in a forked
    process from the start of phase 2, alongside the other stages until the one that waits for
    it; it writes its own tables with ``aside`` and its line comes when it is done
    (:class:`analysis.engine.SideStage`). Its tables are then among ``run.tables.released``, as
    tables written and let go are.
    """
    from . import engine
    from .clean import context as clean_context

    run = Run(Path(corpus), Path(out), dict(params or {}))
    total = len(STAGES)
    skip = set(run.params.get("skip", ()))
    plan = [(i, name, what, *resolve(func)) for i, (name, what, func) in enumerate(STAGES, 1)]
    _, _, reading, _, read = plan[0]  # the corpus is read here; everything after works on its table
    t0 = time.perf_counter()
    if progress:
        progress(1, total, f"{reading} ...")
    summary = read(run)
    if progress:
        progress(1, total, f"{reading}: {summary} ({time.perf_counter() - t0:.1f} s)")

    annotators = [(name, ann) for i, name, what, ann, _ in plan[1:] if ann is not None and name not in skip]
    run.context = clean_context(run.documents, workers=engine.worker_count(run.params.get("workers")))
    n_docs = len(run.documents)
    t_phase = time.perf_counter()
    if progress:
        names = ", ".join(name for name, _ in annotators)
        progress(2, total, f"per-document stages ({names}) on {n_docs} articles ...")

    last = [0.0]

    def chunk_done(done, n):  # at most one line every PROGRESS_EVERY seconds, and the last one
        now = time.perf_counter()
        if progress and (done == n or now - last[0] >= PROGRESS_EVERY):
            last[0] = now
            progress(2, total, f"per-document stages: {done} of {n} articles ({_eta(t_phase, done, n)})")

    parts = engine.run_chunks(run.documents, run.params, run.context, annotators,
                              engine=run.params.get("engine", "local"),
                              workers=run.params.get("workers"),
                              chunk_size=int(run.params.get("chunk_size") or engine.CHUNK_SIZE),
                              scheduler=run.params.get("scheduler"), progress=chunk_done)
    # the run holds them now, alone: a table it lets go (or a stage replaces) is freed
    run.documents, run.sentences = parts.pop("documents"), parts.pop("sentences")
    run.tables.update(parts.pop("tables"))
    unread = dict(parts["owners"])  # per-document tables whose stage has not summarised them yet
    _hand_over(run, {}, finished, keep=unread)
    engine.give_back_memory()

    def summarised(name):  # the stage's per-document tables are read: its intermediate ones go
        for table in [t for t, owner in unread.items() if owner == name]:
            del unread[table]
            if table.startswith("_"):  # an intermediate table is read by its own stage only: let it go
                run.tables.pop(table, None)

    def run_here(name, summarise):
        t0 = time.perf_counter()
        before = dict(run.tables)
        summary = summarise(run)
        summarised(name)
        seconds = time.perf_counter() - t0
        _hand_over(run, before, finished, keep=unread)
        del before  # a table the stage replaced is freed here, not kept until the next stage
        engine.give_back_memory()  # what the stage freed goes back to the system before the next one
        return summary, seconds

    def line(i, name, what, summary, seconds):  # a stage's line: its corpus-level and per-document seconds
        if progress:
            progress(i, total, f"{what}: {summary or 'done'} ({seconds + parts['seconds'].get(name, 0.0):.1f} s)")

    def join(name):  # wait for a stage running alongside; its line
        i, name, what, summarise, side = sides.pop(name)
        report = side.result()
        if report is None:  # the child failed: run the stage here, where any error is this run's own
            summary, seconds = run_here(name, summarise)
        else:
            summary, seconds, rows = report
            run.tables.released.update(rows)
        line(i, name, what, summary, seconds)

    sides = {}  # name -> (step, name, what, summarise, engine.SideStage) running alongside
    try:
        if aside is not None and n_docs >= SIDE_MIN_DOCUMENTS:
            for i, name, what, ann, summarise in plan[1:]:
                if name in SIDE_STAGES and name not in skip:
                    side = engine.SideStage(partial(_summarise_alone, summarise), run, aside)
                    if side.start():
                        sides[name] = (i, name, what, summarise, side)
                        summarised(name)
                        if progress:
                            progress(i, total, f"{what}, alongside the next stages ...")
        for i, name, what, ann, summarise in plan[1:]:
            for side in [s for s, until in SIDE_STAGES.items() if until == name and s in sides]:
                join(side)  # this stage waits for it
            if name in skip:
                if progress:
                    progress(i, total, f"{what}: skipped (--skip {name})")
                continue
            if name in sides:  # running alongside: its line comes when it is done
                continue
            if progress and ann is None:
                progress(i, total, f"{what} ...")
            line(i, name, what, *run_here(name, summarise))
            for side in [s for s in sides if sides[s][-1].failed()]:  # failed already: its error now
                join(side)
        for side in list(sides):
            join(side)
    except BaseException:
        for side in sides.values():
            side[-1].abort()
        raise
    for name in [k for k in run.tables if k.startswith("_")]:  # any intermediate table still held
        del run.tables[name]
    return run


def _changed(tables: dict, before: dict) -> dict:
    """The tables added or replaced since ``before`` (a copy of the run's tables), intermediate ``_`` ones aside."""
    return {k: v for k, v in tables.items() if not k.startswith("_") and before.get(k) is not v}


def _summarise_alone(summarise, run: Run) -> tuple:
    """A stage's corpus-level part in a process of its own (:class:`analysis.engine.SideStage`):
    its summary and the tables it made. One worker: the run's other cores are busy, and a pool's
    processes would outlive the process's exit."""
    run.params = dict(run.params, workers=1)
    before = dict(run.tables)
    summary = summarise(run)
    return summary, _changed(run.tables, before)


def _hand_over(run: Run, before: dict, finished, keep=()) -> None:
    """Tell ``finished`` of the tables a step added or replaced (intermediate ``_`` tables aside).

    ``finished`` may return the tables written so far (name -> :func:`_signature`); each one the
    run still holds as it was written, and that no later stage reads (:data:`READ_LATER`, ``keep``:
    the per-document tables whose stage has not yet summarised them), is let go (:class:`Tables`).
    """
    if finished is None:
        return
    written = finished(_changed(run.tables, before))
    for name, stamp in (written or {}).items():
        if (name not in READ_LATER and name not in keep and dict.__contains__(run.tables, name)
                and _same(stamp, run.tables[name])):
            run.tables.release(name)


def documents_table(run: Run) -> pd.DataFrame:
    """``documents.csv``: the contract's columns first, then metadata, then the cleaned text."""
    docs = run.documents.drop(columns=["raw_text"], errors="ignore")
    first = ["doc_id", "outlet", "date", "title", "stage", "n_paragraphs", "n_sentences", "n_tokens"]
    for col in first:
        if col not in docs.columns:
            docs[col] = ""
    rest = [c for c in docs.columns if c not in first and c != "text"]
    return docs[first + rest + ["text"]]


# Summary tables also written as LaTeX (booktabs) for papers; the long tables stay CSV only.
LATEX_TABLES = {"frame_salience", "frame_prominence", "frame_validation", "sentiment_outlet", "topic_selection",
                "topic_labels", "voices_by_outlet", "reuse_documents", "event_summary"}


# How the work was spread: recorded in run.json, left out of the tables' sidecars (same tables either way).
EXECUTION_PARAMS = ("engine", "workers", "chunk_size", "scheduler")


def _all_params(params: dict, corpus) -> dict:
    everything = {k: (str(v) if isinstance(v, Path) else v) for k, v in params.items()}
    everything.setdefault("corpus", str(corpus))
    return everything


def _table_params(params: dict, corpus) -> dict:
    """The parameters in every table's sidecar: all of the run's but how the work was spread."""
    return {k: v for k, v in _all_params(params, corpus).items() if k not in EXECUTION_PARAMS}


def _save_tables(tables: dict, dest: Path, params: dict) -> list[Path]:
    return [export.save_table(df, name, dest, params=params, latex=name in LATEX_TABLES) for name, df in tables.items()]


def write_tables(run: Run, dest: Path, written: dict | None = None, sidecar: dict | None = None) -> list[Path]:
    """Write every table of the run to ``dest`` with provenance sidecars, in ``workers`` processes.

    ``written`` (name -> :func:`_signature`) lists tables already written while the run went on;
    each is skipped if the run still holds that very table, with that shape and those columns.
    ``sidecar``: the parameters for the tables' sidecars (default: the run's, see :func:`_table_params`).
    """
    from . import engine

    params = sidecar if sidecar is not None else _table_params(run.params, run.corpus)
    tables = {"documents": documents_table(run), "sentences": run.sentences, **run.tables}
    written = written or {}
    todo = [name for name in tables if not _same(written.get(name), tables[name])]
    largest_first = sorted(todo, key=lambda name: -tables[name].size)
    engine.map_forked(_save_tables, [({name: tables[name]}, dest, params) for name in largest_first],
                      workers=run.params.get("workers"))
    paths = [dest / f"{name}.csv" for name in tables]
    for artifact in run.artifacts.values():  # e.g. sparse matrices too large for a long table
        paths += artifact.save(dest)
    export.atomic_write(dest / "run.json", json.dumps(dict(export.provenance(), parameters=_all_params(
        run.params, run.corpus)), indent=2, sort_keys=True) + "\n")
    return paths


def _signature(df: pd.DataFrame) -> tuple:
    """What a table was when it was written early: a weak reference to the object (the same object,
    not one that took its place; weak, so a table let go is freed), its shape and its columns."""
    return weakref.ref(df), df.shape, tuple(df.columns)


def _same(signature: tuple | None, df: pd.DataFrame) -> bool:
    return signature is not None and signature[0]() is df and signature[1:] == (df.shape, tuple(df.columns))


def notebooks() -> list[Path]:
    return sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]*.ipynb"))


def execute_notebooks(corpus: Path, stage_dir: Path, progress=None, final_out: Path | None = None) -> None:
    """Execute every notebook with papermill into ``stage_dir/notebooks``.

    A notebook whose metadata ``framing_suite.requires_tables`` names tables this run did not make
    (topic models on a corpus too small for them, say) is skipped, and the progress says so.
    """
    import papermill as pm

    import nbformat

    books = notebooks()
    for i, nb in enumerate(books, 1):
        needs = nbformat.read(nb, as_version=4).metadata.get("framing_suite", {}).get("requires_tables", [])
        missing = [t for t in needs if not (stage_dir / "tables" / f"{t}.csv").exists()]
        if missing:
            if progress:
                progress(i, len(books), f"notebook {nb.name}: skipped, this run has no {', '.join(missing)} "
                                        "(see the stage's message above)")
            continue
        if progress:
            progress(i, len(books), f"notebook {nb.name} ...")
        out_nb = stage_dir / "notebooks" / nb.name
        out_nb.parent.mkdir(parents=True, exist_ok=True)
        try:
            pm.execute_notebook(str(nb), str(out_nb), parameters={"corpus_dir": str(corpus), "out_dir": str(stage_dir)},
                                kernel_name="python3", cwd=str(NOTEBOOKS_DIR), progress_bar=False, log_output=False,
                                extra_arguments=["--IPKernelApp.log_level=CRITICAL"])  # kernel start-up chatter
        except pm.PapermillExecutionError as exc:
            raise NotebookError(f"notebook {nb.name} failed in cell {exc.exec_count}: {exc.ename}: "
                                f"{exc.evalue.splitlines()[0] if exc.evalue else ''}; earlier outputs are untouched, "
                                f"the failed copy is {out_nb}") from None
        _settle_notebook(out_nb, stage_dir, final_out or stage_dir)


def _settle_notebook(path: Path, stage_dir: Path, out: Path) -> None:
    """Make an executed notebook reproducible and point it at the final output folder.

    papermill records wall-clock times per cell and for the run, object reprs carry memory
    addresses, and the injected ``out_dir`` is the staging folder; all are replaced so that the same input gives the same notebook bytes
    and re-running the executed copy writes where the report now lives.
    """
    import nbformat

    nb = nbformat.read(path, as_version=4)
    meta = nb.metadata.get("papermill", {})
    for key in ("duration", "start_time", "end_time"):
        meta.pop(key, None)
    meta.pop("input_path", None)
    meta["output_path"] = str(out / "notebooks" / path.name)
    meta.get("parameters", {})["out_dir"] = str(out)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.get("papermill", {}).update(duration=None, start_time=None, end_time=None)
        for output in cell.get("outputs", []):
            plain = output.get("data", {}).get("text/plain")
            if isinstance(plain, str):  # object reprs carry memory addresses: "<Styler at 0x7f...>"
                output["data"]["text/plain"] = re.sub(r" at 0x[0-9a-f]+>", ">", plain)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"  # papermill draws a random id
            cell.source = cell.source.replace(repr(str(stage_dir)), repr(str(out))).replace(
                f'"{stage_dir}"', f'"{out}"')
    export.atomic_write(path, nbformat.writes(nb) + "\n")


def render_html(stage_dir: Path, progress=None) -> Path:
    """Render every executed notebook to HTML in ``stage_dir/html`` with an ``index.html``."""
    from html import escape

    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter()
    html_dir = stage_dir / "html"
    items = []
    for nb_path in sorted((stage_dir / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(nb_path, as_version=4)
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": nb_path.stem}})
        export.atomic_write(html_dir / f"{nb_path.stem}.html", body)
        first = next((c.source for c in nb.cells if c.cell_type == "markdown"), nb_path.stem)
        title = first.splitlines()[0].lstrip("# ").strip() if first else nb_path.stem
        items.append(f'<li><a href="{escape(nb_path.stem)}.html">{escape(title)}</a></li>')
    info = export.provenance()
    page = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>framing-suite report</title>"
            "</head>\n<body>\n<h1>framing-suite report</h1>\n"
            f"<p>Corpus manifest SHA-256 <code>{escape(str(info.get('manifest_sha256', '')))}</code>; "
            f"framing-suite {escape(str(info.get('version', '')))}; "
            f"commit <code>{escape(str(info.get('git_commit') or 'none'))}</code>. "
            "Tables are in <code>../tables/</code> (each with a JSON sidecar), figures in <code>../figures/</code>.</p>\n"
            "<ol>\n" + "\n".join(items) + "\n</ol>\n</body></html>\n")
    export.atomic_write(html_dir / "index.html", page)
    if progress:
        progress(len(items), len(items), f"rendered {len(items)} notebooks to {html_dir.name}/ with index.html")
    return html_dir


class NotebookError(RuntimeError):
    """A notebook failed while the report ran."""


def _promote(stage_dir: Path, out: Path) -> None:
    """Move the finished files from the staging folder into ``out``, replacing older ones.

    A run writes its whole set of tables, so a table in ``out/tables`` that this run did not
    write (a stage skipped now, per-document counts of an earlier, larger corpus) is removed
    rather than left beside tables it does not belong with.
    """
    fresh = {p.name for p in (stage_dir / "tables").glob("*")}
    if fresh:
        for old in (out / "tables").glob("*"):
            if old.is_file() and old.name not in fresh:
                old.unlink()
    # a dot-file is a temporary file of a writer that was stopped (its table was written again)
    for path in sorted(p for p in stage_dir.rglob("*") if p.is_file() and not p.name.startswith(".")):
        target = out / path.relative_to(stage_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        path.replace(target)
    shutil.rmtree(stage_dir, ignore_errors=True)


def _write_with_progress(run: Run, dest: Path, writer, sidecar: dict, progress=None) -> None:
    """Write the tables the background ``writer`` has not, with a line before and after.

    Its children stop after the table each is writing; everything not written by then (or
    changed since it was handed over) is written by :func:`write_tables`, in parallel.
    """
    step = len(STAGES)
    t0 = time.perf_counter()
    if progress:
        progress(step, step, "writing the tables ...")
    write_tables(run, dest, writer.finish(), sidecar)
    files = [p for p in dest.iterdir() if p.is_file() and not p.name.startswith(".")]
    size = sum(p.stat().st_size for p in files) / 1e6
    rows = {**run.tables.released, **{n: len(df) for n, df in run.tables.items()}}
    long = [f"{n} ({k:,} rows)" for n, k in rows.items() if n in LATEX_TABLES and k > export.LATEX_MAX_ROWS]
    note = f"; no LaTeX for {', '.join(long)}: more than {export.LATEX_MAX_ROWS:,} rows" if long else ""
    if progress:
        progress(step, step, f"writing the tables: {len(files)} files, {size:,.0f} MB "
                             f"({time.perf_counter() - t0:.1f} s){note}")


def run_pipeline(corpus, out, params: dict | None = None, with_notebooks: bool = True, progress=None) -> Path:
    """Build the features, write the tables (and run the notebooks) atomically into ``out``."""
    params = dict(params or {}, corpus=str(corpus))
    corpus, out = Path(corpus).resolve(), Path(out).resolve()
    if corpus.is_dir() and out.is_relative_to(corpus):
        raise CorpusError(f"--out {out}: the output folder may not be inside the corpus folder; choose another.")
    stage_dir = out / STAGING
    shutil.rmtree(stage_dir, ignore_errors=True)
    stage_dir.mkdir(parents=True)
    export.set_provenance(**corpus_fingerprint(corpus))
    from .engine import BackgroundWriter, worker_count

    tables_dir = stage_dir / "tables"
    sidecar = _table_params(params, corpus)
    writer = BackgroundWriter(lambda tables: _save_tables(tables, tables_dir, sidecar),
                              slots=worker_count(params.get("workers")) - 1)

    def finished(tables: dict) -> dict:  # written meanwhile, on the cores the corpus-level stages leave idle
        for name, df in tables.items():  # one by one: a child reports each table as soon as it is written
            writer.submit({name: df}, {name: _signature(df)})
        return writer.written()  # what is written by now: let go unless a later stage reads it

    try:  # a stage running alongside the others writes its own tables, as the writer would
        run = build(corpus, out, params, progress=progress, finished=finished,
                    aside=writer.write if writer.slots else None)
        _write_with_progress(run, tables_dir, writer, sidecar, progress)
        if with_notebooks:
            execute_notebooks(corpus, stage_dir, progress=progress, final_out=out)
            render_html(stage_dir, progress=progress)
    except BaseException:
        writer.abort()
        if not (with_notebooks and sys.exc_info()[0] is NotebookError):
            shutil.rmtree(stage_dir, ignore_errors=True)
        raise
    _promote(stage_dir, out)
    return out


def load_tables(out_dir, corpus_dir=None) -> dict:
    """Tables of a finished run in ``out_dir/tables`` (building them first if there are none).

    Notebooks call this: in a report run the tables are already there; opened by hand in
    JupyterLab before any run, it builds them from ``corpus_dir``.
    """
    tables_dir = Path(out_dir) / "tables"
    if not (tables_dir / "sentences.csv").exists():
        if corpus_dir is None:
            raise CorpusError(f"{tables_dir}: no tables yet; run `python -m analysis features --corpus DIR --out "
                              f"{out_dir}` first.")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            run_pipeline(corpus_dir, out_dir, with_notebooks=False)
    run_info = tables_dir / "run.json"
    if run_info.exists():
        info = json.loads(run_info.read_text())
        export.set_provenance(**{k: v for k, v in info.items() if k.endswith("sha256")})
    return {p.stem: pd.read_csv(p, keep_default_na=False, na_values=[""])
            for p in sorted(tables_dir.glob("*.csv"))}
