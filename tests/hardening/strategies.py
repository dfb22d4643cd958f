"""Hypothesis strategies and settings shared by the property tests: random YAML trees and Unicode.

Examples are derandomized, so CI runs the same ones every time; `HYPOTHESIS_PROFILE=deep` tries more
(2,000 an example each, new ones every run).
"""

from __future__ import annotations

import copy
import os
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from hostile import base_data, get_path

_DEEP = os.environ.get("HYPOTHESIS_PROFILE") == "deep"
settings.register_profile(
    "hardening",
    max_examples=2000 if _DEEP else 150,
    deadline=None,
    derandomize=not _DEEP,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = settings.get_profile("hardening")

# Any Unicode a Python string can hold and a UTF-8 file can carry (no lone surrogates).
text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
keys = st.one_of(st.sampled_from(["id", "name", "status", "types", "phases", "risks", "notes", "0", "<<", "---"]), text)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False), text)
trees = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=5), st.dictionaries(keys, children, max_size=5)),
    max_leaves=30,
)
front_matters = st.dictionaries(keys, trees, min_size=1, max_size=8)


def _paths(value: Any, path: tuple = ()):
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*path, index))


BASE = base_data()
BASE["id"] = "X"
PATHS = [path for path in _paths(BASE) if path]
# Up to four values of a valid plan, anywhere in it, swapped for random trees.
changes = st.lists(st.tuples(st.sampled_from(PATHS), trees), min_size=1, max_size=4)


def swapped(swaps: list[tuple[tuple, Any]]) -> dict[str, Any]:
    """A copy of BASE with `swaps` applied; a swap whose container an earlier one replaced is skipped."""
    data = copy.deepcopy(BASE)
    for path, value in swaps:
        try:
            parent = get_path(data, path[:-1])
            get_path(parent, path[-1:])  # only what is there
            parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    return data
