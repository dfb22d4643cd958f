"""Every class of malformed input gets its exact finding, through the real CLI, and never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from planbook.cli import main
from planbook.loader import MAX_DEPTH, MAX_FILE_BYTES, LoadError, Plan, load_plan

from conftest import add_companions

GOOD = '---\nid: "X-1"\nname: "A plan"\n---\nNotes.\n'


def run_check(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["check", str(path)])
    out, err = capsys.readouterr()
    return code, out + err


MALFORMED = [
    # (name, content, expected finding after "path:")
    ("invalid-yaml", b'---\nid: "X-1"\nname: [unclosed\n---\n', "4:1: PB006 invalid YAML: "),
    (
        "duplicate-key",
        b'---\nid: "X-1"\nname: one\nname: two\n---\n',
        "4:1: PB007 duplicate key `name` (first at line 3); YAML would silently keep only the last",
    ),
    ("alias", b'---\nid: &a "X-1"\nname: *a\n---\n', "2:5: PB008 a YAML anchor (`&name`) is not allowed; remove it"),
    (
        "python-tag",
        b'---\nid: !!python/object/apply:os.system ["echo pwned"]\n---\n',
        "2:5: PB009 the YAML tag `!!python/object/apply:os.system` is not allowed; plans hold plain data only",
    ),
    (
        "missing-front-matter",
        b"# Just a heading\n\nid: X\n",
        "1:1: PB004 no front matter: the first line must be `---`, then the plan's fields, then `---`",
    ),
    (
        "unterminated-front-matter",
        b'---\nid: "X-1"\nname: n\n',
        "1:1: PB005 the front matter opened here is never closed: add a `---` line after the last field",
    ),
    (
        "list-not-mapping",
        b"---\n- id\n- name\n---\n",
        "2:1: PB010 the front matter is a list; it must be a mapping of field names to values",
    ),
    (
        "scalar-not-mapping",
        b"---\njust text\n---\n",
        "2:1: PB010 the front matter is a single value; it must be a mapping of field names to values",
    ),
    (
        "empty-front-matter",
        b"---\n---\nnotes\n",
        "2:1: PB010 the front matter is empty; it must hold the plan's fields",
    ),
    ("empty-file", b"", "1:1: PB004 the file is empty; a plan starts with a `---` line and its front matter"),
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "1:1: PB003 this is a binary file, not a Markdown plan"),
    (
        "non-utf8",
        b'---\nid: "X-1"\nname: "caf\xe9"\n---\n',
        "3:11: PB003 byte 0xe9 is not UTF-8; save the file as UTF-8",
    ),
    (
        "deep-nesting",
        b"---\nid: " + b"[" * 5000 + b"]" * 5000 + b"\n---\n",
        f"2:{MAX_DEPTH + 4}: PB011 the front matter nests deeper than {MAX_DEPTH} levels",
    ),
    (
        "deep-block-nesting",
        b"---\n" + b"- " * 100_000 + b"x\n---\n",
        f"2:{2 * MAX_DEPTH + 1}: PB011 the front matter nests deeper than {MAX_DEPTH} levels",
    ),
    (
        "ten-megabytes",
        b"---\nid: x\n---\n" + b"a" * (10 * 1024 * 1024),
        f"1:1: PB002 the file is {10 * 1024 * 1024 + 14:,} bytes; a plan may be at most {MAX_FILE_BYTES:,}",
    ),
]


@pytest.mark.parametrize(("name", "content", "expected"), MALFORMED, ids=[case[0] for case in MALFORMED])
def test_malformed_input_gives_its_exact_finding(tmp_path, capsys, name, content, expected):
    path = tmp_path / f"{name}.md"
    path.write_bytes(content)
    code, output = run_check(path, capsys)
    assert code == 1
    assert f"{path}:{expected}" in output, output
    assert "Traceback" not in output


def test_invalid_yaml_names_the_problem(tmp_path):
    path = tmp_path / "bad.md"
    path.write_text('---\nid: "X-1"\nname: [unclosed\n---\n')
    result = load_plan(path)
    assert isinstance(result, LoadError)
    (finding,) = result.findings
    assert finding.code == "PB006"
    assert "expected ',' or ']'" in finding.message


def test_alias_without_anchor_text_is_refused_at_the_alias(tmp_path):
    # An anchor on a mapping and an alias later: the first event that carries either is reported.
    result = load_plan(tmp_path / "x.md", text=b"---\nbase: &b {a: 1}\nother: *b\n---\n")
    assert isinstance(result, LoadError)
    assert [f.code for f in result.findings] == ["PB008"]


def test_alias_bomb_is_refused_without_expanding(tmp_path):
    lines = ["---", 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 12)]
    lines.append("---")
    result = load_plan(tmp_path / "bomb.md", text="\n".join(lines).encode())
    assert isinstance(result, LoadError)
    assert result.findings[0].code == "PB008"


def test_hundred_thousand_item_list_is_refused(tmp_path):
    text = "---\nimpacts: [" + ", ".join(["x"] * 100_000) + "]\n---\n"
    result = load_plan(tmp_path / "big.md", text=text.encode())
    assert isinstance(result, LoadError)
    assert result.findings[0].code == "PB011"
    assert "more than 20,000 values" in result.findings[0].message


@pytest.mark.parametrize(
    ("content", "expected_notes"),
    [
        (b"\xef\xbb\xbf" + GOOD.encode(), "Notes.\n"),
        (GOOD.replace("\n", "\r\n").encode(), "Notes.\n"),
        (GOOD.replace("\n", "\r").encode(), "Notes.\n"),
        (GOOD.replace("---\nNotes", "...\nNotes").encode(), "Notes.\n"),
    ],
    ids=["bom", "crlf", "cr", "dots-end"],
)
def test_bom_and_line_endings_load_the_same(tmp_path, content, expected_notes):
    result = load_plan(tmp_path / "X-1.md", text=content)
    assert isinstance(result, Plan)
    assert result.data == {"id": "X-1", "name": "A plan"}
    assert result.notes == expected_notes
    assert result.positions[("name",)] == (3, 7)
    assert result.notes_line == 5


def test_positions_point_at_values_and_keys(tmp_path):
    text = '---\nid: "X-1"\nrisks:\n  - risk: "r"\n    impact: High\n---\n'
    plan = load_plan(tmp_path / "X-1.md", text=text)
    assert isinstance(plan, Plan)
    assert plan.positions[("risks", 0, "impact")] == (5, 13)
    assert plan.key_positions[("risks", 0, "impact")] == (5, 5)


@pytest.mark.parametrize(
    ("written", "value", "remembered"),
    [
        ("no", False, "no"),
        ("Off", False, "Off"),
        ("yes", True, "yes"),
        ("true", True, None),
        ("1:20", 80, "1:20"),
        ("012", 10, "012"),
    ],
)
def test_yaml_11_surprises_are_remembered(tmp_path, written, value, remembered):
    plan = load_plan(tmp_path / "x.md", text=f"---\nname: {written}\n---\n")
    assert isinstance(plan, Plan)
    assert plan.data["name"] == value
    assert plan.yaml11.get(("name",)) == remembered


def test_dates_stay_text(tmp_path):
    plan = load_plan(tmp_path / "x.md", text="---\nstart_date: 2026-01-05\n---\n")
    assert isinstance(plan, Plan)
    assert plan.data["start_date"] == "2026-01-05"


def test_unreadable_path_is_a_finding_not_an_exception(tmp_path):
    result = load_plan(tmp_path / "missing.md")
    assert isinstance(result, LoadError)
    assert result.findings[0].code == "PB001"


def test_one_bad_file_does_not_stop_the_others(tmp_path, capsys, sample_text):
    (tmp_path / "A-1.md").write_bytes(b"\x00\x01binary")
    (tmp_path / "NORTHWIND-001.md").write_text(sample_text)
    add_companions(tmp_path, "NORTHWIND-001")
    (tmp_path / "Z-9.md").write_text("---\nid: [\n---\n")
    code, output = run_check(tmp_path, capsys)
    assert code == 1
    assert "A-1.md:1:1: PB003" in output
    assert "Z-9.md:3:1: PB006 invalid YAML: did not find expected node content" in output
    assert "2 errors in 2 of 3 plans" in output


def test_cli_on_malformed_input_never_prints_a_traceback(tmp_path):
    path = tmp_path / "x.md"
    path.write_bytes(b"---\nid: !!python/name:os.system\n---\n")
    proc = subprocess.run([sys.executable, "-m", "planbook.cli", "check", str(path)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "PB009" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


@pytest.mark.parametrize(
    ("content", "place", "hint"),
    [
        (b'---\nid: "X-1"\nname: Phase 2: go-live\n---\n', "3:14", '; quote a value that holds ": "'),
        (b'---\nid: "X-1"\n\tname: x\n---\n', "3:1", "; it is a tab: indent with spaces"),
        (b'---\nid: "X-1"\nclient: @acme\n---\n', "3:9", '; quote the value, as in `client: "@acme"`'),
        (b'---\nid: "X-1"\nphases:\n  a: 1\n b: 2\n---\n', "5:2", "; check the indentation at line 5"),
        (b'---\nid: "X-1"\nteam:\n  - a\n - b\n---\n', "5:2", "; check the indentation at line 5"),
        (b'---\nid: "X-1"\nclient:\tx\n\tfoo: 1\n---\n', "4:1", "; indent with spaces"),
    ],
    ids=["colon-in-value", "tab-indent", "reserved-character", "mapping-indent", "list-indent", "tab-after-value"],
)
def test_yaml_first_mistakes_get_a_plain_hint_at_their_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, place: str, hint: str
) -> None:
    path = tmp_path / "X-1.md"
    path.write_bytes(content)
    code, output = run_check(path, capsys)
    assert code == 1
    line = next(line for line in output.splitlines() if ": PB006 " in line)
    assert line.startswith(f"{path}:{place}: PB006 invalid YAML: ") and hint in line, line
