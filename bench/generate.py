"""Generate realistic, varied and valid plans, for building large sites and for benchmarks.

    python -m bench.generate 1000 /tmp/plans        # writes /tmp/plans/<ID>.md

The same `seed` gives the same plans, byte for byte. Every plan passes `planbook check`: statuses
come with the tasks their gates require done, blockers only where a status allows them, and the
development tasks of the plan's own integration types only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from planbook import schema
from planbook.files import write_atomic
from planbook.model import gate_checklists, lifecycle_index

SYSTEMS: dict[str, list[tuple[str, str]]] = {
    "accounting": [
        ("Shopify", "QuickBooks Online"),
        ("WooCommerce", "Xero"),
        ("BigCommerce", "NetSuite"),
        ("Stripe", "Sage Intacct"),
        ("Square", "QuickBooks Online"),
        ("Amazon Seller Central", "Xero"),
    ],
    "marketing": [
        ("HubSpot", "Mailchimp"),
        ("Salesforce", "Klaviyo"),
        ("Shopify", "Klaviyo"),
        ("Pipedrive", "ActiveCampaign"),
        ("Zoho CRM", "Brevo"),
        ("HubSpot", "Customer.io"),
    ],
    "fulfillment": [
        ("Shopify", "ShipStation"),
        ("WooCommerce", "ShipBob"),
        ("Amazon Seller Central", "ShipStation"),
        ("BigCommerce", "ShipHero"),
        ("Shopify", "Deliverr"),
        ("Magento", "ShipStation"),
    ],
}
CLIENT_WORDS = [
    "Northwind",
    "Brightleaf",
    "Cascade",
    "Harbour",
    "Juniper",
    "Kestrel",
    "Lumen",
    "Meridian",
    "Oakridge",
    "Pinecrest",
    "Quarry",
    "Redwood",
    "Saltmarsh",
    "Tidewater",
    "Upland",
    "Vireo",
    "Willow",
    "Yarrow",
    "Zephyr",
    "Alder",
    "Bramble",
    "Copperfield",
    "Driftwood",
    "Elmstead",
]
CLIENT_KINDS = [
    "Outfitters",
    "Learning",
    "Coffee Roasters",
    "Home Goods",
    "Pet Supply",
    "Cycles",
    "Apothecary",
    "Books",
    "Ceramics",
    "Tea Company",
    "Skincare",
    "Toys",
    "Garden Centre",
    "Footwear",
]
SUFFIXES = ["Ltd.", "Inc.", "GmbH", "LLC", "& Co.", "B.V.", ""]
PEOPLE = [
    "Priya Raman",
    "Tomás Ortega",
    "Hana Kobayashi",
    "Sam Okafor",
    "Lena Fischer",
    "Marta Kowalska",
    "Dev Patel",
    "Chloé Martin",
    "Olivia Brennan",
    "Kwame Mensah",
    "Aisha Siddiqui",
    "Jonas Berg",
    "Mei Lin",
    "Rafael Souza",
    "Ingrid Nilsson",
    "Yusuf Demir",
    "Fiona Walsh",
    "Mateo García",
]
IMPACTS = [
    "Orders reach {b} within {n} minutes, without manual exports",
    "Month-end close shortened from {n} working days to two",
    "No more re-keying: about {n} orders a week flow through on their own",
    "Customer records agree in {a} and {b} within one sync cycle",
    "Refunds and fees booked the day they happen",
    "Support sees one history per customer across {a} and {b}",
]
RISKS = [
    ("{b}'s rate limit throttles the nightly backfill", "High", "Batch endpoints and a queue with backoff"),
    ("Historic records hold inconsistent customer IDs", "Medium", "Match on email first, then on name and postcode"),
    (
        "The client's staff keep editing records by hand during cut-over",
        "Medium",
        "A read-only window agreed in advance",
    ),
    ("{a} changes its API version during the project", "Low", "Pin the API version and watch the changelog"),
    ("Tax rules differ between regions", "High", "Tax codes mapped per region and reviewed by the accountant"),
]
QUESTIONS = [
    "Which system is the source of truth for customer addresses?",
    "Do partial refunds need their own credit memo?",
    "Should archived products sync at all?",
    "Who signs off the data mapping on the client's side?",
]
BLOCKERS = [
    "Waiting for production API credentials for {b}",
    "The client's {a} plan lacks API access",
    "No decision yet on the tax mapping",
]
ASSUMPTIONS = [
    "The client keeps one {a} store for the project's length",
    "{b}'s sandbox behaves like production for rate limits",
    "Historic data older than two years stays out of scope",
]
STATUS_WEIGHTS = {
    "draft": 6,
    "discovery": 10,
    "development": 18,
    "testing": 12,
    "deployment": 8,
    "support": 8,
    "complete": 20,
    "on-hold": 5,
    "cancelled": 3,
}


def generate_plans(n: int, dest: Path | str, *, seed: int = 0) -> list[Path]:
    """Write `n` plans into `dest` (created if needed) and return their paths, in ID order."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for index in range(n):
        data, notes = plan_data(rng, index)
        path = dest / f"{data['id']}.md"
        write_atomic(path, _file_text(data, notes))
        (dest / data["id"]).mkdir(exist_ok=True)
        for name, text in companion_texts(data).items():
            write_atomic(dest / data["id"] / name, text)
        paths.append(path)
    return sorted(paths)


def plan_text(rng: random.Random, index: int) -> tuple[str, str]:
    """One plan's ID and file text. `index` makes the ID unique."""
    data, notes = plan_data(rng, index)
    return data["id"], _file_text(data, notes)


def _file_text(data: dict[str, Any], notes: str) -> str:
    return f"---\n{yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)}---\n{notes}"


def companion_texts(data: dict[str, Any]) -> dict[str, str]:
    """The plan's SOW and technical specs, by file name (docs/reference/companions.md): the SOW's acceptance
    criteria are the plan's success criteria, and the mapping has a row per field the sync writes."""
    plan_id, system_a, system_b = data["id"], data["system_a"], data["system_b"]
    criteria = [criterion["text"] for criterion in data["success"]["criteria"]]
    rows = [
        {
            "source_object": "Order",
            "source_field": "id",
            "target_object": "Record",
            "target_field": "external_id",
            "required": True,
        },
        {
            "source_object": "Order",
            "source_field": "total",
            "target_object": "Record",
            "target_field": "amount",
            "transform": "to 2 decimals",
            "required": True,
        },
        {
            "source_object": "Customer",
            "source_field": "email",
            "target_object": "Contact",
            "target_field": "email",
            "transform": "lower-cased",
            "required": False,
        },
    ]

    def document(front: dict[str, Any], body: str) -> str:
        return f"---\n{yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=100)}---\n\n{body}\n"

    return {
        f"{plan_id}-sow.md": document(
            {"acceptance_criteria": criteria}, f"## Scope\n\n{system_a} to {system_b}, from go-live on."
        ),
        f"{plan_id}-technical-specs.md": document(
            {"data_mapping": rows}, f"## Architecture\n\nA worker posts each {system_a} event to {system_b}."
        ),
    }


def plan_data(rng: random.Random, index: int) -> tuple[dict[str, Any], str]:
    types = rng.sample(schema.INTEGRATION_TYPES, k=rng.choice([1, 1, 1, 2]))
    system_a, system_b = rng.choice(SYSTEMS[types[0]])
    word = CLIENT_WORDS[index % len(CLIENT_WORDS)]
    client = " ".join(part for part in (word, rng.choice(CLIENT_KINDS), rng.choice(SUFFIXES)) if part)
    status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
    stage = lifecycle_index(status)
    people = rng.sample(PEOPLE, k=6)
    fill = {"a": system_a, "b": system_b, "n": rng.randint(2, 40)}
    weeks = [rng.choice([1, 2, 2, 3]), rng.choice([3, 4, 5, 6]), rng.choice([2, 3]), 1, rng.choice([2, 4])]
    durations = [f"{w} week{'s' if w != 1 else ''}" if rng.random() < 0.8 else f"{w * 5} days" for w in weeks]
    data: dict[str, Any] = {
        "id": f"{word.upper()}-{index + 1:03d}",
        "name": f"{word} {system_a} to {system_b} {types[0]} sync",
        "client": client,
        "system_a": system_a,
        "system_b": system_b,
        "types": types,
        "lead": people[0],
        "status": status,
    }
    if rng.random() < 0.9:
        start = dt.date(2025, 1, 6) + dt.timedelta(weeks=rng.randint(0, 120))
        data["start_date"] = start.isoformat()
    data |= {
        "summary": f"{system_a} and {system_b} stay in step for {client}: records sync every {rng.choice([5, 10, 15, 30])} "
        f"minutes, errors are retried and reported, and the team stops copying data by hand.",
        "timeline": f"{sum(weeks)} weeks",
        "confidence": rng.randrange(50, 100, 5),
        "problem": f"Data moves between {system_a} and {system_b} through spreadsheets and copy and paste. It is slow, "
        f"it goes wrong a few times a month, and nobody trusts the numbers until someone has checked them.",
        "impacts": [text.format(**fill) for text in rng.sample(IMPACTS, k=rng.randint(2, 4))],
        "time_savings": f"{rng.randint(2, 20)} hours a week of manual work",
        "phases": {},
    }
    for number, phase in enumerate(schema.PHASES):
        entry: dict[str, Any] = {"duration": durations[number]}
        if phase != "support":
            entry["owner"] = rng.choice(people[:4])
        if phase == "testing":
            entry["edge_cases"] = ["Order edited after it synced", "Customer merged in one system only"][
                : rng.randint(1, 2)
            ]
            entry["performance_scenario"] = f"{rng.randint(1, 20) * 500:,} records in one hour"
        if phase == "support":
            entry["stabilization_days"] = rng.choice([14, 21, 30])
        entry["tasks"] = _tasks(rng, ("phases", phase, "tasks"), types, status)
        data["phases"][phase] = entry
    data |= {
        "team": {"pm": people[4], "lead": people[0], "developer": people[1], "qa": people[5]},
        "api_access": _tasks(rng, ("api_access",), types, status),
        "rate_limits": {
            "system_a": f"{rng.choice([2, 4, 10])} requests/second",
            "system_b": f"{rng.choice([40, 100, 500])} requests/minute",
        },
    }
    if rng.random() < 0.3:
        data["migration"] = {
            "scope": f"{rng.randint(1, 5)} years of records, about {rng.randint(5, 200)},000 rows",
            "strategy": "One-off batch import before go-live, checked by counts and a sample",
        }
    data |= {
        "risks": [
            {"risk": r.format(**fill), "impact": i, "mitigation": m}
            for r, i, m in rng.sample(RISKS, k=rng.randint(2, 3))
        ],
        "testing": {
            "test_data": f"A copy of last month's data in a {system_b} sandbox",
            "scenarios": ["Happy path for a typical day's records", "A record changed in both systems at once"],
            "error_scenarios": [f"{system_b} is down for an hour: records queue and sync in order when it returns"],
        },
        "deployment": {
            "strategy": rng.choice(
                [
                    "Cut-over on a quiet Monday",
                    "Parallel run for a week, then switch",
                    "Blue-green, with a one-week parallel run",
                ]
            ),
            "window": rng.choice(["Monday 06:00–08:00", "Sunday 02:00–06:00 client time", "Friday after close"]),
            "rollback_time": rng.choice(["15 minutes", "30 minutes", "1 hour"]),
            "checklist": _tasks(rng, ("deployment", "checklist"), types, status),
        },
        "monitoring": {
            "target_success_rate": rng.choice([99, 99.5, 99.8, 99.9]),
            "target_duration": f"under {rng.choice([2, 5, 10])} minutes",
            "target_error_rate": rng.choice([0.1, 0.2, 0.5, 1]),
        },
        "open_items": {
            "questions": [q for q in rng.sample(QUESTIONS, k=rng.randint(0, 2))],
            # Past discovery a plan may not have open blockers; on hold it may.
            "blockers": [b.format(**fill) for b in rng.sample(BLOCKERS, k=rng.randint(0, 2))]
            if stage <= lifecycle_index("discovery")
            else [],
            "assumptions": [a.format(**fill) for a in rng.sample(ASSUMPTIONS, k=rng.randint(0, 2))],
        },
        "success": {
            "criteria": [
                {"text": f"{system_b} matches {system_a} for a full month", "done": status == "complete"},
                {"text": "The client's team signs off the first month-end", "done": status == "complete"},
            ],
            "checklist": _tasks(rng, ("success", "checklist"), types, status),
        },
    }
    notes = ""
    if rng.random() < 0.5:
        notes = (
            f"\n## Meeting notes\n\n- **Kick-off**: {people[4]} agreed the scope with the client.\n"
            f"- {system_b} sandbox access arrives in week one; see the [{system_b} docs](https://example.com/docs).\n"
        )
    return data, notes


def _tasks(rng: random.Random, container: tuple[str, ...], types: Sequence[str], status: str) -> dict[str, bool]:
    """Task states a plan at `status` may have: every task its gates require done, others at random."""
    required = _gated(status)
    keys = [k for k, spec in schema.task_specs(container).items() if spec.get("x-requires-type") in (*types, None)]
    return {key: container in required or rng.random() < 0.4 for key in keys}


def _gated(status: str) -> set[tuple[str, ...]]:
    return {container for _, container in gate_checklists(status)}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description="Write N generated plans into DEST.")
    parser.add_argument("n", type=int, help="how many plans")
    parser.add_argument("dest", type=Path, help="the folder to write them into")
    parser.add_argument("--seed", type=int, default=0, help="the same seed gives the same plans (default: 0)")
    args = parser.parse_args(argv)
    paths = generate_plans(args.n, args.dest, seed=args.seed)
    print(f"wrote {len(paths)} plans into {args.dest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
