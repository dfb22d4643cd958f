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
from test_upgrade import repo  # noqa: F401  (the fixture: the samples under a version-2 template)

from planbook.cli import main
from planbook.plan_template import TemplateError, load_template
from planbook.upgrade import read_migrations, upgrade_plans, write_upgrades

from conftest import ROOT, GitRepo


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
    assert _error(template_dir).startswith("template/template.yml:68:1: no setting `migration`; the settings are")


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("agreed_from: development", "agreed_from: nonsense", "template/template.yml:60:3: `statuses.agreed_from`"),
        ("first: draft", "first: on-hold", "template/template.yml:58:3: `statuses.first` is `on-hold`"),
        ("cancelled: cancelled", "cancelled: abandoned", "template/template.yml:63:3: `statuses.cancelled`"),
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


# -- planbook upgrade and PB112, on the samples under test_upgrade's version-2 template --------------------

NORTHWIND = Path("projects") / "NORTHWIND-001.md"


def _set_version(repo: GitRepo, value: str) -> None:
    path = repo.path / NORTHWIND
    path.write_text(
        path.read_text(encoding="utf-8").replace("template_version: 1\n", f"template_version: {value}\n"),
        encoding="utf-8",
    )


def test_a_plan_ahead_of_the_template_is_named_by_check_and_left_by_upgrade(repo: GitRepo, capsys) -> None:
    """check said nothing of `template_version: 99` while upgrade refused it; and -1 or 0 got PB112's
    `run planbook upgrade`, which then refused them as no version."""
    _set_version(repo, "99")
    main(["check", str(NORTHWIND)])
    out = capsys.readouterr().out
    assert "PB112 warning: the plan follows template version 99, and the template is at version 2: is this" in out
    assert main(["upgrade", "NORTHWIND-001"]) == 1
    assert "newer than the template's 2" in capsys.readouterr().err
    for value in ("0", "-1"):
        _set_version(repo, "99")  # back to a line to replace
        (repo.path / NORTHWIND).write_text(
            (repo.path / NORTHWIND).read_text(encoding="utf-8").replace("version: 99\n", f"version: {value}\n"),
            encoding="utf-8",
        )
        main(["check", str(NORTHWIND)])
        out = capsys.readouterr().out
        assert "PB105" in out and "PB112" not in out, out


def test_a_whole_number_written_2_0_is_the_version_for_check_and_upgrade_alike(repo: GitRepo, capsys) -> None:
    """The schema takes 2.0 for an integer; upgrade refused it as no version, and check warned of nothing."""
    _set_version(repo, "1.0")
    main(["check", str(NORTHWIND)])
    assert "PB112 warning: the plan follows template version 1," in capsys.readouterr().out
    assert main(["upgrade", "NORTHWIND-001"]) == 0
    assert "template_version: 2\n" in (repo.path / NORTHWIND).read_text(encoding="utf-8")


@pytest.mark.parametrize("front_breaks", [0, 5, 10_000])
def test_the_notes_keep_their_own_line_breaks_byte_for_byte(repo: GitRepo, front_breaks: int) -> None:
    """A file with some CRLF lines had every line of its notes turned to CRLF, and lone CRs to CRLF too."""
    path = repo.path / NORTHWIND
    head, notes = path.read_text(encoding="utf-8").split("\n---\n", 1)
    notes = notes.replace("\n", "\r", 3)  # lone CRs, as an old Mac editor leaves them
    path.write_bytes((head.replace("\n", "\r\n", front_breaks) + "\n---\n" + notes).encode("utf-8"))
    assert main(["upgrade", "NORTHWIND-001"]) == 0
    after = path.read_bytes()
    closing = after.index(b"\n---\n")
    assert after[closing:].startswith(("\n---\n" + notes).encode("utf-8"))  # the notes as they were, then
    assert b"## Values dropped by template version 2" in after[closing + len(notes) :]  # the dropped value
    front = after[: after.index(b"\n---\n")]
    if front_breaks:
        assert front.replace(b"\r\n", b"").count(b"\n") == 0  # the front matter takes the file's CRLF
    else:
        assert b"\r" not in front


def test_a_plan_changed_after_it_was_read_is_not_written_over(repo: GitRepo) -> None:
    path = repo.path / NORTHWIND
    upgrades = upgrade_plans([path], read_migrations())
    assert upgrades[0].changed
    path.write_text(path.read_text(encoding="utf-8") + "\nA line the author added meanwhile.\n", encoding="utf-8")
    edited = path.read_bytes()
    problems = write_upgrades(upgrades)
    assert problems == [f"{NORTHWIND}:1:1: the plan changed since it was read; upgrade again"]
    assert path.read_bytes() == edited
