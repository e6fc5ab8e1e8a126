"""Real image files for upload tests, built with Pillow: a photo as a phone writes it
(EXIF orientation, GPS position, camera make, comment, XMP) in each accepted format, and
hostile files (a decompression bomb, polyglots)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, ImageCms

#: Where the phone was: 39°55'27.36"N 116°27'50.4"E (团结湖).
GPS_LATITUDE = (39.0, 55.0, 27.36)
GPS_LONGITUDE = (116.0, 27.0, 50.4)
CAMERA = "YishiPhone-Serial-8F3K2"
COMMENT = b"taken at home, 2-302"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    b'22-rdf-syntax-ns#"><rdf:Description exif:GPSLatitude="39,55.456N"/></rdf:RDF>'
    b"</x:xmpmeta>"
)
#: Traces of the metadata above that must not survive in stored bytes.
TRACES = [b"Exif", CAMERA.encode(), COMMENT, b"xmpmeta", b"GPSLatitude"]


def phone_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010F] = CAMERA  # Make
    gps = exif.get_ifd(0x8825)  # GPS IFD
    gps[1], gps[2] = "N", GPS_LATITUDE
    gps[3], gps[4] = "E", GPS_LONGITUDE
    return exif


def phone_photo(fmt: str = "JPEG", size: tuple[int, int] = (48, 24), orientation: int = 6) -> bytes:
    """A landscape picture with EXIF saying "rotate 90° to view" (6), GPS and the rest."""
    mode = "RGB" if fmt == "JPEG" else "RGBA"
    picture = Image.new(mode, size, (200, 40, 40))
    picture.paste((20, 20, 220), (0, 0, size[0] // 2, size[1]))  # left half blue
    out = io.BytesIO()
    exif = phone_exif(orientation)
    if fmt == "JPEG":
        icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
        picture.save(out, "JPEG", exif=exif, comment=COMMENT, xmp=XMP, icc_profile=icc, quality=90)
    elif fmt == "PNG":
        from PIL.PngImagePlugin import PngInfo

        info = PngInfo()
        info.add_text("Comment", COMMENT.decode())
        info.add_itxt("XML:com.adobe.xmp", XMP.decode())
        picture.save(out, "PNG", exif=exif, pnginfo=info)
    else:
        picture.save(out, "WEBP", exif=exif, xmp=XMP, quality=90)
    data = out.getvalue()
    assert all(trace in data for trace in TRACES[1:3] if fmt != "WEBP")  # the test is real
    return data


def png_bomb(width: int, height: int) -> bytes:
    """A small PNG whose header claims ``width`` × ``height`` one-bit pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(min(height, 64)))
    idat += compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
    )


def small_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 120, 10)).save(out, "PNG")
    return out.getvalue()


def small_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 120, 10)).save(out, "JPEG")
    return out.getvalue()
