"""Benchmark: grading against the cost of starting Python with the grading stack.

    python bench/bench.py                       # medians of 5 runs, every goal of issue 17
    python bench/bench.py --before /tmp/old     # the same, side by side with another copy of the kit
    python bench/bench.py --exercises 1,3,6 --runs 7 --submissions 20

Measures on this machine, interleaved (one sample of each command in turn, so that a change of
load hits every figure alike) and reported as medians:

- the floor: one Python process importing pytest, aiohttp, aioresponses, click and looptime;
- `grade exercise N --solutions reference` for each N (goal: 1.3x the floor) and `grade all`
  (goal: 2x);
- a re-grade in a warm `grade watch` process (goal: 0.5x the floor);
- failing code against passing code: exercise 6 awaiting each call in turn, and with a one-worker
  pool, against the reference (goal: at most about a second more);
- `grade batch` throughput, against 70% of cores / (the cost of `grade all`).

Each figure is printed with the load average (1 minute) seen while it was measured: on a shared
machine a ratio means little without it.
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
from dataclasses import dataclass, field
from pathlib import Path

KIT = Path(__file__).resolve().parent.parent
FLOOR = [sys.executable, "-c", "import pytest, aiohttp, aioresponses, click, looptime"]
GOALS = {"exercise": 1.3, "all": 2.0, "watch": 0.5}
FAILING = ("bad_sequential_to_thread", "bad_small_pool")  # exercise 6: a barrier never fills
# A re-grade in a warm `grade watch` process: the grading stack imported (and, where the kit
# has it, the checks prepared) once; then the median of `runs` gradings of one exercise.
WATCH = """
import statistics, sys, time
from pathlib import Path
from graders.registry import by_number
from graders.engine import runner
from graders.student import watch
warm = getattr(watch, "warm", None)
if warm is not None:
    warm()
exercise, folder, runs = by_number(int(sys.argv[1])), Path(sys.argv[2]), int(sys.argv[3])
runner.grade([exercise], folder)
samples = []
for _ in range(runs):
    started = time.perf_counter()
    runner.grade([exercise], folder)
    samples.append(time.perf_counter() - started)
print(statistics.median(samples))
"""


def grade(kit: Path) -> list[str]:
    return [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(kit)!r}); "
                                  f"from graders.cli import main; main()"]


@dataclass
class Row:
    label: str
    command: list[str]
    kit: Path = KIT
    samples: list[float] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)
    output: bool = False  # the command prints its own figure (seconds) instead of being timed
    side: str = ""  # "before" or "after" with --before

    def sample(self) -> None:
        env = {**os.environ, "NO_COLOR": "1"}
        # Each command's own default; and bytecode written as on a student's machine (with
        # PYTHONDONTWRITEBYTECODE every run compiles the kit and rewrites the checks again).
        for name in ("GRADE_EXERCISES_DIR", "GRADE_SANDBOX", "PYTHONDONTWRITEBYTECODE"):
            env.pop(name, None)
        started = time.perf_counter()
        done = subprocess.run(self.command, cwd=self.kit, env=env, capture_output=True,
                              text=True, check=False)
        seconds = time.perf_counter() - started
        if self.output:
            seconds = float(done.stdout.strip().splitlines()[-1])
        self.samples.append(seconds)
        self.loads.append(os.getloadavg()[0])

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def load(self) -> float:
        return statistics.median(self.loads)


def sample_all(rows: list[Row], runs: int) -> None:
    """One warm-up sample each, then `runs` rounds of one sample of each row in turn."""
    for row in rows:
        row.sample()
        row.samples.clear()
        row.loads.clear()
    for _ in range(runs):
        for row in rows:
            row.sample()


def failing_folder(root: Path, kit: Path) -> dict[str, Path]:
    folders = {}
    for name in FAILING:
        folder = root / name
        folder.mkdir(parents=True)
        shutil.copy(kit / "tests" / "mutants" / "ex06_offload" / f"{name}.py",
                    folder / "ex06_offload.py")
        folders[name] = folder
    return folders


def batch_folder(root: Path, count: int) -> Path:
    """`count` submissions: alternately the reference and the stubs."""
    for index in range(count):
        source = KIT / ("reference" if index % 2 == 0 else "exercises")
        shutil.copytree(source, root / f"student{index:02d}",
                        ignore=shutil.ignore_patterns("__pycache__"))
    return root


def kits(before: Path | None) -> list[tuple[str, Path]]:
    return [("before", before), ("after", KIT)] if before else [("", KIT)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--submissions", type=int, default=20)
    parser.add_argument("--exercises", default="", help="comma-separated numbers (default: all)")
    parser.add_argument("--before", type=Path, default=None,
                        help="another copy of the kit, measured side by side")
    parser.add_argument("--no-batch", action="store_true", help="skip the batch figure")
    parser.add_argument("--no-failing", action="store_true",
                        help="skip exercise 6 failing (each sample waits out a barrier)")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    sys.path.insert(0, str(KIT))
    from graders.registry import exercises

    numbers = ([int(n) for n in args.exercises.split(",")] if args.exercises
               else [exercise.number for exercise in exercises()])
    reference = KIT / "reference"
    floor = Row("floor: import the grading stack", FLOOR)
    rows: list[tuple[str, Row]] = []
    with tempfile.TemporaryDirectory() as work:
        failing = failing_folder(Path(work) / "failing", KIT)
        for side, kit in kits(args.before):
            tag = f" [{side}]" if side else ""
            for number in numbers:
                rows.append(("exercise", Row(f"grade exercise {number}{tag}",
                                             [*grade(kit), "exercise", str(number), "--solutions",
                                              str(reference)], kit, side=side)))
            rows.append(("all", Row(f"grade all{tag}",
                                    [*grade(kit), "all", "--solutions", str(reference)], kit,
                                    side=side)))
            rows.append(("watch", Row(f"grade watch: re-grade exercise 1 (warm){tag}",
                                      [sys.executable, "-c", WATCH, "1", str(reference), "3"],
                                      kit, output=True, side=side)))
            rows.append(("passing", Row(f"exercise 6, reference{tag}",
                                        [*grade(kit), "exercise", "6", "--solutions",
                                         str(reference)], kit, side=side)))
            for name, folder in ({} if args.no_failing else failing).items():
                rows.append(("failing", Row(f"exercise 6, {name}{tag}",
                                            [*grade(kit), "exercise", "6", "--solutions",
                                             str(folder)], kit, side=side)))
        sample_all([floor, *(row for _, row in rows)], args.runs)
        batches = []
        if not args.no_batch:
            folder = batch_folder(Path(work) / "subs", args.submissions)
            for side, kit in kits(args.before):
                tag = f" [{side}]" if side else ""
                command = [*grade(kit), "batch", str(folder), "--jobs", str(cores), "--output",
                           str(Path(work) / f"grades{side}.csv")]
                batches.append(Row(f"grade batch ({args.submissions} submissions, --jobs "
                                   f"{cores}){tag}", command, kit, side=side))
            sample_all(batches, max(1, args.runs // 2))
    report(floor, rows, batches, args.submissions, cores, args.runs)


def report(floor: Row, rows: list[tuple[str, Row]], batches: list[Row], submissions: int,
           cores: int, runs: int) -> None:
    print(f"{cores} cores, Python {sys.version.split()[0]}, median of {runs} runs "
          f"(load: 1-minute load average, median over the samples)\n")
    print(f"{floor.label:<55} {floor.median:6.2f} s               load {floor.load:5.1f}")
    passing = {row.side: row.median for kind, row in rows if kind == "passing"}
    for kind, row in rows:
        ratio = row.median / floor.median
        if kind in GOALS:
            verdict = "holds" if ratio <= GOALS[kind] else "misses"
            goal = f"goal {GOALS[kind]:.1f}x: {verdict}"
        elif kind == "failing":
            extra = row.median - passing[row.side]
            goal = f"{extra:+.2f} s vs passing, goal <= +1 s: {'holds' if extra <= 1 else 'misses'}"
        else:
            goal = ""
        print(f"{row.label:<55} {row.median:6.2f} s {ratio:5.2f}x  load {row.load:5.1f}  {goal}")
    all_cost = {row.side: row.median for kind, row in rows if kind == "all"}
    for row in batches:
        per_minute = submissions / row.median * 60
        ideal = 0.7 * cores / all_cost[row.side] * 60
        verdict = "holds" if per_minute >= ideal else "misses"
        print(f"{row.label:<55} {row.median:6.2f} s  {per_minute:5.0f} submissions/min  load "
              f"{row.load:5.1f}  goal 70% of cores/(grade all) = {ideal:.0f}/min: {verdict} "
              f"({per_minute / ideal * 0.7:.0%} of cores/(grade all))")


if __name__ == "__main__":
    main()
