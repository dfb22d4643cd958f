"""The limits on a front matter, and the refusal that carries a finding out of the parser."""

from __future__ import annotations

MAX_DEPTH = 32
MAX_VALUES = 20_000
# Above this many indicators that can open a collection, the front matter is walked as events first, so
# that deep nesting is refused before libyaml's recursive composer could overflow the C stack.
STRUCTURE_SCAN_THRESHOLD = 800

Position = tuple[int, int]
#: Where a value sits in a plan's data: keys and list indexes, `("risks", 0, "impact")`.
FieldPath = tuple[str | int, ...]


class Refused(ValueError):
    """The front matter is no plan's: a rule code, a sentence, and the position to point at."""

    def __init__(self, code: str, message: str, position: Position) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.position = position
