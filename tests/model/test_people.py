"""People: every field that names a person is found through the schema, one person per name however it
is written, placeholders and empty values name nobody, a role is active while its plan and its phase
are, and a person is overloaded exactly when their active roles exceed the limit."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from planbook import plan_template, schema
from planbook.loader import Plan, load_plan
from planbook.model.people import (
    DEFAULT_MAX_ACTIVE_ROLES,
    Person,
    active_statuses,
    is_active,
    max_active_roles,
    people_of,
    person_fields,
    plan_roles,
)

from conftest import PROJECTS


def sample_data() -> dict[str, Any]:
    plan = load_plan(PROJECTS / "NORTHWIND-001.md")
    assert isinstance(plan, Plan)
    return copy.deepcopy(plan.data)


def nobody(data: dict[str, Any]) -> dict[str, Any]:
    """`data` with every person field emptied, so a test names only the people it means to."""
    for field in person_fields():
        node = data
        for part in field.path[:-1]:
            node = node[part]
        node[field.path[-1]] = ""
    return data


def the_person(people: list[Person], name: str) -> Person:
    found = [person for person in people if person.name == name]
    assert len(found) == 1, [person.name for person in people]
    return found[0]


# -- the schema ---------------------------------------------------------------------------------


def test_the_schema_marks_the_lead_every_team_role_and_every_phase_owner() -> None:
    fields = schema.field_by_path()
    expected = {("lead",)}
    expected |= {path for path in fields if len(path) == 2 and path[0] == "team"}
    expected |= {path for path in fields if len(path) == 3 and path[0] == "phases" and path[2] == "owner"}
    assert {field.path for field in person_fields()} == expected
    assert all(fields[field.path].type == "string" for field in person_fields())


def test_each_roles_label_agrees_with_the_phase_title_and_the_templates_team_table() -> None:
    template = plan_template.active().markdown
    team_table = set(re.findall(r"^\| \*\*(.+?)\*\* \| \{\{ plan\.value\(\"team\"", template, re.M))
    for field in person_fields():
        if field.phase is not None:
            assert field.role == "owner: " + schema.phase_title(field.phase).split(": ", 1)[1]
        elif field.path[0] == "team":
            assert field.role.removeprefix("team: ") in team_table, field.role
        else:
            assert field.role == field.path[-1]


# -- who is a person ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "priya raman",
        "  PRIYA   RAMAN  ",
        "Priya\tRaman",
        "Priya\u00a0Raman",  # a no-break space
        "Pri\u200bya Raman",  # a zero-width space
        "Ｐｒｉｙａ Raman",  # fullwidth letters
        "Pri\x1bya Raman",  # a control character, which the page shows as U+FFFD
    ],
)
def test_names_written_differently_are_one_person_shown_as_first_written(written: str) -> None:
    first, second = nobody(sample_data()), nobody(sample_data())
    first["lead"] = "Priya Raman"
    second["team"]["qa"] = written
    people = people_of([("A-1", first), ("B-2", second)], max_active_roles=3)
    assert [person.name for person in people] == ["Priya Raman"]
    assert [(role.plan_id, role.role) for role in people[0].roles] == [("A-1", "lead"), ("B-2", "team: QA")]


def test_an_accent_typed_as_a_separate_mark_is_the_same_letter() -> None:
    first, second = nobody(sample_data()), nobody(sample_data())
    first["lead"] = "Tom\u00e1s Ortega"  # á as one character
    second["lead"] = "Toma\u0301s Ortega"  # a, then a combining acute accent
    assert [person.name for person in people_of([("A-1", first), ("B-2", second)], max_active_roles=3)] == [
        "Tom\u00e1s Ortega"
    ]


def test_different_names_are_different_people() -> None:
    data = nobody(sample_data())
    data["lead"], data["team"]["pm"], data["team"]["qa"] = "Ann Lee", "Anne Lee", "Ann  Leigh"
    assert len(people_of([("A-1", data)], max_active_roles=3)) == 3


@pytest.mark.parametrize(
    "value",
    ["[LEAD_ENGINEER]", " [PM_NAME] ", "[PHASE_1_OWNER]", ["LEAD_NAME"], "", "   ", "\u200b", "TBD", "tbc", "—"],
)
def test_placeholders_and_empty_values_name_nobody(value: object) -> None:
    data = nobody(sample_data())
    data["lead"] = data["team"]["pm"] = data["phases"]["testing"]["owner"] = value
    assert people_of([("A-1", data)], max_active_roles=3) == []


@pytest.mark.parametrize(
    "draft",
    [
        {},
        {"lead": 42, "team": "everyone", "phases": ["discovery"]},
        {"lead": ["Ann", "Bob"], "team": {"pm": {"name": "Ann"}, "qa": None}, "phases": {"testing": None}},
        {"lead": True, "team": [], "phases": {"testing": {"owner": 3.5}}, "status": ["development"]},
    ],
)
def test_a_draft_holding_wrong_types_names_nobody_and_raises_nothing(draft: dict[str, Any]) -> None:
    assert plan_roles("X-1", draft) == []
    assert people_of([("X-1", draft)], max_active_roles=3) == []


# -- active roles -------------------------------------------------------------------------------


def test_a_plan_is_active_from_discovery_to_support() -> None:
    assert active_statuses() == ("discovery", "development", "testing", "deployment", "support")


@pytest.mark.parametrize("status", schema.STATUSES)
@pytest.mark.parametrize("phase", [None, *schema.PHASES])
def test_a_role_is_active_while_its_plan_is_and_its_phase_is_not_behind(status: str, phase: str | None) -> None:
    lifecycle = list(schema.LIFECYCLE)
    plan_active = status in ("discovery", "development", "testing", "deployment", "support")
    phase_ahead = phase is None or lifecycle.index(phase) >= lifecycle.index(status) if plan_active else False
    assert is_active(status, phase) == (plan_active and phase_ahead)


def test_the_owner_of_a_phase_the_plan_has_left_is_no_longer_busy_with_it() -> None:
    data = nobody(sample_data())  # in development
    for phase in schema.PHASES:
        if "owner" in data["phases"][phase]:
            data["phases"][phase]["owner"] = "Ann Lee"
    ann = people_of([("A-1", data)], max_active_roles=3)[0]
    assert [(role.role, role.active) for role in ann.roles] == [
        ("owner: Development", True),
        ("owner: Testing", True),
        ("owner: Deployment", True),
        ("owner: Discovery & Design", False),  # active roles first
    ]


# -- overloaded ---------------------------------------------------------------------------------

#: The person fields of a plan in development whose role is active and counts on its own: every one but
#: Discovery's owner, and the plan's `lead`, which is one job with a role in its team.
ACTIVE_FIELDS = [("team", "pm"), ("team", "lead"), ("team", "developer"), ("team", "qa")]
ACTIVE_FIELDS += [("phases", phase, "owner") for phase in ("development", "testing", "deployment")]


def holding(active: int, inactive: int = 0) -> list[tuple[str, dict[str, Any]]]:
    """Plans in which Ann Lee holds `active` active roles and `inactive` roles that are not."""
    plans = []
    for index in range(max(1, -(-active // len(ACTIVE_FIELDS)), inactive)):
        data = nobody(sample_data())
        for path in ACTIVE_FIELDS[: max(0, min(len(ACTIVE_FIELDS), active - index * len(ACTIVE_FIELDS)))]:
            node = data
            for part in path[:-1]:
                node = node[part]
            node[path[-1]] = "Ann Lee"
        if index < inactive:
            data["phases"]["discovery"]["owner"] = "Ann Lee"
        plans.append((f"P-{index}", data))
    return plans


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 8])
@pytest.mark.parametrize("active", [1, 2, 3, 4, 6, 9, 17])
def test_overloaded_exactly_when_active_roles_exceed_the_limit(active: int, limit: int) -> None:
    ann = the_person(people_of(holding(active, inactive=4), max_active_roles=limit), "Ann Lee")
    assert (ann.active_roles, len(ann.roles)) == (active, active + 4)
    assert ann.overloaded == (active > limit)


def test_leading_a_plan_and_holding_a_role_in_its_team_is_one_job() -> None:
    data = nobody(sample_data())
    data["lead"] = data["team"]["lead"] = "Ann Lee"
    ann = the_person(people_of([("A-1", data)], max_active_roles=1), "Ann Lee")
    assert len(ann.roles) == 2 and ann.active_roles == 1 and not ann.overloaded
    data["team"]["qa"] = "Ann Lee"
    ann = the_person(people_of([("A-1", data)], max_active_roles=1), "Ann Lee")
    assert ann.active_roles == 2 and ann.overloaded
    lead_only = nobody(sample_data())
    lead_only["lead"] = "Ann Lee"
    assert the_person(people_of([("A-1", lead_only)], max_active_roles=1), "Ann Lee").active_roles == 1


def test_roles_that_are_not_active_never_overload() -> None:
    ann = the_person(people_of(holding(1, inactive=10), max_active_roles=1), "Ann Lee")
    assert ann.active_roles == 1 and not ann.overloaded


@pytest.mark.parametrize("good", [1, 2, DEFAULT_MAX_ACTIVE_ROLES, 1000])
def test_the_limit_accepts_a_whole_number_of_at_least_one(good: int) -> None:
    assert max_active_roles(good) == good


@pytest.mark.parametrize("bad", [0, -3, True, False, "3", 3.0, 2.5, None, [3], {"n": 3}, "x" * 10_000])
def test_the_limit_refuses_anything_else_saying_what_it_got(bad: object) -> None:
    with pytest.raises(ValueError, match="must be a whole number of at least 1") as refused:
        max_active_roles(bad)
    assert len(str(refused.value)) < 200 and "\n" not in str(refused.value)
