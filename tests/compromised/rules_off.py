"""Test only: the rules for exercise files switched off in a `grade` that a script starts as a
fresh process (the PR script, the Gradescope bundle's run_autograder), which a test's monkeypatch
of `rules.ENFORCED` cannot reach.

tests/test_compromised.py copies this file as `sitecustomize.py` into a temporary folder and puts
that folder first on PYTHONPATH for the script it runs: every Python the script starts (with the
environment it was given) imports it at start-up. It imports nothing of the kit: the script
chooses which `graders` grades (the checkout's own, first on sys.path only once `python -c`
runs), so it waits for `graders.trust.rules` to be imported, from wherever, and sets
`ENFORCED = False` as soon as the module has run.

Nothing here is a switch of the kit: `grade` itself relays the value it holds to its grading
children in their plan (graders/engine/runner.py, the request's "rules"; a sandboxed child, whose
environment is cleared, gets it there too) and they to the submission process
(graders/probes/submission.py), as they relay a test's monkeypatch in `grade batch`.
"""

import sys
from importlib.machinery import PathFinder

SWITCHED = {"graders.trust.rules": {"ENFORCED": False}}


class _SwitchedOnImport:
    """A finder consulted first: for a module of SWITCHED, the spec the path finder gives, with
    its loader's exec_module setting the module's attributes once the module has run."""

    def find_spec(self, name, path, target=None):  # type: ignore[no-untyped-def]
        if name not in SWITCHED:
            return None
        spec = PathFinder.find_spec(name, path, target)
        if spec is None or spec.loader is None:
            return spec
        run = spec.loader.exec_module

        def exec_module(module):  # type: ignore[no-untyped-def]
            run(module)
            for attribute, value in SWITCHED[name].items():
                setattr(module, attribute, value)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


sys.meta_path.insert(0, _SwitchedOnImport())
