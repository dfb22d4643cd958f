"""planbook's code names no field of a plan: the template's files do (`planbook/default_template/`), and
the code asks the template's roles (`plan_template.roles().client`). So a consultancy that renames a field
edits its template alone.

The test reads every string literal in the engine and its adapters and looks for the default template's
field names, at every depth (task keys too). A word that is also a field name but means something else
where it stands (SARIF's `"name"`, the `"text"` output format, an HTML tag) is listed below with why.
"""

from __future__ import annotations

import ast
from pathlib import Path

from planbook import plan_template

ROOT = Path(__file__).resolve().parents[1]
CODE = [
    *sorted((ROOT / "planbook").rglob("*.py")),
    *sorted((ROOT / "hooks").glob("*.py")),
    *(ROOT / "macros").glob("*.py"),
]

#: (module, word) → why the word there is not a plan's field.
NOT_FIELDS: dict[tuple[str, str], str] = {
    ("hooks/planbook_site.py", "client"): "the audience of a build, `extra.planbook_audience`",
    ("hooks/planbook_site.py", "internal"): "the audience of a build, `extra.planbook_audience`",
    ("hooks/planbook_site.py", "id"): "a key of MkDocs' table-of-contents tokens",
    ("hooks/planbook_site.py", "name"): "a key of MkDocs' table-of-contents tokens",
    ("planbook/site/page_cache.py", "id"): "a key of MkDocs' table-of-contents tokens",
    ("planbook/site/page_cache.py", "name"): "a key of MkDocs' table-of-contents tokens",
    ("macros/main.py", "client"): "the audience of a build, `extra.planbook_audience`",
    ("planbook/check/__init__.py", "internal"): "the word of an `<!-- internal -->` marker in the notes",
    ("planbook/internal.py", "internal"): "the marker's word and the box's CSS class",
    ("planbook/trusted_html.py", "internal"): "the CSS class of an internal box",
    ("planbook/render.py", "internal"): "the CSS class of an internal box",
    ("planbook/check/text_findings.py", "notes"): "the notes below the front matter, which are no field",
    ("planbook/check/schema_findings.py", "text"): "how a JSON type reads to people",
    ("planbook/site/reference.py", "text"): "how a JSON type reads to people",
    ("planbook/cli/__init__.py", "version"): "argparse's `version` action",
    ("planbook/cli/commands/check.py", "text"): "the `--format text` reporter",
    ("planbook/cli/commands/diff.py", "text"): "the `--format text` output",
    ("planbook/cli/commands/history.py", "text"): "the `--format text` output",
    ("planbook/cli/commands/status.py", "text"): "the `--format text` output",
    ("planbook/reporters.py", "text"): "the `--format text` reporter, and SARIF's `text`",
    ("planbook/reporters.py", "id"): "SARIF's keys",
    ("planbook/reporters.py", "name"): "SARIF's keys",
    ("planbook/reporters.py", "version"): "SARIF's keys",
    ("planbook/cli/commands/history.py", "status"): "a column of planbook's history table",
    ("planbook/cli/commands/history.py", "confidence"): "a column of planbook's history table",
    ("planbook/history.py", "status"): "a column of planbook's history table",
    ("planbook/history.py", "confidence"): "a column of planbook's history table",
    ("planbook/cli/commands/new.py", "id"): "argparse's name for the ID argument",
    ("planbook/cli/commands/new.py", "types"): "argparse's name for `--type`",
    ("planbook/cli/commands/status.py", "id"): "a column of `planbook status`'s JSON and CSV",
    ("planbook/cli/commands/status.py", "client"): "a column of `planbook status`'s JSON and CSV",
    ("planbook/cli/commands/status.py", "status"): "a column of `planbook status`'s JSON and CSV",
    ("planbook/cli/commands/status.py", "lead"): "a column of `planbook status`'s JSON and CSV",
    ("planbook/cli/commands/status.py", "confidence"): "a column of `planbook status`'s JSON and CSV",
    ("planbook/cli/commands/sites.py", "client"): "a key of `client-sites.yml` and of the workflow's matrix",
    ("planbook/client_sites.py", "client"): "a key of `client-sites.yml`",
    ("planbook/diff/portfolio_changes.py", "id"): "a key of the report's JSON",
    ("planbook/diff/portfolio_changes.py", "name"): "a key of the report's JSON",
    ("planbook/diff/portfolio_changes.py", "status"): "a key of the report's JSON",
    ("planbook/diff/portfolio_changes.py", "client"): "a key of the report's JSON",
    ("planbook/diff/report_formats.py", "risk"): "a word of the report's category names",
    ("planbook/diff/report_formats.py", "summary"): "a key of the report's JSON",
    ("planbook/diff/changes.py", "criteria"): "English plurals, as field names are read aloud",
    ("planbook/git.py", "status"): "`git status`",
    ("planbook/html_policy.py", "summary"): "the HTML element",
    ("planbook/html_policy.py", "scope"): "an HTML attribute",
    ("planbook/html_policy.py", "id"): "an HTML attribute",
    ("planbook/placeholders.py", "text"): "a group of a regular expression",
    ("planbook/plan_template.py", "version"): "a key of `template.yml`, not of a plan",
    ("planbook/site/portfolio_view.py", "types"): "a key of the portfolio template's context",
    ("planbook/site/portfolio_view.py", "status"): "a key of the portfolio template's context",
    ("planbook/timeline/svg.py", "baseline"): "a kind of the timeline's legend, and its CSS class",
    ("planbook/view.py", "done"): "a key of the rows the Markdown template reads",
    ("planbook/diff/portfolio_report.py", "task"): "a key of the report's JSON",
    ("planbook/diff/report_formats.py", "task"): "a key of the report's JSON",
    ("planbook/model/__init__.py", "own_tasks"): "the function `own_tasks`, named in `__all__`",
    ("planbook/companions.py", "data_mapping"): "a key of a companion document's front matter, not of a plan",
    ("planbook/companions.py", "notes"): "a column of a companion document's data mapping, not of a plan",
    ("planbook/companion_render.py", "internal"): "the CSS class of an internal box",
}


def field_names(spec: dict) -> set[str]:
    names: set[str] = set()
    for name, child in spec.get("properties", {}).items():
        names.add(name)
        names |= field_names(child)
    if isinstance(spec.get("items"), dict):
        names |= field_names(spec["items"])
    for definition in spec.get("definitions", {}).values():
        names |= field_names(definition)
    return names


def string_literals(path: Path) -> list[tuple[int, str]]:
    """Every string constant of the module that is not a docstring, with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_the_code_names_no_field_of_the_default_template() -> None:
    names = field_names(plan_template.load_template(None).fields)
    assert {"client", "phases", "data_mapping", "edge_cases", "stabilization_days"} <= names  # the walk reaches tasks
    found = []
    for path in CODE:
        module = path.relative_to(ROOT).as_posix()
        found += [
            f"{module}:{line}: {word!r}"
            for line, word in string_literals(path)
            if word in names and (module, word) not in NOT_FIELDS
        ]
    assert found == [], "use plan_template.roles() instead:\n" + "\n".join(found)


def test_every_exception_is_still_needed() -> None:
    """A listed word the module no longer uses is an exception nobody needs: it would hide a new use."""
    used = {(path.relative_to(ROOT).as_posix(), word) for path in CODE for _, word in string_literals(path)}
    assert sorted(set(NOT_FIELDS) - used) == []


def test_a_role_names_a_field_of_the_default_template() -> None:
    template = plan_template.load_template(None)
    names = field_names(template.fields)
    for role, field in vars(template.roles).items():
        for part in (field,) if isinstance(field, str) else field:
            assert part in names, (role, part)
