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

from planbook.scaffold import scaffold

from conftest import PROJECTS, GitRepo

SAMPLE = (PROJECTS / "NORTHWIND-001.md").read_text(encoding="utf-8")
# The child's own peak memory: ru_maxrss would count the test process it was forked from. Writing 5 to
# clear_refs resets the peak (VmHWM) to what the process holds now.
PEAK = (
    "open('/proc/self/clear_refs', 'w').write('5'); "
    "peak_kb = lambda: int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1])"
)
ESCAPES = re.compile("[\x1b\x07\x9b\x00-\x08\x0b\x0c\x0e-\x1a]")


def planbook(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "planbook.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


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
    assert "\\x9b31m RED" in outputs["status"].stdout  # the client is shown, escaped


FORGED = "X\n::error file=README.md,line=1::forged"


@pytest.mark.parametrize("format_", ["text", "github"])
def test_a_line_break_in_a_file_name_forges_no_log_line(repo: GitRepo, format_: str) -> None:
    repo.write(f"projects/{FORGED}.md", scaffold("X"))
    done = planbook("check", "--format", format_, cwd=repo.path, env={"GITHUB_ACTIONS": "true"})
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert [
        line
        for line in lines
        if "forged" in line
        and not line.startswith(("projects/X\\n", "::error file=projects/X", "::warning file=projects/X"))
    ] == []
    if format_ == "github":
        assert all(line.startswith(("::error file=projects/", "::warning file=projects/")) for line in lines[:-1]), (
            lines[:3]
        )


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
    leaky = SAMPLE.replace(
        'id: "NORTHWIND-001"',
        'id: "NORTHWIND-001"\ninternal:\n  day_rate: 850:00\n  budget: 0x1F4\n  secret_rate_975: "x"',
        1,
    )
    repo.write("projects/NORTHWIND-001.md", leaky)
    outputs = [planbook("check", "--format", fmt, cwd=repo.path).stdout for fmt in ("text", "json", "github", "sarif")]
    outputs.append(planbook("diff", "--format", "markdown", cwd=repo.path).stdout)
    outputs.append(planbook("diff", cwd=repo.path).stdout)
    # A commit's hash may hold `500` by chance, and the temporary folder's name a counter: only what the
    # plan said may not show.
    outputs = [
        re.sub(r"\b[0-9a-f]{7,40}\b", "<commit>", out.replace(str(repo.path.parent), "<tmp>")) for out in outputs
    ]
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
    script = (
        f"{PEAK}; import sys; from planbook.loader import load_plan; r = load_plan(sys.argv[1]); "
        "print(r.findings[0].code, peak_kb())"
    )
    done = subprocess.run([sys.executable, "-c", script, str(big)], capture_output=True, text=True, timeout=60)
    code, peak_kb = done.stdout.split()
    assert code == "PB002"
    assert int(peak_kb) < 120 * 1024, f"peak memory {int(peak_kb) // 1024} MB"


# -- found by the adversarial review ---------------------------------------------------------------


@pytest.mark.parametrize("control", ["\x0b", "\x0c", "\x1c", "\x1f", "\x85"])
def test_a_marker_spelled_with_a_control_character_is_one_marker_for_check_and_export(
    repo: GitRepo, control: str
) -> None:
    notes = f"\nPublic.\n\n<!--{control}internal -->\nSECRET day rate GBP 1450\n<!--{control}/internal -->\n"
    repo.write("projects/NORTHWIND-001.md", SAMPLE + notes)
    check = planbook("check", cwd=repo.path)
    exported = planbook("export", "NORTHWIND-001", "--format", "md", "-o", "-", cwd=repo.path)
    assert "SECRET" not in exported.stdout
    assert check.returncode == 0 or exported.returncode == 1, (check.stdout, exported.returncode)


INTERNAL_LEAKS = [
    ('internal:\n  day_rate: "{{#if rate is GBP 1450 per day}}"', "1450"),
    ('internal:\n  budget: "GBP 250k [BUDGET_CAP_250K_GBP]"', "250K"),
    ('internal:\n  notes: !!int "secret margin 42 percent"', "margin"),
]


@pytest.mark.parametrize(("front_matter", "secret"), INTERNAL_LEAKS)
def test_no_finding_quotes_internal_values(repo: GitRepo, front_matter: str, secret: str) -> None:
    repo.write(
        "projects/NORTHWIND-001.md", SAMPLE.replace('id: "NORTHWIND-001"', f'id: "NORTHWIND-001"\n{front_matter}', 1)
    )
    for fmt in ("text", "github", "json", "sarif"):
        done = planbook("check", "--format", fmt, cwd=repo.path)
        assert done.returncode == 1 and secret.lower() not in done.stdout.lower(), (fmt, done.stdout[-1500:])
    diff = planbook("diff", "--format", "markdown", cwd=repo.path)
    assert secret.lower() not in diff.stdout.lower()


def test_no_finding_quotes_internal_notes(repo: GitRepo) -> None:
    notes = "\n<!-- internal -->\n[rate](rate-1450-gbp) {{#if margin is 42 percent}} [SECRET_RATE_1450]\n<!-- /internal -->\n"
    repo.write("projects/NORTHWIND-001.md", SAMPLE + notes)
    done = planbook("check", cwd=repo.path)
    assert done.returncode == 1 and {"PB108", "PB202", "PB201"} <= set(re.findall(r" (PB\d{3}) ", done.stdout)), (
        done.stdout
    )
    assert "1450" not in done.stdout and "margin" not in done.stdout


def test_markers_and_notes_diffs_take_linear_time(repo: GitRepo) -> None:
    # Both were quadratic: 75 s for the markers, 42 s for 3,000 changed lines; each now well under one.
    import time

    from planbook.diff import notes_change
    from planbook.internal import split_notes

    hostile = "<!--/internal-->\n" * 30_000 + "<!--x" * 100_000
    started = time.perf_counter()
    split_notes(hostile)
    notes_change("\n".join(f"old {n}" for n in range(3_000)), "\n".join(f"new {n}" for n in range(3_000)))
    assert time.perf_counter() - started < 5  # a bound on a blow-up, not a benchmark


def test_a_huge_old_version_in_git_costs_no_memory(repo: GitRepo) -> None:
    big = SAMPLE + "\n" + ("x" * 1023 + "\n") * 60_000  # 60 MB
    repo.write("projects/NORTHWIND-001.md", big)
    repo.commit("A huge version")
    repo.write("projects/NORTHWIND-001.md", SAMPLE)
    repo.commit("Back to normal")
    script = (
        f"{PEAK}; from pathlib import Path; from planbook.history import plan_history; "
        "rows = plan_history(Path('projects/NORTHWIND-001.md')); print(len(rows), peak_kb())"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=repo.path, capture_output=True, text=True, timeout=120)
    rows, peak_kb = done.stdout.split()
    assert rows == "3" and int(peak_kb) < 150 * 1024, (done.stdout, done.stderr[-1000:])


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_placeholders_reads_no_fifo_and_no_endless_file(tmp_path: Path, kind: str) -> None:
    import os

    target = tmp_path / "README.md"
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to("/dev/zero")
    done = planbook("placeholders", str(target), cwd=tmp_path)
    assert done.returncode == 2 and "cannot read" in done.stderr


def test_json_output_is_ascii(repo: GitRepo) -> None:
    repo.write("projects/X\u202e\u009b.md", scaffold("X"))
    for fmt in ("json", "sarif"):
        done = planbook("check", "--format", fmt, cwd=repo.path)
        assert done.stdout.isascii() and json.loads(done.stdout)


# -- second review: near-miss markers, misspelled fields, names that break lines -----------------


@pytest.mark.parametrize(
    "opening",
    [
        "<!-- in\u200bternal -->",
        "<!-- ınternal -->",
        "<!-- ІNTERNAL -->",
        "<!-- int\u00adernal -->",
        "<!-- ｉｎｔｅｒｎａｌ -->",
        "<!-- internal: pricing -->",
        "<!--- internal --->",
    ],
)
def test_a_near_miss_opening_marker_still_hides_what_follows(repo: GitRepo, opening: str) -> None:
    notes = f"\nPublic.\n\n{opening}\nSECRET day rate GBP 1450\n<!-- /internal -->\n\nAlso public.\n"
    repo.write("projects/NORTHWIND-001.md", SAMPLE + notes)
    exported = planbook("export", "NORTHWIND-001", "--format", "md", "-o", "-", cwd=repo.path)
    assert exported.returncode == 0, exported.stderr  # one block, opened and closed: nothing to refuse
    assert "SECRET" not in exported.stdout and "Public." in exported.stdout and "Also public." in exported.stdout


@pytest.mark.parametrize("closing", ["<!-- /internal extra -->", "<!-- / in ternal -->", "<!-- /internals -->"])
def test_a_near_miss_closing_marker_ends_nothing_early(repo: GitRepo, closing: str) -> None:
    notes = f"\nPublic.\n\n<!-- internal -->\nSECRET one\n{closing}\nSECRET two\n<!-- /internal -->\n\nAlso public.\n"
    repo.write("projects/NORTHWIND-001.md", SAMPLE + notes)
    exported = planbook("export", "NORTHWIND-001", "--format", "md", "-o", "-", cwd=repo.path)
    assert exported.returncode == 0, exported.stderr
    assert "SECRET" not in exported.stdout and "Public." in exported.stdout and "Also public." in exported.stdout


def test_a_misspelled_internal_field_shows_no_values_in_a_diff(repo: GitRepo) -> None:
    repo.write(
        "projects/NORTHWIND-001.md",
        SAMPLE.replace('id: "NORTHWIND-001"', 'id: "NORTHWIND-001"\ninternl:\n  day_rate: 1450', 1),
    )
    for output in (
        planbook("diff", cwd=repo.path).stdout,
        planbook("diff", "--format", "markdown", cwd=repo.path).stdout,
    ):
        assert "internl" in output and "1450" not in output, output


def test_a_custom_tag_or_anchor_name_is_not_quoted_in_a_finding(repo: GitRepo) -> None:
    repo.write("projects/NORTHWIND-001.md", SAMPLE.replace("confidence: 80", "confidence: !rate_1450 80", 1))
    repo.write("projects/OTHER-001.md", SAMPLE.replace('id: "NORTHWIND-001"', 'id: &rate_975 "OTHER-001"', 1))
    done = planbook("check", cwd=repo.path)
    assert "PB009" in done.stdout and "PB008" in done.stdout
    assert "1450" not in done.stdout and "975" not in done.stdout, done.stdout


def test_history_shows_the_recent_commits_by_default_and_all_on_request(repo: GitRepo) -> None:
    for commit in range(55):
        repo.write("projects/NORTHWIND-001.md", SAMPLE.replace("confidence: 80", f"confidence: {40 + commit}"))
        repo.commit(f"confidence {40 + commit}")
    recent = planbook("history", "NORTHWIND-001", cwd=repo.path)
    assert recent.returncode == 0 and len(recent.stdout.splitlines()) == 1 + 50 + 1
    assert "--all shows every one" in recent.stdout.splitlines()[-1]
    every = planbook("history", "NORTHWIND-001", "--all", cwd=repo.path)  # the first commit and 55 more
    assert len(every.stdout.splitlines()) == 1 + 56


@pytest.mark.parametrize("box", ['!!! internal "Pricing"', "??? internal", "???+ Internal", "> !!! internal"])
def test_an_internal_looking_box_is_refused_since_a_client_would_get_it(repo: GitRepo, box: str) -> None:
    notes = f"\nPublic.\n\n{box}\n    SECRET day rate GBP 1450\n\n```\n!!! internal\n```\n"
    repo.write("projects/NORTHWIND-001.md", SAMPLE + notes)
    check = planbook("check", cwd=repo.path)
    assert check.returncode == 1 and check.stdout.count("PB401") == 1, (
        check.stdout
    )  # the one in code is meant literally
    exported = planbook("export", "NORTHWIND-001", "--format", "md", "-o", "-", cwd=repo.path)
    assert exported.returncode == 1 and "SECRET" not in exported.stdout
