import atexit
import functools
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

KIT = Path(__file__).resolve().parent.parent


def shipped_stubs() -> Path:
    """The exercises/ folder as committed, in a folder of its own: the kit's tests grade the stubs
    as shipped, never a clone's edited or solved exercises. Outside a git checkout (a packaged
    copy), the folder as it is."""
    listed = subprocess.run(["git", "-C", str(KIT), "ls-tree", "--name-only", "HEAD", "exercises/"],
                            capture_output=True, text=True, check=False)
    if listed.returncode != 0 or not listed.stdout.strip():
        return KIT / "exercises"
    folder = Path(tempfile.mkdtemp(prefix="kit-stubs-")) / "exercises"
    folder.mkdir()
    atexit.register(shutil.rmtree, folder.parent, ignore_errors=True)
    for name in listed.stdout.split():
        shown = subprocess.run(["git", "-C", str(KIT), "show", f"HEAD:{name}"], capture_output=True,
                               check=True)
        (folder / Path(name).name).write_bytes(shown.stdout)
    return folder


# Before any test imports the kit: graders.registry reads it once. Subprocesses inherit it.
os.environ["GRADE_EXERCISES_DIR"] = str(shipped_stubs())

DEV_EXTRAS = ("junitparser", "xdist")  # what the kit's tests import beyond the kit's own dependencies


def pytest_configure(config: pytest.Config) -> None:
    missing = [name for name in DEV_EXTRAS if importlib.util.find_spec(name) is None]
    if missing:
        pytest.exit(f"the kit's tests need its development extras ({', '.join(missing)} is "
                    f"missing): pip install -e '.[dev]'", returncode=4)


@functools.cache
def sandbox_missing() -> str:
    """Why the grading sandbox cannot run on this machine ("" when it can), in its own words."""
    from graders.trust import sandbox

    try:
        sandbox.choose(True)
    except sandbox.SandboxUnavailable as error:
        return str(error)
    return ""


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test marked `needs_sandbox` (it grades as `grade batch`, the PR script or the Gradescope
    bundle do, with the sandbox they require) is skipped, saying why, where no sandbox can run:
    no bubblewrap, and as root a Python other users cannot read."""
    if item.get_closest_marker("needs_sandbox") and (why := sandbox_missing()):
        pytest.skip(f"needs the grading sandbox: {why}")


@pytest.fixture(autouse=True)
def progress_in_a_temporary_folder(monkeypatch: pytest.MonkeyPatch, tmp_path_factory) -> None:
    """Grading the kit's own exercises/ must not write the student's .grade/ progress."""
    from graders.student import progress as student_progress

    state = tmp_path_factory.mktemp("grade-state")
    monkeypatch.setattr(student_progress, "STATE_DIR", state)
    monkeypatch.setenv("GRADE_STATE_DIR", str(state))


@pytest.fixture(params=["fork", "spawn"])
def start_method(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Grade with children forked, then started afresh (graders/engine/spawned.py)."""
    monkeypatch.setenv("GRADE_START", request.param)
    return str(request.param)
