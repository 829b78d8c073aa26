#!/usr/bin/env bash
# Grade a pull request with the kit as it is on the base branch.
#
#   grade-pr.sh PR_REPO BASE HEAD OUT
#
# Run it from the root of a checkout of the base branch: that tree grades (graders/, the tests,
# pyproject.toml, this script). PR_REPO is a git repository holding the commits BASE and HEAD.
# Only the registered exercise files (exercises/exNN_slug.py, as the base branch's registry
# names them, regular files of at most 1 MiB only) are taken from HEAD; a registered file that is
# a symlink, or too large, is refused by name (an annotation, the job summary, OUT/refused.txt) and
# graded as the stub; every other file the pull request changes is ignored, and the job summary
# lists them. Writes OUT/report.json, OUT/report.junit.xml, OUT/changed.txt, OUT/taken.txt,
# OUT/refused.txt and OUT/ignored.txt, prints GitHub annotations, appends to the job summary
# ($GITHUB_STEP_SUMMARY, when set), and exits 1 when a check of an exercise file the pull request
# changes fails (every exercise is graded and shown; one it leaves as main has it grades the same
# as it did there, so a pull request that finishes exercise 3 is green). PYTHON (default: python) is
# a Python with the kit's dependencies installed. The exercise files' code runs in the grading
# sandbox (GRADE_SANDBOX, default on: bubblewrap); when it cannot run, this exits 2.
set -euo pipefail

# Everything is in functions and the last line calls main and exits: bash reads a script as it
# runs it, and the student's code (running during grading, as the same user) must not be able
# to append commands that would run after grading.

check_commits() { # PR_REPO COMMIT...
    local repo=$1 commit
    shift
    for commit in "$@"; do
        if ! git -C "$repo" rev-parse --quiet --verify "$commit^{commit}" >/dev/null; then
            echo "grade-pr.sh: $repo has no commit $commit" >&2
            return 2
        fi
    done
}

take_exercise_files() { # PR_REPO HEAD PYTHON REFUSED: prints each file taken from HEAD; says in REFUSED why others were not
    local repo=$1 head=$2 python=$3 refused=$4 path mode kind object size limit
    local -a allowed
    mapfile -t allowed < <("$python" -c 'from graders.registry import exercises
for exercise in exercises():
    print("exercises/" + exercise.file_name)')
    limit="$("$python" -c 'from graders.trust.submitted import MAX_FILE_BYTES; print(MAX_FILE_BYTES)')"
    if [[ "$(git -C "$repo" ls-tree "$head" -- exercises)" == 120000* ]]; then
        echo "exercises is a symlink: its files were not graded" >>"$refused"
    fi
    for path in "${allowed[@]}"; do
        # "<mode> <type> <object>\t<path>", or nothing when HEAD has no such file.
        read -r mode kind object _ <<<"$(git -C "$repo" ls-tree "$head" -- "$path")" || true
        if [[ "${kind:-}" == blob && ("$mode" == 100644 || "$mode" == 100755) ]]; then
            size="$(git -C "$repo" cat-file -s "$object")"
            if ((size > limit)); then
                echo "$path is larger than 1 MiB ($size bytes): not graded" >>"$refused"
                continue
            fi
            git -C "$repo" cat-file blob "$object" >"$path"
            echo "$path"
        elif [[ "${mode:-}" == 120000 ]]; then
            echo "$path is a symlink: not graded" >>"$refused"
        elif [[ -n "${kind:-}" ]]; then
            echo "$path is not a regular file: not graded" >>"$refused"
        fi
    done
}

refused_annotations() { # REFUSED_FILE: one GitHub error per file not graded
    local line
    while IFS= read -r line; do
        echo "::error file=${line%% *},title=Not graded::$line (only regular files of at most 1 MiB are graded; it was graded as the stub)"
    done <"$1"
}

refused_section() { # REFUSED_FILE: markdown for the job summary, or nothing
    [[ -s "$1" ]] || return 0
    echo "### Exercise files that were not graded"
    echo
    echo "Only regular files of at most 1 MiB are graded (no symlink); these were graded as the stubs:"
    echo
    echo "<pre>"
    sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' "$1"
    echo "</pre>"
}

verdict() { # PYTHON OUT: the check's verdict (a line of markdown), exit 0 when green
    # Green when every exercise file the pull request changes passes every check: an exercise it
    # does not change is the file main has, which grades the same every time (seeded from the file).
    "$1" - "$2/report.json" "$2/changed.txt" <<'PY'
import json, sys
from graders.results import report_from_dict
report = report_from_dict(json.load(open(sys.argv[1], encoding="utf-8")))
changed = set(open(sys.argv[2], encoding="utf-8").read().split())
mine = [ex for ex in report.exercises if "exercises/" + ex.file in changed]
failing = [ex for ex in mine if not ex.checks or not ex.passed]
if not mine:
    print("**Check: passed.** This pull request changes no exercise file.")
elif failing:
    names = ", ".join(f"exercise {ex.number}" for ex in failing)
    print(f"**Check: failed.** The check is green when every exercise this pull request changes "
          f"passes every check; {names} {'does' if len(failing) == 1 else 'do'} not yet.")
    sys.exit(1)
else:
    names = ", ".join(f"exercise {ex.number}" for ex in mine)
    print(f"**Check: passed.** Every exercise this pull request changes ({names}) passes every check.")
PY
}

ignored_section() { # IGNORED_FILE: markdown for the job summary, or nothing
    [[ -s "$1" ]] || return 0
    echo "### Changes that were not graded"
    echo
    echo "Only the exercise files (exercises/exNN_*.py) come from this pull request: the grader,"
    echo "its tests and the workflows come from the base branch. These changed files were ignored:"
    echo
    echo "<pre>"
    sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' "$1"
    echo "</pre>"
}

main() {
    if [[ $# -ne 4 ]]; then
        echo "usage: grade-pr.sh PR_REPO BASE HEAD OUT" >&2
        return 2
    fi
    local pr_repo=$1 base=$2 head=$3 out=$4
    local python=${PYTHON:-python}
    mkdir -p "$out"
    check_commits "$pr_repo" "$base" "$head"
    git -C "$pr_repo" diff --name-only --no-renames "$base...$head" >"$out/changed.txt"
    : >"$out/refused.txt"
    take_exercise_files "$pr_repo" "$head" "$python" "$out/refused.txt" >"$out/taken.txt"
    grep -vxF -f "$out/taken.txt" "$out/changed.txt" >"$out/ignored.txt" || true
    refused_annotations "$out/refused.txt"

    local section refused count status=0
    section="$(ignored_section "$out/ignored.txt")"
    if [[ -n "$section" ]]; then
        count=$(wc -l <"$out/ignored.txt")
        echo "::warning title=Changes not graded::$((count)) changed files outside the exercise files were ignored; the job summary lists them."
    fi
    # `python -c` puts the working directory first on sys.path: the base branch's graders.
    GRADE_SANDBOX="${GRADE_SANDBOX:-on}" \
        "$python" -c 'import sys; from graders.cli import main; main(sys.argv[1:])' all \
        --solutions "$PWD/exercises" --format github --report "json=$out/report.json" --report "junit=$out/report.junit.xml" ||
        status=$?
    if ((status <= 1)); then # 1: some check failed somewhere; the pull request's own exercises decide
        local said
        said="$(verdict "$python" "$out")" && status=0 || status=1
        echo "${said//\*\*/}"
        section="$said"$'\n\n'"$section"
    fi
    refused="$(refused_section "$out/refused.txt")"
    if [[ -n "$refused" ]]; then
        section="$refused"$'\n\n'"$section"
    fi
    if [[ -n "${GITHUB_STEP_SUMMARY:-}" && -n "$section" ]]; then
        printf '%s\n' "$section" >>"$GITHUB_STEP_SUMMARY"
    fi
    return "$status"
}

main "$@"; exit "$?"
