"""Drift tests: the scaffold, the schema and the template agree, and `status` shows every plan."""

from __future__ import annotations

import re

import pytest

from planbook import plan_template, schema
from planbook.cli import main
from planbook.loader import Plan, load_plan
from planbook.scaffold import scaffold

from conftest import PROJECTS, shared_path


def test_every_template_placeholder_has_a_field():
    seed = shared_path("seed/implementation-plan.template.md").read_text()
    names = {re.sub(r"_\d+$", "_n", name) for name in re.findall(r"\[([A-Z][A-Z0-9_]+)\]", seed)}
    assert len(set(re.findall(r"\[([A-Z][A-Z0-9_]+)\]", seed))) == 59
    mapped = set(schema.placeholder_fields())
    # PROJECT_ID is also used in the reference links, which derive from `id`.
    assert names == mapped


@pytest.mark.parametrize("options", [{}, {"types": ["accounting", "marketing", "fulfillment"], "migration": True}])
def test_scaffold_has_every_schema_field(tmp_path, options):
    text = scaffold("ACME-1", **options)
    plan = load_plan(tmp_path / "ACME-1.md", text=text)
    assert isinstance(plan, Plan)
    top = schema.plan_schema()["properties"]
    for field in schema.iter_fields():
        if field.path == (plan_template.roles().template_version,):  # a new plan follows the template as it is
            assert plan.data[field.path[0]] == plan_template.active().version
            continue
        if top[field.path[0]].get("x-optional") and field.path[0] != "migration":
            assert re.search(rf"^# {re.escape(field.path[0])}:", text, re.M), field.dotted
            continue
        if field.path[0] == "migration" and not options.get("migration"):
            continue  # the whole section is one comment line
        # inside a section: shown, commented out, with what is inside it (an own task's fields)
        optional = next(
            (
                end
                for end in range(2, len(field.path) + 1)
                if schema.field_by_path().get(field.path[:end], field).spec.get("x-optional")
            ),
            None,
        )
        if optional is not None:
            assert re.search(rf"^ +# {re.escape(str(field.path[optional - 1]))}:", text, re.M), field.dotted
            continue
        node = plan.data
        for part in field.path:
            node = node[0] if part == schema.ITEM else node.get(part) if isinstance(node, dict) else None
            if node is None:
                break
        if field.spec.get("x-requires-type") and not options:
            continue
        assert node is not None or field.spec.get("x-requires-type"), field.dotted


def test_scaffold_of_all_types_lists_every_development_task(tmp_path):
    text = scaffold("ACME-1", types=["accounting", "marketing", "fulfillment"])
    plan = load_plan(tmp_path / "ACME-1.md", text=text)
    tasks = plan.data["phases"]["development"]["tasks"]
    assert list(tasks) == list(schema.task_specs(("phases", "development", "tasks")))


def test_status_lists_every_plan(capsys, monkeypatch):
    monkeypatch.chdir(PROJECTS.parent)
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    for plan_id, client, status in [
        ("NORTHWIND-001", "Northwind Outfitters Ltd.", "development"),
        ("BRIGHTLEAF-014", "Brightleaf Learning", "testing"),
        ("CASCADE-007", "Cascade Coffee Roasters", "deployment"),
    ]:
        row = next(line for line in out.splitlines() if plan_id in line)
        assert client in row and status in row and "100%" in row


def test_status_marks_invalid_plans(tmp_path, capsys):
    (tmp_path / "BAD-1.md").write_text("---\nid: [\n---\n")
    assert main(["status", str(tmp_path)]) == 1
    assert "invalid" in capsys.readouterr().out


def test_a_scaffold_without_types_has_only_its_placeholders_to_fill(tmp_path):
    """No `types` listed twice (PB105), and no task of another type (PB107) before a type is named."""
    from planbook.check import check_result

    text = scaffold("ACME-1")
    plan = load_plan(tmp_path / "ACME-1.md", text=text)
    assert isinstance(plan, Plan)
    assert plan.data["types"] == ["[INTEGRATION_TYPE]"]
    assert {finding.code for finding in check_result(plan).findings} == {"PB201"}


@pytest.mark.parametrize("kind", ["accounting", "marketing", "fulfillment"])
def test_a_scaffold_of_one_type_holds_only_that_types_tasks(tmp_path, kind):
    from planbook.check import check_result

    plan = load_plan(tmp_path / "ACME-1.md", text=scaffold("ACME-1", types=[kind]))
    assert isinstance(plan, Plan)
    specs = schema.task_specs(("phases", "development", "tasks"))
    needs = {specs[key].get("x-requires-type") for key in plan.data["phases"]["development"]["tasks"]}
    assert needs == {None, kind}
    assert {finding.code for finding in check_result(plan).findings} == {"PB201"}
