"""Uploads are only reachable through views that check permission, even with DEBUG on."""

from django.test import Client
from django.urls import Resolver404, resolve


def test_media_files_are_not_served_directly(db, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "issues").mkdir()
    (tmp_path / "issues" / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    try:
        resolve(f"{settings.MEDIA_URL}issues/photo.jpg")
        routed = True
    except Resolver404:
        routed = False
    assert not routed
    assert Client().get(f"{settings.MEDIA_URL}issues/photo.jpg").status_code == 404
