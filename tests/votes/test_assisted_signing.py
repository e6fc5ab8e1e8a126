"""Assisted signing (issue 11 §3, docs/law.md §13): staff of the residents' committee or the
owners' committee enter an owner's signature on a petition for a temporary meeting (BJ reg.
art. 35), given on a paper form, in person or by phone; the signatures list says who entered
it for whom, the owner sees it on the vote's page and is told, and their task goes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from deliberation.actions import tasks_for
from deliberation.actions.notification_text import notification_text
from deliberation.errors import InvalidInput
from deliberation.models import (
    Delivery,
    Event,
    Notification,
    NotificationKind,
    OwnersVote,
    PetitionSignature,
)
from deliberation.selectors.owner_register import head_key
from deliberation.services import votes as svc
from tests.hardening import surfaces_votes as sv
from tests.support.clients import login_client

S = OwnersVote.Status


def _petition(demo: Any) -> OwnersVote:
    """A fresh petition in 团结公寓, started by an owner who is none of the roles."""
    roles = {demo.user("jumin").pk, demo.user("yeweihui").pk}
    starter = next(u for u in sv.owners_of(demo.tuanjie, 10) if u.pk not in roles)
    return svc.start_petition(
        actor=starter, compound=demo.tuanjie, title="代签测试", matters=sv._other_matters()
    )


def _url(vote: OwnersVote) -> str:
    return reverse("action", args=["vote", vote.pk, "sign_for"])


def _minute(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _form(demo: Any, how: str, **extra: str) -> dict[str, str]:
    return {
        "sign_for-key": head_key(person_id=demo.user("jumin").pk),
        "sign_for-how": how,
        **{f"sign_for-{k}": v for k, v in extra.items()},
    }


@pytest.mark.parametrize("how", ["paper", "in_person", "phone"])
def test_staff_enter_a_signature_each_way(demo, how: str) -> None:
    vote = _petition(demo)
    jumin, juwei = demo.user("jumin"), demo.user("juwei")
    assert ("vote", vote.pk, "sign") in {
        (t.kind.name, t.obj.pk, t.action.name) for t in tasks_for(jumin)
    }
    call = {"call_at": _minute(timezone.now()), "call_note": "业主本人来电 13800000000"}
    response = login_client(juwei).post(_url(vote), _form(demo, how, **call))
    assert response.status_code == 302, response.content.decode()[:500]
    sig = vote.signatures.get(key=head_key(person_id=jumin.pk))
    assert sig.how == how and not sig.online
    assert sig.recorded_by == juwei
    assert sig.organization == demo.tuanjie.community.residents_committee
    assert sig.label == str(jumin)
    if how == "phone":
        assert sig.call_note == "业主本人来电 13800000000" and sig.call_at is not None
    else:  # call details sent with another way are not kept
        assert sig.call_note == "" and sig.call_at is None
    # the owner's "sign the petition" task is gone
    assert not {t for t in tasks_for(jumin) if t.obj.pk == vote.pk}
    # the staff's signatures list is pushed
    assert Event.objects.filter(kind="vote.signatures", topic__endswith=f"{vote.pk}:staff").exists()


def test_the_owners_committee_enters_too_and_is_named(demo) -> None:
    vote = _petition(demo)
    sig = svc.record_signature_for(
        actor=demo.user("yeweihui"),
        vote=vote,
        key=head_key(person_id=demo.user("jumin").pk),
        how="in_person",
    )
    assert sig.organization_id == demo.tuanjie.owners_committee_id


@pytest.mark.parametrize(
    ("call", "field"),
    [
        ({"call_note": "业主本人来电 13800000000"}, "call_at"),
        ({"call_at": "now"}, "call_note"),
        ({"call_at": "now", "call_note": "   "}, "call_note"),
        ({"call_at": "future", "call_note": "业主本人来电"}, "call_at"),
        ({"call_at": "before", "call_note": "业主本人来电"}, "call_at"),
        ({"call_at": "now", "call_note": "业主本人来电\x01"}, "call_note"),
        ({"call_at": "now", "call_note": "长" * 201}, "call_note"),
    ],
)
def test_a_phone_signature_needs_its_call(demo, call: dict[str, str], field: str) -> None:
    vote = _petition(demo)
    when = {
        "now": timezone.now(),
        "future": timezone.now() + timedelta(hours=2),
        "before": vote.created_at - timedelta(days=1),
    }
    data = {k: _minute(when[v]) if k == "call_at" else v for k, v in call.items()}
    client = login_client(demo.user("juwei"))
    response = client.post(_url(vote), _form(demo, "phone", **data), HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    page = response.content.decode()
    assert "data-error-summary" in page and f'id="id_sign_for-{field}-errors"' in page
    assert vote.signatures.count() == 1  # the starter's own
    assert not Notification.objects.filter(kind=NotificationKind.ENTERED_FOR).exists()


def test_the_service_names_the_field_it_refuses(demo) -> None:
    vote = _petition(demo)
    key = head_key(person_id=demo.user("jumin").pk)
    with pytest.raises(InvalidInput) as refused:
        svc.record_signature_for(actor=demo.user("juwei"), vote=vote, key=key, how="phone")
    assert set(refused.value.fields) == {"call_at"}
    for how in ("online", "fax", ""):
        with pytest.raises(InvalidInput) as refused:
            svc.record_signature_for(actor=demo.user("juwei"), vote=vote, key=key, how=how)
        assert set(refused.value.fields) == {"how"}
    with pytest.raises(InvalidInput) as refused:
        svc.record_signature_for(actor=demo.user("juwei"), vote=vote, key="p999999", how="paper")
    assert set(refused.value.fields) == {"key"}
    assert vote.signatures.count() == 1


def test_one_signature_per_head(demo) -> None:
    """Signed online first: the staff's entry is refused with who signed, how and when."""
    vote = _petition(demo)
    jumin = demo.user("jumin")
    svc.sign_petition(actor=jumin, vote=vote)
    # the form no longer offers the owner; a forged post is a conflict the service names
    client = login_client(demo.user("juwei"))
    page = client.get(reverse("vote-detail", args=[vote.pk])).content.decode()
    assert 'name="sign_for-key"' in page
    assert f'<option value="{head_key(person_id=jumin.pk)}"' not in page
    with override("en"), pytest.raises(svc.VoteConflict) as conflict:
        svc.record_signature_for(
            actor=demo.user("juwei"), vote=vote, key=head_key(person_id=jumin.pk), how="paper"
        )
    assert f"{jumin} has already signed this petition (online, " in str(conflict.value)
    # and a second entry by staff is refused the same way
    other = sv.unsigned_head(vote, besides=(demo.user("yeweihui").pk,))
    svc.record_signature_for(actor=demo.user("juwei"), vote=vote, key=other, how="in_person")
    response = client.post(
        _url(vote), {"sign_for-key": other, "sign_for-how": "paper"}, HTTP_HX_REQUEST="true"
    )
    # a page out of date (a second clerk) gets the same clear answer
    assert response.status_code == 409
    assert "已在此联名提议上签名（当面，" in response.content.decode()
    with pytest.raises(svc.VoteConflict):
        svc.record_signature_for(actor=demo.user("yeweihui"), vote=vote, key=other, how="paper")
    assert vote.signatures.count() == 3


@pytest.mark.parametrize("username", ["jumin", "wuye", "shuji", "jiedao", "juwei2"])
def test_other_roles_may_not_and_nothing_is_written(demo, username: str) -> None:
    vote = _petition(demo)
    key = head_key(person_id=demo.user("jumin").pk)
    with pytest.raises(PermissionDenied):
        svc.record_signature_for(actor=demo.user(username), vote=vote, key=key, how="paper")
    response = login_client(demo.user(username)).post(_url(vote), _form(demo, "paper"))
    assert response.status_code in (403, 404)
    assert vote.signatures.count() == 1
    assert not Notification.objects.filter(kind=NotificationKind.ENTERED_FOR).exists()


def test_only_while_the_petition_collects_signatures(demo) -> None:
    vote = sv.convening(demo)  # the demo petition, 20 % reached: the committee must convene
    key = sv.unsigned_head(vote)
    with pytest.raises(svc.VoteConflict):
        svc.record_signature_for(actor=demo.user("juwei"), vote=vote, key=key, how="paper")
    response = login_client(demo.user("juwei")).post(
        _url(vote), {"sign_for-key": key, "sign_for-how": "paper"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 409
    assert not vote.signatures.filter(key=key).exists()


def test_the_list_and_the_owners_page_say_who_entered_it_for_whom_escaped(demo) -> None:
    vote = _petition(demo)
    jumin, juwei = demo.user("jumin"), demo.user("juwei")
    jumin.display_name = "<i>王</i>"
    jumin.save(update_fields=["display_name"])
    committee = demo.tuanjie.community.residents_committee
    committee.name = "<b>中路居委会</b>"
    committee.save(update_fields=["name"])
    svc.record_signature_for(
        actor=juwei,
        vote=vote,
        key=head_key(person_id=jumin.pk),
        how="phone",
        call_at=timezone.now(),
        call_note="<script>x</script> 来电",
    )
    page = login_client(juwei).get(reverse("vote-detail", args=[vote.pk])).content.decode()
    assert "由 &lt;b&gt;中路居委会&lt;/b&gt; 代 &lt;i&gt;王&lt;/i&gt; 登记（电话）" in page
    assert "&lt;script&gt;x&lt;/script&gt; 来电" in page and "<script>x" not in page
    assert "<i>王</i>" not in page and "<b>中路" not in page
    # the owner sees it on the vote's page, with the staff member's name
    mine = login_client(jumin).get(reverse("vote-detail", args=[vote.pk])).content.decode()
    assert 'data-my-signature="phone"' in mine
    assert f"你的签名由 {juwei}（&lt;b&gt;中路居委会&lt;/b&gt;）于 " in mine
    assert "代为登记（电话）。如你没有签名，请告知居委会。" in mine
    assert "<b>中路" not in mine
    # residents see no names in the list (it is the staff's)
    assert f'id="vote-{vote.pk}-signatures"' not in mine
    english = login_client(juwei).get(
        reverse("vote-detail", args=[vote.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert (
        "Entered by &lt;b&gt;中路居委会&lt;/b&gt; for &lt;i&gt;王&lt;/i&gt; (by phone)"
        in english.content.decode()
    )


def test_the_owner_is_told_and_can_challenge_it(demo) -> None:
    vote = _petition(demo)
    jumin = demo.user("jumin")
    svc.record_signature_for(
        actor=demo.user("juwei"), vote=vote, key=head_key(person_id=jumin.pk), how="in_person"
    )
    told = Notification.objects.get(recipient=jumin, kind=NotificationKind.ENTERED_FOR)
    assert told.target_kind == "vote" and told.target_pk == vote.pk
    with override("zh-hans"):
        text = notification_text(told)
    assert vote.title in text and "当面" in text and "居委会" in text
    with override("en"):
        assert "(in person). If you did not give it" in notification_text(told)
    # by SMS too by default: whoever asked in person may not read the app
    if jumin.phone:
        assert Delivery.objects.filter(notification=told, channel="sms").exists()
    # the starter's own signature and an online one tell nobody
    assert Notification.objects.filter(kind=NotificationKind.ENTERED_FOR).count() == 1


def test_a_legacy_paper_signature_still_reads(demo) -> None:
    """``record_paper_signature`` (the demo, older callers) is the paper way."""
    vote = _petition(demo)
    sig = svc.record_paper_signature(
        actor=demo.user("juwei"), vote=vote, key=head_key(person_id=demo.user("jumin").pk)
    )
    assert sig.how == PetitionSignature.How.PAPER and sig.organization is not None


def test_through_the_api_the_phone_call_is_required_and_the_organization_named(demo) -> None:
    """The step is the action model's, so the residents' committee's own system takes it by
    key too (docs/api.md): 422 naming the field, then stored for the key's organization."""
    from django.test import Client

    from deliberation.services.open311_keys import create_api_key

    vote = _petition(demo)
    committee = demo.tuanjie.community.residents_committee
    _key, raw = create_api_key(name="居委会台账", organization=committee)
    api, auth = Client(), {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    path = f"/api/v1/votes/{vote.pk}/actions/sign_for"
    body = {"key": head_key(person_id=demo.user("jumin").pk), "how": "phone"}
    refused = api.post(path, body, "application/json", **auth)
    assert refused.status_code == 422, refused.content
    assert "call_at" in refused.json()["fields"]
    assert vote.signatures.count() == 1
    body |= {"call_at": _minute(timezone.now()), "call_note": "居委会致电业主 13800000000"}
    done = api.post(path, body, "application/json", **auth)
    assert done.status_code == 200, done.content
    sig = vote.signatures.get(key=body["key"])
    assert sig.how == "phone" and sig.organization == committee


def test_the_database_refuses_a_phone_signature_without_its_call(demo) -> None:
    from django.db import IntegrityError, transaction

    vote = _petition(demo)
    with pytest.raises(IntegrityError), transaction.atomic():
        PetitionSignature.objects.create(
            vote=vote, key="p999999", label="x", how="phone", recorded_by=demo.user("juwei")
        )
