"""Checking uploaded photos before anything is stored: real type (by content) and size.

The type a browser claims and the file name are not trusted: the first bytes decide.
"""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 5 * 1024 * 1024

#: (content type, extension) by signature.
SIGNATURES: list[tuple[bytes, int, str, str]] = [
    (b"\xff\xd8\xff", 0, "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png", "png"),
    (b"WEBP", 8, "image/webp", "webp"),
]


def sniff(upload: UploadedFile) -> tuple[str, str] | None:
    """The photo's real content type and extension, or None if it is not one we accept."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for magic, offset, content_type, ext in SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            if content_type == "image/webp" and not head.startswith(b"RIFF"):
                continue
            return content_type, ext
    return None


def check_photos(uploads: Sequence[UploadedFile]) -> list[tuple[UploadedFile, str]]:
    """Validate a list of uploads; return ``(file, content_type)`` pairs for the services."""
    if len(uploads) > MAX_PHOTOS:
        raise ValidationError(
            _("At most %(n)d photos.") % {"n": MAX_PHOTOS}, code="too_many_photos"
        )
    checked: list[tuple[UploadedFile, str]] = []
    for upload in uploads:
        if (upload.size or 0) > MAX_PHOTO_BYTES:
            raise ValidationError(
                _("“%(name)s” is larger than %(mb)d MB.")
                % {"name": upload.name, "mb": MAX_PHOTO_BYTES // (1024 * 1024)},
                code="photo_too_large",
            )
        found = sniff(upload)
        if found is None:
            raise ValidationError(
                _("“%(name)s” is not a JPEG, PNG or WebP photo.") % {"name": upload.name},
                code="photo_type",
            )
        content_type, ext = found
        upload.name = f"photo.{ext}"
        checked.append((upload, content_type))
    return checked


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Zero to ``MAX_PHOTOS`` photos; cleans to ``[(file, content_type), …]``."""

    widget = MultiplePhotoInput

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.widget.attrs.setdefault("accept", "image/jpeg,image/png,image/webp")

    def clean(self, data: object, initial: object = None) -> list[tuple[UploadedFile, str]]:
        items = data if isinstance(data, list | tuple) else [data]
        uploads = [d for d in items if isinstance(d, UploadedFile)]
        for upload in uploads:
            super().clean(upload, initial)
        return check_photos(uploads)
