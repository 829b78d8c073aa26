#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image; the zip is unpacked
# in $AUTOGRADER_ROOT/source (/autograder/source). It installs the kit and its dependencies into
# a virtual environment, $AUTOGRADER_ROOT/venv, with a Python of at least 3.11 (Ubuntu 24.04
# images have 3.12; on 22.04 it installs python3.11 from Ubuntu's own packages).
set -euo pipefail

root="${AUTOGRADER_ROOT:-/autograder}"
kit="$root/source/kit"
venv="$root/venv"

modern_python() {
    local candidate
    for candidate in python3.13 python3.12 python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

apt_install() {
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

if ! python="$(modern_python)"; then
    apt_install python3.11 python3.11-venv
    python=python3.11
fi
if ! "$python" -m venv "$venv"; then
    # Ubuntu splits ensurepip out of Python: python3.X-venv.
    apt_install "python$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')-venv"
    "$python" -m venv "$venv"
fi
# Every submission is graded in bubblewrap's sandbox (run_autograder sets GRADE_SANDBOX=on):
# read-only kit and venv, no network, its own processes only.
if ! command -v bwrap >/dev/null 2>&1; then
    apt_install bubblewrap
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet "$kit"
"$venv/bin/python" -c 'import graders.engine.runner' # fail the build now, not at the first submission
# ... and if the sandbox cannot run in this image, say so now (exit status 2), as run_autograder
# would ask for it: GRADE_SANDBOX=off, the switch the message names, turns it off in both.
(cd "$kit" && GRADE_SANDBOX="${GRADE_SANDBOX:-on}" "$venv/bin/python" -c 'from graders.trust.sandbox import choose; print("grading sandbox:", choose(None).describe())')
