"""Opening a citation's source at the cited place: the lines around it in a text file, or the
page of a PDF rendered as an image with the cited words marked."""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import ImageDraw

from answer.records import Citation

CONTEXT_LINES = 30
"""Lines shown after the cited ones (and a few before: the view opens at the citation)."""
LINES_BEFORE = 6
SCALE = 1.6
"""Rendering scale of a PDF page: 1.6 × 72 dpi, sharp enough to read on a laptop."""
MARK = (255, 221, 0, 110)
SEARCH_WORDS = 8
"""The quote's words searched for at a time on the page: quotes cross lines, and a page's
text may hyphenate or space words differently."""
_PDFIUM = threading.Lock()
"""pdfium is not thread-safe; the chat serves several sessions."""


class SourceUnavailable(Exception):
    """The cited file cannot be opened (moved, deleted, or unreadable); the message says so."""


@dataclass(frozen=True, slots=True)
class SourceLine:
    number: int
    text: str
    cited: bool


@dataclass(frozen=True, slots=True)
class SourceView:
    """What a reader sees of the source: lines (a text file) or a page image (a PDF)."""

    citation: Citation
    lines: tuple[SourceLine, ...] = ()
    page_png: bytes | None = None
    marked: bool = False
    """The cited words were found and marked on the page image."""


def open_source(citation: Citation, root: Path | None = None) -> SourceView:
    """The source of ``citation`` around the cited place. ``root`` is where relative source
    paths are read from (the directory ingestion ran in; default the current one)."""
    path = Path(citation.source)
    if not path.is_absolute() and root is not None:
        path = root / path
    if not path.is_file():
        raise SourceUnavailable(
            f"{citation.source} finns inte längre där den indexerades; indexera om mappen."
        )
    if citation.page is not None:
        return _pdf_page(path, citation)
    return _text_lines(path, citation)


def _text_lines(path: Path, citation: Citation) -> SourceView:
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise SourceUnavailable(f"{citation.source} kan inte läsas: {e}") from e
    lines = text.split("\n")
    first = citation.line_start or 1
    last = citation.line_end or first
    start = max(1, first - LINES_BEFORE)
    end = min(len(lines), last + CONTEXT_LINES)
    shown = tuple(SourceLine(n, lines[n - 1], first <= n <= last) for n in range(start, end + 1))
    return SourceView(citation, lines=shown)


def _pdf_page(path: Path, citation: Citation) -> SourceView:
    page_number = citation.page or 1
    with _PDFIUM:
        try:
            pdf = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as e:
            raise SourceUnavailable(f"{citation.source} kan inte öppnas: {e}") from e
        try:
            if not 1 <= page_number <= len(pdf):
                raise SourceUnavailable(f"{citation.source} har ingen sida {page_number}.")
            page = pdf[page_number - 1]
            boxes = _quote_boxes(page, citation.raw_quote or citation.quote)
            height = page.get_height()
            image = page.render(scale=SCALE).to_pil().convert("RGB")
        finally:
            pdf.close()
    if boxes:
        overlay = ImageDraw.Draw(image, "RGBA")  # blends MARK over the page's text
        for left, bottom, right, top in boxes:
            overlay.rectangle(
                (left * SCALE, (height - top) * SCALE, right * SCALE, (height - bottom) * SCALE),
                fill=MARK,
            )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return SourceView(citation, page_png=out.getvalue(), marked=bool(boxes))


def _quote_boxes(page: pdfium.PdfPage, quote: str) -> list[tuple[float, float, float, float]]:
    """Rectangles (PDF points) of the quote's words on the page, searched a few words at a
    time; none for a scanned page, which has no text to search."""
    text_page = page.get_textpage()
    words = quote.split()
    boxes: list[tuple[float, float, float, float]] = []
    for i in range(0, len(words), SEARCH_WORDS):
        chunk = " ".join(words[i : i + SEARCH_WORDS])
        searcher = text_page.search(chunk, match_case=False)
        found = searcher.get_next()
        if found is None:
            continue
        index, count = found
        for r in range(text_page.count_rects(index, count)):
            boxes.append(text_page.get_rect(r))
    return boxes
