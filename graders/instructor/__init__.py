"""The instructor's tools: `grade verify` (and its mutation testing), `export` (the student copy),
`batch` and `merge` (grading a class), `gradescope-bundle`. Registered in `graders/cli.py`; left
out of the student copy that `grade export` writes."""
