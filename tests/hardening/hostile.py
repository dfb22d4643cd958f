"""Hostile plans for the hardening tests: every free-text field, strings placed in batches, canaries.

A plan is written by `write_plan`, a small emitter of our own rather than `yaml.safe_dump`, for two
reasons: each value sits on its own line, so a finding's line says which placement it is about; and a
string is written the way an author types it (`json.dumps`, raw Unicode), which YAML may refuse. That
refusal must be a PB006 finding, so it is part of what is tested, not something to escape away.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from planbook import escape, plan_template, schema
from planbook.loader import LoadError, Plan, load_plan

from conftest import PROJECTS, add_companions, blns_strings, ssti_payloads

FieldPath = tuple[str | int, ...]

# YAML (1.1 and 1.2) accepts these characters raw in a stream; anything else is refused by the reader.
_YAML_PRINTABLE = re.compile("[\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Inside double quotes YAML folds these as line breaks, so a faithful writer escapes them.
_YAML_BREAKS = {"\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P"}


def free_text_fields() -> list[FieldPath]:
    """Every field an author types free text into: strings and lists of strings with no enum, pattern
    or format, from the schema. List items are addressed by index 0. Not the references: each names the
    file of a companion document, which check refuses unless it is one (tests/test_companions.py)."""
    fields = []
    for field in schema.iter_fields():
        if field.path[0] == plan_template.roles().references:
            continue
        spec = field.spec
        items = spec.get("items", {})
        if field.type == "string":
            free = not ({"enum", "pattern", "format"} & spec.keys())
        elif field.type == "array" and items.get("type") == "string":
            free = "enum" not in items
        else:
            free = False
        if free:
            path = tuple(0 if part == schema.ITEM else part for part in field.path)
            fields.append((*path, 0) if field.type == "array" else path)
    return fields


def corpus() -> list[str]:
    """The Big List of Naughty Strings and the SSTI payloads, in that order (skips without ../shared)."""
    return blns_strings() + ssti_payloads()


def base_data() -> dict[str, Any]:
    """A complete, valid plan in `discovery` (no gates fire), with every optional free-text field present."""
    loaded = load_plan(PROJECTS / "NORTHWIND-001.md")
    assert isinstance(loaded, Plan)
    data = copy.deepcopy(loaded.data)
    data["status"] = "discovery"
    data["migration"] = {"scope": "Two years of orders", "strategy": "Backfill oldest first"}
    data["references"] = {"sow": "https://example.com/sow", "technical_specs": "specs/technical.md"}
    data["internal"] = {"day_rate": "900 GBP", "budget": "45,000 GBP", "notes": "Margin is thin."}
    data["version"] = "1.0"
    data["open_items"]["blockers"] = ["None yet"]
    # Any other free-text field the sample leaves out (one in an optional list: a phase's own tasks).
    for path in free_text_fields():
        try:
            get_path(data, path)
        except (KeyError, IndexError):
            set_path(data, path, f"Plain text for {schema.dotted(path)}")
    return data


def set_path(data: Any, path: FieldPath, value: Any) -> None:
    """Set the value at `path`; an index one past the end of a list adds an item like the last. A list
    or mapping the plan leaves out is added, and the first item of a list is a valid one built from
    the schema, so a field inside an optional list (a phase's own tasks) can be set on any plan."""
    for depth, part in enumerate(path[:-1]):
        if isinstance(data, dict) and part not in data:
            data[part] = [] if isinstance(path[depth + 1], int) else {}
        if isinstance(data, list) and part == len(data):
            data.append(copy.deepcopy(data[-1]) if data else new_item(path[:depth]))
        data = data[part]
    if isinstance(data, list) and path[-1] == len(data):
        data.append(None)
    data[path[-1]] = value


def new_item(list_path: FieldPath) -> Any:
    """A valid item for the list at `list_path`: each required member of a mapping filled in (text,
    or false), or a line of text."""
    field = schema.field_for(list_path)
    assert field is not None, list_path
    items = field.spec.get("items", {})
    if items.get("type") != "object":
        return f"Plain text for {schema.dotted(list_path)}"
    return {
        name: False if items["properties"][name].get("type") == "boolean" else f"Plain text for {name}"
        for name in items.get("required", ())
    }


def get_path(data: Any, path: FieldPath) -> Any:
    for part in path:
        data = data[part]
    return data


def yaml_quote(text: str, *, typed: bool = True) -> str:
    """`text` as a YAML double-quoted scalar. `typed` writes it as an author would (JSON quoting, raw
    Unicode), which YAML may refuse or fold; otherwise every character YAML would refuse or fold is
    escaped, so the value loads back exactly."""
    if typed:
        return json.dumps(text, ensure_ascii=False)
    out = []
    for char in text:
        if char in _YAML_BREAKS:
            out.append(_YAML_BREAKS[char])
        elif char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char == "\n":
            out.append("\\n")
        elif _YAML_PRINTABLE.match(char) and char != "\r":
            out.append(char)
        elif ord(char) <= 0xFF:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) <= 0xFFFF:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return '"' + "".join(out) + '"'


@dataclasses.dataclass
class WrittenPlan:
    """A plan file as written: where each value's line is, and which raw strings went where."""

    path: Path
    lines: dict[FieldPath, int]  # 1-based file line of each scalar value
    placed: dict[FieldPath, str]  # the hostile strings, by field
    notes: list[str]
    note_lines: list[range]  # the file lines each of `notes` takes


def emit(
    data: Any,
    lines: list[str],
    where: dict[FieldPath, int],
    path: FieldPath,
    indent: int,
    quoting: dict[FieldPath, bool],
) -> None:
    """Append `data` as block YAML to `lines`, one scalar a line, noting each scalar's file line in
    `where`; `quoting` says which strings are written as typed (True, the default) or escaped."""
    pad = "  " * indent
    if isinstance(data, dict):
        for key, value in data.items():
            child = (*path, key)
            if isinstance(value, (dict, list)) and value:
                lines.append(f"{pad}{key}:")
                emit(value, lines, where, child, indent + 1, quoting)
            else:
                lines.append(f"{pad}{key}: {scalar(value, quoting.get(child, True))}")
                where[child] = len(lines) + 1  # +1: the opening `---` is line 1
        return
    for index, value in enumerate(data):
        child = (*path, index)
        if isinstance(value, dict) and value:
            # Items of a list of mappings hold scalars only (risks, success criteria).
            for n, (key, item) in enumerate(value.items()):
                lead = "- " if n == 0 else "  "
                lines.append(f"{pad}{lead}{key}: {scalar(item, quoting.get((*child, key), True))}")
                where[(*child, key)] = len(lines) + 1
        else:
            lines.append(f"{pad}- {scalar(value, quoting.get(child, True))}")
            where[child] = len(lines) + 1


def scalar(value: Any, typed: bool = True) -> str:
    if isinstance(value, str):
        return yaml_quote(value, typed=typed)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[]"
    if isinstance(value, dict):
        return "{}"
    return repr(value)


def write_plan(
    folder: Path, plan_id: str, placed: dict[FieldPath, str], notes: list[str], *, escaped: frozenset[str] = frozenset()
) -> WrittenPlan:
    """Write `projects/<plan_id>.md` with `placed` strings in their fields and `notes` below. Strings in
    `escaped` are written escaped (they are known to be refused when typed raw)."""
    data = base_data()
    data["id"] = plan_id
    quoting: dict[FieldPath, bool] = {}
    for path, value in placed.items():
        set_path(data, path, value)
        quoting[path] = value not in escaped
    lines: list[str] = []
    where: dict[FieldPath, int] = {}
    emit(data, lines, where, (), 0, quoting)
    body = "\n\n".join(notes)
    path = folder / f"{plan_id}.md"
    path.write_text("---\n" + "\n".join(lines) + "\n---\n\n" + body + "\n", encoding="utf-8")
    add_companions(folder, plan_id)  # a plan past discovery has its SOW and technical specs
    note_lines, first = [], len(lines) + 4  # after the fences and a blank line
    for note in notes:
        count = len(note.replace("\r\n", "\n").replace("\r", "\n").split("\n"))  # as the loader breaks lines
        note_lines.append(range(first, first + count))
        first += count + 1
    return WrittenPlan(path, where, dict(placed), list(notes), note_lines)


def refused_when_typed(folder: Path, strings: list[str], fields: list[FieldPath]) -> tuple[set[str], set[str]]:
    """The strings YAML refuses when typed raw into a value, and those the loader refuses in the notes.

    A refused value must be PB006 at the line of the field it is in, in every field."""
    values, notes = set(), set()
    for index, value in enumerate(dict.fromkeys(strings)):
        written = write_plan(folder, f"SCREEN-{index}", {fields[0]: value}, [])
        if isinstance(load_plan(written.path), LoadError):
            values.add(value)
            for field in fields:
                written = write_plan(folder, f"SCREEN-{index}", {field: value}, [])
                loaded = load_plan(written.path)
                assert isinstance(loaded, LoadError), (value, field)
                (finding,) = loaded.findings
                assert (finding.code, finding.line) == ("PB006", written.lines[field]), (value, field, str(finding))
        written = write_plan(folder, f"SCREEN-{index}", {}, [value])
        if isinstance(load_plan(written.path), LoadError):
            notes.add(value)
        written.path.unlink()
    return values, notes


def batches(strings: list[str], fields: list[FieldPath]) -> Iterator[dict[FieldPath, str]]:
    """One placement per plan and field, rotating, so that every string lands in every field exactly
    once over `len(strings)` plans (a Latin square), and each plan holds `len(fields)` strings."""
    assert len(fields) <= len(strings)
    for k in range(len(strings)):
        yield {field: strings[(k + j) % len(strings)] for j, field in enumerate(fields)}


def expected_text(value: str) -> str:
    """What a reader should see for a value: the text with control characters shown as U+FFFD and
    runs of white space as one space, as HTML shows it."""
    return " ".join(escape.clean(value).split())


# -- canaries ------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Canary:
    """A payload that, if any template engine ever ran it, would leave `file` behind or print `marker`."""

    payload: str
    file: Path | None = None
    marker: str | None = None


def canary_payloads(folder: Path) -> list[Canary]:
    """Our own payloads aimed at Jinja and mkdocs-macros (whose page rendering is unsandboxed Jinja),
    each leaving a distinct file in `folder` or printing a marker that the payload text does not hold."""

    def touch(name: str) -> tuple[str, Path]:
        target = folder / f"CANARY-{name}"
        return f"touch {target}", target

    canaries = []
    for name, template in [
        ("builtins", "{{{{ self.__init__.__globals__.__builtins__.__import__('os').popen('{cmd}').read() }}}}"),
        ("cycler", "{{{{ cycler.__init__.__globals__.os.popen('{cmd}').read() }}}}"),
        ("lipsum", "{{{{ lipsum.__globals__['os'].popen('{cmd}').read() }}}}"),
        ("joiner", "{{{{ joiner.__init__.__globals__.os.system('{cmd}') }}}}"),
        ("namespace", "{{{{ namespace.__init__.__globals__.os.system('{cmd}') }}}}"),
        (
            "subclasses",
            "{{% for c in [].__class__.__base__.__subclasses__() %}}{{% if c.__name__ == 'catch_warnings' %}}"
            "{{{{ c()._module.__builtins__['__import__']('os').system('{cmd}') }}}}{{% endif %}}{{% endfor %}}",
        ),
        ("config", "{{{{ config.__class__.__init__.__globals__['os'].popen('{cmd}').read() }}}}"),
        ("raw-escape", "{{% endraw %}}{{{{ cycler.__init__.__globals__.os.popen('{cmd}').read() }}}}{{% raw %}}"),
        ("comment-escape", "#}}{{{{ cycler.__init__.__globals__.os.popen('{cmd}').read() }}}}{{#"),
        ("statement", "{{% set x = cycler.__init__.__globals__.os.popen('{cmd}').read() %}}"),
        ("line-statement", "\n# set x = cycler.__init__.__globals__.os.popen('{cmd}').read()\n"),
    ]:
        cmd, target = touch(name)
        canaries.append(Canary(template.format(cmd=cmd), file=target))
    for payload, marker in [
        ("{{ 'PBMARK' ~ 7*191 }}", "PBMARK1337"),
        ("{{ 'PB' ~ 'MARK' ~ 'CONCAT' }}", "PBMARKCONCAT"),
        ("{% for i in range(3) %}PBLOOP{% endfor %}", "PBLOOPPBLOOP"),
        ("{% endraw %}{{ 'PBRAW' ~ 6*7 }}{% raw %}", "PBRAW42"),
        ("{{ 'pbmark-upper' | upper }}", "PBMARK-UPPER"),
        ("{% filter upper %}pbmark-filter{% endfilter %}", "PBMARK-FILTER"),
        ("{% include '/etc/passwd' %}", "root:x:0:0"),
        ("{{ config is defined and 'PBCFG' ~ 'DEFINED' }}", "PBCFGDEFINED"),
    ]:
        canaries.append(Canary(payload, marker=marker))
    return canaries


# Script that would run in a reader's browser if a value or a note were not made inert. Each calls
# alert (a dialog) or sets a global the browser test reads.
SCRIPT_PAYLOADS = [
    "<script>alert('pb-script')</script>",
    "<script>window.__pbxss = (window.__pbxss || 0) + 1</script>",
    "<img src=x onerror=\"window.__pbxss = (window.__pbxss || 0) + 1; alert('pb-img')\">",
    "<svg onload=\"alert('pb-svg')\"></svg>",
    "<iframe srcdoc=\"<script>parent.alert('pb-iframe')</script>\"></iframe>",
    '<a href="javascript:alert(\'pb-link\')" id="pb-link">click</a>',
    "[click me](javascript:alert('pb-md-link'))",
    "<details open ontoggle=\"alert('pb-details')\">x</details>",
    "{: onclick=\"alert('pb-attr')\" }",
    "<body onload=\"alert('pb-body')\">",
    '<style>@import "javascript:alert(1)";</style>',
    "<math><mtext><table><mglyph><style><img src=x onerror=\"alert('pb-mxss')\">",
    "\"><img src=x onerror=alert('pb-break')>",
    "</textarea><script>alert('pb-textarea')</script>",
    "<object data=\"javascript:alert('pb-object')\"></object>",
    "<input autofocus onfocus=\"alert('pb-focus')\">",
]
