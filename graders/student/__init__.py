"""The student's commands: `grade exercise N`, `grade all`, `hint`, `watch`, `list`, `next`, and the
record of their gradings (`progress`) that `list` and `next` read. Registered in `graders/cli.py`."""
