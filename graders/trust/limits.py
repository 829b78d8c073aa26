"""The hard limits a grading child runs under, in one place: the engine sets them, and the probes
name them when graded code runs into one."""

MEMORY_LIMIT = 2 * 1024**3
OUTPUT_LIMIT = 16 * 1024**2
