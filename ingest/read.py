"""Reading text files into physical lines with provenance; PDFs are ``ingest.pdf``'s."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ingest.clean import clean_chars
from ingest.errors import NotUtf8, UnsupportedFile
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


def check_suffix(name: str, path: Path) -> None:
    if path.suffix.lower() not in SUFFIXES:
        raise UnsupportedFile(
            f"{name}: filtypen {path.suffix or '(ingen)'} stöds inte; använd .pdf, .txt eller .md"
        )
