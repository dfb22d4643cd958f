"""Check a loaded plan: schema, leftover placeholders, and the completeness gates of its status.

Schema validation takes a fast path first (a compiled validator). Only a plan that fails it is
validated again with `jsonschema`, whose errors say where and why, so a clean portfolio costs little
more than parsing it.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import unicodedata
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from planbook import internal, placeholders, schema, visible
from planbook import paths as paths_module
from planbook.dates import describe_date_rule
from planbook.escape import one_line
from planbook.findings import Finding
from planbook.loader import FieldPath, LoadError, LoadResult, Plan, positions_of

_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of fields",
    "null": "empty",
}


@dataclasses.dataclass
class CheckResult:
    """What `check` found in one file. `plan` is None when the file did not load."""

    path: str
    findings: list[Finding]
    plan: Plan | None = None
    completeness: int | None = None

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)


#: Below this many files, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 200


def check_files(paths: Sequence[Path], *, jobs: int | None = None) -> list[CheckResult]:
    """Check every file, in order. Many files are checked by one worker process per core. Results
    come back without the loaded plan (`plan` is None), which is all a report needs: memory stays
    that of one plan at a time, however many there are."""
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(paths) < PARALLEL_THRESHOLD:
        results = _check_chunk(list(paths))
    else:
        from concurrent.futures import ProcessPoolExecutor

        size = max(1, len(paths) // (workers * 4))
        chunks = [list(paths[i : i + size]) for i in range(0, len(paths), size)]
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = [result for chunk in pool.map(_check_chunk, chunks) for result in chunk]
    return with_collisions(paths, results)


def with_collisions(paths: Sequence[Path], results: list[CheckResult]) -> list[CheckResult]:
    """The results, with PB111 on each plan whose file name another's equals but for case."""
    collisions = paths_module.case_collisions(paths)
    out = []
    for path, result in zip(paths, results):
        others = collisions.get(Path(path))
        if others:
            names = ", ".join(one_line(other.name) for other in others)
            collision = Finding(result.path, 1, 1, "PB111",
                                f"{names} differs from this file's name only by case; on macOS and Windows they are one file, so rename one")
            result = dataclasses.replace(result, findings=sorted({*result.findings, collision}))  # results may be shared
        out.append(result)
    return out


def _check_chunk(paths: list[Path]) -> list[CheckResult]:
    from planbook.loader import load_plan

    results = []
    for path in paths:
        result = check_result(load_plan(path))
        result.plan = None
        results.append(result)
    return results


def check_result(loaded: LoadResult) -> CheckResult:
    if isinstance(loaded, LoadError):
        return CheckResult(loaded.path, sorted(loaded.findings))
    return check_plan(loaded)


def check_plan(plan: Plan) -> CheckResult:
    findings: list[Finding] = []
    errors = schema.schema_errors(plan.data)
    valid = not errors
    leftovers = list(placeholder_findings(plan))
    left_paths = {path for path, _ in leftovers}
    findings += [finding for _, finding in leftovers]
    if errors:
        findings += schema_findings(plan, errors, skip=left_paths)
    if plan.odd_numbers:
        findings += _odd_number_findings(plan)
    findings += _identity_findings(plan)
    if "<!--" in plan.notes:
        findings += internal.marker_findings(plan.path, plan.notes, plan.notes_line)
    if "internal" in plan.notes.casefold():
        findings += internal.look_alike_findings(plan.path, plan.notes, plan.notes_line)
    if "](" in plan.notes or "]:" in plan.notes:
        findings += _relative_link_findings(plan)
    if len(plan.notes) > _NOTES_WORTH_MEASURING:
        findings += _notes_size_findings(plan)
    completeness = None
    if valid:
        contents = list(content_values(plan.data))
        completeness = _share_filled(contents)
        findings += gate_findings(plan, contents)
    return CheckResult(plan.path, sorted(set(findings)), plan, completeness)


# -- placeholders ------------------------------------------------------------------------------


def placeholder_findings(plan: Plan) -> Iterator[tuple[FieldPath, Finding]]:
    """Each placeholder and block line left in the values and the notes, with the value's path."""
    # The front matter as written holds every placeholder its values hold, unless a quoted string
    # spells one with escapes: when neither shows, no value needs a look.
    text = plan.yaml_text
    if "\\" in text or "{{" in text or not text.isascii() or placeholders.may_hold_placeholder(text):
        yield from _value_leftovers(plan)
    if plan.notes:
        leftovers = list(placeholders.find_leftovers(plan.notes))
        places = positions_of(plan.notes, [leftover.offset for leftover in leftovers], plan.notes_line)
        private = internal.internal_spans(plan.notes) if leftovers else []
        for leftover, (line, column) in zip(leftovers, places):
            yield ("notes",), _leftover_finding(plan.path, line, column, leftover, private=_within(leftover.offset, private))


def _value_leftovers(plan: Plan) -> Iterator[tuple[FieldPath, Finding]]:
    """Leftovers in the values, each at its place in the file: located in one pass over the front
    matter, however many values hold one."""
    bare_found, located = [], []
    for path, value in _walk(plan.data, ()):
        bare = placeholders.bare_placeholder(value)
        if bare is not None:
            bare_found.append((path, bare))
        elif isinstance(value, str) and ("[" in value or "{{" in value or not value.isascii()):
            span = plan.spans.get(path)
            search = span[0] if span else 0
            for leftover in placeholders.find_leftovers(value, markdown=False):
                index = plan.yaml_text.find(leftover.token, search, span[1]) if span else -1
                search = index + len(leftover.token) if index >= 0 else search
                located.append((index, path, leftover))
    for path, bare in bare_found:
        line, column = plan.position(path)
        yield path, Finding(plan.path, line, column, "PB201", f"placeholder [{bare}] is left unfilled; {placeholders.describe(bare)}")
    found = [(index, path, leftover) for index, path, leftover in located if index >= 0]
    found.sort(key=lambda item: item[0])
    places = positions_of(plan.yaml_text, [index for index, _, _ in found], plan.yaml_first_line)
    for (_, path, leftover), (line, column) in zip(found, places):
        yield path, _leftover_finding(plan.path, line, column, leftover, private=schema.is_internal(path))
    for index, path, leftover in located:
        if index < 0:  # written with escapes: at the value itself
            line, column = plan.position(path)
            yield path, _leftover_finding(plan.path, line, column, leftover, private=schema.is_internal(path))


#: Python-Markdown's time grows with the square of some shapes of text, and its recursion with the depth of
#: nesting (its issue 798 and the reviews in SECURITY.md): 2,000 `[` in one paragraph take 0.4 s and 8,000
#: take 6 s; 4,000 headings 1.2 s; 500 nested lists or `<div markdown>` blocks raise RecursionError. These
#: bounds keep a plan page's build under about a second whatever the notes hold (test_resource_limits.py).
MAX_NOTES_CHARS = 64 * 1024
MAX_NOTES_BRACKETS = 2_000
MAX_PARAGRAPH_COST = 4_000_000  # `[` in a paragraph, times its length: the quadratic term of links
MAX_HTML_COST = 40_000_000  # `<` in the notes, times their length: raw HTML is looked for across paragraphs
MAX_HEADINGS = 300
MAX_NESTING = 20  # list and quote markers, and four-space indents, at the start of a line
MAX_MARKDOWN_HTML = 50  # HTML blocks whose content is Markdown (`<div markdown>`), which nest
MAX_EMPHASIS_RUN = 32  # `*` or `_` in a row
_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)|^ {0,3}(?:=+|-+)[ \t]*$", re.M)
_NESTING = re.compile(r"^((?:[ \t]*(?:[-*+>]|\d{1,9}[.)])(?=[ \t]|$))+)", re.M)
_MARKDOWN_HTML = re.compile(r"<[A-Za-z][^<>\n]*\smarkdown\b", re.I)  # `[^<` keeps it linear on `<a <a <a …`
_EMPHASIS_RUN = re.compile(r"[*_]{%d,}" % (MAX_EMPHASIS_RUN + 1))
_PARAGRAPH = re.compile(r"(?:[^\n]+\n?)+")
_WHOLE_TAG = re.compile(r"<[/!]?[A-Za-z][^<>\n]*>")
_TAG_START = re.compile(r"<[/!?A-Za-z]")


# Notes shorter than this are too short to nest, repeat or multiply deep enough to matter.
_NOTES_WORTH_MEASURING = 100


def _notes_size_findings(plan: Plan) -> Iterator[Finding]:
    """PB109 where the notes would take Markdown too long, or too deep: each bound says what to change."""
    def finding(offset: int, message: str) -> Finding:
        line, column = next(positions_of(plan.notes, [offset], plan.notes_line))
        return Finding(plan.path, line, column, "PB109", message)

    if len(plan.notes) > MAX_NOTES_CHARS:
        yield finding(0, f"the notes are {len(plan.notes):,} characters; at most {MAX_NOTES_CHARS:,} build in bounded time: "
                         "move long material to a linked document")
        return
    scanned = placeholders.mask_markdown(plan.notes, code_only=True)
    brackets = scanned.count("[")
    if brackets > MAX_NOTES_BRACKETS:
        yield finding(0, f"the notes hold {brackets:,} `[` outside code; at most {MAX_NOTES_BRACKETS:,} build in bounded time: "
                         "put bracket-heavy text in a code block")
    else:
        for paragraph in _PARAGRAPH.finditer(scanned):
            text = paragraph.group()
            if text.count("[") * len(text) > MAX_PARAGRAPH_COST:
                yield finding(paragraph.start(), f"this paragraph of {len(text):,} characters holds {text.count('['):,} `[`; "
                                                 "Markdown's time grows with their product: split it, or put it in a code block")
                break
    angles = len(_TAG_START.findall(_WHOLE_TAG.sub("", scanned)))  # a tag closed on its line costs nothing much
    if angles * len(scanned) > MAX_HTML_COST:
        yield finding(0, f"the notes hold {angles:,} `<` that open no tag closed on its line, in {len(scanned):,} "
                         "characters; Markdown's time grows with their product: write `&lt;`, or put them in a code block")
    headings = sum(1 for _ in _HEADING.finditer(scanned))
    if headings > MAX_HEADINGS:
        yield finding(0, f"the notes hold {headings:,} headings; at most {MAX_HEADINGS} build in bounded time")
    for match in _NESTING.finditer(scanned):
        depth = len(re.findall(r"[-*+>]|\d{1,9}[.)]", match.group(1))) + match.group(1).expandtabs(4).count("    ")
        if depth > MAX_NESTING:
            yield finding(match.start(), f"lists or quotes nested {depth} deep; at most {MAX_NESTING} levels build")
            break
    blocks = len(_MARKDOWN_HTML.findall(scanned))
    if blocks > MAX_MARKDOWN_HTML:
        yield finding(0, f"the notes hold {blocks} HTML blocks with Markdown inside; at most {MAX_MARKDOWN_HTML} build")
    run = _EMPHASIS_RUN.search(scanned)
    if run is not None:
        yield finding(run.start(), f"{len(run.group()):,} `{run.group()[0]}` in a row; at most {MAX_EMPHASIS_RUN} build: "
                                   "put the text in a code block")


# The target of an inline link or image, `[text](target)`, or of a reference definition, `[ref]: target`.
# A reference definition may stand in a block quote or a list item, and its address may be on the next line.
_LINK_TARGET = re.compile(r"\]\(\s*<?(?P<inline>[^)\s>]+)"
                          r"|^(?:[ \t]*>)*[ \t]*\[[^\]\n]+\]:[ \t]*(?:\n(?:[ \t]*>)*[ \t]*)?<?(?P<reference>[^\s>]+)", re.M)


def _relative_link_findings(plan: Plan) -> Iterator[Finding]:
    """Relative links in the notes. A plan page lives at projects/<ID>/ on the site, where a link
    written relative to the plan file finds nothing, and MkDocs' strict build fails without saying
    where; the check says where, and what to write instead. An address no URL parser reads
    (`https://[docs`) is reported too: it is no link to anywhere."""
    scanned = placeholders.mask_markdown(plan.notes, code_only=True)
    private = internal.internal_spans(plan.notes)
    links = []
    for match in _LINK_TARGET.finditer(scanned):
        name = "inline" if match.group("inline") else "reference"
        target = match.group(name)
        scheme = url_scheme(target)
        if scheme is None or not (target.startswith(("#", "/")) or scheme):
            links.append((match.start(name), target, scheme is None))
    offsets = [offset for offset, _, _ in links]
    for (line, column), (offset, target, broken) in zip(positions_of(plan.notes, offsets, plan.notes_line), links):
        if _within(offset, private):
            shown = "a link in internal notes"
        else:
            shown = f"relative link `{one_line(target)}`" if not broken else f"link `{one_line(target)}`"
        if broken:
            yield Finding(plan.path, line, column, "PB108", f"{shown} is not an address any browser can follow; write a full https:// address")
        else:
            yield Finding(plan.path, line, column, "PB108",
                          f"{shown}: the site has no page there; link with a full https:// address, or to a heading with #")


def url_scheme(target: str) -> str | None:
    """The scheme of a link's address (`""` for a relative one), or None when it is no address."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(target)
        parts.port  # noqa: B018 - reading it is how a bad port shows
    except ValueError:
        return None
    return parts.scheme


def _within(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in spans)


def _leftover_finding(path: str, line: int, column: int, leftover: placeholders.Leftover, *, private: bool = False) -> Finding:
    """PB201 or PB202; `private` (internal content) quotes nothing of the text."""
    if leftover.code == "PB202" and private:
        message = "a template block is left in internal content; remove it"
    elif leftover.code == "PB202":
        message = f"template block `{one_line(leftover.token)}` is left in; conditional blocks come from the plan's data, so remove it"
    elif private:
        message = "a placeholder is left unfilled in internal content; fill it in"
    else:
        message = f"placeholder {one_line(leftover.token)} is left unfilled; {placeholders.describe(leftover.name or leftover.token[1:-1])}"
    return Finding(path, line, column, leftover.code, message)


def _walk(value: Any, path: FieldPath) -> Iterator[tuple[FieldPath, Any]]:
    yield path, value
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _walk(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _walk(child, (*path, index))


# -- schema ------------------------------------------------------------------------------------


def schema_findings(plan: Plan, errors: Iterable[schema.SchemaError] | None = None, skip: Iterable[FieldPath] = ()) -> list[Finding]:
    """Detailed schema findings, at the line of the offending value. Values in `skip` already hold a
    placeholder finding, which says more than "must be a number" would."""
    skipped = set(skip)
    findings = []
    for error in schema.schema_errors(plan.data) if errors is None else errors:
        if error.path in skipped or (error.detail is not None and placeholders.is_placeholder(error.detail.instance)):
            continue
        if error.detail is None:  # the fast validator's verdict, which the detailed one did not explain
            line, column = plan.position(error.path)
            name = _dotted(error.path) or "the front matter"
            about = "" if schema.is_internal(error.path) else f": {one_line(error.message)}"
            findings.append(Finding(plan.path, line, column, "PB105", f"`{name}` does not fit the schema{about}"))
            continue
        findings.extend(_explain(plan, error.detail, error.path))
    return findings


def _explain(plan: Plan, error: Any, path: FieldPath) -> Iterator[Finding]:
    name = _dotted(path) or "the front matter"
    kind = error.validator
    line, column = plan.position(path)
    # Internal content (day rates, budgets) may be quoted by nothing: findings reach public CI logs.
    private = schema.is_internal(path) or (kind == "additionalProperties" and schema.is_internal((*path, "")))
    if kind == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        for key in error.instance:
            if key in allowed:
                continue
            key_line, key_column = plan.key_positions.get((*path, key), (line, column))
            where = f" in `{name}`" if path else ""
            if private:
                message = f"a field{where} that the schema does not know; the fields there are: {', '.join(allowed)}"
            else:
                message = f"unknown field `{one_line(key)}`{where}{_did_you_mean(key, allowed)}"
            yield Finding(plan.path, key_line, key_column, "PB101", message)
        return
    if kind == "required":
        missing = re.match(r"'(.+)' is a required property", error.message)
        key = missing.group(1) if missing else "?"
        field = schema.field_for((*path, key))
        about = f" ({field.description})" if field else ""
        where = f"`{name}` is missing" if path else "missing"
        yield Finding(plan.path, line, column, "PB103", f"{where} field `{key}`{about}")
        return
    if kind == "type":
        expected = error.validator_value
        expected = expected if isinstance(expected, str) else expected[0]
        got = _TYPE_NAMES.get(_json_type(error.instance), "something else")
        message = f"`{name}` must be {_TYPE_NAMES.get(expected, expected)}, not {got}"
        written = plan.yaml11.get(path)
        if written is not None and private:
            message += "; YAML reads it as something other than text, so put it in quotes"
        elif written is not None:
            message += f"; YAML reads `{one_line(written)}` as {error.instance!r}, so quote it: \"{one_line(written)}\""
        elif expected == "string" and isinstance(error.instance, list):
            message += "; text that starts with `[` must be quoted"
        yield Finding(plan.path, line, column, "PB102", message)
        return
    if kind == "enum":
        choices = [str(c) for c in error.validator_value]
        shown = "this value" if private else one_line(repr(error.instance))
        hint = "" if private else _did_you_mean(str(error.instance), choices)
        yield Finding(plan.path, line, column, "PB104", f"`{name}` cannot be {shown}{hint}; choose one of: {', '.join(choices)}")
        return
    field = schema.field_for(path)
    message = _format_message(error, field) if not private else _private_message(error)
    yield Finding(plan.path, line, column, "PB105", f"`{name}`: {message}")


def _private_message(error: Any) -> str:
    if error.validator == "maxLength":
        return f"is {len(error.instance):,} characters long; at most {error.validator_value} are allowed"
    return f"does not fit the schema's `{error.validator}` rule"


#: How YAML 1.1 reads numbers that are not plain decimals, for PB105.
_ODD_NUMBER = [
    (re.compile(r"[-+]?0[0-7_]+"), "an octal number: drop the leading zero"),
    (re.compile(r"[-+]?0[xX][0-9a-fA-F_]+"), "a hexadecimal number: write it in decimal digits"),
    (re.compile(r"[-+]?0[bB][01_]+"), "a binary number: write it in decimal digits"),
    (re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?"), "a number in base 60 (minutes and seconds): write the number you mean"),
    (re.compile(r"[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"), "not a number anyone can reach: write a number such as 99.5"),
]


def _odd_number_findings(plan: Plan) -> Iterator[Finding]:
    """PB105 for numbers YAML reads another way than they read (`012` is 10, `1:30` is 90, `.nan`). A
    field that wants text already has its PB102, with the same hint."""
    for path, written in plan.odd_numbers.items():
        field = schema.field_for(path)
        if field is None or field.type not in ("integer", "number"):
            continue
        line, column = plan.position(path)
        why = next((why for pattern, why in _ODD_NUMBER if pattern.fullmatch(written)), "write it in plain decimal digits")
        if schema.is_internal(path):
            yield Finding(plan.path, line, column, "PB105", f"`{_dotted(path)}`: a number YAML reads another way than it is written; {why}")
            continue
        value = _value_at(plan.data, path)
        yield Finding(plan.path, line, column, "PB105", f"`{_dotted(path)}`: YAML reads `{one_line(written)}` as {value!r}, {why}")


def _value_at(data: Any, path: FieldPath) -> Any:
    for part in path:
        data = data[part]
    return data


def _format_message(error: Any, field: schema.Field | None) -> str:
    kind, limit = error.validator, error.validator_value
    if kind == "format" and limit == "date":
        return f"{one_line(repr(error.instance))} is not {describe_date_rule()}"
    if kind == "pattern":
        about = field.description if field else f"the pattern {limit}"
        return f"{one_line(repr(error.instance))} is not in the expected form: {about}"
    if kind in ("minimum", "maximum"):
        return f"{error.instance} is {'below' if kind == 'minimum' else 'above'} the {kind} of {limit}"
    if kind == "minItems":
        return f"needs at least {limit} item{'s' if limit != 1 else ''}"
    if kind == "maxItems":
        return f"has {len(error.instance):,} items; at most {limit} are allowed"
    if kind == "maxLength":
        return f"is {len(error.instance):,} characters long; at most {limit} are allowed"
    if kind == "uniqueItems":
        return "lists the same item twice"
    return one_line(error.message)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if not close:
        close = [c for c in choices if c.lower() == word.lower().strip()]
    return f"; did you mean `{close[0]}`?" if close else ""


def _dotted(path: FieldPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return one_line(text)


def _identity_findings(plan: Plan) -> Iterator[Finding]:
    plan_id = plan.data.get("id")
    stem = Path(plan.path).stem
    if isinstance(plan_id, str) and not placeholders.is_placeholder(plan_id) and plan_id != stem:
        line, column = plan.position(("id",))
        yield Finding(plan.path, line, column, "PB106", f"`id` is {one_line(repr(plan_id))} but the file is {one_line(stem)}.md; rename one so they match")
    reserved = paths_module.name_problem(stem)
    if reserved is not None:
        yield Finding(plan.path, 1, 1, reserved.code, reserved.message)
    types = plan.data.get("types")
    phases = plan.data.get("phases")
    development = phases.get("development") if isinstance(phases, dict) else None
    tasks = development.get("tasks") if isinstance(development, dict) else None
    if isinstance(types, list) and isinstance(tasks, dict):
        specs = schema.task_specs(("phases", "development", "tasks"))
        for key in tasks:
            needs = specs.get(key, {}).get("x-requires-type")
            if needs and needs not in types:
                line, column = plan.key_positions.get(("phases", "development", "tasks", key), (1, 1))
                yield Finding(plan.path, line, column, "PB107", f"task `{key}` is for {needs} plans, and this plan's types are {one_line(', '.join(map(str, types)))}; it is not shown")


# -- completeness and gates --------------------------------------------------------------------


def is_empty(value: Any) -> bool:
    """Empty, TBD or still a placeholder: a value that does not count as filled in.

    Text counts as empty when nothing is left of it but punctuation once invisible characters and
    HTML comments are gone and it is read as NFKC (`"\u200b"`, `"—"`, `"…"`, `"<!-- -->"`), when
    what is left is a stand-in (`TBD.`, `[TBD]`, `ＴＢＤ`, `todo`), or when it is a bracketed name
    like a placeholder's (`[client_name]`).
    """
    if value is None:
        return True
    if isinstance(value, str):
        text = value.strip()
        if len(text) > 12 and text.isascii() and text[0] != "[":
            return False  # the common case, decided without normalizing: no stand-in is this long
        return _is_stand_in(text) or placeholders.is_placeholder(text)
    return placeholders.is_placeholder(value)


_STAND_INS = frozenset({"tbd", "tba", "tbc", "todo", "tk", "xxx", "fixme"})
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)
_BRACKETED_NAME = re.compile(r"\[[A-Za-z0-9_ -]+\]")
# Letters that print as nothing: Hangul fillers, the blank Braille pattern.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _is_stand_in(text: str) -> bool:
    """Nothing but punctuation, a stand-in word (`T.B.D.`, `**TBD**`, Cyrillic `ТВD`), or a bracketed
    name, once the text is read as people see it."""
    seen = "".join(c for c in visible.folded(_HTML_COMMENT.sub("", text)) if not c.isspace() and c not in _BLANK_LETTERS)
    if _BRACKETED_NAME.fullmatch(seen):
        return True
    core = "".join(c for c in seen if unicodedata.category(c)[0] in "LN")
    return not core or core in _STAND_INS


def content_values(data: dict[str, Any]) -> Iterator[tuple[FieldPath, dict[str, Any], Any]]:
    """Every content field the plan should fill, with its value (None when missing).

    Optional fields count only when present, list-of-text fields count once per item (and once when
    empty, unless an empty list is a complete answer), lists of mappings count each item's fields.
    Each comes with its schema, as (path, schema, value).
    """
    yield from _content(data, schema.plan_schema(), ())


def _content(data: Any, spec: dict[str, Any], path: FieldPath) -> Iterator[tuple[FieldPath, dict[str, Any], Any]]:
    required = spec.get("required", ())
    for name, child in spec.get("properties", {}).items():
        child_path = (*path, name)
        present = isinstance(data, dict) and name in data
        if not present and (name not in required or child.get("x-optional")):
            continue
        value = data.get(name) if isinstance(data, dict) else None
        kind = child.get("type")
        if kind == "object":
            yield from _content(value if isinstance(value, dict) else {}, child, child_path)
        elif kind == "array" and child.get("items", {}).get("type") == "object":
            items = value if isinstance(value, list) and value else [{}]
            for index, item in enumerate(items):
                yield from _content(item, child["items"], (*child_path, index))
        elif kind == "array":
            items = value if isinstance(value, list) else []
            if not items and not child.get("x-may-be-empty"):
                yield child_path, child, None
            for index, item in enumerate(items):
                yield (*child_path, index), child, item
        elif kind != "boolean":
            yield child_path, child, value


def completeness_of(data: dict[str, Any]) -> int:
    """The share of content fields filled in, as a whole percentage: 100 only when every one is."""
    return _share_filled(content_values(data))


def _share_filled(contents: Iterable[tuple[FieldPath, dict[str, Any], Any]]) -> int:
    total = filled = 0
    for _, _, value in contents:
        total += 1
        filled += not is_empty(value)
    return 100 if total == 0 else (filled * 100) // total


def lifecycle_index(status: str) -> int:
    """Where a status stands in the lifecycle; -1 for on-hold and cancelled, which have no gates."""
    return schema.LIFECYCLE.index(status) if status in schema.LIFECYCLE else -1


def open_tasks(data: dict[str, Any], container: tuple[str, ...]) -> list[str]:
    """The task keys under `container` that are not done, skipping other integration types' tasks."""
    node: Any = data
    for part in container:
        node = node.get(part, {}) if isinstance(node, dict) else {}
    done = node if isinstance(node, dict) else {}  # a draft may hold anything where the tasks belong
    return [key for key in applicable_tasks(data, container) if done.get(key) is not True]


# The lifecycle gate: each status requires the checklists of the phases before it.
GATES: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = (
    ("development", (("phases", "discovery", "tasks"), ("api_access",))),
    ("testing", (("phases", "development", "tasks"),)),
    ("deployment", (("phases", "testing", "tasks"), ("deployment", "checklist"))),
    ("support", (("phases", "deployment", "tasks"),)),
    ("complete", (("phases", "support", "tasks"), ("success", "checklist"))),
)


def gate_findings(plan: Plan, contents: Iterable[tuple[FieldPath, dict[str, Any], Any]] | None = None) -> list[Finding]:
    data = plan.data
    status = data["status"]
    stage = lifecycle_index(status)
    findings: list[Finding] = []
    if stage <= schema.LIFECYCLE.index("discovery"):
        return findings
    for path, spec, value in content_values(data) if contents is None else contents:
        if is_empty(value) and not placeholders.is_placeholder(value):  # placeholders have their own finding
            line, column = plan.position(path)
            about = spec.get("description") or spec.get("title", "")
            findings.append(Finding(plan.path, line, column, "PB301", f"`{_dotted(path)}` is empty or TBD, and a plan in {status} must have every field filled in ({about})"))
    blockers = data["open_items"]["blockers"]
    for index, _ in enumerate(blockers):
        line, column = plan.position(("open_items", "blockers", index))
        findings.append(Finding(plan.path, line, column, "PB303", f"open blocker, and the status is {status}: resolve it and remove it from the list, or set `status: on-hold`"))
    for gate_status, containers in GATES:
        if stage < lifecycle_index(gate_status):
            break
        previous = schema.LIFECYCLE[lifecycle_index(gate_status) - 1]
        for container in containers:
            for key in open_tasks(data, container):
                title = _task_title(data, container, key)
                path = (*container, key)
                line, column = plan.position(path) if path in plan.positions else plan.position(container)
                findings.append(Finding(plan.path, line, column, "PB302", f"the status is {status}, but \"{title}\" is not done; set `{key}: true` once it is, or set the status back to {previous}"))
    if stage >= lifecycle_index("complete"):
        for index, criterion in enumerate(data["success"]["criteria"]):
            if criterion.get("done") is not True:
                line, column = plan.position(("success", "criteria", index, "done"))
                findings.append(Finding(plan.path, line, column, "PB302", f"the status is complete, but success criterion {index + 1} is not met; set `done: true` once it is"))
    return findings


def _task_title(data: dict[str, Any], container: tuple[str, ...], key: str) -> str:
    from planbook.render import task_label

    return task_label(data, container, key, escaped=False)


def progress_of(data: dict[str, Any], container: tuple[str, ...]) -> tuple[int, int]:
    """(done, total) for the tasks under `container` that apply to this plan."""
    total = len(applicable_tasks(data, container))
    return total - len(open_tasks(data, container)), total


def applicable_tasks(data: dict[str, Any], container: tuple[str, ...]) -> list[str]:
    given = data.get("types")
    types = {t for t in schema.INTEGRATION_TYPES if isinstance(given, list) and t in given}
    return [key for key, spec in schema.task_specs(container).items() if spec.get("x-requires-type") in types | {None}]
