"""The engine's shape, held by tests: imports flow one way, with no cycle, and nothing of MkDocs; the
model sits below everything that reads it; modules stay small; and facts kept in two places agree."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

ENGINE = ROOT / "planbook"
#: Lower layers first; a module may import its own layer's modules and those of the layers below.
LAYERS: list[set[str]] = [
    {
        "planbook",
        "planbook.findings",
        "planbook.escape",
        "planbook.dates",
        "planbook.files",
        "planbook.paths",
        "planbook.visible",
        "planbook.trusted_html",
        "planbook.template_fields",
        "planbook.template_roles",
    },
    {
        "planbook.frontmatter",
        "planbook.frontmatter.limits",
        "planbook.frontmatter.tags",
        "planbook.frontmatter.fast",
        "planbook.frontmatter.careful",
    },
    {"planbook.plan_template"},
    {"planbook.schema"},
    {
        "planbook.placeholders",
        "planbook.internal",
        "planbook.html_policy",
        "planbook.markdown_ext",
    },
    {"planbook.loader"},
    {
        "planbook.model",
        "planbook.model.tasks",
        "planbook.model.completeness",
        "planbook.model.lifecycle",
        "planbook.model.labels",
        "planbook.model.schedule",
        "planbook.model.versions",
        "planbook.model.backfill",
    },
    {"planbook.companion_places", "planbook.companions"},
]
#: Modules over about 300 lines, each with the reason it stays whole.
LONG_MODULES: dict[str, str] = {}
MAX_LINES = 300


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(ENGINE.rglob("*.py"))}


def imports_of(name: str) -> set[str]:
    """Every module of the engine that `name` imports: at the top, inside functions, under TYPE_CHECKING."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for imported in names:
            while imported and imported not in MODULES:
                imported = imported.rpartition(".")[0]
            if imported and imported != name:
                found.add(imported)
    return found


GRAPH = {name: imports_of(name) for name in MODULES}


def test_the_engine_imports_nothing_of_mkdocs() -> None:
    for name, path in MODULES.items():
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import) (mkdocs|properdocs|material)\b", source, re.M), name


def test_no_cycle_in_the_import_graph_counting_every_import() -> None:
    # A package imports its own modules to offer their names; a module importing its package's other
    # modules through it is the one edge a cycle may not need. Tarjan's algorithm over the rest.
    graph = {
        name: {m for m in deps if not (name.startswith(m + ".") and MODULES[m].name == "__init__.py")}
        for name, deps in GRAPH.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert cycles == []


@pytest.mark.parametrize("layer", range(len(LAYERS)))
def test_lower_layers_import_nothing_above_them(layer: int) -> None:
    allowed = set().union(*LAYERS[: layer + 1])
    for name in LAYERS[layer]:
        above = {
            imported for imported in GRAPH[name] if imported not in allowed and not imported.startswith(name + ".")
        }
        assert above == set(), (name, above)


def imported_names(name: str) -> set[str]:
    """Every module `name` imports, the standard library's too, at any depth of the file."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_render_runs_no_git_and_the_model_reads_no_file() -> None:
    for name in ("planbook.render", "planbook.view", *LAYERS[4]):
        assert not imported_names(name) & {"subprocess", "planbook.git", "planbook.history"}, name
    for name in LAYERS[4]:
        tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
        calls = {
            node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        }
        assert "open" not in calls and not imported_names(name) & {"os", "pathlib", "planbook.files"}, name


def test_modules_stay_small() -> None:
    long = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in MODULES.items()}
    over = {name: lines for name, lines in long.items() if lines > MAX_LINES and name not in LONG_MODULES}
    assert over == {}


# -- facts kept in two places -----------------------------------------------------------------


def test_the_sites_markdown_extensions_are_the_engines() -> None:
    from planbook.markdown_ext import EXTENSIONS

    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_MkDocsLoader)
    names = [next(iter(item)) if isinstance(item, dict) else item for item in config["markdown_extensions"]]
    assert sorted(names) == sorted([*EXTENSIONS, "toc"])


class _MkDocsLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, whose `!!python/name` and `!ENV` tags only MkDocs resolves, as plain text."""


_MkDocsLoader.add_multi_constructor("tag:yaml.org,2002:python/name:", lambda loader, suffix, node: suffix)
_MkDocsLoader.add_constructor("!ENV", lambda loader, node: None)


def test_the_command_lines_choices_come_from_their_sources() -> None:
    from planbook.cli import build_parser
    from planbook.cli.commands.export import FORMAT_NAMES
    from planbook.cli.commands.report import FORMAT_NAMES as REPORT_FORMAT_NAMES
    from planbook.diff.report_formats import REPORT_FORMATS
    from planbook.export import FORMATS
    from planbook.reporters import REPORTER_BY_NAME

    assert list(FORMAT_NAMES) == list(FORMATS)
    commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    choices = {
        (name, action.dest): list(action.choices)
        for name, sub in commands.items()
        for action in sub._actions
        if action.choices
    }
    assert choices[("check", "format")] == list(REPORTER_BY_NAME)
    # `new --type` takes the active template's types, checked when it runs (test_plan_template.py): the
    # parser is built before a template is read, so that `--help` works beside a broken one.
    assert ("new", "types") not in choices
    assert choices[("report", "format")] == list(REPORT_FORMATS) == list(REPORT_FORMAT_NAMES)


def test_the_schemas_facts_hang_together() -> None:
    from planbook import schema

    assert set(schema.GATES) <= set(schema.LIFECYCLE)
    for containers in schema.GATES.values():
        for container in containers:
            assert schema.field_by_path()[container].type == "object", container
    for field in schema.iter_fields():
        for named in re.findall(r"\{([\w.]+)\}", field.spec.get("title", "")):
            assert tuple(named.split(".")) in schema.field_by_path(), (field.dotted, named)
    assert schema.PHASES == tuple(path[1] for path in schema.field_by_path() if len(path) == 2 and path[0] == "phases")


def test_the_projects_folder_is_named_once() -> None:
    for path in [*MODULES.values(), ROOT / "hooks" / "planbook_site.py", ROOT / "macros" / "main.py"]:
        source = path.read_text(encoding="utf-8")
        if path.name != "paths.py":
            assert not re.search(r"""["']projects["']""", source), path
