"""The results protocol, the sandbox and what outlives `grade` (issue 13, items 3 to 5).

Hostile code here reaches for processes and pipes, which the rules for exercise files refuse
before any code runs: these tests switch the rules off (`rules.ENFORCED`, which a sandboxed child
is told too) to prove what lies beneath them. Tests that need bubblewrap skip when it cannot run
here; `.ci/run` installs it. No assertion is about how long anything took: a bounded wait for
something to happen (a process to appear or to be gone) only keeps a broken kit from hanging.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import site
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from kit import REFERENCE, marked, wait_for

from graders.engine import plugin, runner, worker
from graders.engine.isolation import Ended, Heard, Job, run_jobs
from graders.engine.runner import check_specs, grade, grade_many
from graders.registry import KIT_ROOT, by_number
from graders.trust import rules, sandbox
from graders.trust.protocol import Session

EX01 = by_number(1)
BWRAP = sandbox._bwrap()
needs_bwrap = pytest.mark.skipif(not BWRAP, reason="bubblewrap is not installed or cannot make "
                                                   "its namespaces here (.ci/run installs it)")
CORRECT_EX01 = (REFERENCE / EX01.file_name).read_text()
# Read before any test shortens them: a sandboxed child starting on a loaded machine may take
# longer than the short limits before its first result.
PRODUCTION = {(worker, "CHECK_TIMEOUT"): worker.CHECK_TIMEOUT,
              (runner, "SILENCE_LIMIT"): runner.SILENCE_LIMIT,
              (plugin, "HANG_GUARD"): plugin.HANG_GUARD}


@pytest.fixture(autouse=True)
def short_limits_no_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker, "CHECK_TIMEOUT", 2)
    monkeypatch.setattr(runner, "SILENCE_LIMIT", 4)
    monkeypatch.setattr(plugin, "HANG_GUARD", 1)
    monkeypatch.setattr(rules, "ENFORCED", False)


def solution(folder: Path, prelude: str, greet_body: str = "") -> Path:
    """An exercise 1 file: the reference, with `prelude` run at import and `greet_body` run
    first in greet."""
    folder.mkdir(parents=True, exist_ok=True)
    source = CORRECT_EX01.replace(
        "async def greet(name: str, delay: float) -> str:\n",
        "async def greet(name: str, delay: float) -> str:\n" + greet_body)
    (folder / EX01.file_name).write_text(prelude + "\n" + source)
    return folder


def titles() -> list[str]:
    return [spec.title for spec in check_specs(EX01)]


# --- the protocol, line by line ---------------------------------------------------------------

def signed(sign, message: dict) -> bytes:  # type: ignore[no-untyped-def]
    data = json.dumps(message).encode()
    return data + b"\t" + sign(data)


def result(name: str, status: str = "passed") -> dict:
    return {"exercise": "ex01", "name": name, "title": name, "status": status, "score": 1,
            "max_score": 1}


def session(attributable: bool = True) -> tuple[Session, object]:
    sign = worker.signer(b"k" * 32)
    titles = {("ex01", "a"): "Check A", ("ex01", "b"): "Check B"}
    return Session(sign, titles, attributable), sign


def test_a_signed_result_for_another_check_is_tampering_charged_to_the_running_one() -> None:
    heard, sign = session()
    assert heard.hear(signed(sign, {"event": "start", "exercise": "ex01", "name": "a"})) \
        is Heard.PROGRESS
    assert heard.hear(signed(sign, result("b"))) is Heard.TAMPERING
    assert heard.tampering is not None and heard.tampering.check == ("ex01", "a")
    assert '"Check B"' in heard.tampering.message and "tampering" in heard.tampering.message
    assert heard.results == {}


def test_a_second_result_and_a_start_out_of_turn_are_tampering() -> None:
    heard, sign = session()
    heard.hear(signed(sign, {"event": "start", "exercise": "ex01", "name": "a"}))
    assert heard.hear(signed(sign, result("a"))) is Heard.PROGRESS
    assert heard.hear(signed(sign, result("a"))) is Heard.TAMPERING
    assert "a second result" in heard.tampering.message  # type: ignore[union-attr]
    again, sign = session()
    again.hear(signed(sign, {"event": "start", "exercise": "ex01", "name": "a"}))
    assert again.hear(signed(sign, {"event": "start", "exercise": "ex01", "name": "b"})) \
        is Heard.TAMPERING


def test_unsigned_lines_cost_only_a_submission_they_can_be_charged_to() -> None:
    mine, _ = session(attributable=True)
    assert mine.hear(b'{"name": "a", "status": "passed"}') is Heard.TAMPERING
    assert "result line(s) it did not send" in mine.tampering.message  # type: ignore[union-attr]
    # Outside the sandbox, in a batch, a classmate may have written it: ignored, and it does not
    # count as progress either.
    classmate, sign = session(attributable=False)
    assert classmate.hear(b'{"name": "a", "status": "passed"}') is Heard.NOTHING
    assert classmate.hear(b"x" * 100) is Heard.NOTHING
    assert classmate.ignored == 2 and classmate.tampering is None
    assert classmate.hear(signed(sign, {"event": "start", "exercise": "ex01", "name": "a"})) \
        is Heard.PROGRESS


def test_a_child_that_keeps_talking_still_ends_at_its_wall_budget() -> None:
    def chatter(fd: int) -> None:
        while True:
            os.write(fd, b"progress\n")
            time.sleep(0.2)

    ended: list[Ended] = []
    job = Job("chatter", chatter, time_limit=1, budget=2, listen=lambda _line: Heard.PROGRESS)
    run_jobs([job], 1, lambda end: ended.append(end) or [])
    assert ended[0].over_budget == 2 and "all the time it had" in ended[0].describe()


# --- the protocol, end to end ------------------------------------------------------------------

def test_a_forged_signed_result_fails_the_check_running_and_names_the_forged_one(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    specs = check_specs(EX01)
    real = worker.run_checks

    def forging(plan, solutions, fd, key, seeds):  # type: ignore[no-untyped-def]
        if len(plan[0][1]) == len(specs):  # the first child only
            sign = worker.signer(key)
            os.write(fd, signed(sign, {"event": "start", "exercise": EX01.module_name,
                                       "name": specs[0].name}) + b"\n")
            os.write(fd, signed(sign, result(specs[1].name) | {"exercise": EX01.module_name})
                     + b"\n")
        return real(plan, solutions, fd, key, seeds)

    monkeypatch.setattr(worker, "run_checks", forging)
    shutil.copy(REFERENCE / EX01.file_name, tmp_path / EX01.file_name)
    first, *rest = grade([EX01], tmp_path, sandboxed=False).exercises[0].checks
    assert first.status == "failed" and f'"{specs[1].title}"' in first.message
    assert "tampering" in first.message
    assert all(check.passed for check in rest), [check.message for check in rest]


DRIBBLER = """
import os
import threading
import time


def _dribble():
    while True:
        for fd in range(3, 1024):
            try:
                os.write(fd, b"x")
            except OSError:
                pass
        time.sleep(0.5)
"""
SWALLOW = """    threading.Thread(target=_dribble, daemon=True).start()
    while True:
        try:
            time.sleep(0.05)
        except BaseException:
            pass
"""


def test_bytes_dribbled_into_the_results_pipe_do_not_keep_a_hang_alive(tmp_path: Path) -> None:
    folder = solution(tmp_path, DRIBBLER, SWALLOW)
    checks = {check.name: check for check in grade([EX01], folder).exercises[0].checks}
    hung = checks["greet_returns_greeting"]
    # Judged in a process of its own, the code holds no descriptor of the grading child's: the
    # bytes land on its own socket to the judge, which ends it for breaking the protocol.
    assert hung.status == "error" and "broke the grading protocol" in hung.message, hung.message


# --- the sandbox -------------------------------------------------------------------------------

def test_without_the_sandbox_nothing_changes_and_a_missing_one_is_one_line(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(sandbox.ENV, raising=False)
    assert sandbox.choose(None) is sandbox.OFF
    monkeypatch.setenv(sandbox.ENV, "off")
    assert sandbox.choose(None) is sandbox.OFF
    monkeypatch.setattr(sandbox, "_bwrap", lambda: "")
    monkeypatch.setattr(sandbox, "_unprivileged_runs", lambda _bwrap: False)
    sandbox._available.cache_clear()
    try:
        with pytest.raises(sandbox.SandboxUnavailable) as raised:
            sandbox.choose(True)
    finally:
        sandbox._available.cache_clear()
    assert raised.value.exit_code == 2 and "\n" not in raised.value.format_message()


def test_grade_says_in_one_line_when_the_sandbox_it_needs_cannot_run(tmp_path: Path) -> None:
    shutil.copy(REFERENCE / EX01.file_name, tmp_path / EX01.file_name)
    driver = ("import sys; from graders.trust import sandbox; sandbox._bwrap = lambda: ''; "
              "sandbox._unprivileged_runs = lambda _bwrap: False; "
              "from graders.cli import main; main(sys.argv[1:])")
    done = subprocess.run([sys.executable, "-c", driver, "exercise", "1", "--solutions",
                           str(tmp_path)], capture_output=True, text=True,
                          env={**os.environ, sandbox.ENV: "on"}, check=False)
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert "sandbox" in done.stderr and done.stdout == ""


@needs_bwrap
def test_sandboxed_code_cannot_write_the_venv() -> None:
    target = Path(site.getsitepackages()[0]) / "kit_sandbox_probe.pth"
    command = [*sandbox.worker_command(BWRAP, KIT_ROOT)[:-4], sys.executable, "-c",
               f"open({str(target)!r}, 'w').write('import os')"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode != 0 and "Read-only file system" in done.stderr, done.stderr
    assert not target.exists()


PTH = """
import os
import site

for _folder in site.getsitepackages():
    try:
        with open(os.path.join(_folder, "kit_hostile_persists.pth"), "w") as _pth:
            _pth.write("import os; os.environ['KIT_PERSISTED'] = '1'\\n")
    except OSError:
        pass
"""


@needs_bwrap
def test_a_pth_written_into_site_packages_is_refused(tmp_path: Path) -> None:
    packages = [Path(folder) for folder in site.getsitepackages()]
    before = {folder: sorted(os.listdir(folder)) for folder in packages}
    try:
        report = grade([EX01], solution(tmp_path, PTH), sandboxed=True)
        assert {folder: sorted(os.listdir(folder)) for folder in packages} == before
    finally:
        for folder in packages:
            (folder / "kit_hostile_persists.pth").unlink(missing_ok=True)
    assert report.exercises[0].score == report.exercises[0].max_score


KILLS_PARENT = """
import os
import signal
"""


@needs_bwrap
def test_a_child_that_kills_its_parent_does_not_stop_grading(tmp_path: Path) -> None:
    folder = solution(tmp_path, KILLS_PARENT, "    os.kill(os.getppid(), signal.SIGKILL)\n")
    graded = grade([EX01], folder, sandboxed=True).exercises[0]
    assert [check.title for check in graded.checks] == titles()  # the report is whole




def spawner(marker: str) -> str:
    """Starts, at import, a process in its own session and one in its own; both sleep."""
    return f"""
import subprocess

for _new_session in (False, True):
    subprocess.Popen(["sleep", "600"], env={{"KIT_MARK": "{marker}"}},
                     start_new_session=_new_session)
"""


@needs_bwrap
def test_a_new_session_started_by_graded_code_is_gone_after_grading(tmp_path: Path) -> None:
    marker = f"kit-setsid-{os.getpid()}-{tmp_path.name}"
    grade([EX01], solution(tmp_path, spawner(marker)), sandboxed=True)
    # bwrap returns as its command ends; the kernel then ends the rest of its pid namespace.
    assert wait_for(lambda: marked(marker) == []), f"left running: {marked(marker)}"


HANGS = ("    while True:\n        try:\n            time.sleep(0.05)\n"
         "        except BaseException:\n            pass\n")


@pytest.fixture
def grade_process(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`grade exercise 1` (rules off) on a file that starts marked processes then hangs."""
    marker = f"kit-outlive-{os.getpid()}-{tmp_path.name}"
    folder = solution(tmp_path / "solutions", spawner(marker) + "import time\n", HANGS)
    driver = ("import sys; from graders.trust import rules; rules.ENFORCED = False; "
              "from graders.cli import main; main(sys.argv[1:])")
    process = subprocess.Popen([sys.executable, "-c", driver, "exercise", "1", "--solutions",
                                str(folder)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env={**os.environ, sandbox.ENV: "on"})
    try:
        yield process, marker
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()
        for pid in marked(marker):  # a failed test leaves nothing behind either
            os.kill(pid, signal.SIGKILL)


@needs_bwrap
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_nothing_outlives_grade_however_it_is_killed(
        grade_process: tuple[subprocess.Popen[str], str], how: signal.Signals) -> None:
    process, marker = grade_process
    assert wait_for(lambda: len(marked(marker)) == 2), "the graded code did not start"
    process.send_signal(how)
    process.wait()
    assert process.returncode != 0
    if how != signal.SIGKILL:
        assert "aborted" in process.stderr.read()  # type: ignore[union-attr]
    assert wait_for(lambda: marked(marker) == []), f"left running: {marked(marker)}"


SABOTEUR = """
import os
import signal

# Only inside a pid namespace of its own (the sandbox): never loose on the machine running tests.
if os.getpid() < 50:
    for _pid in os.listdir("/proc"):
        if _pid.isdigit():
            for _fd in range(3, 1024):
                try:
                    _out = os.open(f"/proc/{_pid}/fd/{_fd}", os.O_WRONLY | os.O_NONBLOCK)
                except OSError:
                    continue
                try:
                    os.write(_out, b'{"name": "greet_returns_greeting", "status": "failed"}\\n')
                except OSError:
                    pass
                os.close(_out)
            try:
                os.kill(int(_pid), signal.SIGKILL)
            except OSError:
                pass
"""


@needs_bwrap
def test_a_saboteur_in_a_batch_costs_no_classmate_a_point(tmp_path: Path) -> None:
    folders = {f"student{number}": solution(tmp_path / f"student{number}", "")
               for number in range(4)}
    folders["saboteur"] = solution(tmp_path / "saboteur", SABOTEUR)
    reports = grade_many(folders, [EX01], parallel=2, sandboxed=True)
    for name in folders:
        if name != "saboteur":
            graded = reports[name].exercises[0]
            assert graded.score == graded.max_score > 0, [c.message for c in graded.checks]



# --- what a grade of record sees (issue 21, item 4) ----------------------------------------------

ESCAPES = """
import os
import socket

_escaped = []
for _path in {paths!r}:
    try:
        with open(_path, "rb") as _file:
            _file.read(1)
        _escaped.append("read " + _path)
    except OSError:
        pass
for _folder, _own in {folders!r}:
    try:
        _seen = sorted(set(os.listdir(_folder)) - set(_own))
    except OSError:
        _seen = []
    if _seen:
        _escaped.append("listed " + _folder + ": " + ", ".join(_seen))
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=5).close()
    _escaped.append("connected to 127.0.0.1:{port}")
except OSError:
    pass
for _folder in ("/tmp", "/dev/shm", "/var/tmp"):
    try:
        with open(os.path.join(_folder, "{marker}"), "w") as _file:
            _file.write("left behind")
    except OSError:
        pass
if _escaped:
    raise RuntimeError("escaped: " + "; ".join(_escaped))
"""


@pytest.fixture(params=["bwrap", "setuid"])
def record_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The sandbox of grades of record in each mode this machine can run (skipped, with why,
    where it cannot): bubblewrap, and root's fallback without it (GRADE_BWRAP=off). Nothing
    graded here hangs: the production limits, so that a slow start under load is no hang."""
    for (module, name), value in PRODUCTION.items():
        monkeypatch.setattr(module, name, value)
    if request.param == "bwrap" and not BWRAP:
        pytest.skip("bubblewrap is not installed or cannot make its namespaces here")
    if request.param == "setuid":
        if not hasattr(os, "geteuid") or os.geteuid() != 0:
            pytest.skip("the sandbox without bubblewrap needs grade to run as root")
        monkeypatch.setenv(sandbox.BWRAP_ENV, "off")
    sandbox._available.cache_clear()
    request.addfinalizer(sandbox._available.cache_clear)
    try:
        chosen = sandbox.choose(True)
    except sandbox.SandboxUnavailable as error:
        pytest.skip(error.format_message())
    assert chosen.mode == request.param
    return request.param


def batch(root: Path) -> dict[str, dict]:
    """`grade batch` of the class in `root`, in the sandbox: each submission's JSON report."""
    from click.testing import CliRunner

    from graders.cli import cli

    output = root.parent / f"{root.name}-grades" / "grades.csv"
    result = CliRunner().invoke(cli, ["batch", str(root), "-o", str(output), "--jobs", "2",
                                      "--sandbox"])
    assert result.exit_code == 0, result.output
    return {report.stem: json.loads(report.read_text())
            for report in (output.parent / "grades").glob("*.json")}


def ex01_of(report: dict) -> dict:
    return next(exercise for exercise in report["exercises"] if exercise["number"] == 1)


def kit_shown() -> list[str]:
    """What of the kit's root a sandboxed child may see: graders/, and the virtual environment
    when it lies in the kit (the README installs it at .venv): the Python that runs the checks."""
    kit, venv = KIT_ROOT.resolve(), Path(sys.prefix).resolve()
    return ["graders"] + ([venv.relative_to(kit).parts[0]] if venv.is_relative_to(kit) else [])


def test_a_graded_submission_sees_only_itself(record_mode: str, tmp_path: Path) -> None:
    import socket

    marker = f"kit-left-{os.getpid()}-{tmp_path.name}"
    classmate = solution(tmp_path / "class" / "bob", "")
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    try:
        port = listener.getsockname()[1]
        kit_files = [KIT_ROOT / "reference" / EX01.file_name, KIT_ROOT / "tests" / "conftest.py",
                     KIT_ROOT / "pyproject.toml"]
        prelude = ESCAPES.format(
            paths=[str(path) for path in [*kit_files, classmate / EX01.file_name]],
            folders=[(str(tmp_path / "class"), ["ada"]), (str(KIT_ROOT), kit_shown())],
            port=port, marker=marker)
        solution(tmp_path / "class" / "ada", prelude)
        reports = batch(tmp_path / "class")
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody connected
    finally:
        listener.close()
    for name in ("ada", "bob"):
        graded = ex01_of(reports[name])
        assert graded["score"] == graded["max_score"] > 0, [
            check["message"] for check in graded["checks"] if check["status"] != "passed"]
    left = [folder for folder in ("/tmp", "/dev/shm", "/var/tmp")
            if os.path.lexists(os.path.join(folder, marker))]
    assert left == [], f"{marker} left in {left}"


def test_a_class_folder_only_root_can_enter_is_graded_as_usual(record_mode: str,
                                                                tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("a folder of mode 0700 shuts out the sandbox's uid only when grade is root")
    root = tmp_path / "class"
    for name in ("ada", "bob"):
        solution(root / name, "")
    root.chmod(0o700)  # what `mktemp -d` makes
    reports = batch(root)
    assert sorted(reports) == ["ada", "bob"]
    for report in reports.values():
        graded = ex01_of(report)
        assert graded["score"] == graded["max_score"] > 0, [
            check["message"] for check in graded["checks"] if check["status"] != "passed"]


def test_why_the_sandbox_cannot_run_names_the_closed_folder() -> None:
    import tempfile

    top = Path(tempfile.mkdtemp())  # pytest's own tmp_path is under a folder of mode 0700
    try:
        top.chmod(0o755)
        closed = top / "home"
        (closed / "pyenv").mkdir(parents=True)
        (closed / "pyenv" / "python").write_text("")
        closed.chmod(0o700)
        assert sandbox.closed_folder(closed / "pyenv" / "python") == f"{closed} (mode 0700)"
        closed.chmod(0o755)
        (closed / "pyenv" / "python").chmod(0o600)
        assert sandbox.closed_folder(closed / "pyenv" / "python") == \
            f"{closed / 'pyenv' / 'python'} (mode 0600)"
        (closed / "pyenv" / "python").chmod(0o644)
        assert sandbox.closed_folder(closed / "pyenv" / "python") == ""
    finally:
        shutil.rmtree(top)


def test_bwrap_is_found_on_path_or_named_or_turned_off(monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    monkeypatch.setenv(sandbox.BWRAP_ENV, "off")
    path, why = sandbox._bwrap_probe()
    assert path == "" and "GRADE_BWRAP=off" in why
    monkeypatch.setenv(sandbox.BWRAP_ENV, str(tmp_path / "nowhere"))
    path, why = sandbox._bwrap_probe()
    assert path == "" and str(tmp_path / "nowhere") in why
    if not BWRAP:
        pytest.skip("bubblewrap is not installed or cannot make its namespaces here")
    monkeypatch.delenv(sandbox.BWRAP_ENV)
    (tmp_path / "bwrap").symlink_to(BWRAP)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}")
    assert sandbox._bwrap_probe() == (str(tmp_path / "bwrap"), "")


# --- why the sandbox cannot run, faked: none of these needs bubblewrap -------------------------

def fake_bwrap(folder: Path, script: str) -> Path:
    """A program named bwrap in `folder`, first on PATH (before any real one)."""
    folder.mkdir(parents=True, exist_ok=True)
    program = folder / "bwrap"
    program.write_text(f"#!/bin/sh\n{script}\n")
    program.chmod(0o755)
    return program


@pytest.fixture
def unavailable(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """The sandbox asked for on a machine faked by the test; `_available` forgets it after."""
    monkeypatch.delenv(sandbox.BWRAP_ENV, raising=False)
    monkeypatch.setattr(sandbox, "_unprivileged_runs", lambda _bwrap: False)
    sandbox._available.cache_clear()
    yield monkeypatch
    sandbox._available.cache_clear()


def refusal(switch: str = "", wanted: bool | None = True) -> str:
    sandbox._available.cache_clear()
    with pytest.raises(sandbox.SandboxUnavailable) as raised:
        sandbox.choose(wanted, switch)
    message = raised.value.format_message()
    assert raised.value.exit_code == 2 and "\n" not in message
    return message


def test_bwrap_is_found_on_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(sandbox.BWRAP_ENV, raising=False)
    program = fake_bwrap(tmp_path / "bin", "exit 0")  # "works": it runs `true` as asked
    monkeypatch.setenv("PATH", f"{program.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    assert sandbox._bwrap_probe() == (str(program), "")


def test_a_root_without_bwrap_and_a_python_others_cannot_read_is_told_which_folder(
        unavailable: pytest.MonkeyPatch) -> None:
    import tempfile

    top = Path(tempfile.mkdtemp())  # pytest's own tmp_path is under a folder of mode 0700
    try:
        top.chmod(0o755)
        python = top / "root" / ".pyenv" / "bin" / "python3.11"
        python.parent.mkdir(parents=True)
        python.write_text("")
        (top / "root").chmod(0o700)
        unavailable.setattr(sandbox, "_bwrap_probe", lambda: ("", "bubblewrap is not installed"))
        unavailable.setattr(sandbox.os, "geteuid", lambda: 0)
        unavailable.setattr(sandbox.sys, "executable", str(python))
        message = refusal()
    finally:
        (top / "root").chmod(0o755)
        shutil.rmtree(top)
    assert "bubblewrap is not installed" in message
    assert (f"this Python ({python}) is under {top / 'root'} (mode 0700), which other users "
            f"cannot enter") in message
    assert "run grade as root" not in message and "not run as root" not in message
    assert message.endswith("Or grade without the sandbox: GRADE_SANDBOX=off")


def test_a_bwrap_that_cannot_make_namespaces_is_named(unavailable: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    said = "bwrap: No permissions to create new namespace, likely because the kernel does not allow"
    program = fake_bwrap(tmp_path / "bin", f"echo '{said} non-privileged user namespaces' >&2; exit 1")
    unavailable.setenv("PATH", f"{program.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    unavailable.setattr(sandbox.os, "geteuid", lambda: 1000)
    message = refusal()
    assert f"bubblewrap ({program}) cannot make its namespaces here ({said}" in message
    assert "grade is not run as root" in message
    assert message.endswith("Or grade without the sandbox: GRADE_SANDBOX=off")


@pytest.mark.parametrize(("command", "switch"), [
    (["exercise", "1", "--solutions", "{folder}"], "GRADE_SANDBOX=off"),
    # what run_autograder and grade-pr.sh run, with GRADE_SANDBOX=on
    (["all", "--solutions", "{folder}", "--format", "gradescope", "--output", "{out}"],
     "GRADE_SANDBOX=off"),
    (["batch", "{class}", "-o", "{out}"], "grade batch --no-sandbox, or GRADE_SANDBOX=off"),
    (["batch", "{class}", "-o", "{out}", "--sandbox"], "grade batch --no-sandbox"),
])
def test_the_refusal_names_the_switch_that_applies_where_it_was_raised(
        command: list[str], switch: str, unavailable: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from graders.cli import cli

    solution(tmp_path / "class" / "ada", "")
    unavailable.setattr(sandbox, "_bwrap_probe", lambda: ("", "bubblewrap is not installed"))
    unavailable.setenv(sandbox.ENV, "on")
    places = {"{folder}": str(tmp_path / "class" / "ada"), "{class}": str(tmp_path / "class"),
              "{out}": str(tmp_path / "out" / "result")}
    result = CliRunner().invoke(cli, [places.get(word, word) for word in command])
    assert result.exit_code == 2, result.output
    line = result.output.strip().splitlines()[-1]
    assert line.endswith(f"Or grade without the sandbox: {switch}"), line
    assert "bubblewrap is not installed" in line and not (tmp_path / "out").exists()
