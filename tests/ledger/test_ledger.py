"""The public-revenue ledger (issue 13 §4, docs/law.md §11) as the people keeping and
reading it meet it: entering with receipts, approval by the owners' body, spending that
needs an owners' vote, running balances, quarterly publication that never changes, the
public page, export, and what hostile or repeated input does."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from deliberation.law.ledger import Quarter
from deliberation.models import LedgerAttachment, LedgerEntry, LedgerPublication, LedgerRules
from deliberation.selectors import ledger as read
from tests.images import small_jpeg
from tests.support.clients import login_client

E = LedgerEntry
pytestmark = pytest.mark.django_db


def _action(kind: str, pk: int, name: str) -> str:
    return reverse("action", args=[kind, pk, name])


def _entry_data(demo: Any, **over: Any) -> dict[str, Any]:
    data = {
        "organization": demo.tuanjie.property_provider_id,
        "direction": "income",
        "category": "parking",
        "amount": "1200.50",
        "occurred_on": timezone.localdate().isoformat(),
        "description": "临时停车费",
        "counterparty": "访客",
        "key": "k-1",
    }
    data.update(over)
    return {f"record-{k}": v for k, v in data.items()}


def _post_entry(client: Client, demo: Any, **over: Any) -> Any:
    return client.post(_action("ledger", demo.tuanjie.pk, "record"), _entry_data(demo, **over))


def test_the_firm_enters_income_with_a_receipt_and_the_committee_approves_it(demo) -> None:
    wuye = login_client(demo.user("wuye"))
    receipt = SimpleUploadedFile("r.jpg", small_jpeg(), content_type="image/jpeg")
    data = _entry_data(demo, key="k-receipt")
    data["record-receipts"] = receipt
    response = wuye.post(_action("ledger", demo.tuanjie.pk, "record"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = E.objects.get(description="临时停车费")
    assert entry.status == E.Status.PENDING
    assert entry.attachments.count() == 1
    # not counted before approval
    assert entry not in list(read.approved_with_balance(demo.tuanjie))
    # the recorder may not approve their own entry
    assert wuye.post(_action("ledger_entry", entry.pk, "approve")).status_code == 403
    committee = login_client(demo.user("yeweihui"))
    response = committee.post(_action("ledger_entry", entry.pk, "approve"), follow=True)
    assert response.status_code == 200
    assert "1,200.50" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == E.Status.APPROVED
    # the receipt is served to the compound's residents, not to strangers
    receipt_url = reverse("ledger-receipt", args=[entry.pk, entry.attachments.get().pk])
    assert login_client(demo.user("jumin")).get(receipt_url).status_code == 200
    assert login_client(demo.user("jumin2")).get(receipt_url).status_code == 403


def test_a_receipt_that_is_not_a_picture_is_refused_and_nothing_is_stored(demo) -> None:
    wuye = login_client(demo.user("wuye"))
    data = _entry_data(demo, key="k-bad-receipt")
    data["record-receipts"] = SimpleUploadedFile(
        "r.jpg", b"%PDF-1.4 <script>", content_type="image/jpeg"
    )
    before = E.objects.count()
    response = wuye.post(_action("ledger", demo.tuanjie.pk, "record"), data)
    assert response.status_code == 400
    assert "JPEG" in response.content.decode()
    assert E.objects.count() == before
    assert not LedgerAttachment.objects.filter(entry__description="临时停车费").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("amount", "-5"),
        ("amount", "0"),
        ("amount", "1e9"),
        ("amount", "12.345"),
        ("amount", "NaN"),
        ("occurred_on", "2999-01-01"),
        ("occurred_on", "not a date"),
        ("category", "repairs"),  # a spending category on income
        ("direction", "gift"),
        ("description", "停车\x00费"),
        ("description", "x" * 201),
        ("organization", "999999"),
        ("corrects", "999999"),
    ],
)
def test_hostile_entry_fields_get_a_clear_400_and_change_nothing(demo, field, value) -> None:
    wuye = login_client(demo.user("wuye"))
    before = E.objects.count()
    response = _post_entry(wuye, demo, **{field: value, "key": f"k-{field}-{len(value)}"})
    assert response.status_code == 400, (field, value)
    assert E.objects.count() == before


def test_an_organization_the_user_does_not_belong_to_is_refused(demo) -> None:
    wuye = login_client(demo.user("wuye"))
    other = demo.tuanjie.owners_committee_id  # yeweihui's committee, not wuye's
    response = _post_entry(wuye, demo, organization=other, key="k-org")
    assert response.status_code == 400
    assert not E.objects.filter(description="临时停车费").exists()


def test_the_same_form_sent_twice_makes_one_entry(demo) -> None:
    wuye = login_client(demo.user("wuye"))
    first = _post_entry(wuye, demo, key="k-double")
    second = _post_entry(wuye, demo, key="k-double")
    assert first.status_code == second.status_code == 302
    assert E.objects.filter(description="临时停车费").count() == 1
    # the same key with other figures is a conflict, not a silent second entry
    third = _post_entry(wuye, demo, key="k-double", amount="99.00")
    assert third.status_code == 409
    assert E.objects.filter(description="临时停车费").count() == 1


def test_residents_and_strangers_may_not_enter(demo) -> None:
    for name, status in (("jumin", 403), ("jumin2", 403), ("juwei", 403)):
        response = _post_entry(login_client(demo.user(name)), demo, key=f"k-{name}")
        assert response.status_code == status, name
    assert not E.objects.filter(description="临时停车费").exists()


def test_spending_above_the_threshold_waits_for_a_passed_owners_vote(demo) -> None:
    from deliberation.models import Matter, OwnersVote

    LedgerRules.objects.create(compound=demo.tuanjie, vote_threshold=Decimal("5000.00"))
    wuye = login_client(demo.user("wuye"))
    response = _post_entry(
        wuye,
        demo,
        direction="spending",
        category="repairs",
        amount="5000.01",
        description="更换单元门禁",
        key="k-vote",
    )
    assert response.status_code == 302
    entry = E.objects.get(description="更换单元门禁")
    assert entry.status == E.Status.AWAITING_VOTE
    page = wuye.get(reverse("ledger-entry", args=[entry.pk])).content.decode()
    assert 'id="ledger-needs-vote"' in page
    assert reverse("action", args=["compound", demo.tuanjie.pk, "propose"]) in page
    committee = login_client(demo.user("yeweihui"))
    assert committee.post(_action("ledger_entry", entry.pk, "approve")).status_code == 409
    # link it to a matter; approval still waits until the matter passed and was published
    vote = OwnersVote.objects.filter(compound=demo.tuanjie).order_by("pk").first()
    matter = Matter.objects.filter(vote=vote).first()
    response = wuye.post(
        _action("ledger_entry", entry.pk, "link_vote"), {"link_vote-matter": matter.pk}
    )
    assert response.status_code == 302
    assert committee.post(_action("ledger_entry", entry.pk, "approve")).status_code == 409
    Matter.objects.filter(pk=matter.pk).update(outcome="passed")
    OwnersVote.objects.filter(pk=vote.pk).update(status=OwnersVote.Status.PUBLISHED)
    assert committee.post(_action("ledger_entry", entry.pk, "approve")).status_code == 302
    entry.refresh_from_db()
    assert entry.status == E.Status.APPROVED
    # at the threshold itself no vote is needed (only "above")
    _post_entry(
        wuye,
        demo,
        direction="spending",
        category="repairs",
        amount="5000.00",
        description="门禁小修",
        key="k-at",
    )
    assert E.objects.get(description="门禁小修").status == E.Status.PENDING


def test_a_matter_of_another_compound_cannot_be_linked(demo) -> None:
    from deliberation.models import Matter, OwnersVote

    entry = E.objects.get(compound=demo.tuanjie, status=E.Status.AWAITING_VOTE)
    elsewhere = OwnersVote.objects.create(
        compound=demo.qinggong,
        title="别处的会议",
        origin="subdistrict",
        proposed_by=demo.user("jiedao"),
    )
    foreign = Matter.objects.create(
        vote=elsewhere, kind="other", title="别处的事项", outcome="passed"
    )
    response = login_client(demo.user("wuye")).post(
        _action("ledger_entry", entry.pk, "link_vote"), {"link_vote-matter": foreign.pk}
    )
    assert response.status_code == 400
    entry.refresh_from_db()
    assert entry.matter_id is None


def test_running_balances_follow_the_approved_entries_in_date_order(demo) -> None:
    rows = list(read.approved_with_balance(demo.tuanjie))
    running = Decimal("0")
    for row in rows:
        running += row.amount if row.direction == E.Direction.INCOME else -row.amount
        assert row.balance == running
    figures = read.quarter_figures(demo.tuanjie)
    assert figures[-1].closing == running
    for earlier, later in zip(figures, figures[1:], strict=False):
        assert later.opening == earlier.closing


def test_the_due_quarter_is_published_once_and_never_changes(demo) -> None:
    compound = demo.tuanjie
    committee = login_client(demo.user("yeweihui"))
    published_before = LedgerPublication.objects.filter(compound=compound).count()
    due = read.due_quarter(
        read.with_publication_state(type(compound).objects.filter(pk=compound.pk)).get(),
        timezone.localdate(),
    )
    assert due is not None  # the demo leaves last quarter to be published
    # the firm may not publish; the committee's task list shows it
    assert (
        login_client(demo.user("wuye")).post(_action("ledger", compound.pk, "publish")).status_code
        == 403
    )
    tasks = committee.get(reverse("task-list")).content.decode()
    assert reverse("ledger-page", args=[compound.pk]) in tasks
    response = committee.post(_action("ledger", compound.pk, "publish"))
    assert response.status_code == 302
    assert LedgerPublication.objects.filter(compound=compound).count() == published_before + 1
    # publishing again: nothing due (the current quarter has not ended) → 409
    assert committee.post(_action("ledger", compound.pk, "publish")).status_code == 409
    # an entry dated in a published quarter is refused; a correction goes in an open quarter
    wuye = login_client(demo.user("wuye"))
    response = _post_entry(wuye, demo, occurred_on=due.first_day.isoformat(), key="k-late")
    assert response.status_code == 400
    assert str(due) in response.content.decode()
    wrong = E.objects.filter(compound=compound, status=E.Status.APPROVED).order_by("pk").first()
    response = _post_entry(
        wuye,
        demo,
        direction="spending",
        category="other_spending",
        amount="10.00",
        description="更正：多记停车费",
        corrects=wrong.pk,
        key="k-fix",
    )
    assert response.status_code == 302
    correction = E.objects.get(description="更正：多记停车费")
    assert correction.corrects_id == wrong.pk
    assert Quarter.of(correction.occurred_on) > due


def test_a_quarter_with_undecided_entries_is_not_published(demo) -> None:
    from deliberation.services import ledger as svc

    compound = demo.tuanjie
    state = read.with_publication_state(type(compound).objects.filter(pk=compound.pk)).get()
    due = read.due_quarter(state, timezone.localdate())
    svc.record_entry(
        actor=demo.user("wuye"),
        compound=compound,
        organization=compound.property_provider,
        spec=svc.EntrySpec("income", "rent", Decimal("100.00"), due.last_day, "活动室租金"),
    )
    response = login_client(demo.user("yeweihui")).post(_action("ledger", compound.pk, "publish"))
    assert response.status_code == 409
    assert "1" in response.content.decode()
    assert not LedgerPublication.objects.filter(
        compound=compound, year=due.year, quarter=due.number
    ).exists()


def test_the_public_page_shows_published_quarters_without_login_and_no_names(demo) -> None:
    compound = demo.tuanjie
    response = Client().get(reverse("ledger-public", args=[compound.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    published = LedgerPublication.objects.filter(compound=compound)
    assert published.exists()
    for p in published:
        assert f'id="ledger-quarter-{p.year}-{p.quarter}"' in html
    # aggregate lines only: no counterparty, description or person
    assert "北京某传媒有限公司" not in html
    assert "电梯轿厢广告位" not in html
    assert demo.user("wuye").display_name not in html
    # the unpublished quarter is not there
    state = read.with_publication_state(type(compound).objects.filter(pk=compound.pk)).get()
    due = read.due_quarter(state, timezone.localdate())
    assert f'id="ledger-quarter-{due.year}-{due.number}"' not in html
    assert Client().get(reverse("ledger-public", args=[999999])).status_code == 404


def test_the_ledger_page_is_for_the_compound_only(demo) -> None:
    url = reverse("ledger-page", args=[demo.tuanjie.pk])
    for name in ("wuye", "yeweihui", "juwei", "jumin", "jiedao"):
        response = login_client(demo.user(name)).get(url)
        assert response.status_code == 200, name
        assert "公共收益" in response.content.decode()  # zh-hans by default
    # the compound's own page shows the last published quarter and links to it
    last = LedgerPublication.objects.filter(compound=demo.tuanjie).first()
    page = login_client(demo.user("jumin")).get(reverse("compound-detail", args=[demo.tuanjie.pk]))
    html = page.content.decode()
    assert f'id="compound-ledger-{demo.tuanjie.pk}"' in html
    assert f"{last.year}年第{last.quarter}季度" in html
    assert reverse("ledger-public", args=[demo.tuanjie.pk]) in html
    assert login_client(demo.user("jumin2")).get(url).status_code == 403
    assert Client().get(url).status_code == 302


def test_export_csv_and_excel_carry_the_balances_and_defuse_formulas(demo) -> None:
    from deliberation.services import ledger as svc

    compound = demo.tuanjie
    entry, _ = svc.record_entry(
        actor=demo.user("wuye"),
        compound=compound,
        organization=compound.property_provider,
        spec=svc.EntrySpec(
            "income", "rent", Decimal("1.00"), timezone.localdate(), '=HYPERLINK("x")'
        ),
    )
    svc.approve_entry(actor=demo.user("yeweihui"), entry=entry)
    client = login_client(demo.user("jumin"))
    response = client.get(reverse("ledger-export", args=[compound.pk, "csv"]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    balances = [r[7] for r in rows[1:]]
    expected = [f"{row.balance:.2f}" for row in read.approved_with_balance(compound)]
    assert balances == expected
    assert any(r[4] == '\'=HYPERLINK("x")' for r in rows)
    response = client.get(reverse("ledger-export", args=[compound.pk, "xlsx"]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert len(values) == len(rows)
    assert all(not str(v).startswith("=") for row in values for v in row if v is not None)
    assert client.get(reverse("ledger-export", args=[compound.pk, "pdf"])).status_code == 404
    assert (
        login_client(demo.user("jumin2"))
        .get(reverse("ledger-export", args=[compound.pk, "csv"]))
        .status_code
        == 403
    )


def test_quarters_count_in_the_calendar() -> None:
    q = Quarter.of(date(2026, 12, 31))
    assert (q.first_day, q.last_day, q.next()) == (date(2026, 10, 1), q.last_day, Quarter(2027, 1))
    assert q.last_day == date(2026, 12, 31)
    assert q.publish_by == date(2026, 12, 31) + timedelta(days=30)
    assert not q.has_ended(date(2026, 12, 31))
    assert q.has_ended(date(2027, 1, 1))


def test_the_committee_records_the_threshold_the_owners_adopted(demo) -> None:
    from deliberation.models import Matter, OwnersVote

    compound = demo.tuanjie
    matter = Matter.objects.filter(vote__compound=compound).order_by("pk").first()
    committee = login_client(demo.user("yeweihui"))
    url = _action("ledger", compound.pk, "rules")
    data = {"rules-vote_threshold": "2000.00", "rules-adopted_by": matter.pk}
    # a decision that has not passed is no basis: refused, nothing stored
    assert committee.post(url, data).status_code == 400
    assert not LedgerRules.objects.filter(compound=compound).exists()
    Matter.objects.filter(pk=matter.pk).update(outcome="passed")
    OwnersVote.objects.filter(pk=matter.vote_id).update(status=OwnersVote.Status.PUBLISHED)
    assert login_client(demo.user("wuye")).post(url, data).status_code == 403
    assert committee.post(url, data).status_code == 302
    rules = LedgerRules.objects.get(compound=compound)
    assert (rules.vote_threshold, rules.adopted_by_id) == (Decimal("2000.00"), matter.pk)
    # from now on a 2,500 yuan spending waits for an owners' vote
    _post_entry(
        login_client(demo.user("wuye")),
        demo,
        direction="spending",
        category="repairs",
        amount="2500.00",
        description="绿化补种",
        key="k-rules",
    )
    assert E.objects.get(description="绿化补种").status == E.Status.AWAITING_VOTE
