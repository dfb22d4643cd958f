"""Editing a plan: a dirty build rebuilds that plan's page and the portfolio and nothing else, and
`mkdocs serve` picks the change up. Plus the portfolio at scale: generated plans, a bounded nav."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT
from sitebuild import SAMPLE_IDS, SiteProject, load_module, site_project  # noqa: F401 - fixtures

sys.path.insert(0, str(ROOT))
from bench.generate import generate_plans  # noqa: E402


def rename(plan: Path, old: str, new: str) -> None:
    """Change a plan's name, and make its file newer than anything built from it."""
    plan.write_text(plan.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    later = time.time() + 5
    os.utime(plan, (later, later))


def test_a_dirty_build_rebuilds_the_edited_plan_and_the_pages_that_show_the_plans_only(
    site_project: SiteProject,
) -> None:
    site_project.add_samples()
    site_project.commit("Add the sample plans")
    assert site_project.build().ok
    pages = {plan_id: site_project.path / "site" / "projects" / plan_id / "index.html" for plan_id in SAMPLE_IDS}
    home = site_project.path / "site" / "index.html"
    people, guide = (site_project.path / "site" / name / "index.html" for name in ("people", "guide"))
    before = {path: path.stat().st_mtime_ns for path in [*pages.values(), home, people, guide]}

    rename(site_project.path / "projects" / "CASCADE-007.md", "Cascade Coffee fulfilment", "Cascade Coffee shipping")
    # Not strict: MkDocs warns on every dirty build that its navigation may be stale.
    build = site_project.build("--dirty", strict=False)
    assert build.ok, build.output

    changed = {path for path, mtime in before.items() if path.stat().st_mtime_ns != mtime}
    # The pages that show the plans (`shows_plans: true`) are made again; the guide, which shows none, is not.
    assert changed == {pages["CASCADE-007"], home, people}
    assert "Cascade Coffee shipping" in pages["CASCADE-007"].read_text(encoding="utf-8")
    assert "Cascade Coffee shipping" in home.read_text(encoding="utf-8")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, text: str, deadline: float) -> bool:
    while time.monotonic() < deadline:
        page = fetch(url)
        if page is not None and text in page:
            return True
        time.sleep(0.3)
    return False


def test_serve_reloads_when_a_plan_a_page_or_the_config_changes(site_project: SiteProject) -> None:
    """The preview sets its own interval between looks for edits (hooks/planbook_site.py `on_serve`):
    it must still see every path MkDocs watches, not only the plans."""
    site_project.add_samples()
    site_project.commit("Add the sample plans")
    docs = site_project.path / "docs"
    docs.unlink()  # a copy of the site's pages, to edit one
    shutil.copytree(ROOT / "docs", docs)
    port = free_port()
    log = (site_project.path / "serve.log").open("w")  # a file, not a pipe nobody reads while it serves
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dirty", "-a", f"127.0.0.1:{port}"],  # as `make serve`
        cwd=site_project.path,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    try:
        url = f"http://127.0.0.1:{port}/projects/CASCADE-007/"
        assert wait_for(url, "Cascade Coffee fulfilment", time.monotonic() + 60), "serve never came up"
        rename(
            site_project.path / "projects" / "CASCADE-007.md", "Cascade Coffee fulfilment", "Cascade Coffee shipping"
        )
        assert wait_for(url, "Cascade Coffee shipping", time.monotonic() + 60), "serve did not rebuild the plan"
        assert wait_for(f"http://127.0.0.1:{port}/", "Cascade Coffee shipping", time.monotonic() + 10)

        guide = docs / "guide.md"
        guide.write_text(guide.read_text(encoding="utf-8") + "\nEdited in the preview.\n", encoding="utf-8")
        assert wait_for(f"http://127.0.0.1:{port}/guide/", "Edited in the preview.", time.monotonic() + 60)
        config = site_project.path / "mkdocs.yml"
        config.write_text(
            config.read_text(encoding="utf-8").replace("site_name: planbook", "site_name: Plans of ACME", 1),
            encoding="utf-8",
        )
        assert wait_for(f"http://127.0.0.1:{port}/", "Plans of ACME", time.monotonic() + 60)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    said = (site_project.path / "serve.log").read_text(encoding="utf-8")
    assert "keeps MkDocs' own interval" not in said  # the preview's own interval was set
    assert "Watching paths for changes: 'docs', 'mkdocs.yml', 'projects', 'macros'" in said, said


@pytest.mark.slow
def test_a_large_portfolio_builds_with_a_bounded_nav(site_project: SiteProject) -> None:
    plans = generate_plans(120, site_project.path / "projects", seed=7)
    site_project.commit("Add generated plans")
    build = site_project.build()
    assert build.ok, build.output
    assert build.warnings() == []
    pages = list((build.site / "projects").glob("*/index.html"))
    assert len(pages) == len(plans)
    home = build.html("index.html")
    assert len(re.findall(r"<tr data-status=", home)) == len(plans)
    for page in (pages[0], build.site / "guide" / "index.html"):
        html = page.read_text(encoding="utf-8")
        nav = html[html.index('<nav class="md-nav md-nav--primary"') :]
        assert "projects/" not in nav[: nav.index("</nav>")]


# -- the generator and the macros' views ------------------------------------------------------


def test_generated_plans_are_valid_and_the_same_for_a_seed(tmp_path: Path) -> None:
    from planbook.check import check_result
    from planbook.loader import load_plan

    first = generate_plans(60, tmp_path / "a", seed=3)
    second = generate_plans(60, tmp_path / "b", seed=3)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    results = [check_result(load_plan(path)) for path in first]
    assert [r.path for r in results if not r.ok] == []
    statuses = {r.plan.data["status"] for r in results}
    assert len(statuses) >= 6  # varied, not 60 copies of one plan


def test_the_timeline_shows_at_most_its_limit_and_says_so(tmp_path: Path) -> None:
    from planbook.portfolio import load_portfolio
    from planbook.site import portfolio_view as macros

    generate_plans(40, tmp_path / "projects", seed=1)
    rows = load_portfolio(tmp_path / "projects", today=dt.date(2026, 12, 1)).rows
    dated = [row for row in rows if row.start_date]
    view = macros.timeline_view(rows, limit=10)
    assert view["dated"] == len(dated) > 10
    assert len(view["bars"]) == 10
    starts = [bar["start"] for bar in view["bars"]]
    assert starts == sorted(starts) and starts[-1] == max(row.start_date for row in dated)
    html = macros.render("timeline_chart.html", **view)
    assert f"The 10 of {len(dated)} dated plans that start last" in html
    assert "\n\n" not in html  # one raw HTML block for Markdown


def test_the_status_chart_counts_every_plan(tmp_path: Path) -> None:
    from planbook.portfolio import load_portfolio
    from planbook.site import portfolio_view as macros

    generate_plans(30, tmp_path / "projects", seed=2)
    rows = load_portfolio(tmp_path / "projects", today=dt.date(2026, 12, 1)).rows
    view = macros.status_view(rows)
    assert sum(bar["count"] for bar in view["bars"]) == len(rows) == view["total"]
    assert [bar["status"] for bar in view["bars"]] == sorted(
        (b["status"] for b in view["bars"]), key=macros.status_order
    )


def test_a_rebuild_loads_again_only_the_plans_that_changed(tmp_path: Path) -> None:
    from planbook.portfolio import load_portfolio

    paths = generate_plans(5, tmp_path / "projects", seed=4)
    first = load_portfolio(tmp_path / "projects", today=dt.date(2026, 12, 1))
    rename(paths[0], "sync", "integration")
    again = load_portfolio(tmp_path / "projects", today=dt.date(2026, 12, 1))
    assert (
        again.results[0] is not first.results[0] and again.results[1] is first.results[1]
    )  # only the edited plan reloaded
    assert "integration" in again.rows[0].name
