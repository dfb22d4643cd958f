"""The plan as the template sees it (`PlanView`): its values, or the template's own placeholder where a
value is missing, and the model's answers (tasks, progress, labels) in the template's terms."""

from __future__ import annotations

import functools
from typing import Any

from planbook import escape, plan_template, schema
from planbook.companions import Companion, MappingRow
from planbook.escape import Markdown
from planbook.model import (
    integration_label,
    overall_progress,
    own_tasks,
    progress_of,
    status_label,
    task_label,
    type_labels,
)
from planbook.model.backfill import backfill, backfill_words
from planbook.model.tasks import mapping_at, plan_types, value_at


class PlanView:
    """Read-only: the sandboxed template calls its methods, never changes the plan."""

    def __init__(
        self,
        data: dict[str, Any],
        plan_id: str,
        companions: list[Companion] | None = None,
        reference_links: dict[str, Markdown] | None = None,
    ) -> None:
        self._data = data
        self.id = plan_id
        self._companions = companions or []
        self._reference_links = reference_links or {}

    def __getattr__(self, name: str) -> Any:
        return self.value(name)

    def value(self, *path: str | int) -> Any:
        node: Any = self._data
        for part in path:
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                node = node[part]
            else:
                field = schema.field_for(tuple(path))
                name = field.placeholder if field and field.placeholder else ".".join(map(str, path)).upper()
                return f"[{name}]"
        return "" if node is None else node

    def given(self, *path: str | int) -> bool:
        """Whether the plan gives a value at `path`: something other than nothing or blank text."""
        value = value_at(self._data, *path)
        return value is not None and not (isinstance(value, str) and not value.strip())

    def items(self, *path: str) -> list[Any]:
        value = self.value(*path)
        if isinstance(value, list):
            return value
        return [] if value in ("", None) else [value]

    @property
    def types(self) -> list[str]:
        return plan_types(self._data)

    @property
    def integration_type(self) -> str:
        return integration_label(self._data)

    @property
    def status_label(self) -> str:
        return status_label(self._data.get(plan_template.roles().status))

    @property
    def status_class(self) -> str:
        """The status for a class name: one of the schema's, or `invalid` (a draft's may hold anything)."""
        status = self._data.get(plan_template.roles().status)
        return status if status in schema.STATUSES else "invalid"

    @property
    def has_internal(self) -> bool:
        facts = self._data.get(plan_template.roles().internal)
        return isinstance(facts, dict) and any(str(value).strip() for value in facts.values() if value is not None)

    @property
    def has_migration(self) -> bool:
        return isinstance(self._data.get(plan_template.roles().migration), dict)

    def tasks(self, *container: str, group: str | None = None) -> list[dict[str, Any]]:
        """The tasks of a checklist in template order; `group` picks one integration type's block."""
        states = mapping_at(self._data, *container)
        rows = []
        for key, spec in schema.task_specs(container).items():
            if spec.get("x-requires-type") != group:
                continue
            rows.append(
                {"key": key, "done": states.get(key) is True, "label": Markdown(task_label(self._data, container, key))}
            )
        return rows

    def own_tasks(self, *container: str) -> list[dict[str, Any]]:
        """The plan's own tasks beside a checklist, in the plan's order, each as `tasks` gives one."""
        return [
            {"key": None, "done": task.done, "label": escape.inline(task.text)}
            for task in own_tasks(self._data, container)
        ]

    def progress(self, *container: str) -> tuple[int, int]:
        return progress_of(self._data, container)

    @property
    def overall_progress(self) -> tuple[int, int]:
        """Tasks done of the five phases' tasks that apply to this plan."""
        return overall_progress(self._data)

    def type_label(self, kind: str) -> str:
        return type_labels().get(kind, kind)

    @functools.cached_property
    def backfill(self) -> Markdown:
        """How long the migration's backfill takes at the API limit, or nothing the plan cannot say. Kept:
        the template asks twice, whether there is one and what it says."""
        found = backfill(self._data)
        return escape.inline(backfill_words(found, self._data)) if found else Markdown("")

    def reference(self, name: str, suffix: str) -> Markdown:
        """The companion document `name`: a link to where it is published, or its file's name as code."""
        if name in self._reference_links:
            return self._reference_links[name]
        given = mapping_at(self._data, plan_template.roles().references).get(name)
        if isinstance(given, str) and given.strip():
            # Only a full http(s) address is a link: a relative one has no page on the site to go to.
            return escape.link(given, given) if escape.is_web_address(given) else escape.code(given)
        return escape.code(f"{self.id}-{suffix}")

    @property
    def data_mapping(self) -> list[MappingRow]:
        """The rows of the data mapping in the plan's companion documents (its technical specs')."""
        return [row for companion in self._companions for row in companion.mapping]
