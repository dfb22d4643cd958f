"""`planbook report`: what changed across the portfolio since a date or a revision, in real git
repositories, through the real command line (planbook/diff/portfolio_report.py, report_formats.py)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from planbook import cli
from planbook.cli.commands.report import FORMAT_NAMES
from planbook.diff import portfolio_report as engine
from planbook.diff.report_formats import REPORT_FORMATS

from conftest import PROJECTS, GitRepo, blns_strings

SAMPLE = (PROJECTS / "NORTHWIND-001.md").read_text(encoding="utf-8")
NORTHWIND = "projects/NORTHWIND-001.md"
SCRIPT = "<script>alert(1)</script>"


def day(date: str) -> str:
    return f"{date}T10:00:00+00:00"


def with_risk(text: str, risk: str) -> str:
    """The plan with one more risk, its name a YAML double-quoted string (so `\\e` is an ESC)."""
    return text.replace("risks:\n", f'risks:\n  - risk: "{risk}"\n    impact: "High"\n    mitigation: "Watch"\n', 1)


def report(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["report", *args])
    out, err = capsys.readouterr()
    return code, out, err


def as_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    code, out, err = report(capsys, *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def plan_of(document: dict, plan_id: str) -> dict:
    return next(plan for plan in document["plans"] if plan["id"] == plan_id)


@pytest.fixture
def repo(git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    monkeypatch.chdir(git_repo.path)
    return git_repo


# -- the issue's own example -------------------------------------------------------------------


@pytest.fixture
def three_changes(repo: GitRepo) -> str:
    """A plan committed, then a change: status development → testing, a task done, a risk added."""
    repo.write(NORTHWIND, SAMPLE)
    first = repo.commit("Add the plan", date=day("2026-11-02"))
    changed = SAMPLE.replace("status: development", "status: testing").replace(
        "      error_handling: false\n      sync_workflows", "      error_handling: true\n      sync_workflows"
    )
    repo.write(NORTHWIND, with_risk(changed, "Shopify API version sunset"))
    repo.commit("Testing begins", date=day("2026-11-20"))
    return first


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
def test_a_status_change_a_task_done_and_a_risk_added_are_listed_in_every_format(three_changes, capsys, fmt):
    code, out, err = report(capsys, "--since", three_changes, "--format", fmt)
    assert code == 0 and err == ""
    if fmt == "json":
        plan = plan_of(json.loads(out), "NORTHWIND-001")
        assert plan["status_changes"] == [{"from": "development", "to": "testing"}]
        assert plan["tasks_done"] == [{"task": "Build error handling and retry logic", "where": "Phase 2"}]
        assert plan["risks_added"] == [{"risk": "Shopify API version sunset"}]
        return
    assert "status: development → testing" in out
    assert 'task done: Phase 2 "Build error handling and retry logic"' in out.replace("&#34;", '"')
    assert 'risk added: "Shopify API version sunset"' in out.replace("&#34;", '"')
    assert "1 plan changed: 1 status change, 1 task done, 1 risk added." in out


def test_the_markdown_names_the_range_and_groups_changes_by_plan(three_changes, repo, capsys):
    head = repo.git("rev-parse", "--short=7", "HEAD").stdout.strip()
    code, out, _ = report(capsys, "--since", three_changes)
    assert out.splitlines()[:5] == [
        "# What changed",
        "",
        f"From {three_changes[:7]} (2026-11-02), revision {three_changes}, to HEAD, {head} (2026-11-20).",
        "",
        "**1 plan changed: 1 status change, 1 task done, 1 risk added.**",
    ]
    assert "## NORTHWIND-001: Northwind Outfitters order-to-ledger sync" in out


def test_the_json_keys_are_the_documented_ones(three_changes, capsys):
    document = as_json(capsys, "--since", three_changes)
    assert list(document) == ["since", "base", "head", "summary", "plans"]
    assert list(document["base"]) == ["commit", "date"] and document["base"]["commit"] == three_changes
    assert list(document["summary"]) == ["plans", "new_plans", "removed_plans", *engine.CATEGORIES]
    fixed = ["id", "path", "previous_path", "change", "name", "status", "client", "previous_client"]
    assert list(document["plans"][0]) == [*fixed, *engine.CATEGORIES, "problems"]
    assert list(REPORT_FORMATS) == list(FORMAT_NAMES)


# -- the range ---------------------------------------------------------------------------------


@pytest.fixture
def three_days(repo: GitRepo) -> list[str]:
    """Commits on 2026-11-01 (the plan), 2026-11-20 (a task done) and 2026-11-25 (a blocker)."""
    repo.write(NORTHWIND, SAMPLE)
    commits = [repo.commit("Add", date=day("2026-11-01"))]
    text = SAMPLE.replace("      tax_calculation: false", "      tax_calculation: true")
    repo.write(NORTHWIND, text)
    commits.append(repo.commit("Tax done", date=day("2026-11-20")))
    repo.write(NORTHWIND, text.replace("  blockers: []", '  blockers:\n    - "Waiting for the sandbox"'))
    commits.append(repo.commit("Blocked", date=day("2026-11-25")))
    return commits


@pytest.mark.parametrize(
    ("since", "base", "tasks", "blockers"),
    [
        ("2026-11-24", 1, 0, 1),  # the state at the start of that day: the 20th's commit
        ("2026-11-20", 0, 1, 1),  # a commit on the day itself is after its start
        ("2026-11-26", 2, 0, 0),  # nothing since
    ],
)
def test_since_a_date_starts_from_the_last_commit_before_that_day(three_days, capsys, since, base, tasks, blockers):
    document = as_json(capsys, "--since", since)
    assert document["base"]["commit"] == three_days[base]
    assert document["head"] == {"commit": three_days[2], "date": "2026-11-25"}
    assert document["summary"]["tasks_done"] == tasks and document["summary"]["blockers_added"] == blockers


def test_since_a_day_before_every_commit_counts_every_plan_as_new(three_days, capsys):
    document = as_json(capsys, "--since", "2026-10-01")
    assert document["base"] is None and document["summary"]["new_plans"] == 1
    assert plan_of(document, "NORTHWIND-001")["change"] == "new"
    code, out, _ = report(capsys, "--since", "2026-10-01")
    assert "No commit before 2026-10-01, so every plan counts as new" in out


@pytest.mark.parametrize(
    ("since", "message"),
    [
        ("no-such-branch", "unknown revision 'no-such-branch'"),
        ("2026-13-45", "'2026-13-45' is not a date: give a real day"),
        ("2026-02-30", "'2026-02-30' is not a date"),
        ("", "give a date (YYYY-MM-DD) or a revision"),
        ("  ", "give a date (YYYY-MM-DD) or a revision"),
        ("HEAD\x1b[2J\nforged", "unknown revision"),
        ("--all", "unknown revision '--all'"),
    ],
)
def test_a_base_git_does_not_know_is_a_one_line_error_with_exit_2(three_days, capsys, since, message):
    code, out, err = report(capsys, f"--since={since}")
    assert code == 2 and out == ""
    assert err.startswith("planbook: error: --since") and message in err
    assert err.count("\n") == 1 and "\x1b" not in err


def test_outside_git_and_before_the_first_commit_are_usage_errors(tmp_path, monkeypatch, capsys):
    (tmp_path / "projects").mkdir()
    (tmp_path / "projects" / "NORTHWIND-001.md").write_text(SAMPLE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, err = report(capsys, "--since", "2026-11-01")
    assert code == 2 and "not in a git repository" in err
    GitRepo(tmp_path)  # a repository with no commit yet
    code, _, err = report(capsys, "--since", "2026-11-01")
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err


# -- plans coming and going --------------------------------------------------------------------


def test_new_removed_and_renamed_plans(repo, capsys):
    repo.write(NORTHWIND, SAMPLE)
    repo.write("projects/CASCADE-007.md", (PROJECTS / "CASCADE-007.md").read_text(encoding="utf-8"))
    base = repo.commit("Two plans")
    repo.git("mv", NORTHWIND, "projects/NORTHWIND-002.md")
    repo.git("rm", "-q", "projects/CASCADE-007.md")
    repo.write("projects/BRIGHTLEAF-014.md", (PROJECTS / "BRIGHTLEAF-014.md").read_text(encoding="utf-8"))
    repo.write("notes/NOT-A-PLAN.md", SAMPLE)
    repo.commit("Rename, remove, add")
    document = as_json(capsys, "--since", base)
    changes = {plan["id"]: (plan["change"], plan["previous_path"], plan["status"]) for plan in document["plans"]}
    assert changes == {
        "BRIGHTLEAF-014": ("new", None, "testing"),
        "CASCADE-007": ("removed", None, "deployment"),
        "NORTHWIND-002": ("renamed", NORTHWIND, "development"),
    }
    assert document["summary"] | {"plans": 3, "new_plans": 1, "removed_plans": 1} == document["summary"]
    _, out, _ = report(capsys, "--since", base)
    assert "3 plans changed: 1 new plan, 1 removed plan." in out
    assert "renamed from projects/NORTHWIND-001.md" in out.replace("\\_", "_")


def test_a_version_that_does_not_load_is_reported_as_such(repo, capsys):
    repo.write(NORTHWIND, SAMPLE.replace("status: development", "status: [development"))
    base = repo.commit("Broken YAML")
    repo.write(NORTHWIND, SAMPLE)
    repo.commit("Mended")
    for fmt in FORMAT_NAMES:
        code, out, err = report(capsys, "--since", base, "--format", fmt)
        assert code == 0 and err == "" and "Traceback" not in out
        loaded = rf"the version in {base[:7]} does not load: projects/NORTHWIND-001\.md:\d+:\d+: PB006 invalid YAML"
        assert re.search(loaded, out.replace("\\_", "_")), out
    plan = plan_of(as_json(capsys, "--since", base), "NORTHWIND-001")
    assert plan["name"] == "Northwind Outfitters order-to-ledger sync" and plan["status_changes"] == []


@pytest.mark.parametrize(
    "broken",
    [
        "---\nrisks: not a list\nstatus: 5\nphases: []\nopen_items: {blockers: {a: 1}}\nstart_date: 20261101\n---\n",
        "---\n- a list\n---\n",
        "",
        "\x00\x01binary",
        "---\nname: unterminated\n",
    ],
    ids=["wrong-types", "not-a-mapping", "empty", "binary", "unterminated"],
)
def test_values_of_the_wrong_type_and_broken_files_give_a_clear_result(repo, capsys, broken):
    repo.write(NORTHWIND, SAMPLE)
    base = repo.commit("Good")
    repo.write(NORTHWIND, broken)
    repo.commit("Broken")
    for fmt in FORMAT_NAMES:
        code, out, err = report(capsys, "--since", base, "--format", fmt)
        assert code == 0 and err == "" and "NORTHWIND-001" in out
    repo.write(NORTHWIND, SAMPLE)
    repo.commit("Good again")
    assert as_json(capsys, "--since", "HEAD~1")["summary"]["plans"] == 1


# -- the categories ----------------------------------------------------------------------------


def test_tasks_undone_blockers_closed_risks_closed_and_dates_moved(repo, capsys):
    before = SAMPLE.replace("  blockers: []", '  blockers:\n    - "Sandbox realm"')
    repo.write(NORTHWIND, before)
    base = repo.commit("Blocked")
    after = (
        SAMPLE.replace("      infrastructure: true", "      infrastructure: false")
        .replace('  - risk: "Historic orders edited after export create duplicates"\n', '  - risk: "Gone"\n')
        .replace('start_date: "2026-09-07"', 'start_date: "2026-09-14"')
        .replace('    duration: "4 weeks"\n    actual_start: "2026-09-28"\n', '    duration: "5 weeks"\n')
        .replace('    actual_finish: "2026-09-25"\n', '    actual_finish: "2026-10-02"\n')
    )
    repo.write(NORTHWIND, after)
    repo.commit("Unblocked, replanned")
    plan = plan_of(as_json(capsys, "--since", base), "NORTHWIND-001")
    assert plan["tasks_undone"] == [{"task": "Set up infrastructure and monitoring", "where": "Phase 2"}]
    assert plan["blockers_closed"] == [{"blocker": "Sandbox realm"}]
    assert plan["risks_closed"] == [{"risk": "Historic orders edited after export create duplicates"}]
    assert plan["risks_added"] == [{"risk": "Gone"}]
    assert plan["dates_moved"] == [
        {"field": "start_date", "from": "2026-09-07", "to": "2026-09-14"},
        {"field": "phases.discovery.actual_finish", "from": "2026-09-25", "to": "2026-10-02"},
        {"field": "phases.development.duration", "from": "4 weeks", "to": "5 weeks"},
        {"field": "phases.development.actual_start", "from": "2026-09-28", "to": "(not set)"},
    ]


def test_a_plan_whose_followed_fields_did_not_change_is_not_listed(repo, capsys):
    repo.write(NORTHWIND, SAMPLE)
    base = repo.commit("Add")
    repo.write(NORTHWIND, SAMPLE.replace("confidence: 80", "confidence: 85"))
    repo.commit("More confident")
    _, out, _ = report(capsys, "--since", base)
    assert "No plan changed." in out and "NORTHWIND" not in out


# -- hostile values ----------------------------------------------------------------------------


def test_script_and_escape_sequences_are_escaped_in_every_format(repo, capsys):
    repo.write(NORTHWIND, SAMPLE)
    base = repo.commit("Add")
    hostile = with_risk(SAMPLE, f"{SCRIPT} \\e[31mred\\e]0;title\\a | *x* [l](javascript:y)")
    repo.write(NORTHWIND, hostile.replace("  blockers: []", '  blockers:\n    - "\\e[2J<img src=x onerror=alert(2)>"'))
    repo.commit("Hostile")
    outputs = {fmt: report(capsys, "--since", base, "--format", fmt)[1] for fmt in FORMAT_NAMES}
    for fmt, out in outputs.items():
        assert "\x1b" not in out and "\x07" not in out, fmt
    assert SCRIPT not in outputs["markdown"] and "&lt;script&gt;" in outputs["markdown"]
    assert "\\[l\\](javascript:y)" in outputs["markdown"] and "\\*x\\*" in outputs["markdown"]
    assert SCRIPT not in outputs["html"] and "<img" not in outputs["html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; \\x1b[31mred" in outputs["html"]
    plan = plan_of(json.loads(outputs["json"]), "NORTHWIND-001")
    assert plan["risks_added"] == [{"risk": f"{SCRIPT} \\x1b[31mred\\x1b]0;title\\x07 | *x* [l](javascript:y)"}]
    assert plan["blockers_added"] == [{"blocker": "\\x1b[2J<img src=x onerror=alert(2)>"}]


def test_the_naughty_strings_as_risk_names_stay_escaped(repo, capsys):
    quoted = [json.dumps(s, ensure_ascii=False) for s in blns_strings() if s.strip()]
    repo.write(NORTHWIND, SAMPLE)
    base = repo.commit("Add")
    risks = "".join(f"  - risk: {q}\n    impact: High\n    mitigation: m\n" for q in quoted if _is_yaml(q))
    repo.write(NORTHWIND, SAMPLE.replace("risks:\n", "risks:\n" + risks, 1))
    repo.commit("Naughty")
    html = report(capsys, "--since", base, "--format", "html")[1]
    assert not re.search(r"<(?!/?(div|p|strong|section|h2|code|ul|li)\b)", html)
    assert len(plan_of(as_json(capsys, "--since", base), "NORTHWIND-001")["risks_added"]) > 100
    markdown = report(capsys, "--since", base)[1]
    assert "<script" not in markdown.lower() and "\x1b" not in markdown


def _is_yaml(quoted: str) -> bool:
    """Whether YAML reads the string (it refuses some control characters that JSON writes raw)."""
    try:
        yaml.safe_load(f"risk: {quoted}")
    except yaml.YAMLError:
        return False
    return True


# -- cost --------------------------------------------------------------------------------------


def test_git_runs_a_fixed_number_of_times_whatever_the_number_of_plans(repo, monkeypatch):
    counts = []
    for plans in (2, 12):
        engine.PLAN_CHANGES.clear()
        for n in range(plans):
            repo.write(f"projects/ACME-{n:03}.md", SAMPLE.replace("NORTHWIND-001", f"ACME-{n:03}"))
        base = repo.commit(f"{plans} plans")
        for n in range(plans):
            repo.write(f"projects/ACME-{n:03}.md", SAMPLE.replace("NORTHWIND-001", f"ACME-{n:03}").replace("80", "81"))
        repo.commit("Each one changed")
        counts.append(_git_processes(monkeypatch, base))
    assert counts[0] == counts[1]
    assert _git_processes(monkeypatch, base) == counts[1] - 1  # again: each pair of blobs is known, no cat-file


def _git_processes(monkeypatch: pytest.MonkeyPatch, base: str) -> int:
    started = []
    real_run, real_popen = subprocess.run, subprocess.Popen

    def run(args, *rest, **kwargs):
        started.append(args)
        return real_run(args, *rest, **kwargs)

    def popen(args, *rest, **kwargs):
        started.append(args)
        return real_popen(args, *rest, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(subprocess, "run", run)
        patch.setattr(subprocess, "Popen", popen)
        engine.portfolio_report(Path("projects").absolute(), base)
    return len(started)
