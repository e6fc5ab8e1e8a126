"""Permission-matrix rows of the community evaluation (``deliberation/policy/evaluations.py``):
its objects, who may use each rule, the pages that must agree, and its topic. Read into
``matrix.py`` at its end."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from tests.support import evaluation_cycles as ev

from .surfaces import ROLES, allow, page

OBJECTS: dict[str, Callable[[Any], Any]] = {
    "evaluation cycle, scoring": lambda demo: ev.open_cycle(),
    "evaluation cycle, published": lambda demo: ev.published(),
    "京朝物业's published result": lambda demo: ev.result_of(ev.published(), ev.JINGCHAO),
    "appeal by 京朝物业": lambda demo: ev.appealed(),
}

#: every role but the residents and the anonymous visitor: the parties' staff
PARTIES = allow(
    *(r for r in ROLES if r not in ("resident", "resident_other_compound", "anonymous"))
)
OFFICE = allow("subdistrict_office")
#: the organizations that score (the committees, the department, providers: themselves)
SCORERS = allow(
    "party_committee",
    "party_committee_other",
    "residents_committee",
    "residents_committee_other",
    "property_firm",
    "rights_unit_public_housing",
    "rights_unit_self_managed",
    "subdistrict_office",
)
#: people with a home in the subdistrict (yeweihui and wuguanhui are owners too)
RESIDENTS = allow(
    "resident", "resident_other_compound", "owners_committee", "property_management_committee"
)


def open_form_shown(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """The opening form appears on the cycles page only for the subdistrict office."""
    response = client.get(reverse("evaluation-list"))
    if response.status_code != 200:
        return
    assert ('id="evaluation-open"' in response.content.decode()) is allowed, role


def _detail(obj: Any) -> str:
    return reverse("evaluation-detail", args=[obj.pk])


def _survey(obj: Any) -> str:
    return reverse("evaluation-survey", args=[obj.pk])


def _score(obj: Any) -> str:
    return reverse("evaluation-score", args=[obj.pk])


def public_page(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """The published list opens for everyone, logged in or not; an unpublished one is 404."""
    response = client.get(reverse("evaluation-public", args=[obj.pk]))
    assert response.status_code == (200 if allowed else 404), role
    response = client.get(reverse("evaluation-export", args=[obj.pk, "csv"]))
    assert response.status_code == (200 if allowed else 404), role


#: rule → [(object, allowed roles, surfaces)]
ACTION_ROWS: dict[str, list[tuple[str, frozenset[str], list[Any]]]] = {
    "evaluation.open": [("nothing", OFFICE, [open_form_shown])],
    "evaluation.manage": [("evaluation cycle, scoring", OFFICE, [])],
    "evaluation.view": [
        ("evaluation cycle, scoring", PARTIES, [page(_detail)]),
        ("evaluation cycle, published", PARTIES, [page(_detail)]),
    ],
    "evaluation.view_public": [
        ("evaluation cycle, published", allow(*ROLES), [public_page]),
        ("evaluation cycle, scoring", allow(), [public_page]),
    ],
    "evaluation.answer_survey": [("evaluation cycle, scoring", RESIDENTS, [page(_survey)])],
    "evaluation.score": [("evaluation cycle, scoring", SCORERS, [page(_score)])],
    "evaluation.appeal": [("京朝物业's published result", allow("property_firm"), [])],
    "evaluation.decide_appeal": [("appeal by 京朝物业", OFFICE, [])],
}

#: (name, topic, allowed roles)
TOPIC_ROWS: list[tuple[str, Callable[[Any], str], frozenset[str]]] = [
    (
        "evaluation public",
        lambda d: f"evaluation:{ev.open_cycle().pk}:public",
        allow(*(r for r in ROLES if r != "anonymous")),
    ),
    ("evaluation other audience", lambda d: f"evaluation:{ev.open_cycle().pk}:x", allow()),
]
