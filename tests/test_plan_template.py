"""The repository's template (`template/`): read and checked, with errors at `file:line:col`, and the
default shipped with planbook the same files this repository uses."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from planbook import plan_template, schema
from planbook.cli import main
from planbook.plan_template import TEMPLATE_FILES, TemplateError, load_template

from conftest import ROOT


def test_this_repositorys_template_is_the_default_as_shipped() -> None:
    """Two copies: the sample portfolio's own `template/` and the default `planbook init` installs."""
    for name in TEMPLATE_FILES:
        own = (ROOT / "template" / name).read_bytes()
        assert own == (ROOT / "planbook" / "default_template" / name).read_bytes(), name


@pytest.fixture
def template_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "template"
    shutil.copytree(ROOT / "planbook" / "default_template", folder)
    return folder


def _edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "where", "says"),
    [
        ("version: 1", "version: one", "template/template.yml:6:", "whole number"),
        ("version: 1", "version: 0", "template/template.yml:6:", "whole number"),
        ("  client: client", "  client: customer", "template/template.yml:13:", "no field in plan.schema.json"),
        ("  client: client", "  client: [client]", "template/template.yml:13:", "must name a field"),
        ("  phase_tasks: tasks", "  phase_tasks: phases.tasks", "template/template.yml:", "not a dotted path"),
        ("  client: client", "  client: client\n  client: name", "template/template.yml:14:", "duplicate key"),
        ("  client: client", "  client: !!python/name:os.system client", "template/template.yml:13:", ""),
        (
            "  id: id\n  title: name",
            "  id: &x id\n  title: *x",
            "template/template.yml:11:",
            "anchor (`&name`) is not allowed",
        ),
        ("migrations: []", "migrations: {}", "template/template.yml:", "list of mappings"),
        ("statuses:", "statuses:\n  later: paused", "template/template.yml:", "no member `later`"),
    ],
)
def test_a_broken_template_yml_is_an_error_at_its_line(template_dir: Path, old, new, where, says) -> None:
    _edit(template_dir, "template.yml", old, new)
    with pytest.raises(TemplateError) as caught:
        load_template(template_dir)
    assert str(caught.value).startswith(where), caught.value
    assert says in str(caught.value)


def test_invalid_json_in_the_fields_is_an_error_at_its_line(template_dir: Path) -> None:
    (template_dir / "plan.schema.json").write_text('{\n  "type": "object",\n  oops\n}\n', encoding="utf-8")
    with pytest.raises(TemplateError, match=r"^template/plan.schema.json:3:3: invalid JSON"):
        load_template(template_dir)


@pytest.mark.parametrize("name", TEMPLATE_FILES)
def test_a_missing_or_binary_file_is_an_error_naming_it(template_dir: Path, name: str) -> None:
    (template_dir / name).write_bytes(b"\xff\xfe\x00")
    with pytest.raises(TemplateError, match=rf"^template/{name}:1:1: not UTF-8"):
        load_template(template_dir)
    (template_dir / name).unlink()
    with pytest.raises(TemplateError, match=rf"^template/{name}:1:1: cannot be read"):
        load_template(template_dir)


def test_the_command_line_says_what_is_wrong_with_the_template(git_repo, capsys, monkeypatch) -> None:
    shutil.copytree(ROOT / "planbook" / "default_template", git_repo.path / "template")
    _edit(git_repo.path / "template", "template.yml", "  status: status", "  status: state")
    (git_repo.path / "projects").mkdir()
    monkeypatch.chdir(git_repo.path)
    assert main(["check"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("planbook: error: template/template.yml:") and "`roles.status` names `state`" in err
    assert "Traceback" not in err


def test_a_renamed_field_is_an_edit_to_the_template_alone(git_repo, capsys, monkeypatch) -> None:
    """`client` becomes `customer` in the fields and the role: check, the portfolio's facts and the
    audience's names follow, with no line of planbook changed."""
    folder = git_repo.path / "template"
    shutil.copytree(ROOT / "planbook" / "default_template", folder)
    _edit(folder, "plan.schema.json", '"client",', '"customer",')
    _edit(folder, "plan.schema.json", '"client": {', '"customer": {')
    _edit(folder, "template.yml", "  client: client", "  client: customer")
    (folder / "plan.md.j2").write_text(
        (folder / "plan.md.j2").read_text(encoding="utf-8").replace("plan.client", "plan.customer"), encoding="utf-8"
    )
    sample = (ROOT / "projects" / "NORTHWIND-001.md").read_text(encoding="utf-8")
    git_repo.write("projects/NORTHWIND-001.md", sample.replace("\nclient:", "\ncustomer:", 1))
    monkeypatch.chdir(git_repo.path)
    assert main(["check", "projects"]) == 0, capsys.readouterr()
    assert plan_template.roles().client == "customer"
    assert ("customer",) in schema.field_by_path() and ("client",) not in schema.field_by_path()
    assert main(["status", "--format", "csv"]) == 0
    assert "Northwind Outfitters Ltd." in capsys.readouterr().out


def test_help_and_version_work_beside_a_broken_template(git_repo, capsys, monkeypatch) -> None:
    shutil.copytree(ROOT / "planbook" / "default_template", git_repo.path / "template")
    _edit(git_repo.path / "template", "template.yml", "version: 1", "version: true")
    monkeypatch.chdir(git_repo.path)
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    with pytest.raises(SystemExit) as exited:
        main(["new", "--help"])
    assert exited.value.code == 0 and "integration types" in capsys.readouterr().out
    assert main(["new", "ACME-1"]) == 2
    assert "template/template.yml:6:1: `version` must be a whole number" in capsys.readouterr().err


def test_new_takes_the_templates_integration_types(git_repo, capsys, monkeypatch) -> None:
    monkeypatch.chdir(git_repo.path)
    assert main(["new", "ACME-1", "--type", "payroll"]) == 2
    assert "'payroll' is not an integration type of the template; choose from accounting" in capsys.readouterr().err
    assert not (git_repo.path / "projects" / "ACME-1.md").exists()
    assert main(["new", "ACME-1", "--type", "marketing"]) == 0
