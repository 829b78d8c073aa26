"""Where the student's functions are defined: read (never run) from their file by the engine.

Reports point a check at the student's function when the check itself has no line (a GitHub
annotation on `def fetch_all`). The file is untrusted, so it is parsed with a size cap and any
failure simply means "no line known".
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

from graders.trust.submitted import read_file

# A student's exercise file is a few kilobytes; a bigger one is not worth parsing in the grader.
MAX_SOURCE_BYTES = 512 * 1024


def def_lines(path: Path, names: Iterable[str]) -> dict[str, int]:
    """The line of the top-level `def`/`async def`/`class` of each of `names` in `path` (the last
    definition wins, as when Python runs the module), in the order of `names`."""
    tree = _parse(path)
    if tree is None:
        return {}
    found = {node.name: node.lineno for node in tree.body
             if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)}
    return {name: found[name] for name in names if name in found}


def _parse(path: Path) -> ast.Module | None:
    try:
        data = read_file(path.parent, path.name)  # never a link, a FIFO or a device
        if len(data) > MAX_SOURCE_BYTES:
            return None
        return ast.parse(data, filename=str(path))
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None
