"""Records emitted by the index: a retrieved passage with its score."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Hit:
    """A retrieved passage. Metadata mirrors ingest's Passage; ``score`` is the fused score."""

    id: str
    source: str
    text: str
    raw_text: str
    page: int | None
    line_start: int | None
    line_end: int | None
    section: str | None
    title: str | None
    dnr: str | None
    date: str | None
    municipality: str | None
    committee: str | None
    doc_type: str | None
    score: float
    ranks: dict[str, int] = field(default_factory=dict)
    ocr: bool = False
    ocr_confidence: float | None = None
    page_starts: tuple[tuple[int, int], ...] = ()
    """(line of ``raw_text``, page) wherever a new page begins in a PDF passage."""
    ocr_pages: tuple[int, ...] = ()
    repaired: bool = False
    """OCR damage in ``raw_text`` was repaired in ``text``."""
    similarity: float | None = None
    """The cosine of the passage's vector and the question's (None when the dense side did not
    run): unlike ``score``, comparable from one question to the next."""

    def page_of(self, line: int) -> int | None:
        """The page that line ``line`` of ``raw_text`` is on (``page`` without a page map)."""
        page = self.page
        for start, number in self.page_starts:
            if start > line:
                break
            page = number
        return page
