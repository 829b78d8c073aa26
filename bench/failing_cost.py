"""Issue 17, goal 3: failing code costs no more than passing code by more than a second.

    python bench/failing_cost.py                    # exercises 5-7 and 10-13, every known mistake
    python bench/failing_cost.py --exercises 6,13 --runs 3 --show 5

For each exercise: the wall time of `grade exercise N --solutions DIR` with the reference, then
with each known mistake (tests/mutants/exNN_slug/*.py) in its place, each the median of `runs`
samples taken in turn (reference, every mutant, then again), with the load average seen. It prints
the reference's time and the slowest mutants' times with the extra seconds, and 'holds' or
'misses' against +1 s: a mistake that makes the checks wait out a real-time limit shows here.
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
GOAL = 1.0  # extra seconds a failing file may cost
DEFAULT = "5,6,7,10,11,12,13"  # the exercises whose checks wait at barriers or heartbeats


def grade(folder: Path, number: int) -> float:
    command = [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(KIT)!r}); "
                                     f"from graders.cli import main; main()",
               "exercise", str(number), "--solutions", str(folder)]
    env = {**os.environ, "NO_COLOR": "1"}
    for name in ("GRADE_EXERCISES_DIR", "GRADE_SANDBOX"):
        env.pop(name, None)
    started = time.perf_counter()
    subprocess.run(command, cwd=KIT, env=env, capture_output=True, check=False)
    return time.perf_counter() - started


def folders(root: Path, slug: str) -> dict[str, Path]:
    """The reference and each mutant, each alone in a folder as `slug.py`."""
    sources = {"reference": KIT / "reference" / f"{slug}.py"}
    sources |= {path.stem: path for path in sorted((KIT / "tests" / "mutants" / slug).glob("*.py"))}
    made = {}
    for name, source in sources.items():
        folder = root / slug / name
        folder.mkdir(parents=True)
        shutil.copy(source, folder / f"{slug}.py")
        made[name] = folder
    return made


def measure(number: int, slug: str, root: Path, runs: int) -> dict[str, tuple[float, float]]:
    """name -> (median seconds, median load)."""
    made = folders(root, slug)
    samples: dict[str, list[float]] = {name: [] for name in made}
    loads: dict[str, list[float]] = {name: [] for name in made}
    for _ in range(runs):
        for name, folder in made.items():
            samples[name].append(grade(folder, number))
            loads[name].append(os.getloadavg()[0])
    return {name: (statistics.median(samples[name]), statistics.median(loads[name]))
            for name in made}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--exercises", default=DEFAULT, help="comma-separated numbers")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--show", type=int, default=3, help="slowest mutants shown per exercise")
    args = parser.parse_args()
    sys.path.insert(0, str(KIT))
    from graders.registry import by_number

    print(f"{os.cpu_count()} cores, median of {args.runs} run(s); goal: a known mistake costs "
          f"at most +{GOAL:g} s over the reference\n")
    verdicts = []
    with tempfile.TemporaryDirectory() as work:
        for number in (int(n) for n in args.exercises.split(",")):
            slug = by_number(number).module_name
            times = measure(number, slug, Path(work), args.runs)
            reference, load = times.pop("reference")
            ranked = sorted(times.items(), key=lambda item: -item[1][0])
            worst = ranked[0][1][0] - reference if ranked else 0.0
            verdict = "holds" if worst <= GOAL else "misses"
            verdicts.append(verdict)
            print(f"exercise {number} ({slug}): reference {reference:.2f} s (load {load:.1f}), "
                  f"{len(times)} mistakes, worst {worst:+.2f} s: {verdict}")
            for name, (seconds, load) in ranked[:args.show]:
                print(f"    {name:<40} {seconds:6.2f} s  {seconds - reference:+6.2f} s  "
                      f"load {load:.1f}")
    print(f"\ngoal 3 (+{GOAL:g} s): {'holds' if all(v == 'holds' for v in verdicts) else 'misses'}")


if __name__ == "__main__":
    main()
