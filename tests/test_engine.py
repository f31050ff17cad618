"""The per-document phase gives the same tables however it is cut and wherever it runs."""
import filecmp
import os
import signal
import threading
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import engine
from analysis.errors import ConfigError, CorpusError, ResourceError
from analysis.paths import BUNDLED_CORPUS
from analysis.pipeline import run_pipeline

EVENTS = Path(__file__).parent / "data" / "events_corpus"


def test_column_order_puts_a_late_column_after_its_predecessor():
    a = pd.DataFrame(columns=["doc_id", "credit", "dateline", "n_tokens"])
    b = pd.DataFrame(columns=["doc_id", "credit", "dateline", "header_date", "n_tokens"])
    c = pd.DataFrame(columns=["lead", "doc_id", "credit", "dateline", "header_updated", "n_tokens"])
    assert engine._column_order([a, b, c]) == ["lead", "doc_id", "credit", "dateline", "header_updated",
                                               "header_date", "n_tokens"]
    assert engine._column_order([b, a]) == list(b.columns)


def test_combine_concatenates_in_chunk_order_and_fills_absent_metadata():
    part = lambda docs, secs: {"documents": docs, "sentences": None,  # noqa: E731
                               "tables": {"t": docs[["doc_id"]]}, "seconds": secs}
    p1 = part(pd.DataFrame({"doc_id": ["a", "b"], "n": [1, 2]}), {"clean": 1.0})
    p2 = part(pd.DataFrame({"doc_id": ["c"], "header_date": ["May 5"], "n": [3]}), {"clean": 0.5, "segment": 2.0})
    out = engine.combine([p1, p2])
    assert out["documents"].to_dict("list") == {"doc_id": ["a", "b", "c"], "header_date": ["", "", "May 5"],
                                                "n": [1, 2, 3]}
    assert out["tables"]["t"]["doc_id"].tolist() == ["a", "b", "c"]
    assert out["seconds"] == {"clean": 1.5, "segment": 2.0}
    assert out["sentences"] is None


def test_chunks_are_contiguous_and_cover_every_document():
    docs = pd.DataFrame({"doc_id": list("abcdefg")})
    parts = engine.chunks(docs, 3)
    assert [p["doc_id"].tolist() for p in parts] == [["a", "b", "c"], ["d", "e", "f"], ["g"]]
    assert all(p.index.tolist() == list(range(len(p))) for p in parts)
    with pytest.raises(ConfigError, match="--chunk-size 0"):
        engine.chunks(docs, 0)


def test_unknown_engine_and_bad_worker_count_are_one_line_errors():
    docs = pd.DataFrame({"doc_id": ["a"]})
    with pytest.raises(ConfigError, match="--engine 'spark'"):
        engine.run_chunks(docs, {}, {}, [], engine="spark")
    with pytest.raises(ConfigError, match="--workers 0"):
        engine.run_chunks(docs, {}, {}, [], workers=0)


def _fail_on_b(run):
    if "b" in set(run.documents["doc_id"]):
        raise CorpusError("document 'b': broken on purpose; fix the file")


def test_an_error_in_a_worker_process_arrives_as_the_same_one_line_error():
    docs = pd.DataFrame({"doc_id": ["a", "b", "c"]})
    with pytest.raises(CorpusError, match=r"^document 'b': broken on purpose; fix the file$"):
        engine.run_chunks(docs, {}, {}, [("fail", _fail_on_b)], workers=2, chunk_size=1)


_PARENT_ONLY = {}


def _read_parent_memory(key, times):
    return _PARENT_ONLY[key] * times


forking = pytest.mark.skipif(not engine.can_fork(), reason="forked writers run on Linux only")


@pytest.fixture
def no_hang():
    """A test of hung children that hangs itself fails loudly after 120 s (with every thread's
    traceback) instead of holding the test run for ever."""
    import faulthandler

    faulthandler.dump_traceback_later(120, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


def _pid(_):
    return os.getpid()


@forking
def test_map_forked_reads_the_parents_memory_and_keeps_the_order(monkeypatch):
    monkeypatch.setitem(_PARENT_ONLY, "big", "x")  # set after the module was imported: only a fork sees it
    args = [("big", n) for n in (5, 1, 3, 0)]
    assert engine.map_forked(_read_parent_memory, args, workers=2) == ["xxxxx", "x", "xxx", ""]
    assert os.getpid() not in engine.map_forked(_pid, [(i,) for i in range(4)], workers=2)
    assert engine.map_forked(_read_parent_memory, args, workers=1) == ["xxxxx", "x", "xxx", ""]
    assert engine._FORKED == {}


@forking
def test_map_forked_passes_a_childs_error_on():
    with pytest.raises(KeyError, match="missing"):
        engine.map_forked(_read_parent_memory, [("missing", 1), ("missing", 2)], workers=2)
    assert engine._FORKED == {}


def _tables(corpus, out, **params) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run_pipeline(corpus, out, params, with_notebooks=False)
    return out / "tables"


def _same_csvs(a: Path, b: Path) -> None:
    """Same tables, LaTeX copies and provenance sidecars (how the work was spread is only in run.json)."""
    names = sorted(p.name for p in a.iterdir() if p.suffix in (".csv", ".tex", ".json") and p.name != "run.json")
    assert names == sorted(p.name for p in b.iterdir() if p.suffix in (".csv", ".tex", ".json") and p.name != "run.json")
    assert len([n for n in names if n.endswith(".csv")]) > 30
    differ = [n for n in names if not filecmp.cmp(a / n, b / n, shallow=False)]
    assert differ == [], f"tables that differ between engines: {differ}"


@pytest.fixture(scope="module")
def events_single(tmp_path_factory):
    """The events corpus (15 articles, four outlets, HTML, CRLF and BOM files) in one process, one chunk."""
    return _tables(EVENTS, tmp_path_factory.mktemp("single") / "out", workers=1, chunk_size=1000)


def test_chunked_run_in_two_processes_gives_identical_tables(events_single, tmp_path):
    _same_csvs(events_single, _tables(EVENTS, tmp_path / "out", workers=2, chunk_size=2))


def test_dask_engine_on_a_two_worker_local_cluster_gives_identical_tables(events_single, tmp_path):
    pytest.importorskip("dask.distributed")
    _same_csvs(events_single, _tables(EVENTS, tmp_path / "out", engine="dask", workers=2, chunk_size=4))


def test_dask_engine_on_the_bundled_corpus_gives_the_local_tables(tmp_path):
    pytest.importorskip("dask.distributed")
    local = _tables(BUNDLED_CORPUS, tmp_path / "local")
    _same_csvs(local, _tables(BUNDLED_CORPUS, tmp_path / "dask", engine="dask", workers=2, chunk_size=2))


def test_a_later_run_leaves_no_table_of_an_earlier_run(tmp_path):
    out = tmp_path / "out"
    _tables(BUNDLED_CORPUS, out)
    assert (out / "tables" / "topic_selection.csv").exists()
    (out / "tables" / "term_counts.npz").write_bytes(b"from an earlier, larger corpus")
    _tables(BUNDLED_CORPUS, out, skip=["topics"])
    left = {p.name for p in (out / "tables").iterdir()}
    assert not {n for n in left if n.startswith(("topic_", "term_counts"))}, sorted(left)
    assert {"documents.csv", "sentences.csv", "run.json"} <= left


def _write_marks(tables):
    for name, text in tables.items():
        if text == "fail":
            raise OSError("disk full")
        if text == "hang":
            threading.Event().wait()  # waits for ever, using no CPU, as a child deadlocked after the fork does
        if text.startswith("slow"):
            time.sleep(1)
        Path(name).write_text(text)


@forking
def test_background_writer_writes_in_children_and_reports_what_it_wrote(tmp_path):
    writer = engine.BackgroundWriter(_write_marks, slots=1)
    writer.submit({str(tmp_path / "a"): "first"}, {"a": 1})
    writer.running[0][0].join()  # the one slot is free again: the next submit starts its child
    writer.submit({str(tmp_path / "b"): "fail"}, {"b": 2})
    writer.running[0][0].join()
    writer.submit({str(tmp_path / "c"): "slow third"})
    writer.submit({str(tmp_path / "d"): "queued"})  # the slot is still taken: left for the caller
    done = writer.finish()
    assert done == {"a": 1, str(tmp_path / "c"): "slow third"}  # the failed child's tables are not claimed
    assert (tmp_path / "a").read_text() == "first" and (tmp_path / "c").read_text() == "slow third"
    assert not (tmp_path / "b").exists() and not (tmp_path / "d").exists()


@forking
def test_a_table_handed_over_twice_is_left_to_the_caller(tmp_path):
    writer = engine.BackgroundWriter(_write_marks, slots=2)
    target = str(tmp_path / "x")
    writer.submit({target: "slow old"}, {"x": "old"})
    writer.submit({target: "new"}, {"x": "new"})  # which child's file lands last is unknown
    assert writer.finish() == {}


@forking
def test_a_writer_stuck_without_cpu_is_stopped_and_its_tables_left_to_the_caller(tmp_path, monkeypatch, no_hang):
    monkeypatch.setattr(engine, "STALL_SECONDS", 1.0)
    writer = engine.BackgroundWriter(_write_marks, slots=1)
    writer.submit({str(tmp_path / "a"): "first"}, {"a": 1})
    writer.running[0][0].join()
    writer.submit({str(tmp_path / "b"): "hang"}, {"b": 2})
    assert len(writer.running) == 1  # "b" went to a child of its own, which hangs
    t0 = time.monotonic()
    assert writer.finish() == {"a": 1}  # "b" was never written: the caller writes it
    assert time.monotonic() - t0 < 30 and writer.running == []
    assert (tmp_path / "a").read_text() == "first" and not (tmp_path / "b").exists()


def test_a_child_busy_on_the_cpu_is_not_taken_as_stuck():
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    proc = ctx.Process(target=sum, args=(range(10**9),), daemon=True)  # seconds of pure CPU
    proc.start()
    try:
        stall = engine._Stall(proc.pid, limit=1.5)
        checks = []
        for _ in range(10):
            checks.append(stall.stuck())
            time.sleep(0.2)
        assert checks == [False] * 10
    finally:
        proc.kill()
        proc.join()
    assert engine._Stall(proc.pid, limit=0).stuck() is False  # gone: nothing to judge


def _in_a_worker() -> bool:
    import multiprocessing

    return multiprocessing.parent_process() is not None


def _killed_on_b(run):
    if "b" in set(run.documents["doc_id"]) and _in_a_worker():
        os.kill(os.getpid(), signal.SIGKILL)  # as the system's out-of-memory killer does


def _stuck_on_b(run):
    if "b" in set(run.documents["doc_id"]) and _in_a_worker():
        threading.Event().wait()
    run.tables["ids"] = run.documents[["doc_id"]]


@forking
def test_a_worker_killed_by_the_system_stops_the_run_with_a_one_line_error(no_hang):
    docs = pd.DataFrame({"doc_id": list("abcd")})
    with pytest.raises(ResourceError, match=r"^per-document phase: a worker process ended abruptly \(exit code -9: "
                                            r"killed, most often by the system for lack of memory\) after \d articles; "
                                            r"run again with --workers 1 or a smaller --chunk-size"):
        engine.run_chunks(docs, {}, {}, [("kill", _killed_on_b)], workers=2, chunk_size=1)


def _killed_sending_b(run):
    """Chunk "b" makes a large table; its worker is killed once half of it is in the pipe."""
    if "b" in set(run.documents["doc_id"]) and _in_a_worker():
        import multiprocessing.connection as mc

        send = mc.Connection._send

        def half_then_killed(self, buf, *args):
            if len(buf) > 1_000_000:
                send(self, memoryview(buf)[:len(buf) // 2], *args)
                os.kill(os.getpid(), signal.SIGKILL)
            return send(self, buf, *args)

        mc.Connection._send = half_then_killed
        run.tables["big"] = pd.DataFrame({"x": np.arange(1_000_000, dtype=float)})
    else:
        run.tables["big"] = run.documents[["doc_id"]]


@forking
def test_a_worker_killed_while_sending_its_result_stops_the_run_too(no_hang):
    docs = pd.DataFrame({"doc_id": list("abcd")})
    t0 = time.monotonic()
    with pytest.raises(ResourceError, match=r"^per-document phase: a worker process ended abruptly \(exit code -9: "):
        engine.run_chunks(docs, {}, {}, [("big", _killed_sending_b)], workers=2, chunk_size=1)
    assert time.monotonic() - t0 < 60


def _fails_on_a_stuck_on_b(run):
    _stuck_on_b(run)
    if "a" in set(run.documents["doc_id"]):
        raise ValueError("chunk a is broken")


@forking
def test_an_error_in_one_chunk_is_raised_while_another_worker_is_stuck(no_hang):
    docs = pd.DataFrame({"doc_id": list("ab")})
    with pytest.raises(ValueError, match="chunk a is broken"):
        engine.run_chunks(docs, {}, {}, [("x", _fails_on_a_stuck_on_b)], workers=2, chunk_size=1)


def _busy_on_a(run):
    if "a" in set(run.documents["doc_id"]):
        t0 = time.process_time()
        while time.process_time() - t0 < 3:  # 3 s of CPU while the other worker has nothing to do
            pass
    run.tables["ids"] = run.documents[["doc_id"]]


@forking
def test_a_worker_left_idle_while_another_works_is_not_taken_as_stuck(monkeypatch, no_hang):
    monkeypatch.setattr(engine, "STALL_SECONDS", 1.0)
    docs = pd.DataFrame({"doc_id": list("ab")})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a stall warning would fail the test
        out = engine.run_chunks(docs, {}, {}, [("ids", _busy_on_a)], workers=2, chunk_size=1)
    assert out["tables"]["ids"]["doc_id"].tolist() == ["a", "b"]


@forking
def test_a_stuck_worker_is_stopped_and_its_articles_processed_in_the_main_process(monkeypatch, no_hang):
    monkeypatch.setattr(engine, "STALL_SECONDS", 1.0)
    docs = pd.DataFrame({"doc_id": list("abcdef")})
    t0 = time.monotonic()
    with pytest.warns(RuntimeWarning, match=r"a worker process used no CPU for 1 s \(stuck\)"):
        out = engine.run_chunks(docs, {}, {}, [("ids", _stuck_on_b)], workers=2, chunk_size=1)
    assert out["tables"]["ids"]["doc_id"].tolist() == list("abcdef") and time.monotonic() - t0 < 60


def test_background_writer_with_no_slot_leaves_everything_to_the_caller(tmp_path):
    writer = engine.BackgroundWriter(_write_marks, slots=0)
    writer.submit({str(tmp_path / "a"): "first"})
    assert writer.finish() == {} and not (tmp_path / "a").exists()


def _one_document_run(tmp_path, workers: int, **tables):
    """A run of one document with ``tables``, and an empty folder for its tables."""
    from analysis.pipeline import Run

    run = Run(tmp_path / "corpus", tmp_path / "out", {"workers": workers})
    run.documents = pd.DataFrame({"doc_id": ["a"], "outlet": ["X"], "text": ["t"]})
    run.sentences = pd.DataFrame({"doc_id": ["a"], "sent_idx": [0], "text": ["t"]})
    run.tables = tables
    dest = tmp_path / "tables"
    dest.mkdir()
    return run, dest


def test_tables_written_early_are_skipped_only_while_unchanged(tmp_path):
    from analysis.pipeline import _signature, write_tables

    kept, grown = pd.DataFrame({"n": [1]}), pd.DataFrame({"n": [1]})
    run, dest = _one_document_run(tmp_path, 1, kept=kept, grown=grown)
    early = {"kept": _signature(kept), "grown": _signature(grown)}
    grown["m"] = 2  # changed in place after it was written
    for name in ("kept", "grown"):
        (dest / f"{name}.csv").write_text("written early\n")
    write_tables(run, dest, early)
    assert (dest / "kept.csv").read_text() == "written early\n"
    assert (dest / "grown.csv").read_text() == "n,m\n1,2\n"
    assert (dest / "documents.csv").exists() and (dest / "sentences.csv").exists()


def test_no_writer_is_forked_without_memory_for_a_copy(tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "room_to_fork", lambda: False)
    writer = engine.BackgroundWriter(_write_marks, slots=1)
    writer.submit({str(tmp_path / "a"): "first"})
    assert writer.running == [] and writer.finish() == {} and not (tmp_path / "a").exists()


def test_chunk_results_name_the_stage_that_made_each_table_and_combine_lets_chunks_go():
    def a(run):
        run.tables["_a_tmp"] = run.documents[["doc_id"]]

    def b(run):
        run.tables["b_out"] = run.documents[["doc_id"]]
        run.tables["_a_tmp"] = run.tables["_a_tmp"].iloc[:0]  # replaced, still a's

    docs = pd.DataFrame({"doc_id": ["x", "y", "z"]})
    parts = [engine.process_chunk(c, {}, {}, [("a", a), ("b", b)]) for c in engine.chunks(docs, 2)]
    assert parts[0]["owners"] == {"_a_tmp": "a", "b_out": "b"}
    out = engine.combine(parts)
    assert out["owners"] == {"_a_tmp": "a", "b_out": "b"}
    assert out["tables"]["b_out"]["doc_id"].tolist() == ["x", "y", "z"]
    assert all(p["tables"] == {} and "documents" not in p for p in parts)  # nothing held twice


def test_objects_alive_at_a_fork_are_frozen_until_the_children_start():
    import gc

    before = gc.get_freeze_count()
    with engine.frozen_heap():
        assert gc.get_freeze_count() > before  # a child's full collection leaves them (and their pages) alone
    assert gc.get_freeze_count() == before


def _build_letting_go_of_everything(tmp_path, corpus):
    """build() told, at every hand-over, that every table handed over so far is already written
    (as BackgroundWriter.written says of those its children wrote)."""
    from analysis.pipeline import _signature, build

    handed: dict = {}
    stamps: dict = {}

    def finished(tables):
        handed.update(tables)
        stamps.update((name, _signature(df)) for name, df in tables.items())
        return dict(stamps)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return build(corpus, tmp_path / "out", {"workers": 1}, finished=finished), handed


@pytest.mark.parametrize("corpus", [BUNDLED_CORPUS, EVENTS])
def test_tables_written_during_the_run_are_let_go_unless_a_later_stage_reads_them(tmp_path, corpus):
    from analysis.pipeline import READ_LATER, build

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = build(corpus, tmp_path / "plain", {"workers": 1})
    run, handed = _build_letting_go_of_everything(tmp_path, corpus)  # no later stage meets a table let go
    assert set(run.tables.released) | set(run.tables) == set(plain.tables)
    assert set(run.tables) == READ_LATER & set(plain.tables)  # everything else was let go when written
    assert run.tables.released["frame_prominence"] == len(plain.tables["frame_prominence"])
    for name, df in handed.items():  # what was handed over is what the plain run made
        pd.testing.assert_frame_equal(df, plain.tables[name])
    with pytest.raises(RuntimeError, match="'keyness' was written and let go"):
        run.tables.get("keyness")


def test_a_stage_reading_a_table_let_go_stops_the_run_with_a_clear_error(tmp_path, monkeypatch):
    import analysis.pipeline as pipeline

    monkeypatch.setattr(pipeline, "READ_LATER", set())  # frame validation reads sentence_frames
    with pytest.raises(RuntimeError, match="'sentence_frames' was written and let go.*READ_LATER"):
        _build_letting_go_of_everything(tmp_path, BUNDLED_CORPUS)


@forking
def test_a_writer_reports_each_table_when_written_and_stops_after_the_one_it_is_writing(tmp_path, monkeypatch):
    room = [False]
    monkeypatch.setattr(engine, "room_to_fork", lambda: room[0])
    writer = engine.BackgroundWriter(_write_marks, slots=1)
    for name in ("a", "b", "c"):  # no room yet: all three queued
        writer.submit({str(tmp_path / name): f"slow {name}"}, {name: name})
    assert writer.running == [] and len(writer.pending) == 3
    room[0] = True
    assert writer.written() == {}  # one child, forked now, takes all three in turn
    assert len(writer.running) == 1 and writer.pending == []
    while not (tmp_path / "a").exists():
        time.sleep(0.05)
    time.sleep(0.3)  # "a" is reported while the child writes "b"
    assert writer.written() == {"a": "a"} and writer.running[0][0].is_alive()
    assert writer.finish() == {"a": "a", "b": "b"}  # stopped after "b": "c" is the caller's
    assert not (tmp_path / "c").exists()


@forking
def test_what_a_writer_did_not_write_or_was_changed_after_hand_over_is_written_at_the_end(tmp_path):
    from analysis.pipeline import _save_tables, _signature, write_tables

    kept, changed = pd.DataFrame({"n": [1]}), pd.DataFrame({"n": [2]})
    run, dest = _one_document_run(tmp_path, 2, kept=kept, changed=changed)
    writer = engine.BackgroundWriter(lambda t: _save_tables(t, dest, {}), slots=1)
    writer.submit({"kept": kept, "changed": changed}, {n: _signature(df) for n, df in run.tables.items()})
    changed["m"] = 5  # changed in place after it was handed over (the child may have seen either)
    write_tables(run, dest, writer.finish(), {})  # as at the end of a run
    assert (dest / "changed.csv").read_text() == "n,m\n2,5\n"
    assert (dest / "kept.csv").read_text() == "n\n1\n"
    assert (dest / "documents.csv").exists() and (dest / "run.json").exists()


def test_a_table_let_go_during_the_run_is_freed_at_once(tmp_path):
    """Nothing else in the run keeps a table it let go (the chunks' combined results once did)."""
    import gc
    import weakref

    from analysis.pipeline import _signature, build

    refs, stamps, alive = {}, {}, {}

    def finished(tables):
        refs.update((name, weakref.ref(df)) for name, df in tables.items())
        stamps.update((name, _signature(df)) for name, df in tables.items())
        return dict(stamps)

    def progress(step, total, message):
        if step == total and not message.endswith("..."):  # the last stage has handed its tables over
            gc.collect()
            alive.update((name, ref() is not None) for name, ref in refs.items())

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run = build(EVENTS, tmp_path / "out", {"workers": 1}, progress=progress, finished=finished)
    assert "cleaning_audit" in run.tables.released and "event_outlet" in run.tables.released
    assert {name for name in run.tables.released if alive[name]} == set()
    assert alive["sentence_frames"]  # read later: kept


@pytest.mark.skipif(not engine.can_fork(), reason="glibc's malloc_trim: Linux")
def test_memory_freed_by_the_run_goes_back_to_the_system():
    def resident_mb():
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

    blocks = [bytes(2000) + bytes([i % 256]) for i in range(100_000)]  # 200 MB on the heap (not pymalloc's)
    last = blocks[-1]  # the heap's top stays in use, so glibc cannot give the rest back by itself
    held = resident_mb()
    del blocks
    assert resident_mb() > held - 50  # freed, but still resident
    assert engine.give_back_memory()
    assert resident_mb() < held - 150
    assert last


def _lines(corpus, out, **params) -> list[str]:
    lines = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run_pipeline(corpus, out, params, with_notebooks=False, progress=lambda i, n, msg: lines.append(msg))
    return lines


@forking
def test_topics_run_alongside_the_other_stages_until_claims_with_the_same_tables(events_single, tmp_path, monkeypatch):
    import analysis.pipeline as pipeline

    monkeypatch.setattr(pipeline, "SIDE_MIN_DOCUMENTS", 10)  # the 15 articles are a large corpus here
    reports, result = [], engine.SideStage.result
    monkeypatch.setattr(engine.SideStage, "result", lambda self: reports.append(result(self)) or reports[-1])
    lines = _lines(EVENTS, tmp_path / "out", workers=2, chunk_size=4)
    assert len(reports) == 1 and reports[0][2]["topic_units"] > 0  # the child fitted and wrote the topics
    started = lines.index("fitting and validating topic models (NMF, LDA), alongside the next stages ...")
    done = next(k for k, line in enumerate(lines) if line.startswith("fitting and validating topic models (NMF, LDA): "))
    # from the start of the corpus-level stages, which ran meanwhile, until claims, which waited for it
    assert started < lines.index("counting terms, distinctive words and keyness ...") < done
    assert done < lines.index("grouping sentences into claims ...")
    _same_csvs(events_single, tmp_path / "out" / "tables")


@forking
def test_a_side_stage_whose_process_is_stuck_is_stopped_and_run_in_the_run_itself(events_single, tmp_path,
                                                                                   monkeypatch, no_hang):
    import analysis.pipeline as pipeline

    monkeypatch.setattr(pipeline, "SIDE_MIN_DOCUMENTS", 10)
    monkeypatch.setattr(engine, "STALL_SECONDS", 1.0)
    monkeypatch.setattr(engine, "_work_and_write", lambda *args: threading.Event().wait())  # deadlocked
    lines = _lines(EVENTS, tmp_path / "out", workers=2, chunk_size=4)
    assert "fitting and validating topic models (NMF, LDA), alongside the next stages ..." in lines
    assert any(line.startswith("fitting and validating topic models (NMF, LDA): 54 units") for line in lines)
    _same_csvs(events_single, tmp_path / "out" / "tables")


@forking
def test_a_side_stage_whose_process_fails_is_run_in_the_run_itself(events_single, tmp_path, monkeypatch):
    import analysis.pipeline as pipeline

    monkeypatch.setattr(pipeline, "SIDE_MIN_DOCUMENTS", 10)
    monkeypatch.setattr(engine, "_work_and_write", lambda *args: os._exit(1))  # the forked child dies at once
    lines = _lines(EVENTS, tmp_path / "out", workers=2, chunk_size=4)
    assert "fitting and validating topic models (NMF, LDA), alongside the next stages ..." in lines
    assert any(line.startswith("fitting and validating topic models (NMF, LDA): 54 units") for line in lines)
    _same_csvs(events_single, tmp_path / "out" / "tables")
    with pytest.raises(ConfigError, match=r"^topic_k=40: outside topic_k_range"):  # an error is the run's own
        _lines(EVENTS, tmp_path / "again", workers=2, chunk_size=4, topic_k=40)
