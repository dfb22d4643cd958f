"""Class 5 of the trust issue: client documents that misstate their version.

A client signs a document that names a version. That version must be the one shown: uncommitted
changes are said plainly, on the cover, the sign-off and the site; a plan git has never seen is "not
committed"; and a plan that fails check is no client document at all.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from planbook.scaffold import scaffold

from conftest import PROJECTS, GitRepo, add_companions

SAMPLE = (PROJECTS / "NORTHWIND-001.md").read_text(encoding="utf-8")


def planbook(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "planbook.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=60
    )


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.write("projects/NORTHWIND-001.md", SAMPLE)
    repo.commit("Add a plan", date="2026-03-02T10:00:00+00:00")
    return repo


def export_md(repo: GitRepo, plan: str = "NORTHWIND-001") -> str:
    done = planbook("export", plan, "--format", "md", "-o", "-", cwd=repo.path)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_committed_plan_states_its_commit(repo: GitRepo) -> None:
    commit = repo.git("log", "-1", "--format=%h").stdout.strip()
    document = export_md(repo)
    assert f"| Version | {commit} |" in document
    assert f"version {commit} of 2026-03-02." in document and "Not for signature" not in document


@pytest.mark.parametrize("staged", [False, True])
def test_uncommitted_changes_are_stated_plainly(repo: GitRepo, staged: bool) -> None:
    commit = repo.git("log", "-1", "--format=%h").stdout.strip()
    repo.write("projects/NORTHWIND-001.md", SAMPLE.replace("Northwind Outfitters Ltd.", "Northwind Holdings plc"))
    if staged:
        repo.git("add", "-A")
    document = export_md(repo)
    assert "Northwind Holdings plc" in document  # the edited values…
    assert f"| Version | {commit} with uncommitted changes |" in document  # …and a version that says so
    assert "**Not for signature.**" in document and f"version {commit} of" not in document
    html = planbook("export", "NORTHWIND-001", "-o", "-", cwd=repo.path).stdout
    assert f"{commit} with uncommitted changes" in html and "Not for signature." in html


def test_a_plans_own_version_field_is_said_with_the_commit_that_finds_it(repo: GitRepo) -> None:
    # `version:` is the author's name for a version; the commit is what finds it again, so both show.
    versioned = SAMPLE.replace('id: "NORTHWIND-001"', 'id: "NORTHWIND-001"\nversion: "2.0"', 1)
    repo.write("projects/NORTHWIND-001.md", versioned)
    repo.commit("Version 2.0")
    commit = repo.git("log", "-1", "--format=%h").stdout.strip()
    assert f"| Version | 2\\.0 (commit {commit}) |" in export_md(repo)  # `2.` escaped, as a line may not start a list
    repo.write("projects/NORTHWIND-001.md", versioned.replace("Northwind Outfitters Ltd.", "Someone Else"))
    assert f"| Version | 2\\.0 (commit {commit}) with uncommitted changes |" in export_md(repo)
    repo.write("projects/NEVER-001.md", versioned.replace("NORTHWIND-001", "NEVER-001"))
    never = export_md(repo, "NEVER-001")
    assert "| Version | 2\\.0, not committed |" in never and "**Not for signature.**" in never


def test_a_plan_deleted_and_made_again_is_not_the_deleting_commit(repo: GitRepo) -> None:
    repo.git("rm", "-q", "projects/NORTHWIND-001.md")
    repo.commit("Remove the plan")
    deleting = repo.git("log", "-1", "--format=%h").stdout.strip()
    repo.write("projects/NORTHWIND-001.md", SAMPLE.replace("Northwind Outfitters Ltd.", "Recreated Ltd."))
    document = export_md(repo)
    assert deleting not in document and "| Version | not committed |" in document and "Not for signature" in document


def test_a_merge_that_changed_a_plan_is_its_version(repo: GitRepo) -> None:
    repo.git("checkout", "-q", "-b", "branch")
    repo.write("projects/NORTHWIND-001.md", SAMPLE.replace("Northwind Outfitters Ltd.", "Branch Ltd."))
    repo.commit("On the branch")
    branch = repo.git("log", "-1", "--format=%h").stdout.strip()
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "--no-commit", "branch")
    repo.write("projects/NORTHWIND-001.md", SAMPLE.replace("Northwind Outfitters Ltd.", "Merged Ltd."))
    repo.commit("Merge, with a change of its own")
    merge = repo.git("log", "-1", "--format=%h").stdout.strip()
    document = export_md(repo)
    assert "Merged Ltd." in document and f"| Version | {merge} |" in document and branch not in document


def test_plans_under_a_folder_git_would_quote(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write("plans-é/projects/NORTHWIND-001.md", SAMPLE)
    add_companions(repo.path / "plans-é" / "projects", "NORTHWIND-001")
    repo.commit("A plan in a folder with a non-ASCII name")
    commit = repo.git("log", "-1", "--format=%h").stdout.strip()
    done = planbook("export", "projects/NORTHWIND-001.md", "--format", "md", "-o", "-", cwd=repo.path / "plans-é")
    assert done.returncode == 0 and f"| Version | {commit} |" in done.stdout, done.stdout[:500]


def test_a_plan_never_committed_says_so(repo: GitRepo) -> None:
    repo.write("projects/NEW-001.md", SAMPLE.replace("NORTHWIND-001", "NEW-001"))
    document = export_md(repo, "NEW-001")
    assert "| Version | not committed |" in document


def test_a_plan_that_fails_check_is_not_exported(repo: GitRepo) -> None:
    repo.write("projects/ACME-042.md", scaffold("ACME-042"))
    target = repo.path / "ACME-042.html"
    done = planbook("export", "ACME-042", "-o", str(target), cwd=repo.path)
    assert done.returncode == 1
    assert "PB201" in done.stderr and "not exported" in done.stderr
    assert not target.exists()
    to_stdout = planbook("export", "ACME-042", "--format", "md", "-o", "-", cwd=repo.path)
    assert (
        to_stdout.returncode == 1 and "Prepared for" not in to_stdout.stdout and "[CLIENT_NAME]" not in to_stdout.stdout
    )


def test_a_plan_that_fails_check_is_exported_with_draft_marked_draft_and_not_for_signature(repo: GitRepo) -> None:
    repo.write("projects/ACME-042.md", scaffold("ACME-042"))
    target = repo.path / "ACME-042.html"
    done = planbook("export", "ACME-042", "--draft", "-o", str(target), cwd=repo.path)
    assert done.returncode == 0, done.stderr
    assert "PB201" in done.stderr and "exported as a DRAFT" in done.stderr
    html = target.read_text(encoding="utf-8")
    assert '<div class="pb-watermark" aria-hidden="true">DRAFT</div>' in html
    assert "<title>DRAFT · " in html and "DRAFT, not for signature" in html
    assert "<strong>Not for signature.</strong> This is a draft" in html
    assert "By signing, both parties accept" not in html

    markdown = planbook("export", "ACME-042", "--draft", "--format", "md", "-o", "-", cwd=repo.path)
    assert markdown.returncode == 0
    assert markdown.stdout.startswith("> **DRAFT: not for signature.**")
    assert "**Not for signature.** This is a draft" in markdown.stdout


def test_a_passing_plan_exported_without_draft_has_no_draft_mark(repo: GitRepo) -> None:
    done = planbook("export", "NORTHWIND-001", "--format", "md", "-o", "-", cwd=repo.path)
    assert done.returncode == 0 and "DRAFT" not in done.stdout and "By signing, both parties accept" in done.stdout


def test_the_site_says_so_too(repo: GitRepo) -> None:
    from planbook.check import check_result
    from planbook.history import git_facts
    from planbook.loader import load_plan
    from planbook.render import RenderContext, render_plan

    path = repo.path / "projects" / "NORTHWIND-001.md"
    commit = repo.git("log", "-1", "--format=%h").stdout.strip()
    assert f"**Version**: {commit} |" in render_plan(
        load_plan(path), flavor="site", context=RenderContext(git=git_facts(path))
    )
    path.write_text(SAMPLE.replace("Northwind Outfitters Ltd.", "Edited"), encoding="utf-8")
    loaded = load_plan(path)
    assert check_result(loaded).ok
    assert f"**Version**: {commit} with uncommitted changes |" in render_plan(
        loaded, flavor="site", context=RenderContext(git=git_facts(path))
    )


def test_a_site_built_from_uncommitted_changes_says_so_on_the_page_and_the_download(tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "site"))
    from sitebuild import SiteProject

    project = SiteProject(tmp_path / "project")
    project.add_samples()
    project.commit("Add the samples")
    commit = project.git("log", "-1", "--format=%h").stdout.strip()
    project.add_plan("NORTHWIND-001", SAMPLE.replace("Northwind Outfitters Ltd.", "Edited Ltd."))
    build = project.build()
    assert build.ok, build.output
    page = build.plan_page("NORTHWIND-001")
    download = build.html("projects/NORTHWIND-001/NORTHWIND-001.html")
    assert f"{commit} with uncommitted changes" in page and f"{commit} with uncommitted changes" in download
    assert "Not for signature." in download
    assert f"{commit} with uncommitted changes" not in build.plan_page("CASCADE-007")
