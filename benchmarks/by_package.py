"""Where the suite's CPU time goes: the libraries it calls, or its own code.

    .venv/bin/python benchmarks/by_package.py benchmarks/work/corpus-10000-seed20250505

Runs every stage of ``features`` (:func:`analysis.pipeline.build`, nothing written) on the corpus
in this one process (``workers=1``, so no time is spent where the profiler cannot see it) under
:mod:`cProfile`, and prints each stage's seconds and the profile's own time (``tottime``) summed
by the package whose code ran it: a function of ``site-packages/<package>/`` (or a Cython file
``<package>/...pyx``) counts for that package, ``analysis/`` for the suite. A built-in function
(a regular expression, ``str.split``, a numpy call) has no file: its time counts for the package of
the function that called it, shared between callers as the profile records them. So "spacy" is
the time spaCy's own code took, and "analysis" is what the suite's Python lines asked of Python
and numpy directly.

The profiler slows Python code more than compiled code, so the suite's share is overstated and
the libraries' understated; the CountVectorizer baseline of the scale issue is timed here too,
outside the profiler, to put the numbers on the issue's scale. Writes the table as JSON beside
the text when ``--json FILE`` is given.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from analysis import pipeline  # noqa: E402
from run import read_texts, time_baseline  # noqa: E402

SITE = re.compile(r"site-packages/([^/]+)/")
CYTHON = re.compile(r"^([A-Za-z_][\w]*)/.*\.(?:pyx|pxd)$")
SUITE = "analysis"


def package_of(filename: str) -> str | None:
    """The package a profiled function belongs to; ``None`` for a built-in (no file)."""
    if filename == "~":
        return None
    m = SITE.search(filename)
    if m:
        return m.group(1).split(".")[0]
    m = CYTHON.match(filename)
    if m:
        return m.group(1)
    if f"/{SUITE}/" in filename:
        return SUITE
    return "python (standard library)" if "/lib/python" in filename else "other"


def by_package(stats: pstats.Stats) -> dict[str, float]:
    """Own time per package; a built-in's time split among its callers' packages by the calls' own time."""
    raw = stats.stats  # {(file, line, name): (cc, nc, tottime, cumtime, callers)}
    owners: dict = {}

    def owner(func, depth=0):  # a built-in called by a built-in: the package further up
        if func in owners:
            return owners[func]
        pkg = package_of(func[0])
        if pkg is None and depth < 5:
            callers = raw.get(func, (0, 0, 0, 0, {}))[4]
            best = max(callers, key=lambda c: callers[c][2], default=None)
            pkg = owner(best, depth + 1) if best is not None else None
        owners[func] = pkg or "built-ins (no caller recorded)"
        return owners[func]

    totals: dict = defaultdict(float)
    for func, (_, _, tottime, _, callers) in raw.items():
        if package_of(func[0]) is not None or not callers:
            totals[owner(func)] += tottime
            continue
        shared = sum(edge[2] for edge in callers.values())
        for caller, edge in callers.items():
            totals[owner(caller)] += tottime * (edge[2] / shared if shared else 1 / len(callers))
    return dict(totals)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--json", type=Path, help="also write the table here")
    ap.add_argument("--top", type=int, default=12, help="packages listed (the rest summed)")
    args = ap.parse_args()

    cv = time_baseline(read_texts(args.corpus))["seconds"]
    names = [name for name, _, _ in pipeline.STAGES]
    names[1] = "per-document phase"  # step 2's lines are the whole phase's (its stages' seconds are in its last line)
    lines, segments = [], defaultdict(list)  # stage -> profiles of the stretches that ended with its lines
    current = [cProfile.Profile()]

    def progress(step, total, message):  # a line ends a stretch: its profile goes to the line's stage
        current[0].disable()
        segments[names[step - 1]].append(current[0])
        lines.append(f"[{step}/{total}] {message}")
        current[0] = cProfile.Profile()
        current[0].enable()

    t0 = time.perf_counter()
    current[0].enable()
    pipeline.build(args.corpus, HERE / "work" / "by-package-unused", {"workers": 1}, progress=progress)
    current[0].disable()
    wall = time.perf_counter() - t0
    stages = {name: by_package(pstats.Stats(*profiles)) for name, profiles in segments.items()}
    totals = defaultdict(float)
    for packages in stages.values():
        for package, seconds in packages.items():
            totals[package] += seconds
    profiled = sum(totals.values())
    ranked = sorted(totals.items(), key=lambda kv: -kv[1])
    top, rest = ranked[:args.top], ranked[args.top:]
    if rest:
        top.append((f"{len(rest)} others", sum(v for _, v in rest)))

    print("\n".join(lines))
    print(f"\n{args.corpus}: {wall:.1f} s in one process under the profiler; "
          f"CountVectorizer(1, 2) {cv:.2f} s (best of 3, not profiled)")
    print(f"\n{'package':<34}{'own s':>9}{'share':>8}{'x CV':>8}")
    for name, seconds in top:
        print(f"{name:<34}{seconds:>9.1f}{seconds / profiled:>8.1%}{seconds / cv:>8.1f}")
    print(f"\n{'stage':<20}{'own s':>8}  the three packages that took most of it")
    for name, packages in stages.items():
        first = sorted(packages.items(), key=lambda kv: -kv[1])[:3]
        print(f"{name:<20}{sum(packages.values()):>8.1f}  " + ", ".join(f"{p} {v:.1f}" for p, v in first))
    if args.json:
        args.json.write_text(json.dumps({"corpus": str(args.corpus), "wall_s": round(wall, 1),
                                         "baseline_s": round(cv, 3), "lines": lines,
                                         "packages": {k: round(v, 2) for k, v in ranked},
                                         "stages": {name: {k: round(v, 2) for k, v in packages.items()}
                                                    for name, packages in stages.items()}}, indent=1) + "\n")


if __name__ == "__main__":
    main()
