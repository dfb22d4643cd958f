"""Drift tests: the README documents every rule code and every command; SECURITY.md names tests that exist."""

from __future__ import annotations

import re

from planbook.cli import build_parser
from planbook.findings import RULES

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
SECURITY = (ROOT / "SECURITY.md").read_text(encoding="utf-8")


def test_every_rule_code_is_in_the_readme_table():
    for rule in RULES.values():
        assert f"| `{rule.code}` | {rule.name} | {rule.severity} | {rule.summary} |" in README, rule.code


def test_every_command_appears_in_the_readme():
    commands = build_parser()._subparsers._group_actions[0].choices  # argparse keeps them here
    for name in commands:
        assert f"planbook {name}" in README, name


def test_every_test_security_md_names_exists():
    named = set(re.findall(r"`(?:tests/(?:[\w]+/)*)?(test_\w+\.py)`", SECURITY))
    present = {path.name for path in (ROOT / "tests").rglob("test_*.py")}
    assert len(named) >= 10 and named <= present, named - present


def test_every_hardening_class_is_in_security_md():
    for path in sorted((ROOT / "tests" / "hardening").glob("test_*.py")):
        assert path.name in SECURITY, path.name
