"""Soak: grade the reference and every mutant many times while other processes load every core,
and report every verdict that changed from one round to another.

    python scripts/soak.py --rounds 200            # load = one busy process per core
    python scripts/soak.py --rounds 20 --load 0    # without extra load

A verdict is a check's status for one submission (the reference, or a mutant). The reference must
pass every check in every round; each mutant must fail its named check in every round; and no
check's status may differ between rounds. Exit status 1 if anything changed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from graders.engine.runner import grade_plan
from graders.instructor.mutants import mutants, reference_dir
from graders.registry import Exercise, exercises

BUSY = "while True: pass"


def submissions(workdir: Path) -> dict[str, tuple[Path, list[Exercise]]]:
    """The reference on every exercise, and each mutant on its own exercise."""
    plan: dict[str, tuple[Path, list[Exercise]]] = {"reference": (reference_dir(), list(exercises()))}
    for mutant in mutants():
        folder = workdir / mutant.id
        folder.mkdir(parents=True)
        shutil.copy(mutant.path, folder / mutant.exercise.file_name)
        plan[mutant.id] = (folder, [mutant.exercise])
    return plan


def one_round(plan: dict[str, tuple[Path, list[Exercise]]], jobs: int) -> dict[tuple[str, str], str]:
    verdicts: dict[tuple[str, str], str] = {}
    for name, report in grade_plan(plan, parallel=jobs).items():
        for exercise in report.exercises:
            for check in exercise.checks:
                verdicts[name, f"ex{exercise.number:02d}_{exercise.slug}.{check.name}"] = check.status
    return verdicts


def expected_problems(verdicts: dict[tuple[str, str], str]) -> list[str]:
    problems = [f"reference {check}: {status}" for (name, check), status in verdicts.items()
                if name == "reference" and status != "passed"]
    for mutant in mutants():
        for check in mutant.fails:
            key = (mutant.id, f"{mutant.exercise.module_name}.{check}")
            if verdicts.get(key) == "passed":
                problems.append(f"mutant {mutant.id} passed {check}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--load", type=int, default=os.cpu_count() or 1,
                        help="busy processes to run meanwhile (default: one per core)")
    parser.add_argument("--jobs", type=int, default=4 * (os.cpu_count() or 1),
                        help="children at once (default: 4 per core; hang guards wait, not work)")
    args = parser.parse_args()
    # On SIGTERM too, leave through `finally`, so the busy processes never outlive the soak.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    load = [subprocess.Popen([sys.executable, "-c", BUSY]) for _ in range(args.load)]
    started = time.monotonic()
    changed: dict[tuple[str, str], set[str]] = defaultdict(set)
    problems: set[str] = set()
    try:
        with tempfile.TemporaryDirectory() as workdir:
            plan = submissions(Path(workdir))
            first: dict[tuple[str, str], str] = {}
            for round_number in range(1, args.rounds + 1):
                verdicts = one_round(plan, args.jobs)
                first = first or verdicts
                for key, status in verdicts.items():
                    if status != first.get(key):
                        changed[key] |= {first.get(key, "missing"), status}
                problems.update(expected_problems(verdicts))
                print(f"round {round_number}/{args.rounds}: {len(verdicts)} verdicts, "
                      f"{len(changed)} changed so far, {time.monotonic() - started:.0f} s",
                      flush=True)
    finally:
        for process in load:
            process.kill()
    total = len(first) * args.rounds
    print(f"\n{args.rounds} rounds x {len(first)} verdicts = {total} verdicts with {args.load} busy "
          f"processes on {os.cpu_count()} cores in {time.monotonic() - started:.0f} s")
    print(f"changed verdicts: {len(changed)}; wrong verdicts: {len(problems)}")
    for (name, check), statuses in sorted(changed.items()):
        print(f"  changed: {name} {check}: {' / '.join(sorted(statuses))}")
    for problem in sorted(problems):
        print(f"  wrong: {problem}")
    return 1 if changed or problems else 0


if __name__ == "__main__":
    sys.exit(main())
