"""The inbox's sections scale (issue 11 §5): each of an organization's open orders, its
triage queue, the committee's orders to verify and extension requests to decide, and the
supervision group's overdue list is searched, filtered and paged under its own prefix, on
the one inbox page;
another organization's compound is refused at its field, never shown; what is pushed to
everyone is the unfiltered first page, and what a filtered page fetches again is filtered
as its URL says."""

from __future__ import annotations

import re
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from deliberation.lists import PAGE_SIZE
from deliberation.models import (
    Compound,
    Escalation,
    Event,
    IssueCategory,
    Organization,
    WorkOrder,
)
from deliberation.selectors.places import compounds_visible_to
from deliberation.services.work_orders import request_extension
from tests.hardening.budgets import grow_escalations, grow_inbox, grow_new_issues
from tests.hardening.growth_intake import grow_orders_to_verify
from tests.intake.factories import completed, dispatched, report, tuanjie, user
from tests.support.clients import login_client


def _ids(prefix: str, html: str) -> set[int]:
    return {int(n) for n in re.findall(rf'id="{prefix}-row-(\d+)"', html)}


def _overdue(html: str) -> set[int]:
    return {int(n) for n in re.findall(r'id="overdue-order-(\d+)"', html)}


def inbox(username: str, query: str = "", status: int = 200) -> str:
    response = login_client(user(username)).get(reverse("inbox") + query)
    assert response.status_code == status, (query, response.status_code)
    return response.content.decode()


def firm() -> int:
    return tuanjie().property_provider_id


def committee() -> int:
    return tuanjie().community.residents_committee_id


def elsewhere(username: str) -> Compound:
    """A compound the user neither lives in nor serves."""
    return Compound.objects.exclude(pk__in=compounds_visible_to(user(username))).first()


def test_order_filters_narrow_the_firms_section(demo) -> None:
    _, lamp = dispatched("甲乙楼道灯")
    _, pipe = dispatched("甲乙水管")
    _, other = dispatched("垃圾清运")
    f = firm()
    assert {lamp.pk, pipe.pk, other.pk} <= _ids("inbox", inbox("wuye"))
    assert _ids("inbox", inbox("wuye", f"?orders-{f}-q=甲乙")) == {lamp.pk, pipe.pk}
    assert _ids("inbox", inbox("wuye", f"?orders-{f}-q=%23{pipe.pk}")) == {pipe.pk}
    WorkOrder.objects.filter(pk=lamp.pk).update(is_overdue=True)
    assert _ids("inbox", inbox("wuye", f"?orders-{f}-q=甲乙&orders-{f}-overdue=on")) == {lamp.pk}
    WorkOrder.objects.filter(pk=pipe.pk).update(status=WorkOrder.Status.ACCEPTED)
    accepted = f"?orders-{f}-q=甲乙&orders-{f}-status=accepted"
    assert _ids("inbox", inbox("wuye", accepted)) == {pipe.pk}
    repair = IssueCategory.objects.get(code="repair")
    query = f"?orders-{f}-q=甲乙&orders-{f}-compound={tuanjie().pk}&orders-{f}-category={repair.pk}"
    assert _ids("inbox", inbox("wuye", query)) == {
        o.pk for o in (lamp, pipe) if o.category_id == repair.pk
    }
    # an inbox holds open orders only: a finished status is no choice there
    page = inbox("wuye", f"?orders-{f}-status=verified", status=400)
    assert f'id="id_orders-{f}-status-errors"' in page


def test_triage_filters_narrow_the_committees_queue(demo) -> None:
    lamp = report("丙丁灯不亮")
    bins = report("丙丁垃圾")
    rc = committee()
    assert {lamp.pk, bins.pk} <= _ids("triage", inbox("juwei"))
    assert _ids("triage", inbox("juwei", f"?triage-{rc}-q=丙丁灯")) == {lamp.pk}
    query = f"?triage-{rc}-q=丙丁&triage-{rc}-compound={tuanjie().pk}"
    assert _ids("triage", inbox("juwei", query)) == {lamp.pk, bins.pk}
    page = inbox("juwei", f"?triage-{rc}-since=2999-01-01")
    assert _ids("triage", page) == set()


def test_sections_page_on_their_own_and_keep_each_others_query(demo) -> None:
    grow_inbox(demo, PAGE_SIZE + 4)
    f = firm()
    first = _ids("inbox", inbox("wuye"))
    second_page = inbox("wuye", f"?orders-{f}-page=2")
    second = _ids("inbox", second_page)
    assert len(first) == PAGE_SIZE and len(second) >= 4 and not first & second
    # a committee member's page: the triage queue's links keep the orders' filter
    grow_new_issues(demo, PAGE_SIZE + 4)
    rc = committee()
    page = inbox("juwei", f"?orders-{rc}-q=x")
    nxt = re.search(rf'id="triage-{rc}-paging".*?rel="next" href="([^"]+)"', page, re.S)
    assert nxt is not None
    assert f"orders-{rc}-q=x" in nxt.group(1) and f"triage-{rc}-page=2" in nxt.group(1)
    # and its form carries the other section's parameters, not its own twice
    form = page.split(f'id="triage-{rc}-filter-form"')[1].split("</form>")[0]
    assert f'name="orders-{rc}-q" value="x"' in form


def test_another_organizations_compound_is_refused_never_shown(demo) -> None:
    dispatched("戊己派单")
    f, rc = firm(), committee()
    other = elsewhere("wuye")
    page = inbox("wuye", f"?orders-{f}-compound={other.pk}", status=400)
    assert f'id="id_orders-{f}-compound-errors"' in page
    assert _ids("inbox", page) <= _ids("inbox", inbox("wuye"))
    other = elsewhere("juwei")
    page = inbox("juwei", f"?triage-{rc}-compound={other.pk}", status=400)
    assert f'id="id_triage-{rc}-compound-errors"' in page
    # another organization's section is refused outright
    client = login_client(user("wuye"))
    assert client.get(reverse("inbox-section", args=[rc, "triage"])).status_code == 403
    assert client.get(reverse("inbox-section", args=[rc, "orders"])).status_code == 403
    assert client.get(reverse("inbox-section", args=[f, "triage"])).status_code == 403
    assert client.get(reverse("inbox-section", args=[f, "nonsense"])).status_code == 404


def test_the_push_is_the_unfiltered_first_page_and_a_refetch_is_filtered(demo) -> None:
    _, lamp = dispatched("庚辛楼道灯")
    _, bins = dispatched("垃圾清运")
    f = firm()
    pushed = Event.objects.filter(topic=f"org:{f}:inbox", kind="inbox.changed").latest("id")
    html = pushed.html["zh-hans"]
    assert 'hx-swap-oob="true"' in html and "data-keep-query" in html
    assert f'data-live-url="{reverse("inbox-section", args=[f, "orders"])}"' in html
    assert {lamp.pk, bins.pk} <= _ids("inbox", html)
    assert "filter-form" not in html  # the form is each person's, never pushed
    section = login_client(user("wuye")).get(
        reverse("inbox-section", args=[f, "orders"]) + f"?orders-{f}-q=庚辛&org={f}"
    )
    assert section.status_code == 200
    assert _ids("inbox", section.content.decode()) == {lamp.pk}
    assert "hx-swap-oob" not in section.content.decode()


def test_the_overdue_list_is_filtered_by_the_late_party(demo) -> None:
    grow_escalations(demo, 3)
    group = Organization.objects.get(kind=Organization.Kind.SUPERVISION_GROUP)
    listed = _overdue(inbox("dudao"))
    escalated = set(
        Escalation.objects.filter(supervisor=group).values_list("work_order_id", flat=True)
    )
    assert listed and listed <= escalated
    g, f = group.pk, firm()
    assert _overdue(inbox("dudao", f"?supervised-{g}-party={f}")) == listed
    other = Organization.objects.filter(kind="property_rights_unit").first()
    assert _overdue(inbox("dudao", f"?supervised-{g}-party={other.pk}")) == set()
    # the overdue list is the supervision group's: a firm is refused it
    url = reverse("inbox-section", args=[g, "supervised"])
    assert login_client(user("wuye")).get(url).status_code == 403


def _late(description: str) -> tuple[WorkOrder, int]:
    """A dispatched order whose firm asked the committee for more time: (order, request)."""
    _, order = dispatched(description)
    extension = request_extension(
        work_order=order,
        actor=user("wuye"),
        reason="等配件",
        new_resolve_by=order.resolve_by + timedelta(days=3),
    )
    return order, extension.pk


def test_the_committees_orders_to_verify_are_filtered(demo) -> None:
    _, lamp = completed("壬癸楼道灯")
    _, pipe = completed("壬癸水管")
    _, other = completed("垃圾清运")
    rc, f = committee(), firm()
    assert {lamp.pk, pipe.pk, other.pk} <= _ids("verify", inbox("juwei"))
    assert _ids("verify", inbox("juwei", f"?verify-{rc}-q=壬癸")) == {lamp.pk, pipe.pk}
    assert _ids("verify", inbox("juwei", f"?verify-{rc}-q=%23{pipe.pk}")) == {pipe.pk}
    query = f"?verify-{rc}-q=壬癸&verify-{rc}-compound={tuanjie().pk}&verify-{rc}-party={f}"
    assert _ids("verify", inbox("juwei", query)) == {lamp.pk, pipe.pk}
    repair = IssueCategory.objects.get(code="repair")
    query = f"?verify-{rc}-q=壬癸&verify-{rc}-category={repair.pk}"
    assert _ids("verify", inbox("juwei", query)) == {
        o.pk for o in (lamp, pipe) if WorkOrder.objects.get(pk=o.pk).category_id == repair.pk
    }
    owners = Organization.objects.filter(kind="property_rights_unit").first()
    assert _ids("verify", inbox("juwei", f"?verify-{rc}-party={owners.pk}")) == set()
    assert _ids("verify", inbox("juwei", f"?verify-{rc}-since=2999-01-01")) == set()
    # dated by completion, the longest waiting first
    WorkOrder.objects.filter(pk=pipe.pk).update(completed_at=lamp.completed_at - timedelta(days=9))
    page = inbox("juwei", f"?verify-{rc}-q=壬癸")
    assert page.index(f'id="verify-row-{pipe.pk}"') < page.index(f'id="verify-row-{lamp.pk}"')
    day = timezone.localdate(lamp.completed_at - timedelta(days=9)).isoformat()
    query = f"?verify-{rc}-q=壬癸&verify-{rc}-until={day}"
    assert _ids("verify", inbox("juwei", query)) == {pipe.pk}
    assert "暂无待审批的延期申请。" in page  # nothing asked for more time, in Chinese


def test_the_committees_extension_requests_are_filtered(demo) -> None:
    lamp, lamp_ask = _late("子丑楼道灯")
    _, pipe_ask = _late("子丑水管")
    _, other_ask = _late("垃圾清运")
    rc, f = committee(), firm()
    assert {lamp_ask, pipe_ask, other_ask} <= _ids("extension", inbox("juwei"))
    assert _ids("extension", inbox("juwei", f"?extensions-{rc}-q=子丑")) == {lamp_ask, pipe_ask}
    # the rows show their order's number: that is what a number finds
    assert _ids("extension", inbox("juwei", f"?extensions-{rc}-q=%23{lamp.pk}")) == {lamp_ask}
    query = f"?extensions-{rc}-q=子丑&extensions-{rc}-compound={tuanjie().pk}"
    assert _ids("extension", inbox("juwei", query + f"&extensions-{rc}-party={f}")) == {
        lamp_ask,
        pipe_ask,
    }
    owners = Organization.objects.filter(kind="property_rights_unit").first()
    assert _ids("extension", inbox("juwei", f"?extensions-{rc}-party={owners.pk}")) == set()
    page = inbox("juwei", f"?extensions-{rc}-until=2000-01-01")
    assert _ids("extension", page) == set() and "没有符合条件的延期申请。" in page


def test_the_committees_sections_page_on_their_own_and_keep_each_others_query(demo) -> None:
    grow_orders_to_verify(demo, PAGE_SIZE + 4)  # as many completed orders, and requests
    rc = committee()
    first = inbox("juwei")
    to_verify, asked = _ids("verify", first), _ids("extension", first)
    assert len(to_verify) == PAGE_SIZE and len(asked) == PAGE_SIZE  # no cap: paged
    page = inbox("juwei", f"?verify-{rc}-page=2&extensions-{rc}-q=task")
    assert len(_ids("verify", page)) >= 4 and not _ids("verify", page) & to_verify
    assert _ids("extension", page) == asked  # still its own first page
    nxt = re.search(rf'id="extensions-{rc}-paging".*?rel="next" href="([^"]+)"', page, re.S)
    assert nxt is not None
    assert f"verify-{rc}-page=2" in nxt.group(1) and f"extensions-{rc}-page=2" in nxt.group(1)
    form = page.split(f'id="verify-{rc}-filter-form"')[1].split("</form>")[0]
    assert f'name="extensions-{rc}-q" value="task"' in form
    assert f'name="verify-{rc}-page"' not in form


def test_the_committees_sections_refuse_another_compound_and_other_people(demo) -> None:
    rc, f = committee(), firm()
    other = elsewhere("juwei")
    for section in ("verify", "extensions"):
        page = inbox("juwei", f"?{section}-{rc}-compound={other.pk}", status=400)
        assert f'id="id_{section}-{rc}-compound-errors"' in page
        url = reverse("inbox-section", args=[rc, section])
        fetched = login_client(user("juwei")).get(url + f"?{section}-{rc}-compound={other.pk}")
        assert fetched.status_code == 400
        # the committee's sections are its own: a firm is refused them, and has none
        client = login_client(user("wuye"))
        assert client.get(url).status_code == 403
        assert client.get(reverse("inbox-section", args=[f, section])).status_code == 404


def test_the_committees_pushes_are_unfiltered_and_a_refetch_is_filtered(demo) -> None:
    _, lamp = completed("寅卯楼道灯")
    _, bins = completed("垃圾清运")
    rc = committee()
    pushed = Event.objects.filter(topic=f"org:{rc}:inbox", kind="verify.changed").latest("id")
    html = pushed.html["zh-hans"]
    assert 'hx-swap-oob="true"' in html and "data-keep-query" in html
    assert f'data-live-url="{reverse("inbox-section", args=[rc, "verify"])}"' in html
    assert {lamp.pk, bins.pk} <= _ids("verify", html) and "filter-form" not in html
    _, ask = _late("寅卯水管")
    pushed = Event.objects.filter(topic=f"org:{rc}:inbox", kind="extensions.changed").latest("id")
    assert ask in _ids("extension", pushed.html["zh-hans"])
    section = login_client(user("juwei")).get(
        reverse("inbox-section", args=[rc, "verify"]) + f"?verify-{rc}-q=寅卯&org={rc}"
    )
    assert section.status_code == 200
    assert _ids("verify", section.content.decode()) == {lamp.pk}
    assert "hx-swap-oob" not in section.content.decode()


def test_the_sections_read_each_selects_options_once_per_page(demo) -> None:
    """The committee's sections all offer the categories: read once, drawn in each."""
    rc = committee()
    client = login_client(user("juwei"))
    table = IssueCategory._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("inbox")).content.decode()
    # the options' own query, whether a plain SELECT or a server-side cursor's DECLARE
    reads = [q["sql"] for q in queries if re.search(rf'FROM "{table}"\s+ORDER BY', q["sql"])]
    assert len(reads) == 1, reads
    categories = set(IssueCategory.objects.values_list("pk", flat=True))
    for section in ("triage", "verify"):
        select = page.split(f'id="id_{section}-{rc}-category"')[1].split("</select>")[0]
        assert {int(v) for v in re.findall(r'value="(\d+)"', select)} == categories
