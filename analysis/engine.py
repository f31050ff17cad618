"""Where the per-document work runs: in this process, in worker processes, or on a dask cluster.

A run has two phases (:func:`analysis.pipeline.build`):

1. **Per document.** Cleaning, segmentation and the ``annotate`` part of every stage that has one
   (readability, diversity, sentence tone, frame coding, quote attribution, ...) depend on one
   document at a time. The documents table is cut into contiguous chunks of ``chunk_size``
   articles; each chunk goes through every annotator in stage order (:func:`process_chunk`), and
   the chunks' tables are concatenated in document order (:func:`combine`). The result is the
   same, to the byte, whatever the chunking and wherever the chunks ran: that is each
   annotator's contract, and ``tests/test_engine.py`` checks it on whole runs.
2. **Corpus level.** What needs all documents runs once, in this process, on the combined
   tables: each stage's ``summarise`` (or its whole ``stage`` when it has no per-document part).

How the corpus-level stages combine the chunks' partial results:

* concatenation in document order is all that sentence- and document-level columns need
  (cleaning, sentences, readability, diversity, tone scores, frame coding, quotes before name
  normalisation, each document's tone interval, whose seed comes from the document's name);
* outlet-level numbers (tone, frame salience and prominence, voices, event comparisons) are
  aggregated from the concatenated columns, with bootstrap seeds from each group's name;
* speaker names are normalised over all documents' quotes at once (a bare surname joins the
  corpus's most frequent full name);
* lexical counts, the Dirichlet prior and keyness are computed once from the combined
  sentences (a sparse document x term matrix; a chunk-level vocabulary is never needed);
* topic units and their tokens come from the chunks, the vectoriser and the models are fitted
  once on all units; reuse gets each document's token hashes from the chunks and builds one
  shingle index; claims are grouped once (within each event when there are events).

One corpus-wide input feeds phase 1: the heading-like lines that recur in several documents
(page furniture, :func:`analysis.clean.shared_heading_keys`), computed first from all raw texts
and sent with every chunk.

Engines
    ``local`` (default): chunks run in ``workers`` processes (default: the usable CPUs); a
    corpus of at most one chunk, or ``workers=1``, runs in this process with no pool.
    ``dask``: chunks are tasks on a ``dask.distributed`` cluster, a ``LocalCluster`` of
    ``workers`` single-threaded processes by default, or the scheduler at ``scheduler``
    (``tcp://host:8786``); its workers need framing-suite installed. Results are gathered in
    chunk order, so both engines give identical tables.

Writing the tables (this machine, whatever the engine): :func:`map_forked` and
:class:`BackgroundWriter` fork processes that read the tables straight from this process's
memory (copy-on-write), so tables of millions of rows are written on other cores without being
pickled; ``workers=1`` writes everything here. A background writer or side stage
(:class:`SideStage`) that fails, or that has used no CPU for :data:`STALL_SECONDS` (deadlocked
after the fork, :class:`_Stall`), is stopped and its work done in this process; so are the
per-document phase's chunks when one of its workers is stuck, and a worker killed from outside
(for lack of memory, most often) ends the run with a one-line error (:func:`_run_pool`). The
short-lived pools of :func:`map_forked` have no such guard.

Why by hand: the stages are plain functions on pandas tables; a process pool and dask's
``Client.map`` already do the scheduling, and what is ours is only the cut and the concatenation
(column order and absent metadata columns, which depend on which documents a chunk holds);
``concurrent.futures`` pickles every argument and result, which is what the forked writers avoid.
"""
from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import multiprocessing
import os
import signal
import sys
import time
import warnings
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

import pandas as pd

from .errors import ConfigError, ResourceError

ENGINES = ("local", "dask")
CHUNK_SIZE = 200
STALL_SECONDS = 120.0  # a child process that used no CPU for this long is taken as stuck (:class:`_Stall`)
DEAD_GRACE_SECONDS = 5.0  # a dead worker the pool has not reported by then died sending its result


def usable_cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def worker_count(workers: int | None) -> int:
    """``workers`` as a number; ``None``: the usable CPUs."""
    return usable_cpus() if workers is None else int(workers)


def chunks(documents: pd.DataFrame, size: int) -> list[pd.DataFrame]:
    """Contiguous slices of ``documents`` of at most ``size`` rows (index reset)."""
    if size < 1:
        raise ConfigError(f"--chunk-size {size}: must be at least 1 article.")
    return [documents.iloc[i:i + size].reset_index(drop=True) for i in range(0, len(documents), size)]


def process_chunk(documents: pd.DataFrame, params: dict, context: dict, annotators: list) -> dict:
    """Run the annotators ``[(name, func)]`` in order on one chunk; its tables and seconds per stage."""
    from .pipeline import Run

    run = Run(corpus=None, out=None, params=params, context=context)
    run.documents = documents
    seconds, owners = {}, {}
    for name, func in annotators:
        t0 = time.perf_counter()
        before = set(run.tables)
        func(run)
        seconds[name] = time.perf_counter() - t0
        owners.update((table, name) for table in run.tables if table not in before)
    # the paragraphs stay here: segmentation, in this chunk, is all that reads them
    return {"documents": run.documents, "sentences": run.sentences,
            "tables": run.tables, "seconds": seconds, "owners": owners, "n_documents": len(documents)}


def _column_order(frames: list[pd.DataFrame]) -> list[str]:
    """Columns of all frames, each new one placed after the column it follows where it first appears.

    A single run over all documents orders metadata columns by first appearance; chunk by chunk,
    a column first seen in a later chunk is inserted after its predecessor there, which gives
    the same order.
    """
    order: list[str] = []
    for df in frames:
        prev = None
        for col in df.columns:
            if col not in order:
                order.insert(order.index(prev) + 1 if prev is not None else 0, col)
            prev = col
    return order


def _concat(frames: list) -> pd.DataFrame | None:
    frames = [f for f in frames if f is not None]
    if not frames:
        return None
    if len(frames) == 1:
        return frames[0]
    order = _column_order(frames)
    filled = []
    for f in frames:
        missing = [c for c in order if c not in f.columns]
        filled.append(f.assign(**{c: "" for c in missing}) if missing else f)  # metadata absent from a chunk
    return pd.concat([f[order] for f in filled], ignore_index=True)


def combine(parts: list[dict]) -> dict:
    """Concatenate the chunks' results (in chunk order) into one set of tables and summed seconds.

    ``owners`` names the stage whose per-document part made each table. Each table's chunks are
    let go as soon as it is joined, so the chunks and the whole exist side by side for one
    table at a time, not for all of them.
    """
    names = list(dict.fromkeys(name for p in parts for name in p["tables"]))
    seconds: dict[str, float] = {}
    owners: dict[str, str] = {}
    for p in parts:
        for name, s in p["seconds"].items():
            seconds[name] = seconds.get(name, 0.0) + s
        owners.update(p.get("owners", {}))
    out = {"seconds": seconds, "owners": owners, "tables": {}}
    for key in ("documents", "sentences"):
        out[key] = _concat([p.pop(key) for p in parts])
    for name in names:
        out["tables"][name] = _concat([p["tables"].pop(name, None) for p in parts])
    return out


@functools.lru_cache(maxsize=1)
def _libc():
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc (macOS, Windows, musl): nothing to give back this way
        return None


def give_back_memory() -> bool:
    """Return the free memory this process's heap still holds to the system (glibc's ``malloc_trim``).

    Large tables are built and dropped stage after stage; glibc keeps the pages of what was
    freed for reuse, so a run's resident size follows the largest it has ever held, not what it
    holds now, and a forked writer or the next stage's work comes on top of that. On 10,000
    articles the main process held 946 MB after the topics stage and 674 MB once trimmed.
    Returns whether anything was called (glibc only; elsewhere this does nothing).
    """
    libc = _libc()
    if libc is None or not hasattr(libc, "malloc_trim"):
        return False
    libc.malloc_trim(0)
    return True


def can_fork() -> bool:
    """Forking a process that has run threads is safe enough on Linux only (macOS gave it up)."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def room_to_fork() -> bool:
    """Whether the machine's available memory could hold two more copies of this process.

    A forked writer shares this process's memory until this process changes it; while the
    stages go on, Python's allocator reuses and rewrites old pages, each one rewritten is
    copied, and the stage itself may double its memory. On 100,000 articles a writer forked
    with room for one copy took the run to 23 of 24 GB, so a writer is forked only when
    ``MemAvailable`` (``/proc/meminfo``) is twice this process's resident size.
    """
    try:
        with open("/proc/meminfo") as fh:
            available = next(int(line.split()[1]) * 1024 for line in fh if line.startswith("MemAvailable:"))
        with open("/proc/self/statm") as fh:
            resident = int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, StopIteration, ValueError):
        return False
    return available > 2 * resident


def _pool_context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def run_chunks(documents: pd.DataFrame, params: dict, context: dict, annotators: list, engine: str = "local",
               workers: int | None = None, chunk_size: int = CHUNK_SIZE, scheduler: str | None = None,
               progress=None) -> dict:
    """Phase 1 on every chunk with the chosen engine; ``progress(n_done, n_total)`` after each chunk."""
    if engine not in ENGINES:
        raise ConfigError(f"--engine {engine!r}: choose one of {', '.join(ENGINES)}.")
    workers = worker_count(workers)
    if workers < 1:
        raise ConfigError(f"--workers {workers}: must be at least 1.")
    parts_in = chunks(documents, chunk_size)
    sizes = [len(c) for c in parts_in]
    results: list = [None] * len(parts_in)
    done = 0

    def finished(i, result):
        nonlocal done
        results[i] = result
        done += sizes[i]
        if progress:
            progress(done, len(documents))

    if engine == "dask":
        _run_dask(parts_in, params, context, annotators, workers, scheduler, finished)
    elif workers == 1 or len(parts_in) <= 1:
        for i, chunk in enumerate(parts_in):
            finished(i, process_chunk(chunk, params, context, annotators))
    else:
        _run_pool(parts_in, params, context, annotators, workers, finished)
        for i, chunk in enumerate(parts_in):  # a stuck pool's chunks not done: here
            if results[i] is None:
                finished(i, process_chunk(chunk, params, context, annotators))
    return combine(results)


def _run_pool(parts_in, params, context, annotators, workers, finished) -> None:
    """The local engine's pool: ``finished(i, result)`` for each chunk its workers process.

    A worker killed from outside (by the system's out-of-memory killer, most often) stops the run
    with a one-line error saying what to change, also when it died halfway through sending its
    result (the pool itself would wait for the rest for ever). Workers that have used no CPU for
    :data:`STALL_SECONDS` (:class:`_Stall`), more of them than can be idle (those beyond the
    chunks still to do), mean one is stuck on a chunk: all are stopped, with a warning, and the
    caller processes the chunks not done in its own process. Whatever ends the loop early (an
    error in a chunk, Ctrl-C), the workers are stopped, never waited for.
    """
    n_workers = min(workers, len(parts_in))
    pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=_pool_context())
    futures = {pool.submit(process_chunk, c, params, context, annotators): i for i, c in enumerate(parts_in)}
    pending, stalls, seen, n_done, dead_since = set(futures), {}, {}, 0, None
    completed = False
    try:
        while pending:
            seen.update(getattr(pool, "_processes", None) or {})  # pid -> process (the executor's own record)
            done, pending = wait(pending, timeout=1.0, return_when=FIRST_COMPLETED)
            for fut in done:
                finished(futures[fut], fut.result())
                n_done += len(parts_in[futures[fut]])
            if any(not proc.is_alive() for proc in seen.values()):  # the pool says so at once, unless the
                dead_since = dead_since or time.monotonic()        # worker died sending its result
                if pending and time.monotonic() - dead_since > DEAD_GRACE_SECONDS:
                    raise BrokenProcessPool("a worker died and the pool did not notice")
            stalled = [pid for pid, proc in seen.items() if proc.is_alive() and stalls.setdefault(pid, _Stall(pid)).stuck()]
            if len(stalled) > n_workers - min(len(pending), n_workers):  # more than the workers with no chunk
                warnings.warn(f"per-document phase: a worker process used no CPU for {STALL_SECONDS:.0f} s (stuck); "
                              "the workers were stopped and the articles left are processed in the main process",
                              RuntimeWarning, stacklevel=2)
                return
        completed = True
    except BrokenProcessPool as exc:
        _stop_pool(pool, seen)
        codes = {proc.exitcode for proc in seen.values() if proc.exitcode not in (None, 0)}
        codes.discard(-signal.SIGTERM)  # the pool ends the other workers with SIGTERM
        if not codes:  # no worker was killed: the pool broke for its own reason (a result it could not read)
            raise
        code, killed = min(codes), -getattr(signal, "SIGKILL", 9)
        how = f"exit code {code}" + (": killed, most often by the system for lack of memory" if code == killed else "")
        raise ResourceError(f"per-document phase: a worker process ended abruptly ({how}) after {n_done} articles; "
                            "run again with --workers 1 or a smaller --chunk-size, or with more memory free") from exc
    finally:
        if completed:
            pool.shutdown(wait=True)
        else:
            _stop_pool(pool, seen)


def _stop_pool(pool: ProcessPoolExecutor, processes: dict) -> None:
    """Kill the pool's workers and let it go without waiting for their chunks.

    The pool's own thread may be blocked reading a result a worker was killed halfway through
    sending; this process holds the other end of that pipe too, so the read would never end.
    Closing it (a private attribute of ``concurrent.futures``, hence the care) ends the read.
    """
    for proc in processes.values():
        if proc.is_alive():
            proc.kill()
    for proc in processes.values():
        proc.join()
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    if writer is not None:
        with contextlib.suppress(OSError):
            writer.close()
    pool.shutdown(wait=True, cancel_futures=True)


_FORKED: dict = {}  # what map_forked's children read: set before the fork, so nothing is pickled


@contextlib.contextmanager
def frozen_heap():
    """Keep the objects that exist now out of garbage collections, forked children's included.

    A forked child shares this process's memory until either writes to it, and a full garbage
    collection in the child writes to every container object it walks (its reference counts
    for the collection), so every page holding one (lists of stems, say) would be copied.
    Frozen objects are not walked (:func:`gc.freeze`, as the ``gc`` docs advise before a fork);
    they are unfrozen once the children are started.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _call_forked(i: int):
    return _FORKED["func"](*_FORKED["args"][i])


def map_forked(func, args: list[tuple], workers: int | None = None) -> list:
    """``[func(*a) for a in args]`` in forked worker processes, which read this process's memory.

    For work on large objects already in memory (writing the run's tables): a forked child sees
    them without pickling, and only ``func``'s (small) results travel back. Runs in this process
    when fork is unavailable (Windows), with one worker or one job. Give the longest jobs first.
    """
    workers = worker_count(workers)
    if workers <= 1 or len(args) <= 1 or not can_fork():
        return [func(*a) for a in args]
    _FORKED.update(func=func, args=args)
    try:  # a fork-context pool starts all its processes at the first submit, after _FORKED is set
        with frozen_heap(), ProcessPoolExecutor(max_workers=min(workers, len(args)),
                                                mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_call_forked, range(len(args))))
    except (OSError, BrokenProcessPool):  # no memory or processes left to fork: do the work here
        return [func(*a) for a in args]
    finally:
        _FORKED.clear()


def map_slices(func, items, size: int, workers: int | None = None) -> list:
    """``func(items, start, stop)`` over slices of ``size`` items, in forked processes
    (:func:`map_forked`) when ``workers`` > 1 and there are two slices or more; else one call
    over all of them in this process. Returns the results in slice order."""
    if worker_count(workers) <= 1 or len(items) < 2 * size:
        return [func(items, 0, len(items))]
    return map_forked(func, [(items, a, a + size) for a in range(0, len(items), size)], workers=workers)


def _die_with_parent() -> None:
    """In a forked child: be killed when the run's process dies, however it dies (Linux ``prctl``).

    A child that outlived a run killed by the system would go on writing into the output's
    staging folder, which the next run into that folder has emptied and made again.
    """
    libc = _libc()
    if libc is not None and hasattr(libc, "prctl"):
        libc.prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
    if os.getppid() == 1:  # the parent died before the call
        os._exit(1)


def _child(target, args: tuple, report) -> None:
    """What a child of :func:`_start_child` runs: ``target(*args, report)``, then exit; any error
    ends it with code 1 (its parent does the work again, in its own process)."""
    _die_with_parent()
    try:
        target(*args, report)
    except BaseException:
        os._exit(1)
    os._exit(0)


def _start_child(target, *args):
    """Fork a child running ``target(*args, report)`` on this process's memory as it is
    (copy-on-write), ``report`` the sending end of a pipe; returns ``(process, receiving end)``,
    or None when no process could be forked. The pipe ends when the child does."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(target, args, send), daemon=True)
    try:
        with frozen_heap():
            proc.start()
    except OSError:  # no memory or processes left to fork
        return None
    send.close()  # the child holds its end
    return proc, receive


class _Stall:
    """Whether a child process has stopped using the CPU for :data:`STALL_SECONDS` (Linux ``/proc``).

    A child forked from a process that has run threads can deadlock on a lock some other thread
    held at the fork (an allocator's, a library's thread pool's); it then waits forever, using no
    CPU, and so would the run waiting for it. Writing tables and fitting models keep a core busy,
    so a child whose CPU time has not moved for that long is stopped, and its work is done in the
    run's own process, as for a child that failed. Where ``/proc`` cannot be read, nothing is judged stuck.
    """

    def __init__(self, pid: int, limit: float | None = None):
        self.path, self.limit = f"/proc/{pid}/stat", STALL_SECONDS if limit is None else limit
        self.ticks, self.since = None, time.monotonic()

    def stuck(self) -> bool:
        try:
            with open(self.path) as fh:  # utime and stime: fields 14 and 15, after the ")" that ends the name
                ticks = sum(int(f) for f in fh.read().rsplit(")", 1)[1].split()[11:13])
        except (OSError, ValueError, IndexError):
            return False
        now = time.monotonic()
        if ticks != self.ticks:
            self.ticks, self.since = ticks, now
        return now - self.since > self.limit


def _write_items(write, items: list, stop, report) -> None:
    """In a forked child: ``write`` each item's tables in turn, sending its number when it is
    written; once ``stop`` is set, stop before the next item (the first is always written)."""
    for i, (tables, _) in enumerate(items):
        if i and stop.is_set():
            break
        write(tables)
        report.send(i)


class BackgroundWriter:
    """Writes finished tables in forked processes while the run goes on.

    The corpus-level stages run in one process, so on a machine with more cores the tables a
    stage has finished can be written meanwhile: :meth:`submit` queues them, and whenever fewer
    than ``slots`` children are writing (checked at each submit, never waiting), a child is
    forked that sees everything queued as it is (copy-on-write: nothing is pickled or copied)
    and writes it one submission after another with ``write(tables)``, when there is memory for
    it (:func:`room_to_fork`). Each child reports every submission as soon as it is written, so
    :meth:`written` knows (and the caller may let those tables go) while the child goes on.
    :meth:`finish` stops every child after the submission it is writing, waits for them, and
    returns, by name, the stamps of the tables written; tables not written (still queued, not
    reached, or given to a child that failed) are left out, so the caller writes them itself
    (and meets any error in its own process). ``slots=0`` or no fork (Windows): nothing runs.
    """

    def __init__(self, write, slots: int):
        self.write = write
        self.slots = max(0, int(slots)) if can_fork() else 0
        self.pending: list = []
        self.running: list = []  # (process, items, stop flag, end of the report pipe)
        self.done: dict = {}
        self.submitted: dict = {}  # name -> how often: a table handed over twice is left to the caller

    def submit(self, tables: dict, stamps: dict | None = None) -> None:
        """Queue ``tables`` (name -> table); :meth:`finish` reports ``stamps`` (name -> what the
        caller wants back, e.g. the table's shape now; default: the tables) once they are written."""
        if self.slots and tables:
            stamps = dict(stamps if stamps is not None else tables)
            for name in stamps:
                self.submitted[name] = self.submitted.get(name, 0) + 1
            self.pending.append((dict(tables), stamps))
        self._advance()

    def _poll(self, child, wait: bool = False) -> None:
        """Take the numbers a child has reported (all of them once it has ended, with ``wait``;
        a child stuck meanwhile, :class:`_Stall`, is stopped: what it had not reported is the caller's)."""
        proc, items, _, conn, stall = child
        while True:
            try:
                while conn.poll():
                    self.done.update(items[conn.recv()][1])
            except (EOFError, OSError):  # the child has ended and its pipe is drained
                pass
            if stall.stuck():
                proc.kill()
            if not wait or not proc.is_alive():
                break
            proc.join(0.05)  # reading meanwhile, so a child never waits on a full pipe
        if wait:
            proc.join()

    def _advance(self) -> None:
        for child in list(self.running):
            ended = not child[0].is_alive()
            self._poll(child, wait=ended)
            if ended:
                self.running.remove(child)
        while self.pending and len(self.running) < self.slots and room_to_fork():
            items, stop = list(self.pending), multiprocessing.get_context("fork").Event()
            child = _start_child(_write_items, self.write, items, stop)
            if child is None:  # no memory or processes left to fork: the caller writes everything
                self.slots = 0
                return
            self.pending.clear()
            self.running.append((child[0], items, stop, child[1], _Stall(child[0].pid)))

    def written(self) -> dict:
        """The stamps of the tables written so far, by name (nothing waits). A table handed
        over twice is left out, as in :meth:`finish`."""
        self._advance()
        return {name: stamp for name, stamp in self.done.items() if self.submitted.get(name) == 1}

    def finish(self) -> dict:
        """Stop the children after what they are writing, wait for them; the stamps of what was written."""
        self.pending.clear()  # never started: the caller writes them, on all its cores
        for child in self.running:
            child[2].set()
        for child in self.running:
            self._poll(child, wait=True)
        self.running = []
        # which of two writes of one name landed last is unknown: the caller writes it again
        return {name: stamp for name, stamp in self.done.items() if self.submitted.get(name) == 1}

    def abort(self) -> None:
        """Stop every child (the run failed; its staging folder is about to be removed)."""
        self.pending.clear()
        for child in self.running:
            child[0].terminate()
        for child in self.running:
            child[0].join()
        self.running = []


def _work_and_write(work, run, write, report) -> None:
    """In a forked child: ``summary, tables = work(run)``, write the tables, report
    ``(summary, seconds, {table: rows})``."""
    t0 = time.perf_counter()
    summary, tables = work(run)
    write(tables)
    report.send((summary, time.perf_counter() - t0, {k: len(v) for k, v in tables.items()}))


class SideStage:
    """A corpus-level stage run in a forked process alongside the stages after it.

    The corpus-level stages run one after another in one process; a stage whose tables no later
    stage reads (topic models: fitting them is a third of that time at 100,000 articles) can run
    on another core meanwhile. :meth:`start` forks a child that sees the run as it is
    (copy-on-write), runs ``work(run)``, which returns the stage's summary and the tables it
    made, writes them with ``write`` (the run's own table writer, so the files are the same) and
    reports the summary and the tables' rows.
    :meth:`start` returns False when there is no fork on this system or no memory for one, and
    :meth:`result` waits for the report, ``None`` when the child failed (:meth:`failed` tells
    without waiting): either way the caller runs the stage itself, where any error is its own.
    """

    def __init__(self, work, run, write):
        self.args = (work, run, write)
        self.proc = self.conn = None

    def start(self) -> bool:
        child = _start_child(_work_and_write, *self.args) if can_fork() and room_to_fork() else None
        if child is None:
            return False
        self.proc, self.conn = child
        return True

    def result(self):
        """``(summary, seconds, {table: rows})`` once the child has finished; ``None`` if it failed
        or got stuck (:class:`_Stall`; it is stopped)."""
        stall, report = _Stall(self.proc.pid), None
        try:
            while not self.conn.poll(1.0):
                if stall.stuck():
                    self.proc.kill()
                    break
            else:
                report = self.conn.recv()  # EOFError when the child ended without a report
        except (EOFError, OSError):
            pass
        self.proc.join()
        return report if self.proc.exitcode == 0 else None

    def failed(self) -> bool:
        """Whether the child has already ended without success (nothing waits)."""
        return self.proc.exitcode not in (None, 0)

    def abort(self) -> None:
        if self.proc is not None and self.proc.is_alive():
            self.proc.terminate()
            self.proc.join()


def _run_dask(parts_in, params, context, annotators, workers, scheduler, finished) -> None:
    try:
        from dask.distributed import Client, LocalCluster
        from dask.distributed import as_completed as dask_completed
    except ImportError:
        raise ConfigError("--engine dask needs dask.distributed: pip install 'dask[distributed]'.") from None
    import logging

    logging.getLogger("distributed").setLevel(logging.ERROR)  # cluster start-up chatter
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        futures = [client.submit(process_chunk, chunk, params, context, annotators, key=f"framing-chunk-{i}",
                                 pure=False) for i, chunk in enumerate(parts_in)]
        index = {f.key: i for i, f in enumerate(futures)}
        for fut in dask_completed(futures):
            finished(index[fut.key], fut.result())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
