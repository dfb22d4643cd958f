"""Tasks: a phase's own tasks count in its progress and in the plan's, an open one is named by its
place in the list, and the checklists follow the active template."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from planbook import plan_template, schema
from planbook.loader import Plan, load_plan
from planbook.model import open_tasks, overall_progress, own_tasks, progress_of, task_lists

from conftest import PROJECTS

DEVELOPMENT = ("phases", "development", "tasks")


def northwind() -> dict[str, Any]:
    plan = load_plan(PROJECTS / "NORTHWIND-001.md")
    assert isinstance(plan, Plan), plan
    return copy.deepcopy(plan.data)


def without_own_tasks(data: dict[str, Any]) -> dict[str, Any]:
    for phase in data["phases"].values():
        phase.pop("own_tasks", None)
    return data


def test_the_task_lists_are_the_phases_in_the_templates_names() -> None:
    roles = plan_template.roles()
    assert task_lists() == tuple((roles.phases, phase, roles.phase_tasks) for phase in schema.PHASES)


def test_own_tasks_count_in_the_phases_progress_and_the_plans() -> None:
    data = without_own_tasks(northwind())
    done, total = progress_of(data, DEVELOPMENT)
    plan_done, plan_total = overall_progress(data)
    data["phases"]["development"]["own_tasks"] = [
        {"task": "Configure Shopify webhooks for refunds", "done": False},
        {"task": "Load last year's refunds", "done": True},
    ]
    assert progress_of(data, DEVELOPMENT) == (done + 1, total + 2)
    assert overall_progress(data) == (plan_done + 1, plan_total + 2)


def test_an_empty_list_of_own_tasks_changes_nothing() -> None:
    data = without_own_tasks(northwind())
    before = progress_of(data, DEVELOPMENT)
    data["phases"]["development"]["own_tasks"] = []
    assert progress_of(data, DEVELOPMENT) == before


def test_an_open_own_task_is_named_by_its_done_flag_and_follows_the_templates() -> None:
    data = northwind()
    data["phases"]["development"]["own_tasks"] = [
        {"task": "Done already", "done": True},
        {"task": "Configure  Shopify\nwebhooks", "done": False},
    ]
    found = open_tasks(data, DEVELOPMENT)
    assert [task.own for task in found] == [False] * (len(found) - 1) + [True]
    last = found[-1]
    assert last.path == ("phases", "development", "own_tasks", 1, "done")
    assert (last.flag, last.label) == ("done", "Configure Shopify webhooks")  # on one line


@pytest.mark.parametrize(
    "listed",
    ["not a list", 7, [None, "text", 3], [{"task": 5, "done": "yes"}], {"task": "a mapping", "done": True}],
)
def test_a_drafts_own_tasks_of_any_shape_count_without_a_traceback(listed: Any) -> None:
    data = northwind()
    data["phases"]["development"]["own_tasks"] = listed
    done, total = progress_of(data, DEVELOPMENT)
    assert 0 <= done <= total
    assert all(not task.done for task in own_tasks(data, DEVELOPMENT))


def test_a_checklist_outside_the_phases_has_no_own_tasks() -> None:
    data = northwind()
    data["own_tasks"] = [{"task": "Not in a phase", "done": False}]
    assert own_tasks(data, ("api_access",)) == []
