"""The theme's templates, compiled once a process: `COMPILED_TEMPLATES`."""

from __future__ import annotations

import jinja2


class CompiledTemplates(jinja2.BytecodeCache):
    """The theme's templates, compiled once a process. `mkdocs serve` makes a new Jinja environment
    for every rebuild, which would parse and compile each template again; Jinja keys an entry by the
    template and a checksum of its source, so an edited template is compiled afresh."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


#: Shared by every build in this process (the hooks hand it to the theme's environment).
COMPILED_TEMPLATES = CompiledTemplates()
