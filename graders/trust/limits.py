"""The hard limits a grading child runs under, in one place: the engine sets them, and the probes
name them when graded code runs into one."""

MEMORY_LIMIT = 2 * 1024**3
OUTPUT_LIMIT = 16 * 1024**2
# The most of what the student's code printed in one check that the check's result keeps.
PRINTS_SHOWN = 4000


def keep_out_of_reach() -> None:
    """Make this process non-dumpable (Linux): a process of the same user, graded code among them,
    can then neither trace it nor open its memory or descriptors under /proc. The judge sets it
    before it forks a submission process. Elsewhere it does nothing."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE
    except (OSError, AttributeError):
        pass


def give_up_privileges() -> None:
    """For a submission process (Linux): no new privileges through exec (setuid programs), and,
    if it runs as root, no capabilities (without CAP_SYS_PTRACE root cannot reach into the judge
    either). Best effort elsewhere."""
    try:
        import ctypes
        import os

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(38, 1, 0, 0, 0)  # PR_SET_NO_NEW_PRIVS
        if os.geteuid() != 0:
            return

        class _Header(ctypes.Structure):
            _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

        class _Data(ctypes.Structure):
            _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                        ("inheritable", ctypes.c_uint32)]

        for capability in range(64):
            libc.prctl(24, capability, 0, 0, 0)  # PR_CAPBSET_DROP (fails past the last: ignored)
        libc.capset(ctypes.byref(_Header(0x20080522, 0)), (_Data * 2)())  # _LINUX_CAPABILITY_VERSION_3
    except (OSError, AttributeError):
        pass
