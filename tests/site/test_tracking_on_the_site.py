"""Tracking on the built site: a real `mkdocs build --strict` of the samples on a fixed day shows who is
late, red, and by how much on the portfolio, and each plan page draws the same timeline as its export."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from planbook.portfolio import load_portfolio
from planbook.site import portfolio_view
from planbook.site.portfolio_tracking import tracking_cells, variance_text

from conftest import PROJECTS
from sitebuild import GIT_DATE, SAMPLE_IDS, Build, SiteProject

TODAY = "2026-12-01"


@pytest.fixture(scope="module")
def tracked_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    project = SiteProject(tmp_path_factory.mktemp("tracked") / "project")
    project.add_samples()
    project.commit("Add the sample plans", date=GIT_DATE)
    build = project.build(env={"PLANBOOK_TODAY": TODAY})
    assert build.ok, build.output
    return build


def portfolio_rows(html: str) -> dict[str, str]:
    rows = re.findall(r"<tr data-status=.*?</tr>", html, re.S)
    return {re.search(r'<th scope="row"><a href="[^"]*">([^<]+)</a>', row).group(1): row for row in rows}  # type: ignore[union-attr]


def test_the_portfolio_shows_northwind_and_cascade_late_and_red(tracked_build: Build) -> None:
    rows = portfolio_rows(tracked_build.html("index.html"))
    assert set(rows) == set(SAMPLE_IDS)
    for plan_id in ("NORTHWIND-001", "CASCADE-007"):
        row = rows[plan_id]
        assert 'data-rag="red"' in row and 'data-late="late"' in row, row
        assert '<span class="pb-rag pb-rag--red"><span class="pb-rag-dot" aria-hidden="true"></span>Red</span>' in row
        assert '<span class="pb-late">Late</span>' in row
        variance = re.search(r'<td data-sort="(-?\d+)" class="pb-variance">([^<]*)</td>', row)
        assert variance and int(variance.group(1)) > 0 and variance.group(2) == f"+{variance.group(1)} d"


def test_the_portfolio_has_rag_late_and_variance_columns_and_filters(tracked_build: Build) -> None:
    html = tracked_build.html("index.html")
    for heading in ("RAG", "Late", "Variance"):
        assert f'<th scope="col" data-pb-sort="number">{heading}</th>' in html
    assert '<select data-pb-filter="rag">' in html and '<select data-pb-filter="late">' in html
    assert '<option value="red">Red (' in html


def test_the_portfolio_timeline_has_a_today_line(tracked_build: Build) -> None:
    chart = tracked_build.html("index.html").split("pb-chart--timeline", 1)[1].split("</figure>", 1)[0]
    assert re.search(r'<g class="pb-svg-today"><line x1="[\d.]+"', chart)
    assert ">Today, Dec 1</text>" in chart and "today 2026-12-01" in chart


@pytest.mark.parametrize("plan_id", SAMPLE_IDS)
def test_each_plan_page_draws_the_same_timeline_as_its_export(tracked_build: Build, plan_id: str) -> None:
    page = tracked_build.plan_page(plan_id)
    export = tracked_build.html(f"projects/{plan_id}/{plan_id}.html")

    def svg(html: str) -> str:
        found = re.search(r'<svg class="pb-timeline".*?</svg>', html, re.S)
        assert found, "no timeline"
        return found.group(0)

    assert svg(page) == svg(export)
    assert "Today, Dec 1" in svg(page)


def test_a_rows_html_follows_its_tracking_from_one_day_to_the_next(tmp_path: Path) -> None:
    """`ROW_HTML_CACHE` keys a row by what it shows of its tracking: the same file on a later day,
    when the plan has turned late, is not served yesterday's row."""
    folder = tmp_path / "projects"
    folder.mkdir()
    (folder / "NORTHWIND-001.md").write_text((PROJECTS / "NORTHWIND-001.md").read_text(encoding="utf-8"))

    def row_html(day: dt.date) -> str:
        folio = load_portfolio(folder, today=day)
        (html,) = portfolio_view.row_html(folio, portfolio_view.table_view(folio.rows, lambda i: f"{i}/")["rows"])
        return str(html)

    on_time = row_html(dt.date(2026, 9, 10))
    assert 'data-late="on-time"' in on_time
    late = row_html(dt.date(2026, 12, 1))
    assert 'data-late="late"' in late and 'data-rag="red"' in late
    assert row_html(dt.date(2026, 12, 1)) == late  # and the same day reuses it


@pytest.mark.parametrize(
    ("days", "text"),
    [(12, "+12 d"), (-3, "\u22123 d"), (0, "0 d"), (None, "")],
    ids=["late", "early", "zero", "unknown"],
)
def test_variance_reads_as_signed_days(days: int | None, text: str) -> None:
    assert variance_text(days) == text


def test_a_plan_that_did_not_load_is_not_tracked() -> None:
    cells = tracking_cells(None)
    assert (cells.rag, cells.rag_label, cells.late, cells.variance_text) == ("none", "Not tracked", False, "")


def test_the_portfolio_timelines_month_labels_say_their_year(tmp_path: Path) -> None:
    """A plan decades long: its labels are years apart and name their year, not 'Jan 1900, May, Sep'."""
    project = SiteProject(tmp_path / "project")
    project.add_samples()
    path = project.path / "projects" / "NORTHWIND-001.md"
    text = path.read_text(encoding="utf-8").replace('duration: "4 weeks"', 'duration: "999.9 months"', 1)
    assert "999.9 months" in text
    path.write_text(text, encoding="utf-8")
    project.commit("A long development", date=GIT_DATE)
    build = project.build(env={"PLANBOOK_TODAY": TODAY})
    assert build.ok, build.output
    chart = re.search(r'<figure class="pb-chart pb-chart--timeline">.*?</figure>', build.html("index.html"), re.S)
    assert chart is not None
    labels = re.findall(r'<text class="pb-svg-axis"[^>]*>([^<]*)</text>', chart.group(0))
    assert 2 <= len(labels) <= 12, labels
    assert all(re.fullmatch(r"\d{4}", label) for label in labels), labels
