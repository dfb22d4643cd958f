"""Who a build of the site is for: the team (the internal site, the default) or one client.

`PLANBOOK_CLIENT=<client>` builds a client's site: only the plans whose `client` names that client,
and no internal content anywhere (see `planbook.internal`). A client is named the way its plans name
it, compared as people type it: case, runs of spaces, invisible characters, compatibility forms (a
fullwidth letter, a no-break space) and how an accent is stored (`ü` as one character or as `u` and a
combining mark) do not count, so `northwind  outfitters ltd.` names the plans of `Northwind Outfitters
Ltd.`. Any other difference names another client: a missing full stop, an accent, and a letter of
another alphabet that looks like a Latin one (a Cyrillic `о`), since two names that merely look alike
may be two clients.
A name that matches no plan is an error, so that no empty site is ever published in a client's name.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import unicodedata
from collections.abc import Iterable, Mapping

from planbook import escape

#: The environment variable that names the client a build is for.
CLIENT_VARIABLE = "PLANBOOK_CLIENT"


class AudienceError(ValueError):
    """The audience asked for cannot be built: an empty name, or a client no plan names."""


@dataclasses.dataclass(frozen=True)
class Audience:
    """`client` None: the team, who see every plan and its internal content."""

    client: str | None = None

    @property
    def internal(self) -> bool:
        return self.client is None

    def includes(self, client: object) -> bool:
        """Whether a plan whose `client` field holds `client` belongs on this audience's site. A plan
        whose client is not a name (a draft, a file that did not load) belongs on the team's only."""
        if self.client is None:
            return True
        return isinstance(client, str) and client_key(client) == client_key(self.client)


INTERNAL = Audience()


def client_key(name: str) -> str:
    """A client's name as it is compared: NFKC (accents composed, compatibility forms folded), format
    and control characters dropped, case folded, spaces run together. Letters stay letters: no accent
    is dropped and no look-alike is read as another letter."""
    text = unicodedata.normalize("NFKC", name)
    kept = "".join(char for char in text if char.isspace() or unicodedata.category(char) not in _UNSEEN)
    return " ".join(unicodedata.normalize("NFKC", kept.casefold()).split())


#: Format and control characters, and unassigned or private code points: nothing a reader sees.
_UNSEEN = frozenset({"Cf", "Cc", "Cn", "Co", "Cs"})


def audience_from(environ: Mapping[str, str] | None = None) -> Audience:
    """The audience `PLANBOOK_CLIENT` asks for; unset, the team's. Set but blank is an error, not the
    team's site: a deploy that meant to build a client's site must never publish the internal one."""
    value = (os.environ if environ is None else environ).get(CLIENT_VARIABLE)
    if value is None:
        return INTERNAL
    if not client_key(value):
        raise AudienceError(
            f"{CLIENT_VARIABLE} is set but names no client; name one as its plans do, "
            f'such as {CLIENT_VARIABLE}="Northwind Outfitters Ltd.", or unset it to build the internal site'
        )
    return Audience(value)


def require_plans(audience: Audience, clients: Iterable[object]) -> None:
    """AudienceError when `audience` is a client that none of the plans' `clients` names."""
    if audience.client is None:
        return
    names = sorted({name for name in clients if isinstance(name, str) and client_key(name)})
    if any(audience.includes(name) for name in names):
        return
    close = closest_clients(audience.client, names)
    hint = f"; did you mean {' or '.join(repr(escape.one_line(name)) for name in close)}?" if close else ""
    known = ", ".join(repr(escape.one_line(name)) for name in names[:20]) or "none"
    raise AudienceError(
        f"{CLIENT_VARIABLE}={escape.one_line(repr(audience.client))} names no client of the plans{hint} "
        f"No site is built for a client with no plans. The plans' clients: {known}"
        f"{' …' if len(names) > 20 else ''}"
    )


def closest_clients(name: str, clients: Iterable[str], n: int = 3) -> list[str]:
    """The clients whose names read most like `name`: for "did you mean" after a misspelling."""
    keys = {client_key(client): client for client in clients}
    return [keys[key] for key in difflib.get_close_matches(client_key(name), list(keys), n=n, cutoff=0.6)]
