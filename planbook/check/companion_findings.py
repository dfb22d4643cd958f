"""The findings of a plan's companion documents (`planbook.companions`): each document's own (its place,
its front matter, placeholders and links left in it), its data mapping checked as data, and, past
discovery, a document missing or an acceptance criterion the plan does not carry."""

from __future__ import annotations

from collections.abc import Iterator

from planbook import internal, plan_template
from planbook.check.notes_limits import NOTES_WORTH_MEASURING, notes_size_findings
from planbook.check.text_findings import relative_link_findings, walk
from planbook.companions import MAPPING, TARGET_COLUMNS, Companion, folded, success_criteria
from planbook.escape import one_line
from planbook.findings import Finding, positions_of
from planbook.loader import Plan
from planbook.model import lifecycle_index
from planbook.placeholders import Leftover, find_leftovers, is_placeholder
from planbook.schema import FieldPath


def companion_findings(plan: Plan, companions: list[Companion]) -> list[Finding]:
    findings: list[Finding] = []
    past_discovery = _past_discovery(plan)
    in_plan = {folded(text): text for text in success_criteria(plan.data)}
    for companion in companions:
        findings += companion.findings
        if companion.missing and past_discovery:
            findings.append(_missing(plan, companion))
        document = companion.document
        if document is None:
            continue
        findings += _leftovers(document)
        if "](" in document.notes or "]:" in document.notes:
            findings += relative_link_findings(document)
        if "<!--" in document.notes:
            findings += internal.marker_findings(document.path, document.notes, document.notes_line)
        if len(document.notes) > NOTES_WORTH_MEASURING:
            findings += notes_size_findings(document)
        findings += _mapping_findings(companion)
        if past_discovery:
            findings += _criteria_findings(plan, companion, in_plan)
    return findings


def _past_discovery(plan: Plan) -> bool:
    status = plan.data.get(plan_template.roles().status)
    return lifecycle_index(status) > lifecycle_index(plan_template.statuses().fields_filled_after)


def _missing(plan: Plan, companion: Companion) -> Finding:
    roles = plan_template.roles()
    line, column = plan.position(companion.given_at or (roles.status,))
    status = plan.data.get(roles.status)
    mend = (
        f"write it (`planbook new {plan.id} --with-docs` scaffolds it from the template)"
        if companion.given_at is None
        else f"write it, or point `{roles.references}.{companion.name}` at the file that holds it"
    )
    return Finding(
        plan.path,
        line,
        column,
        "PB601",
        f"the {companion.title.lower()} `{one_line(companion.shown)}` does not exist, and a plan in {status} needs it: {mend}",
    )


def _leftovers(document: Plan) -> Iterator[Finding]:
    """Placeholders left from the document's template, in its values and in its Markdown."""

    def finding(leftover: Leftover, line: int, column: int) -> Finding:
        message = f"`{one_line(leftover.token)}` is left from the template: fill it in"
        return Finding(document.path, line, column, leftover.code, message)

    for path, value in walk(document.data, ()):
        if isinstance(value, str):
            for leftover in find_leftovers(value, markdown=False):
                yield finding(leftover, *document.position(path))
    leftovers = list(find_leftovers(document.notes))
    offsets = [leftover.offset for leftover in leftovers]
    for leftover, (line, column) in zip(leftovers, positions_of(document.notes, offsets, document.notes_line)):
        yield finding(leftover, line, column)


def _mapping_findings(companion: Companion) -> Iterator[Finding]:
    document = companion.document
    assert document is not None
    first: dict[tuple[str, str], int] = {}
    for index, row in enumerate(companion.mapping):
        at: FieldPath = (MAPPING, index)
        empty = [column for column, value in zip(TARGET_COLUMNS, (row.target_object, row.target_field)) if not value]
        if empty:
            line, column = document.position((*at, empty[0]))
            names = " and ".join(f"`{name}`" for name in empty)
            yield Finding(
                document.path,
                line,
                column,
                "PB603",
                f"this row of the data mapping has no {names}: say where the field lands, or remove the row",
            )
            continue
        if row.target in first:
            line, column = document.position((*at, TARGET_COLUMNS[1]))
            before, _ = document.position((MAPPING, first[row.target]))
            yield Finding(
                document.path,
                line,
                column,
                "PB604",
                f"`{one_line(row.target_object)}.{one_line(row.target_field)}` is mapped already, on line {before}: "
                "one target field takes one source; merge the rows, or say in one row's `transform` how both combine",
            )
        else:
            first[row.target] = index


def _criteria_findings(plan: Plan, companion: Companion, in_plan: dict[str, str]) -> Iterator[Finding]:
    document = companion.document
    assert document is not None
    roles = plan_template.roles()
    where = ".".join(roles.success_criteria)
    for criterion in companion.criteria:
        if criterion.waived is not None or folded(criterion.text) in in_plan or is_placeholder(criterion.text):
            continue
        line, column = criterion.position
        yield Finding(
            document.path,
            line,
            column,
            "PB605",
            f"the acceptance criterion `{one_line(criterion.text)}` is not among the plan's success criteria "
            f"(`{where}` in {one_line(plan.path)}): add it there as written, or waive it here with `waived: <why>`",
        )
