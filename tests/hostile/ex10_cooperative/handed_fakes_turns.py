"""Never hands the loop back, and records a turn for other tasks in the observer the work
function carried (work.turns used to be public): the check counted a turn that never happened.
work is now a plain function.

fails: lets_other_tasks_run
says: without letting any other task run
"""


async def crunch(items: list[int], work, every: int) -> int:
    total = 0
    for item in items:
        total += work(item)
    turns = getattr(work, "turns", None)
    if turns is not None:
        turns.turns_at.append(1)
    return total
