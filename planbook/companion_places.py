"""Where a plan may say its companion document is (`references.<key>` in the plan): a Markdown file in the
repository, given from `projects/`, that is neither a plan's file nor in another plan's folder, where a
client's site would publish another client's document."""

from __future__ import annotations

from pathlib import Path

from planbook.paths import repository_root, resolved


def place_problem(plan_file: Path, given: str) -> str | None:
    """Why `given`, written in the references of the plan at `plan_file`, cannot be a companion's file, or None."""
    if "://" in given or given.startswith(("/", "\\")) or ":" in given.split("/")[0]:
        return "is neither a Markdown file in the repository (a path from projects/) nor an https:// address"
    if any(ord(c) < 32 or ord(c) == 127 for c in given) or any(len(p.encode()) > 255 for p in given.split("/")):
        return "cannot be a file's name: it holds a control character, or a name over 255 bytes"
    if not given.casefold().endswith(".md"):
        return "is no Markdown file: a companion document is a `.md` file, or an https:// address"
    folder = plan_file.parent.absolute()
    top = repository_root(folder) or folder.parent
    target, projects = resolved(folder / given), resolved(folder)
    if not target.is_relative_to(resolved(top)) or target.is_relative_to(resolved(top / ".git")):
        return "leads out of the repository; a companion document is a file in it"
    if target.parent == projects:
        return "is a plan's file (projects/ holds plans), not a companion document"
    owner = target.parent.name if target.parent.parent == projects else None
    if owner is not None and owner.casefold() != plan_file.stem.casefold() and (projects / f"{owner}.md").exists():
        return f"is in the folder of another plan, {owner}: a plan's documents are its own, and go where it goes"
    return None
