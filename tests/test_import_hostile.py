"""`planbook import` against documents and command lines written to hurt: each test is a defect found by
attacking the command, and fails without its fix."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from planbook.cli import main
from planbook.importer import import_document, plan_text
from planbook.loader import Plan, load_plan

from conftest import GitRepo

SEED_LISTS = "# IMPLEMENTATION PLAN\n\n**Project ID**: {id}\n\n## 9. OPEN ITEMS\n\n### Open Questions\n- {word}\n"


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def project(git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(git_repo.path)
    (git_repo.path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    return git_repo.path


@pytest.mark.parametrize("word", ["yes", "no", "on", "Off", "true", "null", "Null", "accounting"])
def test_a_list_item_yaml_would_read_as_a_boolean_or_nothing_is_written_quoted(word: str) -> None:
    """A list of words was written unquoted on one line, `questions: [yes]`, which YAML reads as
    `[true]`: the plan did not read back, and the import ended in a traceback."""
    plan_id, imported = import_document(SEED_LISTS.format(id="Q-1", word=word))
    assert imported.data["open_items"]["questions"] == [word]
    text = plan_text(imported.data, imported.notes, plan_id=plan_id, source="x.md", path="")
    written = load_plan("Q-1.md", text=text)
    assert isinstance(written, Plan) and written.data["open_items"]["questions"] == [word]
