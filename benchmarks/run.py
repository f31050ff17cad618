"""Time ``python -m analysis features`` on synthetic corpora of several sizes.

Usage (from the repository root, with the project's virtual environment)::

    .venv/bin/python benchmarks/run.py                   # sizes 100 and 1000
    .venv/bin/python benchmarks/run.py --sizes 100,300 --timeout 600

For each size N the script makes (or reuses) the corpus ``benchmarks/work/corpus-N-seedS`` with
:mod:`make_corpus`, runs the suite on it in a subprocess and records

* wall time, articles per second, CPU time (user + system) and peak memory of the run: of all
  its processes together (the sum of their proportional set sizes, sampled every second:
  :func:`tree_memory`), overall and between one stage's line and the next; and ``ru_maxrss`` of
  the main process (from ``os.wait4``);
* each stage's time as the suite itself reports it in its progress lines
  (``[5/14] scoring readability: ... (2.3 s)``), and as measured here between the stage's start
  and end lines (two decimals); what is left of the wall time is start-up, imports and writing tables;
* the baseline of the scale issue: scikit-learn's ``CountVectorizer(ngram_range=(1, 2)).fit_transform``
  on the same raw texts, timed in this process (best of three) in the same run, and the ratio of the
  suite's wall time to it.

With two or more sizes it also estimates the scaling exponent between the two largest,
``log(t2 / t1) / log(N2 / N1)`` (1 = linear), for the whole run and for each stage.
It prints a table and writes ``benchmarks/results/<YYYY-MM-DD>-<sizes>.json``.
A run that exceeds ``--timeout`` is stopped; the stages it finished are kept and marked so.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from make_corpus import SEED, make_corpus  # noqa: E402

DONE = re.compile(r"^\[(\d+)/(\d+)\] (.*?): (.*) \((\d+(?:\.\d+)?) s\)$")
START = re.compile(r"^\[(\d+)/(\d+)\] (.*) \.\.\.$")


PHASE = "per-document phase"
WRITING = "writing the tables"  # the suite's line after the last stage
SAMPLE_EVERY = 1.0  # seconds between memory samples (the kernel walks each process's pages for PSS; 0.1 s cost a third of a core)


def stage_names() -> dict[str, str]:
    """The suite's progress text of each stage -> the stage's name."""
    try:
        from analysis.pipeline import STAGES
        return {what: name for name, what, _ in STAGES}
    except Exception:  # names are a convenience; the progress text is kept either way
        return {}


def _stage_of(what: str, names: dict) -> str:
    if what.startswith("per-document stages"):
        return PHASE
    what = what.removesuffix(", alongside the next stages")  # a stage run in a process of its own
    return names.get(what, what)


def ensure_corpus(n: int, seed: int, work: Path, regenerate: bool) -> Path:
    corpus = work / f"corpus-{n}-seed{seed}"
    manifest = corpus / "manifest.csv"
    if regenerate or not manifest.exists() or len(manifest.read_text().splitlines()) != n + 1:
        make_corpus(n, corpus, seed)
    return corpus


def read_texts(corpus: Path) -> list[str]:
    import csv
    with open(corpus / "manifest.csv", encoding="utf-8", newline="") as f:
        return [(corpus / row["path"]).read_text(encoding="utf-8") for row in csv.DictReader(f)]


def time_baseline(texts: list[str], repeats: int = 3) -> dict:
    from sklearn.feature_extraction.text import CountVectorizer
    best, shape = math.inf, None
    for _ in range(repeats):
        t0 = time.perf_counter()
        x = CountVectorizer(ngram_range=(1, 2)).fit_transform(texts)
        best = min(best, time.perf_counter() - t0)
        shape = x.shape
    return {"seconds": best, "repeats": repeats, "n_features": shape[1]}


def run_suite(corpus: Path, out: Path, timeout: float | None, extra: list[str], names: dict) -> dict:
    cmd = [sys.executable, "-m", "analysis", "features", "--corpus", str(corpus), "--out", str(out), *extra]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    stages, started, tail = [], {}, []
    last_line = [0.0]  # when the suite's previous line arrived
    peak_since = [0]  # peak memory of the run's processes since the last finished stage

    def read():
        for line in proc.stderr:
            now = time.perf_counter() - t0
            line = line.rstrip("\n")
            print(f"    {line}", file=sys.stderr, flush=True)
            tail.append(line)
            del tail[:-20]
            since, last_line[0] = now - last_line[0], now
            if m := START.match(line):
                started[_stage_of(m.group(3), names)] = now
            elif m := DONE.match(line):
                name = _stage_of(m.group(3), names)
                stages.append({"step": int(m.group(1)), "stage": name, "what": m.group(3), "summary": m.group(4),
                               "reported_s": float(m.group(5)),
                               "observed_s": round(now - started[name], 3) if name in started else None,
                               "at_s": round(now, 3), "since_previous_line_s": round(since, 3),
                               "peak_memory_mib": round(peak_since[0] / 2**20, 1) if peak_since[0] else None})
                peak_since[0] = 0

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    timed_out = False
    deadline = None if timeout is None else t0 + timeout
    peak_tree, sampled = 0, 0.0
    while True:
        if time.perf_counter() - sampled >= SAMPLE_EVERY:
            sampled = time.perf_counter()
            mem = tree_memory(proc.pid)
            peak_tree, peak_since[0] = max(peak_tree, mem), max(peak_since[0], mem)
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.perf_counter() > deadline:
            timed_out = True
            os.killpg(proc.pid, signal.SIGTERM)  # the process group this script started
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.1)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    reader.join(timeout=5)
    for name in [n for n in started if n not in {s["stage"] for s in stages}]:  # stopped by the timeout
        stages.append({"step": None, "stage": name, "what": "", "summary": "unfinished: stopped by --timeout",
                       "reported_s": None, "observed_s": round(wall - started[name], 3), "unfinished": True})
    return {"command": cmd, "returncode": proc.returncode, "timed_out": timed_out, "wall_s": round(wall, 3),
            "cpu_user_s": round(usage.ru_utime, 3), "cpu_system_s": round(usage.ru_stime, 3),
            "peak_rss_mib": round(usage.ru_maxrss / 1024, 1), "peak_memory_mib": round(peak_tree / 2**20, 1),
            "stages": stages,
            "other_s": round(wall - sum(s["observed_s"] for s in stages if s["observed_s"] is not None), 3),
            "stderr_tail": tail if proc.returncode else []}


def tree_memory(pid: int) -> int:
    """Bytes of memory a process and all its descendants use now (the suite's worker processes too).

    The sum of their proportional set sizes (PSS: each shared page divided among the processes
    sharing it), so the tables a forked writer shares with the main process count once; plain
    resident sizes would count them in every process. Falls back to RSS where PSS is unknown.
    """
    try:
        import psutil

        root = psutil.Process(pid)
        total = 0
        for p in [root, *root.children(recursive=True)]:
            try:
                try:
                    total += p.memory_full_info().pss
                except (AttributeError, psutil.AccessDenied):
                    total += p.memory_info().rss
            except psutil.Error:  # the process ended meanwhile
                pass
        return total
    except Exception:
        return 0


def exponent(n1, t1, n2, t2):
    if not (t1 and t2) or t1 <= 0 or t2 <= 0:
        return None
    return round(math.log(t2 / t1) / math.log(n2 / n1), 2)


def machine() -> dict:
    info = {"cpu_count": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    if hasattr(os, "sched_getaffinity"):
        info["cpus_usable"] = len(os.sched_getaffinity(0))
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
        mem = Path("/proc/meminfo").read_text().split("\n", 1)[0].split()
        info["memory_gib"] = round(int(mem[1]) / 2**20, 1)
    except OSError:
        pass
    try:
        import pandas
        import sklearn
        info.update(sklearn=sklearn.__version__, pandas=pandas.__version__)
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "analysis"], cwd=ROOT, capture_output=True,
                               text=True).stdout.strip()
        info["suite_commit"] = commit + ("+dirty" if dirty else "")
    except Exception:
        pass
    return info


def print_table(results: list[dict], names: list[str], exps: dict) -> None:
    print(f"{'N':>6} {'wall s':>8} {'art/s':>7} {'CPU s':>8} {'peak MiB':>9} {'CV s':>7} {'x CV':>7}  status"
          "   (peak = all processes of the run together, PSS)")
    for r in results:
        s = r["suite"]
        status = "timed out" if s["timed_out"] else ("ok" if s["returncode"] == 0 else f"exit {s['returncode']}")
        print(f"{r['n']:>6} {s['wall_s']:>8.1f} {r['articles_per_s']:>7.2f} {s['cpu_user_s'] + s['cpu_system_s']:>8.1f} "
              f"{s['peak_memory_mib']:>9.0f} {r['baseline']['seconds']:>7.3f} {r['ratio_to_baseline']:>7.0f}  {status}")
    print("\nper-stage seconds (as reported by the suite; 'other' = start-up, imports, the corpus-level parts of "
          "stages with a per-document part, waiting for background writers)")
    header = f"{'stage':<18}" + "".join(f"{'N=' + str(r['n']):>10}" for r in results)
    print(header + (f"{'exponent':>10}" if exps else ""))
    order = list(dict.fromkeys([*names, *(s["stage"] for r in results for s in r["suite"]["stages"])]))
    for name in [*order, "other"]:
        row = f"{name:<18}"
        for r in results:
            if name == "other":
                row += f"{r['suite']['other_s']:>10.1f}"
                continue
            hit = [s for s in r["suite"]["stages"] if s["stage"] == name]
            if hit and hit[0]["reported_s"] is None:
                row += f"{'>' + format(hit[0]['observed_s'], '.0f'):>10}"
            else:
                row += f"{hit[0]['reported_s']:>10.1f}" if hit else f"{'-':>10}"
        e = exps.get(name)
        print(row + (f"{e if e is not None else '-':>10}" if exps else ""))
    if exps:
        print(f"{'whole run':<18}" + " " * 10 * len(results) + f"{exps.get('wall') or '-':>10}")
    print("\npeak MiB (PSS, all the run's processes) between a stage's line and the one before")
    for name in order:
        peaks = [[s.get("peak_memory_mib") for s in r["suite"]["stages"] if s["stage"] == name] for r in results]
        if any(p and p[0] for p in peaks):
            print(f"{name:<18}" + "".join(f"{p[0]:>10.0f}" if p and p[0] else f"{'-':>10}" for p in peaks))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="100,1000", help="comma-separated corpus sizes (default 100,1000)")
    p.add_argument("--seed", type=int, default=SEED, help=f"corpus seed (default {SEED})")
    p.add_argument("--work", type=Path, default=HERE / "work", help="folder for corpora and outputs")
    p.add_argument("--results", type=Path, default=HERE / "results", help="folder for the JSON results")
    p.add_argument("--timeout", type=float, default=None, help="stop a suite run after this many seconds")
    p.add_argument("--regenerate", action="store_true", help="remake corpora even if they exist")
    p.add_argument("--suite-args", default="", help="extra arguments for the suite, e.g. '--skip topics'")
    args = p.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    names = stage_names()
    results = []
    for n in sizes:
        corpus = ensure_corpus(n, args.seed, args.work, args.regenerate)
        texts = read_texts(corpus)
        print(f"N={n}: {sum(len(t.split()) for t in texts)} words in {corpus}", file=sys.stderr, flush=True)
        suite = run_suite(corpus, args.work / f"out-{n}", args.timeout, args.suite_args.split(), names)
        base = time_baseline(texts)
        results.append({"n": n, "n_words": sum(len(t.split()) for t in texts), "corpus": str(corpus),
                        "suite": suite, "baseline": base,
                        "articles_per_s": round(n / suite["wall_s"], 3),
                        "ratio_to_baseline": round(suite["wall_s"] / base["seconds"], 1)})
    exps = {}
    if len(results) >= 2:
        a, b = results[-2], results[-1]
        if not (a["suite"]["timed_out"] or b["suite"]["timed_out"]):
            exps["wall"] = exponent(a["n"], a["suite"]["wall_s"], b["n"], b["suite"]["wall_s"])
        for name in [PHASE, *names.values(), WRITING]:
            ta = [s["reported_s"] for s in a["suite"]["stages"] if s["stage"] == name]
            tb = [s["reported_s"] for s in b["suite"]["stages"] if s["stage"] == name]
            if ta and tb and not any(s.get("unfinished") for s in a["suite"]["stages"] + b["suite"]["stages"]
                                     if s["stage"] == name):
                exps[name] = exponent(a["n"], ta[0], b["n"], tb[0])
    print_table(results, [PHASE, *names.values(), WRITING], exps)
    args.results.mkdir(parents=True, exist_ok=True)
    dest = args.results / f"{dt.date.today().isoformat()}-{'-'.join(map(str, sizes))}.json"
    report = {"date": dt.datetime.now().isoformat(timespec="seconds"), "seed": args.seed, "sizes": sizes,
              "machine": machine(), "baseline": "CountVectorizer(ngram_range=(1, 2)).fit_transform(raw texts), "
              "best of 3", "results": results, "scaling_exponents": exps}
    dest.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {dest}", file=sys.stderr)
    return 0 if all(r["suite"]["returncode"] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
