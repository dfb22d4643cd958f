"""How statuses and integration types read to people: derived from the schema's own values."""

from __future__ import annotations

from typing import Any

from planbook import plan_template, schema
from planbook.model.tasks import plan_types


@schema.per_template
def status_labels() -> dict[str, str]:
    """Each status as people read it: `On hold` for `on-hold`."""
    return {status: status.replace("-", " ").capitalize() for status in schema.STATUSES}


@schema.per_template
def type_labels() -> dict[str, str]:
    return {kind: kind.capitalize() for kind in schema.INTEGRATION_TYPES}


def status_label(status: object) -> str:
    """`On hold` for `on-hold`; anything else as it stands, `[STATUS]` when there is none."""
    if status is None:
        field = schema.field_by_path().get((plan_template.roles().status,))
        return f"[{field.placeholder if field else 'STATUS'}]"
    return status_labels().get(status, str(status)) if isinstance(status, str) else str(status)


def integration_label(data: dict[str, Any]) -> str:
    """`Accounting + Fulfillment`, or the template's `[INTEGRATION_TYPE]` when the plan has none."""
    types = plan_types(data)
    if types:
        return " + ".join(type_labels()[t] for t in types)
    field = schema.field_by_path().get((plan_template.roles().types,))
    return f"[{field.placeholder if field else 'TYPES'}]"


def variance_text(days: int | None) -> str:
    """A variance as people read it: `+12 d`, `−3 d` (a true minus sign), `0 d`; "" when unknown."""
    if days is None:
        return ""
    return f"+{days} d" if days > 0 else f"\u2212{-days} d" if days < 0 else "0 d"
