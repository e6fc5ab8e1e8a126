"""12345 hotline import: preview, per-row report, duplicates, confirm, chunks, bad files."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from deliberation.models import HotlineImport, HotlineImportRow, Issue
from deliberation.services.hotline import (
    confirm_hotline_import,
    import_next_chunk,
    stage_hotline_file,
)
from tests.support.clients import login_client
from tests.support.demo import Demo

from .hotline_files import HEADER, csv_bytes, good_row, xlsx

R = HotlineImportRow.Status
pytestmark = pytest.mark.django_db


def upload(client: Any, name: str, content: bytes) -> Any:
    return client.post(reverse("hotline-upload"), {"file": SimpleUploadedFile(name, content)})


def mixed_rows() -> list[list[Any]]:
    bad_date = good_row(2)
    bad_date[1] = "昨天上午"
    unknown_compound = good_row(3, compound="火星小区")
    unknown_category = good_row(4)
    unknown_category[4] = "外星人"
    empty_text = good_row(5)
    empty_text[2] = ""
    long_text = good_row(6)
    long_text[2] = "长" * 4001
    repeated = good_row(7, ticket="T-2026-000001")
    not_served = good_row(8, compound="轻工宿舍")
    bad_ticket = good_row(9, ticket="T 2026/9")
    return [
        good_row(1),
        bad_date,
        unknown_compound,
        unknown_category,
        empty_text,
        long_text,
        repeated,
        not_served,
        bad_ticket,
        good_row(10),
    ]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_preview_reports_each_row_and_imports_nothing(demo: Demo, kind: str) -> None:
    before = Issue.objects.count()
    content = xlsx(mixed_rows()) if kind == "xlsx" else csv_bytes(mixed_rows())
    response = upload(login_client(demo.user("juwei")), f"export.{kind}", content)
    assert response.status_code == 302
    batch = HotlineImport.objects.latest("id")
    statuses = dict(batch.rows.values_list("line", "status"))
    assert statuses == {
        2: R.VALID,
        3: R.INVALID,
        4: R.INVALID,
        5: R.INVALID,
        6: R.INVALID,
        7: R.INVALID,
        8: R.DUPLICATE,
        9: R.INVALID,
        10: R.INVALID,
        11: R.VALID,
    }
    assert batch.valid_rows == 2 and batch.total_rows == 10
    assert Issue.objects.count() == before  # nothing imported before confirmation
    messages = {r.line: " ".join(r.messages) for r in batch.rows.all()}
    assert "来电时间" in messages[3]
    assert "小区/地址" in messages[4]
    assert "外星人" in messages[5]
    assert "诉求内容" in messages[6] and "4000" in messages[7]
    assert "2" in messages[8]  # same ticket as line 2
    assert "轻工宿舍" in messages[9]
    assert "工单编号" in messages[10]
    page = login_client(demo.user("juwei")).get(reverse("hotline-preview", args=[batch.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "外星人" in html and 'id="count-valid">2<' in html


def act(batch: HotlineImport, name: str) -> str:
    """The one action URL of a step on an import (confirm, step, cancel)."""
    return reverse("action", args=["hotline_import", batch.pk, name])


def test_confirm_imports_valid_rows_as_hotline_issues(demo: Demo) -> None:
    juwei = demo.user("juwei")
    batch = stage_hotline_file(actor=juwei, name="a.xlsx", content=xlsx(mixed_rows()))
    client = login_client(juwei)
    preview = client.get(reverse("hotline-preview", args=[batch.pk])).content.decode()
    assert f'action="{act(batch, "confirm")}"' in preview  # the primary next step
    assert f'action="{act(batch, "cancel")}"' in preview
    response = client.post(act(batch, "confirm"), HTTP_HX_REQUEST="true")
    # the page again: the import runs as a job (here: not yet, it starts after the commit)
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("hotline-preview", args=[batch.pk])
    html = client.get(response["HX-Redirect"]).content.decode()
    assert "正在导入 a.xlsx 中的 2 条有效记录" in html  # says what happened
    assert 'id="import-bar" max="100" value="0"' in html  # watching the job's progress
    assert f'action="{act(batch, "step")}"' in html  # the next rows at once, if one wants
    assert act(batch, "cancel") not in html  # only what is possible now
    response = client.post(act(batch, "step"), HTTP_HX_REQUEST="true")
    # the last chunk: the page again, with every row's result
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("hotline-preview", args=[batch.pk])
    batch.refresh_from_db()
    assert batch.status == HotlineImport.Status.DONE and batch.imported == 2
    issue = Issue.objects.get(hotline_ticket="T-2026-000001")
    assert issue.channel == Issue.Channel.HOTLINE and issue.status == Issue.Status.NEW
    assert issue.compound == demo.tuanjie and issue.category.code == "elevator"
    assert issue.location_text == "2号楼" and issue.reporter_phone == "13800001234"
    expected = timezone.make_aware(datetime(2026, 10, 3, 9, 15))
    assert issue.created_at == expected  # the call, not the import
    page = client.get(reverse("hotline-preview", args=[batch.pk])).content.decode()
    assert "完成：导入 2 条" in page and 'id="count-imported">2<' in page
    assert act(batch, "step") not in page and act(batch, "confirm") not in page
    # a second confirmation is a conflict, nothing more is imported
    again = client.post(act(batch, "confirm"), HTTP_HX_REQUEST="true")
    assert again.status_code == 409
    assert Issue.objects.filter(hotline_ticket__startswith="T-2026-").count() == 2


def test_each_chunk_moves_the_bar_and_the_counters_together(demo: Demo) -> None:
    juwei = demo.user("juwei")
    rows = [good_row(n) for n in range(1, 13)]  # 12 rows: two chunks of 10
    batch = stage_hotline_file(actor=juwei, name="c.csv", content=csv_bytes(rows))
    client = login_client(juwei)
    client.post(act(batch, "confirm"))
    response = client.post(act(batch, "step"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    # the page's counters are swapped with the step's answer: "Imported 10"
    assert 'id="import-counts" hx-swap-oob="true"' in response.content.decode()
    assert 'id="count-imported">10<' in response.content.decode()
    # and the progress the page fetches again agrees: "10 of 12" on the bar
    progress = client.get(reverse("hotline-progress", args=[batch.pk])).content.decode()
    assert 'id="import-bar" max="100" value="83"' in progress
    assert 'id="count-imported">10<' in progress
    done = client.post(act(batch, "step"))  # without script: a plain POST and a redirect
    assert done.status_code == 302
    assert Issue.objects.filter(hotline_ticket__startswith="T-2026-").count() == 12
    progress = client.get(reverse("hotline-progress", args=[batch.pk])).content.decode()
    assert "完成：导入 12 条" in progress and "import-bar" not in progress


def test_the_importer_is_asked_to_confirm_in_their_task_list(demo: Demo) -> None:
    juwei = demo.user("juwei")
    batch = stage_hotline_file(actor=juwei, name="t.csv", content=csv_bytes([good_row(1)]))
    client = login_client(juwei)
    tasks = client.get(reverse("task-list")).content.decode()
    assert "确认热线导入" in tasks and "12345导入 · t.csv" in tasks
    # to the preview, to see the row-by-row check first: not confirmed blind from the list
    assert f'href="{reverse("hotline-preview", args=[batch.pk])}"' in tasks
    assert act(batch, "confirm") not in tasks
    others = login_client(demo.user("jiedao")).get(reverse("task-list")).content.decode()
    assert "t.csv" not in others  # the subdistrict may see the import, but it is not theirs
    assert client.post(act(batch, "confirm")).status_code == 302
    assert "t.csv" not in client.get(reverse("task-list")).content.decode()


def test_already_imported_tickets_are_skipped_and_reported(demo: Demo) -> None:
    juwei = demo.user("juwei")
    first = stage_hotline_file(actor=juwei, name="a.csv", content=csv_bytes([good_row(1)]))
    confirm_hotline_import(batch=first, actor=juwei)
    import_next_chunk(batch=first, actor=juwei)
    second = stage_hotline_file(
        actor=juwei, name="b.csv", content=csv_bytes([good_row(1), good_row(2)])
    )
    rows = {r.line: r for r in second.rows.all()}
    assert rows[2].status == R.DUPLICATE and "#" in rows[2].messages[0]
    assert rows[3].status == R.VALID


def test_ticket_imported_between_preview_and_confirm_is_skipped(demo: Demo) -> None:
    juwei = demo.user("juwei")
    a = stage_hotline_file(actor=juwei, name="a.csv", content=csv_bytes([good_row(1)]))
    b = stage_hotline_file(actor=juwei, name="b.csv", content=csv_bytes([good_row(1)]))
    for batch in (a, b):
        confirm_hotline_import(batch=batch, actor=juwei)
        batch = import_next_chunk(batch=batch, actor=juwei)
    b.refresh_from_db()
    assert (b.imported, b.skipped, b.status) == (0, 1, HotlineImport.Status.DONE)
    assert Issue.objects.filter(hotline_ticket="T-2026-000001").count() == 1


def test_large_file_is_imported_in_chunks_with_progress(demo: Demo) -> None:
    juwei = demo.user("juwei")
    batch = stage_hotline_file(
        actor=juwei, name="big.xlsx", content=xlsx([good_row(n) for n in range(1, 61)])
    )
    confirm_hotline_import(batch=batch, actor=juwei)
    seen = []
    while batch.status != HotlineImport.Status.DONE:
        batch = import_next_chunk(batch=batch, actor=juwei, size=25)
        seen.append(batch.percent)
    assert seen == [41, 83, 100]
    assert batch.imported == 60


BAD_FILES = [
    ("empty.csv", b"", "空"),
    ("header.csv", csv_bytes([]), "没有"),
    ("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, ".xlsx"),
    ("old.xls", b"\xd0\xcf\x11\xe0" + b"0" * 100, ".xlsx"),
    ("fake.xlsx", b"this is text, not a workbook", "不是"),
    ("fake.csv", xlsx([good_row(1)]), "不是"),
    ("zip.xlsx", b"PK\x03\x04" + b"garbage" * 20, "无法读取"),
    ("missing.csv", csv_bytes([good_row(1)[:3]], header=HEADER[:3]), "小区/地址"),
    ("binary.csv", b"\x00\x01\x02", "不是"),
    ("gbk.csv", "工单编号\n\udcff".encode("utf-8", "surrogateescape") + b"\xff\xfe\xfd", "编码"),
]


@pytest.mark.parametrize(("name", "content", "fragment"), BAD_FILES)
def test_bad_files_are_refused_with_a_message_and_nothing_stored(
    demo: Demo, name: str, content: bytes, fragment: str
) -> None:
    before = (HotlineImport.objects.count(), Issue.objects.count())
    response = upload(login_client(demo.user("juwei")), name, content)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html and fragment in html
    assert (HotlineImport.objects.count(), Issue.objects.count()) == before


def test_oversize_file_is_refused(demo: Demo, settings: Any) -> None:
    from deliberation import hotline_file

    big = csv_bytes([good_row(1)]) + b"x" * (hotline_file.MAX_BYTES + 1)
    response = upload(login_client(demo.user("juwei")), "big.csv", big)
    assert response.status_code == 400 and "MB" in response.content.decode()
    assert not HotlineImport.objects.exists()


def test_script_in_a_row_is_escaped_in_the_preview(demo: Demo) -> None:
    row = good_row(1)
    row[4] = "<script>alert(1)</script>"
    batch = stage_hotline_file(
        actor=demo.user("juwei"), name="x.csv", content=csv_bytes([row, good_row(2)])
    )
    html = login_client(demo.user("juwei")).get(reverse("hotline-preview", args=[batch.pk]))
    assert "<script>alert(1)" not in html.content.decode()
    assert "&lt;script&gt;" in html.content.decode()


@pytest.mark.parametrize(
    ("username", "upload_page", "someone_elses_preview"),
    [
        # someone else's import: 404, the answer a missing id gets (existence privacy)
        ("juwei", 200, 404),
        ("jiedao", 200, 200),
        ("wuye", 403, 404),
        ("jumin", 403, 404),
        ("yeweihui", 403, 404),
    ],
)
def test_who_may_import(
    demo: Demo, username: str, upload_page: int, someone_elses_preview: int
) -> None:
    batch = stage_hotline_file(
        actor=demo.user("juwei2"), name="x.csv", content=csv_bytes([good_row(1, "轻工宿舍")])
    )
    client = login_client(demo.user(username))
    assert client.get(reverse("hotline-upload")).status_code == upload_page
    assert (
        client.get(reverse("hotline-preview", args=[batch.pk])).status_code == someone_elses_preview
    )
    confirm = client.post(act(batch, "confirm"))
    assert confirm.status_code == (302 if someone_elses_preview == 200 else 404)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_template_download_is_accepted_by_the_importer(demo: Demo, fmt: str) -> None:
    client = login_client(demo.user("juwei"))
    response = client.get(reverse("hotline-template", args=[fmt]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    batch = stage_hotline_file(actor=demo.user("juwei"), name=f"t.{fmt}", content=response.content)
    assert batch.valid_rows == 1, list(batch.rows.values_list("messages", flat=True))


def test_a_chunk_pushes_the_triage_queue_once(demo: Demo) -> None:
    from deliberation.models import Event

    juwei = demo.user("juwei")
    batch = stage_hotline_file(
        actor=juwei, name="q.csv", content=csv_bytes([good_row(n) for n in range(1, 6)])
    )
    confirm_hotline_import(batch=batch, actor=juwei)
    rc = demo.tuanjie.community.residents_committee
    before = Event.objects.filter(topic=f"org:{rc.pk}:inbox", kind="triage.changed").count()
    import_next_chunk(batch=batch, actor=juwei)
    after = Event.objects.filter(topic=f"org:{rc.pk}:inbox", kind="triage.changed").count()
    assert after - before == 1


def test_file_without_an_importable_row_is_refused_with_the_row_report(demo: Demo) -> None:
    juwei = demo.user("juwei")
    first = stage_hotline_file(actor=juwei, name="a.csv", content=csv_bytes([good_row(1)]))
    confirm_hotline_import(batch=first, actor=juwei)
    import_next_chunk(batch=first, actor=juwei)
    bad = good_row(2)
    bad[1] = "下周"
    before = (HotlineImport.objects.count(), Issue.objects.count())
    response = upload(login_client(juwei), "b.csv", csv_bytes([good_row(1), bad]))
    assert response.status_code == 400
    html = response.content.decode()
    assert "没有可导入" in html and "第 2 行" in html and "第 3 行" in html and "来电时间" in html
    assert (HotlineImport.objects.count(), Issue.objects.count()) == before


def test_staged_callers_details_are_forgotten_when_the_import_ends(demo: Demo) -> None:
    juwei = demo.user("juwei")
    bad = good_row(2, compound="火星小区")
    batch = stage_hotline_file(actor=juwei, name="p.csv", content=csv_bytes([good_row(1), bad]))
    assert all(r.data.get("reporter_phone") for r in batch.rows.all())
    confirm_hotline_import(batch=batch, actor=juwei)
    import_next_chunk(batch=batch, actor=juwei)
    assert not any(
        "reporter_phone" in r.data or "reporter_name" in r.data for r in batch.rows.all()
    )
    issue = Issue.objects.get(hotline_ticket="T-2026-000001")
    assert issue.reporter_phone == "13800001234"  # kept with the issue, for staff


def test_cancel_forgets_the_staged_rows_details(demo: Demo) -> None:
    from deliberation.services.hotline import cancel_hotline_import

    juwei = demo.user("juwei")
    batch = stage_hotline_file(actor=juwei, name="p.csv", content=csv_bytes([good_row(1)]))
    cancel_hotline_import(batch=batch, actor=juwei)
    assert not any("reporter_phone" in r.data for r in batch.rows.all())


def test_a_ticket_imported_by_another_community_is_skipped_without_saying_where(
    demo: Demo,
) -> None:
    """北里's committee uploads a ticket that 中路's committee already imported for 团结公寓:
    the row is skipped (one call counts once), but its preview names no issue, no compound
    and no link; the subdistrict, which sees every issue, is told which issue it is."""
    juwei, juwei2 = demo.user("juwei"), demo.user("juwei2")
    first = stage_hotline_file(actor=juwei, name="a.csv", content=csv_bytes([good_row(1)]))
    confirm_hotline_import(batch=first, actor=juwei)
    import_next_chunk(batch=first, actor=juwei)
    issue = Issue.objects.get(hotline_ticket="T-2026-000001")

    content = csv_bytes([good_row(1, compound="轻工宿舍"), good_row(2, compound="轻工宿舍")])
    client = login_client(juwei2)
    response = upload(client, "b.csv", content)
    assert response.status_code == 302
    batch = HotlineImport.objects.latest("id")
    rows = {r.line: r for r in batch.rows.all()}
    assert rows[2].status == R.DUPLICATE and rows[3].status == R.VALID
    told = " ".join(rows[2].messages)
    assert f"#{issue.pk}" not in told and "团结公寓" not in told, told
    page = client.get(reverse("hotline-preview", args=[batch.pk])).content.decode()
    assert reverse("issue-detail", args=[issue.pk]) not in page
    assert f"#{issue.pk}" not in page and "团结公寓" not in page
    assert "counted once" in page or "重复计数" in page  # it says why the row is skipped

    confirm_hotline_import(batch=batch, actor=juwei2)
    import_next_chunk(batch=batch, actor=juwei2)
    assert Issue.objects.filter(hotline_ticket="T-2026-000001").count() == 1  # no double count

    staged = stage_hotline_file(
        actor=demo.user("jiedao"), name="c.csv", content=csv_bytes([good_row(1), good_row(3)])
    )
    assert f"#{issue.pk}" in staged.rows.get(line=2).messages[0]
