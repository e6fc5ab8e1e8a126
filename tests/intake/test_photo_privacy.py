"""Issue 16 part 2: what is stored of an uploaded photo is the picture alone — upright, no
GPS position or other metadata, nothing appended — whoever downloads it; a decompression
bomb is a clear 400; a report that fails after its photo was written leaves no file."""

from __future__ import annotations

import io
import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from PIL import Image

from deliberation.models import (
    Event,
    Issue,
    IssuePhoto,
    Residency,
    Unit,
    User,
    WorkOrderEvidence,
)
from deliberation.periodic import JOBS
from deliberation.services.stored_files import remove_unreferenced_uploads
from tests.images import TRACES, phone_photo, png_bomb, small_jpeg
from tests.intake.factories import tuanjie, user
from tests.support.clients import login_client
from tests.support.reading import shows_number
from workflows import intake
from workflows.work_orders import perform

CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def upload(data: bytes, fmt: str = "JPEG", name: str = "IMG_0001.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=CONTENT_TYPES[fmt])


def report_data(**extra: object) -> dict[str, object]:
    return {
        "compound": tuanjie().pk,
        "building": tuanjie().buildings.get(name="2号楼").pk,
        "unit_number": "302",
        "location_text": "",
        "category": "",
        "urgency": "ordinary",
        "description": "楼道灯不亮，照片在此",
        **extra,
    }


def neighbour() -> User:
    """A resident of 团结公寓 (another unit than the reporter's 2号楼 302)."""
    unit = (
        Unit.objects.filter(building__compound=tuanjie())
        .exclude(building__name="2号楼", number="302")
        .order_by("id")
        .first()
    )
    assert unit is not None
    person = User.objects.create_user("linju", password="x")  # noqa: S106
    Residency.objects.create(user=person, unit=unit, relation=Residency.Relation.OCCUPANT)
    return person


def assert_clean(data: bytes, fmt: str, size: tuple[int, int]) -> None:
    """No metadata left, the same format family, and the EXIF orientation applied."""
    for trace in TRACES:
        assert trace not in data, trace
    picture = Image.open(io.BytesIO(data))
    assert picture.format == fmt
    assert not dict(picture.getexif()) and not dict(picture.getexif().get_ifd(0x8825))
    for key in ("exif", "xmp", "comment", "icc_profile", "Comment", "XML:com.adobe.xmp"):
        assert key not in picture.info, key
    assert picture.size == size  # 48×24 with "rotate 90°" stored as 24×48


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_report_photo_downloads_without_gps_and_upright(demo, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    reporter = login_client(user("jumin"))
    response = reporter.post(reverse("issue-report"), report_data(photos=[upload(phone_photo())]))
    assert response.status_code == 302
    issue = Issue.objects.latest("id")
    photo = IssuePhoto.objects.get(issue=issue)
    assert photo.content_type == "image/jpeg"
    assert photo.size == photo.file.size  # the re-encoded size, not the upload's
    order = intake.triage(
        issue, "dispatch", actor=user("juwei"), responsible=tuanjie().property_provider
    )
    assert order.responsible == tuanjie().property_provider
    url = reverse("issue-photo", args=[issue.pk, photo.pk])
    for who in (neighbour(), user("wuye"), user("yeweihui"), user("juwei")):
        response = login_client(who).get(url)
        assert response.status_code == 200, who
        assert response["Content-Type"] == "image/jpeg"
        assert_clean(b"".join(response.streaming_content), "JPEG", (24, 48))


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_evidence_photo_downloads_without_metadata(demo, settings, tmp_path, fmt) -> None:
    settings.MEDIA_ROOT = tmp_path
    issue = Issue.objects.create(
        reporter=user("jumin"), channel="web", description="门禁坏了", compound=tuanjie()
    )
    order = intake.triage(
        issue, "dispatch", actor=user("juwei"), responsible=tuanjie().property_provider
    )
    firm = login_client(user("wuye"))
    action = lambda a: reverse("action", args=["work_order", order.pk, a])  # noqa: E731
    assert firm.post(action("accept")).status_code == 302
    response = firm.post(
        action("complete"),
        {"complete-text": "已修好", "complete-photos": [upload(phone_photo(fmt), fmt, "x")]},
    )
    assert response.status_code == 302
    evidence = WorkOrderEvidence.objects.get(work_order=order)
    assert evidence.content_type == CONTENT_TYPES[fmt]
    url = reverse("work-order-evidence", args=[order.pk, evidence.pk])
    for who in ("wuye", "juwei"):
        response = login_client(user(who)).get(url)
        assert response.status_code == 200, who
        assert_clean(b"".join(response.streaming_content), fmt, (24, 48))


def test_a_polyglot_keeps_only_its_picture(demo, settings, tmp_path) -> None:
    """A real JPEG with an HTML page and a zip archive appended: only the picture is kept."""
    settings.MEDIA_ROOT = tmp_path
    html = b"<html><script>alert('polyglot')</script></html>"
    zipped = b"PK\x03\x04\x14\x00\x00\x00\x00\x00payload.txt" + b"\x00" * 32 + b"PK\x05\x06"
    data = small_jpeg() + html + zipped
    client = login_client(user("jumin"))
    response = client.post(reverse("issue-report"), report_data(photos=[upload(data)]))
    assert response.status_code == 302
    (stored,) = stored_files(tmp_path)
    content = stored.read_bytes()
    assert b"polyglot" not in content and b"PK\x03\x04" not in content
    assert b"payload.txt" not in content
    assert Image.open(io.BytesIO(content)).format == "JPEG"


def test_a_file_that_only_starts_like_a_jpeg_is_refused(demo, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    data = b"\xff\xd8\xff\xe0<html><script>alert(1)</script></html>"
    before = Issue.objects.count()
    response = login_client(user("jumin")).post(
        reverse("issue-report"), report_data(photos=[upload(data)])
    )
    assert response.status_code == 400
    assert "不是JPEG、PNG或WebP格式的照片" in response.content.decode()
    assert Issue.objects.count() == before and not stored_files(tmp_path)


@pytest.mark.parametrize(
    ("offset", "value"),
    [(139, 21), (241, 19)],  # inside the EXIF chunk: Pillow raises struct.error, TypeError
)
def test_a_photo_with_broken_exif_is_a_clear_400(demo, settings, tmp_path, offset, value) -> None:
    settings.MEDIA_ROOT = tmp_path
    data = bytearray(phone_photo("WEBP"))
    assert data.find(b"EXIF") < offset < data.find(b"XMP ")
    data[offset] = value
    response = login_client(user("jumin")).post(
        reverse("issue-report"), report_data(photos=[upload(bytes(data), "WEBP", "x.webp")])
    )
    assert response.status_code == 400
    assert "不是JPEG、PNG或WebP格式的照片" in response.content.decode()
    assert not stored_files(tmp_path)


@pytest.mark.parametrize(
    "size",
    [
        (8_000, 8_000),  # 64 megapixels: over our limit, under Pillow's own warning
        (30_000, 30_000),  # 900 megapixels: Pillow refuses it outright
    ],
)
def test_a_decompression_bomb_is_a_clear_400(demo, settings, tmp_path, size) -> None:
    settings.MEDIA_ROOT = tmp_path
    data = png_bomb(*size)
    assert len(data) < 10_000
    before = Issue.objects.count()
    response = login_client(user("jumin")).post(
        reverse("issue-report"), report_data(photos=[upload(data, "PNG", "bomb.png")])
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "“bomb.png”像素过多（最多40百万像素）" in body and 'role="alert"' in body
    assert Issue.objects.count() == before and not stored_files(tmp_path)


def test_the_bomb_message_in_english(demo, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = login_client(user("jumin"))
    response = client.post(
        reverse("issue-report"),
        report_data(photos=[upload(png_bomb(8_000, 8_000), "PNG", "bomb.png")]),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "has too many pixels (at most 40 megapixels)" in response.content.decode()


# --- the reporter's unit --------------------------------------------------------------------


def test_neighbours_do_not_see_the_reporters_unit(demo, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    reporter = login_client(user("jumin"))
    assert reporter.post(reverse("issue-report"), report_data()).status_code == 302
    issue = Issue.objects.latest("id")
    assert issue.unit is not None and issue.unit.number == "302"
    page_url = reverse("issue-detail", args=[issue.pk])
    next_door = login_client(neighbour())
    page = next_door.get(page_url).content.decode()
    assert "团结公寓 2号楼" in page and "2号楼 302" not in page
    listing = next_door.get(reverse("issue-list")).content.decode()
    assert f"issue-row-{issue.pk}" in listing
    row = listing.split(f'id="issue-row-{issue.pk}"')[1].split("</li>")[0]
    assert "团结公寓 2号楼" in row and not shows_number(row, "302")
    # What is pushed to the issue's public topic (the neighbour's socket) has no unit either.
    public = Event.objects.filter(topic=f"issue:{issue.pk}:public")
    assert public.exists()
    for event in public:
        for html in event.html.values():
            assert not shows_number(html, "302")
    # The reporter and the staff still see where it is exactly.
    assert "团结公寓 2号楼 302" in reporter.get(page_url).content.decode()
    for staff in ("juwei", "jiedao"):
        assert "团结公寓 2号楼 302" in login_client(user(staff)).get(page_url).content.decode()
    staff_list = login_client(user("juwei")).get(reverse("issue-list")).content.decode()
    assert "团结公寓 2号楼 302" in staff_list.split(f'id="issue-row-{issue.pk}"')[1]


# --- a report that fails after its photo was written ----------------------------------------


def test_a_report_rolled_back_after_its_photo_was_written_leaves_no_file(
    demo, settings, tmp_path, monkeypatch
) -> None:
    settings.MEDIA_ROOT = tmp_path
    from deliberation.services import issues as issue_services

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("injected: the triage queue push failed")

    monkeypatch.setattr(issue_services, "push_triage_queue", fail)  # runs after the photo
    before = Issue.objects.count()
    client = login_client(user("jumin"))
    with pytest.raises(RuntimeError, match="injected"):
        client.post(reverse("issue-report"), report_data(photos=[upload(phone_photo())]))
    assert Issue.objects.count() == before and not IssuePhoto.objects.exists()
    assert not stored_files(tmp_path)


def test_a_completion_rolled_back_after_its_evidence_was_written_leaves_no_file(
    demo, settings, tmp_path, monkeypatch
) -> None:
    settings.MEDIA_ROOT = tmp_path
    from deliberation.services.work_orders import respond as order_services

    issue = Issue.objects.create(
        reporter=user("jumin"), channel="web", description="门禁坏了", compound=tuanjie()
    )
    order = intake.triage(
        issue, "dispatch", actor=user("juwei"), responsible=tuanjie().property_provider
    )
    perform(order, "accept", actor=user("wuye"))
    order.refresh_from_db()
    status = order.status

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("injected: the issue timeline step failed")

    monkeypatch.setattr(order_services, "mirror_on_issue", fail)  # runs after the evidence
    firm = login_client(user("wuye"))
    with pytest.raises(RuntimeError, match="injected"):
        firm.post(
            reverse("action", args=["work_order", order.pk, "complete"]),
            {"complete-text": "已修好", "complete-photos": [upload(phone_photo())]},
        )
    assert not WorkOrderEvidence.objects.exists() and not stored_files(tmp_path)
    order.refresh_from_db()
    assert order.status == status


def test_files_no_row_refers_to_are_swept_once_old(demo, settings, tmp_path) -> None:
    """A rollback no block saw (a caller's own transaction failing after the report
    succeeded inside it) or a crash before commit leaves a file: the hourly sweep removes
    it, and never a file a row refers to or one young enough to be in flight."""
    settings.MEDIA_ROOT = tmp_path
    from deliberation.photos import check_photos
    from deliberation.services.issues import report_issue

    client = login_client(user("jumin"))
    response = client.post(reverse("issue-report"), report_data(photos=[upload(small_jpeg())]))
    assert response.status_code == 302
    kept = IssuePhoto.objects.get().file.name
    with pytest.raises(RuntimeError, match="caller"), transaction.atomic():
        report_issue(
            actor=user("jumin"),
            channel=Issue.Channel.WEB,
            description="外层事务随后失败",
            compound=tuanjie(),
            photos=check_photos([upload(small_jpeg())]),
        )
        raise RuntimeError("the caller's own step failed")
    assert len(stored_files(tmp_path)) == 2  # the rolled-back report's file is still there
    old = time.time() - 2 * 3600
    for path in stored_files(tmp_path):
        os.utime(path, (old, old))
    fresh = tmp_path / "work_orders" / "999" / "in-flight.jpg"
    fresh.parent.mkdir(parents=True)
    fresh.write_bytes(small_jpeg())
    assert "sweep_unreferenced_uploads" in JOBS
    assert remove_unreferenced_uploads() == 1
    assert sorted(p.relative_to(tmp_path).as_posix() for p in stored_files(tmp_path)) == sorted(
        [kept, "work_orders/999/in-flight.jpg"]
    )


def _decoded(response) -> Image.Image:
    return Image.open(io.BytesIO(b"".join(response.streaming_content)))


def test_pages_show_real_thumbnails_checked_like_the_photos(demo, settings, tmp_path) -> None:
    """A thumbnail is a small picture of its own (longest side ≤ 192 px), made once and
    kept while its photo is; whoever may not see the photo gets its thumbnail no more."""
    settings.MEDIA_ROOT = tmp_path
    big = phone_photo("JPEG", size=(1600, 1200), orientation=1)
    reporter = login_client(user("jumin"))
    response = reporter.post(reverse("issue-report"), report_data(photos=[upload(big)]))
    assert response.status_code == 302
    issue = Issue.objects.latest("id")
    photo = IssuePhoto.objects.get(issue=issue)
    url = reverse("issue-photo", args=[issue.pk, photo.pk])
    page = reporter.get(reverse("issue-detail", args=[issue.pk])).content.decode()
    assert f'<a href="{url}"><img src="{url}?size=thumb"' in page  # links to the photo
    thumb = reporter.get(url, {"size": "thumb"})
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    small = _decoded(thumb)
    assert max(small.size) <= 192 and small.size == (192, 144)
    full = reporter.get(url)
    assert _decoded(full).size == (1600, 1200)
    assert int(thumb["Content-Length"]) < int(full["Content-Length"]) // 4
    for outsider, status in ((user("jumin2"), 404), (None, 302)):
        client = login_client(outsider) if outsider else Client()
        assert client.get(url, {"size": "thumb"}).status_code == status
    # kept while its photo is: the sweep of unreferenced uploads leaves it
    remove_unreferenced_uploads(older_than=timedelta(0))
    assert any(p.name.endswith(".thumb.jpg") for p in stored_files(tmp_path))
    assert reporter.get(url, {"size": "thumb"}).status_code == 200
