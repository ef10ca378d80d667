"""Where the CPU of a load run goes: the app (gunicorn), the database (PostgreSQL) and the rest.

Every case of the benchmark runs on the same two cores as wrk, gunicorn, PostgreSQL
and Redis, so a case's req/s is, to a first approximation, the machine's CPU divided
by what one request costs. Splitting that cost shows what a case could gain, and
from where: a ratio to hello world cannot go above hello world's CPU per request
divided by the case's.

Read from Linux's ``/proc``: each process's user and system time, and the machine's
busy time. "Rest" is the machine's busy time that neither the app nor the database
accounts for: wrk, Redis, the kernel's network work, and any database backend that
exited during the run (its time is no longer in ``/proc``).
"""

import os
from pathlib import Path

PROC = Path("/proc")
# /proc/stat's cpu line: user nice system idle iowait irq softirq steal ...
_BUSY_FIELDS = (0, 1, 2, 5, 6, 7)


def _ticks_per_second():
    return os.sysconf("SC_CLK_TCK")


def _process_stat(pid_dir: Path):
    """(command name, session id, user + system ticks) of one process, or None if it is gone."""
    try:
        text = (pid_dir / "stat").read_text()
    except OSError:
        return None
    name = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()
    # After the name: state(0) ppid(1) pgrp(2) session(3) ... utime(11) stime(12).
    return name, int(fields[3]), int(fields[11]) + int(fields[12])


def snapshot(app_session: int) -> dict:
    """CPU seconds used so far: ``app`` (every process of the gunicorn session), ``database``
    (processes named postgres) and ``machine`` (the busy time of every core)."""
    ticks = _ticks_per_second()
    app = database = 0
    for pid_dir in PROC.iterdir():
        if not pid_dir.name.isdigit():
            continue
        stat = _process_stat(pid_dir)
        if stat is None:
            continue
        name, session, used = stat
        if session == app_session:
            app += used
        elif name == "postgres":
            database += used
    cpu_line = (PROC / "stat").read_text().splitlines()[0].split()[1:]
    machine = sum(int(cpu_line[index]) for index in _BUSY_FIELDS if index < len(cpu_line))
    return {"app": app / ticks, "database": database / ticks, "machine": machine / ticks}


def per_request(before: dict, after: dict, requests: int) -> dict | None:
    """Milliseconds of CPU per request between two snapshots: app, database, rest and total."""
    if not requests:
        return None
    used = {kind: max(after[kind] - before[kind], 0.0) for kind in ("app", "database", "machine")}
    rest = max(used["machine"] - used["app"] - used["database"], 0.0)
    return {
        "app": 1000 * used["app"] / requests,
        "database": 1000 * used["database"] / requests,
        "rest": 1000 * rest / requests,
        "total": 1000 * max(used["machine"], used["app"] + used["database"]) / requests,
    }


def available() -> bool:
    return (PROC / "stat").exists()
