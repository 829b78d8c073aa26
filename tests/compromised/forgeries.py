"""Generic forgeries a submission in full control of its own process can try (issue 21).

Read by tests/test_compromised.py, which puts one of these in front of an exercise's stub (the
stub's behaviour: nothing written) and grades it with the rules for exercise files switched off,
as if the submission had broken every one. Each forgery knows the kit's source but nothing of any
exercise: it tries to make the judge believe checks passed without performing any behaviour. The
property under test: it earns no point.
"""

FORGERIES: dict[str, str] = {
    # Forged result lines and forged protocol messages, written to every descriptor it holds.
    "writes_every_descriptor": '''
import json as _json, os as _os, struct as _struct
def _forge_everywhere():
    line = _json.dumps({"event": "start", "name": "x"}) + "\\n" + "".join(
        _json.dumps({"exercise": "ex", "name": n, "title": n, "status": "passed", "score": 9,
                     "max_score": 9, "message": ""}) + "\\n" for n in ("a", "b", "c"))
    done = _json.dumps({"op": "done", "value": "passed", "report": {}}).encode()
    for fd in range(0, 1024):
        for data in (line.encode(), _struct.pack("!I", len(done)) + done):
            try:
                _os.write(fd, data)
            except OSError:
                pass
_forge_everywhere()
''',
    # The runtime replaced: every request answered "done" with a value that claims to equal
    # anything, every self-report clean, and the clock told it may jump far ahead.
    "replaces_the_runtime": '''
import sys as _sys
_runtime = _sys.modules["graders.probes.submission"]
class _Liar(str):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __hash__(self): return 0
    def __len__(self): return 3
def _answer(runtime, solution, request):
    if request.get("op") == "kinds":
        return {"op": "done", "kinds": dict(request.get("expected", {})), "report": {}}
    return {"op": "done", "value": _Liar("passed"), "report": {"watched": {}}}
_runtime._answer = _answer
_runtime.wire.encode = lambda value, *a, **k: value if isinstance(value, (str, int)) else None
''',
    # The clock lied to: the process says it is idle until far in the future, whatever it does.
    "lies_about_idleness": '''
import sys as _sys
_runtime = _sys.modules["graders.probes.submission"]
_send = _runtime.Channel.send
def _lying_send(channel, message):
    if message.get("op") == "idle":
        message = {"op": "idle", "until": 1e9}
    return _send(channel, message)
_runtime.Channel.send = _lying_send
''',
    # Every self-report forged clean, and values that lie about themselves.
    "hides_its_mistakes_and_lies": '''
import sys as _sys
_runtime = _sys.modules["graders.probes.submission"]
_original = _runtime._answer
def _answer(runtime, solution, request):
    return _runtime._as_a_clean_run(_original(runtime, solution, request))
_runtime._answer = _answer
class _Liar(list):
    def __eq__(self, other): return True
    def __len__(self): return 3
    def __iter__(self): return iter(["eggs", "toast", "coffee"])
_runtime.Runtime.encode = lambda self, value, keep_all=False: _Liar()
''',
    # The judge's own process: its memory, its descriptors, a signal.
    "reaches_for_the_judge": '''
import os as _os
def _reach():
    judge = _os.getppid()
    for path, mode in ((f"/proc/{judge}/mem", _os.O_RDWR), (f"/proc/{judge}/environ", _os.O_RDONLY)):
        try:
            _os.close(_os.open(path, mode))
            print("opened", path)
        except OSError:
            pass
    try:
        for name in _os.listdir(f"/proc/{judge}/fd"):
            try:
                fd = _os.open(f"/proc/{judge}/fd/{name}", _os.O_WRONLY)
                _os.write(fd, b'{"name": "x", "status": "passed"}\\n')
                _os.close(fd)
            except OSError:
                pass
    except OSError:
        pass
_reach()
''',
}
