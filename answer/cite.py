"""Citations built from the very hits an answer was composed from."""

from __future__ import annotations

import re
from collections.abc import Sequence

from answer.records import Citation
from index.records import Hit

DUPLICATE = 0.8


def shingles(text: str, n: int = 3) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.casefold())
    return {tuple(words[i : i + n]) for i in range(max(len(words) - n + 1, 1))}


def near_identical(a: str, b: str) -> bool:
    sa, sb = shingles(a), shingles(b)
    return bool(sa and sb) and len(sa & sb) / len(sa | sb) >= DUPLICATE


def twins(hit: Hit, hits: Sequence[Hit]) -> tuple[str, ...]:
    """Other sources among the hits that hold (nearly) the same text."""
    return tuple(
        dict.fromkeys(
            h.source
            for h in hits
            if h.source != hit.source and h.id != hit.id and near_identical(h.text, hit.text)
        )
    )


def citation(n: int, hit: Hit, start: int, end: int, also: tuple[str, ...]) -> Citation:
    """Cite ``hit.text[start:end]``; for a text file the lines narrow to those of the quote."""
    line_start, line_end, raw_quote = hit.line_start, hit.line_end, hit.raw_text
    pages = {hit.page_of(i) for i in range(len(hit.raw_text.split("\n")))}
    span = _raw_lines(hit, start, end)
    if span is not None:
        first, last = span
        raw_quote = "\n".join(hit.raw_text.split("\n")[first : last + 1])
        pages = {hit.page_of(i) for i in range(first, last + 1)}
        if line_start is not None:
            line_start, line_end = line_start + first, line_start + last
    ocr = any(p in hit.ocr_pages for p in pages)
    return Citation(
        n=n,
        source=hit.source,
        title=hit.title,
        dnr=hit.dnr,
        date=hit.date,
        committee=hit.committee,
        page=min((p for p in pages if p is not None), default=hit.page),
        line_start=line_start,
        line_end=line_end,
        section=hit.section,
        quote=hit.text[start:end],
        raw_quote=raw_quote.strip("\n"),
        also=also,
        context=hit.text,
        ocr=ocr,
        ocr_confidence=hit.ocr_confidence if ocr else None,
        repaired=hit.repaired
        and " ".join(raw_quote.split()) != " ".join(hit.text[start:end].split()),
    )


def _raw_lines(hit: Hit, start: int, end: int) -> tuple[int, int] | None:
    """Which lines of ``raw_text`` hold the characters ``start:end`` of the joined text.

    The joined text is the raw lines' words, one space (or a mended hyphen) between lines,
    so walking the lines' words in step with the text finds where each line begins.
    """
    position = 0
    first: int | None = None
    last: int | None = None
    for i, raw in enumerate(hit.raw_text.split("\n")):
        words = raw.split()
        if not words:
            continue
        found = hit.text.find(words[0][:-1] if words[0].endswith("-") else words[0], position)
        if found < 0:
            continue
        line_start = found
        line_end = line_start + sum(len(w) for w in words) + len(words) - 1
        if line_start < end and line_end > start:
            first = i if first is None else first
            last = i
        position = max(position, line_start + 1)
    return (first, last) if first is not None and last is not None else None
