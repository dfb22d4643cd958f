"""The People page: everyone the plans name, their roles across the plans, active roles first, and who
holds more active roles than the limit, as HTML (planbook/templates/site/people*.html, autoescaped).

It works from the build's portfolio, already loaded: `mkdocs serve` rebuilds this page on every edit,
and no plan file is read again for it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from markupsafe import Markup

from planbook.escape import clean
from planbook.model.people import Person, Role, people_holding, plan_roles
from planbook.portfolio import Portfolio
from planbook.site.portfolio_view import render, template_stamp

#: (person, their plans' addresses, the limit, template stamp) → the person's entry. `mkdocs serve`
#: rebuilds this page on every edit; an edit changes the entries of a few people, not of everyone.
PERSON_HTML_CACHE: dict[tuple[Any, ...], Markup] = {}
#: Each plan file → its stamp and the (name, role) pairs it names, for the same reason.
ROLES_CACHE: dict[Path, tuple[Any, list[tuple[str, Role]]]] = {}


def people_html(checked: Portfolio, published: Portfolio, url_for: Callable[[str], str], max_active_roles: int) -> str:
    """Every person named in the plans of `checked` (a draft that did not load names nobody); a plan is
    linked to its page only when the site publishes it (`published`)."""
    people = people_holding(_roles(checked), max_active_roles=max_active_roles)
    pages = {path.stem for path in published.files}
    urls = {plan_id: url_for(plan_id) for plan_id in sorted({role.plan_id for p in people for role in p.roles} & pages)}
    entries = _entries(people, urls, max_active_roles)
    overloaded = [(index, clean(person.name)) for index, person in enumerate(people) if person.overloaded]
    return render("people.html", people=people, entries=entries, limit=max_active_roles, overloaded=overloaded)


def _roles(checked: Portfolio) -> list[tuple[str, Role]]:
    """Every (name, role) the plans name, each plan's kept while its file's stamp stays the same."""
    stamps = checked.stamp if len(checked.stamp) == len(checked.files) else [None] * len(checked.files)
    fresh, out = {}, []
    for path, stamp, result in zip(checked.files, stamps, checked.results):
        if result.plan is None:
            continue
        kept = ROLES_CACHE.get(path)
        if kept is not None and stamp is not None and kept[0] == stamp:
            roles = kept[1]
        else:
            # A file's name, as its page's address is; cleaned, for a draft's file that gets no page may
            # be named anything.
            roles = plan_roles(clean(path.stem), result.plan.data)
        fresh[path] = (stamp, roles)
        out += roles
    ROLES_CACHE.clear()
    ROLES_CACHE.update(fresh)
    return out


def _entries(people: list[Person], urls: dict[str, str], limit: int) -> list[Markup]:
    """Each person's entry (people_person.html), reused while the person, their plans' addresses, the
    limit and the template stay the same."""
    template = template_stamp("people_person.html")
    fresh, out = {}, []
    for index, person in enumerate(people):
        key = (index, person, tuple(urls.get(role.plan_id) for role in person.roles), limit, template)
        html = PERSON_HTML_CACHE.get(key)
        if html is None:
            # clean: a control character in a name shows as U+FFFD, as on the plan's own page
            html = Markup(
                render(
                    "people_person.html",
                    index=index,
                    person=person,
                    shown_name=clean(person.name),
                    urls=urls,
                    limit=limit,
                )
            )
        fresh[key] = html
        out.append(html)
    PERSON_HTML_CACHE.clear()  # only this build's people: someone no plan names any more goes
    PERSON_HTML_CACHE.update(fresh)
    return out
