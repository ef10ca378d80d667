"""Running wrk and reading what it prints.

The parsing functions are pure, so ``tests/test_bench.py`` checks them on real
wrk output without running anything.
"""

import json
import re
import subprocess

LATENCY_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
# What the Lua scripts print from done(): one line, "BENCH_LUA {json}".
LUA_MARKER = "BENCH_LUA "


def duration_ms(text: str) -> float:
    """wrk's "812.00us", "12.34ms", "1.20s" or "1.00m", in milliseconds."""
    match = re.fullmatch(r"\s*([\d.]+)\s*(us|ms|s|m)\s*", text)
    if not match:
        raise ValueError(f"Not a wrk duration: {text!r}")
    return float(match[1]) * LATENCY_UNITS_MS[match[2]]


def parse_wrk_output(text: str) -> dict:
    """The figures of one wrk run (started with ``--latency``).

    Returns ``requests``, ``seconds``, ``rps``, ``latency_ms`` (percentile -> ms),
    ``non_2xx_3xx``, ``socket_errors`` (connect/read/write/timeout) and ``lua``
    (what a script printed after ``BENCH_LUA``, or ``{}``).
    """
    result = {
        "requests": None,
        "seconds": None,
        "rps": None,
        "latency_ms": {},
        "non_2xx_3xx": 0,
        "socket_errors": {"connect": 0, "read": 0, "write": 0, "timeout": 0},
        "lua": {},
    }
    in_distribution = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("Latency Distribution"):
            in_distribution = True
            continue
        if in_distribution:
            match = re.fullmatch(r"(\d+(?:\.\d+)?)%\s+(\S+)", stripped)
            if match:
                result["latency_ms"][int(float(match[1]))] = duration_ms(match[2])
                continue
            in_distribution = False
        match = re.match(r"(\d+) requests in ([\d.]+)(us|ms|s|m),", stripped)
        if match:
            result["requests"] = int(match[1])
            result["seconds"] = duration_ms(match[2] + match[3]) / 1000
            continue
        match = re.match(r"Requests/sec:\s+([\d.]+)", stripped)
        if match:
            result["rps"] = float(match[1])
            continue
        match = re.match(r"Non-2xx or 3xx responses:\s+(\d+)", stripped)
        if match:
            result["non_2xx_3xx"] = int(match[1])
            continue
        match = re.match(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", stripped)
        if match:
            result["socket_errors"] = dict(zip(("connect", "read", "write", "timeout"), map(int, match.groups())))
            continue
        if stripped.startswith(LUA_MARKER):
            result["lua"] = json.loads(stripped[len(LUA_MARKER) :])
    if result["rps"] is None or result["requests"] is None:
        raise ValueError("wrk printed no result:\n" + text)
    return result


def error_count(run: dict) -> int:
    """Failed requests of a run: socket errors, plus non-2xx/3xx answers or, when a script judged
    every answer (``failed`` in its output, bad answers included), what it counted as failed."""
    if "failed" in run["lua"]:
        return sum(run["socket_errors"].values()) + int(run["lua"]["failed"])
    return sum(run["socket_errors"].values()) + run["non_2xx_3xx"]


def wrk_command(url, *, seconds, connections, threads, script=None, headers=(), script_args=()):
    command = [
        "wrk",
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=10s",
        "--latency",
    ]
    for header in headers:
        command += ["--header", header]
    if script:
        command += ["--script", str(script)]
    command.append(url)
    if script_args:
        command += ["--", *script_args]
    return command


def run_wrk(url, **options) -> dict:
    """Run wrk once against ``url`` (bounded by its duration) and return the parsed figures."""
    command = wrk_command(url, **options)
    completed = subprocess.run(command, capture_output=True, text=True, timeout=options["seconds"] + 60, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"wrk failed ({completed.returncode}): {completed.stderr or completed.stdout}")
    result = parse_wrk_output(completed.stdout)
    result["errors"] = error_count(result)
    return result
