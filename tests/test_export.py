"""`planbook export`: standalone documents that make no request, keep the template's order, and keep
internal-only content out unless asked.

Browser tests drive Debian's Chromium through Playwright; PDF tests read the PDF back with poppler's
pdftotext and pdftoppm.
"""

from __future__ import annotations

import datetime as dt
import html.parser
import os
import re
import shutil
import subprocess
import sys
import textwrap
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from planbook import internal
from planbook.cli import main
from planbook.export import ExportError, export_html, export_markdown, export_plan
from planbook.export.to_html import markdown_to_html
from planbook.export.to_pdf import DEFAULT_CHROMIUM, LAUNCH_ARGS, MARGINS
from planbook.files import write_atomic
from planbook.loader import Plan, load_plan
from planbook.model import GitFacts, phase_schedule
from planbook.render import RenderContext, render_plan

from conftest import PROJECTS, SAMPLES, shared_path, ssti_payloads

CHROMIUM = Path(DEFAULT_CHROMIUM)
SAMPLE_IDS = [p.stem for p in SAMPLES]
CONTEXT = RenderContext(git=GitFacts("1.4", "2026-10-01", 1))
SECRETS = (
    "£850 per day",
    "£34,000 fixed",
    "Margin is thin",
    "Client CFO is difficult",
    "Discount agreed off the record",
)


def plan_from(text: str, name: str = "NORTHWIND-001") -> Plan:
    plan = load_plan(PROJECTS / f"{name}.md", text=text)
    assert isinstance(plan, Plan), plan
    return plan


def sample(path: Path) -> Plan:
    plan = load_plan(path)
    assert isinstance(plan, Plan)
    return plan


@pytest.fixture
def internal_text(sample_text: str) -> str:
    """The accounting sample with internal facts in its front matter and internal blocks in its notes."""
    facts = textwrap.dedent("""\
        internal:
          day_rate: "£850 per day"
          budget: "£34,000 fixed"
          notes: "Margin is thin on this one."
        """)
    text = sample_text.replace("summary: >-", facts + "summary: >-", 1)
    return text + textwrap.dedent("""

        ## Commercials

        Public paragraph before.

        <!-- internal -->
        Client CFO is difficult; keep the finance director in copy.
        <!-- /internal -->

        Public paragraph after. Rate: <!-- internal -->Discount agreed off the record<!-- /internal --> see SOW.
        """)


# -- the document, whatever its format --------------------------------------------------------


def template_headings() -> list[str]:
    seed = shared_path("seed/implementation-plan.template.md").read_text(encoding="utf-8")
    return [line.lstrip("#").strip() for line in seed.splitlines() if line.startswith("#")]


def expected_headings(plan: Plan) -> list[str]:
    """Each template heading as it must read in the export: its text up to the first placeholder, or
    the value filling a heading that is all placeholder (`## [PROJECT_NAME]`)."""
    out = []
    for heading in template_headings():
        prefix = heading.split("[", 1)[0]
        out.append(prefix if prefix else str(plan.data["name"]))
    return out


def assert_in_order(text: str, needles: list[str]) -> None:
    position = 0
    for needle in needles:
        found = text.find(needle, position)
        assert found >= 0, f"{needle!r} missing after position {position}: …{text[position : position + 200]}…"
        position = found + len(needle)


def normalized(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


class _Page(html.parser.HTMLParser):
    """What a browser would load or run from an HTML document, and its visible text."""

    FETCHING = {
        ("img", "src"),
        ("script", "src"),
        ("link", "href"),
        ("iframe", "src"),
        ("embed", "src"),
        ("object", "data"),
        ("video", "src"),
        ("video", "poster"),
        ("audio", "src"),
        ("source", "src"),
        ("image", "href"),
        ("use", "href"),
        ("image", "xlink:href"),
        ("input", "src"),
        ("track", "src"),
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fetches: list[str] = []
        self.live: list[str] = []
        self.text: list[str] = []
        self.styles: list[str] = []
        self.checkboxes: list[bool] = []
        self.csp = ""
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            self.live.append("<script>")
        for name, value in attrs:
            if name.startswith("on"):
                self.live.append(f"{tag}[{name}]")
            if (tag, name) in self.FETCHING and value and not value.startswith("data:"):
                self.fetches.append(f"{tag}[{name}]={value}")
            if name == "style" and value and "url(" in value:
                self.fetches.append(f"{tag}[style]={value}")
            if name == "href" and (value or "").strip().lower().startswith(("javascript:", "data:")):
                self.live.append(f"{tag}[href]={value}")
        if tag == "meta" and values.get("http-equiv") == "Content-Security-Policy":
            self.csp = values.get("content") or ""
        if tag == "input" and values.get("type") == "checkbox":
            self.checkboxes.append("checked" in values)
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        (self.styles if self._in_style else self.text).append(data)


def parse_page(document: str) -> _Page:
    page = _Page()
    page.feed(document)
    return page


@pytest.mark.parametrize("path", SAMPLES, ids=SAMPLE_IDS)
def test_html_export_is_self_contained_and_follows_the_template(path):
    plan = sample(path)
    document = export_html(plan, CONTEXT)
    page = parse_page(document)
    assert page.fetches == [] and page.live == []
    assert "<link" not in document and "@import" not in "".join(page.styles)
    assert not re.search(r"url\((?!\s*[\"']?data:)", "".join(page.styles)), "CSS may only use data: URLs"
    assert page.csp.startswith("default-src 'none';") and "img-src data:" in page.csp
    text = normalized(" ".join(page.text))
    cover, _, body = text.partition("IMPLEMENTATION PLAN ")
    for fact in (
        plan.data["name"],
        plan.data["client"],
        plan.data["system_a"],
        plan.data["system_b"],
        "1.4",
        "2026-10-01",
    ):
        assert fact in cover
    assert_in_order("IMPLEMENTATION PLAN " + body, [*expected_headings(plan), "SIGN-OFF", "Signature"])
    # Checkboxes show each task's state: as many ticked as the plan has tasks done.
    rendered = render_plan(plan)
    assert page.checkboxes.count(True) == rendered.count("- [x]") > 0
    assert page.checkboxes.count(False) == rendered.count("- [ ]")


@pytest.mark.parametrize("path", SAMPLES, ids=SAMPLE_IDS)
def test_html_export_draws_the_timeline_from_the_phase_data(path):
    plan = sample(path)
    document = export_html(plan, CONTEXT)
    svg = re.search(r"<svg class=\"pb-timeline\".*?</svg>", document, re.S)
    assert svg, "no timeline"
    root = ET.fromstring(svg.group(0))  # well-formed XML, not just tag soup
    ns = {"svg": "http://www.w3.org/2000/svg"}
    labels = [t.text for t in root.iterfind(".//svg:text", ns)]
    for phase in phase_schedule(plan.data):
        assert phase.title in labels
    # The figure sits under the phases heading, before phase 1's section.
    assert (
        document.index("2. IMPLEMENTATION PHASES")
        < document.index("<figure")
        < document.index("Phase 1: Discovery &amp; Design (")
    )


@pytest.mark.parametrize("path", SAMPLES, ids=SAMPLE_IDS)
def test_markdown_export_has_cover_plan_timeline_and_signoff(path):
    plan = sample(path)
    text = export_markdown(plan, CONTEXT)
    cover, _, rest = text.partition("\n# IMPLEMENTATION PLAN\n")
    shown = normalized(" ".join(parse_page(markdown_to_html(cover)).text))  # as a Markdown viewer shows it
    assert f"Client {plan.data['client']}" in shown and "Version 1.4" in shown and "Date 2026-10-01" in shown
    headings = [
        line.lstrip("#").strip() for line in ("# IMPLEMENTATION PLAN\n" + rest).splitlines() if line.startswith("#")
    ]
    assert_in_order("\n".join(headings), expected_headings(plan))
    assert headings[-1] == "SIGN-OFF"
    timeline = rest.split("## 2. IMPLEMENTATION PHASES", 1)[1].split("### Phase 1", 1)[0]
    assert "| Phase | When | Length | Tasks done |" in timeline
    assert len(re.findall(r"^\| Phase \d", timeline, re.M)) == len(phase_schedule(plan.data))
    assert "| Signature | | |" in text


def test_values_in_the_timeline_and_cover_are_escaped(sample_text):
    hostile = '<img src=x onerror=alert(1)> & "quotes" {{ 7*7 }}'
    plan = plan_from(sample_text.replace('name: "Northwind Outfitters order-to-ledger sync"', f"name: '{hostile}'"))
    document = export_html(plan)
    page = parse_page(document)
    assert page.fetches == [] and page.live == []
    assert hostile in normalized(" ".join(page.text))
    assert "49" not in normalized(" ".join(page.text)).split("IMPLEMENTATION PLAN", 1)[0]
    ET.fromstring(re.search(r"<svg class=\"pb-timeline\".*?</svg>", document, re.S).group(0))


HOSTILE_NOTES = textwrap.dedent("""\
    <script>alert(1)</script>
    <img src="http://tracker.invalid/pixel.png" onerror="alert(2)">
    <img src="tracker.png">
    <img src="data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw==" alt="inline">
    <link rel="stylesheet" href="http://cdn.invalid/x.css">
    <style>@import url(http://cdn.invalid/y.css); body { background: url(http://cdn.invalid/bg.png) }</style>
    <p style="background: url(http://cdn.invalid/p.png)">styled</p>
    <iframe src="http://evil.invalid/"></iframe>
    <object data="http://evil.invalid/o.swf"></object>
    <video poster="http://evil.invalid/p.jpg" src="http://evil.invalid/v.mp4"></video>
    <svg><image href="http://evil.invalid/s.png"/></svg>
    <a href="javascript:alert(3)">js link</a> <a href="https://example.com/spec">a plain link stays</a>

    ![remote](http://tracker.invalid/md.png) and {{ config }} and {% raw %}
    """)


def test_hostile_notes_cannot_fetch_or_run_anything(sample_text):
    document = export_html(plan_from(sample_text + "\n" + HOSTILE_NOTES))
    page = parse_page(document)
    assert page.fetches == [] and page.live == []
    assert "cdn.invalid" not in document and "evil.invalid" not in document
    # A remote image is shown as a link to it, which fetches nothing until a reader follows it.
    assert not re.search(r'src="[^"]*tracker', document) and 'href="http://tracker.invalid/md.png"' in document
    assert '<a href="https://example.com/spec" rel="noopener noreferrer">' in document
    assert 'src="data:image/gif;base64,' in document  # a data: image needs no request, so it may stay
    text = normalized(" ".join(page.text))
    assert "{{ config }}" in text and "{% raw %}" in text  # notes are data, never a template


def test_ssti_payloads_export_literally(sample_text):
    payloads = [p for p in ssti_payloads() if p.strip()][:60]
    summary = "\n".join(payloads)
    text = re.sub(r"summary: >-\n(  .*\n)+", lambda _: f"summary: {yaml_quote(summary)}\n", sample_text, count=1)
    plan = plan_from(text)
    for document in (export_html(plan), markdown_to_html(export_markdown(plan))):
        shown = normalized(" ".join(parse_page(document).text))
        for payload in payloads:
            assert normalized(payload) in shown


def yaml_quote(text: str) -> str:
    import json

    return json.dumps(text)  # a JSON string is a YAML double-quoted scalar


# -- internal-only content ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_internal_content_is_left_out_by_default_and_kept_when_asked(internal_text, fmt):
    plan = plan_from(internal_text)
    client = export_plan(plan, fmt).decode()
    team = export_plan(plan, fmt, internal=True).decode()
    for secret in SECRETS:
        assert secret not in client
        assert secret in team
    assert internal.TITLE not in client and internal.TITLE in team
    # Text around the markers stays, in the client's edition too.
    for public in ("Public paragraph before.", "Public paragraph after.", "see SOW."):
        assert public in client and public in team


def test_internal_blocks_are_marked_in_the_html(internal_text):
    document = export_html(plan_from(internal_text), internal=True)
    assert document.count('<blockquote class="pb-internal">') == 3  # the facts and two note blocks
    assert "Internal edition" in document


def test_site_shows_internal_content_marked_as_internal(internal_text):
    plan = plan_from(internal_text)
    site = render_plan(plan, flavor="site")
    assert site.count(f'!!! internal "{internal.TITLE}"') == 3
    assert "£850 per day" in site and "Client CFO is difficult" in site
    plain = render_plan(plan)
    assert not any(secret in plain for secret in SECRETS)


def test_site_page_links_to_its_downloads_and_escapes_them():
    plan = sample(PROJECTS / "NORTHWIND-001.md")
    downloads = [("HTML", "NORTHWIND-001.html"), ('PDF"><script>', 'x.pdf" onclick="alert(1)')]
    site = render_plan(plan, flavor="site", context=RenderContext(downloads=downloads))
    links = re.findall(r'<a class="pb-download" href="([^"]*)" download>([^<]*)</a>', site)
    assert links == [
        ("NORTHWIND-001.html", "HTML"),
        ("x.pdf&quot; onclick=&quot;alert(1)", "PDF&quot;&gt;&lt;script&gt;"),
    ]
    assert "pb-download" not in render_plan(plan, context=RenderContext(downloads=downloads))
    assert "pb-download" not in render_plan(plan, flavor="site")


@pytest.mark.parametrize(
    "value", ['"SECRET as text"', "[SECRET, list]", "{day_rate: {nested: SECRET}}", "{day_rate: 850}", "null", "{}"]
)
def test_an_internal_field_of_any_shape_never_leaks_or_breaks_an_export(sample_text, value):
    plan = plan_from(sample_text.replace("summary: >-", f"internal: {value}\nsummary: >-", 1))
    for fmt in ("md", "html"):
        client = export_plan(plan, fmt).decode()
        assert "SECRET" not in client and "850" not in client
        export_plan(plan, fmt, internal=True)
    render_plan(plan, flavor="site")


MARKER_CASES = {
    "unclosed opening": ("Public.\n\n<!-- internal -->\nSECRET to the end.\n", "Public.", 3, 1),
    "closing without opening": ("SECRET above.\n<!-- /internal -->\nPublic after.\n", "Public after.", 2, 1),
    "misspelt opening": (
        "Public first.\n<!-- /internal -->\n<!-- intrenal -->\nSECRET\n<!-- /internal -->\nPublic last.\n",
        "Public last.",
        2,
        1,
    ),
    "spacing and case": ("Public.\n<!--INTERNAL-->SECRET<!--  /Internal  -->\n", "Public.", None, None),
    "labelled opening": ("Public.\n<!-- internal: pricing -->\nSECRET\n<!-- /internal -->\n", "Public.", None, None),
}


@pytest.mark.parametrize("notes, public, line, column", MARKER_CASES.values(), ids=MARKER_CASES)
def test_internal_markers_fail_closed(sample_text, notes, public, line, column):
    text = sample_text.split("\n---\n", 1)[0] + "\n---\n" + notes
    plan = plan_from(text)
    for fmt in ("md", "html"):
        client = export_plan(plan, fmt).decode()
        assert "SECRET" not in client
        assert public in client
    findings = list(internal.marker_findings(plan.path, plan.notes, plan.notes_line))
    if line is None:
        assert findings == []
    else:
        assert [(f.code, f.line - plan.notes_line + 1, f.column) for f in findings][:1] == [("PB401", line, column)]
        assert str(findings[0]).startswith(f"{plan.path}:{findings[0].line}:{column}: PB401 ")


def test_cli_refuses_a_plan_with_a_broken_marker(tmp_path, sample_text, capsys):
    # PB401 is an error: a plan that fails check goes to no client, and says why.
    source = tmp_path / "NORTHWIND-001.md"
    source.write_text(sample_text + "\n<!-- internal -->\nSECRET\n", encoding="utf-8")
    out = tmp_path / "out.md"
    assert main(["export", str(source), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "PB401" in err and f"{source.name}:" in err and "not exported" in err
    assert not out.exists()


# -- the command line ---------------------------------------------------------------------------


def test_cli_writes_atomically_and_infers_the_format(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(PROJECTS.parent)
    target = tmp_path / "plan.md"
    target.write_text("old", encoding="utf-8")
    assert main(["export", "NORTHWIND-001", "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8").startswith("**Northwind Outfitters")
    assert "wrote" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.md"]  # no temporary file left
    monkeypatch.chdir(tmp_path)
    assert main(["export", str(PROJECTS / "CASCADE-007.md")]) == 0
    assert (tmp_path / "CASCADE-007.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_cli_to_standard_output(capsysbinary):
    assert main(["export", str(PROJECTS / "BRIGHTLEAF-014.md"), "--format", "md", "-o", "-"]) == 0
    assert b"# IMPLEMENTATION PLAN" in capsysbinary.readouterr().out


def test_pdf_without_chromium_exits_2_and_leaves_the_old_file(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PLANBOOK_CHROMIUM", str(tmp_path / "no-chromium"))
    target = tmp_path / "plan.pdf"
    target.write_bytes(b"%PDF old")
    assert main(["export", str(PROJECTS / "NORTHWIND-001.md"), "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert "needs Chromium" in err and "PLANBOOK_CHROMIUM" in err and "Traceback" not in err
    assert target.read_bytes() == b"%PDF old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.pdf"]


def test_cli_errors(tmp_path, capsys):
    assert main(["export", str(tmp_path / "missing.md")]) == 2
    broken = tmp_path / "X-1.md"
    broken.write_text("no front matter\n", encoding="utf-8")
    assert main(["export", str(broken), "-o", str(tmp_path / "x.html")]) == 1
    assert "PB004" in capsys.readouterr().err
    assert not (tmp_path / "x.html").exists()
    with pytest.raises(ExportError):
        export_plan(sample(SAMPLES[0]), "docx")


def test_write_atomic_takes_bytes(tmp_path):
    target = tmp_path / "a.bin"
    write_atomic(target, b"\x00\x01\r\n")
    assert target.read_bytes() == b"\x00\x01\r\n"
    write_atomic(target, "é\r\n")
    assert target.read_bytes() == "é\r\n".encode()


# -- in the browser, and as PDF -----------------------------------------------------------------


def _need(*tools: str) -> None:
    missing = [tool for tool in tools if not (Path(tool).exists() if tool.startswith("/") else shutil.which(tool))]
    if missing:
        reason = f"needs {', '.join(missing)} (Debian: apt-get install chromium poppler-utils)"
        if os.environ.get("PLANBOOK_REQUIRE_BROWSER") == "1":
            pytest.fail(f"PLANBOOK_REQUIRE_BROWSER=1 but this test {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    _need(str(CHROMIUM))
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


def open_and_count_requests(browser, path: Path) -> tuple[list[str], object]:
    page = browser.new_page()
    requests: list[str] = []
    dialogs: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_load_state("networkidle")
    return requests, (page, dialogs)


@pytest.mark.browser
@pytest.mark.parametrize("path", SAMPLES, ids=SAMPLE_IDS)
def test_every_sample_opens_in_chromium_with_zero_requests(browser, tmp_path, path):
    target = tmp_path / f"{path.stem}.html"
    assert main(["export", str(path), "-o", str(target)]) == 0
    requests, (page, dialogs) = open_and_count_requests(browser, target)
    assert requests == [target.as_uri()]  # the document itself, nothing else
    assert dialogs == []
    assert page.locator("svg.pb-timeline rect").count() >= len(phase_schedule(sample(path).data))
    assert page.locator("input[type=checkbox]:checked").count() == render_plan(sample(path)).count("- [x]")
    page.close()


@pytest.mark.browser
def test_hostile_notes_make_no_request_in_chromium(browser, tmp_path, sample_text):
    target = tmp_path / "hostile.html"
    target.write_text(export_html(plan_from(sample_text + "\n" + HOSTILE_NOTES)), encoding="utf-8")
    requests, (page, dialogs) = open_and_count_requests(browser, target)
    assert requests == [target.as_uri()]
    assert dialogs == []
    page.close()


def pdf_text(pdf: Path, *, first: int = 1) -> str:
    out = subprocess.run(
        ["pdftotext", "-f", str(first), "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return normalized(out.stdout)


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def ink_share(pdf: Path, page: int, tmp_path: Path) -> float:
    """The share of a page's pixels that are not white, from a 30 dpi greyscale PGM render."""
    prefix = tmp_path / f"page{page}"
    subprocess.run(
        ["pdftoppm", "-gray", "-r", "30", "-f", str(page), "-l", str(page), str(pdf), str(prefix)], check=True
    )
    (image,) = tmp_path.glob(f"page{page}*.pgm")
    data = image.read_bytes()
    fields = data.split(maxsplit=4)  # P5, width, height, maxval, pixels
    assert fields[0] == b"P5"
    width, height = int(fields[1]), int(fields[2])
    pixels = data[len(data) - width * height :]
    return sum(1 for value in pixels if value < 200) / (width * height)


@pytest.mark.browser
@pytest.mark.parametrize("path", SAMPLES, ids=SAMPLE_IDS)
def test_pdf_holds_every_template_heading_in_order_and_pages_are_not_blank(tmp_path, path):
    _need(str(CHROMIUM), "pdftotext", "pdftoppm", "pdfinfo")
    target = tmp_path / f"{path.stem}.pdf"
    # The real command, in a process of its own: this module's browser holds Playwright in this one.
    run = subprocess.run(
        [sys.executable, "-m", "planbook.cli", "export", str(path), "--format", "pdf", "-o", str(target)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert target.read_bytes().startswith(b"%PDF-")
    pages = pdf_pages(target)
    assert pages >= 3
    plan = sample(path)
    title, name, *headings = expected_headings(plan)
    cover = pdf_text(target)[:400]
    assert plan.data["client"] in cover and name in cover
    body = pdf_text(target, first=2)
    # The plan's own title block is the cover's: on paper it starts at its executive summary.
    assert_in_order(body, [*headings, "SIGN-OFF"])
    assert title not in body and "Project ID:" not in body
    assert f"Page 2 of {pages}" in body
    for page in (1, 2, pages):
        share = ink_share(target, page, tmp_path)
        assert share > 0.005, f"page {page} of {pages} is blank ({share:.4f} ink)"
    # No half-empty page between the cover and the last (the sign-off): page 2 was half empty, its
    # timeline pushed to page 3 by a second copy of the cover.
    fills = page_fills(target)
    assert all(fill >= 0.6 for fill in fills[1:-1]), fills


def page_fills(pdf: Path) -> list[float]:
    """How far down each page its text reaches, as a share of the space between the PDF's margins
    (planbook.export.to_pdf.MARGINS); the footer, below the bottom margin, does not count."""
    layout = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    top, bottom = (float(MARGINS[side].removesuffix("mm")) / 25.4 * 72 for side in ("top", "bottom"))
    fills = []
    for height, body in re.findall(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', layout.stdout, re.S):
        lows = [float(y) for y in re.findall(r'<line xMin="[\d.]+" yMin="[\d.]+" xMax="[\d.]+" yMax="([\d.]+)"', body)]
        inside = [y for y in lows if y < float(height) - bottom]
        fills.append(round((max(inside, default=top) - top) / (float(height) - top - bottom), 2))
    return fills


@pytest.mark.browser
def test_a_draft_pdf_says_draft_on_every_page(tmp_path):
    _need(str(CHROMIUM), "pdftotext", "pdfinfo")
    from planbook.scaffold import scaffold

    plan = tmp_path / "projects" / "ACME-042.md"
    plan.parent.mkdir()
    plan.write_text(scaffold("ACME-042"), encoding="utf-8")
    target = tmp_path / "ACME-042.pdf"
    run = subprocess.run(
        [sys.executable, "-m", "planbook.cli", "export", str(plan), "--draft", "-o", str(target)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    pages = pdf_pages(target)
    assert pages >= 3
    for page in range(1, pages + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), "-enc", "UTF-8", str(target), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "DRAFT" in text and "not for signature" in text, f"page {page} of {pages}: {text[-300:]}"


@pytest.mark.browser
def test_pdf_printing_refuses_every_request_and_keeps_internal_content_out(browser, tmp_path, internal_text):
    _need(str(CHROMIUM), "pdftotext")
    from planbook.export.to_pdf import PdfPrinter, export_pdf

    hostile = plan_from(internal_text + "\n" + HOSTILE_NOTES)
    with PdfPrinter(browser) as printer:
        client = export_pdf(hostile, printer=printer)
        team = export_pdf(hostile, internal=True, printer=printer)
        assert printer.refused == []  # the cleaned HTML asks for nothing, so nothing had to be refused
        printer.print_html('<img src="http://tracker.invalid/x.png"><p>probe</p>', footer="probe")
        assert printer.refused == ["http://tracker.invalid/x.png"]  # and what is asked for is refused
    (tmp_path / "client.pdf").write_bytes(client)
    (tmp_path / "team.pdf").write_bytes(team)
    client_text, team_text = pdf_text(tmp_path / "client.pdf"), pdf_text(tmp_path / "team.pdf")
    for secret in SECRETS:
        assert secret not in client_text
        assert secret in team_text
    assert "INTERNAL — not for the client" in team_text and "INTERNAL" not in client_text


@pytest.mark.browser
def test_print_stylesheet_hides_site_chrome_and_keeps_tables_whole(browser, tmp_path):
    """A real Material site, built strictly, with the print stylesheet; printed in Chromium."""
    stylesheet = PROJECTS.parent / "docs" / "assets" / "stylesheets" / "print.css"
    docs = tmp_path / "docs"
    (docs / "assets" / "stylesheets").mkdir(parents=True)
    shutil.copy(stylesheet, docs / "assets" / "stylesheets" / "print.css")
    site_flavor = render_plan(sample(PROJECTS / "NORTHWIND-001.md"), flavor="site").replace("```mermaid", "```text")
    (docs / "index.md").write_text(site_flavor, encoding="utf-8")
    (docs / "other.md").write_text("# Other\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        textwrap.dedent("""\
        site_name: Print test
        site_url: https://example.invalid/
        theme:
          name: material
          font: false
          features: [navigation.tabs, navigation.top]
        extra_css: [assets/stylesheets/print.css]
        markdown_extensions: [tables, admonition, attr_list, md_in_html, pymdownx.superfences, pymdownx.tasklist]
        plugins: []
        nav: [index.md, other.md]
        """),
        encoding="utf-8",
    )
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    build = subprocess.run(
        [str(Path(sys.executable).parent / "mkdocs"), "build", "--strict"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
    )
    assert build.returncode == 0, build.stderr
    page = browser.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    page.goto((tmp_path / "site" / "index.html").as_uri())
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => ['.md-header', '.md-tabs', '.md-sidebar--primary', '.md-sidebar--secondary',
        '.md-search', '.md-footer', '.md-top', '.md-source'].map(s => {
          const el = document.querySelector(s);
          return [s, el === null || getComputedStyle(el).display === 'none'];
        })""")
    assert all(is_hidden for _, is_hidden in hidden), hidden
    tables = page.evaluate(
        "() => [...document.querySelectorAll('article table')].map(t => getComputedStyle(t).breakInside)"
    )
    assert tables and set(tables) == {"avoid"}
    assert page.evaluate("() => getComputedStyle(document.querySelector('article h2')).breakAfter") == "avoid"
    assert page.evaluate("() => getComputedStyle(document.querySelector('.md-main__inner')).maxWidth") == "none"
    link_after = page.evaluate(
        "() => getComputedStyle(document.querySelector('article a[href^=\"http\"]'), '::after').content"
    )
    assert "attr(href)" in link_after or "http" in link_after
    assert page.locator("article").inner_text().count("IMPLEMENTATION PLAN") == 1
    page.close()


# -- the timeline: the site's own, on the command's day ----------------------------------------


def _svg_of(document: str) -> str:
    found = re.search(r'<svg class="pb-timeline".*?</svg>', document, re.S)
    assert found, "no timeline"
    return found.group(0)


@pytest.fixture
def agreed_plan(git_repo, sample_text, monkeypatch):
    """NORTHWIND-001 agreed in development on 2026-09-01, then moved a week later: git's baseline is the first."""
    path = git_repo.write("projects/NORTHWIND-001.md", sample_text)
    git_repo.commit("Agree the plan", date="2026-09-01T10:00:00+00:00")
    git_repo.write("projects/NORTHWIND-001.md", sample_text.replace('"2026-09-07"', '"2026-09-14"', 1))
    git_repo.commit("Start a week later", date="2026-09-05T10:00:00+00:00")
    monkeypatch.chdir(git_repo.path)
    monkeypatch.setenv("PLANBOOK_TODAY", "2026-12-01")
    return path


def test_the_export_draws_the_sites_timeline_on_the_commands_day_against_gits_baseline(agreed_plan, tmp_path):
    from planbook.baselines import agreed_baselines
    from planbook.model.tracking import plan_tracking
    from planbook.timeline import timeline_svg

    target = tmp_path / "out.html"
    assert main(["export", "NORTHWIND-001", "-o", str(target)]) == 0
    document = target.read_text(encoding="utf-8")
    plan = sample(agreed_plan)
    baseline = agreed_baselines([agreed_plan]).get(agreed_plan)
    assert baseline is not None and baseline.source.startswith("commit ")
    tracking = plan_tracking(plan.data, today=dt.date(2026, 12, 1), baseline=baseline)
    expected = timeline_svg(plan.data, tracking, title=f"Phase timeline of {plan.data['name']}")
    assert _svg_of(document) == expected  # the one renderer, handed the command's facts
    assert "Today, Dec 1" in expected and 'class="pb-tl-baseline"' in expected and "pb-tl-phase--late" in expected
    assert "baseline agreed with the client (commit " in document


def test_the_export_refuses_a_today_that_is_no_date(agreed_plan, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PLANBOOK_TODAY", "yesterday\x1b[2J")
    assert main(["export", "NORTHWIND-001", "-o", str(tmp_path / "out.html")]) == 2
    err = capsys.readouterr().err
    assert "PLANBOOK_TODAY" in err and "\x1b" not in err
    assert not (tmp_path / "out.html").exists()


@pytest.mark.browser
def test_the_pdf_prints_the_same_timeline(agreed_plan, tmp_path):
    _need(str(CHROMIUM), "pdftotext")
    target = tmp_path / "plan.pdf"
    run = subprocess.run(
        [sys.executable, "-m", "planbook.cli", "export", "NORTHWIND-001", "-o", str(target)],
        capture_output=True,
        text=True,
        cwd=agreed_plan.parent.parent,
        env={**os.environ, "PLANBOOK_TODAY": "2026-12-01"},
    )
    assert run.returncode == 0, run.stderr
    text = pdf_text(target)
    for words in ("Today, Dec 1", "Sep 14 – Sep 27, 2026", "Baseline", "Late (red outline)"):
        assert words in text, words
    assert "· late" in text
