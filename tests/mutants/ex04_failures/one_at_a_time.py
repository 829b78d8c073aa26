"""Awaits each job inside try/except before starting the next: right lists, sequential time.

fails: runs_everything_at_once
says: one at a time
"""


async def collect(aws):
    results, errors = [], []
    for aw in aws:
        try:
            results.append(await aw)
        except Exception as error:
            errors.append(error)
    return results, errors
