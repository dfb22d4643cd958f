"""planbook: implementation plans as code.

The engine. It loads plan files, checks them against the schema, and renders them through the
implementation-plan template. It imports nothing from MkDocs: the site, pre-commit and CI are thin
adapters over it.
"""

__version__ = "0.1.0"
