"""The audience of a build: the team, or one client named as its plans name it (`PLANBOOK_CLIENT`)."""

from __future__ import annotations

import pytest

from planbook.audience import INTERNAL, Audience, AudienceError, audience_from, client_key, require_plans
from planbook.site.client_site import nav_for_clients

CLIENTS = ["Northwind Outfitters Ltd.", "Brightleaf Learning", "Cascade Coffee Roasters"]


@pytest.mark.parametrize(
    ("asked", "plan", "same"),
    [
        ("Northwind Outfitters Ltd.", "Northwind Outfitters Ltd.", True),
        ("northwind  outfitters LTD.", "Northwind Outfitters Ltd.", True),
        ("Northwind\u00a0Outfitters Ltd.\u200b", "Northwind Outfitters Ltd.", True),  # no-break space, zero width
        ("Ｎorthwind Outfitters Ltd.", "Northwind Outfitters Ltd.", True),  # fullwidth N
        ("Müller GmbH", "Mu\u0308ller GmbH", True),  # an accent stored as a combining mark
        ("Muller GmbH", "Mu\u0308ller GmbH", False),  # an accent is a letter of the name
        ("N\u043erthwind Outfitters Ltd.", "Northwind Outfitters Ltd.", False),  # a Cyrillic о
        ("\u039d\u039f\u03a4\u0391 Ltd", "VOTA Ltd", False),  # Greek capitals are not Latin letters
        ("Northwind Outfitters Ltd", "Northwind Outfitters Ltd.", False),  # the full stop counts
        ("Northwind", "Northwind Outfitters Ltd.", False),
        ("Northwind Outfitters Ltd.", None, False),  # a plan with no client is the team's alone
        ("Northwind Outfitters Ltd.", ["Northwind Outfitters Ltd."], False),
    ],
)
def test_a_client_is_named_as_its_plans_name_it(asked, plan, same):
    assert Audience(asked).includes(plan) is same
    assert INTERNAL.includes(plan)


def test_the_audience_comes_from_planbook_client():
    assert audience_from({}) == INTERNAL and INTERNAL.internal
    assert audience_from({"PLANBOOK_CLIENT": "Brightleaf Learning"}) == Audience("Brightleaf Learning")
    for blank in ("", "  ", "\u200b"):  # a deploy that meant a client's site never gets the internal one
        with pytest.raises(AudienceError, match="set but names no client"):
            audience_from({"PLANBOOK_CLIENT": blank})


def test_a_client_no_plan_names_is_refused_with_the_nearest_names():
    require_plans(INTERNAL, [])
    require_plans(Audience("brightleaf learning"), CLIENTS)
    with pytest.raises(AudienceError, match=r"did you mean 'Brightleaf Learning'\?"):
        require_plans(Audience("Brightleaf Learnin"), CLIENTS)
    with pytest.raises(AudienceError, match="names no client") as raised:
        require_plans(Audience("\x1b[31mEvil\x07"), [*CLIENTS, 7, None])
    assert "\x1b" not in str(raised.value) and "\x07" not in str(raised.value)  # a log line nobody can forge


def test_the_nav_of_a_client_site_keeps_pages_for_clients_and_links():
    nav = [
        {"Portfolio": "index.md"},
        "changes.md",
        "people.md",
        {"Reference": [{"Fields": "reference/fields.md"}, {"Rules": "reference/rules.md"}]},
        {"Help": [{"Contact": "https://example.test/contact"}, {"Guide": "guide.md"}]},
    ]
    kept = nav_for_clients(nav, lambda uri: uri in {"index.md", "changes.md"})
    assert kept == [{"Portfolio": "index.md"}, "changes.md", {"Help": [{"Contact": "https://example.test/contact"}]}]


def test_client_keys_fold_what_people_do_not_see():
    assert client_key(" Ａcme\u200b  Ltd ") == client_key("acme ltd") == "acme ltd"
    assert client_key("Mu\u0308ller\u00a0GmbH") == "müller gmbh"
