"""The floor for `planbook check` (P3): read every plan in a folder and parse its front matter with
libyaml, in one process, and nothing else. `python -m bench.floor DIR`"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml


def parse_all(folder: Path) -> int:
    parsed = 0
    for path in sorted(folder.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        _, _, rest = text.partition("---\n")
        front, _, _ = rest.partition("\n---\n")
        if yaml.load(front, Loader=yaml.CSafeLoader) is not None:
            parsed += 1
    return parsed


if __name__ == "__main__":
    count = parse_all(Path(sys.argv[1]))
    print(f"parsed {count} front matters")
