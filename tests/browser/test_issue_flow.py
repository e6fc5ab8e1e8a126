"""On a phone: a resident reports; the committee triages; the firm accepts and completes;
the community verifies; the resident's open page shows every step live, then takes the
rating."""

from __future__ import annotations

import pytest
from django.db import transaction

from deliberation.models import Event, Issue, WorkOrder
from tests.images import small_png
from tests.support.axe import assert_accessible
from tests.support.browser import browser_login, wait_live

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG = small_png()
#: A thumbnail was served (the permission-checked photo view answered with a picture).
LOADED = (
    "sel => { const i = document.querySelector(sel);"
    " return !!i && i.complete && i.naturalWidth > 0; }"
)


def test_report_triage_accept_complete_verify_rate_live(browser, live_server_asgi) -> None:
    server = live_server_asgi
    resident = browser_login(browser, server, "jumin", phone=True)
    assert_accessible(resident, "resident's home")
    resident.goto(f"{server.url}/issues/new/")
    assert_accessible(resident, "report form")
    resident.select_option("#id_building", label="团结公寓 2号楼")
    resident.fill("#id_unit_number", "302")
    resident.fill("#id_description", "2号楼3层楼道灯不亮<script>alert(1)</script>")
    resident.set_input_files(
        "#id_photos", files=[{"name": "lamp.png", "mimeType": "image/png", "buffer": PNG}]
    )
    resident.click("#report-form button[type=submit]")
    resident.wait_for_url("**/issues/*/")
    issue = Issue.objects.get(description__startswith="2号楼3层楼道灯不亮")
    public = resident.locator(f"#issue-{issue.pk}-public")
    assert public.locator("[data-status=new]").count() == 1
    assert "<script>alert(1)</script>" in resident.locator(".issue-description").inner_text()
    wait_live(resident)
    assert_accessible(resident, "resident's new issue")

    committee = browser_login(browser, server, "juwei")
    committee.goto(f"{server.url}/inbox/")
    assert_accessible(committee, "committee's triage queue")
    committee.click(f"#triage-row-{issue.pk} a")
    assert_accessible(committee, "triage page")
    assert "京朝物业" in committee.locator("#suggested-responsible").inner_text()
    # the controls: dispatch first, open; the answer is the refreshed controls (htmx)
    committee.click(f"#issue-dispatch-{issue.pk} button[type=submit]")
    committee.wait_for_selector(f"#controls-issue-{issue.pk} .notice")
    assert "已派给" in committee.inner_text(f"#controls-issue-{issue.pk} .notice")
    assert committee.locator(f"#controls-issue-{issue.pk} form").count() == 0
    assert_accessible(committee, "dispatched, with its message")
    public.locator("[data-status=dispatched]").wait_for()
    assert_accessible(resident, "resident's issue, dispatched live")

    order = WorkOrder.objects.get(issue=issue)
    firm = browser_login(browser, server, "wuye", phone=True)
    firm.goto(f"{server.url}/inbox/")
    assert_accessible(firm, "firm's inbox")
    firm.click(f"#inbox-row-{order.pk} a")
    # The job card: where, the resident's photo, the reporter's phone to call, the criteria.
    where = firm.inner_text("#job-where")
    assert "2号楼" in where and "302" in where
    firm.wait_for_function(LOADED, arg="#job-card img.thumb")
    assert firm.locator('#job-contact a[href^="tel:"]').count() == 1
    assert firm.locator("#job-criteria").count() == 1
    assert_accessible(firm, "work order")
    controls = f"#controls-work_order-{order.pk}"
    firm.click(f"{controls} form[data-action=accept] button[type=submit]")
    firm.wait_for_selector(f"{controls} form[data-action=complete]")
    assert_accessible(firm, "accepted work order")
    public.locator("[data-status=in_progress]").wait_for()
    public.locator("[data-kind=accepted]").wait_for()

    firm.fill("#id_complete-text", "已更换楼道灯")
    firm.set_input_files(
        "#id_complete-photos", files=[{"name": "done.png", "mimeType": "image/png", "buffer": PNG}]
    )
    firm.click(f"{controls} form[data-action=complete] button[type=submit]")
    # answered in place (the notice, then the refetch after the push): nothing left to do
    firm.locator(f"{controls} form").first.wait_for(state="detached")
    firm.locator(f"#work-order-{order.pk}-history [data-kind=completion]").wait_for()  # live
    steps = firm.locator(f"#work-order-{order.pk}-history [data-kind]")
    kinds = steps.evaluate_all("els => els.map(e => e.dataset.kind)")
    assert kinds == ["dispatched", "accepted", "completion"]
    assert_accessible(firm, "completed work order")
    public.locator("[data-kind=completed]").wait_for()
    assert "已更换楼道灯" in public.inner_text()

    committee.goto(f"{server.url}/work-orders/{order.pk}/")
    assert_accessible(committee, "work order to verify")
    committee.check(f"{controls} form[data-action=verify] input[value=yes]")
    committee.click(f"{controls} form[data-action=verify] button[type=submit]")
    committee.locator(f"{controls} form[data-action=verify]").wait_for(state="detached")
    public.locator("[data-status=resolved]").wait_for()

    # The rating form arrives live on the resident's page; nobody reloaded it.
    rate = resident.locator(f"#issue-{issue.pk}-rate form")
    rate.wait_for()
    assert_accessible(resident, "rating form, arrived live")
    resident.check(f"#issue-{issue.pk}-rate input[name=confirm-fixed][value=yes]")
    resident.check(f"#issue-{issue.pk}-rate input[name=confirm-rating][value=satisfied]")
    resident.click(f"#issue-{issue.pk}-rate button[type=submit]")
    resident.locator(f"#issue-{issue.pk}-rate .notice").wait_for()
    public.locator("[data-status=closed]").wait_for()
    assert_accessible(resident, "rated and closed")
    assert public.locator("[data-rating=satisfied]").count() == 1
    kinds = public.locator("[data-kind]").evaluate_all("els => els.map(e => e.dataset.kind)")
    assert kinds == ["reported", "dispatched", "accepted", "completed", "verified", "rated"]
    assert "13800000012" not in resident.content()
    assert resident.url.endswith(f"/issues/{issue.pk}/")  # the page never navigated
    # The resident sees the photo of the completed work (through the checked photo view).
    resident.reload()
    resident.wait_for_function(LOADED, arg="#completion-photos img.thumb")
    for page in (resident, committee, firm):
        page.context.close()


def test_a_push_does_not_wipe_a_rating_being_chosen(browser, live_server_asgi) -> None:
    """The rating form is pushed to the reporter's open page (``push_rating``); a push that
    comes again while they are choosing (a replay, the other socket's copy, a late job)
    used to swap in a blank copy, so their tap on "send" met the browser's "please choose"
    and nothing was sent."""
    from deliberation.services.work_orders.push import push_rating
    from tests.intake.factories import report
    from tests.support.browser import in_own_thread
    from tests.support.demo import user
    from workflows import intake
    from workflows import work_orders as flow

    def verified() -> tuple[Issue, WorkOrder]:
        """jumin's report dispatched, done and verified through the flows."""
        issue = report("单元门禁失灵")
        order = intake.triage(
            issue, "dispatch", actor=user("juwei"), responsible=issue.compound.property_provider
        )
        flow.perform(order, "accept", actor=user("wuye"))
        flow.perform(order, "complete", actor=user("wuye"), text="已修好")
        flow.perform(order, "verify", actor=user("juwei"), approved=True)
        return issue, order

    server = live_server_asgi
    issue, order = in_own_thread(verified)
    resident = browser_login(browser, server, "jumin", phone=True)
    resident.goto(f"{server.url}/issues/{issue.pk}/")
    wait_live(resident)
    rate = f"#issue-{issue.pk}-rate"
    resident.check(f"{rate} input[name=confirm-fixed][value=yes]")

    def push_again() -> None:
        with transaction.atomic():
            push_rating(order)

    in_own_thread(push_again)
    pushed = in_own_thread(lambda: Event.objects.filter(kind="issue.rate").latest("id").pk)
    resident.wait_for_function(
        "n => Number(document.getElementById('live').dataset.liveLast) >= n", arg=pushed
    )
    assert resident.locator(f"{rate} input[name=confirm-fixed][value=yes]").is_checked()

    resident.check(f"{rate} input[name=confirm-rating][value=satisfied]")
    resident.click(f"{rate} button[type=submit]")
    resident.locator(f"{rate} .notice").wait_for()
    order.refresh_from_db()
    assert (order.status, order.rating) == (WorkOrder.Status.CLOSED, "satisfied")
    resident.context.close()
