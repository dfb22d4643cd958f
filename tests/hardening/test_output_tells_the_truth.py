"""Class 6 of the trust issue: output that lies, or injects.

An exit code is the verdict, whatever became of the pipe. Every line that reaches a terminal or a CI
log goes through one escaping function (`escape.one_line`), file names included, so plan text can
neither drive a terminal nor forge a workflow command. Internal values are quoted by no finding. And a
file is measured before it is read.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECTS, GitRepo
from planbook.scaffold import scaffold

SAMPLE = (PROJECTS / "NORTHWIND-001.md").read_text(encoding="utf-8")
ESCAPES = re.compile("[\x1b\x07\x9b\x00-\x08\x0b\x0c\x0e-\x1a]")


def planbook(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run([sys.executable, "-m", "planbook.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.write("projects/NORTHWIND-001.md", SAMPLE)
    repo.commit("Add a plan")
    return repo


# -- exit codes and pipes -------------------------------------------------------------------------


@pytest.mark.parametrize("format_", ["text", "github", "json", "sarif"])
def test_a_closed_pipe_does_not_turn_failing_plans_into_success(repo: GitRepo, format_: str) -> None:
    # Enough findings to fill the pipe many times over, so the write surely meets a closed pipe.
    for number in range(40):
        repo.write(f"projects/ACME-{number:03d}.md", scaffold(f"ACME-{number:03d}"))
    script = f"set -o pipefail; {sys.executable} -m planbook.cli check --format {format_} | head -1 >/dev/null"
    done = subprocess.run(["bash", "-c", script], cwd=repo.path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr


def test_a_closed_pipe_after_passing_plans_is_still_success(repo: GitRepo) -> None:
    script = f"set -o pipefail; {sys.executable} -m planbook.cli render NORTHWIND-001 | head -1 >/dev/null"
    done = subprocess.run(["bash", "-c", script], cwd=repo.path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stderr == "", done.stderr


# -- what reaches a terminal or a log -------------------------------------------------------------

HOSTILE_NAME = "\\e[2J\\e]0;pwned\\a\\x9b31m RED \\u202e"  # YAML double-quoted escapes: ESC, BEL, CSI, bidi


def test_plan_values_reach_no_terminal_raw(repo: GitRepo) -> None:
    hostile = SAMPLE.replace('name: "Northwind Outfitters order-to-ledger sync"', f'name: "{HOSTILE_NAME}"')
    hostile = hostile.replace('client: "Northwind Outfitters Ltd."', f'client: "{HOSTILE_NAME}"')
    repo.write("projects/NORTHWIND-001.md", hostile.replace("status: development", f'status: "{HOSTILE_NAME}"'))
    repo.commit("A hostile status")  # history reads it back from git
    repo.write("projects/NORTHWIND-001.md", hostile)
    outputs = {
        "check": planbook("check", cwd=repo.path),
        "status": planbook("status", cwd=repo.path),
        "history": planbook("history", "NORTHWIND-001", cwd=repo.path),
        "render": planbook("render", "NORTHWIND-001", cwd=repo.path),
        "diff": planbook("diff", cwd=repo.path),
        "diff-markdown": planbook("diff", "HEAD~1", "--format", "markdown", cwd=repo.path),
    }
    for name, done in outputs.items():
        assert "Traceback" not in done.stderr, (name, done.stderr)
        assert not ESCAPES.search(done.stdout + done.stderr), (name, ESCAPES.findall(done.stdout + done.stderr))
    assert "\\x1b" in outputs["history"].stdout  # the status is shown, escaped
    assert "RED" in outputs["status"].stdout


FORGED = "X\n::error file=README.md,line=1::forged"


@pytest.mark.parametrize("format_", ["text", "github"])
def test_a_line_break_in_a_file_name_forges_no_log_line(repo: GitRepo, format_: str) -> None:
    repo.write(f"projects/{FORGED}.md", scaffold("X"))
    done = planbook("check", "--format", format_, cwd=repo.path, env={"GITHUB_ACTIONS": "true"})
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert [line for line in lines if "forged" in line and not line.startswith(("projects/X\\n", "::error file=projects/X", "::warning file=projects/X"))] == []
    if format_ == "github":
        assert all(line.startswith(("::error file=projects/", "::warning file=projects/")) for line in lines[:-1]), lines[:3]


def test_a_line_break_in_a_file_name_forges_no_line_of_the_site_build(tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "site"))
    from sitebuild import SiteProject

    project = SiteProject(tmp_path / "project")
    project.add_plan(FORGED, scaffold("X"))
    project.commit("A plan with a line break in its name")
    build = project.build()
    assert not build.ok
    assert not [line for line in build.output.splitlines() if line.startswith("::error")], build.output


def test_internal_values_are_quoted_by_no_finding_and_no_diff(repo: GitRepo) -> None:
    # `850:00` is 51000 to YAML 1.1: the hint that says so must not print a day rate to a public log.
    leaky = SAMPLE.replace('id: "NORTHWIND-001"', 'id: "NORTHWIND-001"\ninternal:\n  day_rate: 850:00\n  budget: 0x1F4\n'
                           '  secret_rate_975: "x"', 1)
    repo.write("projects/NORTHWIND-001.md", leaky)
    outputs = [planbook("check", "--format", fmt, cwd=repo.path).stdout for fmt in ("text", "json", "github", "sarif")]
    outputs.append(planbook("diff", "--format", "markdown", cwd=repo.path).stdout)
    outputs.append(planbook("diff", cwd=repo.path).stdout)
    for output in outputs:
        assert "internal.day_rate" in output or "internal" in output
        for secret in ("850", "51000", "1F4", "500", "975"):
            assert secret not in output, (secret, output[:2000])
    findings = json.loads(outputs[1])
    assert {finding["code"] for finding in findings} >= {"PB102", "PB101"}


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "BIG.md"
    with big.open("wb") as handle:
        handle.truncate(400 * 1024 * 1024)  # sparse: 400 MB that cost no disk
    script = ("import resource, sys; from planbook.loader import load_plan; r = load_plan(sys.argv[1]); "
              "print(r.findings[0].code, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    done = subprocess.run([sys.executable, "-c", script, str(big)], capture_output=True, text=True, timeout=60)
    code, peak_kb = done.stdout.split()
    assert code == "PB002"
    assert int(peak_kb) < 120 * 1024, f"peak memory {int(peak_kb) // 1024} MB"
