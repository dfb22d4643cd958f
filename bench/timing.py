"""Wall time and peak memory of one command, and medians over repeats.

Each command runs as a child process of its own; `os.wait4` gives that child's own peak resident
memory, not the largest of every child this process ever had (as `RUSAGE_CHILDREN` would).
"""

from __future__ import annotations

import dataclasses
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}


class CommandFailed(RuntimeError):
    """A measured command exited non-zero: its timing would mean nothing."""


@dataclasses.dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float  # the child's peak resident set size
    output: str


def run(
    command: Sequence[str], *, cwd: Path, timeout: float = 900, env: dict[str, str] | None = None, check: bool = True
) -> Run:
    """Run `command` once: its wall time from fork to exit, start-up included, and its own peak
    memory from `os.wait4`. Output goes to a file, so that no pipe can fill up while we wait."""
    log = Path(cwd, ".bench-output.log")
    started = time.perf_counter()
    with open(log, "wb") as sink:
        process = subprocess.Popen(command, cwd=cwd, env=env or ENV, stdout=sink, stderr=subprocess.STDOUT)
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                os.wait4(process.pid, 0)
                raise CommandFailed(f"{' '.join(command)} took more than {timeout} s")
            time.sleep(0.001)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    text = log.read_text(encoding="utf-8", errors="replace")
    log.unlink()
    if check and process.returncode != 0:
        raise CommandFailed(f"{' '.join(command)} exited {process.returncode}:\n{text[-4000:]}")
    return Run(seconds, usage.ru_maxrss / 1024, text)  # ru_maxrss is in KiB on Linux


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def python() -> str:
    return sys.executable


def tool(name: str) -> str:
    """A console script of this virtual environment (mkdocs, planbook, pre-commit)."""
    return str(Path(sys.executable).with_name(name))
