"""Reporters turn check results into text for a person, JSON for a program, GitHub workflow
annotations, or SARIF 2.1.0 for code-scanning tools. Picked by name from `REPORTER_BY_NAME`."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TextIO

from planbook import __version__
from planbook.escape import one_line
from planbook.findings import RULES, Finding, counted, tally

if TYPE_CHECKING:  # the reporters only read results: importing the checker would slow every command's start
    from planbook.check import CheckResult

Reporter = Callable[[Sequence["CheckResult"], TextIO], None]


def _findings(results: Sequence[CheckResult]) -> list[Finding]:
    return [finding for result in results for finding in result.findings]


def report_text(results: Sequence[CheckResult], out: TextIO) -> None:
    for finding in _findings(results):
        out.write(f"{finding}\n")
    out.write(summary(results) + "\n")


def summary(results: Sequence[CheckResult]) -> str:
    """ "3 errors, 1 warning in 1 of 4 plans", or "4 plans checked, all pass"."""
    findings = _findings(results)
    plans = counted(len(results), "plan")
    if not findings:
        return f"{plans} checked, all pass"
    with_findings = sum(bool(result.findings) for result in results)
    passing = all(result.ok for result in results)
    return f"{tally(findings)} in {with_findings} of {plans}" + ("; all pass" if passing else "")


def report_json(results: Sequence[CheckResult], out: TextIO) -> None:
    # ASCII: a program reads \uXXXX as well, and no raw control or bidi character reaches a terminal
    json.dump([finding.as_dict() for finding in _findings(results)], out, indent=2, ensure_ascii=True)
    out.write("\n")


def _github_escape(text: str, *, property_value: bool = False) -> str:
    text = one_line(text)  # no control character in a log line; then GitHub's own escapes
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def report_github(results: Sequence[CheckResult], out: TextIO) -> None:
    """Workflow commands: each finding becomes an annotation on the pull request's diff."""
    for finding in _findings(results):
        level = "error" if finding.severity == "error" else "warning"
        props = (
            f"file={_github_escape(finding.path, property_value=True)},line={finding.line},col={finding.column},"
            f"title={_github_escape(finding.code + ' ' + finding.rule.name, property_value=True)}"
        )
        out.write(f"::{level} {props}::{_github_escape(finding.message)}\n")
    out.write(summary(results) + "\n")  # the same last line as the text output


def report_sarif(results: Sequence[CheckResult], out: TextIO) -> None:
    rules = [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "defaultConfiguration": {"level": "error" if rule.severity == "error" else "warning"},
        }
        for rule in RULES.values()
    ]
    index = {code: i for i, code in enumerate(RULES)}
    sarif_results = [
        {
            "ruleId": finding.code,
            "ruleIndex": index[finding.code],
            "level": "error" if finding.severity == "error" else "warning",
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": finding.path, "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": finding.line, "startColumn": finding.column},
                    }
                }
            ],
        }
        for finding in _findings(results)
    ]
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "planbook",
                        "version": __version__,
                        "informationUri": "https://github.com/planbook/planbook",
                        "rules": rules,
                    }
                },
                "results": sarif_results,
            }
        ],
    }
    json.dump(document, out, indent=2, ensure_ascii=True)
    out.write("\n")


REPORTER_BY_NAME: dict[str, Reporter] = {
    "text": report_text,
    "json": report_json,
    "github": report_github,
    "sarif": report_sarif,
}
