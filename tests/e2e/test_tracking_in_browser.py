"""Tracking in Chromium, on a fixed day (PLANBOOK_TODAY=2026-12-01): the plan page's timeline has a
today line and labels a reader can read, at 1,280 px and at 390 px, and the portfolio's RAG, Late and
Variance columns sort and filter."""

from __future__ import annotations

import re

import pytest

from e2e_browser import GIT_DATE, TRACKING_DAY, browser, new_page, screenshot, served, tracked_site  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

PLAN = "projects/NORTHWIND-001/"
TIMELINE = "figure.pb-timeline-figure svg.pb-timeline"
MEASURE_TEXT = f"[...document.querySelectorAll('{TIMELINE} text')].map(t => t.getBoundingClientRect().height)"


def open_plan(new_page, tracked_site, width: int):
    page, log = new_page(width=width)
    page.goto(tracked_site.url + PLAN)
    page.locator(TIMELINE).wait_for()
    return page, log


@pytest.mark.parametrize("width", [1280, 390])
def test_the_plan_pages_timeline_has_a_today_line_and_readable_labels(new_page, tracked_site, width: int) -> None:
    page, log = open_plan(new_page, tracked_site, width)
    timeline = page.locator(TIMELINE)
    today = timeline.locator("line.pb-tl-today-line")
    assert today.count() == 1
    box = today.bounding_box()
    assert box is not None and box["height"] > 100  # it crosses the phases
    assert timeline.locator("text.pb-tl-today-text").text_content() == "Today, Dec 1"
    heights = page.evaluate(MEASURE_TEXT)
    assert len(heights) > 15
    assert min(heights) >= 11, heights
    # At 1,280 px the whole picture fits its box; at 390 px the box scrolls, and the page does not.
    scroll = page.locator(".pb-timeline-scroll").evaluate("box => [box.scrollWidth, box.clientWidth]")
    page_width = page.evaluate("document.documentElement.scrollWidth")
    if width == 1280:
        assert scroll[0] <= scroll[1]
    else:
        assert scroll[0] > scroll[1] and page_width <= width
    timeline.scroll_into_view_if_needed()
    screenshot(page, f"plan-timeline-{width}")
    assert log.errors == []


def test_late_phases_are_named_late_in_the_picture(new_page, tracked_site) -> None:
    page, _ = open_plan(new_page, tracked_site, 1280)
    late = page.locator(f"{TIMELINE} g.pb-tl-phase--late")
    assert late.count() >= 1
    assert "Phase 2: Development" in late.first.text_content()
    assert "late" in late.first.locator("text.pb-tl-late-text").first.text_content()


def open_home(new_page, tracked_site):
    page, log = new_page()
    page.goto(tracked_site.url)
    page.wait_for_selector("[data-pb-portfolio][data-pb-ready]")
    return page, log


def header_index(page, name: str) -> int:
    headers = page.locator("[data-pb-portfolio] thead th").all_inner_texts()
    return [h.strip() for h in headers].index(name)


def column(page, name: str) -> list[str]:
    index = header_index(page, name)
    return page.eval_on_selector_all(
        "[data-pb-portfolio] tbody tr:not([hidden])", f"rows => rows.map(row => row.cells[{index}].textContent.trim())"
    )


def ids(page) -> list[str]:
    return page.locator("[data-pb-portfolio] tbody tr:not([hidden]) th a").all_inner_texts()


def test_the_portfolio_sorts_by_variance_numerically_and_by_rag(new_page, tracked_site) -> None:
    page, log = open_home(new_page, tracked_site)
    variance = page.get_by_role("button", name="Variance")
    variance.click()
    shown = column(page, "Variance")
    numbers = [int(v.replace("\u2212", "-").removesuffix(" d")) for v in shown if v]
    assert numbers == sorted(numbers) and len(numbers) == 3
    variance.click()
    assert [int(v.replace("\u2212", "-").removesuffix(" d")) for v in column(page, "Variance") if v] == sorted(
        numbers, reverse=True
    )
    page.get_by_role("button", name="RAG").click()
    assert page.locator("th:has(button:text-is('RAG'))").get_attribute("aria-sort") == "ascending"
    assert set(column(page, "RAG")) <= {"Red", "Amber", "Green", "Not tracked"}
    assert log.errors == []


def test_the_portfolio_filters_by_rag_and_late(new_page, tracked_site) -> None:
    page, log = open_home(new_page, tracked_site)
    page.locator("select[data-pb-filter=late]").select_option("late")
    late = ids(page)
    assert {"NORTHWIND-001", "CASCADE-007"} <= set(late)
    assert set(column(page, "Late")) == {"Late"}
    page.locator("select[data-pb-filter=late]").select_option("on-time")
    assert not set(ids(page)) & {"NORTHWIND-001", "CASCADE-007"}
    page.get_by_role("button", name="Show all").click()
    page.locator("select[data-pb-filter=rag]").select_option("red")
    assert {"NORTHWIND-001", "CASCADE-007"} <= set(ids(page))
    assert set(column(page, "RAG")) == {"Red"}
    dot = page.locator("tbody tr:not([hidden]) .pb-rag--red .pb-rag-dot").first
    assert dot.evaluate("d => getComputedStyle(d).backgroundColor") == "rgb(198, 40, 40)"
    screenshot(page, "portfolio-tracking")
    assert log.errors == []


def test_the_portfolio_timeline_has_a_today_line(new_page, tracked_site) -> None:
    page, _ = open_home(new_page, tracked_site)
    today = page.locator(".pb-chart--timeline g.pb-svg-today")
    assert today.count() == 1
    assert today.locator("text").text_content() == "Today, Dec 1"


@pytest.fixture(scope="session")
def undated_site(tmp_path_factory, request):
    """The samples and a plan without a start date, whose variance is unknown, on the tracking day."""

    def fill(project) -> None:
        project.add_samples()
        text = (project.path / "projects" / "BRIGHTLEAF-014.md").read_text(encoding="utf-8")
        text = re.sub(r"start_date: .*\n", "", text.replace("BRIGHTLEAF-014", "BRIGHTLEAF-015"))
        project.add_plan("BRIGHTLEAF-015", text.replace("status: testing", "status: discovery"))
        project.commit("Add the sample plans and an undated one", date=GIT_DATE)

    return served("tracked-undated", tmp_path_factory, request, fill, env={"PLANBOOK_TODAY": TRACKING_DAY})


def test_a_plan_without_a_variance_sorts_last_both_ways(new_page, undated_site) -> None:
    page, log = open_home(new_page, undated_site)
    variance = page.get_by_role("button", name="Variance")
    for order in ("ascending", "descending"):
        variance.click()
        assert page.locator("th:has(button:text-is('Variance'))").get_attribute("aria-sort") == order
        shown = column(page, "Variance")
        assert shown[-1] == "" and all(shown[:-1]), (order, shown)  # first in an ascending sort, before
        numbers = [int(v.replace("\u2212", "-").removesuffix(" d")) for v in shown[:-1]]
        assert numbers == sorted(numbers, reverse=order == "descending")
        assert ids(page)[-1] == "BRIGHTLEAF-015"
    assert log.errors == []


@pytest.mark.parametrize("width", [1280, 390])
def test_the_portfolio_timeline_stays_readable_on_a_phone(new_page, tracked_site, width: int) -> None:
    page, log = new_page(width=width)
    page.goto(tracked_site.url)
    figure = page.locator(".pb-chart--timeline")
    figure.wait_for()
    heights = figure.evaluate("f => [...f.querySelectorAll('text')].map(t => t.getBoundingClientRect().height)")
    assert len(heights) > 5
    assert min(heights) >= 11, heights  # 6 px at 390 px before: the chart shrank to the phone's width
    scroll = figure.locator(".pb-chart-scroll").evaluate("box => [box.scrollWidth, box.clientWidth]")
    if width == 1280:
        assert scroll[0] <= scroll[1]
    else:  # the chart's own box scrolls sideways, the page does not
        assert scroll[0] > scroll[1] and page.evaluate("document.documentElement.scrollWidth") <= width
    assert figure.locator("g.pb-svg-today text").text_content() == "Today, Dec 1"
    assert log.errors == []
