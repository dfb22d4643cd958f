"""Plan text is data: it is never parsed as Jinja at build time, and nothing in it runs in a browser.
A plan that fails check fails the build with check's own `path:line:col: CODE message` lines."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from planbook.loader import load_plan
from planbook.site.portfolio_view import breakable

from conftest import PROJECTS, ROOT
from sitebuild import Build, SiteProject, load_module, sample_site, site_project  # noqa: F401 - fixtures

LITERALS = ["{{ first_name }}", "{% raw %}", "{{ 7*7 }}", "{{ config }}"]


def plan_with(plan_id: str, changes: dict, notes: str) -> str:
    """The Northwind sample with some values replaced, as a plan file."""
    data = load_plan(PROJECTS / "NORTHWIND-001.md").data
    data = {**data, "id": plan_id, **changes}
    return "---\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True) + "---\n" + notes


def hostile_plan(marker: Path) -> str:
    """Template syntax, script, event handlers and `javascript:` links in values and notes; three
    of them would create `marker-N` if any template engine ever evaluated them."""
    sample = load_plan(PROJECTS / "NORTHWIND-001.md").data
    questions = [
        "<svg onload=alert('question')>",
        "{{ config.__class__.__init__.__globals__['os'].popen('touch " + f"{marker}-2" + "').read() }}",
    ]
    risks = [{**sample["risks"][0], "risk": "|<script>alert('risk')</script>|"}, *sample["risks"][1:]]
    changes = {
        "name": "{{ 7*7 }} <script>alert('name')</script>",
        "client": "<img src=x onerror=alert('client')> Evil & Co",
        "summary": "{% raw %} {{ first_name }} {{ config }} <a href=\"javascript:alert('summary')\">x</a>",
        "impacts": [
            "[click](javascript:alert('impact'))",
            "{{ self.__init__.__globals__.__builtins__.__import__('os').popen('touch " + f"{marker}-1" + "').read() }}",
        ],
        "open_items": {**sample["open_items"], "questions": questions},
        "risks": risks,
    }
    notes = f"""
Use {{{{ first_name }}}} in the welcome email. {{% raw %}} stays as written, and so does {{{{ 7*7 }}}}.

<script>alert('notes')</script>

<img src="x" onerror="alert('notes')">

[a link](javascript:alert('notes'))

<a href="javascript:alert('raw')">raw link</a> <a href="JaVaScRiPt:alert('case')">case</a>

<div onclick="alert('div')" style="background:url(javascript:alert('style'))">div</div>

<iframe src="javascript:alert('frame')"></iframe> <object data="javascript:alert('object')"></object>

<form action="javascript:alert('form')"><button formaction="javascript:alert('button')">go</button></form>

A paragraph with an attribute list.
{{: onclick="alert('attr_list')" }}

## Heading <b onmouseover="alert('toc')">bold</b>

{{{{ cycler.__init__.__globals__.os.popen('touch {marker}-3').read() }}}}
"""
    return plan_with("HOSTILE-001", changes, notes)


class Markup(HTMLParser):
    """What in a page could run: script elements, event-handler attributes, script URLs."""

    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "background"}

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.handlers: list[tuple[str, str]] = []
        self.script_urls: list[tuple[str, str, str]] = []
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._in_script = True
            self.scripts.append(dict(attrs).get("src") or "")
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append((tag, name))
            if (
                name in self.URL_ATTRIBUTES
                and value
                and re.sub(r"\s", "", value).lower().startswith(("javascript:", "vbscript:", "data:text/html"))
            ):
                self.script_urls.append((tag, name, value))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and self.scripts and not self.scripts[-1]:
            self.scripts[-1] = "inline:" + data


def text_of(html: str) -> str:
    """The page's content as a reader sees it: tags dropped, entities decoded."""
    import html as html_module

    article = html[html.index("<article") : html.index("</article>")]
    return html_module.unescape(re.sub(r"<[^>]+>", "", article))


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Build, Path]:
    project = SiteProject(tmp_path_factory.mktemp("hostile") / "project")
    marker = project.path / "PWNED"
    project.add_samples()
    project.add_plan("HOSTILE-001", hostile_plan(marker))
    project.commit("Add a hostile plan")
    return project.build(), marker


def test_hostile_plan_passes_check(tmp_path: Path) -> None:
    path = tmp_path / "HOSTILE-001.md"
    path.write_text(hostile_plan(tmp_path / "PWNED"), encoding="utf-8")
    from planbook.check import check_result

    assert check_result(load_plan(path)).ok


def test_hostile_plan_builds_strictly(hostile_build: tuple[Build, Path]) -> None:
    build, _ = hostile_build
    assert build.ok, build.output
    assert build.warnings() == []


def test_nothing_in_a_plan_runs_at_build_time(hostile_build: tuple[Build, Path]) -> None:
    build, marker = hostile_build
    assert build.ok
    assert sorted(marker.parent.glob(marker.name + "*")) == []


@pytest.mark.parametrize("literal", LITERALS)
def test_template_syntax_shows_literally(hostile_build: tuple[Build, Path], literal: str) -> None:
    build, _ = hostile_build
    assert literal in text_of(build.plan_page("HOSTILE-001"))


def test_the_sample_merge_tag_shows_literally(sample_site) -> None:
    _, build = sample_site
    text = text_of(build.plan_page("BRIGHTLEAF-014"))
    assert "{{ first_name }}" in text and "{% raw %}" in text and "{{ course_name }}" in text


@pytest.mark.parametrize("page", ["projects/HOSTILE-001/index.html", "index.html"])
def test_no_live_markup_from_plan_content(hostile_build: tuple[Build, Path], sample_site, page: str) -> None:
    build, _ = hostile_build
    _, clean_build = sample_site
    hostile, clean = Markup(build.html(page)), Markup(clean_build.html(page.replace("HOSTILE-001", "CASCADE-007")))
    assert hostile.handlers == []
    assert hostile.script_urls == []
    # The theme's own scripts, and no more: the same as on a page of a harmless plan.
    assert [s for s in hostile.scripts if not s.startswith("inline:")] == [
        s for s in clean.scripts if not s.startswith("inline:")
    ]
    assert len(hostile.scripts) == len(clean.scripts)
    assert not any("alert(" in script for script in hostile.scripts)


def test_hostile_values_show_as_text(hostile_build: tuple[Build, Path]) -> None:
    build, _ = hostile_build
    text = text_of(build.plan_page("HOSTILE-001"))
    assert "<img src=x onerror=alert('client')> Evil & Co" in text
    assert "<svg onload=alert('question')>" in text
    assert "[click](javascript:alert('impact'))" in text


def test_the_table_of_contents_holds_no_markup(hostile_build: tuple[Build, Path]) -> None:
    build, _ = hostile_build
    html = build.plan_page("HOSTILE-001")
    assert "onmouseover" not in html
    entry = re.search(
        r'<a href="#heading-bold" class="md-nav__link">\s*<span class="md-ellipsis">(.*?)</span>', html, re.S
    )
    assert entry and entry.group(1).strip() == "Heading bold"


# -- invalid plans fail the build with check's messages -----------------------------------------


def check_lines(path: Path) -> list[str]:
    """`planbook check`'s own lines for a plan, run where the plan's repository is."""
    done = subprocess.run(
        [sys.executable, "-m", "planbook.cli", "check", f"projects/{path.name}"],
        cwd=path.parent.parent,
        capture_output=True,
        text=True,
    )
    return [line for line in done.stdout.splitlines() if re.match(r"projects/\S+:\d+:\d+: PB\d{3} ", line)]


@pytest.mark.parametrize(
    ("name", "text", "code"),
    [
        ("bad status", lambda s: s.replace("status: development", "status: finished", 1), "PB104"),
        ("macros smuggled in", lambda s: s.replace("---\n", "---\nrender_macros: true\n", 1), "PB101"),
        ("theme template smuggled in", lambda s: s.replace("---\n", "---\ntemplate: main.html\n", 1), "PB101"),
        ("alias bomb", lambda s: s.replace("---\n", '---\nx: &a ["lol", "lol"]\ny: [*a, *a, *a, *a]\n', 1), "PB008"),
        ("placeholder left", lambda s: s.replace('lead: "Priya Raman"', 'lead: "[LEAD_ENGINEER]"', 1), "PB201"),
        ("not YAML", lambda s: s.replace("types: [accounting]", "types: [accounting", 1), "PB006"),
    ],
)
def test_an_invalid_plan_fails_the_build_with_checks_lines(
    site_project: SiteProject, sample_text: str, name, text, code
) -> None:
    plan = site_project.add_plan("NORTHWIND-001", text(sample_text + "\n{{ 7*7 }}\n"))
    build = site_project.build()
    assert not build.ok, name
    expected = check_lines(plan)
    assert expected and any(f": {code} " in line for line in expected)
    for line in expected:
        assert line in build.output
    assert "Traceback" not in build.output
    assert not (build.site / "projects").exists()  # stopped before any page was written


def test_a_plan_with_only_warnings_builds(site_project: SiteProject, sample_text: str) -> None:
    # A fulfillment task in an accounting plan: check warns (PB107) and passes, and so does the site.
    text = sample_text.replace(
        "      order_to_invoice: true", "      order_to_invoice: true\n      order_routing: false", 1
    )
    site_project.add_plan("NORTHWIND-001", text)
    build = site_project.build()
    assert build.ok, build.output
    assert "PB107" in build.output and build.warnings() == []


def test_a_docs_page_in_the_way_of_a_plan_page_fails_the_build(site_project: SiteProject, sample_text: str) -> None:
    site_project.add_plan("NORTHWIND-001", sample_text)
    (site_project.path / "docs").unlink()
    shutil.copytree(ROOT / "docs", site_project.path / "docs", ignore=shutil.ignore_patterns("*.js"))
    (site_project.path / "docs" / "projects").mkdir()
    (site_project.path / "docs" / "projects" / "NORTHWIND-001.md").write_text("# Not a plan\n", encoding="utf-8")
    build = site_project.build()
    assert not build.ok
    assert "docs/projects/NORTHWIND-001.md would hide the page of the plan projects/NORTHWIND-001.md" in build.output


# -- the cleaner ------------------------------------------------------------------------------


class Canonical(HTMLParser):
    """HTML as a list of events, attributes sorted: equal when a browser would see the same thing."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", tag, tuple(sorted((k, v or "") for k, v in attrs))))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag))

    def handle_data(self, data: str) -> None:
        self.events.append(("text", data))


def canonical(html: str) -> list[tuple]:
    return Canonical(html).events


@pytest.fixture(scope="module")
def cleaner():
    from planbook import html_policy

    return html_policy


@pytest.mark.parametrize(
    "html",
    [
        '<ul class="task-list"><li class="task-list-item"><label class="task-list-control"><input type="checkbox" aria-label="Deploy" disabled="" checked=""><span class="task-list-indicator"></span></label> Deploy</li></ul>',
        '<div class="admonition danger">\n<p class="admonition-title">2 open blockers</p>\n<ul>\n<li>x</li>\n</ul>\n</div>',
        # Every diagram gets a first line of ours, so that no settings can stand before it (html_policy).
        '<pre class="mermaid"><code>%% planbook: settings written in a diagram are not applied\ngantt\n    title A &amp; B\n    Phase 1 :p1, 2026-01-05, 14d</code></pre>',
        '<p><progress max="5" value="2" aria-label="2 of 5 tasks done"></progress> 2 of 5 done</p>',
        '<h2 id="notes">NOTES<a class="headerlink" href="#notes" title="Permanent link" rel="noopener noreferrer">¶</a></h2>',
        '<table>\n<thead>\n<tr>\n<th style="text-align:left">Role</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td style="text-align:left">PM</td>\n</tr>\n</tbody>\n</table>',
        '<details class="note" open=""><summary>More</summary><p>x</p></details>',
        '<p><a href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer">x</a> <a href="../OTHER-002/" rel="noopener noreferrer">y</a> <a href="mailto:pm@example.com" rel="noopener noreferrer">z</a></p>',
    ],
)
def test_cleaner_keeps_the_sites_markup(cleaner, html: str) -> None:
    assert canonical(cleaner.clean_plan_html(html)) == canonical(html)


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<script>alert(1)</script><p>x</p>", "<p>x</p>"),
        ("<style>body{display:none}</style><p>x</p>", "<p>x</p>"),
        # No image loads from an address: a relative one has nothing to show, a remote one becomes a link.
        ('<img src="x" onerror="alert(1)">', "[image]"),
        (
            '<img src="https://tracker.invalid/p.gif" alt="logo">',
            '<a class="pb-remote-image" href="https://tracker.invalid/p.gif" rel="noopener noreferrer">logo (image at tracker.invalid, not loaded)</a>',
        ),
        ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
        ('<a href=" JaVaScRiPt:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
        ('<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">x</a>', '<a rel="noopener noreferrer">x</a>'),
        ('<p onclick="alert(1)" style="color:red">x</p>', "<p>x</p>"),
        (
            '<table><tbody><tr><td style="background: url(javascript:alert(1)); text-align: right">x</td></tr></tbody></table>',
            '<table><tbody><tr><td style="text-align:right">x</td></tr></tbody></table>',
        ),
        ('<iframe src="https://example.com"></iframe><p>x</p>', "<p>x</p>"),
        # Any input becomes a disabled checkbox: no text fields, nothing to click.
        (
            '<form action="/"><input type="text" name="q"><button formaction="javascript:alert(1)">go</button></form>',
            '<input type="checkbox" disabled="">go',
        ),
        ('<input type="checkbox" onchange="alert(1)" checked>', '<input type="checkbox" checked="" disabled="">'),
        ('<svg onload="alert(1)"><circle r="1"/></svg>', ""),
        ('<p data-md-component="search" id="__search">x</p>', "<p>x</p>"),
        ("<!-- <script>alert(1)</script> --><p>x</p>", "<p>x</p>"),
        ('<meta http-equiv="refresh" content="0;url=javascript:alert(1)"><base href="https://evil.example/">', ""),
    ],
)
def test_cleaner_drops_what_could_run(cleaner, html: str, expected: str) -> None:
    assert canonical(cleaner.clean_plan_html(html)) == canonical(expected)


def test_a_portfolio_value_made_breakable_is_escaped_first() -> None:
    """`breakable` adds a <wbr> after each underscore of a plan value: the value's own markup is
    escaped before, so that only our <wbr> is markup."""
    assert breakable("[LEAD_ENGINEER]") == "[LEAD_<wbr>ENGINEER]"
    assert breakable('<img src=x onerror="a_b()">_') == "&lt;img src=x onerror=&#34;a_<wbr>b()&#34;&gt;_<wbr>"
    assert breakable("_<wbr>") == "_<wbr>&lt;wbr&gt;"
