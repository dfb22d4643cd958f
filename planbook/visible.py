"""Text as people see it: zero-width and other invisible characters dropped, compatibility forms folded
(NFKC: fullwidth `［` is `[`), and letters that look alike read as one (Cyrillic `Т`, `В` as Latin `T`,
`B`; a dotless `ı` as `i`). The checks that must not be fooled by a pasted character (a placeholder left
in, an internal marker, a value that says TBD) read text this way; what is shown stays as written."""

from __future__ import annotations

import unicodedata

_UNSEEN = frozenset({"Cf", "Cc", "Mn", "Me"})
_LAYOUT = frozenset("\n\r\t")  # control characters, but they shape the text: lines, paragraphs, code
# Cyrillic and Greek letters that print as Latin ones, lower case (the text is casefolded first).
_LOOKALIKES = str.maketrans(
    {
        "а": "a",
        "в": "b",
        "с": "c",
        "е": "e",
        "һ": "h",
        "і": "i",
        "ј": "j",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "ԛ": "q",
        "ѕ": "s",
        "т": "t",
        "у": "y",
        "х": "x",
        "ı": "i",
        "ι": "i",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "κ": "k",
        "ν": "v",
        "α": "a",
        "ε": "e",
        "ѵ": "v",
        "ԁ": "d",
        "ԝ": "w",
        "ɡ": "g",
    }
)


def with_origin(text: str) -> tuple[str, list[int]]:
    """`text` as it reads (invisible characters dropped, NFKC), and for each of its characters the
    offset in `text` it came from. Case and letters are kept: placeholders are upper case."""
    if text.isascii():
        return text, list(range(len(text)))
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if (unicodedata.category(char) in _UNSEEN and char not in _LAYOUT) or char == "\ufffd":
            continue
        folded = char if char.isascii() else unicodedata.normalize("NFKC", char)
        chars.append(folded)
        origin.extend([index] * len(folded))
    return "".join(chars), origin


def folded(text: str) -> str:
    """`text` as it reads, casefolded, with look-alike letters read as Latin: for comparing words."""
    seen, _ = with_origin(text)
    return seen.casefold().translate(_LOOKALIKES)
