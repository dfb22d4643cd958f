"""Findings: what `check` reports, and the table of rule codes they come from."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from typing import Literal

from planbook.escape import one_line

Severity = Literal["error", "warning"]
Position = tuple[int, int]  # 1-based line and column


@dataclasses.dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in [
        # PB0xx: the file could not be read as a plan at all.
        Rule("PB001", "unreadable", "error", "The file cannot be read."),
        Rule("PB002", "too-large", "error", "The file is larger than the size limit."),
        Rule("PB003", "not-text", "error", "The file is binary or not UTF-8."),
        Rule("PB004", "no-front-matter", "error", "The file does not start with a `---` front matter block."),
        Rule("PB005", "unterminated-front-matter", "error", "The front matter has no closing `---` line."),
        Rule("PB006", "yaml-syntax", "error", "The front matter is not valid YAML."),
        Rule(
            "PB007", "duplicate-key", "error", "A key appears twice in one mapping; YAML would silently keep the last."
        ),
        Rule("PB008", "alias", "error", "YAML anchors and aliases (`&a`, `*a`) are not allowed."),
        Rule("PB009", "yaml-tag", "error", "A YAML tag such as `!!python/object` is not allowed."),
        Rule("PB010", "not-a-mapping", "error", "The front matter must be a mapping of field names to values."),
        Rule("PB011", "too-complex", "error", "The front matter nests too deeply or holds too many values."),
        Rule(
            "PB012",
            "outside-repository",
            "error",
            "The plan is a symbolic link to a file outside the repository, which would publish it.",
        ),
        # PB1xx: the front matter does not fit the schema.
        Rule(
            "PB101",
            "unknown-field",
            "error",
            "A field the schema does not know; a typo would otherwise drop its value.",
        ),
        Rule("PB102", "wrong-type", "error", "A value of the wrong type."),
        Rule("PB103", "missing-field", "error", "A required field is missing."),
        Rule("PB104", "not-allowed", "error", "A value outside the allowed choices."),
        Rule("PB105", "bad-format", "error", "A value in the wrong format (pattern, range, length)."),
        Rule("PB106", "id-mismatch", "error", "The `id` does not match the file name."),
        Rule(
            "PB107",
            "task-for-other-type",
            "warning",
            "A task of an integration type the plan does not have; it is not shown.",
        ),
        Rule(
            "PB108",
            "relative-link",
            "error",
            "A relative link in the notes: the site has no page there, so the strict build would fail.",
        ),
        Rule(
            "PB109",
            "notes-too-large",
            "error",
            "The notes are over 64 KiB, or hold over 2,000 `[` outside code: Markdown's time grows with their square.",
        ),
        Rule(
            "PB110",
            "reserved-name",
            "error",
            "The file is named `index` or `README`, which MkDocs gives the folder's own page.",
        ),
        Rule(
            "PB111",
            "case-collision",
            "error",
            "Another plan's file name differs from this one only by case: one file on macOS and Windows.",
        ),
        Rule(
            "PB112",
            "template-behind",
            "warning",
            "The plan follows another version of the template: an older one `planbook upgrade` brings along, or a newer one.",
        ),
        # PB2xx: placeholders left from the template.
        Rule("PB201", "placeholder", "error", "A `[PLACEHOLDER]` from the template is left unfilled."),
        Rule("PB202", "template-block", "error", "A `{{#if …}}` or `{{/if}}` line from the template is left in."),
        # PB3xx: completeness gates by status.
        Rule("PB301", "empty-field", "error", "A field is empty or TBD in a plan past discovery."),
        Rule("PB302", "phase-not-done", "error", "The status is past a phase whose tasks are not all done."),
        Rule("PB303", "open-blockers", "error", "The plan has open blockers but its status is past discovery."),
        # PB4xx: internal-only content.
        Rule(
            "PB401",
            "internal-marker",
            "error",
            "An `<!-- internal -->` marker without its partner (the text it may cover is kept out of exports), a marker in a field, which hides nothing, or an `!!! internal` box, which is no marker.",
        ),
        # PB5xx: the integration's own numbers.
        Rule(
            "PB501",
            "rate-limit-unreadable",
            "warning",
            "A rate limit that reads as no rate, burst or concurrency: the backfill cannot be estimated from it.",
        ),
        Rule(
            "PB502",
            "backfill-too-long",
            "warning",
            "At the API limit, the migration's backfill takes longer than the phase it must finish within.",
        ),
        # PB6xx: the plan's companion documents, the SOW and the technical specs.
        Rule(
            "PB601",
            "reference-missing",
            "error",
            "A plan past discovery names a companion document (its SOW, its technical specs) that does not exist.",
        ),
        Rule(
            "PB602",
            "reference-invalid",
            "error",
            "A companion document's place or front matter cannot be read: not a Markdown file in the repository, or keys and values planbook does not know.",
        ),
        Rule("PB603", "mapping-no-target", "error", "A row of the data mapping has no target object or field."),
        Rule("PB604", "mapping-duplicate-target", "error", "Two rows of the data mapping write the same target field."),
        Rule(
            "PB605",
            "criterion-not-in-plan",
            "error",
            "Past discovery, an acceptance criterion of the SOW is neither among the plan's success criteria nor waived.",
        ),
    ]
}


@dataclasses.dataclass(frozen=True, order=True)
class Finding:
    """One problem, pointing at a place in a file. `line` and `column` are 1-based."""

    path: str
    line: int
    column: int
    code: str
    message: str

    @property
    def rule(self) -> Rule:
        return RULES[self.code]

    @property
    def severity(self) -> Severity:
        return RULES[self.code].severity

    def __str__(self) -> str:
        """The finding as one line for a terminal or a log: a file name or a message holding a line
        break or an escape sequence cannot start a line of its own there or drive the terminal."""
        kind = " warning:" if self.severity == "warning" else ""
        return one_line(f"{self.path}:{self.line}:{self.column}: {self.code}{kind} {self.message}")

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
        }


def positions_of(text: str, offsets: Iterable[int], first_line: int) -> Iterator[Position]:
    """The line and column of each offset in `text`, whose first line is `first_line`.

    The offsets must not decrease: the text is counted once, front to back, so that a file holding
    tens of thousands of findings costs no more than one holding a few.
    """
    line, line_start, counted = first_line, 0, 0
    for offset in offsets:
        newlines = text.count("\n", counted, offset)
        if newlines:
            line += newlines
            line_start = text.rfind("\n", counted, offset) + 1
        counted = offset
        yield line, offset - line_start + 1


def counted(n: int, word: str) -> str:
    """`1 error`, `3 errors`, `1,200 plans`."""
    return f"{n:,} {word}{'s' if n != 1 else ''}"


def tally(findings: Iterable[Finding]) -> str:
    """`3 errors, 1 warning`: each severity that occurs, errors first; empty when there is none."""
    severities = [finding.severity for finding in findings]
    errors = severities.count("error")
    parts = ((errors, "error"), (len(severities) - errors, "warning"))
    return ", ".join(counted(n, word) for n, word in parts if n)
