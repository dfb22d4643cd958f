"""The portfolio: one summary row per plan, for `planbook status` and the site's home page."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Sequence

from planbook import schema
from planbook.check import CheckResult, check_result, progress_of
from planbook.loader import load_plan

TASK_LISTS: tuple[tuple[str, ...], ...] = tuple(("phases", phase, "tasks") for phase in schema.PHASES)


@dataclasses.dataclass
class PortfolioRow:
    id: str
    path: str
    name: str
    client: str
    system_a: str
    system_b: str
    types: list[str]
    status: str
    lead: str
    confidence: int | None
    completeness: int | None
    tasks_done: int
    tasks_total: int
    start_date: str | None
    ok: bool
    result: CheckResult

    @property
    def systems(self) -> str:
        return f"{self.system_a} ↔ {self.system_b}"

    @property
    def progress(self) -> int:
        """Tasks done across all five phases, as a whole percentage."""
        return (self.tasks_done * 100) // self.tasks_total if self.tasks_total else 0


def row_for(result: CheckResult) -> PortfolioRow:
    plan = result.plan
    data: dict[str, Any] = plan.data if plan is not None else {}

    def text(key: str) -> str:
        value = data.get(key)
        return value if isinstance(value, str) else ""

    valid = result.completeness is not None
    done = total = 0
    if valid:
        for container in TASK_LISTS:
            d, t = progress_of(data, container)
            done, total = done + d, total + t
    confidence = data.get("confidence")
    return PortfolioRow(
        id=plan.id if plan is not None else Path(result.path).stem,
        path=result.path,
        name=text("name"),
        client=text("client"),
        system_a=text("system_a"),
        system_b=text("system_b"),
        types=[t for t in data.get("types") or () if t in schema.INTEGRATION_TYPES] if valid else [],
        status=text("status") or "invalid",
        lead=text("lead"),
        confidence=confidence if isinstance(confidence, int) and not isinstance(confidence, bool) else None,
        completeness=result.completeness,
        tasks_done=done,
        tasks_total=total,
        start_date=text("start_date") or None,
        ok=result.ok,
        result=result,
    )


def portfolio_rows(files: Sequence[Path]) -> list[PortfolioRow]:
    return [row_for(check_result(load_plan(path))) for path in files]
