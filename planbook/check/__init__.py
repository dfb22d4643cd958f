"""Check plans: schema, leftover placeholders, the text's links and size, and the gates of each plan's
status. `check_result` is the one gate every path uses: `check`, pre-commit, the site build, export,
history and diff.

Schema validation takes a fast path first (a compiled validator). Only a plan that fails it is
validated again with `jsonschema`, whose errors say where and why, so a clean portfolio costs little
more than parsing it.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from planbook import internal, schema
from planbook import paths as paths_module
from planbook.check.companion_findings import companion_findings
from planbook.check.gates import gate_findings
from planbook.check.integration_findings import integration_findings
from planbook.check.notes_limits import NOTES_WORTH_MEASURING, notes_size_findings
from planbook.check.schema_findings import actual_date_findings, odd_number_findings, schema_findings
from planbook.check.template_version import template_behind_findings
from planbook.check.text_findings import (
    field_marker_findings,
    identity_findings,
    placeholder_findings,
    relative_link_findings,
)
from planbook.companions import Companion, companions_of
from planbook.escape import one_line
from planbook.findings import Finding
from planbook.loader import LoadError, LoadResult, Plan, load_plan
from planbook.model import content_values, share_filled

__all__ = [
    "CheckResult",
    "check_files",
    "check_plan",
    "check_result",
    "gate_findings",
    "schema_findings",
    "with_collisions",
]


@dataclasses.dataclass
class CheckResult:
    """What `check` found in one file. `plan` is None when the file did not load; `completeness` is
    None when the plan is not valid."""

    path: str
    findings: list[Finding]
    plan: Plan | None = None
    completeness: int | None = None
    #: The plan's companion documents, when they were looked for (a plan on disk, not an old version in git).
    companions: list[Companion] | None = None

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)


#: Below this many files, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 200


def check_files(paths: Sequence[Path], *, jobs: int | None = None) -> list[CheckResult]:
    """Check every file, in order. Many files are checked by one worker process per core. Results
    come back without the loaded plan (`plan` is None), which is all a report needs: memory stays
    that of one plan at a time, however many there are."""
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(paths) < PARALLEL_THRESHOLD:
        results = _check_chunk(list(paths))
    else:
        size = max(1, len(paths) // (workers * 4))
        chunks = [list(paths[i : i + size]) for i in range(0, len(paths), size)]
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = [result for chunk in pool.map(_check_chunk, chunks) for result in chunk]
    return with_collisions(paths, results)


def with_collisions(paths: Sequence[Path], results: Sequence[CheckResult]) -> list[CheckResult]:
    """The results, with PB111 on each plan whose file name another's equals but for case."""
    collisions = paths_module.case_collisions(paths)
    out = []
    for path, result in zip(paths, results):
        others = collisions.get(Path(path))
        if others:
            names = ", ".join(one_line(other.name) for other in others)
            collision = Finding(
                result.path,
                1,
                1,
                "PB111",
                f"{names} differs from this file's name only by case; on macOS and Windows they are one file, so rename one",
            )
            result = dataclasses.replace(
                result, findings=sorted({*result.findings, collision})
            )  # results may be shared
        out.append(result)
    return out


def _check_chunk(paths: list[Path]) -> list[CheckResult]:
    results = []
    for path in paths:
        result = check_result(load_plan(path), companions=True)
        result.plan = result.companions = None
        results.append(result)
    return results


def check_result(loaded: LoadResult, *, companions: bool = False) -> CheckResult:
    """The one gate: a file's findings, and its completeness when it is a valid plan. With `companions`,
    the plan is a file on disk, and its companion documents beside it are read and checked too."""
    if isinstance(loaded, LoadError):
        return CheckResult(loaded.path, sorted(loaded.findings))
    return check_plan(loaded, companions_of(loaded, Path(loaded.path)) if companions else None)


def check_plan(plan: Plan, companions: list[Companion] | None = None) -> CheckResult:
    findings: list[Finding] = []
    if companions is not None:
        findings += companion_findings(plan, companions)
    errors = schema.schema_errors(plan.data)
    leftovers = list(placeholder_findings(plan))
    findings += [finding for _, finding in leftovers]
    if errors:
        findings += schema_findings(plan, errors, skip={path for path, _ in leftovers})
    if plan.odd_numbers:
        findings += odd_number_findings(plan)
    findings += identity_findings(plan)
    findings += actual_date_findings(plan)
    findings += template_behind_findings(plan)
    findings += integration_findings(plan)
    if "<!--" in plan.notes:
        findings += internal.marker_findings(plan.path, plan.notes, plan.notes_line)
    if "<!--" in plan.yaml_text:
        findings += field_marker_findings(plan)
    if "internal" in plan.notes.casefold():
        findings += internal.look_alike_findings(plan.path, plan.notes, plan.notes_line)
    if "](" in plan.notes or "]:" in plan.notes:
        findings += relative_link_findings(plan)
    if len(plan.notes) > NOTES_WORTH_MEASURING:
        findings += notes_size_findings(plan)
    completeness = None
    if not errors:
        contents = list(content_values(plan.data))
        completeness = share_filled(contents)
        findings += gate_findings(plan, contents)
    return CheckResult(plan.path, sorted(set(findings)), plan, completeness, companions)
