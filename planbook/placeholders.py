"""Find what the template leaves behind: `[PLACEHOLDER]` tokens and `{{#if …}}` block lines.

Text inside code spans and fenced code blocks, link texts and targets, and task boxes is masked first,
so that `` `[CLIENT_NAME]` `` in a how-to note or `[Runbook](…)` is not reported. Masking replaces
characters with spaces and keeps newlines, so positions found in the masked text are the original ones.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Iterator

from planbook import schema

# An upper-case token in brackets with an underscore (`[CLIENT_NAME]`), or any of the template's own
# (`[STATUS]`). `[PDF]` or `[A]` in prose are left alone.
_TOKEN = re.compile(r"\[([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z][A-Z0-9]+)\]")
_BLOCK = re.compile(r"\{\{\s*(?:[#/]\s*(?:if|unless|each|with)\b|else\b)[^{}\n]*\}\}")
_FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")
_BACKTICKS = re.compile(r"(\\*)(`+)")
_LINK = re.compile(r"!?\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\](?:\([^()\n]*\)|\[[^\[\]\n]*\])")
_LINK_DEFINITION = re.compile(r"^[ ]{0,3}\[[^\]\n]+\]:[^\n]*$", re.M)
_TASK_BOX = re.compile(r"^([ \t]*(?:[-*+]|\d+[.)])[ \t]+)\[[ xX]\]", re.M)


@dataclasses.dataclass(frozen=True)
class Leftover:
    """A template remnant found in a text: where it starts, what it is, and which rule it breaks."""

    offset: int
    token: str
    code: str  # PB201 for a placeholder, PB202 for a block line

    @property
    def name(self) -> str:
        return self.token[1:-1]


@functools.cache
def template_placeholders() -> frozenset[str]:
    """Every placeholder name the template uses, numbered ones as `RISK_1`, `RISK_2`."""
    names: set[str] = set()
    for name in schema.placeholder_fields():
        if name.endswith("_n"):
            names.update(f"{name[:-2]}_{i}" for i in range(1, 4))
        else:
            names.add(name)
    return frozenset(names)


def describe(name: str) -> str:
    """A sentence fragment naming the field a placeholder stands for."""
    base = re.sub(r"_\d+$", "_n", name)
    field = schema.placeholder_fields().get(base)
    if field is None:
        return "fill it in, or put it in backticks if the brackets are meant literally"
    return f"fill in `{field.dotted}`: {field.description}"


def mask_markdown(text: str, *, code_only: bool = False) -> str:
    """`text` with code, links and task boxes (or only code) blanked out, same length, newlines kept."""
    if "`" not in text and "~" not in text and ("[" not in text or code_only):
        return text
    chars = list(text)

    def blank(start: int, end: int) -> None:
        for i in range(start, end):
            if chars[i] != "\n":
                chars[i] = " "

    _blank_fences(text, blank)
    masked = "".join(chars)
    for start, end in code_spans(masked):
        blank(start, end)
    masked = "".join(chars)
    for pattern in () if code_only else (_LINK, _LINK_DEFINITION):
        for match in pattern.finditer(masked):
            blank(match.start(), match.end())
        masked = "".join(chars)
    if not code_only:
        for match in _TASK_BOX.finditer(masked):
            blank(match.end(1), match.end())
    return "".join(chars)


def code_spans(text: str) -> Iterator[tuple[int, int]]:
    """Where code spans are, as Markdown finds them: a run of backticks not escaped by a backslash,
    to the next run of the same length. A run with no partner is literal backticks."""
    position = 0
    while True:
        found = _BACKTICKS.search(text, position)
        if found is None:
            return
        run_start = found.start(2)
        if len(found.group(1)) % 2:  # `\`` is a literal backtick; the run may open a span after it
            position = run_start + 1
            continue
        closing = _closing_run(len(found.group(2))).search(text, found.end(2))
        if closing is None:
            position = found.end(2)
            continue
        yield run_start, closing.end()
        position = closing.end()


@functools.lru_cache(maxsize=16)
def _closing_run(length: int) -> re.Pattern[str]:
    return re.compile(rf"(?<!`){'`' * length}(?!`)")


def _blank_fences(text: str, blank: Callable[[int, int], None]) -> None:
    offset = 0
    fence: str | None = None
    start = 0
    for line in text.splitlines(keepends=True):
        match = _FENCE.match(line)
        if fence is None and match:
            fence, start = match.group(1), offset
        elif (
            fence is not None
            and match
            and match.group(1)[0] == fence[0]
            and len(match.group(1)) >= len(fence)
            and not line.strip()[len(match.group(1)) :]
        ):
            blank(start, offset + len(line))
            fence = None
        offset += len(line)
    if fence is not None:  # an unclosed fence runs to the end, as in CommonMark
        blank(start, offset)


def find_leftovers(text: str, *, markdown: bool = True) -> Iterator[Leftover]:
    """Placeholders and block lines left in `text`, in order."""
    if "[" not in text and "{{" not in text:
        return
    scanned = mask_markdown(text) if markdown else text
    found = [
        Leftover(m.start(), m.group(0), "PB201")
        for m in _TOKEN.finditer(scanned)
        if "_" in m.group(1) or m.group(1) in template_placeholders()
    ]
    found += [Leftover(m.start(), m.group(0), "PB202") for m in _BLOCK.finditer(scanned)]
    yield from sorted(found, key=lambda leftover: leftover.offset)


def may_hold_placeholder(text: str) -> bool:
    """A quick look at raw text: False means it certainly holds no placeholder token."""
    return _TOKEN.search(text) is not None


def bare_placeholder(value: object) -> str | None:
    """The name in `client: [CLIENT_NAME]` written without quotes, which YAML reads as a one-item list."""
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
        name = value[0]
        if _TOKEN.fullmatch(f"[{name}]") and ("_" in name or name in template_placeholders()):
            return name
    return None


def is_placeholder(value: object) -> bool:
    """True for a value that is nothing but a placeholder: `"[CLIENT_NAME]"`, or bare brackets."""
    if isinstance(value, str):
        match = _TOKEN.fullmatch(value.strip())
        return match is not None and ("_" in match.group(1) or match.group(1) in template_placeholders())
    return bare_placeholder(value) is not None
