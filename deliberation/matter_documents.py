"""Checking a matter's attachments before anything is stored: the first bytes decide the
type (never the name or the browser's claim), with a size limit and a count per matter.

Owners open these files from the vote page, so only document and picture formats we can
name are kept; anything else is refused with a message that says what is accepted.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

MAX_DOCUMENTS_PER_MATTER = 3
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024

#: (signature, offset, content type, extension). Office files are ZIP containers.
SIGNATURES: list[tuple[bytes, int, str, str]] = [
    (b"%PDF-", 0, "application/pdf", "pdf"),
    (b"\xff\xd8\xff", 0, "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png", "png"),
    (b"PK\x03\x04", 0, "application/zip", "zip"),
]
OFFICE = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def sniff(upload: UploadedFile) -> tuple[str, str] | None:
    """The file's real content type and extension, or None if we do not keep that kind."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for magic, offset, content_type, ext in SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            if ext == "zip":
                named = (upload.name or "").rsplit(".", 1)[-1].lower()
                return (OFFICE[named], named) if named in OFFICE else None
            return content_type, ext
    return None


def check_documents(uploads: Sequence[UploadedFile]) -> list[tuple[UploadedFile, str, str]]:
    """Validate one matter's uploads; ``(file, content type, extension)`` for the service."""
    if len(uploads) > MAX_DOCUMENTS_PER_MATTER:
        raise ValidationError(
            _("At most %(n)d documents per matter.") % {"n": MAX_DOCUMENTS_PER_MATTER}
        )
    checked = []
    for upload in uploads:
        if (upload.size or 0) > MAX_DOCUMENT_BYTES:
            raise ValidationError(
                _("“%(name)s” is larger than %(mb)d MB.")
                % {"name": upload.name, "mb": MAX_DOCUMENT_BYTES // (1024 * 1024)}
            )
        found = sniff(upload)
        if found is None:
            raise ValidationError(
                _("“%(name)s” is not a PDF, Word, Excel, JPEG or PNG file.") % {"name": upload.name}
            )
        checked.append((upload, *found))
    return checked
