"""Review of issue 14 (the template belongs to the repository): what a careless or hostile template editor
or plan author can do to `template/` and to `planbook upgrade`, each a clear error or a safe result."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from planbook.plan_template import TemplateError, load_template

from conftest import ROOT


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


def _error(folder: Path) -> str:
    with pytest.raises(TemplateError) as caught:
        load_template(folder)
    return str(caught.value)


def test_a_broken_template_is_one_line_and_exit_2_from_a_fresh_process(tmp_path: Path) -> None:
    """`planbook check` as pre-commit and CI run it: a new process, whose first import of the engine read
    the template (the import system asks `planbook.schema` for `__path__`) and died in a traceback."""
    project = tmp_path / "project"
    (project / "projects").mkdir(parents=True)
    shutil.copy(ROOT / "projects" / "NORTHWIND-001.md", project / "projects")
    shutil.copytree(ROOT / "planbook" / "default_template", project / "template")
    _edit(project / "template", "template.yml", "version: 1", "version: true")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for command in (["check"], ["upgrade"], ["render", "NORTHWIND-001"]):
        done = subprocess.run(
            [sys.executable, "-m", "planbook.cli", *command], cwd=project, env=env, capture_output=True, text=True
        )
        assert done.returncode == 2, done.stderr
        assert (
            done.stderr == "planbook: error: template/template.yml:6:1: `version` must be a whole number, 1 or more\n"
        )


def test_deep_nesting_in_template_yml_is_refused_before_the_recursive_composer(template_dir: Path) -> None:
    (template_dir / "template.yml").write_text("version: 1\nx: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    assert _error(template_dir).startswith("template/template.yml:2:")  # was a RecursionError


def test_a_duplicate_key_names_the_first_ones_line_as_the_file_counts_it(template_dir: Path) -> None:
    _edit(template_dir, "template.yml", "version: 1\n", "version: 1\nversion: 2\n")
    assert _error(template_dir) == (
        "template/template.yml:7:1: duplicate key `version` (first at line 6); YAML would silently keep only the last"
    )


def test_an_unknown_setting_is_an_error_not_silently_ignored(template_dir: Path) -> None:
    """A typo of `migrations` would drop every migration without a word."""
    _edit(template_dir, "template.yml", "migrations: []", "migrations: []\nmigration:\n  - to: 2")
    assert _error(template_dir).startswith("template/template.yml:61:1: no setting `migration`; the settings are")


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("agreed_from: development", "agreed_from: nonsense", "template/template.yml:53:3: `statuses.agreed_from`"),
        ("first: draft", "first: on-hold", "template/template.yml:51:3: `statuses.first` is `on-hold`"),
        ("cancelled: cancelled", "cancelled: abandoned", "template/template.yml:56:3: `statuses.cancelled`"),
    ],
)
def test_statuses_must_be_the_status_fields_own(template_dir: Path, old: str, new: str, where: str) -> None:
    """`agreed_from: nonsense` was accepted, and the first command that worked out a baseline raised
    ValueError from `LIFECYCLE.index`."""
    _edit(template_dir, "template.yml", old, new)
    assert _error(template_dir).startswith(where)


def _fields(folder: Path, change) -> None:  # type: ignore[no-untyped-def]
    path = folder / "plan.schema.json"
    fields = json.loads(path.read_text(encoding="utf-8"))
    change(fields)
    path.write_text(json.dumps(fields, indent=2), encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda f: f["properties"]["status"].pop("enum"), "the `status` field must list its statuses in `enum`"),
        (lambda f: f["properties"]["types"]["items"].pop("enum"), "the `types` field's `items` must list"),
        (lambda f: f["properties"]["id"].pop("pattern"), "the `id` field needs a `pattern`"),
        (lambda f: f["definitions"]["duration"].pop("pattern"), "the `duration` field needs a `pattern`"),
        (lambda f: f["properties"]["id"].update(pattern="(["), "not a valid JSON Schema at `properties/id/pattern`"),
        (lambda f: f["properties"]["client"].update(type="strin"), "at `properties/client/type`"),
    ],
)
def test_fields_planbook_reads_are_checked_with_the_template(template_dir: Path, change, says: str) -> None:  # type: ignore[no-untyped-def]
    """Each was a KeyError or re.error traceback from the first command that read the field."""
    _fields(template_dir, change)
    error = _error(template_dir)
    assert error.startswith("template/plan.schema.json:") and says in error, error
    line, column = (int(part) for part in error.split(":")[1:3])
    assert line > 1 and column > 1  # at the field, not the file's start
