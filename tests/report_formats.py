"""Readers for the machine formats, written from their specifications (not from the renderers),
shared by the tests of the formats, the Gradescope bundle and pull-request grading."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# Gradescope's autograder specification (gradescope/autograder_samples, docs/specs.md).
GRADESCOPE_VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}
GRADESCOPE_STATUS = {"passed", "failed"}
NUMBER = (int, float)


def gradescope_problems(data: Any) -> list[str]:
    """What in `data` does not follow Gradescope's results.json specification (empty: valid)."""
    if not isinstance(data, dict):
        return ["results.json is not an object"]
    problems = _typed(data, {"score": NUMBER, "execution_time": NUMBER, "output": str}, "top")
    if "visibility" in data and data["visibility"] not in GRADESCOPE_VISIBILITY:
        problems.append(f"top: visibility {data['visibility']!r}")
    tests = data.get("tests", [])
    if not isinstance(tests, list):
        return [*problems, "tests is not a list"]
    for index, test in enumerate(tests):
        problems += _test_problems(test, f"tests[{index}]")
    numbers = [test.get("number") for test in tests if isinstance(test, dict)]
    if len(set(numbers)) != len(numbers):
        problems.append("test numbers repeat")
    return problems


def _test_problems(test: Any, where: str) -> list[str]:
    if not isinstance(test, dict):
        return [f"{where} is not an object"]
    problems = _typed(test, {"name": str, "number": str, "score": NUMBER, "max_score": NUMBER,
                             "status": str, "output": str, "visibility": str}, where)
    if not problems:
        if not re.fullmatch(r"\d+\.\d+", test["number"]):
            problems.append(f"{where}: number {test['number']!r} is not like '3.2'")
        if test["status"] not in GRADESCOPE_STATUS:
            problems.append(f"{where}: status {test['status']!r}")
        if test["visibility"] not in GRADESCOPE_VISIBILITY:
            problems.append(f"{where}: visibility {test['visibility']!r}")
        if not 0 <= test["score"] <= test["max_score"]:
            problems.append(f"{where}: score {test['score']} outside 0..{test['max_score']}")
    if "tags" in test and not all(isinstance(tag, str) for tag in test["tags"]):
        problems.append(f"{where}: tags are not strings")
    return problems


def _typed(data: dict[str, Any], fields: dict[str, Any], where: str) -> list[str]:
    problems = []
    for name, kind in fields.items():
        value = data.get(name)
        if name not in data:
            problems.append(f"{where}: no {name}")
        elif not isinstance(value, kind) or isinstance(value, bool):
            problems.append(f"{where}: {name} is {type(value).__name__}")
    return problems


# GitHub workflow commands: `::error key=value,key=value::message`, escaped as in
# actions/toolkit's command.ts.
COMMAND = re.compile(r"^::(?P<name>[a-z-]+)(?: (?P<properties>[^:]*))?::(?P<data>.*)$")


@dataclass(frozen=True)
class Command:
    name: str
    properties: dict[str, str]
    data: str


def unescape(text: str) -> str:
    for escaped, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, char)
    return text


def workflow_commands(log: str) -> list[Command]:
    commands = []
    for line in log.splitlines():
        match = COMMAND.match(line)
        if match:
            pairs = (match["properties"] or "").split(",") if match["properties"] else []
            properties = dict(pair.split("=", 1) for pair in pairs)
            commands.append(Command(match["name"], {key: unescape(value) for key, value
                                                    in properties.items()},
                                    unescape(match["data"])))
    return commands
