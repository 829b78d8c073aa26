"""JUnit XML for CI dashboards: one testsuite per exercise, one testcase per check.

A failed check is a <failure>; a check that grading had to stop (a crash or a hang) is an
<error>. Both carry the student's message and the cause (its id, name and lesson sentence), which
the case's <properties> hold too. Points go in each suite's <properties>.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from graders.results import CheckResult, ExerciseResult, Report

# Characters XML 1.0 cannot hold even escaped (NUL, most C0 controls, lone surrogates, U+FFFE/F).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
SUITES_NAME = "asyncio grading kit"


def render(report: Report, color: bool = False) -> str:
    root = ET.Element("testsuites", _counts(report.exercises), name=SUITES_NAME,
                      time=f"{report.seconds:.3f}")
    for exercise in report.exercises:
        root.append(_suite(exercise))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def clean(text: str) -> str:
    """`text` with the characters XML cannot carry shown as `\\xNN` / `\\uNNNN`."""
    return _NOT_XML.sub(lambda match: ascii(match.group())[1:-1], text)


def _counts(exercises: list[ExerciseResult]) -> dict[str, str]:
    checks = [check for exercise in exercises for check in exercise.checks]
    return {
        "tests": str(len(checks)),
        "failures": str(sum(check.status == "failed" for check in checks)),
        "errors": str(sum(check.status in ("error", "timeout") for check in checks)),
        "skipped": "0",
    }


def _suite(exercise: ExerciseResult) -> ET.Element:
    suite = ET.Element("testsuite", _counts([exercise]), name=_module(exercise))
    properties = ET.SubElement(suite, "properties")
    for name, value in (("title", exercise.title), ("file", exercise.file),
                        ("score", f"{exercise.score:g}"), ("max_score", f"{exercise.max_score:g}")):
        ET.SubElement(properties, "property", name=name, value=clean(value))
    for check in exercise.checks:
        suite.append(_case(_module(exercise), check))
    return suite


def _module(exercise: ExerciseResult) -> str:
    return exercise.file.removesuffix(".py") or f"ex{exercise.number:02d}_{exercise.slug}"


def _case(classname: str, check: CheckResult) -> ET.Element:
    case = ET.Element("testcase", classname=classname, name=check.name, time="0")
    points = f"{check.score:g}/{check.max_score:g} points"
    if not check.passed and check.cause is not None:  # first, as pytest writes a case's properties
        properties = ET.SubElement(case, "properties")
        for name, value in (("cause", check.cause.id), ("cause_name", check.cause.name),
                            ("lesson", check.cause.lesson)):
            ET.SubElement(properties, "property", name=name, value=clean(value))
    if not check.passed:
        tag = "failure" if check.status == "failed" else "error"
        first = check.message.splitlines()[0] if check.message else check.status
        problem = ET.SubElement(case, tag, message=clean(first), type=check.status)
        problem.text = clean("\n".join(filter(None, (check.message, _where(check), _cause(check)))))
    out = ET.SubElement(case, "system-out")
    out.text = clean(f"{check.title}: {points}")
    return case


def _cause(check: CheckResult) -> str:
    cause = check.cause
    if cause is None:
        return ""
    return f"cause: {cause.name} ({cause.id})" + (f"; the lesson: {cause.lesson}" if cause.lesson else "")


def _where(check: CheckResult) -> str:
    location = check.location
    return f"at {location.file}, line {location.line}" if location else ""
