"""The sample site in Chromium: the portfolio sorts and filters, search finds a plan by its client,
a plan page shows its timeline and its task boxes, instant navigation keeps the table working,
no page logs an error, and axe-core finds nothing serious in either colour scheme."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from e2e_browser import browser, new_page, samples_site, screenshot, serious_axe_findings  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

PLAN = "projects/NORTHWIND-001/"


def visible_ids(page) -> list[str]:
    return page.locator("[data-pb-portfolio] tbody tr:not([hidden]) th a").all_inner_texts()


def column_keys(page, column: int) -> list[str]:
    return page.eval_on_selector_all(
        "[data-pb-portfolio] tbody tr:not([hidden])",
        f"rows => rows.map(row => row.cells[{column}].getAttribute('data-sort') ?? row.cells[{column}].textContent.trim())",
    )


def open_home(new_page, samples_site, **options):
    page, log = new_page(**options)
    page.goto(samples_site.url)
    page.wait_for_selector("[data-pb-portfolio][data-pb-ready]")
    return page, log


def test_home_lists_every_plan_and_sorts_by_a_column(new_page, samples_site) -> None:
    page, log = open_home(new_page, samples_site)
    assert sorted(visible_ids(page)) == ["BRIGHTLEAF-014", "CASCADE-007", "NORTHWIND-001"]

    header = page.locator("th", has=page.locator("button.pb-sort", has_text="Confidence"))
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    assert column_keys(page, 10) == ["80", "85", "90"]
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    assert column_keys(page, 10) == ["90", "85", "80"]

    page.locator("button.pb-sort", has_text="Client").click()
    assert visible_ids(page) == ["BRIGHTLEAF-014", "CASCADE-007", "NORTHWIND-001"]
    assert header.get_attribute("aria-sort") == "none"
    assert log.errors == []


def test_home_filters_by_status_type_and_client(new_page, samples_site) -> None:
    page, log = open_home(new_page, samples_site)
    count = page.locator("[data-pb-count]")
    assert count.inner_text() == "Showing all 3 plans"

    page.select_option("select[data-pb-filter=status]", "testing")
    assert visible_ids(page) == ["BRIGHTLEAF-014"]
    assert count.inner_text() == "Showing 1 of 3 plans"

    page.select_option("select[data-pb-filter=status]", "")
    page.select_option("select[data-pb-filter=type]", "fulfillment")
    assert visible_ids(page) == ["CASCADE-007"]

    page.select_option("select[data-pb-filter=type]", "accounting")
    page.select_option("select[data-pb-filter=client]", "Cascade Coffee Roasters")
    assert visible_ids(page) == []
    assert count.inner_text() == "Showing 0 of 3 plans"

    page.click("[data-pb-reset]")
    assert len(visible_ids(page)) == 3
    screenshot(page, "home")
    assert log.errors == []


def test_search_finds_a_plan_by_its_client(new_page, samples_site) -> None:
    page, log = open_home(new_page, samples_site)
    page.click(".md-search__input")
    page.keyboard.type("Cascade Coffee Roasters")  # Material searches as keys are typed
    result = page.locator(".md-search-result__list a[href*='projects/CASCADE-007/']").first
    result.wait_for()
    result.click()
    page.wait_for_url("**/projects/CASCADE-007/**")
    expect(page.locator("article.md-content__inner")).to_contain_text("Client: Cascade Coffee Roasters")
    assert log.errors == []


def test_plan_page_shows_its_timeline_and_its_task_boxes(new_page, samples_site) -> None:
    page, log = new_page()
    page.goto(samples_site.url + PLAN)
    timeline = page.get_by_role("img", name="Phase timeline of Northwind Outfitters order-to-ledger sync")
    timeline.wait_for()
    assert timeline.locator("rect.pb-tl-planned").count() == 5
    assert "Phase 1: Discovery & Design" in timeline.text_content()

    boxes = page.locator("article .task-list-item input[type=checkbox]")
    checked = page.locator("article .task-list-item input[type=checkbox]:checked")
    assert 0 < checked.count() < boxes.count()
    assert page.get_by_role("checkbox", name="Obtain Shopify API credentials").is_checked()
    assert not page.get_by_role("checkbox", name="Tax calculation logic").is_checked()
    screenshot(page, "plan")
    assert log.errors == []


def test_instant_navigation_keeps_the_table_working(new_page, samples_site) -> None:
    page, log = open_home(new_page, samples_site)
    page.evaluate("window.__stillTheSamePage = true")
    page.click("[data-pb-portfolio] a:text-is('NORTHWIND-001')")
    page.wait_for_url(f"**/{PLAN}")
    expect(page.locator("article.md-content__inner")).to_contain_text("Northwind Outfitters Ltd.")
    page.click(".md-nav--primary a.md-nav__link:has-text('Portfolio')")
    page.wait_for_selector("[data-pb-portfolio][data-pb-ready]")
    # No reload happened: Material swapped the page, and portfolio.js set the new table up.
    assert page.evaluate("window.__stillTheSamePage") is True
    page.select_option("select[data-pb-filter=status]", "deployment")
    assert visible_ids(page) == ["CASCADE-007"]
    assert log.errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["", PLAN])
def test_axe_finds_no_serious_violation(new_page, samples_site, scheme: str, path: str) -> None:
    page, log = new_page(color_scheme=scheme)
    page.goto(samples_site.url + path)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == (
        "slate" if scheme == "dark" else "default"
    )
    serious = serious_axe_findings(page)
    assert serious == []
    screenshot(page, f"{'plan' if path else 'home'}-{scheme}")
    assert log.errors == []
