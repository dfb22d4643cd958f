"""Drift tests: the README documents every rule code and every command."""

from __future__ import annotations

from conftest import ROOT
from planbook.cli import build_parser
from planbook.findings import RULES

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_rule_code_is_in_the_readme_table():
    for rule in RULES.values():
        assert f"| `{rule.code}` | {rule.name} | {rule.severity} | {rule.summary} |" in README, rule.code


def test_every_command_appears_in_the_readme():
    commands = build_parser()._subparsers._group_actions[0].choices  # argparse keeps them here
    for name in commands:
        assert f"planbook {name}" in README, name
