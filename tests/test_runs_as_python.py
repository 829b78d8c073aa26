"""The student's file runs as `python` would run it: nothing of the grader's leaks into it.

Each test is one way the grader's loading of a file could differ from `import exNN_slug` under
plain Python; the future-import leak is tested in test_bad_input.py.
"""

from __future__ import annotations

import builtins
import json
import subprocess
import sys
from pathlib import Path

from kit import REFERENCE

from graders.engine.runner import grade
from graders.probes.student import Solution
from graders.registry import by_number
from graders.trust.rules import REFUSED_BUILTINS
from graders.trust.student_files import set_solutions_dir

EXERCISE = by_number(1)
SOURCE = (REFERENCE / EXERCISE.file_name).read_bytes()


def full_marks(folder: Path, content: bytes) -> bool:
    (folder / EXERCISE.file_name).write_bytes(content)
    result = grade([EXERCISE], folder).exercises[0]
    assert result.score == result.max_score, [check.message for check in result.checks]
    return True


def plain_import(folder: Path, expression: str) -> object:
    """`expression` (about the module `m`) evaluated after `import` under plain Python."""
    code = (f"import json, {EXERCISE.module_name} as m; "
            f"print(json.dumps({expression}))")
    done = subprocess.run([sys.executable, "-c", code], cwd=folder, capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout)


def test_a_utf8_bom_is_read_as_python_reads_it(tmp_path: Path) -> None:
    # Windows Notepad saves UTF-8 with a BOM; Python runs such a file, so must grading.
    content = b"\xef\xbb\xbf" + SOURCE
    (tmp_path / EXERCISE.file_name).write_bytes(content)
    assert plain_import(tmp_path, "m.greet.__name__") == "greet"
    assert full_marks(tmp_path, content)


def test_a_coding_declaration_is_honoured(tmp_path: Path) -> None:
    content = b"# -*- coding: latin-1 -*-\n# caf\xe9\n" + SOURCE
    (tmp_path / EXERCISE.file_name).write_bytes(content)
    assert plain_import(tmp_path, "m.greet.__name__") == "greet"
    assert full_marks(tmp_path, content)


def test_the_module_namespace_is_what_an_import_makes(tmp_path: Path) -> None:
    (tmp_path / EXERCISE.file_name).write_bytes(SOURCE)
    expected = plain_import(tmp_path, "sorted(vars(m))")
    set_solutions_dir(tmp_path)
    module = Solution(EXERCISE.module_name).module()
    assert sorted(vars(module)) == expected
    assert module.__name__ == EXERCISE.module_name and module.__package__ == ""
    assert sys.modules[EXERCISE.module_name] is module  # as an import leaves it


def test_the_builtins_are_python_s_less_only_the_refused_ones(tmp_path: Path) -> None:
    (tmp_path / EXERCISE.file_name).write_bytes(SOURCE)
    set_solutions_dir(tmp_path)
    given = Solution(EXERCISE.module_name).module().__dict__["__builtins__"]
    plain = set(vars(builtins))
    assert set(given) <= plain, "the grader adds names to the file's builtins"
    assert plain - set(given) <= set(REFUSED_BUILTINS)
    for name in set(given) - {"getattr", "hasattr"}:  # those two apply the rules at run time
        assert given[name] is vars(builtins)[name], name
