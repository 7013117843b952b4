"""Records emitted by ingestion: lines with provenance, and the passages built from them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Line:
    """One physical line of a source with where it came from.

    ``text`` is cleaned (NFC, NBSP and soft hyphens handled, hyphenation joined);
    ``raw`` is the line as extracted. ``page`` is 1-based for PDFs, None for text;
    ``number`` is the 1-based physical line of a text file (None for PDFs).
    """

    text: str
    raw: str
    page: int | None
    number: int | None
    ocr: bool = False
    confidence: float | None = None
    """Tesseract's mean word confidence (0–100) on the page, for OCR'd lines."""
    repaired: bool = False
    """``text`` was mended by the OCR repair."""


@dataclass(frozen=True, slots=True)
class PageProblem:
    """A page of a file that could not be read; the rest of the file still is."""

    page: int
    error: str


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    """What is known about the document an agenda item belongs to; None where unknown."""

    title: str | None = None
    dnr: str | None = None
    date: str | None = None
    municipality: str | None = None
    committee: str | None = None
    doc_type: str | None = None


@dataclass(frozen=True, slots=True)
class Passage:
    """A citable piece of a document: tens of lines inside one section of one item.

    ``raw_text`` holds the extracted lines from ``line_start`` to ``line_end`` one to a line
    (blank ones included), so line i of it is physical line ``line_start + i``.
    """

    id: str
    source: str
    position: int
    text: str
    raw_text: str
    page: int | None
    line_start: int | None
    line_end: int | None
    section: str | None
    meta: DocumentMeta
    file_hash: str
    ocr: bool = False
    """Some of its lines were read by OCR: a reader should check them against the original."""
    ocr_confidence: float | None = None
    """Tesseract's mean word confidence (0–100) over its OCR'd lines."""
    page_starts: tuple[tuple[int, int], ...] = ()
    """For a PDF: (line of ``raw_text``, page) wherever a new page begins, from line 0."""
    ocr_pages: tuple[int, ...] = ()
    """The pages of its lines that were OCR'd."""
    repaired: bool = False
    """OCR damage in it was repaired: ``text`` differs from ``raw_text`` beyond clean-up."""


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """All passages of one file, with the hash of its bytes."""

    source: str
    file_hash: str
    passages: tuple[Passage, ...]
    pages: int | None
    problems: tuple[PageProblem, ...] = ()
    """Pages that could not be read; ``file_hash`` then says the file is incomplete, so the
    next run tries it again."""
    damaged: bool = False
    """Some of its text looked OCR-damaged and was repaired with the vocabulary it was read
    with; another vocabulary (more clean documents) may judge and repair it differently."""
