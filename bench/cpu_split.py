"""Where the CPU of `grade all` goes: the grading process's imports and pytest session, then each
exercise's children (grading child, submission process, what the student's code starts).

    python bench/cpu_split.py                  # the reference, best of 3 per exercise
    python bench/cpu_split.py --solutions DIR --runs 5

CPU seconds (user + system), not wall time: a figure that a loaded machine changes little, to
see which exercise a speed-up should look at. The children's CPU is read from RUSAGE_CHILDREN,
which counts each process once it is waited for.
"""

from __future__ import annotations

import argparse
import resource
import sys
from pathlib import Path

KIT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(KIT))


def cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--solutions", type=Path, default=KIT / "reference")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    started = cpu(resource.RUSAGE_SELF)
    from graders.engine import runner, worker
    from graders.registry import exercises

    selection = list(exercises())
    worker.prepare(selection)
    print(f"grading process: imports and pytest session  {cpu(resource.RUSAGE_SELF) - started:6.3f} s")
    runner.grade(selection[:1], args.solutions)  # warm: the first fork pays for more
    total = 0.0
    for exercise in selection:
        best = float("inf")
        for _ in range(args.runs):
            before = cpu(resource.RUSAGE_CHILDREN)
            runner.grade([exercise], args.solutions)
            best = min(best, cpu(resource.RUSAGE_CHILDREN) - before)
        total += best
        checks = len(runner.check_specs(exercise))
        print(f"exercise {exercise.number:2d} ({checks} checks): children  {best:6.3f} s")
    print(f"every exercise's children, summed            {total:6.3f} s")


if __name__ == "__main__":
    main()
