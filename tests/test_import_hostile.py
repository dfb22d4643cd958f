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


@pytest.mark.parametrize("name", ["x\nclient: evil\n#/X-1.md", "x\ry/X-1.md", "x\u2028y/X-1.md"])
def test_an_output_path_that_breaks_lines_stays_in_the_header_comment(project: Path, name: str) -> None:
    """The path written into the header's comment was not escaped: a line break in `-o` started a line
    of YAML (`client: evil`), the plan did not read back, and import ended in a traceback."""
    (project / "x.md").write_text("**Project ID**: X-1\n**Client**: Acme\n", encoding="utf-8")
    (project / name).parent.mkdir()  # a folder of that name: the file itself is named after the ID
    code, _, err = run("import", "x.md", "-o", name)
    assert code == 0, err
    plan = load_plan(project / name)
    assert isinstance(plan, Plan) and plan.data["client"] == "Acme"


@pytest.mark.parametrize("output", [[], ["-o", "-"]])
def test_a_document_that_would_make_a_plan_past_a_plan_files_limits_is_refused_with_why(
    project: Path, output: list[str]
) -> None:
    """A document under 1 MB whose plan file would pass 1 MB (the header and front matter added to a
    1 MB paragraph) ended in a WriteError traceback; now the document is refused, saying why."""
    document = project / "long.md"
    document.write_text("**Project ID**: LONG-1\n\n" + "word " * (1024 * 1024 // 5 - 100) + "\n", encoding="utf-8")
    code, out, err = run("import", "long.md", *output)
    assert code == 1
    assert "long.md:1: would make a plan file planbook cannot load (the file is " in err
    assert err.rstrip().endswith("a plan may be at most 1,048,576); nothing was written")
    assert "---" not in out and not (project / "projects").exists()


def test_the_plan_on_standard_output_drives_no_terminal(project: Path) -> None:
    """`-o -` wrote the notes as the document had them: an escape sequence or a bidi override in a
    stray paragraph reached the terminal raw. It now goes through the escaping `render` uses."""
    (project / "t.md").write_text("**Project ID**: T-1\n\nhello \x1b]0;owned\x07 \u202eevil\x9b2J\n", encoding="utf-8")
    code, out, _ = run("import", "t.md", "-o", "-")
    assert code == 0
    assert all(c.isprintable() for c in out.replace("\n", ""))
    assert "hello \\x1b]0;owned\\x07 \\u202eevil\\x9b2J" in out


def test_a_plan_file_not_named_after_its_id_and_an_empty_id_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """check matches a plan's ID to its file name (PB106): a file named otherwise would fail it, so
    import does not write it; an empty --id is a slip, not "read it from the document"."""
    monkeypatch.chdir(tmp_path)
    document = tmp_path / "lnk.md"
    document.write_text("**Project ID**: LNK-1\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["import", str(document), "-o", "S-1.md"])
    assert code == 1 and not (tmp_path / "S-1.md").exists()
    assert (
        "lnk.md:1: names project LNK-1, so its plan file is LNK-1.md, not S-1.md; nothing was written" in err.getvalue()
    )
    with redirect_stdout(out), redirect_stderr(err):
        assert main(["import", str(document), "--id", " ", "-o", "LNK-1.md"]) == 2
    assert "--id is empty" in err.getvalue() and not (tmp_path / "LNK-1.md").exists()
