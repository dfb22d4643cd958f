"""The site's adapters: mkdocs-macros renders every plan page (without it, a plan page is only its
constant stub), and the same site builds unchanged on ProperDocs, the maintained continuation of
MkDocs 1.x."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from planbook.site.build import PLAN_PAGE_SOURCE

from conftest import ROOT
from sitebuild import GIT_DATE, SiteProject, run_mkdocs, sample_site  # noqa: F401 - fixtures


def article(html: str) -> str:
    return html[html.index("<article") : html.index("</article>")]


def test_without_mkdocs_macros_a_plan_page_is_only_its_stub(tmp_path: Path) -> None:
    project = SiteProject(tmp_path / "project")
    project.add_samples()
    config = (project.path / "mkdocs.yml").read_text(encoding="utf-8")
    without = re.sub(r"\n  - macros:\n(      .*\n)+", "\n", config)
    assert "  - macros:" not in without and "\n  - search" in without
    (project.path / "mkdocs.yml").write_text(without, encoding="utf-8")
    project.commit("The site without mkdocs-macros", date=GIT_DATE)
    build = project.build(strict=False)  # the stub's `{{ plan_page() }}` is only text now
    assert build.ok, build.output
    page = article(build.plan_page("NORTHWIND-001"))
    assert "{{ plan_page() }}" in page and "IMPLEMENTATION PLAN" not in page and "Northwind" not in page


def test_with_mkdocs_macros_the_plan_page_is_the_plan(sample_site) -> None:
    _, build = sample_site
    page = article(build.plan_page("NORTHWIND-001"))
    assert "IMPLEMENTATION PLAN" in page and "Northwind Outfitters" in page and "plan_page" not in page
    assert PLAN_PAGE_SOURCE.count("{{") == 1 and "render_macros: true" in PLAN_PAGE_SOURCE


def test_the_site_builds_unchanged_on_properdocs(sample_site, tmp_path: Path) -> None:
    project, mkdocs_build = sample_site
    properdocs = Path(sys.executable).with_name("properdocs")
    site = tmp_path / "site"
    done = subprocess.run(
        [str(properdocs), "build", "--strict", "-f", "mkdocs.yml", "-d", str(site)],
        cwd=project.path,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    built = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    expected = sorted(p.relative_to(mkdocs_build.site).as_posix() for p in mkdocs_build.site.rglob("*") if p.is_file())
    assert built == expected
    for plan_id in ("NORTHWIND-001", "CASCADE-007", "BRIGHTLEAF-014"):
        ours = article((site / "projects" / plan_id / "index.html").read_text(encoding="utf-8"))
        theirs = article(mkdocs_build.plan_page(plan_id))
        assert _without_tokens(ours) == _without_tokens(theirs), plan_id
    home = (site / "index.html").read_text(encoding="utf-8")
    assert home.count("<tr data-status=") == 3


def _without_tokens(html: str) -> list[tuple[str, ...]]:
    """The page as events, attributes sorted: what may differ from one build to the next is the order in
    which the cleaner writes an element's attributes, and nothing else."""
    events: list[tuple[str, ...]] = []

    class Events(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            events.append(("start", tag, *sorted(f"{name}={value}" for name, value in attrs)))

        def handle_endtag(self, tag: str) -> None:
            events.append(("end", tag))

        def handle_data(self, data: str) -> None:
            events.append(("text", data))

    Events(convert_charrefs=True).feed(html)
    return events


def test_properdocs_is_pinned_beside_mkdocs() -> None:
    requirements = (Path(__file__).resolve().parents[2] / "requirements.txt").read_text(encoding="utf-8")
    assert re.search(r"^properdocs==1\.6\.\d+$", requirements, re.M) and re.search(
        r"^mkdocs==1\.6\.\d+$", requirements, re.M
    )
    assert shutil.which("properdocs", path=str(Path(sys.executable).parent))


def test_mkdocs_macros_compiles_each_page_source_once_and_renders_it_per_page() -> None:
    """Every plan page is the same `{{ plan_page() }}`; mkdocs-macros compiled it again for each page
    (0.64 s of a 1,000-plan build). The macros module keeps what was compiled, by source."""
    import importlib.util
    import types

    from jinja2 import Environment

    spec = importlib.util.spec_from_file_location("planbook_macros", ROOT / "macros" / "main.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    jinja = Environment()
    plugin = types.SimpleNamespace(env=jinja)
    module.on_pre_page_macros(plugin)
    module.on_pre_page_macros(plugin)  # once a page: wrapped once, not once a page
    first, second = jinja.from_string("{{ page }}"), jinja.from_string("{{ page }}")
    assert first is second
    assert [first.render(page="A-1"), second.render(page="B-2")] == ["A-1", "B-2"]
    assert jinja.from_string("{{ other }}") is not first
    assert jinja.from_string("{{ page }}", globals={"page": "G"}).render() == "G"  # other globals: compiled as asked
