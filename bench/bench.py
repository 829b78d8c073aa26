"""Benchmark: grading against the cost of starting Python with the grading stack.

    python bench/bench.py            # 5 runs of each, medians

Measures on this machine, side by side: the floor (one Python process importing pytest, aiohttp,
aioresponses, click and looptime), `grade exercise 3`, `grade all --solutions reference`, and
`grade batch` over 50 submissions with --jobs equal to the core count. Prints each as a ratio to
the floor, and batch throughput in submissions per minute.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KIT = Path(__file__).resolve().parent.parent
GRADE = [sys.executable, "-c", "from graders.cli import main; main()"]
FLOOR = [sys.executable, "-c", "import pytest, aiohttp, aioresponses, click, looptime"]


def timed(command: list[str], runs: int) -> float:
    """Median wall time of `command` over `runs` runs (after one warm-up run)."""
    env = {**os.environ, "NO_COLOR": "1"}
    subprocess.run(command, cwd=KIT, env=env, capture_output=True, check=False)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=KIT, env=env, capture_output=True, check=False)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def batch_folder(root: Path, count: int) -> Path:
    """`count` submissions: alternately the reference and the stubs."""
    for index in range(count):
        source = KIT / ("reference" if index % 2 == 0 else "exercises")
        shutil.copytree(source, root / f"student{index:02d}", ignore=shutil.ignore_patterns("__pycache__"))
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--submissions", type=int, default=50)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    floor = timed(FLOOR, args.runs)
    rows = [("floor: import the grading stack", floor)]
    rows.append(("grade exercise 3", timed([*GRADE, "exercise", "3"], args.runs)))
    rows.append(("grade all --solutions reference",
                 timed([*GRADE, "all", "--solutions", "reference"], args.runs)))
    with tempfile.TemporaryDirectory() as work:
        folder = batch_folder(Path(work) / "subs", args.submissions)
        batch = [*GRADE, "batch", str(folder), "--jobs", str(cores), "--output",
                 str(Path(work) / "grades.csv")]
        batch_time = timed(batch, max(1, args.runs // 2))
    rows.append((f"grade batch ({args.submissions} submissions, --jobs {cores})", batch_time))
    print(f"{cores} cores, Python {sys.version.split()[0]}, median of {args.runs} runs\n")
    for label, seconds in rows:
        print(f"{label:<50} {seconds:7.2f} s  {seconds / floor:5.1f}x floor")
    per_minute = args.submissions / batch_time * 60
    ideal = cores / floor * 60
    print(f"\nbatch throughput: {per_minute:.0f} submissions/min "
          f"(cores/floor would be {ideal:.0f}/min: {per_minute / ideal:.0%} of it)")


if __name__ == "__main__":
    main()
