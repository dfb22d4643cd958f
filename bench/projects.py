"""The sites the benchmarks build: generated plans in a real git repository with the site's parts
(the pipeline), and the same pages as plain Markdown built by MkDocs alone (the baseline).

The baseline's Markdown is not written by hand: a build of the pipeline with one more hook
(bench/dump_markdown.py) saves every page's Markdown as MkDocs converts it, so both builds convert
the same text with the same theme and extensions. What the baseline lacks is exactly what the
pipeline adds: loading, checking and rendering plans, git, the portfolio macros, cleaning, task labels
and the generated downloads (which the baseline gets as static files, already made).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from bench.generate import generate_plans
from bench.timing import ENV, run, tool

ROOT = Path(__file__).resolve().parent.parent
SITE_PARTS = ("docs", "hooks", "macros")
GIT_DATE = "2026-03-02T10:00:00+00:00"
DUMP_HOOK = Path(__file__).with_name("dump_markdown.py")
BUILD_CACHE = ".cache"  # the pipeline's build cache (planbook/build_cache.py), emptied for a cold build


def git(cwd: Path, *args: str) -> None:
    env = {**ENV, "GIT_AUTHOR_DATE": GIT_DATE, "GIT_COMMITTER_DATE": GIT_DATE}
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def init_repo(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.name", "Bench")
    git(path, "config", "user.email", "bench@example.invalid")
    git(path, "config", "commit.gpgsign", "false")


def pipeline_project(path: Path, n: int, *, seed: int = 0, versions: int = 1) -> Path:
    """A site project of `n` generated plans at `path`, each plan committed in `versions` versions, one
    commit each (the same IDs, other content; the last is the one `seed` gives), as a repository that
    has been worked in for a while holds them."""
    init_repo(path)
    for part in SITE_PARTS:
        (path / part).symlink_to(ROOT / part, target_is_directory=True)
    shutil.copy(ROOT / "mkdocs.yml", path / "mkdocs.yml")
    (path / ".gitignore").write_text(
        "/site*/\n/docs\n/hooks\n/macros\n/dump/\n/mkdocs-dump.yml\n/.cache/\n", encoding="utf-8"
    )
    for version in reversed(range(versions)):
        generate_plans(n, path / "projects", seed=seed + version)
        git(path, "add", "-A")
        git(path, "commit", "-q", "-m", f"{n} generated plans, version {versions - version}")
    return path


def build_command(config: str = "mkdocs.yml", site: str = "site") -> list[str]:
    # Strict, as CI builds; never -q, which turns warnings into a silent exit 0 in mkdocs 1.6.
    return [tool("mkdocs"), "build", "--strict", "-f", config, "-d", site]


def baseline_project(pipeline: Path, path: Path) -> Path:
    """The pipeline's pages as plain Markdown in docs/, built by MkDocs with the same theme, extensions
    and search, and neither hooks nor macros."""
    dump = pipeline / "dump"
    shutil.rmtree(dump, ignore_errors=True)
    config = (pipeline / "mkdocs.yml").read_text(encoding="utf-8")
    marker = "\nhooks:\n"
    if marker not in config:
        raise RuntimeError("mkdocs.yml has no hooks: list for the dump hook to join")
    (pipeline / "mkdocs-dump.yml").write_text(config.replace(marker, f"{marker}  - {DUMP_HOOK}\n"), encoding="utf-8")
    run(build_command("mkdocs-dump.yml", "site-dump"), cwd=pipeline, env={**ENV, "PLANBOOK_BENCH_DUMP": str(dump)})

    path.mkdir(parents=True)
    shutil.copytree(ROOT / "docs", path / "docs", symlinks=False)
    for page in dump.rglob("*.md"):
        target = path / "docs" / page.relative_to(dump)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(page, target)
    # The downloads the pipeline generates, as static files beside each plan page.
    for download in (pipeline / "site-dump" / "projects").glob("*/*.html"):
        if download.name != "index.html":
            target = path / "docs" / "projects" / download.parent.name / download.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(download, target)
    (path / "mkdocs.yml").write_text(plain_config(config), encoding="utf-8")
    shutil.rmtree(pipeline / "site-dump")
    return path


def plain_config(config: str) -> str:
    """mkdocs.yml without the macros plugin, the hooks and the watched plans; plan pages kept out of the nav."""
    plain, macros = re.subn(r"\n  - macros:\n(?:      .*\n)+", "\n", config)
    plain, hooks = re.subn(r"\nhooks:\n(?:  - .*\n)+", "\n", plain)
    plain, watch = re.subn(r"\nwatch:\n(?:  - .*\n)+", "\n", plain)  # projects/ is not there
    if macros != 1 or hooks != 1 or watch != 1:
        raise RuntimeError("mkdocs.yml changed shape: cannot strip the macros plugin and the hooks for the baseline")
    return plain + "\nnot_in_nav: |\n  /projects/\n"


def html_bytes(site: Path) -> tuple[int, int]:
    """(bytes of every HTML page, bytes of the plan pages alone)."""
    total = plans = 0
    for page in site.rglob("*.html"):
        size = page.stat().st_size
        total += size
        if page.name == "index.html" and page.parent.parent.name == "projects":
            plans += size
    return total, plans


def remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
