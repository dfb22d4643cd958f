"""The plan template of a repository of plans: its Markdown, its fields, its version and its migrations.

The template belongs to the consultancy, not to planbook. It lives in `template/` at the project's root:

- `template.yml`: the version, the roles (which field holds what planbook's code works with), the
  statuses the lifecycle turns on, and the migrations that bring a plan from one version to the next;
- `plan.schema.json`: the fields (JSON Schema with planbook's annotations, see `planbook.schema`);
- `plan.md.j2`: the plan's Markdown, rendered by a sandboxed Jinja environment (`planbook.render`).

A repository without `template/` uses the default, the seed's, shipped in `planbook/default_template/`;
`planbook init` copies it in. planbook's code names no plan field: it asks the active template's
`roles` (`roles().client` is whichever field holds the client), so a renamed field is an edit to the
template's files alone.

One template is active in a process: the project's, found from the working folder unless a command or
the site's hook activates another (`activate`).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import typing
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from planbook import escape, paths, template_fields
from planbook.files import read_bounded
from planbook.frontmatter import Builder, Lines, Refused
from planbook.frontmatter.careful import scan_events
from planbook.template_roles import Roles, Statuses

#: The template's folder, relative to the project's root.
TEMPLATE_DIR = "template"
SETTINGS_FILE = "template.yml"
FIELDS_FILE = "plan.schema.json"
MARKDOWN_FILE = "plan.md.j2"
TEMPLATE_FILES = (SETTINGS_FILE, FIELDS_FILE, MARKDOWN_FILE)
MAX_FILE_BYTES = 2_000_000
SETTINGS_KEYS = frozenset({"version", "roles", "statuses", "migrations"})


class TemplateError(ValueError):
    """The template cannot be used: the message starts with `path:line:col`."""


@dataclasses.dataclass(frozen=True)
class PlanTemplate:
    """One repository's template, read and checked. `folder` is None for the default shipped with planbook."""

    folder: Path | None
    version: int
    roles: Roles
    statuses: Statuses
    migrations: tuple[dict[str, Any], ...]
    fields: dict[str, Any]
    markdown: str
    settings_text: str
    fingerprint: str
    validate: typing.Callable[[Any], Any]  # the fields' compiled validator (`schema.fast_validator`)

    @property
    def where(self) -> str:
        return f"{TEMPLATE_DIR}/" if self.folder is not None else "planbook's default template"

    @functools.cached_property
    def cache(self) -> dict[str, Any]:
        """What is worked out from this template once (the expanded schema, compiled validators): kept
        on the template, so activating another never serves the last one's."""
        return {}


def default_folder() -> Path:
    return Path(str(resources.files("planbook").joinpath("default_template")))


def load_template(folder: Path | None) -> PlanTemplate:
    """The template in `folder` (None: the default). TemplateError names the file, line and column."""
    where = folder if folder is not None else default_folder()
    texts = {name: _read(where / name, folder) for name in TEMPLATE_FILES}
    settings, positions = _settings(texts[SETTINGS_FILE], _shown(folder, SETTINGS_FILE))
    try:
        fields = json.loads(texts[FIELDS_FILE])
    except json.JSONDecodeError as e:
        raise TemplateError(f"{_shown(folder, FIELDS_FILE)}:{e.lineno}:{e.colno}: invalid JSON: {e.msg}") from None
    if not isinstance(fields, dict):
        raise TemplateError(f"{_shown(folder, FIELDS_FILE)}:1:1: the fields must be one JSON object")
    fail = _failer(_shown(folder, SETTINGS_FILE), positions)
    version = settings.get("version")
    if type(version) is not int or version < 1:
        raise fail(("version",), "`version` must be a whole number, 1 or more")
    roles = _dataclass_from(Roles, settings.get("roles"), ("roles",), fail)
    known = _field_names(fields)
    for member, field in vars(roles).items():
        missing = [part for part in ((field,) if isinstance(field, str) else field or ()) if part not in known]
        if missing:
            raise fail(
                ("roles", member),
                f"`roles.{member}` names `{escape.one_line(missing[0])}`, which no field in {FIELDS_FILE} has",
            )
    statuses = _dataclass_from(Statuses, settings.get("statuses"), ("statuses",), fail)
    validate = template_fields.check_fields(
        fields, texts[FIELDS_FILE], _shown(folder, FIELDS_FILE), roles, statuses, fail, TemplateError
    )
    for key in sorted(set(settings) - SETTINGS_KEYS):
        raise fail((key,), f"no setting `{escape.one_line(key)}`; the settings are {', '.join(sorted(SETTINGS_KEYS))}")
    migrations = settings.get("migrations", [])
    if not isinstance(migrations, list) or not all(isinstance(m, dict) for m in migrations):
        raise fail(("migrations",), "`migrations` must be a list of mappings, one per version")
    digest = hashlib.sha256("\0".join(texts[name] for name in TEMPLATE_FILES).encode("utf-8")).hexdigest()
    own = (texts[MARKDOWN_FILE], texts[SETTINGS_FILE])
    return PlanTemplate(folder, version, roles, statuses, tuple(migrations), fields, *own, digest, validate)


def template_folder(root: Path) -> Path | None:
    """The project's own template folder, or None when it has none (it then uses the default)."""
    folder = root / TEMPLATE_DIR
    return folder if (folder / SETTINGS_FILE).is_file() else None


_active: PlanTemplate | None = None


def activate(root: Path | None) -> PlanTemplate:
    """Make the template of the project at `root` (None: the default) the one this process uses."""
    global _active
    folder = template_folder(root) if root is not None else None
    if _active is None or _active.folder != folder or _active.fingerprint != _fingerprint_of(folder):
        _active = load_template(folder)
    return _active


def active() -> PlanTemplate:
    """The template in use: the one last activated, else the working folder's project's."""
    return _active if _active is not None else activate(paths.project_root())


def roles() -> Roles:
    return active().roles


def statuses() -> Statuses:
    return active().statuses


def _fingerprint_of(folder: Path | None) -> str | None:
    try:
        texts = [_read((folder or default_folder()) / name, folder) for name in TEMPLATE_FILES]
    except TemplateError:
        return None
    return hashlib.sha256("\0".join(texts).encode("utf-8")).hexdigest()


def _shown(folder: Path | None, name: str) -> str:
    return f"{TEMPLATE_DIR}/{name}" if folder is not None else f"planbook/default_template/{name}"


def _read(path: Path, folder: Path | None) -> str:
    try:
        return read_bounded(path, MAX_FILE_BYTES).decode("utf-8")
    except UnicodeDecodeError as e:
        raise TemplateError(f"{_shown(folder, path.name)}:1:1: not UTF-8 text ({e.reason} at byte {e.start})") from None
    except OSError as e:
        reason = escape.one_line(e.strerror or e)
        raise TemplateError(f"{_shown(folder, path.name)}:1:1: cannot be read: {reason}") from None


def _settings(text: str, shown: str) -> tuple[dict[str, Any], dict[tuple[Any, ...], tuple[int, int]]]:
    """`template.yml` as plain values, loaded as plans are (no tags, aliases or duplicate keys), with
    the position of every key."""
    lines = FileLines(text)
    try:
        scan_events(text, lines)  # aliases and deep nesting refused before the recursive composer runs
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        if node is None:
            raise TemplateError(f"{shown}:1:1: the file is empty; it must give the template's version and roles")
        builder = Builder(lines)
        values = builder.build(node, (), 0)
    except Refused as e:
        raise TemplateError(f"{shown}:{e.position[0]}:{e.position[1]}: {e.message}") from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f"{mark.line + 1}:{mark.column + 1}" if mark else "1:1"
        raise TemplateError(f"{shown}:{where}: invalid YAML: {escape.one_line(e.problem)}") from None
    except yaml.YAMLError as e:
        raise TemplateError(f"{shown}:1:1: invalid YAML: {escape.one_line(e)}") from None
    if not isinstance(values, dict):
        raise TemplateError(f"{shown}:1:1: the file must be a mapping of settings")
    return values, {**builder.positions, **builder.key_positions}


class FileLines(Lines):
    """Lines and columns in a YAML file of its own, counted from its first line: `Lines` counts a plan's
    front matter, whose first line is the file's second, after the opening `---`."""

    def at(self, mark: Any) -> tuple[int, int]:
        line, column = super().at(mark)
        return line - 1, column


def _failer(shown: str, positions: dict[tuple[Any, ...], tuple[int, int]]) -> typing.Callable[..., TemplateError]:
    def fail(path: tuple[Any, ...], message: str) -> TemplateError:
        while path and path not in positions:
            path = path[:-1]
        line, column = positions.get(path, (1, 1))
        return TemplateError(f"{shown}:{line}:{column}: {message}")

    return fail


def _dataclass_from(kind: type[Any], given: Any, at: tuple[str, ...], fail: typing.Callable[..., TemplateError]) -> Any:
    """`kind` built from the mapping `given`: every member named, each a field name (or a dotted path
    where the member is a tuple), and nothing else."""
    if not isinstance(given, dict):
        raise fail(at, f"`{at[-1]}` must be a mapping")
    hints = typing.get_type_hints(kind)
    values: dict[str, Any] = {}
    for member in dataclasses.fields(kind):
        value = given.get(member.name)
        if value is None and member.default is None:
            continue  # an optional role, left out
        if not isinstance(value, str) or not value.strip():
            raise fail((*at, member.name), f"`{at[-1]}.{member.name}` must name a field")
        is_path = typing.get_origin(hints[member.name]) is tuple
        if not is_path and "." in value:
            raise fail((*at, member.name), f"`{at[-1]}.{member.name}` is one key at its level, not a dotted path")
        values[member.name] = tuple(value.split(".")) if is_path else value
    unknown = sorted(set(given) - set(values))
    if unknown:
        raise fail((*at, unknown[0]), f"`{at[-1]}` has no member `{escape.one_line(unknown[0])}`")
    return kind(**values)


def _field_names(spec: Any) -> set[str]:
    """Every field name of the fields, at any depth: what a role may name."""
    if not isinstance(spec, dict):
        return set()
    names: set[str] = set()
    for name, child in (spec.get("properties") or {}).items():
        names |= {name, *_field_names(child)}
    for child in (spec.get("items"), *(spec.get("definitions") or {}).values()):
        names |= _field_names(child)
    return names
