"""A plan over time, from git log: `plan_history`, `plan_histories`, `planbook history`, the page's table."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from planbook import cli
from planbook.git import read_blobs
from planbook.history import HistoryRow, last_changes, plan_histories, plan_history
from planbook.loader import load_plan
from planbook.paths import resolved, resolved_each
from planbook.render import RenderContext, render_plan
from planbook.scaffold import scaffold

from conftest import PROJECTS, GitRepo

NORTHWIND = (PROJECTS / "NORTHWIND-001.md").read_text(encoding="utf-8")


def northwind(status: str = "development", confidence: int = 80, plan_id: str = "NORTHWIND-001") -> str:
    return (
        NORTHWIND.replace("status: development", f"status: {status}")
        .replace("confidence: 80", f"confidence: {confidence}")
        .replace('id: "NORTHWIND-001"', f'id: "{plan_id}"')
    )


@pytest.fixture
def repo(git_repo: GitRepo) -> GitRepo:
    """NORTHWIND-001 through five commits: scaffolded, filled in, broken, fixed, renamed."""
    git_repo.write("README.md", "# plans\n")
    git_repo.commit("Start", date="2026-08-30T09:00:00+00:00")
    git_repo.write(
        "projects/NORTHWIND-001.md",
        scaffold("NORTHWIND-001", types=["accounting"], migration=False, path="projects/NORTHWIND-001.md"),
    )
    git_repo.commit("Scaffold Northwind", date="2026-09-01T09:00:00+00:00")
    git_repo.write("projects/NORTHWIND-001.md", northwind("discovery", 60))
    git_repo.commit("Fill in Northwind", date="2026-09-03T09:00:00+00:00")
    git_repo.write("projects/NORTHWIND-001.md", "---\nid: [oops\n---\n")
    git_repo.commit("Break it", date="2026-09-05T09:00:00+00:00")
    git_repo.write("projects/NORTHWIND-001.md", northwind("development", 80))
    git_repo.commit("Development starts", date="2026-09-08T09:00:00+00:00")
    git_repo.git("mv", "projects/NORTHWIND-001.md", "projects/NW-001.md")
    git_repo.write("projects/NW-001.md", northwind("development", 85, plan_id="NW-001"))
    git_repo.commit("Rename to NW-001", date="2026-09-10T09:00:00+00:00")
    return git_repo


def test_history_follows_the_plan_through_every_commit_and_its_rename(repo):
    rows = plan_history(repo.path / "projects" / "NW-001.md", limit=None)
    assert [(r.date, r.path, r.status, r.confidence) for r in rows] == [
        ("2026-09-10", "projects/NW-001.md", "development", 85),
        ("2026-09-08", "projects/NORTHWIND-001.md", "development", 80),
        ("2026-09-05", "projects/NORTHWIND-001.md", None, None),
        ("2026-09-03", "projects/NORTHWIND-001.md", "discovery", 60),
        ("2026-09-01", "projects/NORTHWIND-001.md", "draft", None),
    ]
    assert [r.completeness for r in rows[:4]] == [100, 100, None, 100]
    assert rows[4].completeness is None or rows[4].completeness < 100  # a scaffold is not complete
    commits = repo.git("log", "--format=%h", "--follow", "--", "projects/NW-001.md").stdout.split()
    assert [r.commit for r in rows] == commits


def test_limit_keeps_the_newest(repo):
    rows = plan_history(repo.path / "projects" / "NW-001.md", limit=2)
    assert [r.date for r in rows] == ["2026-09-10", "2026-09-08"]


def test_rows_as_the_plan_page_shows_them():
    row = HistoryRow("2026-09-10", "abc1234", "projects/X.md", "development", 85, 100)
    assert row.as_dict() == {
        "date": "2026-09-10",
        "commit": "abc1234",
        "status": "development",
        "confidence": "85%",
        "completeness": "100%",
    }
    broken = HistoryRow("2026-09-05", "def5678", "projects/X.md", None, None, None)
    assert broken.as_dict() == {
        "date": "2026-09-05",
        "commit": "def5678",
        "status": "invalid",
        "confidence": "—",
        "completeness": "—",
    }


def test_the_site_page_shows_a_short_history_table(repo):
    path = repo.path / "projects" / "NW-001.md"
    rows = [row.as_dict() for row in plan_history(path, limit=3)]
    page = render_plan(load_plan(path), flavor="site", context=RenderContext(history=rows))
    table = page.split("## HISTORY", 1)[1]
    assert "| 2026-09-10 | `" in table and "| development | 85% | 100% |" in table
    assert "| 2026-09-05 | `" in table and "| invalid | — | — |" in table
    assert "2026-09-03" not in table  # limited to three rows


def test_many_plans_cost_one_git_log_and_one_cat_file(git_repo, monkeypatch):
    for number in range(12):
        git_repo.write(f"projects/P-{number:03d}.md", northwind(plan_id=f"P-{number:03d}"))
    git_repo.commit("Twelve plans")
    for number in range(0, 12, 3):
        git_repo.write(f"projects/P-{number:03d}.md", northwind("testing", 90, plan_id=f"P-{number:03d}"))
    git_repo.commit("Four move on")
    calls: list[list[str]] = []
    real_popen = subprocess.Popen

    class CountingPopen(real_popen):  # subprocess.run starts its process through Popen too
        def __init__(self, args, *a, **k):
            calls.append(list(args))
            super().__init__(args, *a, **k)

    monkeypatch.setattr(subprocess, "Popen", CountingPopen)
    paths = sorted((git_repo.path / "projects").glob("*.md"))
    found = plan_histories(paths, limit=5)
    assert [c[1] for c in calls if c[1] != "rev-parse"] == ["log", "cat-file"], calls
    assert len(found) == 12
    calls.clear()
    assert plan_histories(paths, limit=5) == found
    assert [c[1] for c in calls if c[1] != "rev-parse"] == [], calls  # the log of this HEAD is kept
    moved = found[paths[0]]  # keyed by the paths as given
    assert [(r.status, r.confidence) for r in moved] == [("testing", 90), ("development", 80)]
    assert [(r.status, r.confidence) for r in found[paths[1]]] == [("development", 80)]


def test_an_old_version_is_read_once_a_process(git_repo, monkeypatch):
    """`mkdocs serve` asks for every plan's history on each rebuild: the old versions, which never
    change, are read and checked on the first; a new commit's version is read when it comes."""
    plan_id = "ONCE-001"  # text no other test commits, so no other test has read these versions
    path = git_repo.write(f"projects/{plan_id}.md", northwind(plan_id=plan_id))
    git_repo.commit("One plan")
    git_repo.write(f"projects/{plan_id}.md", northwind("testing", 90, plan_id=plan_id))
    git_repo.commit("It moves on")
    git_repo.write(f"projects/{plan_id}.md", northwind("uat", 95, plan_id=plan_id))
    calls: list[str] = []
    real_popen = subprocess.Popen

    class CountingPopen(real_popen):  # subprocess.run starts its process through Popen too
        def __init__(self, args, *a, **k):
            calls.append(args[1])
            super().__init__(args, *a, **k)

    monkeypatch.setattr(subprocess, "Popen", CountingPopen)
    first = plan_histories([path], limit=5)
    assert calls.count("cat-file") == 1
    calls.clear()
    assert plan_histories([path], limit=5) == first
    assert "cat-file" not in calls, calls
    git_repo.commit("And again")
    rows = plan_histories([path], limit=5)[path]
    assert [(row.status, row.confidence) for row in rows] == [("uat", 95), ("testing", 90), ("development", 80)]
    assert calls.count("cat-file") == 1  # the new version only


def test_plans_git_does_not_know_have_no_history(git_repo, tmp_path):
    git_repo.write("README.md", "x\n")
    git_repo.commit("x")
    untracked = git_repo.write("projects/NEW-1.md", northwind(plan_id="NEW-1"))
    assert plan_history(untracked) == []
    outside = tmp_path / "elsewhere" / "X.md"
    outside.parent.mkdir()
    outside.write_text("---\nid: X\n---\n", encoding="utf-8")
    assert plan_histories([outside]) in ({}, {outside.resolve(): []})


def test_read_blobs_reads_many_names_in_one_process(repo):
    head = repo.git("rev-parse", "HEAD").stdout.strip()
    blobs = read_blobs(
        repo.path, [f"{head}:projects/NW-001.md", f"{head}:README.md", f"{head}:nope.md", f"{head}:projects"]
    )
    assert blobs[f"{head}:README.md"] == b"# plans\n"
    assert blobs[f"{head}:projects/NW-001.md"].startswith(b'---\nid: "NW-001"')
    assert blobs[f"{head}:nope.md"] is None and blobs[f"{head}:projects"] is None


def test_last_changes_is_kept(repo):
    path = repo.path / "projects" / "NW-001.md"
    facts = last_changes([path])[path]
    assert facts.date == "2026-09-10" and facts.commits == 1  # no rename following there


def test_facts_are_keyed_by_the_paths_as_given_and_a_link_names_its_target(repo, monkeypatch):
    """A relative path, a path through `..` and a link inside the repository each get the facts of the
    file they name, under their own spelling, whatever the folders cost to resolve."""
    monkeypatch.chdir(repo.path / "projects")
    link = repo.path / "projects" / "ALIAS.md"
    link.symlink_to("NW-001.md")
    relative, dotted = Path("NW-001.md"), repo.path / "docs" / ".." / "projects" / "NW-001.md"
    (repo.path / "docs").mkdir(exist_ok=True)
    facts = last_changes([relative, dotted, link])
    assert set(facts) == {relative, dotted, link}
    assert len(set(facts.values())) == 1
    histories = plan_histories([relative, link], limit=5)
    assert histories[relative] == histories[link] and histories[link]


def test_resolving_many_paths_agrees_with_resolving_each(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "A.md").write_text("a", encoding="utf-8")
    (tmp_path / "via").symlink_to("real")
    (tmp_path / "real" / "L.md").symlink_to("A.md")
    (tmp_path / "loop.md").symlink_to("loop.md")
    paths = [
        tmp_path / "via" / "A.md",
        tmp_path / "via" / "L.md",
        tmp_path / "via" / "..",
        tmp_path / "loop.md",
        tmp_path / "real" / "missing.md",
        Path("relative.md"),
    ]
    assert resolved_each(paths) == {path: resolved(path) for path in paths}


# -- the command -------------------------------------------------------------------------------


def test_cli_history_text(repo, monkeypatch, capsys):
    monkeypatch.chdir(repo.path)
    assert cli.main(["history", "NW-001", "--limit", "2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["Date", "Commit", "Status", "Confidence", "Fields", "filled"]
    assert out[1].split()[0::2] == ["2026-09-10", "development", "100%"] and out[1].split()[3] == "85%"
    assert len(out) == 4 and out[3] == "(the 2 most recent commits; --all shows every one)"  # 5 commits in all
    assert cli.main(["history", "NW-001", "--limit", "5"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 6  # all five, and no note


def test_cli_history_json_and_markdown(repo, monkeypatch, capsys):
    monkeypatch.chdir(repo.path)
    assert cli.main(["history", "projects/NW-001.md", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [row["status"] for row in rows] == ["development", "development", None, "discovery", "draft"]
    assert set(rows[0]) == {"date", "commit", "path", "status", "confidence", "completeness"}
    assert cli.main(["history", "NW-001", "--format", "markdown", "--limit", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "| Date | Commit | Status | Confidence | Fields filled |"
    assert out[2].startswith("| 2026-09-10 | `") and out[2].endswith("| development | 85% | 100% |")


@pytest.mark.parametrize(
    ("args", "message"),
    [(["NOPE-1"], "no plan 'NOPE-1'"), (["NW-001", "--limit", "0"], "--limit must be from 1 to 1,000,000")],
)
def test_cli_history_usage_errors(repo, monkeypatch, capsys, args, message):
    monkeypatch.chdir(repo.path)
    assert cli.main(["history", *args]) == 2
    assert message in capsys.readouterr().err


def test_cli_history_of_an_uncommitted_plan(git_repo, monkeypatch, capsys):
    git_repo.write("README.md", "x\n")
    git_repo.commit("x")
    git_repo.write("projects/NEW-1.md", northwind(plan_id="NEW-1"))
    monkeypatch.chdir(git_repo.path)
    assert cli.main(["history", "NEW-1"]) == 0
    assert "no commits yet" in capsys.readouterr().out
