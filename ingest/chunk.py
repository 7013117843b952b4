"""Passages inside a section: about 60–250 words, broken at paragraphs and sentence ends."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ingest.clean import LIST_ITEM, join_lines
from ingest.records import Line

VERSION = "chunk-3"


@dataclass(frozen=True, slots=True)
class ChunkSize:
    target: int = 140
    maximum: int = 250
    minimum: int = 60


@dataclass(frozen=True, slots=True)
class Chunk:
    lines: tuple[Line, ...]
    text: str
    raw_text: str


def chunk_lines(lines: Sequence[Line], size: ChunkSize = ChunkSize()) -> list[Chunk]:
    """Pack a section's lines into passages; never splits inside a line."""
    groups: list[list[Line]] = []
    current: list[Line] = []
    words = 0
    paragraphs = list(_paragraphs(lines))
    for i, paragraph in enumerate(paragraphs):
        for line in paragraph:
            n = len(line.text.split())
            if (current and words + n > size.maximum and _ends_sentence(current)) or (
                current and words + n > size.maximum * 1.2
            ):
                groups.append(current)
                current, words = [], 0
            current.append(line)
            words += n
        if words >= size.target and not _list_goes_on(paragraphs, i):
            groups.append(current)
            current, words = [], 0
    if current:
        if groups and words < size.minimum and _words(groups[-1]) + words <= size.maximum:
            groups[-1].extend(current)
        else:
            groups.append(current)
    return [_chunk(group) for group in groups if any(line.text.strip() for line in group)]


def _paragraphs(lines: Sequence[Line]) -> Iterator[list[Line]]:
    paragraph: list[Line] = []
    for line in lines:
        paragraph.append(line)
        if not line.text.strip() and any(x.text.strip() for x in paragraph):
            yield paragraph
            paragraph = []
    if paragraph:
        yield paragraph


def _list_goes_on(paragraphs: Sequence[Sequence[Line]], i: int) -> bool:
    """The next paragraph is an item of the list this one is part of: keep them together."""
    if i + 1 >= len(paragraphs):
        return False
    following = next((x.text for x in paragraphs[i + 1] if x.text.strip()), "")
    return bool(LIST_ITEM.match(following.strip()))


def _ends_sentence(lines: Sequence[Line]) -> bool:
    text = next((x.text.strip() for x in reversed(lines) if x.text.strip()), "")
    return text.endswith((".", "!", "?", ":", ";"))


def _words(lines: Sequence[Line]) -> int:
    return sum(len(line.text.split()) for line in lines)


def _chunk(group: Sequence[Line]) -> Chunk:
    first = next(i for i, x in enumerate(group) if x.text.strip())
    last = max(i for i, x in enumerate(group) if x.text.strip())
    kept = tuple(group[first : last + 1])
    return Chunk(
        lines=kept,
        text=join_lines([x.text for x in kept], structured=True),
        raw_text="\n".join(x.raw.rstrip() for x in kept),
    )
