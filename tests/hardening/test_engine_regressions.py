"""The smallest input for each engine bug the hardening corpora found, so each stays fixed."""

from __future__ import annotations

import pytest

from planbook.loader import LoadError, load_plan


@pytest.mark.parametrize(
    ("value", "column", "shown"),
    [
        ('"ab\x7f"', 10, "U+007F"),  # DEL typed into a quoted value
        ('"é\x01"', 9, "U+0001"),  # a control character after a two-byte one: libyaml's offset is in bytes
        ('"😀\ufffe"', 9, "U+FFFE"),
    ],
)
def test_a_character_yaml_refuses_is_reported_where_it_is(value, column, shown):
    loaded = load_plan("X.md", text=f'---\nid: "X"\nname: {value}\n---\n')
    assert isinstance(loaded, LoadError)
    (finding,) = loaded.findings
    assert (finding.line, finding.column, finding.code) == (3, column, "PB006")
    assert shown in finding.message and "\n" not in finding.message
