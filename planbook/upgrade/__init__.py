"""`planbook upgrade`: bring plans to the template's version through the migrations in `template.yml`.

Three steps, each its own module: the migrations are read and checked whole (`migrations`), each plan's
new text is worked out without writing anything (`plans`, through the step engine in `steps`), and
only then, when no plan has a conflict, are the changed plans written, each atomically.
"""

from __future__ import annotations

from collections.abc import Sequence

from planbook.files import read_bounded, write_atomic
from planbook.loader import MAX_FILE_BYTES
from planbook.upgrade.migrations import Migration, MigrationError, read_migrations
from planbook.upgrade.plans import PlanUpgrade, upgrade_plan, upgrade_plans

__all__ = [
    "Migration",
    "MigrationError",
    "PlanUpgrade",
    "read_migrations",
    "upgrade_plan",
    "upgrade_plans",
    "write_upgrades",
]


def write_upgrades(upgrades: Sequence[PlanUpgrade]) -> list[str]:
    """Write every changed plan, atomically; nothing at all when any plan has a conflict. The problems
    met while writing, each `path:1:1: sentence`."""
    if any(upgrade.conflict for upgrade in upgrades):
        return []
    problems = []
    for upgrade in upgrades:
        if upgrade.changed and not upgrade.problems:
            try:
                if read_bounded(upgrade.file, MAX_FILE_BYTES) != upgrade.before.encode("utf-8"):
                    problems.append(f"{upgrade.path}:1:1: the plan changed since it was read; upgrade again")
                    continue  # someone's edit, kept: the upgrade would have put the old text back
                write_atomic(upgrade.file, upgrade.after)
            except OSError as e:
                problems.append(f"{upgrade.path}:1:1: cannot write the plan: {e.strerror or e}")
    return problems
