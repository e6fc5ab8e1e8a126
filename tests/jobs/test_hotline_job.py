"""The 12345 import as a job: confirmed once, it runs to the end with no page open, and each
chunk tells the importer's open pages to fetch the progress again."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from deliberation.models import Event, HotlineImport, Issue
from deliberation.services.hotline import stage_hotline_file
from deliberation.tasks.hotline import import_hotline
from tests.channels.hotline_files import csv_bytes, good_row
from tests.support.clients import login_client
from tests.support.demo import Demo

pytestmark = pytest.mark.django_db


def act(batch: HotlineImport, name: str) -> str:
    return reverse("action", args=["hotline_import", batch.pk, name])


def test_a_confirmed_import_runs_to_the_end_without_its_page(
    demo: Demo, django_capture_on_commit_callbacks: Any
) -> None:
    juwei = demo.user("juwei")
    rows = [good_row(n) for n in range(1, 24)]  # 23 rows: three chunks of 10
    batch = stage_hotline_file(actor=juwei, name="job.csv", content=csv_bytes(rows))
    client = login_client(juwei)
    progress_url = reverse("hotline-progress", args=[batch.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(act(batch, "confirm"))  # and nothing more: the page is closed
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == HotlineImport.Status.DONE
    assert (batch.imported, batch.skipped) == (23, 0)
    assert Issue.objects.filter(hotline_ticket__startswith="T-2026-").count() == 23
    # each chunk pushed "fetch the progress again" to the importer's pages, no content
    pushed = [
        html
        for event in Event.objects.filter(topic=f"user:{juwei.pk}:home", kind="refetch")
        for html in event.html.values()
    ]
    assert sum(f'data-refetch="{progress_url}"' in html for html in pushed) == 3 * 2  # zh, en
    assert not any("T-2026" in html for html in pushed)
    done = client.get(progress_url).content.decode()
    assert "完成：导入 23 条" in done and 'id="count-imported">23<' in done


def test_the_job_run_twice_imports_each_row_once(demo: Demo) -> None:
    juwei = demo.user("juwei")
    batch = stage_hotline_file(
        actor=juwei, name="twice.csv", content=csv_bytes([good_row(n) for n in range(1, 13)])
    )
    login_client(juwei).post(act(batch, "confirm"))  # committed only at the test's end: no job
    assert import_hotline(batch.pk) == HotlineImport.Status.DONE
    assert import_hotline(batch.pk) == HotlineImport.Status.DONE  # a redelivered message
    batch.refresh_from_db()
    assert (batch.processed, batch.imported) == (12, 12)
    assert Issue.objects.filter(hotline_ticket__startswith="T-2026-").count() == 12


def test_the_progress_is_the_importers_and_the_subdistricts_only(demo: Demo) -> None:
    batch = stage_hotline_file(
        actor=demo.user("juwei"), name="p.csv", content=csv_bytes([good_row(1)])
    )
    url = reverse("hotline-progress", args=[batch.pk])
    assert login_client(demo.user("jiedao")).get(url).status_code == 200
    assert login_client(demo.user("wuye")).get(url).status_code in (403, 404)
    assert login_client(demo.user("jumin")).get(url).status_code in (403, 404)
