"""`planbook check`: placeholders, schema findings with hints, completeness gates, and its output formats."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from planbook.check import check_result
from planbook.cli import main
from planbook.loader import load_plan
from planbook.model import completeness_of

from conftest import PROJECTS, SAMPLES, add_companions, shared_path


def check_text(tmp_path: Path, text: str, name: str = "NORTHWIND-001.md"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return check_result(load_plan(path))


def codes(result) -> list[str]:
    return [f.code for f in result.findings]


def test_samples_pass(capsys):
    assert len(SAMPLES) == 3
    assert main(["check", str(PROJECTS)]) == 0
    assert "3 plans checked, all pass" in capsys.readouterr().out


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_each_sample_is_complete(sample):
    result = check_result(load_plan(sample))
    assert result.findings == []
    assert result.completeness == 100


def test_new_then_check_reports_every_placeholder_line(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "ACME-042", "--type", "accounting", "--migration"]) == 0
    capsys.readouterr()
    plan = tmp_path / "projects" / "ACME-042.md"
    lines = plan.read_text().splitlines()
    expected = set()
    for number, line in enumerate(lines, start=1):
        if line.lstrip().startswith("#"):
            continue
        for match in re.finditer(r"\[[A-Z][A-Z0-9_]+\]", line):
            expected.add((number, match.start() + 1, match.group(0)))
    template = set(re.findall(r"\[[A-Z][A-Z0-9_]+\]", shared_path("seed/implementation-plan.template.md").read_text()))
    # `new` fills in the ID, the status (draft) and the type it was given; version and date come from git.
    filled = {"[PROJECT_ID]", "[STATUS]", "[INTEGRATION_TYPE]", "[VERSION]", "[LAST_UPDATED]"}
    assert {token for _, _, token in expected} == template - filled

    assert main(["check", "projects/ACME-042.md"]) == 1
    out = capsys.readouterr().out
    reported = set()
    for match in re.finditer(
        r"^projects/ACME-042\.md:(\d+):(\d+): PB201 placeholder (\[\w+\]) is left unfilled", out, re.M
    ):
        reported.add((int(match.group(1)), int(match.group(2)), match.group(3)))
    assert reported == expected
    # Placeholders in typed fields are reported once, as placeholders, never also as "must be a number".
    assert "PB102" not in out and "PB104" not in out


def test_new_refuses_to_overwrite(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "ACME-042"]) == 0
    before = (tmp_path / "projects/ACME-042.md").read_text()
    assert main(["new", "ACME-042", "--type", "marketing"]) == 2
    assert "already exists; planbook new never overwrites a plan" in capsys.readouterr().err
    assert (tmp_path / "projects/ACME-042.md").read_text() == before


@pytest.mark.parametrize("bad_id", ["../escape", "a b", "", ".x", "x" * 65])
def test_new_refuses_bad_ids(tmp_path, capsys, monkeypatch, bad_id):
    monkeypatch.chdir(tmp_path)
    assert main(["new", bad_id]) == 2
    assert "is not a project ID" in capsys.readouterr().err
    assert not (tmp_path / "projects").exists() or not any((tmp_path / "projects").iterdir())


def test_new_without_type_leaves_the_type_as_a_placeholder(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    main(["new", "ACME-7"])
    main(["check", "projects/ACME-7.md"])
    assert "PB201 placeholder [INTEGRATION_TYPE] is left unfilled" in capsys.readouterr().out


SCHEMA_CASES = [
    # (description, old, new, expected finding text)
    ("unknown field with a typo", "client: ", "cleint: ", "PB101 unknown field `cleint`; did you mean `client`?"),
    ("nested unknown field", "  pm: ", "  pmm: ", "PB101 unknown field `pmm` in `team`; did you mean `pm`?"),
    ("wrong type", "confidence: 80", 'confidence: "eighty"', "PB102 `confidence` must be a whole number, not text"),
    (
        "no read as boolean",
        'impact: "High"',
        "impact: no",
        'PB102 `risks[0].impact` must be text, not true or false; YAML reads `no` as False, so quote it: "no"',
    ),
    (
        "unquoted brackets",
        'lead: "Priya Raman"',
        "lead: [Priya Raman]",
        "PB102 `lead` must be text, not a list; text that starts with `[` must be quoted",
    ),
    (
        "status typo",
        "status: development",
        "status: developement",
        "PB104 `status` cannot be 'developement'; did you mean `development`?; choose one of: draft, discovery",
    ),
    (
        "type typo",
        "types: [accounting]",
        "types: [acounting]",
        "PB104 `types[0]` cannot be 'acounting'; did you mean `accounting`?",
    ),
    ("out of range", "confidence: 80", "confidence: 180", "PB105 `confidence`: 180 is above the maximum of 100"),
    (
        "bad duration",
        'duration: "2 weeks"',
        'duration: "a fortnight"',
        "PB105 `phases.discovery.duration`: 'a fortnight' is not in the expected form: How long phase 1 takes",
    ),
    (
        "missing field",
        'client: "Northwind Outfitters Ltd."\n',
        "",
        "PB103 missing field `client` (The client organisation.)",
    ),
    (
        "id mismatch",
        'id: "NORTHWIND-001"',
        'id: "NORTHWIND-002"',
        "PB106 `id` is 'NORTHWIND-002' but the file is NORTHWIND-001.md",
    ),
]


@pytest.mark.parametrize(("description", "old", "new", "expected"), SCHEMA_CASES, ids=[c[0] for c in SCHEMA_CASES])
def test_schema_findings_point_at_the_value_with_a_hint(tmp_path, sample_text, description, old, new, expected):
    assert old in sample_text
    text = sample_text.replace(old, new, 1)
    result = check_text(tmp_path, text)
    messages = [f"{f.code} {f.message}" for f in result.findings]
    assert any(m.startswith(expected) for m in messages), messages
    finding = next(f for f in result.findings if f"{f.code} {f.message}".startswith(expected))
    if new:
        line = text[: text.index(new)].count("\n") + 1
        assert finding.line == line


def test_placeholders_in_code_links_and_task_boxes_are_not_reported(tmp_path, sample_text):
    notes = """
Use `[CLIENT_NAME]` in code spans, or in blocks:

```yaml
client: "[CLIENT_NAME]"
```

See [CLIENT_NAME](https://example.com) and [the spec][SPEC_DOC].

[SPEC_DOC]: https://example.com/spec

- [ ] a task box
- [x] a done one
"""
    result = check_text(tmp_path, sample_text + notes)
    assert result.findings == []


def test_placeholders_and_block_lines_in_notes_are_reported_at_their_line(tmp_path, sample_text):
    text = sample_text + "\nStill to do: [CLIENT_CONTACT] and\n{{#if accounting}}\n"
    result = check_text(tmp_path, text)
    lines = text.splitlines()
    contact = next(i for i, line in enumerate(lines, 1) if "[CLIENT_CONTACT]" in line)
    assert [(f.line, f.column, f.code) for f in result.findings] == [(contact, 14, "PB201"), (contact + 1, 1, "PB202")]


def test_placeholder_inside_a_long_value_is_located_exactly(tmp_path, sample_text):
    text = sample_text.replace("Month-end close shortened", "Month-end close for [CLIENT_NAME] shortened")
    result = check_text(tmp_path, text)
    (finding,) = result.findings
    line_text = text.splitlines()[finding.line - 1]
    assert line_text[finding.column - 1 :].startswith("[CLIENT_NAME]")


def test_completeness_counts_empty_and_tbd(tmp_path, sample_text):
    text = sample_text.replace("status: development", "status: discovery").replace(
        'timeline: "10 weeks"', 'timeline: "TBD"'
    )
    result = check_text(tmp_path, text)
    assert result.ok
    assert 90 < result.completeness < 100


GATE_CASES = [
    (
        "empty past discovery",
        [('timeline: "10 weeks"', 'timeline: "TBD"')],
        "PB301 `timeline` is empty or TBD, and a plan in development must have every field filled in",
    ),
    (
        "open blocker",
        [("blockers: []", 'blockers: ["Waiting for the QuickBooks sandbox"]')],
        "PB303 open blocker, and the status is development",
    ),
    (
        "phase 1 not done",
        [("data_mapping: true", "data_mapping: false")],
        'PB302 the status is development, but "Complete data mapping (see Tech Specs)" is not done',
    ),
    (
        "api access",
        [("api_access:\n  system_a: true", "api_access:\n  system_a: false")],
        'PB302 the status is development, but "Shopify API credentials" is not done',
    ),
    (
        "testing needs development done",
        [("status: development", "status: testing")],
        'PB302 the status is testing, but "Implement data transformation layer" is not done',
    ),
]


@pytest.mark.parametrize(("description", "edits", "expected"), GATE_CASES, ids=[c[0] for c in GATE_CASES])
def test_status_gates(tmp_path, sample_text, description, edits, expected):
    text = sample_text
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    result = check_text(tmp_path, text)
    assert not result.ok
    messages = [f"{f.code} {f.message}" for f in result.findings]
    assert any(m.startswith(expected) for m in messages), messages


def test_on_hold_has_no_phase_gates(tmp_path, sample_text):
    text = sample_text.replace("status: development", "status: on-hold").replace(
        "blockers: []", 'blockers: ["Client paused the project"]'
    )
    assert check_text(tmp_path, text).ok


def test_type_specific_tasks_follow_the_types(tmp_path, sample_text):
    text = sample_text.replace(
        "      order_to_invoice: true", "      order_to_invoice: true\n      tracking_sync: true"
    )
    result = check_text(tmp_path, text)
    assert result.ok
    assert [f.code for f in result.findings] == ["PB107"]


def test_completeness_of_an_empty_draft_is_low():
    assert completeness_of({"status": "draft"}) < 5


# -- output formats -------------------------------------------------------------------------------


@pytest.fixture
def failing_plan(tmp_path, sample_text) -> Path:
    path = tmp_path / "NORTHWIND-001.md"
    path.write_text(sample_text.replace('client: "Northwind Outfitters Ltd."', 'client: "[CLIENT_NAME]"'))
    add_companions(tmp_path, "NORTHWIND-001")
    return path


def test_json_format(failing_plan, capsys):
    assert main(["check", "--format", "json", str(failing_plan)]) == 1
    (item,) = json.loads(capsys.readouterr().out)
    assert item == {
        "path": str(failing_plan),
        "line": 4,
        "column": 10,
        "code": "PB201",
        "severity": "error",
        "message": item["message"],
    }
    assert item["message"].startswith("placeholder [CLIENT_NAME] is left unfilled")


def test_github_format_is_chosen_on_github_actions(failing_plan, capsys, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["check", str(failing_plan)]) == 1
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith(
        f"::error file={failing_plan},line=4,col=10,title=PB201 placeholder::placeholder [CLIENT_NAME]"
    )


def test_sarif_format_validates_against_the_official_schema(failing_plan, capsys):
    from jsonschema import Draft7Validator

    schema = json.loads(shared_path("schemas/sarif-schema-2.1.0.json").read_text())
    assert main(["check", "--format", "sarif", str(failing_plan)]) == 1
    document = json.loads(capsys.readouterr().out)
    Draft7Validator(schema).validate(document)
    (result,) = document["runs"][0]["results"]
    assert result["ruleId"] == "PB201"
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 4, "startColumn": 10}


def test_usage_errors_exit_2(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["check", "nope.md"]) == 2
    assert "no such file or folder: nope.md" in capsys.readouterr().err
    assert main(["check"]) == 2
    assert "no projects/ folder in" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "--format", "xml"])
    assert exit_info.value.code == 2


def test_an_unclosed_internal_marker_fails_the_check(tmp_path, sample_text):
    text = sample_text + "\n<!-- internal -->\nDay rate: 1,200\n"
    result = check_text(tmp_path, text)
    line = text.splitlines().index("<!-- internal -->") + 1
    assert [(f.code, f.line, f.column) for f in result.findings] == [("PB401", line, 1)]
    assert not result.ok


@pytest.mark.parametrize(
    ("value", "flagged"),
    [
        ("about 12 hours <!-- internal --> we bill 40 <!-- /internal -->", True),
        ("about 12 hours <!--internal: pricing--> we bill 40", True),  # a near miss opens a block in the notes
        ("about 12 hours <!-- a comment --> a week", False),
    ],
)
def test_an_internal_marker_in_a_field_fails_the_check(tmp_path, sample_text, value, flagged):
    """Only the notes have internal blocks: a field with a marker is published whole, so it is PB401."""
    old = 'time_savings: "about 12 hours a week of manual entry and reconciliation"'
    text = sample_text.replace(old, f'time_savings: "{value}"')
    result = check_text(tmp_path, text)
    line = text.splitlines().index(f'time_savings: "{value}"') + 1
    found = [(f.code, f.line, f.column) for f in result.findings if f.code == "PB401"]
    assert found == ([("PB401", line, 15)] if flagged else [])


def test_an_internal_marker_in_the_internal_fields_is_no_finding(tmp_path, sample_text):
    front, body = sample_text.split("\n---\n", 1)
    text = f'{front}\ninternal:\n  notes: "<!-- internal --> margin 12%"\n---\n{body}'
    assert [f.code for f in check_text(tmp_path, text).findings] == []


@pytest.mark.parametrize(
    ("notes", "target"),
    [
        ("See [the spec](spec.md).", "spec.md"),
        ("![diagram](img/flow.png)", "img/flow.png"),
        ("[spec]: ../docs/spec.md", "../docs/spec.md"),
    ],
)
def test_relative_links_in_notes_are_reported_where_they_stand(tmp_path, sample_text, notes, target):
    text = sample_text + "\n" + notes + "\n"
    result = check_text(tmp_path, text)
    line = text.splitlines().index(notes) + 1
    assert [(f.code, f.line, f.column) for f in result.findings] == [("PB108", line, notes.index(target) + 1)]


def test_absolute_links_anchors_and_code_are_not_relative_links(tmp_path, sample_text):
    notes = "[a](https://example.com/x) [b](#phase-1) [c](mailto:a@example.com) `[d](e.md)`\n\n```\n[f](g.md)\n```\n"
    assert check_text(tmp_path, sample_text + notes).findings == []


@pytest.mark.parametrize(
    ("notes", "message"),
    [
        ("word " * 14_000, "PB109 the notes are 70,"),
        ("[" * 2_001, "PB109 the notes hold 2,00"),
    ],
    ids=["size", "brackets"],
)
def test_notes_that_would_build_slowly_are_refused(tmp_path, sample_text, notes, message):
    result = check_text(tmp_path, sample_text + notes)
    assert [f"{f.code} {f.message}".startswith(message) for f in result.findings] == [True]


def test_brackets_in_code_blocks_do_not_count(tmp_path, sample_text):
    assert check_text(tmp_path, sample_text + "```\n" + "[" * 3_000 + "\n```\n").findings == []


def test_long_prose_values_are_bounded(tmp_path, sample_text):
    result = check_text(
        tmp_path,
        sample_text.replace('timeline: "10 weeks"', 'timeline: "10 weeks"\nx: 1', 1)
        .replace("x: 1\n", "", 1)
        .replace("summary: >-\n", "summary: >-\n  " + "_" * 5_000 + "\n", 1),
    )
    assert [f.code for f in result.findings] == ["PB105"]
    assert "is 5,2" in result.findings[0].message and "at most 4000 are allowed" in result.findings[0].message


def test_text_output_counts_errors_and_warnings_and_marks_the_warnings(tmp_path, sample_text, capsys):
    warned = sample_text.replace(
        "      order_to_invoice: true", "      order_to_invoice: true\n      tracking_sync: true"
    )
    (tmp_path / "NORTHWIND-001.md").write_text(warned, encoding="utf-8")
    (tmp_path / "B-1.md").write_text('---\nid: "B-1"\nname: a: b\n---\n', encoding="utf-8")
    (tmp_path / "C-1.md").write_text('---\nid: "C-1"\nname: [x\n---\n', encoding="utf-8")
    (tmp_path / "D-1.md").write_text(sample_text.replace('id: "NORTHWIND-001"', 'id: "D-1"'), encoding="utf-8")
    for plan_id in ("NORTHWIND-001", "D-1"):
        add_companions(tmp_path, plan_id)
    assert main(["check", str(tmp_path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "2 errors, 1 warning in 3 of 4 plans"
    (warning,) = [line for line in lines if "PB107" in line]
    assert ": PB107 warning: " in warning
    assert all(" warning:" not in line for line in lines if "PB006" in line)

    for name in ("B-1.md", "C-1.md"):
        (tmp_path / name).unlink()
    assert main(["check", str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "1 warning in 1 of 2 plans; all pass"
