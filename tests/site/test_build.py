"""The site builds strictly, with one page per plan and a portfolio that lists every plan, and each
plan page shows the plan as the issue asks: checkboxes, tables, admonitions, Gantt, progress,
badges, git facts, an edit link, the notes."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import PROJECTS, ROOT
from sitebuild import GIT_DATE, SAMPLE_IDS, Build, run_mkdocs, sample_site  # noqa: F401 - fixtures


class Elements(HTMLParser):
    """Every start tag of a page, with its attributes, and the text inside each `<a>`."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def find(self, tag: str, **wanted: str) -> list[dict[str, str | None]]:
        return [
            attrs
            for name, attrs in self.tags
            if name == tag
            and all(
                wanted_value in (attrs.get(key.rstrip("_").replace("_", "-")) or "").split()
                for key, wanted_value in wanted.items()
            )
        ]


def article(html: str) -> str:
    """The page's content, without the theme's header, navigation and footer."""
    return html[html.index("<article") : html.index("</article>")]


@pytest.fixture(scope="module")
def repository_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The repository's own site, as a fresh clone builds it: `mkdocs build --strict`, no -q."""
    return run_mkdocs(ROOT, "build", site=tmp_path_factory.mktemp("repository") / "site")


def test_the_repository_site_builds_strictly_without_a_warning(repository_build: Build) -> None:
    assert repository_build.ok, repository_build.output
    assert repository_build.warnings() == []
    assert "Documentation built in" in repository_build.output


def test_every_plan_has_a_page_and_the_home_page_links_to_each(repository_build: Build) -> None:
    plan_ids = sorted(path.stem for path in PROJECTS.glob("*.md"))
    pages = sorted(path.parent.name for path in (repository_build.site / "projects").glob("*/index.html"))
    assert pages == plan_ids
    links = {attrs["href"] for attrs in Elements(repository_build.html("index.html")).find("a") if attrs.get("href")}
    for plan_id in plan_ids:
        assert f"projects/{plan_id}/" in links


def test_plans_stay_out_of_the_navigation(repository_build: Build) -> None:
    """The nav is copied into every page; listing every plan in it would grow each page with the portfolio."""
    for page in ("index.html", "guide/index.html", f"projects/{SAMPLE_IDS[0]}/index.html"):
        html = repository_build.html(page)
        nav = html[html.index('<nav class="md-nav md-nav--primary"') :]
        nav = nav[: nav.index("</nav>")]
        assert "projects/" not in nav, page
        assert "Portfolio" in nav


def test_nothing_is_written_into_docs(repository_build: Build) -> None:
    assert not (ROOT / "docs" / "projects").exists()


# -- a plan's page ----------------------------------------------------------------------------


def test_plan_page_shows_task_lists_as_checkboxes_done_and_not(sample_site) -> None:
    _, build = sample_site
    boxes = Elements(article(build.plan_page("NORTHWIND-001"))).find("input", type="checkbox")
    assert boxes, "no checkboxes"
    assert all("disabled" in box for box in boxes)
    checked = [box for box in boxes if "checked" in box]
    assert 0 < len(checked) < len(boxes)
    # Each box has its task's text as its name, for screen readers.
    assert {"Obtain Shopify API credentials", "Obtain QuickBooks Online API credentials"} <= {
        box["aria-label"] for box in boxes
    }


def test_plan_page_has_team_and_risk_tables(sample_site) -> None:
    _, build = sample_site
    html = build.plan_page("CASCADE-007")
    tables = re.findall(r"<table>.*?</table>", html, re.S)
    team = next(t for t in tables if "Lead Engineer" in t)
    assert "Marta Kowalska" in team and "Olivia Brennan" in team
    risks = next(t for t in tables if "Mitigation" in t)
    assert "ShipStation&#x27;s 40 requests/minute" in risks or "ShipStation's 40 requests/minute" in risks


def test_blockers_and_open_questions_are_admonitions(sample_site) -> None:
    _, build = sample_site
    page = Elements(build.plan_page("BRIGHTLEAF-014"))
    assert page.find("div", class_="question")  # open questions
    assert page.find("div", class_="success")  # no open blockers
    assert page.find("div", class_="info")  # assumptions


def test_plan_page_has_a_timeline_of_the_five_phases_from_the_start_date(sample_site) -> None:
    _, build = sample_site
    html = build.plan_page("NORTHWIND-001")
    assert '<pre class="mermaid">' not in html  # the server-side SVG, not a Gantt drawn in the browser
    svg = re.search(r'<svg class="pb-timeline" role="img".*?</svg>', html, re.S)
    assert svg, "no timeline"
    assert svg.group(0).count('class="pb-tl-planned"') == 5
    assert ">Sep 7 – Sep 20, 2026<" in svg.group(0)  # start_date, and 2 weeks
    assert re.search(
        r'<svg [^>]*role="img"[^>]*>\s*<title>Phase timeline of Northwind[^<]*</title>\s*<desc>', svg.group(0)
    )
    assert " id=" not in svg.group(0)  # an id in the plan's content is the plan's or the theme's


def test_plan_page_shows_progress_completeness_and_status(sample_site) -> None:
    _, build = sample_site
    page = Elements(build.plan_page("NORTHWIND-001"))
    progress = page.find("progress")
    assert len(progress) == 5  # one per phase
    assert (progress[0]["value"], progress[0]["max"]) == ("6", "6")  # five of the template's, one of its own
    assert page.find("span", class_="pb-status--development")
    # What each figure measures, side by side: NORTHWIND-001 has every field filled and 10 of its 30
    # tasks done, which "100% complete" read as a finished project.
    html = build.plan_page("NORTHWIND-001")
    assert '<span class="pb-badge pb-tasks-done">10 of 30 tasks done</span>' in html
    # Its own tasks stand in their phases' checklists, ticked as they stand.
    assert re.search(r'<input aria-label="Configure Shopify webhooks for refunds" type="checkbox" disabled="">', html)
    assert re.search(r'<input aria-label="Agree the Shopify Payments[^"]*" checked="" type="checkbox"', html)
    assert "100% of fields filled</span>" in html
    assert "% complete<" not in html


def test_plan_page_shows_version_and_date_of_the_last_commit(sample_site) -> None:
    project, build = sample_site
    commit = project.git("log", "-1", "--format=%h").stdout.strip()
    text = re.sub(r"<[^>]+>", "", build.plan_page("CASCADE-007"))
    assert f"Version: {commit} | Last Updated: {GIT_DATE[:10]}" in text


def test_plan_page_edit_link_points_at_the_plan_file(sample_site) -> None:
    _, build = sample_site
    edits = Elements(build.plan_page("CASCADE-007")).find("a", rel="edit")
    assert [edit["href"] for edit in edits] == [
        "https://github.com/planbook/planbook/edit/main/projects/CASCADE-007.md"
    ]


def test_plan_page_shows_the_notes_below_the_plan(sample_site) -> None:
    _, build = sample_site
    html = build.plan_page("NORTHWIND-001")
    assert html.index(">NOTES<") > html.index("Last Updated")
    assert '<a href="https://help.shopify.com/en/manual/payments/shopify-payments/payouts"' in html


def test_plan_page_title_is_the_plan_id(sample_site) -> None:
    _, build = sample_site
    assert "<title>BRIGHTLEAF-014 - planbook</title>" in build.plan_page("BRIGHTLEAF-014")


# -- the portfolio ----------------------------------------------------------------------------


def test_portfolio_table_has_every_column_and_plan(sample_site) -> None:
    _, build = sample_site
    html = build.html("index.html")
    table = html[html.index("<table") : html.index("</table>")]
    headers = re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', table)
    assert headers == [
        "ID",
        "Name",
        "Client",
        "Systems",
        "Type",
        "Status",
        "RAG",
        "Late",
        "Variance",
        "Lead",
        "Confidence",
        "Fields filled",
        "Tasks done",
        "Last updated",
    ]
    rows = re.findall(r"<tr data-status=", table)
    assert len(rows) == len(SAMPLE_IDS)
    assert "Brightleaf Learning" in table and "HubSpot ↔ Mailchimp" in table
    assert GIT_DATE[:10] in table


def test_portfolio_has_filters_for_status_type_client_rag_and_late(sample_site) -> None:
    _, build = sample_site
    page = Elements(build.html("index.html"))
    filters = {attrs["data-pb-filter"] for attrs in page.find("select")}
    assert filters == {"status", "type", "client", "rag", "late"}
    options = {attrs.get("value") for attrs in page.find("option")}
    assert {"testing", "marketing", "Cascade Coffee Roasters"} <= options


def test_portfolio_charts_show_the_status_mix_and_a_timeline(sample_site) -> None:
    _, build = sample_site
    html = build.html("index.html")
    assert re.search(
        r"<title id=\"pb-status-chart-title\">Plans by status: Development 1, Testing 1, Deployment 1</title>", html
    )
    timeline = html[html.index("pb-chart--timeline") :]
    timeline = timeline[: timeline.index("</figure>")]
    for plan_id in SAMPLE_IDS:
        assert f">{plan_id}</text>" in timeline
    assert timeline.count('class="pb-phase ') == 5 * len(SAMPLE_IDS)


# -- reference pages, generated ---------------------------------------------------------------


def test_field_reference_lists_every_placeholder_of_the_template(repository_build: Build) -> None:
    from conftest import shared_path

    template = shared_path("seed/implementation-plan.template.md").read_text(encoding="utf-8")
    placeholders = {re.sub(r"_\d+$", "_n", name) for name in re.findall(r"\[([A-Z][A-Z0-9_]+)\]", template)}
    page = html.unescape(repository_build.html("reference/fields/index.html").replace("<wbr>", ""))
    missing = sorted(name for name in placeholders if f"[{name}]" not in page)
    assert missing == []


def test_field_reference_breaks_names_only_after_an_underscore_or_a_dot(repository_build: Build) -> None:
    page = repository_build.html("reference/fields/index.html")
    names = re.findall(r"<code>([^<]*(?:<wbr>[^<]*)*)</code>", page.split('<div class="pb-names">', 1)[1])
    assert "&#91;INTEGRATION&#95;<wbr>TYPE&#93;" in names  # once broken into `[INTEGRATION_T` and `YPE]`
    assert "&#91;SYSTEM&#95;A&#93;" in names  # short: never broken
    for name in names:
        for piece in name.split("<wbr>")[:-1]:
            assert piece.endswith(("&#95;", ".")), name
    css = (ROOT / "docs/assets/stylesheets/planbook.css").read_text(encoding="utf-8")
    assert re.search(r"\.pb-names code \{\s*word-break: normal;\s*overflow-wrap: normal;", css)


def test_rule_reference_lists_every_rule(repository_build: Build) -> None:
    from planbook.findings import RULES

    page = repository_build.html("reference/rules/index.html")
    for rule in RULES.values():
        assert f"<code>{rule.code}</code>" in page and f"<code>{rule.name}</code>" in page


def test_cli_reference_shows_each_command_help(repository_build: Build) -> None:
    import argparse

    from planbook.cli import build_parser

    page = repository_build.html("reference/cli/index.html")
    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)).choices
    for name in commands:
        assert f"usage: planbook {name}" in page


def test_reference_pages_are_in_the_navigation(repository_build: Build) -> None:
    html = repository_build.html("guide/index.html")
    for title in ("Authoring guide", "Fields", "Rule codes", "Command line"):
        assert title in html
    assert Path(repository_build.site, "reference/fields/index.html").is_file()


def test_plan_pages_carry_the_print_stylesheet(sample_site) -> None:
    _, build = sample_site
    page = Elements(build.plan_page("NORTHWIND-001"))
    assert [link["href"] for link in page.find("link", rel="stylesheet") if "print.css" in (link["href"] or "")]
