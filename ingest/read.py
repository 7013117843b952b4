"""Reading files: their bytes (within the limits), and text files into physical lines with
provenance; PDFs are ``ingest.pdf``'s."""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ingest.clean import clean_chars
from ingest.errors import (
    EmptyFile,
    FileVanished,
    NotText,
    NotUtf8,
    TooLarge,
    UnreadableFile,
    UnsupportedFile,
)
from ingest.records import Line

TEXT_SUFFIXES = frozenset({".txt", ".md"})
PDF_SUFFIXES = frozenset({".pdf"})
SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_SIZE = re.compile(r"(\d+)\s*([kmg]?)b?", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """How much one file may be: bytes, PDF pages, seconds of OCR. Generous by default; a file
    over a limit is refused with a message naming the limit and how to raise it."""

    max_bytes: int = 200 * 1024**2
    max_pages: int = 2000
    ocr_seconds: float = 600.0

    @classmethod
    def from_env(
        cls,
        max_bytes: str | None = None,
        max_pages: str | None = None,
        ocr_seconds: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> ReadLimits:
        """Flags first, then ``NAMNDSVAR_MAX_BYTES`` (``200M``, ``50000000``),
        ``NAMNDSVAR_MAX_PAGES`` and ``NAMNDSVAR_OCR_TIMEOUT`` (seconds); ValueError when one is
        not a positive number."""
        env = os.environ if env is None else env
        default = cls()

        def pick(flag: str | None, name: str) -> str | None:
            return flag if flag is not None else env.get(name) or None

        raw_bytes = pick(max_bytes, "NAMNDSVAR_MAX_BYTES")
        raw_pages = pick(max_pages, "NAMNDSVAR_MAX_PAGES")
        raw_ocr = pick(ocr_seconds, "NAMNDSVAR_OCR_TIMEOUT")
        return cls(
            max_bytes=default.max_bytes if raw_bytes is None else parse_size(raw_bytes),
            max_pages=default.max_pages if raw_pages is None else int(_positive(raw_pages, int)),
            ocr_seconds=default.ocr_seconds if raw_ocr is None else _positive(raw_ocr, float),
        )


def parse_size(text: str) -> int:
    """Bytes from ``200M``, ``200 MB``, ``512k`` or ``50000000``."""
    match = _SIZE.fullmatch(text.strip())
    if match is None or int(match.group(1)) <= 0:
        raise ValueError(f"{text!r} är ingen storlek; skriv till exempel 200M eller 50000000")
    return int(match.group(1)) * _UNITS[match.group(2).lower()]


def _positive(text: str, kind: type[int] | type[float]) -> float:
    try:
        value = kind(text)
    except ValueError as e:
        raise ValueError(f"{text!r} är inget positivt tal") from e
    if value <= 0:
        raise ValueError(f"{text!r} är inget positivt tal")
    return value


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_bytes(name: str, path: Path, limits: ReadLimits | None = None) -> bytes:
    """The file's bytes; typed errors for a file that is gone, unreadable, not a regular file
    (a FIFO would block), empty, or over the size limit."""
    limits = limits if limits is not None else ReadLimits()
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(
                f"{name}: är ingen vanlig fil utan en namngiven rörledning (FIFO), en enhet "
                f"eller liknande; ta bort den ur mappen eller ersätt den med en riktig fil"
            )
        if info.st_size == 0:
            raise EmptyFile(f"{name}: filen är tom (0 byte); kontrollera att den sparades rätt")
        if info.st_size > limits.max_bytes:
            raise TooLarge(
                f"{name}: filen är {_mb(info.st_size)}, större än gränsen {_mb(limits.max_bytes)}; "
                f"dela upp den, eller höj gränsen med --max-bytes eller NAMNDSVAR_MAX_BYTES"
            )
        with path.open("rb") as fh:
            data = fh.read(limits.max_bytes + 1)
    except FileNotFoundError as e:
        raise FileVanished(
            f"{name}: filen finns inte längre (flyttad eller borttagen under körningen); "
            f"kontrollera var den ligger och indexera igen"
        ) from e
    except PermissionError as e:
        raise UnreadableFile(
            f"{name}: saknar behörighet att läsa filen; ge läsrättighet (chmod +r) och "
            f"indexera igen"
        ) from e
    except IsADirectoryError as e:
        raise UnreadableFile(f"{name}: är en mapp, inte en fil; ange mappen i stället") from e
    except OSError as e:
        raise UnreadableFile(
            f"{name}: filen kan inte läsas ({e.strerror or type(e).__name__}); "
            f"kontrollera filen och disken och indexera igen"
        ) from e
    if not data:
        raise EmptyFile(f"{name}: filen är tom (0 byte); kontrollera att den sparades rätt")
    if len(data) > limits.max_bytes:
        raise TooLarge(
            f"{name}: filen är större än gränsen {_mb(limits.max_bytes)}; dela upp den, eller "
            f"höj gränsen med --max-bytes eller NAMNDSVAR_MAX_BYTES"
        )
    return data


def _mb(size: int) -> str:
    return f"{size / 1024**2:.1f} MB" if size >= 1024**2 else f"{size} byte"


def decode_text(name: str, data: bytes) -> str:
    """UTF-8 (with or without a byte order mark), or UTF-16 with its byte order mark: the BOM
    says the encoding, so nothing is guessed. Anything else that is not UTF-8 (Latin-1,
    Windows-1252) is refused rather than mis-read; so are NUL bytes (a binary file, or UTF-16
    without a BOM)."""
    if data.startswith(UTF16_BOMS):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise NotUtf8(
                f"{name}: filen börjar som UTF-16 men är trasig (byte {e.start}); "
                f"spara den som UTF-8 och indexera igen"
            ) from e
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise NotUtf8(
                f"{name}: filen är inte UTF-8 (byte {e.start}; kanske Latin-1 eller "
                f"Windows-1252); spara den som UTF-8 och indexera igen"
            ) from e
    if "\x00" in text:
        raise NotText(
            f"{name}: filen innehåller NUL-tecken och är ingen vanlig text (en binärfil, eller "
            f"UTF-16 utan byteordningsmärke); spara den som UTF-8-text och indexera igen"
        )
    return text.removeprefix("\ufeff")


def read_text(name: str, data: bytes) -> list[Line]:
    """Lines of a text file (see ``decode_text``), numbered 1-based at ``\\n`` only."""
    text = decode_text(name, data)
    return [
        Line(text=clean_chars(raw.rstrip("\r")), raw=raw.rstrip("\r"), page=None, number=n)
        for n, raw in enumerate(text.split("\n"), start=1)
    ]


def check_suffix(name: str, path: Path) -> None:
    if path.suffix.lower() not in SUFFIXES:
        raise UnsupportedFile(
            f"{name}: filtypen {path.suffix or '(ingen)'} stöds inte; använd .pdf, .txt eller .md"
        )
