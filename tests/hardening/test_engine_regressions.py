"""The smallest input for each engine bug the hardening corpora found, so each stays fixed."""

from __future__ import annotations

import re

import pytest

from planbook import escape
from planbook.cli import main
from planbook.loader import LoadError, load_plan


@pytest.mark.parametrize(
    ("value", "column", "shown"),
    [
        ('"ab\x7f"', 10, "U+007F"),  # DEL typed into a quoted value
        ('"é\x01"', 9, "U+0001"),  # a control character after a two-byte one: libyaml's offset is in bytes
        ('"😀\ufffe"', 9, "U+FFFE"),
    ],
)
def test_a_character_yaml_refuses_is_reported_where_it_is(value, column, shown):
    loaded = load_plan("X.md", text=f'---\nid: "X"\nname: {value}\n---\n')
    assert isinstance(loaded, LoadError)
    (finding,) = loaded.findings
    assert (finding.line, finding.column, finding.code) == (3, column, "PB006")
    assert shown in finding.message and "\n" not in finding.message


@pytest.mark.parametrize("line_break", ["\x85", "\u2028", "\u2029"])
def test_positions_count_lines_as_editors_do_after_a_unicode_line_break(line_break):
    # libyaml counts U+0085, U+2028 and U+2029 as line breaks; editors, git and GitHub do not.
    text = f'---\nid: "X"\nname: "one{line_break}two"\nclient: "[CLIENT_NAME]"\nlead: {{unclosed\n---\n'
    loaded = load_plan("X.md", text=text)
    assert isinstance(loaded, LoadError)
    assert (loaded.findings[0].line, loaded.findings[0].column) == (6, 1)  # the bad flow mapping's end
    loaded = load_plan("X.md", text=text.replace("{unclosed", '"Ann"'))
    assert loaded.positions[("client",)] == (4, 9)
    assert loaded.key_positions[("lead",)] == (5, 1)
    assert loaded.locate_all(("client",), ["[CLIENT_NAME]"]) == [(4, 10)]


@pytest.mark.parametrize(
    "front_matter",
    ["status: [draft]", "types: yes", "types: [[accounting]]", "phases: {development: {tasks: null}}", "api_access: 3"],
)
@pytest.mark.parametrize("flavor", ["markdown", "site"])
def test_render_of_a_draft_holding_wrong_types_shows_it_instead_of_crashing(tmp_path, capsys, front_matter, flavor):
    # A draft is rendered before it passes the schema, so `planbook render` meets any shape of value.
    path = tmp_path / "X.md"
    path.write_text(f'---\nid: "X"\n{front_matter}\n---\n', encoding="utf-8")
    assert main(["render", str(path), "--flavor", flavor]) == 0
    assert "## EXECUTIVE SUMMARY" in capsys.readouterr().out


@pytest.mark.parametrize(
    "front_matter",
    [
        '"a\\n::warning::injected": 1',  # an unknown field whose name holds a line break
        '"\\e[2J\\e]0;pwned\\a": 1',  # terminal escape sequences in a field name
        '"x\\ny": 1\n"x\\ny": 2',  # a duplicate key
        "name: !<tag:a%0A::error::b> 1",  # a tag, percent-decoded by libyaml
        'types: ["a\\n::error::b"]\nphases: {development: {tasks: {order_routing: true}}}',  # PB107 names the types
        'name: "{{#if x\\n}} {{#if \\e[31m }}"',  # template block tokens
        'name: "n"\n---\n[a](\x1b]0;pwned\x07)',  # a relative link in the notes (PB108)
    ],
)
def test_plan_text_in_a_finding_never_breaks_the_line_or_reaches_the_terminal(tmp_path, capsys, front_matter):
    path = tmp_path / "X.md"
    path.write_text(f'---\nid: "X"\n{front_matter}\n---\n', encoding="utf-8")
    assert main(["check", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"[\d,]+ errors?(, [\d,]+ warnings?)? in 1 of 1 plan", lines[-1]), lines[-1]
    for line in lines[:-1]:
        assert line.startswith(f"{path}:") and line.isprintable(), line


@pytest.mark.parametrize("value", ["", "   ", "\n"])
def test_an_empty_code_span_shows_nothing(value):
    assert escape.code(value) == ""


@pytest.mark.parametrize("phases", ["{development: null}", "{development: [tasks]}", "[development]"])
def test_check_of_phases_holding_the_wrong_shape_gives_findings(tmp_path, capsys, phases):
    path = tmp_path / "X.md"
    path.write_text(f'---\nid: "X"\ntypes: [accounting]\nphases: {phases}\n---\n', encoding="utf-8")
    assert main(["check", str(path)]) == 1
    assert "PB102" in capsys.readouterr().out


def test_every_placeholder_is_reported_at_its_own_place_however_many_there_are():
    # A flood of placeholders cost a count from the start of the text per finding (17 s for 70,000);
    # now the text is counted once, and a repeated placeholder is reported at each place, not the first.
    rows = [" ".join(f"[A_{row * 10 + col}]" for col in range(10)) + " [A_0]" for row in range(2000)]
    notes = [f"line {n} [B_{n}] [B_{n}]" for n in range(2000)]
    text = '---\nid: "X"\nsummary: |\n' + "".join(f"  {row}\n" for row in rows) + "---\n" + "\n".join(notes) + "\n"
    first_row_line, first_note_line = 4, 4 + len(rows) + 1
    from planbook.check import check_result

    found = sorted((f.line, f.column) for f in check_result(load_plan("X.md", text=text)).findings if f.code == "PB201")
    assert len(found) == 2000 * 11 + 2000 * 2
    last_row = first_row_line + len(rows) - 1
    assert found[2000 * 11 - 2 :][:2] == [
        (last_row, 3 + rows[-1].index("[A_19999]")),
        (last_row, 3 + rows[-1].index("[A_0]")),
    ]
    last_note = first_note_line + len(notes) - 1
    assert found[-2:] == [(last_note, 1 + notes[-1].index("[B_1999]")), (last_note, 1 + notes[-1].rindex("[B_1999]"))]


def test_every_relative_link_in_the_notes_is_reported_at_its_own_place_however_many_there_are():
    # Like placeholders, each PB108 counted the lines from the start of the notes again: 40,000 relative
    # links took 1.7 s and a megabyte of them half a minute. Positions are now counted in one pass.
    notes = [f"line {n}: [a](b{n}) and [c](d{n})" for n in range(3000)]
    text = '---\nid: "X"\n---\n' + "\n".join(notes) + "\n"
    from planbook.check import check_result

    found = sorted((f.line, f.column) for f in check_result(load_plan("X.md", text=text)).findings if f.code == "PB108")
    assert len(found) == 6000
    assert found[-2:] == [(4 + 2999, 1 + notes[-1].index("b2999")), (4 + 2999, 1 + notes[-1].index("d2999"))]
