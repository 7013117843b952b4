"""Scoring: retrieval hits, answer correctness, unanswerable handling and latency.

Pure functions over plain values, so every rule of ``shared/eval/README.md`` is unit-tested.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import Protocol

import numpy as np

from bench.datasets import Question

RETRIEVAL_DEPTH = 10
"""Passages looked at for the hit rank; MRR is MRR@10."""

_MARKER = re.compile(r"\[\d+\]")


class Located(Protocol):
    """A retrieved passage as the hit rule sees it (``index.records.Hit`` is one)."""

    @property
    def source(self) -> str: ...

    @property
    def line_start(self) -> int | None: ...

    @property
    def line_end(self) -> int | None: ...


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one system did on one question."""

    id: str
    kind: str
    answerable: bool
    rank: int | None
    """1-based rank of the first passage that is a hit, within the top 10; None when none is."""
    answered: bool
    correct: bool | None
    """For answerable questions: the answer holds every key. None for unanswerable ones."""
    handled: bool | None
    """For unanswerable questions: declined and cited nothing. None for answerable ones."""
    seconds: float
    answer: str
    citations: int
    passages: tuple[str, ...]
    """The top passages as ``source:start-end``, in rank order."""
    lines: tuple[int, ...] = ()
    """How many lines each of those passages spans (passages without line numbers left out)."""


@dataclass(frozen=True, slots=True)
class Summary:
    """A system's scores over all questions."""

    hit_at_5: float
    mrr_at_10: float
    correct: int
    answerable: int
    handled: int
    unanswerable: int
    p50_ms: float
    p95_ms: float
    median_lines: float
    """Median length in lines of the retrieved passages: bigger passages hit more easily."""

    @property
    def correctness(self) -> float:
        return self.correct / self.answerable if self.answerable else 0.0


def basename(source: str) -> str:
    """The file name of a source path, whether written with ``/`` or ``\\``."""
    return PureWindowsPath(PurePosixPath(source).name).name


def is_hit(
    passage_source: str, line_start: int | None, line_end: int | None, question: Question
) -> bool:
    """True when the passage lies in the question's file or an ``also`` file and overlaps
    one of that place's line ranges. Passages without line numbers (PDF pages) never hit."""
    if line_start is None or line_end is None:
        return False
    name = basename(passage_source)
    for place in question.places:
        if place.file != name:
            continue
        if any(line_start <= end and line_end >= start for start, end in place.ranges):
            return True
    return False


def hit_rank(
    passages: Sequence[Located], question: Question, depth: int = RETRIEVAL_DEPTH
) -> int | None:
    """1-based rank of the first hit among the top ``depth`` passages, or None."""
    for rank, passage in enumerate(passages[:depth], 1):
        if is_hit(passage.source, passage.line_start, passage.line_end, question):
            return rank
    return None


def hit_at_k(rank: int | None, k: int) -> bool:
    return rank is not None and rank <= k


def reciprocal_rank(rank: int | None, depth: int = RETRIEVAL_DEPTH) -> float:
    """1/rank when the first hit is within ``depth``, else 0 (the MRR@depth term)."""
    return 1.0 / rank if rank is not None and rank <= depth else 0.0


def fold(text: str) -> str:
    """Case and whitespace folding: NFC, casefold, ``[n]`` markers out, runs of whitespace
    (NBSP included) to one space."""
    text = _MARKER.sub(" ", unicodedata.normalize("NFC", text))
    return " ".join(text.casefold().split())


def contains_keys(text: str, question: Question) -> bool:
    """Every ``must`` key is in the text, in its own form, its ``must_alt`` alternative or
    its ``must_raw`` (OCR-damaged) form, after folding."""
    if not question.must:
        return False
    folded = fold(text)
    for i, key in enumerate(question.must):
        forms = [key]
        for extra in (question.must_alt, question.must_raw):
            if extra and extra[i] is not None:
                forms.append(str(extra[i]))
        if not any(fold(form) in folded for form in forms):
            return False
    return True


def answer_correct(answered: bool, text: str, question: Question) -> bool:
    """An answerable question is answered correctly: not declined, and every key present."""
    return question.answerable and answered and contains_keys(text, question)


def unanswerable_handled(answered: bool, citations: int) -> bool:
    """The assistant said the documents do not answer, and cited nothing."""
    return not answered and citations == 0


def percentile_ms(seconds: Sequence[float], q: float) -> float:
    """The q-th percentile (linear interpolation) of durations in seconds, in milliseconds."""
    if not seconds:
        return 0.0
    return float(np.percentile(np.asarray(seconds, dtype=float), q)) * 1000.0


def describe(passage: Located) -> str:
    if passage.line_start is None:
        return passage.source
    return f"{passage.source}:{passage.line_start}-{passage.line_end}"


def score(
    question: Question,
    *,
    answered: bool,
    text: str,
    citations: int,
    passages: Sequence[Located],
    seconds: float,
) -> Outcome:
    """Score one answer to one question."""
    answerable = question.answerable
    return Outcome(
        id=question.id,
        kind=question.kind,
        answerable=answerable,
        rank=hit_rank(passages, question) if answerable else None,
        answered=answered,
        correct=answer_correct(answered, text, question) if answerable else None,
        handled=None if answerable else unanswerable_handled(answered, citations),
        seconds=seconds,
        answer=text,
        citations=citations,
        passages=tuple(describe(p) for p in passages[:RETRIEVAL_DEPTH]),
        lines=tuple(
            p.line_end - p.line_start + 1
            for p in passages[:RETRIEVAL_DEPTH]
            if p.line_start is not None and p.line_end is not None
        ),
    )


def summarise(outcomes: Sequence[Outcome]) -> Summary:
    """Retrieval and correctness over answerable questions; handling over unanswerable ones;
    latency over all."""
    answerable = [o for o in outcomes if o.answerable]
    unanswerable = [o for o in outcomes if not o.answerable]
    n = len(answerable)
    seconds = [o.seconds for o in outcomes]
    lines = [n for o in outcomes for n in o.lines]
    return Summary(
        hit_at_5=sum(hit_at_k(o.rank, 5) for o in answerable) / n if n else 0.0,
        mrr_at_10=sum(reciprocal_rank(o.rank) for o in answerable) / n if n else 0.0,
        correct=sum(bool(o.correct) for o in answerable),
        answerable=n,
        handled=sum(bool(o.handled) for o in unanswerable),
        unanswerable=len(unanswerable),
        p50_ms=percentile_ms(seconds, 50),
        p95_ms=percentile_ms(seconds, 95),
        median_lines=float(np.median(lines)) if lines else 0.0,
    )
