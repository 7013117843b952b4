"""Reading sources into physical lines with provenance: text files by line, PDFs by page."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from ingest.clean import clean_chars
from ingest.errors import EncryptedPdf, NotAPdf, NotUtf8, UnsupportedFile
from ingest.records import Line

TEXT_SUFFIXES = frozenset({".txt", ".md"})
PDF_SUFFIXES = frozenset({".pdf"})
SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_text(name: str, data: bytes) -> list[Line]:
    """Lines of a UTF-8 text file, numbered 1-based at ``\\n`` only."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise NotUtf8(
            f"{name}: filen är inte UTF-8 (byte {e.start}); spara den som UTF-8 och indexera igen"
        ) from e
    text = text.removeprefix("\ufeff")
    return [
        Line(text=clean_chars(raw.rstrip("\r")), raw=raw.rstrip("\r"), page=None, number=n)
        for n, raw in enumerate(text.split("\n"), start=1)
    ]


def read_pdf_pages(name: str, path: Path) -> list[list[Line]]:
    """Lines of every page of a PDF's text layer, page numbers 1-based."""
    with path.open("rb") as fh:
        if fh.read(5) != b"%PDF-":
            raise NotAPdf(f"{name}: filen är ingen PDF; kontrollera filen eller byt filändelse")
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise EncryptedPdf(
                f"{name}: PDF:en är krypterad; spara en kopia utan lösenord och indexera igen"
            )
        pages = []
        for number, page in enumerate(reader.pages, start=1):
            text = page.extract_text() or ""
            pages.append(
                [
                    Line(text=clean_chars(raw), raw=raw, page=number, number=None)
                    for raw in text.split("\n")
                ]
            )
    except PdfReadError as e:
        raise NotAPdf(f"{name}: PDF:en är skadad och kan inte läsas ({e})") from e
    return pages


def check_suffix(name: str, path: Path) -> None:
    if path.suffix.lower() not in SUFFIXES:
        raise UnsupportedFile(
            f"{name}: filtypen {path.suffix or '(ingen)'} stöds inte; använd .pdf, .txt eller .md"
        )
