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


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """All passages of one file, with the hash of its bytes."""

    source: str
    file_hash: str
    passages: tuple[Passage, ...]
    pages: int | None
