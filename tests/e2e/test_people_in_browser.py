"""The People page in Chromium at a phone's width (390 px): nothing wider than the screen, every entry
inside it, the overload mark readable as text, and axe-core finds nothing serious in either scheme."""

from __future__ import annotations

import pytest

from e2e_browser import browser, new_page, samples_site, screenshot, serious_axe_findings  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_people_page_reads_at_390_px_with_no_serious_axe_finding(new_page, samples_site, scheme: str) -> None:
    page, log = new_page(color_scheme=scheme)
    page.set_viewport_size(PHONE)
    page.goto(samples_site.url + "people/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    entries = page.locator(".pb-person")
    assert entries.count() > 0
    for index in range(entries.count()):
        box = entries.nth(index).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], index
    sizes = page.eval_on_selector_all(".pb-person *", "els => els.map(el => parseFloat(getComputedStyle(el).fontSize))")
    assert min(sizes) >= 11
    serious = serious_axe_findings(page)
    assert serious == []
    screenshot(page, f"people-390px-{scheme}")
    assert log.errors == []
