"""Writes are atomic: a process killed in the middle of writing a plan leaves the old file or the new
one, whole, never a part of one.

A child process rewrites one file over and over with two large, different contents, and is killed
with SIGKILL at a random moment. The file must then be absent (before the first write landed) or equal
to one of the two contents. The same harness with a plain `write_text` must catch partial files, which
shows it can see them. `planbook new`, the one command that writes a plan, is killed the same way.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from planbook.scaffold import scaffold

from conftest import ROOT

ARTIFACTS = ROOT / "test-artifacts" / "hardening"
KILLS = 25
CONTENT_BYTES = 8 * 1024 * 1024  # large enough that a write takes a while

WRITER = """
import sys
from pathlib import Path
from planbook.files import write_atomic

target, mode = Path(sys.argv[1]), sys.argv[2]
contents = [Path(sys.argv[3]).read_text(encoding="utf-8"), Path(sys.argv[4]).read_text(encoding="utf-8")]
print("ready", flush=True)
for turn in range(10**9):
    text = contents[turn % 2]
    if mode == "atomic":
        write_atomic(target, text)
    else:
        target.write_text(text, encoding="utf-8")
"""


def contents(tmp_path: Path) -> tuple[Path, Path, set[str]]:
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text("---\nid: A\n---\n" + "a" * CONTENT_BYTES + "\nEND A\n", encoding="utf-8")
    b.write_text("---\nid: B\n---\n" + "b" * (CONTENT_BYTES // 2) + "\nEND B\n", encoding="utf-8")
    return a, b, {a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8")}


def kill_while_writing(tmp_path: Path, mode: str, rounds: int) -> dict[str, int]:
    """Kill a rewriting child `rounds` times; count what the target held each time."""
    a, b, whole = contents(tmp_path)
    rng = random.Random(20260105)
    seen = {"absent": 0, "whole": 0, "partial": 0, "temporary files left": 0}
    for round_ in range(rounds):
        folder = tmp_path / f"{mode}-{round_}"
        folder.mkdir()
        target = folder / "PLAN-1.md"
        child = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(target), mode, str(a), str(b)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.25))
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        if not target.exists():
            seen["absent"] += 1
        else:
            seen["whole" if target.read_text(encoding="utf-8") in whole else "partial"] += 1
        seen["temporary files left"] += len([p for p in folder.iterdir() if p != target])
    return seen


def test_a_killed_atomic_writer_leaves_the_old_file_or_the_new_one(tmp_path):
    seen = kill_while_writing(tmp_path, "atomic", KILLS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "atomic-writes.json").write_text(json.dumps({"kills": KILLS, **seen}, indent=2) + "\n")
    assert seen["partial"] == 0, seen
    assert seen["whole"] > 0, seen  # the kills did land after writes had happened


def test_the_harness_catches_a_plain_write_half_done(tmp_path):
    seen = kill_while_writing(tmp_path, "plain", KILLS)
    assert seen["partial"] > 0, seen


def test_a_killed_planbook_new_leaves_no_plan_or_a_whole_one(tmp_path):
    rng = random.Random(42)
    expected = scaffold("ACME-042", types=["accounting"], path="plans/ACME-042.md")
    outcomes = {"absent": 0, "whole": 0}
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, "-m", "planbook.cli", "new", "ACME-042", "--type", "accounting", "--dir", "plans"]
    # How long the command takes on this machine now (a loaded CI machine is slower): kills land over
    # one and a half times that, before, during and after the write.
    (tmp_path / "timing").mkdir()
    started = time.perf_counter()
    subprocess.run(command, cwd=tmp_path / "timing", env=env, stdout=subprocess.DEVNULL, check=True)
    window = 1.5 * (time.perf_counter() - started)
    for round_ in range(KILLS):
        folder = tmp_path / f"new-{round_}"
        folder.mkdir()
        child = subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.0, window))
        child.send_signal(signal.SIGKILL)
        child.wait()
        plan = folder / "plans" / "ACME-042.md"
        if plan.exists():
            assert plan.read_text(encoding="utf-8") == expected
            outcomes["whole"] += 1
        else:
            outcomes["absent"] += 1
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "atomic-new.json").write_text(json.dumps({"kills": KILLS, **outcomes}, indent=2) + "\n")
    assert outcomes["whole"] and outcomes["absent"], outcomes  # kills landed on both sides of the write
