"""The development questions: ``corpus_dev.jsonl`` read into frozen records."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LineRange = tuple[int, int]
"""A 1-based, inclusive range of physical lines: ``(start, end)``."""

UNANSWERABLE = "unanswerable"


@dataclass(frozen=True, slots=True)
class Place:
    """Where evidence stands: a corpus file (by its base name) and its line ranges."""

    file: str
    ranges: tuple[LineRange, ...]


@dataclass(frozen=True, slots=True)
class Question:
    """One development question with its evidence and the keys a correct answer contains.

    ``must_alt`` and ``must_raw`` are either empty or parallel to ``must``: an accepted
    alternative form per key (``None`` where there is none), and the key as it stands in the
    OCR-damaged file.
    """

    id: str
    question: str
    kind: str
    answer: str | None
    file: str | None
    ranges: tuple[LineRange, ...]
    also: tuple[Place, ...]
    quotes: tuple[str, ...]
    must: tuple[str, ...]
    must_alt: tuple[str | None, ...]
    must_raw: tuple[str | None, ...]

    @property
    def answerable(self) -> bool:
        return self.kind != UNANSWERABLE

    @property
    def places(self) -> tuple[Place, ...]:
        """The question's own place first, then the ``also`` places."""
        own = (Place(self.file, self.ranges),) if self.file is not None else ()
        return own + self.also


def parse_ranges(text: str) -> tuple[LineRange, ...]:
    """Parse ``"761-771"`` or ``"40-49, 532-545"`` (a lone ``"12"`` is ``(12, 12)``)."""
    ranges: list[LineRange] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        first, sep, last = part.partition("-")
        start = int(first)
        end = int(last) if sep else start
        if start < 1 or end < start:
            raise ValueError(f"ogiltigt radintervall {part!r} i {text!r}")
        ranges.append((start, end))
    if not ranges:
        raise ValueError(f"inga radintervall i {text!r}")
    return tuple(ranges)


def question_from_json(obj: dict[str, Any]) -> Question:
    """Build a Question from one parsed line of ``corpus_dev.jsonl``."""
    must = tuple(str(m) for m in obj.get("must") or ())
    lines = obj.get("lines")
    return Question(
        id=str(obj["id"]),
        question=str(obj["question"]),
        kind=str(obj["kind"]),
        answer=obj.get("answer"),
        file=obj.get("file"),
        ranges=parse_ranges(lines) if lines else (),
        also=tuple(
            Place(file=str(p["file"]), ranges=parse_ranges(str(p["lines"])))
            for p in obj.get("also") or ()
        ),
        quotes=tuple(str(q) for q in obj.get("quotes") or ()),
        must=must,
        must_alt=_parallel(obj.get("must_alt"), len(must), "must_alt", obj["id"]),
        must_raw=_parallel(obj.get("must_raw"), len(must), "must_raw", obj["id"]),
    )


def _parallel(
    values: Iterable[str | None] | None, size: int, key: str, qid: str
) -> tuple[str | None, ...]:
    if values is None:
        return ()
    result = tuple(None if v is None else str(v) for v in values)
    if len(result) != size:
        raise ValueError(f"{qid}: {key} har {len(result)} värden men must har {size}")
    return result


def load_questions(path: Path) -> tuple[Question, ...]:
    """Read every question of a ``corpus_dev.jsonl`` file (UTF-8, one JSON object a line)."""
    questions: list[Question] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                questions.append(question_from_json(json.loads(line)))
            except (ValueError, KeyError, TypeError) as e:
                raise ValueError(f"{path}:{number}: kan inte läsa frågan: {e}") from e
    return tuple(questions)
