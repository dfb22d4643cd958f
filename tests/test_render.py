"""`planbook render`: faithful to the seed template, conditional blocks from data, every value literal."""

from __future__ import annotations

import html.parser
import json
import re

import markdown
import pytest

from planbook import escape
from planbook.cli import main
from planbook.loader import Plan, load_plan
from planbook.model import duration_days, phase_schedule
from planbook.render import render_plan

from conftest import PROJECTS, SAMPLES, blns_strings, shared_path, ssti_payloads

EXTENSIONS = ["tables", "admonition", "attr_list", "md_in_html", "toc", "pymdownx.superfences", "pymdownx.tasklist"]


def to_html(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS)


class _TextOf(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible_text(html_text: str) -> str:
    parser = _TextOf()
    parser.feed(html_text)
    return " ".join(" ".join(parser.parts).split())


class _LiveMarkup(html.parser.HTMLParser):
    """Collects what would run in a browser: script elements, event handlers, javascript: links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.live: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed"):
            self.live.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.live.append(f"{tag}[{name}]")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.live.append(f"{tag}[{name}={value}]")


def live_markup(html_text: str) -> list[str]:
    parser = _LiveMarkup()
    parser.feed(html_text)
    return parser.live


def template_headings() -> list[str]:
    seed = shared_path("seed/implementation-plan.template.md").read_text()
    return [line for line in seed.splitlines() if line.startswith("#")]


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_render_has_every_template_heading_in_order_and_no_leftovers(sample):
    plan = load_plan(sample)
    assert isinstance(plan, Plan)
    text = render_plan(plan)
    body = text.split("\n## NOTES\n")[0]  # the notes are the author's, with headings of their own
    headings = [line for line in body.splitlines() if line.startswith("#")]
    seed = template_headings()
    assert len(headings) == len(seed)
    for ours, theirs in zip(headings, seed):
        if "[" in theirs:
            prefix = theirs.split("[", 1)[0]
            assert ours.startswith(prefix), (ours, theirs)
        else:
            assert ours == theirs
    assert not re.search(r"\[[A-Z][A-Z0-9_]+\]", text)
    assert "{{#if" not in text and "{{/if}}" not in text


def test_conditional_blocks_follow_the_data():
    texts = {p.stem: render_plan(load_plan(p)) for p in SAMPLES}
    assert "**Accounting-Specific**" in texts["NORTHWIND-001"]
    assert "**Marketing-Specific**" not in texts["NORTHWIND-001"]
    assert "**Marketing-Specific**" in texts["BRIGHTLEAF-014"]
    assert "**Fulfillment-Specific**" in texts["CASCADE-007"]
    assert "**Data Migration**:" in texts["CASCADE-007"]
    assert "**Data Migration**:" not in texts["NORTHWIND-001"]


def test_several_types_give_several_blocks(sample_text, tmp_path):
    path = tmp_path / "NORTHWIND-001.md"
    path.write_text(sample_text.replace("types: [accounting]", "types: [fulfillment, accounting]"))
    text = render_plan(load_plan(path))
    assert text.index("**Accounting-Specific**") < text.index("**Fulfillment-Specific**")


def test_task_state_shows_as_checkboxes():
    text = render_plan(load_plan(PROJECTS / "NORTHWIND-001.md"))
    assert "- [x] Obtain Shopify API credentials" in text
    assert "- [ ] Implement data transformation layer" in text
    html_text = to_html(text)
    assert html_text.count('type="checkbox"') == text.count("- [x] ") + text.count("- [ ] ")
    assert html_text.count("checked") == text.count("- [x] ")


def test_every_list_has_a_blank_line_before_it():
    text = render_plan(load_plan(PROJECTS / "CASCADE-007.md"), flavor="site")
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if re.match(r"^(- |\d+\. )", line) and number > 0:
            previous = lines[number - 1]
            assert previous == "" or re.match(r"^(- |\d+\. )", previous), (number, previous, line)


def test_a_draft_full_of_placeholders_renders(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    main(["new", "ACME-042", "--type", "marketing"])
    capsys.readouterr()
    assert main(["render", "ACME-042"]) == 0
    out = capsys.readouterr().out
    assert "## \\[PROJECT\\_NAME\\]" in out
    assert "**Marketing-Specific**" in out
    html_text = visible_text(to_html(out))
    assert "[CLIENT_NAME]" in html_text and "[RISK_1]" in html_text


def test_render_of_a_broken_plan_reports_findings(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "X.md").write_text("no front matter")
    assert main(["render", "X.md"]) == 1
    assert "X.md:1:1: PB004" in capsys.readouterr().err
    assert main(["render", "NOPE"]) == 2


def test_merge_tags_in_the_marketing_sample_stay_literal():
    text = render_plan(load_plan(PROJECTS / "BRIGHTLEAF-014.md"))
    shown = visible_text(to_html(text))
    assert "{{ first_name }}" in shown
    assert "{% raw %}" in shown
    assert "{{ course_name }}" in shown


# -- hostile values --------------------------------------------------------------------------------

FIELDS = {
    "client": "inline",
    "summary": "block",
    "risk": "cell",
    "impact": "list",
}


def hostile_plan(tmp_path, sample_text: str, value: str, index: int) -> Plan:
    quoted = json.dumps(value, ensure_ascii=False)
    text = (
        sample_text.replace('client: "Northwind Outfitters Ltd."', f"client: {quoted}")
        .replace("summary: >-\n  Every paid", f"summary: {quoted}\nx_summary: >-\n  Every paid", 1)
        .replace('  - risk: "QuickBooks tax codes do not map one-to-one to Shopify tax lines"', f"  - risk: {quoted}")
        .replace('  - "Month-end close shortened from nine working days to two"', f"  - {quoted}")
    )
    text = re.sub(r"x_summary: >-\n(  .*\n)+", "", text)
    path = tmp_path / f"case-{index}.md"
    path.write_text(text + "\n" + value + "\n", encoding="utf-8")
    result = load_plan(path)
    return result


def corpus() -> list[str]:
    return blns_strings() + ssti_payloads()


def test_corpus_values_render_literally(tmp_path, sample_text):
    strings = corpus()
    rendered = 0
    for index, value in enumerate(strings):
        plan = hostile_plan(tmp_path, sample_text, value, index)
        if not isinstance(plan, Plan):
            continue  # YAML refused the string (a non-printable character): a finding, not a crash
        text = render_plan(plan)
        shown = visible_text(to_html(text))
        expected = " ".join(escape.clean(plan.data["client"]).split())  # as YAML read it (U+0085 is a line break there)
        if not expected:
            continue
        assert shown.count(expected) >= 3, (index, value)  # client, summary and the risk cell, at least
        assert (
            escape.clean(value.strip("\n")) in text
        )  # notes are passed through (control characters aside), never run as a template
        rendered += 1
    assert rendered >= len(strings) - 10


@pytest.mark.parametrize(
    "payload", ["{{ 7*7 }}", "{% for x in range(3) %}x{% endfor %}", "{{ config.__class__ }}", "${7*7}", "<%= 7*7 %>"]
)
def test_template_syntax_is_never_evaluated(tmp_path, sample_text, payload):
    plan = hostile_plan(tmp_path, sample_text, payload, 0)
    text = render_plan(plan)
    shown = visible_text(to_html(text))
    assert payload in shown
    assert "49" not in shown.replace(payload, "")
    assert "xxx" not in shown


@pytest.mark.parametrize(
    ("value", "escaped_shape"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;"),
        ('<img src=x onerror="alert(1)">', "&lt;img src=x onerror="),
        ("[click](javascript:alert(1))", "\\[click\\](javascript:alert(1))"),
        ('{: onclick="alert(1)" }', "\\{: onclick="),
        ('!!! danger "x"', "\\!\\!\\! danger"),
    ],
)
def test_markup_in_values_is_escaped(tmp_path, sample_text, value, escaped_shape):
    plan = hostile_plan(tmp_path, sample_text, value, 0)
    text = render_plan(plan)
    assert escaped_shape in text
    # The notes are the author's Markdown, cleaned by the site's sanitizer; the values must be inert already.
    html_text = to_html(text.split("## NOTES")[0])
    assert live_markup(html_text) == []
    assert " ".join(value.split()) in visible_text(html_text)


def test_table_cells_keep_pipes_and_newlines_inside_the_cell(tmp_path, sample_text):
    plan = hostile_plan(tmp_path, sample_text, "a | b\nc", 0)
    html_text = to_html(render_plan(plan))
    risk_table = html_text[html_text.index("5. RISKS") :]
    body = risk_table[risk_table.index("<tbody>") :]
    first_row = body[: body.index("</tr>")]
    assert first_row.count("<td>") == 3
    assert "a | b<br>c" in first_row


@pytest.mark.parametrize(
    ("text", "days"),
    [("2 weeks", 14), ("10 days", 10), ("1.5 weeks", 11), ("3d", 3), ("TBD", None), ("[PHASE_1_DURATION]", None)],
)
def test_duration_days(text, days):
    assert duration_days(text) == days


def test_phase_schedule_lays_phases_end_to_end():
    plan = load_plan(PROJECTS / "NORTHWIND-001.md")
    schedule = phase_schedule(plan.data)
    assert [p.key for p in schedule] == ["discovery", "development", "testing", "deployment", "support"]
    assert [p.start_day for p in schedule] == [0, 14, 42, 56, 63]
    assert str(schedule[1].start) == "2026-09-21"


def test_the_live_markup_detector_sees_what_would_run():
    found = live_markup('<p onclick="x"><script>1</script><a href=" JavaScript:alert(1)">x</a></p>')
    assert found == ["p[onclick]", "<script>", "a[href= JavaScript:alert(1)]"]
