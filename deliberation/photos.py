"""Checking uploaded photos before anything is stored: real type (by content), size, and
a clean re-encoding.

The type a browser claims and the file name are not trusted: the first bytes decide. Then
the picture is decoded and encoded again (same format family), turned upright by its EXIF
orientation: what is stored holds pixels only, never the reporter's GPS position, camera
serial, XMP, comments or text chunks, nor anything appended after the image (a polyglot
that merely starts like a JPEG).
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps

MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 5 * 1024 * 1024
#: Decoded size we accept (a 5 MB file can claim to be 100,000 × 100,000 pixels).
MAX_PHOTO_PIXELS = 40_000_000

#: Pillow format and save options per content type: decoding is restricted to that one
#: format, and the output stays in its family.
ENCODINGS: dict[str, tuple[str, dict[str, object]]] = {
    "image/jpeg": ("JPEG", {"quality": 85, "optimize": True}),
    "image/png": ("PNG", {"optimize": False}),
    "image/webp": ("WEBP", {"quality": 85, "method": 4}),
}
#: Modes each encoder writes as they are; anything else is converted first.
KEEP_MODES = {
    "JPEG": {"L", "RGB"},
    "PNG": {"1", "L", "LA", "P", "RGB", "RGBA", "I;16"},
    "WEBP": {"RGB", "RGBA"},
}

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
        checked.append((reencode(upload, content_type, ext), content_type))
    return checked


def reencode(upload: UploadedFile, content_type: str, ext: str) -> UploadedFile:
    """The picture alone, upright, in a fresh file of the same format: no metadata, no
    trailing bytes. Refuses (ValidationError) what does not decode or is too large."""
    fmt, options = ENCODINGS[content_type]
    name = upload.name
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=[fmt]) as opened:
                width, height = opened.size
                if width * height > MAX_PHOTO_PIXELS:
                    raise Image.DecompressionBombError(f"{width}x{height}")
                picture = _upright_srgb(opened)
                out = io.BytesIO()
                _strip(picture, fmt).save(out, format=fmt, **options)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            _("“%(name)s” has too many pixels (at most %(mp)d megapixels).")
            % {"name": name, "mp": MAX_PHOTO_PIXELS // 1_000_000},
            code="photo_pixels",
        ) from exc
    except Exception as exc:  # decoders fed hostile bytes raise many kinds (struct, Type…)
        raise ValidationError(
            _("“%(name)s” is not a JPEG, PNG or WebP photo.") % {"name": name},
            code="photo_type",
        ) from exc
    finally:
        upload.seek(0)
    return SimpleUploadedFile(f"photo.{ext}", out.getvalue(), content_type=content_type)


def _upright_srgb(opened: Image.Image) -> Image.Image:
    """Apply the EXIF orientation; map an embedded colour profile onto sRGB, so that
    dropping the profile keeps the colours."""
    picture = ImageOps.exif_transpose(opened)
    icc = opened.info.get("icc_profile")
    if icc and picture.mode in ("RGB", "RGBA", "L", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            target = ImageCms.createProfile("sRGB")
            mode = "RGBA" if picture.mode == "RGBA" else "RGB"
            converted = ImageCms.profileToProfile(picture, source, target, outputMode=mode)
            if converted is not None:
                picture = converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: keep the pixels as they are
    return picture


def _strip(picture: Image.Image, fmt: str) -> Image.Image:
    """The pixels in a mode the encoder writes, with every piece of metadata removed
    (encoders fall back to ``info`` for profiles and comments)."""
    if picture.mode not in KEEP_MODES[fmt]:
        has_alpha = "A" in picture.mode or "transparency" in picture.info
        if fmt == "JPEG":
            picture = picture.convert("RGB")
        else:
            picture = picture.convert("RGBA" if has_alpha or fmt == "PNG" else "RGB")
    transparency = picture.info.get("transparency")
    keep = fmt == "PNG" and transparency is not None
    picture.info = {"transparency": transparency} if keep else {}
    return picture


#: A thumbnail's longest side: pages show photos at 96 CSS px, sharp on a 2× screen.
THUMB_SIDE = 192
THUMB_CONTENT_TYPE = "image/jpeg"


def thumbnail(stored: FieldFile) -> File:
    """A small JPEG of a stored photo (longest side ``THUMB_SIDE``), made on its first
    request and kept next to the photo in the same storage: a page of thumbnails no longer
    downloads every full photo. The caller has checked the reader may see the photo."""
    storage = stored.storage
    name = f"{stored.name}.thumb.jpg"
    if not storage.exists(name):
        with stored.open("rb") as original, Image.open(original) as opened:
            picture = opened.convert("RGBA") if "A" in opened.mode else opened.convert("RGB")
            picture.thumbnail((THUMB_SIDE, THUMB_SIDE))
            if picture.mode == "RGBA":  # a transparent PNG on white, as the page shows it
                flat = Image.new("RGB", picture.size, "white")
                flat.paste(picture, mask=picture.getchannel("A"))
                picture = flat
            out = io.BytesIO()
            picture.save(out, format="JPEG", quality=80, optimize=True)
        name = storage.save(name, ContentFile(out.getvalue()))  # a racing twin keeps its own
    return storage.open(name, "rb")


def photo_response(request: HttpRequest, stored: FieldFile, content_type: str) -> FileResponse:
    """The photo, or its thumbnail for ``?size=thumb`` (what pages put in ``<img>``; the
    link goes to the photo itself), after the view's permission check — the same for both."""
    if request.GET.get("size") == "thumb":
        response = FileResponse(thumbnail(stored), content_type=THUMB_CONTENT_TYPE)
    else:
        response = FileResponse(stored.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


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
