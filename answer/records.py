"""Records emitted by answering: citations and the answer, with the contract's JSON shape."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from index.records import Hit


@dataclass(frozen=True, slots=True)
class Citation:
    n: int
    source: str
    title: str | None
    dnr: str | None
    date: str | None
    committee: str | None
    page: int | None
    line_start: int | None
    line_end: int | None
    section: str | None
    quote: str
    raw_quote: str
    also: tuple[str, ...] = ()
    context: str = ""
    """The whole passage the quote was taken from, for showing it highlighted in place."""
    ocr: bool = False
    """The quote was read by OCR from a scanned page: check it against the original."""
    ocr_confidence: float | None = None
    repaired: bool = False
    """The quote is repaired OCR text; ``raw_quote`` is what the scan says."""

    def to_json(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "source": self.source,
            "title": self.title,
            "dnr": self.dnr,
            "date": self.date,
            "committee": self.committee,
            "page": self.page,
            "line_start": self.line_start,
            "line_end": self.line_end,
            "section": self.section,
            "quote": self.quote,
            "raw_quote": self.raw_quote,
            "also": list(self.also),
            "ocr": self.ocr,
            "ocr_confidence": self.ocr_confidence,
            "repaired": self.repaired,
        }


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    answered: bool
    text: str
    citations: tuple[Citation, ...]
    passages: tuple[Hit, ...]
    resolved: str | None = None
    """The question as it was searched: a follow-up with the subject of the questions
    before it."""

    @property
    def resolved_question(self) -> str:
        return self.resolved if self.resolved is not None else self.question

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "resolved_question": self.resolved_question,
            "answered": self.answered,
            "answer": self.text,
            "citations": [c.to_json() for c in self.citations],
            "passages": [_passage_json(rank, h) for rank, h in enumerate(self.passages, 1)],
        }


def _passage_json(rank: int, hit: Hit) -> dict[str, Any]:
    return {
        "rank": rank,
        "source": hit.source,
        "page": hit.page,
        "line_start": hit.line_start,
        "line_end": hit.line_end,
        "section": hit.section,
        "title": hit.title,
        "dnr": hit.dnr,
        "date": hit.date,
        "committee": hit.committee,
        "municipality": hit.municipality,
        "doc_type": hit.doc_type,
        "text": hit.text,
        "raw_text": hit.raw_text,
        "score": round(hit.score, 6),
        "ocr": hit.ocr,
        "ocr_confidence": hit.ocr_confidence,
        "repaired": hit.repaired,
    }
