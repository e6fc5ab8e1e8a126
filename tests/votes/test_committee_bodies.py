"""Committee bodies formed from the committee page (docs/law.md §§4–5): the 物管会 of 中路北六条,
the preparatory group of a compound without a committee, guidance, dissolution, the
composition checked as the form is filled, and the process that follows the body."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.status import STATUS

from deliberation.actions import tasks_for
from deliberation.models import CommitteeBody, Compound, Membership, User
from deliberation.selectors.owner_register import owner_register
from deliberation.services import committee_bodies as svc
from deliberation.services import committees as svc_committees
from tests.support.clients import login_client
from workflows.processes import process_of

pytestmark = pytest.mark.django_db


def owners_of(compound: Compound, n: int) -> list[User]:
    ids = [h.person_id for h in owner_register(compound).heads if h.person_id]
    return list(User.objects.filter(pk__in=ids).order_by("pk")[:n])


def rows(prefix: str, seats: list[tuple[User, str]], chair: User | None) -> dict[str, str]:
    data = {f"{prefix}-person_{i}": str(p.pk) for i, (p, _s) in enumerate(seats, 1)}
    data |= {f"{prefix}-seat_{i}": s for i, (_p, s) in enumerate(seats, 1)}
    if chair is not None:
        data[f"{prefix}-chair"] = str(chair.pk)
    return data


def pm_seats(demo, compound: Compound, owners: int) -> list[tuple[User, str]]:
    return [(o, "owner") for o in owners_of(compound, owners)] + [
        (demo.user("juwei"), "residents_committee"),
        (demo.user("shuji"), "party"),
        (demo.user("jiedao"), "subdistrict"),
    ]


def pm_form(demo, compound: Compound, seats: list[tuple[User, str]], chair: User) -> dict:
    today = timezone.localdate()
    data = rows("form_pm_committee", seats, chair)
    data["form_pm_committee-term_start"] = today.isoformat()
    data["form_pm_committee-term_end"] = (today + timedelta(days=3 * 365 - 5)).isoformat()
    return data


def zhonglu(demo) -> Compound:
    return Compound.objects.get(name="中路北六条")


def test_pm_committee_refused_with_every_problem_then_formed(demo) -> None:
    """Refused on the page with each rule it breaks listed, nothing stored; then formed."""
    c = zhonglu(demo)
    client = login_client(demo.user("jiedao"))
    url = reverse("action", args=["compound", c.pk, "form_pm_committee"])
    bad = pm_seats(demo, c, 3)[:-1] + [(demo.user("dudao"), "subdistrict")]  # 3 owners of 6
    response = client.post(url, pm_form(demo, c, bad, owners_of(c, 1)[0]))
    assert response.status_code == 400
    text = response.content.decode()
    assert "物业管理委员会至少由 7 名委员组成" in text or "at least 7 members" in text
    assert not CommitteeBody.objects.filter(compound=c).exists()
    good = pm_seats(demo, c, 4)
    response = client.post(url, pm_form(demo, c, good, demo.user("juwei")))
    assert response.status_code == 302
    body = CommitteeBody.objects.get(compound=c, kind="pm_committee")
    assert body.seats.count() == 7
    assert body.seats.get(is_chair=True).person == demo.user("juwei")
    c.refresh_from_db()
    assert c.owners_committee == body.organization
    process = process_of(body)
    assert process is not None
    assert [t.flow_task.name for t in process.task_set.filter(status=STATUS.NEW)] == ["sitting"]


def test_the_composition_is_checked_as_it_is_filled(demo) -> None:
    c = zhonglu(demo)
    client = login_client(demo.user("jiedao"))
    url = reverse("committee-check", args=["compound", c.pk, "form_pm_committee"])
    seats = pm_seats(demo, c, 4)
    answer = client.post(url, pm_form(demo, c, seats[:5], demo.user("juwei")))
    assert answer.status_code == 200
    assert 'data-check="refused"' in answer.content.decode()
    answer = client.post(url, pm_form(demo, c, seats, demo.user("juwei")))
    assert 'data-check="ok"' in answer.content.decode()
    assert not CommitteeBody.objects.filter(compound=c).exists()  # a check changes nothing
    community = login_client(demo.user("juwei"))  # sees the compound, may not form
    assert community.post(url, pm_form(demo, c, seats, demo.user("juwei"))).status_code == 403
    stranger = login_client(demo.user("jumin"))  # an owner elsewhere: not even its existence
    assert stranger.post(url, pm_form(demo, c, seats, demo.user("juwei"))).status_code == 404


def test_preparatory_group_for_a_compound_without_a_committee(demo) -> None:
    c = Compound.objects.get(name="轻工宿舍")
    assert c.owners_committee_id is None
    jiedao = login_client(demo.user("jiedao"))
    response = jiedao.post(reverse("action", args=["compound", c.pk, "receive_application"]))
    assert response.status_code == 302
    body = CommitteeBody.objects.get(compound=c, kind="preparatory_group")
    assert body.form_by == timezone.localdate() + timedelta(days=30)
    form_url = reverse("action", args=["committee_body", body.pk, "form_group"])
    owners = owners_of(c, 3)
    assert len(owners) == 3
    seats = [(o, "owner") for o in owners] + [
        (demo.user("juwei2"), "residents_committee"),
        (demo.user("shuji2"), "party"),
    ]
    response = jiedao.post(form_url, rows("form_group", seats, demo.user("juwei2")))
    assert response.status_code == 400  # no subdistrict member
    body.refresh_from_db()
    assert body.formed_on is None
    seats += [(demo.user("jiedao"), "subdistrict"), (owners_of(c, 4)[3], "owner")]
    response = jiedao.post(form_url, rows("form_group", seats, demo.user("juwei2")))
    assert response.status_code == 302
    body.refresh_from_db()
    assert body.formed_on == timezone.localdate()
    assert body.first_meeting_by == body.formed_on + timedelta(days=60)
    guide = login_client(demo.user("shuji2"))
    response = guide.post(
        reverse("action", args=["committee_body", body.pk, "guidance"]),
        {"guidance-source": "party", "guidance-text": "<b>先公示名单</b>"},
    )
    assert response.status_code == 302
    page = guide.get(reverse("committee-page", args=[c.pk])).content.decode()
    assert "&lt;b&gt;先公示名单&lt;/b&gt;" in page
    wrong = guide.post(
        reverse("action", args=["committee_body", body.pk, "guidance"]),
        {"guidance-source": "residents_committee", "guidance-text": "x"},
    )
    assert wrong.status_code == 400
    body.refresh_from_db()
    assert body.party_guidance == "<b>先公示名单</b>" and body.residents_guidance == ""


def test_dissolving_a_pm_committee(demo) -> None:
    c = zhonglu(demo)
    jiedao = login_client(demo.user("jiedao"))
    jiedao.post(
        reverse("action", args=["compound", c.pk, "form_pm_committee"]),
        pm_form(demo, c, pm_seats(demo, c, 4), demo.user("juwei")),
    )
    body = CommitteeBody.objects.get(compound=c, kind="pm_committee")
    url = reverse("action", args=["committee_body", body.pk, "dissolve"])
    assert login_client(demo.user("juwei")).post(url).status_code == 403
    assert jiedao.post(url).status_code == 302
    body.refresh_from_db()
    assert body.dissolved_on == timezone.localdate()
    assert not Membership.objects.filter(organization=body.organization, active=True).exists()
    c.refresh_from_db()
    assert c.owners_committee_id is None  # the compound shows no sitting committee
    assert not process_of(body).task_set.exclude(status__in=[STATUS.DONE, STATUS.CANCELED])
    assert jiedao.post(url).status_code == 409


def _tasks(user: User) -> dict[tuple[str, int], tuple[str, object]]:
    return {
        (t.kind.name, t.obj.pk): (t.action.name, timezone.localtime(t.due).date())
        for t in tasks_for(user)
    }


def test_deadlines_are_the_subdistricts_tasks(demo) -> None:
    """Form the preparatory group within 30 days of the application, close it by the 60th day
    after forming (BJ reg. art. 30); dissolve a 物管会 within 30 days of an owners' committee
    registering (art. 59)."""
    jiedao = demo.user("jiedao")
    c = Compound.objects.get(name="轻工宿舍")
    group = svc.receive_application(actor=jiedao, compound=c)
    today = timezone.localdate()
    assert _tasks(jiedao)[("committee_body", group.pk)] == ("form_group", today + timedelta(30))
    assert ("committee_body", group.pk) not in _tasks(demo.user("juwei2"))  # not theirs
    seats = [(o, "owner") for o in owners_of(c, 4)] + [
        (demo.user("juwei2"), "residents_committee"),
        (demo.user("shuji2"), "party"),
        (jiedao, "subdistrict"),
    ]
    svc.form_group(
        actor=jiedao, body=group, composition=svc.Composition(seats, demo.user("juwei2"))
    )
    assert _tasks(jiedao)[("committee_body", group.pk)] == ("dissolve", today + timedelta(60))

    z = zhonglu(demo)
    pm = svc.form_pm_committee(
        actor=jiedao,
        compound=z,
        composition=svc.Composition(pm_seats(demo, z, 4), demo.user("juwei")),
        term_start=today,
        term_end=today + timedelta(days=700),
    )
    assert ("committee_body", pm.pk) not in _tasks(jiedao)  # sitting, no deadline yet
    CommitteeBody.objects.filter(pk=pm.pk).update(dissolve_by=today + timedelta(days=30))
    assert _tasks(jiedao)[("committee_body", pm.pk)] == ("dissolve", today + timedelta(30))


def test_reelection_group_formed_after_the_report(demo) -> None:
    """The re-election group of 团结公寓 (BJ reg. art. 49): only after the committee reported,
    composed as a preparatory group is."""
    jiedao = login_client(demo.user("jiedao"))
    c = demo.tuanjie
    body = CommitteeBody.objects.create(
        kind="reelection_group",
        compound=c,
        organization=c.owners_committee,
        term_end=timezone.localdate() + timedelta(days=150),
        report_due=timezone.localdate(),
    )
    url = reverse("action", args=["committee_body", body.pk, "form_group"])
    seats = [(o, "owner") for o in owners_of(c, 4)] + [
        (demo.user("juwei"), "residents_committee"),
        (demo.user("shuji"), "party"),
        (demo.user("jiedao"), "subdistrict"),
    ]
    assert jiedao.post(url, rows("form_group", seats, None)).status_code == 409  # not reported
    svc_committees.report_term_end(actor=demo.user("yeweihui"), body=body)
    response = jiedao.post(url, rows("form_group", seats[1:], None))  # 3 owners of 6
    assert response.status_code == 400
    assert "单数" in response.content.decode() or "odd" in response.content.decode()
    assert jiedao.post(url, rows("form_group", seats, None)).status_code == 302
    body.refresh_from_db()
    assert body.formed_on == timezone.localdate() and body.seats.count() == 7
    assert process_of(body).status == STATUS.DONE  # a re-election group's process ends
