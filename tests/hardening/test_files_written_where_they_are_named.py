"""Class 4 of the trust issue: files written where they should not be, and files read that are no plan.

One safe write (`planbook.files.write_atomic`) lands only on a regular file, with the mode the umask
gives; one path policy (`planbook.paths`) decides what may be a plan: no link out of the repository,
no name the site gives another page, no two names one file on macOS. All through the real command
line, in real git repositories.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from planbook.files import NotARegularFile, write_atomic

from conftest import PROJECTS, GitRepo, add_companions

SAMPLE = (PROJECTS / "NORTHWIND-001.md").read_text(encoding="utf-8")


def planbook(*args: str, cwd: Path, umask: int | None = None, timeout: int = 60) -> subprocess.CompletedProcess[str]:
    def set_umask() -> None:
        if umask is not None:
            os.umask(umask)

    return subprocess.run(
        [sys.executable, "-m", "planbook.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=set_umask,
    )


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.write("projects/NORTHWIND-001.md", SAMPLE)
    repo.write("docs/index.md", "# Plans\n")
    repo.commit("Add a plan")
    return repo


def mode_of(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


# -- export: the name, and what is at the path --------------------------------------------------


def test_an_id_that_climbs_out_writes_nothing_anywhere(repo: GitRepo) -> None:
    repo.write("projects/X.md", SAMPLE.replace('id: "NORTHWIND-001"', 'id: "../../x"'))
    work = repo.path / "out"
    work.mkdir()
    before = {path for path in repo.path.parent.rglob("*")}
    done = planbook("export", str(repo.path / "projects" / "X.md"), cwd=work)
    assert done.returncode == 1 and "not exported" in done.stderr
    assert {path for path in repo.path.parent.rglob("*")} == before


@pytest.mark.parametrize("kind", ["symlink", "fifo", "device", "folder-link"])
def test_export_refuses_a_target_that_is_not_a_regular_file(repo: GitRepo, tmp_path: Path, kind: str) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    target = tmp_path / "target.html"
    if kind == "symlink":
        target.symlink_to(victim)
    elif kind == "folder-link":
        target.symlink_to(tmp_path)
    elif kind == "fifo":
        os.mkfifo(target)
    else:
        if os.geteuid() != 0:
            pytest.skip("making a device node needs root; the CI machine runs as root")
        os.mknod(target, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a second /dev/null
    before = os.lstat(target)
    done = planbook("export", "NORTHWIND-001", "-o", str(target), cwd=repo.path)
    assert done.returncode == 2 and ("not a regular file" in done.stderr or "symbolic link" in done.stderr), done.stderr
    after = os.lstat(target)
    assert stat.S_IFMT(after.st_mode) == stat.S_IFMT(before.st_mode) and after.st_ino == before.st_ino
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert not list(tmp_path.glob(".target.html.*.tmp"))  # no temporary file left behind


def test_export_into_a_folder_names_the_file_after_the_plan(repo: GitRepo, tmp_path: Path) -> None:
    folder = tmp_path / "handover"
    folder.mkdir()
    done = planbook("export", "NORTHWIND-001", "-o", f"{folder}/", "--format", "md", cwd=repo.path)
    assert done.returncode == 0, done.stderr
    assert (folder / "NORTHWIND-001.md").is_file()


@pytest.mark.parametrize(("umask", "expected"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_new_files_follow_the_umask(repo: GitRepo, tmp_path: Path, umask: int, expected: int) -> None:
    done = planbook("new", "ACME-042", cwd=repo.path, umask=umask)
    assert done.returncode == 0, done.stderr
    assert mode_of(repo.path / "projects" / "ACME-042.md") == expected
    target = tmp_path / f"plan-{umask:o}.html"
    done = planbook("export", "NORTHWIND-001", "-o", str(target), cwd=repo.path, umask=umask)
    assert done.returncode == 0, done.stderr
    assert mode_of(target) == expected


def test_a_file_replaced_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "plan.html"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "new" and mode_of(target) == 0o640


def test_the_safe_write_refuses_a_link_even_to_a_regular_file(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("keep", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    with pytest.raises(NotARegularFile):
        write_atomic(link, "new")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "keep"


# -- what may be a plan -------------------------------------------------------------------------


@pytest.mark.parametrize("inside", [False, True])
def test_a_plan_that_links_out_of_the_repository_is_neither_checked_nor_published(
    repo: GitRepo, tmp_path: Path, inside: bool
) -> None:
    secret = (repo.path / "archive" if inside else tmp_path / "home") / "OUTSIDE-001.md"
    secret.parent.mkdir(parents=True)
    secret.write_text(
        SAMPLE.replace("NORTHWIND-001", "OUTSIDE-001").replace("Northwind", "SECRET-CLIENT"), encoding="utf-8"
    )
    (repo.path / "projects" / "OUTSIDE-001.md").symlink_to(secret)
    add_companions(repo.path / "projects", "OUTSIDE-001")
    done = planbook("check", cwd=repo.path)
    if inside:  # a link within the repository publishes nothing that is not in it already
        assert done.returncode == 0, done.stdout
        return
    assert done.returncode == 1 and "projects/OUTSIDE-001.md:1:1: PB012" in done.stdout, done.stdout
    status = planbook("status", cwd=repo.path)
    assert "SECRET-CLIENT" not in status.stdout
    render = planbook("render", "OUTSIDE-001", cwd=repo.path)
    assert render.returncode == 1 and "SECRET-CLIENT" not in render.stdout


def test_new_from_a_subfolder_writes_to_the_repositorys_projects(repo: GitRepo) -> None:
    sub = repo.path / "docs"
    done = planbook("new", "ACME-042", "--type", "accounting", cwd=sub)
    assert done.returncode == 0, done.stderr
    assert (repo.path / "projects" / "ACME-042.md").is_file()
    assert not (sub / "projects").exists()
    assert "../projects/ACME-042.md" in done.stdout
    check = planbook("check", cwd=sub)  # and check, from the same folder, finds it
    assert "ACME-042.md" in check.stdout and check.returncode == 1


@pytest.mark.parametrize("name", ["index", "README", "Index", "readme"])
def test_plans_cannot_take_the_folders_own_page(repo: GitRepo, name: str) -> None:
    repo.write(f"projects/{name}.md", SAMPLE.replace('id: "NORTHWIND-001"', f'id: "{name}"'))
    done = planbook("check", cwd=repo.path)
    assert done.returncode == 1 and f"projects/{name}.md:1:1: PB110" in done.stdout, done.stdout
    refused = planbook("new", name, cwd=repo.path)
    assert refused.returncode == 2 and "folder's own page" in refused.stderr


def test_names_that_differ_only_by_case_collide(repo: GitRepo) -> None:
    repo.write("projects/northwind-001.md", SAMPLE.replace('id: "NORTHWIND-001"', 'id: "northwind-001"'))
    done = planbook("check", cwd=repo.path)
    assert done.returncode == 1
    assert (
        "projects/NORTHWIND-001.md:1:1: PB111" in done.stdout and "projects/northwind-001.md:1:1: PB111" in done.stdout
    )
    # pre-commit names one file: its siblings are looked at all the same
    single = planbook("check", "projects/northwind-001.md", cwd=repo.path)
    assert "PB111" in single.stdout and single.returncode == 1
    refused = planbook("new", "Northwind-001", cwd=repo.path)
    assert refused.returncode == 2 and "only by case" in refused.stderr


# -- found by the adversarial review ---------------------------------------------------------------


@pytest.mark.parametrize("where", ["here", "folder"])
def test_export_never_writes_over_the_plan_it_reads(repo: GitRepo, where: str) -> None:
    plan = repo.path / "projects" / "NORTHWIND-001.md"
    before = plan.read_bytes()
    if where == "here":
        done = planbook("export", "NORTHWIND-001", "--format", "md", cwd=repo.path / "projects")
    else:
        done = planbook("export", "NORTHWIND-001", "--format", "md", "-o", "projects/", cwd=repo.path)
    assert done.returncode == 2 and ("the plan itself" in done.stderr or "among the plans" in done.stderr), done.stderr
    assert plan.read_bytes() == before


def test_new_writes_nothing_through_a_projects_link_out_of_the_repository(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    outside = tmp_path / "outside"
    outside.mkdir()
    (repo.path / "projects").symlink_to(outside)
    (repo.path / "docs").mkdir()
    done = planbook("new", "EVIL-1", cwd=repo.path / "docs")
    assert done.returncode == 2 and "out of the repository" in done.stderr, done.stderr
    assert list(outside.iterdir()) == []


def test_new_says_so_when_projects_is_a_file(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    (repo.path / "projects").write_text("not a folder\n", encoding="utf-8")
    done = planbook("new", "X-1", cwd=repo.path)
    assert done.returncode == 2 and "is not a folder" in done.stderr, done.stderr


@pytest.mark.parametrize("name", ["CON", "aux", "NUL", "com1", "LPT9"])
def test_names_windows_keeps_for_devices_are_refused(repo: GitRepo, name: str) -> None:
    refused = planbook("new", name, cwd=repo.path)
    assert refused.returncode == 2 and "Windows" in refused.stderr
    repo.write(f"projects/{name}.md", SAMPLE.replace('id: "NORTHWIND-001"', f'id: "{name}"'))
    done = planbook("check", cwd=repo.path)
    assert f"projects/{name}.md:1:1: PB110" in done.stdout


def test_a_plan_linked_into_git_metadata_is_refused(repo: GitRepo) -> None:
    (repo.path / "projects" / "X.md").symlink_to("../.git/config")
    done = planbook("check", cwd=repo.path)
    assert done.returncode == 1 and "projects/X.md:1:1: PB012" in done.stdout, done.stdout


# -- second review: loops, other repositories, read-only files, names equal but for case -----------


def test_a_loop_of_links_is_a_finding_for_check_and_a_clear_error_for_new_and_export(repo: GitRepo) -> None:
    (repo.path / "projects" / "LOOP-1.md").symlink_to("LOOP-2.md")
    (repo.path / "projects" / "LOOP-2.md").symlink_to("LOOP-1.md")
    check = planbook("check", cwd=repo.path)
    assert check.returncode == 1 and "PB012" in check.stdout and "Traceback" not in check.stderr, check.stdout
    exported = planbook("export", "LOOP-1", cwd=repo.path)
    assert (
        exported.returncode in (1, 2)
        and "Traceback" not in exported.stderr
        and not (repo.path / "LOOP-1.html").exists()
    )
    looped = repo.path / "looped"
    (looped / "projects").parent.mkdir()
    (looped / "projects").symlink_to("projects", target_is_directory=True)
    created = planbook("new", "ACME-042", "--dir", str(looped / "projects"), cwd=repo.path)
    assert created.returncode == 2 and "loop" in created.stderr and "Traceback" not in created.stderr, created.stderr


def test_export_never_writes_over_a_plan_even_in_another_repository(repo: GitRepo, tmp_path: Path) -> None:
    other = GitRepo(tmp_path / "other")
    other.write("projects/THEIRS-001.md", "keep me")
    other.commit("Their plan")
    target = other.path / "projects" / "THEIRS-001.md"
    done = planbook("export", "NORTHWIND-001", "--format", "md", "-o", str(target), cwd=repo.path)
    assert done.returncode == 2 and "projects" in done.stderr, done.stderr
    assert target.read_text(encoding="utf-8") == "keep me"


def test_export_leaves_a_read_only_file_alone(repo: GitRepo, tmp_path: Path) -> None:
    target = tmp_path / "signed.html"
    target.write_text("the signed copy", encoding="utf-8")
    target.chmod(0o444)
    done = planbook("export", "NORTHWIND-001", "-o", str(target), cwd=repo.path)
    assert done.returncode == 2 and "read-only" in done.stderr, done.stderr
    assert target.read_text(encoding="utf-8") == "the signed copy" and mode_of(target) == 0o444


def test_plans_whose_names_differ_only_by_case_are_refused_by_export_and_fail_status(repo: GitRepo) -> None:
    repo.write("projects/northwind-001.md", SAMPLE.replace('id: "NORTHWIND-001"', 'id: "northwind-001"'))
    exported = planbook("export", "NORTHWIND-001", cwd=repo.path)
    assert exported.returncode == 1 and "PB111" in exported.stderr, exported.stderr
    status = planbook("status", cwd=repo.path)
    assert status.returncode == 1 and "northwind-001" in status.stdout, status.stdout  # both shown, neither passes
