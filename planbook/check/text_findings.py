"""Findings in the plan's text: placeholders and block lines left from the template, links the site
cannot follow, notes too large to build in bounded time, and a file's identity (its `id`, its name).

Nothing here quotes internal content: a finding inside an internal field or an internal block of the
notes says what is wrong without the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from planbook import internal, placeholders, plan_template, schema
from planbook import paths as paths_module
from planbook.escape import one_line
from planbook.findings import Finding
from planbook.loader import Plan, positions_of
from planbook.model import value_at
from planbook.schema import FieldPath


def placeholder_findings(plan: Plan) -> Iterator[tuple[FieldPath, Finding]]:
    """Each placeholder and block line left in the values and the notes, with the value's path."""
    # The front matter as written holds every placeholder its values hold, unless a quoted string
    # spells one with escapes: when neither shows, no value needs a look.
    text = plan.yaml_text
    if "\\" in text or "{{" in text or not text.isascii() or placeholders.may_hold_placeholder(text):
        yield from _value_leftovers(plan)
    if plan.notes:
        leftovers = list(placeholders.find_leftovers(plan.notes))
        places = positions_of(plan.notes, [leftover.offset for leftover in leftovers], plan.notes_line)
        private = internal.internal_spans(plan.notes) if leftovers else []
        for leftover, (line, column) in zip(leftovers, places):
            yield (
                ("notes",),
                _leftover_finding(plan.path, line, column, leftover, private=_within(leftover.offset, private)),
            )


def _value_leftovers(plan: Plan) -> Iterator[tuple[FieldPath, Finding]]:
    """Leftovers in the values, each at its place in the file: located in one pass over the front
    matter, however many values hold one."""
    bare_found, located = [], []
    for path, value in walk(plan.data, ()):
        bare = placeholders.bare_placeholder(value)
        if bare is not None:
            bare_found.append((path, bare))
        elif isinstance(value, str) and ("[" in value or "{{" in value or not value.isascii()):
            leftovers = list(placeholders.find_leftovers(value, markdown=False))
            if not leftovers:
                continue
            span = plan.spans.get(path)  # found by parsing the front matter again: only when it is needed
            search = span[0] if span else 0
            for leftover in leftovers:
                index = plan.yaml_text.find(leftover.token, search, span[1]) if span else -1
                search = index + len(leftover.token) if index >= 0 else search
                located.append((index, path, leftover))
    for path, bare in bare_found:
        line, column = plan.position(path)
        message = f"placeholder [{bare}] is left unfilled; {placeholders.describe(bare)}"
        yield path, Finding(plan.path, line, column, "PB201", message)
    found = sorted(
        ((index, path, leftover) for index, path, leftover in located if index >= 0), key=lambda item: item[0]
    )
    places = positions_of(plan.yaml_text, [index for index, _, _ in found], plan.yaml_first_line)
    for (_, path, leftover), (line, column) in zip(found, places):
        yield path, _leftover_finding(plan.path, line, column, leftover, private=schema.is_internal(path))
    for index, path, leftover in located:
        if index < 0:  # written with escapes: at the value itself
            line, column = plan.position(path)
            yield path, _leftover_finding(plan.path, line, column, leftover, private=schema.is_internal(path))


# The target of an inline link or image, `[text](target)`, or of a reference definition, `[ref]: target`.
# A reference definition may stand in a block quote or a list item, and its address may be on the next line.
_LINK_TARGET = re.compile(
    r"\]\(\s*<?(?P<inline>[^)\s>]+)"
    r"|^(?:[ \t]*>)*[ \t]*\[[^\]\n]+\]:[ \t]*(?:\n(?:[ \t]*>)*[ \t]*)?<?(?P<reference>[^\s>]+)",
    re.M,
)


def relative_link_findings(plan: Plan) -> Iterator[Finding]:
    """Relative links in the notes. A plan page lives at projects/<ID>/ on the site, where a link
    written relative to the plan file finds nothing, and MkDocs' strict build fails without saying
    where; the check says where, and what to write instead. An address no URL parser reads
    (`https://[docs`) is reported too: it is no link to anywhere."""
    scanned = placeholders.mask_markdown(plan.notes, code_only=True)
    private = internal.internal_spans(plan.notes)
    links = []
    for match in _LINK_TARGET.finditer(scanned):
        name = "inline" if match.group("inline") else "reference"
        target = match.group(name)
        scheme = url_scheme(target)
        if scheme is None or not (target.startswith(("#", "/")) or scheme):
            links.append((match.start(name), target, scheme is None))
    offsets = [offset for offset, _, _ in links]
    for (line, column), (offset, target, broken) in zip(positions_of(plan.notes, offsets, plan.notes_line), links):
        if _within(offset, private):
            shown = "a link in internal notes"
        else:
            shown = f"relative link `{one_line(target)}`" if not broken else f"link `{one_line(target)}`"
        if broken:
            yield Finding(
                plan.path,
                line,
                column,
                "PB108",
                f"{shown} is not an address any browser can follow; write a full https:// address",
            )
        else:
            yield Finding(
                plan.path,
                line,
                column,
                "PB108",
                f"{shown}: the site has no page there; link with a full https:// address, or to a heading with #",
            )


def url_scheme(target: str) -> str | None:
    """The scheme of a link's address (`""` for a relative one), or None when it is no address."""
    try:
        parts = urlsplit(target)
        parts.port  # noqa: B018 - reading it is how a bad port shows
    except ValueError:
        return None
    return parts.scheme


def _within(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in spans)


def _leftover_finding(
    path: str, line: int, column: int, leftover: placeholders.Leftover, *, private: bool = False
) -> Finding:
    """PB201 or PB202; `private` (internal content) quotes nothing of the text."""
    if leftover.code == "PB202" and private:
        message = "a template block is left in internal content; remove it"
    elif leftover.code == "PB202":
        message = f"template block `{one_line(leftover.token)}` is left in; conditional blocks come from the plan's data, so remove it"
    elif private:
        message = "a placeholder is left unfilled in internal content; fill it in"
    else:
        message = f"placeholder {one_line(leftover.token)} is left unfilled; {placeholders.describe(leftover.name or leftover.token[1:-1])}"
    return Finding(path, line, column, leftover.code, message)


def field_marker_findings(plan: Plan) -> Iterator[Finding]:
    """PB401 for an internal marker in a field outside `internal:`: only the notes have internal blocks,
    so the text around it goes out whole, to the client's site and exports too."""
    for path, value in walk(plan.data, ()):
        if isinstance(value, str) and internal.holds_marker(value) and not schema.is_internal(path):
            line, column = plan.positions.get(path, (plan.yaml_first_line, 1))
            yield Finding(
                plan.path,
                line,
                column,
                "PB401",
                "an `<!-- internal -->` marker in a field hides nothing: a field is published whole; "
                "move the internal text to `internal.notes`, or between marker lines in the notes",
            )


def walk(value: Any, path: FieldPath) -> Iterator[tuple[FieldPath, Any]]:
    """Every value under `value`, mappings and lists too, with its path from the top."""
    yield path, value
    if isinstance(value, dict):
        for key, child in value.items():
            yield from walk(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from walk(child, (*path, index))


def identity_findings(plan: Plan) -> Iterator[Finding]:
    roles = plan_template.roles()
    plan_id = plan.data.get(roles.id)
    stem = Path(plan.path).stem
    if isinstance(plan_id, str) and not placeholders.is_placeholder(plan_id) and plan_id != stem:
        line, column = plan.position((roles.id,))
        yield Finding(
            plan.path,
            line,
            column,
            "PB106",
            f"`{roles.id}` is {one_line(repr(plan_id))} but the file is {one_line(stem)}.md; rename one so they match",
        )
    reserved = paths_module.name_problem(stem)
    if reserved is not None:
        yield Finding(plan.path, 1, 1, reserved.code, reserved.message)
    yield from _other_types_tasks(plan)


def _other_types_tasks(plan: Plan) -> Iterator[Finding]:
    """PB107 for each task of an integration type the plan does not have, in any phase."""
    roles = plan_template.roles()
    types = plan.data.get(roles.types)
    # Until the plan names a known type (a scaffold's `[INTEGRATION_TYPE]`), no task is another type's.
    if not isinstance(types, list) or not any(kind in schema.INTEGRATION_TYPES for kind in types):
        return
    for phase in schema.PHASES:
        container = (roles.phases, phase, roles.phase_tasks)
        tasks = value_at(plan.data, *container)
        if not isinstance(tasks, dict):
            continue
        specs = schema.task_specs(container)
        for key in tasks:
            needs = specs.get(key, {}).get("x-requires-type")
            if needs and needs not in types:
                line, column = plan.key_positions.get((*container, key), (1, 1))
                yield Finding(
                    plan.path,
                    line,
                    column,
                    "PB107",
                    f"task `{key}` is for {needs} plans, and this plan's types are {one_line(', '.join(map(str, types)))}; it is not shown",
                )
