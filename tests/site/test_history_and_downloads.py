"""Each plan page shows the plan's last commits, as each commit left it, and links to the plan exported
as one standalone HTML file that the build writes beside the page, and as a PDF when the build is
asked for PDFs (PLANBOOK_PDF_DOWNLOADS=1, as the deploy does)."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from planbook.export.batch import PDF_DOWNLOADS_ENV

from conftest import PROJECTS
from sitebuild import GIT_DATE, SiteProject, require_browser, site_project  # noqa: F401 - fixtures

NORTHWIND = (PROJECTS / "NORTHWIND-001.md").read_text(encoding="utf-8")


class Table(HTMLParser):
    """The rows of the first table after the heading with id `history`."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._after_heading = self._in_table = self._in_cell = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h2" and ("id", "history") in attrs:
            self._after_heading = True
        elif tag == "table" and self._after_heading and not self.rows:
            self._in_table = True
        elif self._in_table and tag == "tr":
            self.rows.append([])
        elif self._in_table and tag in ("td", "th"):
            self._in_cell = True
            self.rows[-1].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._in_table:
            self._in_table = self._after_heading = False
        elif tag in ("td", "th"):
            self._in_cell = False

    def handle_data(self, data: str) -> None:
        if self._in_cell:
            self.rows[-1][-1] += data


def test_plan_page_history_lists_each_commit_newest_first(site_project: SiteProject) -> None:
    site_project.add_plan("NORTHWIND-001", NORTHWIND.replace("status: development", "status: discovery"))
    first = site_project.commit("Start in discovery", date="2026-01-05T10:00:00+00:00")
    site_project.add_plan("NORTHWIND-001", NORTHWIND)
    second = site_project.commit("Move to development", date=GIT_DATE)
    build = site_project.build()
    assert build.ok, build.output

    rows = Table(build.plan_page("NORTHWIND-001")).rows
    assert rows[0] == ["Date", "Commit", "Status", "Confidence", "Fields filled"]
    body = rows[1:]
    assert [row[:3] for row in body] == [
        [GIT_DATE[:10], second[: len(body[0][1])], "development"],
        ["2026-01-05", first[: len(body[1][1])], "discovery"],
    ]
    assert all(re.fullmatch(r"\d+%", row[3]) and re.fullmatch(r"\d+%", row[4]) for row in body)


def test_plan_page_download_opens_the_plan_as_a_standalone_document(site_project: SiteProject) -> None:
    site_project.add_samples()
    site_project.commit("Add the sample plans", date=GIT_DATE)
    build = site_project.build()
    assert build.ok, build.output

    for plan_id in ("NORTHWIND-001", "CASCADE-007"):
        page = build.plan_page(plan_id)
        links = re.findall(r'<a class="pb-download" href="([^"]+)" download', page)
        assert links == [f"{plan_id}.html"]
        exported = (build.site / "projects" / plan_id / links[0]).read_text(encoding="utf-8")
        assert exported.startswith("<!DOCTYPE html>")
        assert "Content-Security-Policy" in exported
        assert plan_id in exported
        # Standalone: no stylesheet, script or image is fetched from anywhere.
        assert not re.search(r'<(link|script)\b|\bsrc="(?!data:)', exported)


def test_without_the_setting_a_build_writes_no_pdf(site_project: SiteProject) -> None:
    site_project.add_plan("NORTHWIND-001", NORTHWIND)
    site_project.commit("One plan", date=GIT_DATE)
    build = site_project.build(env={PDF_DOWNLOADS_ENV: "0"})
    assert build.ok, build.output
    assert re.findall(r'<a class="pb-download" href="([^"]+)"', build.plan_page("NORTHWIND-001")) == [
        "NORTHWIND-001.html"
    ]
    assert list(build.site.rglob("*.pdf")) == []


@pytest.mark.browser
def test_with_the_setting_each_plan_page_offers_its_pdf_too(site_project: SiteProject) -> None:
    """What the deploy builds (PLANBOOK_PDF_DOWNLOADS=1): a PDF beside each plan's HTML download."""
    require_browser()
    site_project.add_samples()
    site_project.commit("Add the sample plans", date=GIT_DATE)
    build = site_project.build(env={PDF_DOWNLOADS_ENV: "1"})
    assert build.ok, build.output
    for plan_id in ("NORTHWIND-001", "CASCADE-007", "BRIGHTLEAF-014"):
        links = re.findall(r'<a class="pb-download" href="([^"]+)" download>([^<]+)</a>', build.plan_page(plan_id))
        assert links == [(f"{plan_id}.html", "HTML"), (f"{plan_id}.pdf", "PDF")]
        pdf = build.site / "projects" / plan_id / f"{plan_id}.pdf"
        assert pdf.read_bytes().startswith(b"%PDF-")
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert plan_id in text and "SIGN-OFF" in text


@pytest.mark.parametrize("value", ["yes", "true", "2"])
def test_an_unclear_pdf_setting_stops_the_build_and_says_which(site_project: SiteProject, value: str) -> None:
    site_project.add_plan("NORTHWIND-001", NORTHWIND)
    site_project.commit("One plan", date=GIT_DATE)
    build = site_project.build(env={PDF_DOWNLOADS_ENV: value})
    assert not build.ok
    assert f"PDF downloads: {PDF_DOWNLOADS_ENV}='{value}': set it to 1 for PDF downloads" in build.output
    assert "Traceback" not in build.output


def test_a_dirty_build_exports_only_the_edited_plan(site_project: SiteProject) -> None:
    site_project.add_samples()
    site_project.commit("Add the sample plans", date=GIT_DATE)
    assert site_project.build().ok
    exports = {
        path.parent.name: path
        for path in (site_project.path / "site" / "projects").glob("*/*.html")
        if path.name != "index.html"
    }
    before = {plan_id: path.stat().st_mtime_ns for plan_id, path in exports.items()}
    assert len(before) == len(list(PROJECTS.glob("*.md")))

    plan = Path(site_project.path / "projects" / "NORTHWIND-001.md")
    plan.write_text(plan.read_text(encoding="utf-8").replace('client: "', 'client: "Renamed ', 1), encoding="utf-8")
    build = site_project.build("--dirty", strict=False)
    assert build.ok, build.output
    after = {plan_id: path.stat().st_mtime_ns for plan_id, path in exports.items()}
    assert [plan_id for plan_id in before if after[plan_id] != before[plan_id]] == ["NORTHWIND-001"]
    assert "Renamed" in exports["NORTHWIND-001"].read_text(encoding="utf-8")


def test_without_directory_urls_each_download_is_its_own_plan_and_no_plan_takes_another_s(
    site_project: SiteProject,
) -> None:
    """`projects/<ID>.plan.html`, the download's old name without directory URLs, was the page of a plan
    whose ID is `<ID>.plan`: that plan's page replaced the other's download, and the build passed."""
    site_project.add_plan("NORTHWIND-001", NORTHWIND)
    twin = "NORTHWIND-001.plan"
    site_project.add_plan(twin, NORTHWIND.replace('id: "NORTHWIND-001"', f'id: "{twin}"'))
    config = site_project.path / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nuse_directory_urls: false\n", encoding="utf-8")
    site_project.commit("Two plans, one ID a prefix of the other", date=GIT_DATE)
    build = site_project.build()
    assert build.ok, build.output

    for plan_id in ("NORTHWIND-001", twin):
        page = build.html(f"projects/{plan_id}.html")
        assert f"<strong>Project ID</strong>: {plan_id}<" in page
        links = re.findall(r'<a class="pb-download" href="([^"]+)" download', page)
        assert links == [f"{plan_id}/{plan_id}.html"]
        exported = (build.site / "projects" / links[0]).read_text(encoding="utf-8")
        assert exported.startswith("<!DOCTYPE html>")
        assert re.findall(r"<strong>Project ID</strong>: ([^<]*)<", exported) == [plan_id]


def test_a_file_of_the_docs_where_a_download_goes_fails_the_build(site_project: SiteProject) -> None:
    site_project.add_plan("NORTHWIND-001", NORTHWIND)
    docs = site_project.path / "docs"
    target = docs.resolve()
    docs.unlink()
    shutil.copytree(target, docs)
    (docs / "projects" / "NORTHWIND-001").mkdir(parents=True)
    (docs / "projects" / "NORTHWIND-001" / "NORTHWIND-001.html").write_text("<p>mine</p>\n", encoding="utf-8")
    site_project.commit("A file where the download goes", date=GIT_DATE)
    build = site_project.build()
    assert not build.ok and "Traceback" not in build.output, build.output[-2000:]
    assert "docs/projects/NORTHWIND-001/NORTHWIND-001.html would take the place of the download" in build.output
