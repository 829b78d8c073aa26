#!/usr/bin/env bash
# Grade a pull request with the kit as it is on the base branch.
#
#   grade-pr.sh PR_REPO BASE HEAD OUT
#
# Run it from the root of a checkout of the base branch: that tree grades (graders/, the tests,
# pyproject.toml, this script). PR_REPO is a git repository holding the commits BASE and HEAD.
# Only the registered exercise files (exercises/exNN_slug.py, as the base branch's registry
# names them, regular files only) are taken from HEAD; every other file the pull request changes
# is ignored, and the job summary lists them. Writes OUT/report.json, OUT/report.junit.xml,
# OUT/changed.txt and OUT/ignored.txt, prints GitHub annotations, appends to the job summary
# ($GITHUB_STEP_SUMMARY, when set), and exits 1 when a check fails. PYTHON (default: python) is
# a Python with the kit's dependencies installed.
set -euo pipefail

if [[ $# -ne 4 ]]; then
    echo "usage: grade-pr.sh PR_REPO BASE HEAD OUT" >&2
    exit 2
fi
pr_repo=$1 base=$2 head=$3 out=$4
python=${PYTHON:-python}
# `python -c` puts the working directory first on sys.path: the base branch's graders package.
grade=("$python" -c 'import sys; from graders.cli import main; main(sys.argv[1:])')
mkdir -p "$out"
for commit in "$base" "$head"; do
    if ! git -C "$pr_repo" rev-parse --quiet --verify "$commit^{commit}" >/dev/null; then
        echo "grade-pr.sh: $pr_repo has no commit $commit" >&2
        exit 2
    fi
done
git -C "$pr_repo" diff --name-only --no-renames "$base...$head" >"$out/changed.txt"

mapfile -t allowed < <("$python" -c 'from graders.registry import exercises
for exercise in exercises():
    print("exercises/" + exercise.file_name)')

taken=()
for path in "${allowed[@]}"; do
    # "<mode> <type> <object>\t<path>", or nothing when HEAD has no such file.
    read -r mode kind object _ <<<"$(git -C "$pr_repo" ls-tree "$head" -- "$path")" || true
    if [[ "${kind:-}" == blob && ("$mode" == 100644 || "$mode" == 100755) ]]; then
        git -C "$pr_repo" cat-file blob "$object" >"$path"
        taken+=("$path")
    fi
done

: >"$out/ignored.txt"
while IFS= read -r changed; do
    used=""
    for path in "${taken[@]}"; do
        if [[ "$changed" == "$path" ]]; then used=1; fi
    done
    if [[ -z "$used" ]]; then printf '%s\n' "$changed" >>"$out/ignored.txt"; fi
done <"$out/changed.txt"

ignored_section() {
    [[ -s "$out/ignored.txt" ]] || return 0
    echo "### Changes that were not graded"
    echo
    echo "Only the exercise files (exercises/exNN_*.py) come from this pull request: the grader,"
    echo "its tests and the workflows come from the base branch. These changed files were ignored:"
    echo
    echo "<pre>"
    sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' "$out/ignored.txt"
    echo "</pre>"
}

if [[ -s "$out/ignored.txt" ]]; then
    count=$(wc -l <"$out/ignored.txt")
    echo "::warning title=Changes not graded::$((count)) changed files outside the exercise files were ignored; the job summary lists them."
fi

status=0
"${grade[@]}" all --format github --report "json=$out/report.json" \
    --report "junit=$out/report.junit.xml" || status=$?
if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
    ignored_section >>"$GITHUB_STEP_SUMMARY"
fi
exit "$status"
