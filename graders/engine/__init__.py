"""The engine: select exercises -> grade each check in an isolated child -> the results model.

`registry` finds exercises; `runner` plans a grading and `isolation` runs its children under hard
limits (`worker` is the child's side, `plugin` turns pytest's results into `results`); `seeding`
and `definitions` feed it. Nothing here prints: renderers (`graders/render/`) write reports, and
commands (`graders/student/`, `graders/instructor/`) wire options to the engine.
"""
