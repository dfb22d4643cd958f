"""Fixtures shared by every test: the repository's own paths, the shared corpora, real git repositories."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from planbook import plan_template
from planbook.schema import is_plan_id

ROOT = Path(__file__).resolve().parents[1]
PROJECTS = ROOT / "projects"
SHARED = ROOT.parent / "shared"
SAMPLES = sorted(PROJECTS.glob("*.md"))

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def shared_path(relative: str) -> Path:
    """A file under ../shared, or a skip saying why the test cannot run without it."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"../shared/{relative} is not beside the project; corpus tests need it")
    return path


def blns_strings() -> list[str]:
    return json.loads(shared_path("corpora/blns/blns.json").read_text(encoding="utf-8"))


def ssti_payloads() -> list[str]:
    lines = shared_path("corpora/ssti/ssti.fuzz").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip()]


@pytest.fixture(autouse=True)
def _the_repositorys_template() -> Iterator[None]:
    """Every test starts and ends with this repository's template active: a test that runs a command in
    a project with a template of its own must not leave it to the next test in the same process."""
    plan_template.activate(ROOT)
    yield
    plan_template.activate(ROOT)


@pytest.fixture
def sample_text() -> str:
    """The accounting sample plan, complete and valid: a base for variations."""
    return (PROJECTS / "NORTHWIND-001.md").read_text(encoding="utf-8")


class GitRepo:
    """A real git repository in a temporary folder."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Plan Author")
        self.git("config", "user.email", "author@example.invalid")
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", *args], cwd=self.path, capture_output=True, text=True, check=check)

    def write(self, relative: str, text: str, *, companions: bool = True) -> Path:
        """Write `relative`; a plan (`projects/<ID>.md`) gets plain companion documents beside it, as a plan
        past discovery needs, unless it has its own or `companions` is false."""
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        parts = relative.split("/")
        if companions and len(parts) == 2 and parts[0] == "projects" and parts[1].endswith(".md"):
            stem = parts[1].removesuffix(".md")
            if is_plan_id(stem) and stem.casefold() not in ("index", "readme"):
                add_companions(self.path / "projects", stem)
        return target

    def commit(self, message: str, *, date: str | None = None) -> str:
        self.git("add", "-A")
        env = dict(os.environ)
        if date:
            env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
        subprocess.run(["git", "commit", "-q", "-m", message], cwd=self.path, env=env, check=True, capture_output=True)
        return self.git("rev-parse", "HEAD").stdout.strip()


#: Companion documents that pass check for any plan (docs/reference/companions.md): a plan past discovery
#: needs both, and a test about something else gives its plans these.
PLAIN_COMPANIONS = {
    "sow": "---\n---\n\n## Scope\n\nThe integration the plan describes.\n",
    "technical-specs": (
        "---\ndata_mapping:\n  - source_object: Order\n    source_field: name\n"
        "    target_object: Invoice\n    target_field: DocNumber\n    required: true\n---\n"
    ),
}


def add_companions(projects: Path, plan_id: str) -> None:
    """Give the plan `plan_id` in `projects` the plain companion documents it lacks (none for a name no
    plan can have, which a test means to be refused)."""
    if not is_plan_id(plan_id):
        return
    folder = projects / plan_id
    folder.mkdir(parents=True, exist_ok=True)
    for slug, text in PLAIN_COMPANIONS.items():
        path = folder / f"{plan_id}-{slug}.md"
        if not path.exists():
            path.write_text(text, encoding="utf-8")


@pytest.fixture
def git_repo(tmp_path: Path) -> GitRepo:
    return GitRepo(tmp_path / "repo")
