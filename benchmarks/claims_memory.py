"""Time and memory of the claims stage alone, step by step, on the tables of an earlier run.

    .venv/bin/python benchmarks/claims_memory.py benchmarks/work/out-100000

Reads that run's ``sentences.csv`` and ``documents.csv``, runs :func:`analysis.claims.stage` on
them and prints, for each step, its seconds, the memory (PSS of this process and its children)
before and after it, and the highest seen so far (sampled every 0.5 s with psutil).
"""
from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pandas as pd
import psutil

from analysis import claims
from analysis.pipeline import Run

STEPS = ("_stem_texts", "_tfidf", "_edges", "group_claims", "claim_positions", "claim_labels", "claim_coverage", "own_claims")


def tree_pss() -> int:
    me = psutil.Process()
    total = 0
    for proc in [me, *me.children(recursive=True)]:
        try:
            total += proc.memory_full_info().pss
        except (psutil.Error, AttributeError):
            pass
    return total


def main(out: Path) -> None:
    peak, step = [0, "reading"], ["reading"]

    def sample():
        while True:
            mem = tree_pss()
            if mem > peak[0]:
                peak[:] = [mem, step[0]]
            time.sleep(0.5)

    threading.Thread(target=sample, daemon=True).start()
    tables = out / "tables"
    run = Run(None, None, {"seed": 20250505})
    run.sentences = pd.read_csv(tables / "sentences.csv", dtype={"doc_id": str}, keep_default_na=False,
                                usecols=["doc_id", "para_idx", "sent_idx", "position", "para_role", "start", "end",
                                         "text"])
    run.documents = pd.read_csv(tables / "documents.csv", dtype=str, keep_default_na=False,
                                usecols=["doc_id", "outlet", "event", "title", "n_sentences"])
    gib = 2 ** 30
    print(f"tables read: {tree_pss() / gib:.2f} GiB", flush=True)
    for name in STEPS:
        func = getattr(claims, name)

        def timed(*args, _name=name, _func=func, **kwargs):
            step[0], t0, before = _name, time.perf_counter(), tree_pss()
            result = _func(*args, **kwargs)
            print(f"{_name}: {time.perf_counter() - t0:.1f} s, {before / gib:.2f} -> {tree_pss() / gib:.2f} GiB, "
                  f"peak so far {peak[0] / gib:.2f} GiB ({peak[1]})", flush=True)
            return result

        setattr(claims, name, timed)
    t0 = time.perf_counter()
    print(claims.stage(run))
    print(f"claims stage: {time.perf_counter() - t0:.1f} s, peak {peak[0] / gib:.2f} GiB (in {peak[1]})")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
