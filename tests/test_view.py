"""A phase's own tasks on the plan page and in the exports: listed after the template's, ticked as
they stand, and shown as text, whatever they hold."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
import yaml

from planbook.escape import clean
from planbook.export import export_html, export_markdown
from planbook.export.to_html import markdown_to_html
from planbook.loader import Plan, load_plan
from planbook.render import render_plan
from planbook.view import PlanView

from conftest import PROJECTS, blns_strings
from test_render import live_markup, to_html, visible_text

HOSTILE = [
    "<script>alert('own task')</script>",
    "{{ 7*7 }} and {% raw %}",
    '<img src=x onerror=alert(1)> & "quotes"',
    "| Refunds | Credit memos |",
    "|---|---|",
    "*not emphasis* `not code` [not](javascript:alert(1)) <!-- not a comment -->",
]


def northwind() -> dict[str, Any]:
    plan = load_plan(PROJECTS / "NORTHWIND-001.md")
    assert isinstance(plan, Plan), plan
    return copy.deepcopy(plan.data)


def plan_with(data: dict[str, Any]) -> Plan:
    text = "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n"
    plan = load_plan(PROJECTS / "NORTHWIND-001.md", text=text)
    assert isinstance(plan, Plan), plan
    return plan


def shown(value: str) -> str:
    """What a reader sees of a value: control characters as U+FFFD, white space runs as one space."""
    return " ".join(clean(value).split())


def with_own_tasks(texts: list[str], phase: str = "testing") -> Plan:
    data = northwind()
    data["phases"][phase]["own_tasks"] = [{"task": text, "done": n % 2 == 0} for n, text in enumerate(texts)]
    return plan_with(data)


def test_the_view_lists_own_tasks_escaped_with_their_state() -> None:
    view = PlanView(with_own_tasks(["Load *last* year's refunds", "Agree | split"]).data, "NORTHWIND-001")
    rows = view.own_tasks("phases", "testing", "tasks")
    assert [(row["done"], row["label"]) for row in rows] == [
        (True, "Load \\*last\\* year's refunds"),
        (False, "Agree | split"),
    ]
    assert view.own_tasks("api_access") == []


def test_the_sample_shows_its_own_tasks_after_the_templates_ticked_as_they_stand() -> None:
    markdown = render_plan(plan_with(northwind()))
    discovery = markdown.split("### Phase 1", 1)[1].split("**Exit Criteria**", 1)[0]
    assert discovery.rstrip().endswith("- [x] Agree the Shopify Payments payout schedule with Northwind's bookkeeper")
    development = markdown.split("### Phase 2", 1)[1].split("**Exit Criteria**", 1)[0]
    assert re.search(
        r"\*\*Accounting-Specific\*\*:.*\*\*Project-Specific\*\*:\n\n- \[ \] Configure Shopify", development, re.S
    )
    testing = markdown.split("### Phase 3", 1)[1].split("**Exit Criteria**", 1)[0]
    assert "Project-Specific" not in testing  # a phase without own tasks shows the template's alone


@pytest.mark.parametrize("flavor", ["markdown", "site"])
def test_hostile_own_tasks_show_as_text_on_the_page(flavor: str) -> None:
    plain = to_html(render_plan(plan_with(northwind()), flavor=flavor))
    for phase in ("discovery", "development", "support"):
        page = to_html(render_plan(with_own_tasks(HOSTILE, phase), flavor=flavor))
        assert live_markup(page) == [], (phase, live_markup(page))
        text = visible_text(page)
        for value in HOSTILE:
            assert shown(value) in text, (phase, value)
        assert text.count("49") == visible_text(plain).count("49")  # {{ 7*7 }} is text, never run
        assert page.count("<table") == plain.count("<table")  # `|` lines make no table
        assert page.count("<a ") == plain.count("<a ")  # nor a link


def checkboxes(html_text: str) -> list[bool]:
    return ["checked" in box for box in re.findall(r"<input[^>]*type=\"checkbox\"[^>]*>", html_text)]


def test_hostile_own_tasks_show_as_text_in_the_exports() -> None:
    plan = with_own_tasks(HOSTILE)
    for document in (export_html(plan), markdown_to_html(export_markdown(plan))):
        assert live_markup(document) == []
        assert "<img" not in document
        text = visible_text(document)
        for value in HOSTILE:
            assert shown(value) in text, value
    testing = export_markdown(plan).split("### Phase 3", 1)[1].split("**Exit Criteria**", 1)[0]
    boxes = re.findall(r"^- \[(.)\] ", testing, re.M)
    assert boxes[-len(HOSTILE) :] == ["x" if n % 2 == 0 else " " for n in range(len(HOSTILE))]
    before = checkboxes(export_html(plan_with(northwind())))
    after = checkboxes(export_html(plan))
    assert (after.count(True), after.count(False)) == (before.count(True) + 3, before.count(False) + 3)


def test_naughty_strings_as_own_tasks_show_as_text() -> None:
    strings = [s for s in blns_strings() if s.strip() and len(s) <= 300]  # skips without ../shared
    # PyYAML's emitter and reader disagree on a few (U+0085 is a line break to the reader)
    typed = [s for s in strings if yaml.safe_load(yaml.safe_dump(s, allow_unicode=True)) == s]
    assert len(typed) > 0.9 * len(strings)
    for start in range(0, len(typed), 100):
        batch = typed[start : start + 100]
        plan = with_own_tasks(batch, ("discovery", "development", "testing", "deployment", "support")[start // 100 % 5])
        page = to_html(render_plan(plan, flavor="site"))
        assert live_markup(page) == []
        seen = visible_text(page)
        missing = [value for value in batch if shown(value) not in seen]
        assert not missing, missing[:3]
