"""Loading the student's module and pointing at lines in the student's files."""

from __future__ import annotations

import importlib.util
import inspect
import linecache
import re
import sys
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import CodeType, FrameType, ModuleType, TracebackType
from typing import Any

from graders.check import Fail
from graders.probes.values import as_written
from graders.results import Location
from graders.trust import rules
from graders.trust.rules import check_source, restricted_builtins
from graders.trust.student_files import is_student_file, solutions_dir

# How the line of a loop begins: a stop there is a loop going round.
_LOOP_HEADS = ("while ", "for ", "async for ")


def _location(filename: str, line: int) -> Location:
    return Location(file=Path(filename).name, line=line)


def location_in_frames(frames: Iterable[tuple[str, int]]) -> Location | None:
    """The innermost (last) of `(filename, line)` pairs that lies in a student file."""
    found = None
    for filename, line in frames:
        if is_student_file(filename):
            found = _location(filename, line)
    return found


def location_of_traceback(tb: TracebackType | None) -> Location | None:
    return location_in_frames((frame.f_code.co_filename, line) for frame, line in traceback.walk_tb(tb))


def location_of_stack(frames: Iterable[FrameType]) -> Location | None:
    return location_in_frames((frame.f_code.co_filename, frame.f_lineno) for frame in frames)


def caller_location() -> Location | None:
    """Where in the student's files the current call came from: the innermost student frame.
    Walked from the inside out, it is the first one found (asked for every task made, under
    pytest's deep stack: the outer frames are not looked at)."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if is_student_file(frame.f_code.co_filename):
            return _location(frame.f_code.co_filename, frame.f_lineno)
        frame = frame.f_back
    return None


def describe_exception(error: BaseException) -> str:
    """'TypeError: message (ex01_coroutines.py, line 12)' for an exception raised by student code."""
    where = location_of_traceback(error.__traceback__)
    text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    # No memory addresses, and the grader's task class by the name the student knows it by.
    text = _ADDRESS.sub("", text).replace("_WatchedTask", "Task")
    return f"{text} ({where.file}, line {where.line})" if where else text


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


_ASYNC = inspect.CO_COROUTINE | inspect.CO_ITERABLE_COROUTINE | inspect.CO_ASYNC_GENERATOR
_LIMIT = re.compile(r">\s*([0-9.]+)\s*s")


def is_timeout(error: BaseException | None) -> bool:
    """Whether `error` is pytest-timeout stopping a check that ran past its real-time limit."""
    return type(error).__name__ == "Failed" and str(error).startswith("Timeout")


def timeout_seconds(error: BaseException) -> float | None:
    """The real-time limit a pytest-timeout error reports ("Timeout (>10.0s) ...")."""
    found = _LIMIT.search(str(error))
    return float(found.group(1)) if found else None


@dataclass
class Stop:
    """Where the student's code was at the instant a check's real-time limit stopped it."""

    location: Location | None = None
    function: str = ""  # the student's function or coroutine that was running there
    code: str = ""  # the source it was running, e.g. "threading.Event().wait()"
    # A coroutine was being run by the event loop: the loop could do nothing else meanwhile.
    loop_blocked: bool = False

    @property
    def doing(self) -> str:
        """What the student's code was doing, as they wrote it: `cook() inside make_breakfast was
        running `time.sleep(5)``, or, at a loop's own line (`while True: pass` stands on it),
        `... was looping in `while True:``, the busy loop named rather than its condition."""
        doing = f"was looping in `{self.code}`" if self.looping else f"was running `{self.code}`"
        return f"{as_written(self.function)} {doing}"

    @property
    def looping(self) -> bool:
        """It stood on a loop's own line: the loop itself goes round, reaching no await."""
        return self.code.startswith(_LOOP_HEADS)

    def advice(self) -> str:
        """Where to look, for a message about a blocked loop: the busy loop itself when it stood
        on one, else the calls that block."""
        if self.looping and self.location is not None:
            return (f"The loop at line {self.location.line} is a busy loop: it goes round without "
                    f"ever pausing at an await that hands control back to the event loop.")
        return ("Look for a call that blocks (time.sleep, a threading Event or Lock, blocking "
                "I/O) or a loop that never awaits.")


def stop_of(error: BaseException) -> Stop:
    """Where a timeout found the student's code. Its traceback holds exactly the frames that were
    running when it was raised (a task that caught it, and callers that re-raised it, only add
    outer frames). If none was the student's, the check's thread was only waiting: then the
    student code another thread is still running, if any (e.g. a loop run in a new thread)."""
    stop = _stop_in(list(_steps(error.__traceback__)))
    if stop.location is not None:
        return stop
    found = [other for other in map(_stop_in, _other_threads()) if other.location is not None]
    found.sort(key=lambda other: not other.loop_blocked)
    return found[0] if found else stop


def stop_in_frame(frame: FrameType | None) -> Stop:
    """Where the student's code is now, from the frame a signal interrupted (the submission
    process, asked by the judge when a check ran out of time): as `stop_of`, from a frame."""
    points: list[_Point] = []
    while frame is not None:
        points.append((frame, frame.f_lineno, frame.f_lasti))
        frame = frame.f_back
    stop = _stop_in(points[::-1])
    if stop.location is not None:
        return stop
    found = [other for other in map(_stop_in, _other_threads()) if other.location is not None]
    found.sort(key=lambda other: not other.loop_blocked)
    return found[0] if found else stop


# A frame, the line it is at and its last instruction.
_Point = tuple[FrameType, int, int]


def _stop_in(points: list[_Point]) -> Stop:
    """`points` run outermost first. Suspended coroutines are not on a stack: one among `points`
    was running a step, so its event loop could do nothing else."""
    blocked = any(frame.f_code.co_flags & _ASYNC for frame, _, _ in points)
    students = [point for point in points if is_student_file(point[0].f_code.co_filename)]
    if not students:
        return Stop(loop_blocked=blocked)
    frame, line, last = students[-1]
    code = frame.f_code
    name = "" if code.co_name == "<module>" else code.co_qualname
    return Stop(_location(code.co_filename, line), name, _source_at(code, line, last), blocked)


def _steps(tb: TracebackType | None) -> Iterator[_Point]:
    while tb is not None:
        yield tb.tb_frame, tb.tb_lineno, tb.tb_lasti
        tb = tb.tb_next


def _other_threads() -> list[list[_Point]]:
    stacks = []
    for ident, top in sys._current_frames().items():
        if ident == threading.get_ident():
            continue
        stack: list[_Point] = []
        frame: FrameType | None = top
        while frame is not None:
            stack.append((frame, frame.f_lineno, frame.f_lasti))
            frame = frame.f_back
        stacks.append(stack[::-1])
    return stacks


def _source_at(code: CodeType, line_number: int, last: int, most: int = 80) -> str:
    """The expression the frame was evaluating (the call it was in), else its whole line."""
    line = linecache.getline(code.co_filename, line_number)
    text = line.strip()
    if text.startswith(_LOOP_HEADS):
        text = re.sub(r"\s+#.*$", "", text)  # a loop: name the loop, without its comment
        return text if len(text) <= most else text[:most - 3] + "..."
    positions = list(code.co_positions())
    if 0 <= last // 2 < len(positions):
        start, end, column, end_column = positions[last // 2]
        if start == end == line_number and column is not None and end_column is not None:
            # Columns count UTF-8 bytes.
            text = line.encode()[column:end_column].decode(errors="replace").strip() or text
    return text if len(text) <= most else text[:most - 3] + "..."


# Files whose import was stopped by the check's time limit in this process.
_hanging_imports: dict[Path, Location | None] = {}
# Each file's code as last compiled, with the bytes it was compiled from: a process that serves
# several checks reads the file for each, but checks the rules and compiles it once.
# (Kept by whether the rules were on: the kit's own tests switch them off.)
_compiled: dict[tuple[Path, bool], tuple[bytes, CodeType]] = {}


class Solution:
    """The student's module for one exercise, loaded fresh for each check on first use."""

    def __init__(self, module_name: str) -> None:
        self.module_name = module_name
        self.path = solutions_dir() / f"{module_name}.py"
        self._module: ModuleType | None = None

    @property
    def file_name(self) -> str:
        return self.path.name

    def module(self) -> ModuleType:
        if self._module is None:
            self._module = self._load()
        return self._module

    def _load(self) -> ModuleType:
        if self.path in _hanging_imports:  # one check's time limit is enough to know
            where = _hanging_imports[self.path]
            at = f" (it was at line {where.line} when it was stopped)" if where else ""
            raise Fail(f"Importing {self.file_name} never finished{at}: code at the top level of "
                       f"the file runs for ever. Keep work inside functions.", where)

        if not self.path.is_file():
            raise Fail(f"There is no file {self.file_name} in {self.path.parent}: the checks load "
                       f"the exercise from it. If it was deleted or renamed, `git checkout -- "
                       f"exercises/{self.file_name}` (in the folder you cloned) brings the stub "
                       f"back.")
        data = self.path.read_bytes()
        compiled = _compiled.get((self.path, rules.ENFORCED))
        code = compiled[1] if compiled is not None and compiled[0] == data else self._compile(data)
        spec = importlib.util.spec_from_file_location(self.module_name, self.path)
        assert spec is not None
        module = importlib.util.module_from_spec(spec)
        # Names only known at run time (a computed getattr, an import) meet the same rules.
        module.__dict__["__builtins__"] = restricted_builtins(str(self.path))
        sys.modules[self.module_name] = module
        try:
            exec(code, module.__dict__)
        except Exception as error:
            raise Fail(f"Importing {self.file_name} raised {describe_exception(error)}",
                       location_of_traceback(error.__traceback__)) from None
        except BaseException as error:  # pytest-timeout stopping an import that never ends
            if is_timeout(error):
                _hanging_imports[self.path] = location_of_traceback(error.__traceback__)
            raise
        return module

    def _compile(self, data: bytes) -> CodeType:
        """The file's code, once it is readable, keeps to the rules and compiles."""
        try:
            # As Python reads a source file: a UTF-8 BOM (Notepad writes one) or a coding
            # declaration (PEP 263) is honoured, not a SyntaxError or a refusal.
            source = importlib.util.decode_source(data)
        except (SyntaxError, UnicodeDecodeError):
            raise Fail(self._unreadable(data)) from None
        broken = check_source(source, self.file_name)
        if broken:  # no code of a file that breaks a rule runs, so every check fails alike
            raise Fail(f"{broken.message(self.file_name)} Grading runs no code from a file that "
                       f"breaks a rule: see \"Rules for exercise files\" in README.md.",
                       Location(self.file_name, broken.line))
        try:
            # dont_inherit: the grader's `from __future__` imports must not change how the file runs.
            code = compile(source, str(self.path), "exec", dont_inherit=True)
        except SyntaxError as error:
            line = error.lineno or 1
            raise Fail(f"{self.file_name}, line {line}: SyntaxError: {error.msg}",
                       Location(self.file_name, line)) from None
        _compiled[self.path, rules.ENFORCED] = (data, code)
        return code

    def _unreadable(self, data: bytes) -> str:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            return (f"{self.file_name} is not UTF-8 text (byte {error.start} cannot be read): "
                    f"save it as UTF-8.")
        return (f"{self.file_name}: Python cannot read it in the encoding its first lines declare "
                f"(# coding: ...): remove that line and save the file as UTF-8.")

    def function(self, name: str, *, coroutine: bool) -> Callable[..., Any]:
        """The student's function `name`; a Fail that says what is expected if it is missing."""
        found = getattr(self.module(), name, None)
        kind = "async def" if coroutine else "def"
        if found is None:
            raise Fail(f"{self.file_name} has no function {name}: the checks call it, so define it "
                       f"with `{kind} {name}(...)` as the lesson describes.")
        if not callable(found):
            raise Fail(f"{name} in {self.file_name} is not a function.")
        if coroutine and not inspect.iscoroutinefunction(found):
            raise Fail(f"{name} in {self.file_name} must be a coroutine function: define it with "
                       f"`async def`.", self.definition(found))
        if not coroutine and inspect.iscoroutinefunction(found):
            raise Fail(f"{name} in {self.file_name} must be an ordinary function (`def`), "
                       f"callable from synchronous code.", self.definition(found))
        return found

    def definition(self, function: Callable[..., Any]) -> Location | None:
        code = getattr(function, "__code__", None)
        if code is None or not is_student_file(code.co_filename):
            return None
        return _location(code.co_filename, code.co_firstlineno)

    def definition_of(self, name: str) -> Location | None:
        found = getattr(self._module, name, None) if self._module else None
        return self.definition(found) if callable(found) else None


def call(name: str, function: Callable[..., Any], *args: Any) -> Any:
    """Call a student's synchronous function; its exceptions become a Fail that names it."""
    from graders.probes.loop import describe_call_error

    try:
        return function(*args)
    except Exception as error:
        raise Fail(describe_call_error(name, error), location_of_traceback(
            error.__traceback__)) from None
