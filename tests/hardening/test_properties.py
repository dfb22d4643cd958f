"""Property-based tests of the loader, the checker and the renderer, with random YAML trees and Unicode.

The properties: nothing but a documented finding ever comes out of bad input (no exception escapes),
every finding names a rule and a place inside the file, data written by a YAML emitter loads back as
it was, and text placed in a field shows literally, and exactly, in the rendered HTML.

Strategies and settings are in strategies.py.
"""

from __future__ import annotations

import copy
import re

import yaml
from hypothesis import assume, given
from hypothesis import strategies as st

from planbook import escape
from planbook.check import check_result
from planbook.findings import RULES
from planbook.loader import LoadError, Plan, load_plan
from planbook.render import render_plan

from hostile import expected_text, free_text_fields, get_path, set_path
from strategies import BASE, PROFILE, changes, front_matters, swapped, text
from test_render import to_html, visible_text


def plan_file(front_matter: str, notes: str = "") -> str:
    return f"---\n{front_matter}---\n{notes}"


def assert_findings_are_documented(loaded, text_: str) -> None:
    """Each finding names a known rule, a place inside the file, and one line of text."""
    result = check_result(loaded)
    total_lines = text_.count("\n") + 1
    for finding in result.findings:
        assert finding.code in RULES
        assert 1 <= finding.line <= total_lines and finding.column >= 1, str(finding)
        assert "\n" not in finding.message and finding.message.strip()
    return result


@PROFILE
@given(front_matters, text)
def test_any_yaml_tree_loads_as_written_or_gives_a_finding(tree, notes):
    dumped = yaml.safe_dump(tree, allow_unicode=True, sort_keys=False)
    # PyYAML's emitter writes U+0085 raw, which its own reader then folds as a line break: not ours to test.
    assume(yaml.safe_load(dumped) == tree)
    source = plan_file(dumped, notes)
    loaded = load_plan("X.md", text=source)
    if isinstance(loaded, Plan):
        assert loaded.data == tree
        # control characters are U+FFFD in the notes every consumer reads (see planbook.loader)
        assert loaded.notes == escape.clean(notes.replace("\r\n", "\n").replace("\r", "\n"))
        result = assert_findings_are_documented(loaded, source)
        for flavor in ("markdown", "site"):
            render_plan(loaded, flavor=flavor)
        if result.ok:
            assert result.completeness is not None
    else:
        assert loaded.findings and all(f.code in RULES for f in loaded.findings)
        # Only the limits refuse what a safe YAML emitter wrote.
        assert {f.code for f in loaded.findings} <= {"PB010", "PB011"}, [str(f) for f in loaded.findings]


@PROFILE
@given(st.text(st.characters(exclude_categories=["Cs"]), max_size=300))
def test_any_text_as_front_matter_gives_a_plan_or_a_finding(raw):
    source = plan_file(raw if raw.endswith("\n") else raw + "\n")
    loaded = load_plan("X.md", text=source)
    if isinstance(loaded, LoadError):
        (finding,) = loaded.findings
        assert finding.code in RULES and finding.line >= 1 and finding.column >= 1
        assert "\n" not in finding.message
    else:
        assert_findings_are_documented(loaded, source)
        render_plan(loaded)


@PROFILE
@given(st.binary(max_size=300))
def test_any_bytes_give_a_plan_or_a_finding(raw):
    loaded = load_plan("X.md", text=b"---\n" + raw)
    if isinstance(loaded, Plan):
        assert_findings_are_documented(loaded, loaded.source)
    else:
        assert all(f.code in RULES for f in loaded.findings)


@PROFILE
@given(changes)
def test_a_valid_plan_with_any_values_swapped_in_is_checked_and_rendered(swaps):
    data = swapped(swaps)
    dumped = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    assume(yaml.safe_load(dumped) == data)  # PyYAML's own emitter and reader disagree on U+0085
    source = plan_file(dumped)
    loaded = load_plan("X.md", text=source)
    if isinstance(loaded, LoadError):
        assert {f.code for f in loaded.findings} <= {"PB011"}
        return
    assert loaded.data == data
    result = assert_findings_are_documented(loaded, source)
    if result.ok:
        assert 0 <= result.completeness <= 100
    for flavor in ("markdown", "site"):
        render_plan(loaded, flavor=flavor)


# -- rendered values round-trip -----------------------------------------------------------------------

_FIELDS = [f for f in free_text_fields() if f[0] != "internal"]  # internal facts are not in plain Markdown


@PROFILE
@given(st.sampled_from(_FIELDS), st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=60))
def test_text_in_any_field_shows_literally_in_the_html(field, value):
    data = copy.deepcopy(BASE)
    set_path(data, field, value)
    loaded = load_plan("X.md", text=plan_file(yaml.safe_dump(data, allow_unicode=True, sort_keys=False)))
    assert isinstance(loaded, Plan)
    shown = visible_text(to_html(render_plan(loaded)))
    written = get_path(loaded.data, field)  # as YAML read it: U+0085 is a line break there, for one
    assume(written.strip())  # a blank value shows as blank, or as the default reference
    assert expected_text(written) in shown


def _one_html_line(markdown_text: str) -> str:
    return visible_text(to_html(markdown_text))


@PROFILE
@given(text)
def test_inline_escape_round_trips_exactly(value):
    assert _one_html_line(escape.inline(value)) == expected_text(value)


@PROFILE
@given(text)
def test_block_escape_round_trips_exactly(value):
    assert _one_html_line(escape.block(value)) == expected_text(value)


@PROFILE
@given(text)
def test_cell_escape_stays_in_its_cell_and_round_trips(value):
    html_text = to_html(f"| a | b |\n|---|---|\n| {escape.cell(value)} | end |\n")
    cells = re.findall(r"<td>(.*?)</td>", html_text, re.S)
    assert len(cells) == 2 and visible_text(cells[1]) == "end", html_text
    assert visible_text(cells[0]) == expected_text(value)


@PROFILE
@given(text)
def test_code_escape_round_trips_exactly(value):
    assert _one_html_line(f"x {escape.code(value)} y") == " ".join(["x", expected_text(value), "y"]).replace("  ", " ")


@PROFILE
@given(text, text)
def test_link_is_safe_and_keeps_its_label(label, url):
    html_text = to_html(escape.link(label, url))
    assert "javascript:" not in re.sub(r"<code>.*?</code>", "", html_text, flags=re.S).lower()
    for href in re.findall(r'href="([^"]*)"', html_text):
        assert not re.match(r"\s*(javascript|data|vbscript):", href, re.I)
