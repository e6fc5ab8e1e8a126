"""Reading the PDFs we print, as a person reading the paper would: its pages' text, and
whether the fonts that draw it travel inside the file."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader


@dataclass(frozen=True)
class Printed:
    pages: list[str]
    fonts: set[str]  # base font names of the fonts embedded in the file
    unembedded: set[str]  # fonts used but not carried in the file

    @property
    def text(self) -> str:
        return "\n".join(self.pages)


def _fonts(reader: PdfReader) -> tuple[set[str], set[str]]:
    embedded, missing = set(), set()
    for page in reader.pages:
        fonts: Any = (page.get("/Resources") or {}).get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            name = str(font.get("/BaseFont"))
            descriptor = descriptor.get_object() if descriptor is not None else {}
            if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                embedded.add(name)
            else:
                missing.add(name)
    return embedded, missing


def read_pdf(response: Any) -> Printed:
    """The text of every page of a PDF response (200, ``application/pdf``)."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return read_pdf_bytes(body)


def read_pdf_bytes(body: bytes) -> Printed:
    """The text of every page of a PDF file, e.g. as a browser downloaded it."""
    reader = PdfReader(io.BytesIO(body))
    embedded, missing = _fonts(reader)
    return Printed([p.extract_text() or "" for p in reader.pages], embedded, missing)


def squeezed(text: str) -> str:
    """Text without white space: the layout breaks lines where a table cell is narrow."""
    return "".join(text.split())
