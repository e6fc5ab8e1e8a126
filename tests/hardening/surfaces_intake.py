"""Permission-matrix surfaces of the intake area: the real pages, fragments and writes that must
agree with its policy rules (used by the rows in ``matrix.py``).

Every write runs inside ``rolled_back()``, a savepoint that is always rolled back, so the
next role finds the object as it was. What a surface prepares (an order brought to
"completed", an extension asked for, an API key for the role) is made inside the same
savepoint. Expectations come from the row (``allowed``), never from policy.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from deliberation.models import (
    ApiKey,
    Escalation,
    ExtensionRequest,
    HotlineImport,
    Issue,
    IssueCategory,
    Organization,
    WorkOrder,
)

from .surfaces import ROLES, denied_status


class _Rollback(Exception):
    pass


@contextmanager
def rolled_back() -> Iterator[None]:
    """A savepoint that never commits: the body's writes (and the view's) are undone."""
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


def _user(demo: Any, role: str) -> Any:
    return demo.user(ROLES[role]) if ROLES[role] else None


def _expect(
    role: str,
    response: Any,
    allowed: bool,
    ok: tuple[int, ...],
    where: str,
    *,
    about: Any = None,
) -> None:
    """Allowed: one of ``ok``. Denied: 403 (404 when the role may not know ``about``
    exists), or for anonymous a redirect to the login page."""
    expected = ok if allowed else denied_status(role, about)
    assert response.status_code in expected, (where, role, response.status_code)
    if not allowed and role == "anonymous":
        assert "/login/" in response["Location"], (where, response["Location"])


def _control_shown(
    client: Client, url: str, marker: str, allowed: bool, role: str, *, about: Any = None
) -> None:
    """The control (form, section) is on the page exactly for the allowed roles; a role that
    may not open the page at all (403 or 404, or anonymous to the login page) never sees it."""
    response = client.get(url)
    if response.status_code != 200:
        refused = denied_status(role, about)
        assert response.status_code in refused, (url, role, response.status_code)
        assert not allowed, f"{role} cannot even open {url} ({response.status_code})"
        return
    assert (marker in response.content.decode()) is allowed, (url, marker, role)


# --- reporting: the resident's form and staff entry ------------------------------------------

SELECT = r'<select name="{name}"[^>]*>(.*?)</select>'


def _options(html: str, name: str) -> set[int]:
    match = re.search(SELECT.format(name=name), html, re.S)
    return (
        {int(v) for v in re.findall(r'<option value="(\d+)"', match.group(1))} if match else set()
    )


def _form_offers(client: Client, url: str, compound: Any, allowed: bool, role: str) -> None:
    response = client.get(url)
    if role == "anonymous":
        assert response.status_code == 302 and "/login/" in response["Location"], url
        return
    if response.status_code == 403:
        assert not allowed, f"{role} refused the form at {url}"
        return
    assert response.status_code == 200, (url, role, response.status_code)
    offered = compound.pk in _options(response.content.decode(), "compound")
    assert offered is allowed, (url, role, "offered" if offered else "not offered")


def report_form(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """The resident's form offers the compound exactly to those who may report on it."""
    _form_offers(client, reverse("issue-report"), obj, allowed, role)


def enter_form(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """Staff entry offers the compound exactly to those who may enter for it."""
    _form_offers(client, reverse("issue-enter"), obj, allowed, role)


def _post_report(client: Client, role: str, obj: Any, allowed: bool, *, staff: bool) -> None:
    text = f"matrix {'entry' if staff else 'report'} by {role}"
    data = {"compound": obj.pk, "urgency": "ordinary", "description": text}
    if staff:
        data |= {"channel": "phone", "reporter_name": "王先生", "reporter_phone": "13912345678"}
    with rolled_back():
        response = client.post(reverse("issue-enter" if staff else "issue-report"), data)
        _expect(role, response, allowed, (302,), "report")
        stored = Issue.objects.filter(description=text, compound=obj)
        assert stored.count() == (1 if allowed else 0), role
        if allowed:
            issue = stored.get()
            assert response["Location"] == reverse("issue-detail", args=[issue.pk])
            assert issue.channel == ("phone" if staff else "web"), issue.channel


def report_post(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """POST the resident's form about the compound: stored, or 403 and nothing stored."""
    _post_report(client, role, obj, allowed, staff=False)


def enter_post(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """POST a phone report through staff entry: stored, or 403 and nothing stored."""
    _post_report(client, role, obj, allowed, staff=True)


# --- triage ----------------------------------------------------------------------------------


def triage_panel_shown(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """The triage controls (dispatch first) are on a new issue's page exactly for those who
    may triage it."""
    _control_shown(
        client,
        reverse("issue-detail", args=[obj.pk]),
        f'id="issue-dispatch-{obj.pk}"',
        allowed,
        role,
        about=obj,
    )


def triage_queue_on_inbox(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """The committee's triage queue, on its inbox (``?org=``): its members and the
    subdistrict see it; everyone else is refused the page."""
    response = client.get(reverse("inbox") + f"?org={obj.pk}")
    _expect(role, response, allowed, (200,), "triage queue")
    if allowed:
        assert f'id="triage-queue-{obj.pk}"' in response.content.decode(), role
    # what an open, filtered inbox fetches when a push says the queue changed
    section = client.get(reverse("inbox-section", args=[obj.pk, "triage"]))
    _expect(role, section, allowed, (200,), "triage queue section")
    if allowed:
        assert f'id="triage-queue-{obj.pk}"' in section.content.decode(), role


# --- work orders -----------------------------------------------------------------------------


def _order(obj: Any) -> WorkOrder:
    if isinstance(obj, Issue):
        return WorkOrder.objects.get(issue=obj)
    return WorkOrder.objects.get(pk=obj.pk)


def _firm_user(demo: Any) -> Any:
    return demo.user("wuye")


def _accept(demo: Any, order: WorkOrder) -> None:
    from workflows import work_orders as flow

    flow.perform(order, "accept", actor=_firm_user(demo))


def _completed(demo: Any, order: WorkOrder) -> None:
    from workflows import work_orders as flow

    _accept(demo, order)
    flow.perform(_order(order), "complete", actor=_firm_user(demo), text="已更换灯泡")


def _verified(demo: Any, order: WorkOrder) -> None:
    from workflows import work_orders as flow

    _completed(demo, order)
    flow.perform(_order(order), "verify", actor=demo.user("juwei"), approved=True, note="")


def _status(order: WorkOrder) -> str:
    return str(WorkOrder.objects.values_list("status", flat=True).get(pk=order.pk))


def _detail_url(order: WorkOrder) -> str:
    return reverse("work-order-detail", args=[order.pk])


def accept_button(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """The accept form is on a dispatched order's page only for the responsible party."""
    _control_shown(client, _detail_url(obj), 'data-action="accept"', allowed, role, about=obj)


def verify_button(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """The verification form is on a completed order's page only for the community."""
    with rolled_back():
        _completed(demo, obj)
        shown = 'data-action="verify"'
        _control_shown(client, _detail_url(obj), shown, allowed, role, about=obj)


def _extension(demo: Any, order: WorkOrder) -> ExtensionRequest:
    from deliberation.services.work_orders import request_extension

    _accept(demo, order)
    return request_extension(
        work_order=_order(order),
        actor=_firm_user(demo),
        reason="需要订购配件",
        new_resolve_by=timezone.now() + timedelta(days=10),
    )


def decide_button(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """The decision on a pending extension is on the page only for the committee."""
    with rolled_back():
        _extension(demo, obj)
        shown = 'data-action="decide"'
        _control_shown(client, _detail_url(obj), shown, allowed, role, about=obj)


def rate_form_shown(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """Once the community verified the work, the confirm-and-rate form is on the issue page
    only for the reporter."""
    order = _order(obj)
    with rolled_back():
        _verified(demo, order)
        url = reverse("issue-detail", args=[order.issue_id])
        shown = 'data-action="confirm"'
        _control_shown(client, url, shown, allowed, role, about=order.issue)


def inbox_of_org(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """An organization's inbox (``/inbox/?org=``): its members and the subdistrict."""
    response = client.get(reverse("inbox") + f"?org={obj.pk}")
    _expect(role, response, allowed, (200,), "inbox")
    if allowed:
        assert f'id="inbox-{obj.pk}"' in response.content.decode(), role
    # what an open, filtered inbox fetches when a push says the orders changed
    section = client.get(reverse("inbox-section", args=[obj.pk, "orders"]) + "?q=x")
    _expect(role, section, allowed, (200,), "inbox section")
    if allowed:
        assert f'id="inbox-{obj.pk}"' in section.content.decode(), role


def committee_sections_on_inbox(
    demo: Any, role: str, client: Client, obj: Any, allowed: bool
) -> None:
    """The residents' committee's orders to verify and extension requests, on its inbox
    (``?org=``) and as a filtered page refetches them: its members and the subdistrict."""
    from tests.intake.factories import dispatched

    with rolled_back():
        _issue, done = dispatched("matrix: 楼道灯")
        _completed(demo, done)
        _issue, late = dispatched("matrix: 水管")
        extension = _extension(demo, late)
        response = client.get(reverse("inbox") + f"?org={obj.pk}")
        _expect(role, response, allowed, (200,), "committee inbox")
        if allowed:
            html = response.content.decode()
            assert f'id="verify-row-{done.pk}"' in html, role
            assert f'id="extension-row-{extension.pk}"' in html, role
        for section, row in (("verify", done), ("extensions", extension)):
            url = reverse("inbox-section", args=[obj.pk, section]) + f"?{section}-{obj.pk}-q="
            fetched = client.get(url)
            _expect(role, fetched, allowed, (200,), f"{section} section")
            if allowed:
                marker = "verify" if section == "verify" else "extension"
                assert f'id="{marker}-row-{row.pk}"' in fetched.content.decode(), role


# --- escalations -----------------------------------------------------------------------------


def work_order_listed(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """The work orders list (searched by its number) shows the order exactly to those who
    may open it; residents are sent to their issues."""
    response = client.get(reverse("work-order-list") + f"?q=%23{obj.pk}")
    if role == "anonymous":
        assert response.status_code == 302, response.status_code
        return
    assert response.status_code in (200, 302), (role, response.status_code)
    listed = f'id="work-order-row-{obj.pk}"' in response.content.decode()
    assert listed is allowed, role


def escalation(demo: Any) -> Escalation:
    """An open escalation of a dispatched order in 团结公寓 (not accepted in time)."""
    from tests.intake.factories import dispatched

    _issue, order = dispatched("matrix: 电梯停运")
    return Escalation.objects.create(
        work_order=order,
        supervisor=Organization.objects.get(kind=Organization.Kind.SUPERVISION_GROUP),
        reason=Escalation.Reason.RESPOND_BY,
        deadline=timezone.now(),
    )


def escalation_button(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """The follow-up form on the order's page is for the supervision group only (the order's
    page itself is for the parties; others are refused it)."""
    url = _detail_url(obj.work_order)
    response = client.get(url)
    if response.status_code == 200:
        shown = f'id="escalation-handle-{obj.pk}"' in response.content.decode()
        assert shown is allowed, (role, shown)
    else:
        refused = denied_status(role, obj.work_order)
        assert response.status_code in refused and not allowed, (role, response.status_code)


def escalation_list(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """The supervision list of overdue orders (the supervision group's inbox)."""
    group = obj.supervisor
    response = client.get(reverse("inbox") + f"?org={group.pk}")
    _expect(role, response, allowed, (200,), "overdue list")
    if allowed:
        html = response.content.decode()
        assert f'id="overdue-{group.pk}"' in html and f'id="overdue-row-{obj.pk}"' in html
    # what an open, filtered inbox fetches when a push says the list changed
    section = client.get(reverse("inbox-section", args=[group.pk, "supervised"]) + "?q=")
    _expect(role, section, allowed, (200,), "overdue list section")
    if allowed:
        assert f'id="overdue-row-{obj.pk}"' in section.content.decode(), role


def escalation_history_page(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """The history of escalations, filtered (the same rule as the overdue list)."""
    response = client.get(reverse("escalation-history") + "?status=open")
    _expect(role, response, allowed, (200,), "escalation history")
    if allowed:
        assert f'id="escalation-{obj.pk}"' in response.content.decode()


def reporter_phone_shown(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """The reporter's unmasked phone on the job card; everyone else who may open the page
    sees it masked."""
    from deliberation.models import User

    User.objects.filter(pk=obj.issue.reporter_id).update(phone="13800001234")
    response = client.get(_detail_url(obj))
    if response.status_code != 200:
        assert not allowed, role
        return
    html = response.content.decode()
    assert ('href="tel:13800001234"' in html) is allowed, role
    if not allowed:
        assert "13800001234" not in html and "138****1234" in html, role


def issue_reporter_phone_shown(
    demo: Any, role: str, client: Client, obj: Any, allowed: bool
) -> None:
    """The reporter's unmasked phone on the issue page (the job card's rule); everyone else
    with the staff view sees it masked."""
    from deliberation.models import User

    User.objects.filter(pk=obj.reporter_id).update(phone="13800001234")
    response = client.get(reverse("issue-detail", args=[obj.pk]))
    if response.status_code != 200:
        assert not allowed, role
        return
    html = response.content.decode()
    assert ('href="tel:13800001234"' in html) is allowed, role
    if not allowed:
        assert "13800001234" not in html, role


def completion_photo(demo: Any) -> Any:
    """A photo of the completed work on jumin's issue in 团结公寓 (the order's evidence)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from deliberation.photos import check_photos
    from deliberation.services.work_orders import accept_work_order, complete_work_order
    from tests.images import small_png
    from tests.intake.factories import dispatched, user

    _issue, order = dispatched("matrix: 水管漏水")
    accept_work_order(work_order=order, actor=user("wuye"))
    upload = SimpleUploadedFile("a.png", small_png(), content_type="image/png")
    complete_work_order(
        work_order=order, actor=user("wuye"), text="已修好", photos=check_photos([upload])
    )
    return order.evidence.select_related("note", "work_order__issue").get()


def evidence_download(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    response = client.get(reverse("work-order-evidence", args=[obj.work_order_id, obj.pk]))
    _expect(role, response, allowed, (200,), "completion photo", about=obj.work_order)


# --- 12345 hotline ---------------------------------------------------------------------------


def _hotline_csv(compound: str, ticket: str) -> bytes:
    from tests.channels.hotline_files import csv_bytes, good_row

    return csv_bytes([good_row(1, compound=compound, ticket=ticket)])


def hotline_batch(demo: Any) -> HotlineImport:
    """A staged (previewed, not confirmed) import uploaded by juwei."""
    from deliberation.services.hotline import stage_hotline_file

    return stage_hotline_file(
        actor=demo.user("juwei"),
        name="matrix.csv",
        content=_hotline_csv("团结公寓", "T-MATRIX-000001"),
    )


def hotline_upload_page(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    _expect(role, client.get(reverse("hotline-upload")), allowed, (200,), "upload page")


def hotline_template(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("hotline-template", args=[fmt]))
        _expect(role, response, allowed, (200,), f"template {fmt}")
        if allowed:
            assert "attachment" in response["Content-Disposition"]


def hotline_upload_post(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """Upload an export naming a compound the role serves: staged for preview, or 403 and
    nothing staged."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    compound = "轻工宿舍" if role.endswith("_other") else "团结公寓"
    upload = SimpleUploadedFile(
        "calls.csv", _hotline_csv(compound, f"T-MATRIX-{role}"), content_type="text/csv"
    )
    with rolled_back():
        before = HotlineImport.objects.count()
        response = client.post(reverse("hotline-upload"), {"file": upload})
        _expect(role, response, allowed, (302,), "upload")
        assert HotlineImport.objects.count() == before + (1 if allowed else 0), role
        if allowed:
            batch = HotlineImport.objects.latest("id")
            assert batch.uploaded_by == _user(demo, role)
            assert response["Location"] == reverse("hotline-preview", args=[batch.pk])


def hotline_preview_page(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """The preview of another's import: the uploader and the subdistrict only."""
    response = client.get(reverse("hotline-preview", args=[obj.pk]))
    _expect(role, response, allowed, (200,), "preview", about=obj)
    html = response.content.decode()
    assert ("T-MATRIX-000001" in html) is allowed, role  # the staged ticket


def hotline_progress_fragment(
    demo: Any, role: str, client: Client, obj: Any, allowed: bool
) -> None:
    """The import's live progress (counters, bar): whoever may see the preview, no one else."""
    response = client.get(reverse("hotline-progress", args=[obj.pk]))
    _expect(role, response, allowed, (200,), "progress", about=obj)
    assert ('id="import-live"' in response.content.decode()) is allowed, role


# --- Open311 ---------------------------------------------------------------------------------

OPEN311 = "/open311/v2/"


def _api_key(demo: Any, role: str) -> str | None:
    """A key whose service account is the role's own user (None for anonymous). Made inside
    the caller's savepoint. The key's organization is only its owner of record; what the
    account may do comes from its user's memberships."""
    user = _user(demo, role)
    if user is None:
        return None
    raw = f"y311_matrix_{role}_{user.pk}"
    org = user.memberships.first()
    key = ApiKey(
        name=f"matrix {role}",
        organization_id=org.organization_id if org else demo.tuanjie.property_provider_id,
        account=user,
    )
    key.set_key(raw)
    key.save()
    return raw


def _spec_error(response: Any, status: int) -> None:
    assert response.status_code == status, (response.status_code, response.content[:200])
    body = response.json()
    assert isinstance(body, list) and body[0]["code"] == status and body[0]["description"]


def placeless_issue(demo: Any) -> Issue:
    """A phone report the committee entered without a compound (only a description of
    where): the subdistrict's to place."""
    from deliberation.services.issues import report_issue

    return report_issue(
        actor=demo.user("jiedao"),
        channel=Issue.Channel.PHONE,
        description="matrix: 路口井盖松动",
        location_text="团结湖路口",
        category=IssueCategory.objects.get(code="repair"),
    )


def open311_read(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """GET the request, the list, the services and a service, with the role's key and
    without one: the public projection for everyone (a refused read is the spec's 404)."""
    code = obj.category.code
    with rolled_back():
        raw = _api_key(demo, role)
        for key in {raw, None}:
            params = {"api_key": key} if key else {}
            one = client.get(f"{OPEN311}requests/{obj.pk}.json", params)
            many = client.get(
                f"{OPEN311}requests.json", {**params, "service_request_id": str(obj.pk)}
            )
            if allowed:
                assert one.status_code == 200 and one.json()[0]["service_request_id"] == str(obj.pk)
                assert [r["service_request_id"] for r in many.json()] == [str(obj.pk)]
            else:
                _spec_error(one, 404)
                assert many.json() == []
        assert client.get(f"{OPEN311}services.json").status_code == 200
        assert client.get(f"{OPEN311}services/{code}.json").status_code == 200


def open311_description(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """The citizen's words go only to a key whose account may see the issue; without a key
    nobody gets them, whatever session cookie the client carries."""
    with rolled_back():
        raw = _api_key(demo, role)
        params = {"api_key": raw} if raw else {}
        one = client.get(f"{OPEN311}requests/{obj.pk}.json", params).json()[0]
        many = client.get(
            f"{OPEN311}requests.json", {**params, "service_request_id": str(obj.pk)}
        ).json()
        for answer in (one, many[0]):
            assert (answer["description"] == obj.description) is allowed, (role, answer)
            assert allowed or answer["description"] is None
        keyless = client.get(f"{OPEN311}requests/{obj.pk}.json").json()[0]
        assert keyless["description"] is None, role


def open311_write(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """POST requests.json with the role's key: 201 and the issue filed, or the spec's 403
    and nothing stored. Without a key every role gets 403 (a session is no credential)."""
    with rolled_back():
        raw = _api_key(demo, role)
        before = Issue.objects.count()
        fields = {"service_code": "repair", "compound_id": str(obj.pk)}
        text = f"matrix open311 by {role}"
        keyless = client.post(f"{OPEN311}requests.json", {**fields, "description": text})
        _spec_error(keyless, 403)
        assert Issue.objects.count() == before
        if raw is None:
            return
        response = client.post(
            f"{OPEN311}requests.json", {**fields, "description": text, "api_key": raw}
        )
        if allowed:
            assert response.status_code == 201, (role, response.content[:200])
            pk = int(response.json()[0]["service_request_id"])
            issue = Issue.objects.get(pk=pk)
            assert issue.description == text and issue.channel == Issue.Channel.OPEN311
            assert issue.compound_id == obj.pk
        else:
            _spec_error(response, 403)
        assert Issue.objects.count() == before + (1 if allowed else 0), role
