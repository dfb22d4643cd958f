"""The Big List of Naughty Strings and the SSTI payloads as plan values and notes: the site builds,
and no page, nor a search for a payload, shows a dialog in Chromium."""

from __future__ import annotations

import re

import pytest
import yaml

from planbook.check import check_result
from planbook.loader import load_plan

from conftest import PROJECTS, blns_strings, ssti_payloads
from e2e_browser import browser, new_page, served  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

CHUNK = 50  # the schema's most items in a list
RELATIVE_LINK = re.compile(r"\]\((?!https?:|mailto:|#)")


def usable(strings: list[str], tmp_path) -> list[str]:
    """The strings a plan can hold as a value: text that passes check (no placeholder, no NUL)."""
    base = load_plan(PROJECTS / "NORTHWIND-001.md").data
    kept = []
    for index, text in enumerate(strings):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            continue
        path = tmp_path / f"PROBE-{index}.md"
        path.write_text(plan_text({**base, "id": path.stem, "impacts": [text]}, ""), encoding="utf-8")
        if text.strip() and check_result(load_plan(path)).ok:
            kept.append(text)
    return kept


def plan_text(data: dict, notes: str) -> str:
    return "---\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True) + "---\n" + notes


def corpus_plans(strings: list[str], prefix: str) -> dict[str, str]:
    """Plans that carry every string: as impacts, open questions, name, client and in the notes."""
    base = load_plan(PROJECTS / "NORTHWIND-001.md").data
    plans = {}
    for number, start in enumerate(range(0, len(strings), CHUNK), start=1):
        chunk = strings[start : start + CHUNK]
        plan_id = f"{prefix}-{number:03d}"
        # Copies: a list dumped twice would come out as a YAML anchor and alias, which plans refuse.
        data = {
            **base,
            "id": plan_id,
            "name": chunk[0][:200],
            "client": chunk[-1][:200],
            "impacts": list(chunk),
            "open_items": {**base["open_items"], "questions": list(chunk)},
        }
        # In the notes, which are Markdown, `[x](y)` is a link, and a relative link to a page that does
        # not exist fails the strict build (MkDocs' link check): those strings stay in the values.
        notes = [text for text in chunk if not RELATIVE_LINK.search(text)]
        plans[plan_id] = plan_text(data, "\n" + "\n\n".join(notes) + "\n")
    return plans


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory, request):
    probe = tmp_path_factory.mktemp("probe")
    strings = {"BLNS": usable(blns_strings(), probe), "SSTI": usable(ssti_payloads(), probe)}

    def fill(project) -> None:
        for prefix, values in strings.items():
            for plan_id, text in corpus_plans(values, prefix).items():
                project.add_plan(plan_id, text)
        project.commit("Add the corpus plans")

    site = served("corpora", tmp_path_factory, request, fill)
    return site, strings


def test_most_of_the_corpora_can_be_plan_values(corpus_site) -> None:
    _, strings = corpus_site
    assert len(strings["BLNS"]) > 400 and len(strings["SSTI"]) == len(ssti_payloads())


def test_no_page_shows_a_dialog(corpus_site, new_page) -> None:
    site, _ = corpus_site
    page, log = new_page()
    paths = [""] + [f"projects/{path.parent.name}/" for path in sorted((site.site / "projects").glob("*/index.html"))]
    assert len(paths) > 10
    for path in paths:
        page.goto(site.url + path)
        page.wait_for_load_state("load")
    page.wait_for_timeout(500)  # what a late handler or image error would do
    assert log.dialogs == []
    assert not [error for error in log.errors if error.startswith("uncaught")]


@pytest.mark.parametrize(
    "query", ["<script>alert(123)</script>", "<img src=x onerror=alert(1)>", "{{ 7*7 }}", "javascript:alert"]
)
def test_searching_for_a_payload_shows_no_dialog(corpus_site, new_page, query: str) -> None:
    site, _ = corpus_site
    page, log = new_page()
    page.goto(site.url)
    page.click(".md-search__input")
    page.keyboard.type(query)
    page.locator(".md-search-result__meta").wait_for()
    page.wait_for_timeout(500)
    assert log.dialogs == []
