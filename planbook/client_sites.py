"""The client sites a repository publishes: `client-sites.yml` at its root, one entry per client.

    sites:
      - client: "Northwind Outfitters Ltd."   # named as its plans name it (planbook.audience)
        target: northwind                     # where its site goes: a folder, an environment's name

The deploy workflow builds one site per entry, with `PLANBOOK_CLIENT` set to the client, and publishes
it to the target. A client with plans but no entry gets no site: publishing is asked for, never implied.
The file is read as YAML nodes only (no tags run, no aliases followed); every problem is an error that
names `client-sites.yml:line:col`, and one bad entry stops the whole list, so that no deploy goes out
with a site missing or aimed at the wrong place.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import yaml

from planbook import escape
from planbook.audience import Audience, client_key, closest_clients

SITES_FILE = "client-sites.yml"
MAX_FILE_BYTES = 1_000_000
#: A target is a folder name and a GitHub environment's name alike: lower-case letters, digits, dashes.
TARGET = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


class SitesError(ValueError):
    """`client-sites.yml` cannot be used: the message starts with `path:line:col`."""


_Fail = Callable[[yaml.Node | None, str], SitesError]


@dataclasses.dataclass(frozen=True)
class ClientSite:
    client: str
    target: str


def read_client_sites(path: Path, clients: Iterable[object]) -> list[ClientSite]:
    """The sites `path` asks for, each client checked against the plans' `clients`; none when the file
    does not exist. SitesError for anything else that is wrong with it."""
    try:
        raw = path.read_bytes() if path.stat().st_size <= MAX_FILE_BYTES else None
    except FileNotFoundError:
        return []
    except OSError as e:
        raise SitesError(f"{path.name}:1:1: cannot be read: {escape.one_line(e.strerror)}") from None
    if raw is None:
        raise SitesError(f"{path.name}:1:1: the file is over {MAX_FILE_BYTES:,} bytes; it lists sites, not plans")
    try:
        root = yaml.compose(raw.decode("utf-8"), Loader=yaml.SafeLoader)
    except UnicodeDecodeError as e:
        raise SitesError(f"{path.name}:1:1: not UTF-8 text ({e.reason} at byte {e.start})") from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f"{mark.line + 1}:{mark.column + 1}" if mark else "1:1"
        raise SitesError(f"{path.name}:{where}: invalid YAML: {escape.one_line(e.problem)}") from None
    except yaml.YAMLError as e:
        raise SitesError(f"{path.name}:1:1: invalid YAML: {escape.one_line(e)}") from None
    return _sites(path.name, root, [name for name in clients if isinstance(name, str)])


def _sites(name: str, root: yaml.Node | None, clients: list[str]) -> list[ClientSite]:
    def fail(node: yaml.Node | None, message: str) -> SitesError:
        mark = node.start_mark if node is not None else None
        where = f"{mark.line + 1}:{mark.column + 1}" if mark else "1:1"
        return SitesError(f"{name}:{where}: {message}")

    if root is None:
        return []
    sites_node = _mapping(root, ("sites",), fail, "the file").get("sites")
    if sites_node is None:
        return []
    if not isinstance(sites_node, yaml.SequenceNode):
        raise fail(sites_node, "`sites` must be a list of entries, each `- client: …` with `target: …`")
    sites: list[ClientSite] = []
    seen_clients: dict[str, yaml.Node] = {}
    seen_targets: dict[str, yaml.Node] = {}
    for entry in sites_node.value:
        fields = _mapping(entry, ("client", "target"), fail, "each entry of `sites`")
        for key in ("client", "target"):
            if key not in fields:
                raise fail(entry, f"this entry has no `{key}`; each entry names a client and a target")
        client, target = (_text(fields[key], key, fail) for key in ("client", "target"))
        if not any(Audience(client).includes(known) for known in clients):
            raise fail(
                fields["client"], f"no plan names the client {escape.one_line(repr(client))}{_close(client, clients)}"
            )
        if not TARGET.fullmatch(target):
            raise fail(
                fields["target"],
                f"the target {escape.one_line(repr(target))} must be 1 to 63 lower-case letters, digits and "
                "dashes, such as `northwind`: it names a folder and an environment",
            )
        for seen, key, node in (
            (seen_clients, client_key(client), fields["client"]),
            (seen_targets, target, fields["target"]),
        ):
            if key in seen:
                first = seen[key].start_mark
                raise fail(
                    node,
                    f"this {'client' if seen is seen_clients else 'target'} is listed already, at line {first.line + 1}",
                )
            seen[key] = node
        sites.append(ClientSite(client, target))
    return sites


def _mapping(node: yaml.Node, keys: tuple[str, ...], fail: _Fail, what: str) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode) or node.tag != "tag:yaml.org,2002:map":
        raise fail(node, f"{what} must be a mapping of {', '.join(f'`{key}`' for key in keys)}")
    found: dict[str, yaml.Node] = {}
    for key_node, value in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key not in keys:
            raise fail(key_node, f"unknown key {escape.one_line(repr(key))}; {what} holds {', '.join(keys)}")
        if key in found:
            raise fail(key_node, f"`{key}` is given twice")
        found[key] = value
    return found


def _text(node: yaml.Node, key: str, fail: _Fail) -> str:
    if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:str" or not node.value.strip():
        raise fail(
            node,
            f'`{key}` must be text, such as `{key}: "{"Northwind Outfitters Ltd." if key == "client" else "northwind"}"`',
        )
    return str(node.value)


def _close(client: str, clients: list[str]) -> str:
    close = closest_clients(client, clients, n=1)
    return f"; did you mean {escape.one_line(repr(close[0]))}?" if close else ""
