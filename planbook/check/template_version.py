"""Whether a plan follows the template's current version (PB112): a plan left behind still loads, but
fields it lacks or holds under an old name make findings that `planbook upgrade` would mend."""

from __future__ import annotations

from collections.abc import Iterator

from planbook import plan_template
from planbook.findings import Finding
from planbook.loader import Plan


def template_behind_findings(plan: Plan) -> Iterator[Finding]:
    field = plan_template.roles().template_version
    version = plan.data.get(field, 1)
    current = plan_template.active().version
    if type(version) is int and version < current:  # another type is the schema's finding
        line, column = plan.position((field,)) if field in plan.data else (plan.yaml_first_line, 1)
        yield Finding(
            plan.path,
            line,
            column,
            "PB112",
            f"the plan follows template version {version}, and the template is at version {current}: "
            f"run `planbook upgrade {plan.path}`",
        )
