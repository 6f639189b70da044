"""What a process costs, read from /proc (Linux): resident memory and CPU time.

CPU comes from each thread's `schedstat` (nanoseconds on a CPU), so a few milliseconds
can be told apart (`/proc/PID/stat` counts in 10 ms ticks). The event loop of a Python
bot runs in its main thread, whose id is the process id: `loop_cpu` is the CPU the loop
spent, `cpu` the whole process (threads alive at the time: executor and SQLite threads
live as long as the bot).
"""

from __future__ import annotations

from pathlib import Path


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _thread_cpu(pid: int, tid: int) -> float:
    try:
        return int(Path(f"/proc/{pid}/task/{tid}/schedstat").read_text().split()[0]) / 1e9
    except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
        return 0.0


def loop_cpu(pid: int) -> float:
    """Seconds of CPU spent by the main thread (the event loop)."""
    return _thread_cpu(pid, pid)


def cpu(pid: int) -> float:
    """Seconds of CPU spent by all the threads alive now."""
    total = 0.0
    for task in Path(f"/proc/{pid}/task").iterdir():
        total += _thread_cpu(pid, int(task.name))
    return total
