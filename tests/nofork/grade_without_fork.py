"""Grade as tests/test_spawn.py asks, under tests/nofork/sitecustomize.py: argv[1] is a JSON
{"plan": {name: [folder, [exercise numbers]]}, "rules": bool}; prints each report as JSON."""

import json
import sys
from pathlib import Path

from graders import cli
from graders.engine import plugin, runner, worker
from graders.registry import by_number
from graders.trust import rules


def main() -> None:
    asked = json.loads(sys.argv[1])
    for target in cli.STUDENT_COMMANDS.values():  # every student command imports here
        cli.load(target)
    # Without SIGALRM the silence limit is the only hang guard, and it counts the grading child's
    # start and its submission processes' (fresh Pythons importing the grading stack: seconds on
    # a loaded machine; at 4 s every check of exercise 3 ran out in CI). The hangs graded here
    # are proven at once, so a long limit costs no time.
    worker.CHECK_TIMEOUT, runner.SILENCE_LIMIT, plugin.HANG_GUARD = 10, 40, 1
    rules.ENFORCED = asked["rules"]
    plan = {name: (Path(folder), [by_number(number) for number in numbers])
            for name, (folder, numbers) in asked["plan"].items()}
    reports = runner.grade_plan(plan, parallel=2)
    print(json.dumps({name: report.to_dict() for name, report in reports.items()}))


if __name__ == "__main__":
    main()
