"""`planbook sites`: the clients the plans name, and the client sites `client-sites.yml` asks for."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from planbook.cli.common import EXIT_OK, UsageError, plan_files
from planbook.escape import one_line


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "sites",
        help="the clients, and the client sites client-sites.yml asks for",
        description=(
            "List every client the plans name, with its plans and the target of its site from client-sites.yml"
            " (a client with no entry gets no site). --matrix prints the sites as the deploy workflow's matrix,"
            " one line of JSON. Exits 2 when client-sites.yml is wrong: a client no plan names, a bad or"
            " repeated target."
        ),
    )
    parser.add_argument("--matrix", action="store_true", help='print {"include": [{"client": …, "target": …}]}')
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from planbook.audience import client_key
    from planbook.client_sites import SITES_FILE, SitesError, read_client_sites
    from planbook.loader import LoadError, load_plan
    from planbook.paths import projects_dir

    files = plan_files([])
    plans = [plan for plan in map(load_plan, files) if not isinstance(plan, LoadError)]
    clients: dict[str, tuple[str, list[str]]] = {}
    for plan in plans:
        name = plan.data.get("client")
        if isinstance(name, str) and client_key(name):
            clients.setdefault(client_key(name), (name, []))[1].append(plan.id)
    try:
        sites = read_client_sites(projects_dir().parent / SITES_FILE, [name for name, _ in clients.values()])
    except SitesError as e:
        raise UsageError(str(e)) from None
    if args.matrix:
        include = [{"client": site.client, "target": site.target} for site in sites]
        print(json.dumps({"include": include}, ensure_ascii=True))
        return EXIT_OK
    targets = {client_key(site.client): site.target for site in sites}
    for key, (name, ids) in sorted(clients.items()):
        target = targets.get(key)
        where = f"site: {target}" if target else f"no site (add it to {SITES_FILE})"
        sys.stdout.write(f"{one_line(name)}\t{len(ids)} plan{'s' if len(ids) != 1 else ''}\t{where}\n")
    return EXIT_OK
