"""The trust boundary: what keeps graded code from deciding its own grade or harming another's.

- `student_files`: which files are the student's (every other layer asks it);
- `rules`: the rules an exercise file must keep, checked before any of it runs;
- `protocol`: signed results, one per running check, and what a line from a child may do;
- `sandbox`: where graded code runs for grades of record (bubblewrap, or an unprivileged uid).

Imports run one way: the engine and the probes use this package; it uses neither.
"""
