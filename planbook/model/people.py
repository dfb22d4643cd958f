"""People: everyone the plans name (the fields the schema marks `x-person`), the roles each holds across
the plans, which of those roles keep them busy now, and who holds more than the limit at once.

One person is one name read as people see it: case, spacing and invisible characters do not make two
people of one (`visible.folded`); the name is shown as it was first written. A placeholder, TBD or an
empty value names nobody (`is_empty`).
"""

from __future__ import annotations

import dataclasses
import functools
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from planbook import escape, plan_template, schema, visible
from planbook.model.completeness import is_empty
from planbook.model.lifecycle import lifecycle_index
from planbook.model.tasks import value_at

#: How many active roles one person may hold at once before the People page marks them overloaded.
DEFAULT_MAX_ACTIVE_ROLES = 3


def active_statuses() -> tuple[str, ...]:
    """A plan is active while it stands in one of its phases: discovery to support, not draft or complete."""
    return tuple(status for status in schema.LIFECYCLE if status in schema.PHASES)


@dataclasses.dataclass(frozen=True)
class PersonField:
    """A field that names one person: its path in the schema, the role it gives, and the phase it owns."""

    path: tuple[str, ...]  # with `schema.ITEM` for list items
    role: str  # as the schema's `x-person` says: `lead`, `team: QA`, `owner: Development`
    phase: str | None  # the phase this role belongs to, for a field inside `phases.<phase>`


@schema.per_template
def person_fields() -> tuple[PersonField, ...]:
    """Every field the schema marks `x-person`, in schema order."""
    found = []
    for field in schema.iter_fields():
        role = field.spec.get("x-person")
        if isinstance(role, str):
            phase = field.path[1] if len(field.path) > 2 and field.path[0] == plan_template.roles().phases else None
            found.append(PersonField(field.path, role, phase))
    return tuple(found)


@dataclasses.dataclass(frozen=True)
class Role:
    """One role one person holds in one plan."""

    plan_id: str
    role: str
    active: bool  # the plan is active and, for a phase's owner, the phase is not behind the plan's status


@dataclasses.dataclass(frozen=True)
class Person:
    name: str  # as first written (surrounding spaces dropped)
    roles: tuple[Role, ...]  # active roles first, then in the order the plans name them
    overloaded: bool  # more active roles than the limit

    @property
    def active_roles(self) -> int:
        """The active roles that count against the limit (`_load`)."""
        return _load(self.roles)


def is_active(status: object, phase: str | None = None) -> bool:
    """Whether a role is busy now: its plan stands in a phase, and a phase owner's phase is not behind it."""
    if status not in active_statuses():
        return False
    return phase is None or lifecycle_index(phase) >= lifecycle_index(status)


def plan_roles(plan_id: str, data: Mapping[str, Any]) -> list[tuple[str, Role]]:
    """(name as written, role) for every person one plan names. `data` may be a draft's: any field may be
    missing or of the wrong type, and then names nobody."""
    status = data.get(plan_template.roles().status)
    found = []
    for field in person_fields():
        for value in _values_at(data, field.path):
            if isinstance(value, str) and _names_someone(value):
                found.append((value.strip(), Role(plan_id, field.role, is_active(status, field.phase))))
    return found


@functools.lru_cache(maxsize=4096)
def _names_someone(value: str) -> bool:
    """Not empty, TBD or a placeholder, and not only characters nobody sees. Kept by value: a thousand
    plans name a few dozen people, and `mkdocs serve` asks again on every edit."""
    return not is_empty(value) and person_key(value) != ""


def people_of(plans: Iterable[tuple[str, Mapping[str, Any]]], *, max_active_roles: int) -> list[Person]:
    """Everyone the plans (plan id, data) name, one person per name, sorted by name; each marked
    overloaded when holding more than `max_active_roles` active roles."""
    roles = (found for plan_id, data in plans for found in plan_roles(plan_id, data))
    return people_holding(roles, max_active_roles=max_active_roles)


def people_holding(named: Iterable[tuple[str, Role]], *, max_active_roles: int) -> list[Person]:
    """`people_of`, from each plan's `plan_roles` already worked out (a site keeps them while the plan
    is unchanged)."""
    names: dict[str, str] = {}
    roles: dict[str, list[Role]] = {}
    for name, role in named:
        key = person_key(name)
        names.setdefault(key, name)
        roles.setdefault(key, []).append(role)
    people = []
    for key in sorted(names):
        held = tuple(sorted(roles[key], key=lambda role: not role.active))  # stable: plan order kept
        people.append(Person(names[key], held, _load(held) > max_active_roles))
    return people


def _load(roles: Iterable[Role]) -> int:
    """How many active roles count against the limit: in one plan, being its `lead` as well as holding
    a role in its team (the lead engineer, mostly) is one job, not two."""
    by_plan: dict[str, set[str]] = {}
    for role in roles:
        if role.active:
            by_plan.setdefault(role.plan_id, set()).add(role.role)
    lead = schema.field_by_path()[(plan_template.roles().lead,)].spec.get("x-person")
    return sum(len(held) - (lead in held and len(held) > 1) for held in by_plan.values())


@functools.lru_cache(maxsize=4096)  # by name, for the same reason as `_names_someone`
def person_key(name: str) -> str:
    """What makes two written names one person: the name as it reads, casefolded, its spaces collapsed.
    Composed first, so an accent typed as a separate mark reads as the accented letter; control
    characters, which the page shows as U+FFFD, count for nothing, as invisible ones do."""
    return " ".join(visible.folded(unicodedata.normalize("NFC", escape.clean(name))).split())


def max_active_roles(value: object) -> int:
    """The configured limit, checked: a whole number of at least 1. ValueError says what is wrong."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:40] + "…"  # a repr: "3" is not 3
        raise ValueError(
            f"must be a whole number of at least 1 (the default is {DEFAULT_MAX_ACTIVE_ROLES}), not {shown}"
        )
    return value


def _values_at(data: Any, path: tuple[str, ...]) -> Iterator[Any]:
    """The values at a schema path (`value_at`), every item of a list where the path says `schema.ITEM`."""
    if schema.ITEM not in path:
        yield value_at(data, *path)
        return
    split = path.index(schema.ITEM)
    items = value_at(data, *path[:split])
    for item in items if isinstance(items, list) else ():
        yield from _values_at(item, path[split + 1 :])
