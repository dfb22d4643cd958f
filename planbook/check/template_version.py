"""Whether a plan follows the template's current version (PB112): a plan left behind still loads, but
fields it lacks or holds under an old name make findings that `planbook upgrade` would mend. A plan
ahead of the template (written under a newer one, on another branch) is named too: nothing mends it here."""

from __future__ import annotations

from collections.abc import Iterator

from planbook import plan_template
from planbook.findings import Finding
from planbook.loader import Plan


def template_behind_findings(plan: Plan) -> Iterator[Finding]:
    field = plan_template.roles().template_version
    version = plan.data.get(field, 1)
    current = plan_template.active().version
    if isinstance(version, float) and version.is_integer():  # the schema takes 2.0 as a whole number
        version = int(version)
    if type(version) is not int or version < 1 or version == current:  # another type is the schema's finding
        return
    line, column = plan.position((field,)) if field in plan.data else (plan.yaml_first_line, 1)
    if version < current:
        message = f"run `planbook upgrade {plan.path}`"
    else:
        message = "is this repository's template/ behind the plan's? `planbook upgrade` cannot bring a plan back"
    yield Finding(
        plan.path,
        line,
        column,
        "PB112",
        f"the plan follows template version {version}, and the template is at version {current}: {message}",
    )
