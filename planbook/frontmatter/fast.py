"""The fast path: libyaml and a constructor that builds only plain data, refusing duplicate keys and
keeping dates as text. It takes only what the careful path would build the same way; anything else
raises NotSimple, and the careful path decides."""

from __future__ import annotations

import math
from typing import Any

import yaml

from planbook.frontmatter.limits import MAX_DEPTH, MAX_VALUES
from planbook.frontmatter.tags import (
    BOOL,
    FLOAT,
    INT,
    MAP,
    MAX_DIGITS,
    NULL,
    PLAIN_BOOLS,
    PLAIN_FLOAT,
    PLAIN_INT,
    SCALAR_TAGS,
    SEQ,
    STR,
    TIMESTAMP,
    Loader,
)


class NotSimple(Exception):
    """The fast path met something the careful path must judge: a duplicate or non-text key, say."""


class FastLoader(Loader):  # type: ignore[misc]
    """libyaml and the safe constructor, refusing duplicate keys and keeping dates as text.

    It takes only what the careful path would build the same way: the standard tags, text as
    written, `true`/`false`, and numbers in plain decimals. Anything else (`!!binary`, `!!set`, an
    explicit `!!int "abc"`, `012`, `yes`, `.nan`) goes to the careful path, which says what is wrong.
    """

    yaml_constructors: dict[Any, Any] = {}
    yaml_multi_constructors: dict[Any, Any] = {}

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects:  # only an alias makes the composer share a node
            raise NotSimple
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[str, Any]:
        if not isinstance(node, yaml.MappingNode) or node.tag != MAP:
            raise NotSimple
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag != STR or key_node.value in mapping:
                raise NotSimple
            mapping[key_node.value] = self.construct_object(value_node, deep=deep)
        return mapping

    def construct_sequence(self, node: yaml.Node, deep: bool = False) -> list[Any]:
        if not isinstance(node, yaml.SequenceNode) or node.tag != SEQ:
            raise NotSimple
        return [self.construct_object(child, deep=deep) for child in node.value]

    def construct_plain_scalar(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise NotSimple
        tag, text = node.tag, node.value
        if tag in (STR, TIMESTAMP):
            return text  # dates stay as written: `2026-01-05`, not a datetime
        if tag == NULL:
            return None
        if tag == BOOL and text in PLAIN_BOOLS:
            return PLAIN_BOOLS[text]
        if tag == INT and PLAIN_INT.fullmatch(text) and len(text) <= 300:
            return int(text)
        if tag == FLOAT and PLAIN_FLOAT.fullmatch(text) and len(text) <= MAX_DIGITS:
            value = float(text)
            if math.isfinite(value):
                return value
        raise NotSimple


def refuse_other(loader: FastLoader, node: yaml.Node) -> Any:
    raise NotSimple


for _tag in SCALAR_TAGS:
    FastLoader.add_constructor(_tag, FastLoader.construct_plain_scalar)
FastLoader.add_constructor(SEQ, FastLoader.construct_sequence)
FastLoader.add_constructor(MAP, FastLoader.construct_mapping)
FastLoader.add_constructor(None, refuse_other)


def fast_load(yaml_text: str) -> dict[str, Any] | None:
    """The values by the fast path, or None when the careful path must decide."""
    try:
        data = yaml.load(yaml_text, Loader=FastLoader)
    except (yaml.YAMLError, NotSimple, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or not within_limits(data):
        return None
    return data


def within_limits(data: dict[str, Any]) -> bool:
    count = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        count += 1
        if depth > MAX_DEPTH or count > MAX_VALUES:
            return False
        if isinstance(value, dict):
            stack.extend((child, depth + 1) for child in value.values())
        elif isinstance(value, list):
            stack.extend((child, depth + 1) for child in value)
    return True
