"""Benchmark: writing the class report of a large class (goal: 300 submissions in under 2 s).

    python bench/class_report.py                        # 300 submissions, median of 5 runs
    python bench/class_report.py --submissions 1000 --runs 3
    python bench/class_report.py --from out/grades      # templates from a graded class

Grading 300 submissions takes minutes, and is not what is measured: a few are graded (the
reference, the stubs and two known mistakes of each exercise) or taken from `--from`, and each of
the N students gets, for each exercise, the result of one of them (drawn with a fixed seed). Then
the gradebook and the N JSON reports are written, and what `grade batch` does after grading is
timed: reading the reports back, counting, drawing the charts, writing the HTML.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KIT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(KIT))

from graders.instructor.batch import write_class_report  # noqa: E402
from graders.instructor.gradebook import Row, ranked  # noqa: E402
from graders.instructor.mutants import mutants, reference_dir  # noqa: E402
from graders.registry import EXERCISES_DIR, exercises  # noqa: E402
from graders.render.class_stats import state  # noqa: E402
from graders.results import report_from_dict  # noqa: E402


def grade_templates(work: Path) -> Path:
    """A small class graded for real: its JSON reports are the templates."""
    names = [exercise.file_name for exercise in exercises()]
    for who, source in (("reference", reference_dir()), ("stubs", EXERCISES_DIR)):
        (work / "class" / who).mkdir(parents=True)
        for name in names:
            shutil.copy(source / name, work / "class" / who / name)
    taken: dict[int, int] = {}
    for mutant in mutants():
        if taken.get(mutant.exercise.number, 0) < 2:
            taken[mutant.exercise.number] = taken.get(mutant.exercise.number, 0) + 1
            folder = work / "class" / f"{mutant.exercise.module_name}-{mutant.path.stem}"
            folder.mkdir()
            shutil.copy(mutant.path, folder / mutant.exercise.file_name)
    subprocess.run([sys.executable, "-m", "graders.cli", "batch", str(work / "class"), "-o",
                    str(work / "templates.csv"), "--no-sandbox"], check=True, cwd=KIT)
    return work / "templates"


def by_exercise(templates: Path) -> dict[int, list[dict[str, object]]]:
    """Every graded result of each exercise among the templates (the file present)."""
    found: dict[int, list[dict[str, object]]] = {}
    for path in sorted(templates.glob("*.json")):
        graded = json.loads(path.read_text(encoding="utf-8"))
        for exercise, result in zip(graded.get("exercises", []),
                                    report_from_dict(graded).exercises, strict=True):
            if state(result) != "missing":  # as the class report decides it
                found.setdefault(exercise["number"], []).append(exercise)
    return found


def make_class(templates: Path, count: int, out: Path) -> list[Row]:
    pool, draw = by_exercise(templates), random.Random(24)
    out.mkdir(parents=True)
    rows = []
    for index in range(count):
        name = f"student{index:04d}"
        chosen = [draw.choice(pool[exercise.number]) for exercise in exercises()]
        score = sum(float(ex["score"]) for ex in chosen)  # type: ignore[arg-type]
        maximum = sum(float(ex["max_score"]) for ex in chosen)  # type: ignore[arg-type]
        report = {"submission": name, "status": "ok", "score": score, "max_score": maximum,
                  "exercises": chosen}
        (out / f"{name}.json").write_text(json.dumps(report), encoding="utf-8")
        scores = {exercise.module_name: float(ex["score"])  # type: ignore[arg-type]
                  for exercise, ex in zip(exercises(), chosen, strict=True)}
        rows.append(Row(name, scores, score, maximum, "ok"))
    return ranked(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--from", dest="templates", type=Path, default=None,
                        help="a folder of JSON reports written by grade batch")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-class-") as folder:
        work = Path(folder)
        templates = args.templates or grade_templates(work)
        rows = make_class(templates, args.submissions, work / "grades")
        seconds, cpu = [], []
        for _ in range(args.runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            write_class_report(rows, work / "grades", work / "grades.html")
            seconds.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        size = (work / "grades.html").stat().st_size
    print(f"class report of {args.submissions} submissions: median {statistics.median(seconds):.2f} s "
          f"over {args.runs} runs (min {min(seconds):.2f} s, max {max(seconds):.2f} s), "
          f"{size / 1024:.0f} KiB; CPU time median {statistics.median(cpu):.2f} s; load average "
          f"{os.getloadavg()[0]:.1f}; goal < 2 s for 300")


if __name__ == "__main__":
    main()
