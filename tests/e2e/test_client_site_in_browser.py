"""A client's site (PLANBOOK_CLIENT) in Chromium: its search finds its plan by client and by system,
and finds nothing of another client's; its pages carry no internal banner and no link to the team's."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from e2e_browser import ServedSite, browser, new_page, served  # noqa: F401 - fixtures
from sitebuild import GIT_DATE, SiteProject

pytestmark = pytest.mark.browser

CLIENT = "Northwind Outfitters Ltd."


@pytest.fixture(scope="module")
def client_site(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> ServedSite:
    def fill(project: SiteProject) -> None:
        project.add_samples()
        project.commit("Add the sample plans", date=GIT_DATE)

    return served("client-northwind", tmp_path_factory, request, fill, env={"PLANBOOK_CLIENT": CLIENT})


def search(page, words: str):
    page.click(".md-search__input")
    page.keyboard.type(words)  # Material searches as keys are typed
    page.wait_for_timeout(600)
    return page.locator(".md-search-result__list a")


def test_a_client_site_searches_its_own_plans_only(new_page, client_site) -> None:  # noqa: F811
    page, log = new_page()
    page.goto(client_site.url)
    found = search(page, CLIENT)
    found.first.wait_for()
    assert found.count() > 0
    assert all("NORTHWIND-001" in (link.get_attribute("href") or "") for link in found.all())
    page.fill(".md-search__input", "")
    nothing = search(page, "Mailchimp")  # BRIGHTLEAF-014's system
    assert nothing.count() == 0
    expect(page.locator(".md-search-result__meta")).to_contain_text("No matching documents")
    assert page.locator(".pb-internal-site").count() == 0
    nav = page.locator(".md-nav--primary").inner_text()
    assert "People" not in nav and "Authoring guide" not in nav and "Portfolio" in nav
    assert log.errors == []
