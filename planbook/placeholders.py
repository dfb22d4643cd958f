"""Find what the template leaves behind: `[PLACEHOLDER]` tokens and `{{#if …}}` block lines.

Text inside code spans and fenced code blocks, link texts and targets, and task boxes is masked first,
so that `` `[CLIENT_NAME]` `` in a how-to note or `[Runbook](…)` is not reported. Masking replaces
characters with spaces and keeps newlines, so positions found in the masked text are the original ones.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import re
from collections.abc import Callable, Iterator

from planbook import schema, visible

# An upper-case token in brackets with an underscore (`[CLIENT_NAME]`), or any of the template's own
# (`[STATUS]`). `[PDF]` or `[A]` in prose are left alone.
_TOKEN = re.compile(r"\[([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z][A-Z0-9]+)\]")
_BLOCK = re.compile(r"\{\{\s*(?:[#/]\s*(?:if|unless|each|with)\b|else\b)[^{}\n]*\}\}")
_FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")
_BACKTICK_RUN = re.compile(r"`+")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_FENCE_OPEN = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})[ \t]*[\w#+.-]*[ \t]*(?:\{[^}\n]*\})?[ \t]*\n?$")
_LINK = re.compile(r"!?\[(?P<text>(?:[^\[\]\n]|\[[^\[\]\n]*\])*)\](?:\([^()\n]*\)|\[(?P<label>[^\[\]\n]*)\])")
_LINK_DEFINITION = re.compile(r"^[ ]{0,3}\[([^\]\n]+)\]:[^\n]*$", re.M)
_TASK_BOX = re.compile(r"^([ \t]*(?:[-*+]|\d+[.)])[ \t]+)\[[ xX]\]", re.M)


@dataclasses.dataclass(frozen=True)
class Leftover:
    """A template remnant found in a text: where it starts, what it is as written, and which rule it
    breaks. `name` is the placeholder's name as it reads (`CLIENT_NAME`, even when written with a
    zero-width character or in fullwidth brackets)."""

    offset: int
    token: str
    code: str  # PB201 for a placeholder, PB202 for a block line
    name: str = ""


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
    if not code_only:
        defined = {match.group(1).casefold() for match in _LINK_DEFINITION.finditer(masked)}
        for match in _LINK.finditer(masked):
            # `[text](url)` is a link; `[text][label]` and `[text][]` are only when the label is defined,
            # and otherwise show as written, brackets and all.
            label = match.group("label")
            if label is None or (label or match.group("text")).casefold() in defined:
                blank(match.start(), match.end())
        for match in _LINK_DEFINITION.finditer(masked):
            blank(match.start(), match.end())
        masked = "".join(chars)
    if not code_only:
        for match in _TASK_BOX.finditer(masked):
            blank(match.end(1), match.end())
    return "".join(chars)


def code_spans(text: str) -> Iterator[tuple[int, int]]:
    """Where code spans are, as Markdown finds them: a run of backticks not escaped by a backslash, to
    the next run of the same length in the same paragraph. A run with no partner is literal backticks.

    Linear in the text: backslashes are counted back from each run once, and blank lines, which end a
    paragraph and any span in it, are found once.
    """
    blank_lines = [match.start() for match in _BLANK_LINE.finditer(text)]
    position = 0
    while True:
        found = _BACKTICK_RUN.search(text, position)
        if found is None:
            return
        start, end = found.span()
        slashes = 0
        while start - slashes - 1 >= 0 and text[start - slashes - 1] == "\\":
            slashes += 1
        if slashes % 2:  # `\`` is a literal backtick; the rest of the run may open a span
            start += 1
            if start == end:
                position = end
                continue
        after = bisect.bisect_left(blank_lines, end)
        limit = blank_lines[after] if after < len(blank_lines) else len(text)
        closing = _closing_run(end - start).search(text, end, limit)
        if closing is None:
            position = end
            continue
        yield start, closing.end()
        position = closing.end()


@functools.lru_cache(maxsize=16)
def _closing_run(length: int) -> re.Pattern[str]:
    return re.compile(rf"(?<!`){'`' * length}(?!`)")


def _blank_fences(text: str, blank: Callable[[int, int], None]) -> None:
    """Blank fenced code blocks: only a fence superfences would open (a backtick or tilde run, then at
    most a language and `{…}` options) and only once it closes. Anything less stays text, so a link in
    it is still seen: the check must never be more lenient than the build."""
    offset = 0
    fence: str | None = None
    start = 0
    for line in text.splitlines(keepends=True):
        if fence is None:
            opening = _FENCE_OPEN.match(line)
            if opening:
                fence, start = opening.group(1), offset
        else:
            closing = _FENCE.match(line)
            if (
                closing
                and closing.group(1)[0] == fence[0]
                and len(closing.group(1)) >= len(fence)
                and not line.strip()[len(closing.group(1)) :]
            ):
                blank(start, offset + len(line))
                fence = None
        offset += len(line)


def find_leftovers(text: str, *, markdown: bool = True) -> Iterator[Leftover]:
    """Placeholders and block lines left in `text`, in order. `markdown` skips what Markdown shows as
    code or a link (the notes); a value is shown as written, so all of it counts. Text is read as
    people see it: zero-width and other invisible characters dropped, fullwidth forms folded (NFKC)."""
    if "[" not in text and "{{" not in text and text.isascii():
        return
    skeleton, origin = visible.with_origin(text)
    scanned = mask_markdown(skeleton) if markdown else skeleton
    found = []
    for match in _TOKEN.finditer(scanned):
        if "_" in match.group(1) or match.group(1) in template_placeholders():
            start, end = origin[match.start()], origin[match.end() - 1] + 1
            found.append(Leftover(start, text[start:end], "PB201", match.group(1)))
    for match in _BLOCK.finditer(scanned):
        start, end = origin[match.start()], origin[match.end() - 1] + 1
        found.append(Leftover(start, text[start:end], "PB202", match.group(0)))
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
