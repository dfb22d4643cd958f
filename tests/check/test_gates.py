"""The gates and the schema on a phase's own tasks: an open one past its phase is a PB302 at its
`done`, a done one passes, and a malformed one is refused at its line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from planbook.check import check_result
from planbook.loader import Plan, load_plan

DISCOVERY_OWN_TASKS = """\
    own_tasks:
      - task: "Agree the Shopify Payments payout schedule with Northwind's bookkeeper"
        done: true
"""


def with_discovery_own_task(sample_text: str, item: str) -> str:
    """The sample with `item` (its lines indented under the list) after its own discovery task."""
    assert DISCOVERY_OWN_TASKS in sample_text
    indented = "".join(f"  {line}" for line in item.splitlines(keepends=True))
    return sample_text.replace(DISCOVERY_OWN_TASKS, DISCOVERY_OWN_TASKS + indented, 1)


def checked(tmp_path: Path, text: str):
    path = tmp_path / "NORTHWIND-001.md"
    path.write_text(text, encoding="utf-8")
    plan = load_plan(path)
    assert isinstance(plan, Plan), plan
    return check_result(plan)


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_an_open_own_task_of_a_phase_the_status_is_past_fails_at_its_done(tmp_path: Path, sample_text: str) -> None:
    item = '    - task: "Agree the refund policy | with finance"\n      done: false\n'
    text = with_discovery_own_task(sample_text, item)
    result = checked(tmp_path, text)
    assert not result.ok
    (finding,) = [f for f in result.findings if "refund policy" in f.message]
    assert finding.code == "PB302"
    assert (finding.line, finding.column) == (line_of(text, "done: false\n  development"), 15)
    assert finding.message == (
        'the status is development, but "Agree the refund policy | with finance" is not done; '
        "set `done: true` on it once it is, or set the status back to discovery"
    )
    assert str(finding).startswith(f"{tmp_path / 'NORTHWIND-001.md'}:{finding.line}:15: PB302 ")


def test_a_done_own_task_passes_the_gate(tmp_path: Path, sample_text: str) -> None:
    item = '    - task: "Agree the refund policy with finance"\n      done: true\n'
    result = checked(tmp_path, with_discovery_own_task(sample_text, item))
    assert result.ok, [str(f) for f in result.findings]


def test_own_tasks_of_the_phase_the_plan_is_in_are_not_gated(tmp_path: Path, sample_text: str) -> None:
    # NORTHWIND-001 is in development with its own development task open.
    assert "Configure Shopify webhooks for refunds" in sample_text
    assert checked(tmp_path, sample_text).ok


def test_an_empty_own_task_past_discovery_is_a_finding(tmp_path: Path, sample_text: str) -> None:
    item = '    - task: "TBD"\n      done: true\n'
    text = with_discovery_own_task(sample_text, item)
    result = checked(tmp_path, text)
    (finding,) = [f for f in result.findings if f.code == "PB301"]
    assert (finding.line, finding.column) == (line_of(text, '"TBD"'), 15)
    assert "`phases.discovery.own_tasks[1].task` is empty or TBD" in finding.message


@pytest.mark.parametrize(
    ("item", "line", "at", "words"),
    [
        ("    - done: false\n", "      - done: false", "done", "missing field `task`"),
        ('    - task: "Agree the refund policy"\n      done: "no"\n', '        done: "no"', '"no"', "true or false"),
        ('    - task: "Agree the refund policy"\n      done: 1\n', "        done: 1", "1", "true or false"),
        ('    - task: ""\n      done: false\n', '      - task: ""', '""', "non-empty"),
        (
            '    - task: "Agree"\n      done: false\n      owner: "P"\n',
            '        owner: "P"',
            "owner",
            "unknown field `owner`",
        ),
    ],
    ids=["no task", "done as text", "done as a number", "empty task", "unknown key"],
)
def test_a_malformed_own_task_is_refused_at_its_line_and_column(
    tmp_path: Path, sample_text: str, item: str, line: str, at: str, words: str
) -> None:
    text = with_discovery_own_task(sample_text.replace("status: development", "status: discovery"), item)
    result = checked(tmp_path, text)
    assert not result.ok
    (finding,) = [f for f in result.findings if f.code.startswith("PB1")]
    assert (finding.line, finding.column) == (line_of(text, line + "\n"), line.index(at) + 1), str(finding)
    assert words in finding.message, str(finding)
    assert "phases.discovery.own_tasks[1]" in finding.message, str(finding)
    assert str(finding).startswith(f"{tmp_path / 'NORTHWIND-001.md'}:{finding.line}:{finding.column}: PB1")
