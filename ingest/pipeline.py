"""Ingestion of one file, as named stages: read → clean → split → chunk → describe."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest import chunk, normalise
from ingest.clean import clean_chars, page_edge_lines, strip_furniture
from ingest.errors import EmptyDocument, UnreadablePages
from ingest.metadata import file_municipality, item_committee, item_date, item_doc_type
from ingest.ocr import OcrSettings
from ingest.pdf import PageProgress, PdfText, read_pdf
from ingest.read import ReadLimits, check_suffix, file_hash, read_bytes, read_text
from ingest.records import DocumentMeta, Line, PageProblem, Passage, SourceDocument
from ingest.structure import Block, split_blocks
from ingest.vocabulary import Vocabulary

PIPELINE_VERSION = f"{chunk.VERSION}+{normalise.VERSION}+struct-8+ocr-1"


INCOMPLETE = ":ofullständig"
"""Appended to the stored hash of a file with unreadable pages, so that it is read again."""


def read_source(
    path: Path,
    name: str | None = None,
    ocr: OcrSettings | None = None,
    progress: PageProgress | None = None,
    vocabulary: Vocabulary | None = None,
    limits: ReadLimits | None = None,
) -> SourceDocument:
    """Read one file into its passages. ``name`` is the source as the user gave it;
    ``progress`` hears of every page of a PDF read or OCR'd; ``vocabulary`` (Swedish and the
    clean documents already indexed) guides the repair of OCR-damaged text; ``limits`` bound
    the file's bytes, pages and OCR time."""
    return finish(read_lines(path, name, ocr, progress, limits), vocabulary)


@dataclass(frozen=True, slots=True)
class ReadText:
    """A file's lines as read (PDF text or OCR, cleaned, running headers gone), not yet
    repaired or split: the stages that need no vocabulary."""

    name: str
    digest: str
    lines: tuple[Line, ...]
    pages: int | None
    problems: tuple[PageProblem, ...]


def read_lines(
    path: Path,
    name: str | None = None,
    ocr: OcrSettings | None = None,
    progress: PageProgress | None = None,
    limits: ReadLimits | None = None,
) -> ReadText:
    """Read → clean → strip headers and footers."""
    name = name if name is not None else str(path)
    check_suffix(name, path)
    data = read_bytes(name, path, limits)
    problems: tuple[PageProblem, ...] = ()
    pages: int | None = None
    if path.suffix.lower() == ".pdf":
        pdf = read_pdf(name, path, ocr if ocr is not None else OcrSettings(), progress, limits)
        lines, pages, problems = _pdf_lines(pdf), pdf.page_count, pdf.problems
    else:
        lines = strip_furniture(read_text(name, data))
    if not any(line.text.strip() for line in lines):
        if problems:
            more = f" (och {len(problems) - 1} sidor till)" if len(problems) > 1 else ""
            raise UnreadablePages(problems[0].error + more)
        if pages is not None:
            raise EmptyDocument(
                f"{name}: PDF:en har bara tomma sidor; det finns inget att indexera"
            )
        raise EmptyDocument(f"{name}: filen innehåller ingen text att indexera")
    return ReadText(name, file_hash(data), tuple(lines), pages, problems)


def finish(read: ReadText, vocabulary: Vocabulary | None = None) -> SourceDocument:
    """Repair → split → describe."""
    lines, damaged = normalise.repair(read.lines, vocabulary)
    stored = read.digest + INCOMPLETE if read.problems else read.digest
    passages = describe(read.name, stored, split_blocks(lines), lines)
    return SourceDocument(
        source=read.name,
        file_hash=stored,
        passages=tuple(passages),
        pages=read.pages,
        problems=read.problems,
        damaged=damaged,
    )


def _clean(raw: str, ocr: bool) -> str:
    text = clean_chars(raw)
    return normalise.repair_ocr_line(text) if ocr else text


def _pdf_lines(pdf: PdfText) -> list[Line]:
    pages = [
        [
            Line(_clean(raw, page.ocr), raw, page.number, None, page.ocr, page.confidence)
            for raw in page.text.split("\n")
        ]
        for page in pdf.pages
    ]
    lines = [line for page in pages for line in page]
    return strip_furniture(lines, page_edge_lines(pages))


def describe(
    source: str, digest: str, blocks: Sequence[Block], lines: Sequence[Line]
) -> list[Passage]:
    """Turn blocks into passages carrying their document's metadata."""
    municipality = file_municipality(lines)
    titles: dict[str, str] = {}
    for b in blocks:
        if b.heading_dnr and b.title:
            # An agenda's heading names the case as the minutes do; the document under it
            # may add a subtitle.
            titles.setdefault(b.heading_dnr, b.title)
    items: dict[int, list[Block]] = {}
    for block in blocks:
        items.setdefault(block.item, []).append(block)
    passages: list[Passage] = []
    letterhead_date: str | None = None
    for item_blocks in items.values():
        item_lines = [line for block in item_blocks for line in block.lines]
        first = item_blocks[0]
        title = titles.get(first.heading_dnr) if first.heading_dnr else None
        date = first.date or item_date(item_lines)
        if first.heading_dnr is None and first.title is None:
            # A letterhead before the first item ("Protokoll … Sammanträdesdatum 2022-04-27"):
            # its date is the date of the item right after it.
            letterhead_date = date
        else:
            date = date or letterhead_date
            letterhead_date = None
        meta = DocumentMeta(
            title=title or first.title,
            dnr=first.heading_dnr,
            date=date,
            municipality=municipality,
            committee=item_committee(item_lines),
            doc_type=item_doc_type(first.title, first.doc_kind),
        )
        for block in item_blocks:
            for piece in chunk.chunk_lines(block.lines):
                if _is_stray(piece.text, block.section):
                    continue
                passages.append(_passage(source, digest, len(passages), block, piece, meta))
    return passages


def _is_stray(text: str, section: str | None) -> bool:
    """A stray word or two, or a few words of letterhead before an item's first section."""
    words = len(text.split())
    return words < 3 or (section is None and words < 8)


def _passage(
    source: str, digest: str, position: int, block: Block, piece: chunk.Chunk, meta: DocumentMeta
) -> Passage:
    numbers = [x.number for x in piece.lines if x.number is not None]
    pages = [x.page for x in piece.lines if x.page is not None]
    confidences = [x.confidence for x in piece.lines if x.confidence is not None]
    key = f"{digest}:{position}:{piece.text}".encode()
    return Passage(
        id=hashlib.sha256(key).hexdigest()[:32],
        source=source,
        position=position,
        text=piece.text,
        raw_text=piece.raw_text,
        page=pages[0] if pages else None,
        line_start=min(numbers) if numbers else None,
        line_end=max(numbers) if numbers else None,
        section=block.section,
        meta=meta,
        file_hash=digest,
        ocr=any(x.ocr for x in piece.lines),
        ocr_confidence=round(sum(confidences) / len(confidences), 1) if confidences else None,
        page_starts=_page_starts(piece.lines),
        ocr_pages=tuple(sorted({x.page for x in piece.lines if x.ocr and x.page is not None})),
        repaired=any(x.repaired for x in piece.lines),
    )


def _page_starts(lines: Sequence[Line]) -> tuple[tuple[int, int], ...]:
    starts: list[tuple[int, int]] = []
    for i, line in enumerate(lines):
        if line.page is not None and (not starts or starts[-1][1] != line.page):
            starts.append((i, line.page))
    return tuple(starts)
