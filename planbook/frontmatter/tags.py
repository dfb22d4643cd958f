"""The YAML tags and scalars a plan may hold, as both parsing paths read them."""

from __future__ import annotations

import re
from typing import Any

import yaml

from planbook.escape import one_line

#: libyaml's safe loader, about 9x faster; pure Python's where PyYAML was built without libyaml.
Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

YAML_TAG_PREFIX = "tag:yaml.org,2002:"
STR = "tag:yaml.org,2002:str"
NULL = "tag:yaml.org,2002:null"
BOOL = "tag:yaml.org,2002:bool"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
TIMESTAMP = "tag:yaml.org,2002:timestamp"
SEQ = "tag:yaml.org,2002:seq"
MAP = "tag:yaml.org,2002:map"
SCALAR_TAGS = {STR, NULL, BOOL, INT, FLOAT, TIMESTAMP}
CONSTRUCTOR = yaml.constructor.SafeConstructor()
# Scalars the fast path and the careful path read alike; anything else is judged by the careful path.
YAML11_BOOLS: dict[str, bool] = dict(yaml.constructor.SafeConstructor.bool_values)
PLAIN_BOOLS = {"true": True, "false": False, "True": True, "False": False, "TRUE": True, "FALSE": False}
PLAIN_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
PLAIN_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
# Python refuses to read integers longer than this (sys.get_int_max_str_digits); no plan needs one.
MAX_DIGITS = 4_300
MAX_BITS = 1_000  # about 300 decimal digits: larger numbers are refused, however they are written


def tag_name(tag: str) -> str:
    """A tag as a plan's author writes it: `!!int` for `tag:yaml.org,2002:int`; escaped for one line.
    A tag of the author's own naming is not quoted: a finding reaches public CI logs, and the name
    might be anything (anchor names are left out for the same reason)."""
    if tag.startswith(YAML_TAG_PREFIX) and len(tag) <= 120:
        return one_line("!!" + tag.removeprefix(YAML_TAG_PREFIX))
    return "!…"
