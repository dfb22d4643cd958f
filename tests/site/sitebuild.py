"""Real site builds: `mkdocs build --strict` (never with -q, which hides warnings in mkdocs 1.6) in a
project folder of its own, a real git repository with the site's config, docs, hooks and macros.

Not a conftest.py: a second conftest module would take the name `conftest` from the top one, which
other tests import from (`from conftest import PROJECTS`). Test modules import these fixtures by
name; builds shared by several modules are cached here, so each runs once per session.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from planbook.export.to_pdf import DEFAULT_CHROMIUM

from conftest import PROJECTS, ROOT, GitRepo

SITE_PARTS = ("docs", "hooks", "macros")  # linked into each project folder; mkdocs.yml is copied
GIT_DATE = "2026-03-02T10:00:00+00:00"


@dataclasses.dataclass
class Build:
    returncode: int
    output: str  # stdout and stderr together, as a person sees them
    site: Path

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def html(self, relative: str) -> str:
        return (self.site / relative).read_text(encoding="utf-8")

    def plan_page(self, plan_id: str) -> str:
        return self.html(f"projects/{plan_id}/index.html")

    def warnings(self) -> list[str]:
        return [line for line in self.output.splitlines() if "WARNING" in line or "ERROR" in line]


def run_mkdocs(
    root: Path, *args: str, site: Path | None = None, env: dict[str, str] | None = None, strict: bool = True
) -> Build:
    site = site or root / "site"
    command = [sys.executable, "-m", "mkdocs", *args, "--strict" if strict else "--no-strict", "-d", str(site)]
    done = subprocess.run(
        command,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
    )
    return Build(done.returncode, done.stdout + done.stderr, site)


class SiteProject(GitRepo):
    """A project folder with the site's parts and a `projects/` of its own, in a real git repository."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        for part in SITE_PARTS:
            (path / part).symlink_to(ROOT / part, target_is_directory=True)
        shutil.copy(ROOT / "mkdocs.yml", path / "mkdocs.yml")
        (path / "projects").mkdir()
        (path / ".gitignore").write_text("/site/\n/docs\n/hooks\n/macros\n", encoding="utf-8")

    def add_plan(self, plan_id: str, text: str, *, companions: bool = True) -> Path:
        """The plan, with plain companion documents (`conftest.add_companions`) unless told otherwise."""
        return self.write(f"projects/{plan_id}.md", text, companions=companions)

    def add_samples(self) -> None:
        """The sample plans, each with its companion documents (`projects/<ID>/`)."""
        for sample in sorted(PROJECTS.glob("*.md")):
            for document in sorted((PROJECTS / sample.stem).glob("*.md")):
                self.write(f"projects/{sample.stem}/{document.name}", document.read_text(encoding="utf-8"))
            self.add_plan(sample.stem, sample.read_text(encoding="utf-8"))

    def build(self, *args: str, env: dict[str, str] | None = None, strict: bool = True) -> Build:
        return run_mkdocs(self.path, "build", *args, env=env, strict=strict)


@pytest.fixture
def site_project(tmp_path: Path) -> SiteProject:
    return SiteProject(tmp_path / "project")


_session_builds: dict[str, tuple[SiteProject, Build]] = {}


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[SiteProject, Build]:
    """The sample plans, committed on a known date, built once for the tests that only read the site."""
    if "samples" not in _session_builds:
        project = SiteProject(tmp_path_factory.mktemp("samples") / "project")
        project.add_samples()
        project.commit("Add the sample plans", date=GIT_DATE)
        build = project.build()
        assert build.ok, build.output
        _session_builds["samples"] = (project, build)
    return _session_builds["samples"]


def load_module(relative: str) -> ModuleType:
    """A hook or macros module, loaded from its file as MkDocs and mkdocs-macros load them."""
    path = ROOT / relative
    name = "planbook_site_" + re.sub(r"\W", "_", relative)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


SAMPLE_IDS = sorted(path.stem for path in PROJECTS.glob("*.md"))


def require_browser() -> None:
    """Chromium and pdftotext, or a skip saying so; a failure under PLANBOOK_REQUIRE_BROWSER=1 (CI)."""
    missing = [tool for tool in (DEFAULT_CHROMIUM, "pdftotext") if shutil.which(tool) is None]
    if missing:
        message = f"needs {', '.join(missing)} (Debian: apt-get install chromium poppler-utils)"
        if os.environ.get("PLANBOOK_REQUIRE_BROWSER") == "1":
            pytest.fail(f"PLANBOOK_REQUIRE_BROWSER=1 but this test {message}")
        pytest.skip(message)
