"""The documents in an index, as an administrator sees them: metadata, pages, how much was read
by OCR, and how damaged the text was."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from index.store import StoredPassage
from ingest.damage import assess
from ingest.vocabulary import Vocabulary


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    source: str
    titles: tuple[str, ...]
    municipality: str | None
    committees: tuple[str, ...]
    doc_types: tuple[str, ...]
    first_date: str | None
    last_date: str | None
    passages: int
    pages: int | None
    """Pages of a PDF (the highest page cited by a passage); None for a text file."""
    ocr_pages: int
    repaired_passages: int
    damage: float
    """Share of the words as extracted that are not Swedish (``ingest.damage``): a few
    hundredths for clean text, a quarter or more for a damaged scan."""

    @property
    def ocr_share(self) -> float:
        return self.ocr_pages / self.pages if self.pages else 0.0


def catalog(passages: Iterable[StoredPassage], vocabulary: Vocabulary) -> list[DocumentInfo]:
    """One entry a source file, in the order of their paths."""
    by_source: dict[str, list[StoredPassage]] = {}
    for p in passages:
        by_source.setdefault(str(p.get("source")), []).append(p)
    return [_describe(source, found, vocabulary) for source, found in sorted(by_source.items())]


def _describe(source: str, found: Sequence[StoredPassage], vocabulary: Vocabulary) -> DocumentInfo:
    def values(key: str) -> tuple[str, ...]:
        return tuple(sorted({str(v) for p in found if (v := p.get(key)) is not None}))

    dates = values("date")
    pages = [int(v) for p in found if (v := p.get("page")) is not None]
    ocr_pages = {
        int(x) for p in found for x in str(p.get("ocr_pages") or "").split(",") if x.strip()
    }
    raw = "\n".join(str(p.get("raw_text") or p.text) for p in found)
    municipalities = values("municipality")
    return DocumentInfo(
        source=source,
        titles=values("title"),
        municipality=municipalities[0] if municipalities else None,
        committees=values("committee"),
        doc_types=values("doc_type"),
        first_date=dates[0] if dates else None,
        last_date=dates[-1] if dates else None,
        passages=len(found),
        pages=max(pages) if pages else None,
        ocr_pages=len(ocr_pages),
        repaired_passages=sum(1 for p in found if p.get("repaired")),
        damage=assess(raw, vocabulary).unknown,
    )
