"""Scoring the external sets: the relevance rule, rank metrics and their report.

Relevance is binary. nDCG@10 = DCG/IDCG with DCG = Σ rel_i / log2(i + 1) over the top 10
and IDCG the same for an ideal ranking of R relevant passages, R = the passages relevant
to the question among all the system's passages, capped at 10. MRR@10 and hit@k use the
first relevant passage.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from bench.external_data import ExternalQuestion
from bench.metrics import RETRIEVAL_DEPTH, basename, fold, hit_at_k, percentile_ms, reciprocal_rank


@dataclass(frozen=True, slots=True)
class Passage:
    """A retrieved or indexed passage as the relevance rule sees it."""

    source: str
    text: str


@dataclass(frozen=True, slots=True)
class Ranked:
    """One system's ranking for one question."""

    id: str
    rank: int | None
    """1-based rank of the first relevant passage in the top 10; None when none is."""
    ndcg: float
    relevant: int
    """Relevant passages among all the system's passages (R, before the cap)."""
    seconds: float


@dataclass(frozen=True, slots=True)
class SystemScores:
    name: str
    passages: int
    outcomes: tuple[Ranked, ...]
    index_seconds: float | None = None

    def hit_at(self, k: int) -> float:
        return _mean(hit_at_k(o.rank, k) for o in self.outcomes)

    @property
    def mrr_at_10(self) -> float:
        return _mean(reciprocal_rank(o.rank) for o in self.outcomes)

    @property
    def ndcg_at_10(self) -> float:
        return _mean(o.ndcg for o in self.outcomes)

    @property
    def p50_ms(self) -> float:
        return percentile_ms([o.seconds for o in self.outcomes], 50)

    @property
    def unreachable(self) -> int:
        """Questions with no relevant passage at all among the system's passages."""
        return sum(o.relevant == 0 for o in self.outcomes)


@dataclass(frozen=True, slots=True)
class SetScores:
    name: str
    documents: int
    questions: int
    systems: tuple[SystemScores, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ExternalResults:
    sets: tuple[SetScores, ...]


def _mean(values: Iterable[float]) -> float:
    items = list(values)
    return sum(items) / len(items) if items else 0.0


def holds_words(text: str, span: str) -> bool:
    """``span`` stands in ``text`` as whole words, after case and whitespace folding."""
    target = fold(span)
    if not target:
        return False
    return re.search(rf"(?<!\w){re.escape(target)}(?!\w)", fold(text)) is not None


def relevant(question: ExternalQuestion, passage: Passage) -> bool:
    """From a document that counts and, when the question has answer spans, holding one."""
    if basename(passage.source) not in question.sources:
        return False
    return not question.spans or any(holds_words(passage.text, s.text) for s in question.spans)


def count_relevant(question: ExternalQuestion, pool: Sequence[Passage]) -> int:
    """Relevant passages among ``pool`` (only those from a document that counts are read)."""
    return sum(relevant(question, p) for p in pool if basename(p.source) in question.sources)


def ndcg(relevance: Sequence[bool], total: int, depth: int = RETRIEVAL_DEPTH) -> float:
    """Binary nDCG@depth of a ranking, with ``total`` relevant passages in all (capped)."""
    gains = relevance[:depth]
    ideal = min(max(total, sum(gains)), depth)
    if ideal == 0:
        return 0.0
    dcg = sum(1.0 / math.log2(i + 2) for i, rel in enumerate(gains) if rel)
    return dcg / sum(1.0 / math.log2(i + 2) for i in range(ideal))


def first_rank(relevance: Sequence[bool], depth: int = RETRIEVAL_DEPTH) -> int | None:
    return next((i for i, rel in enumerate(relevance[:depth], 1) if rel), None)


def rank(
    question: ExternalQuestion, retrieved: Sequence[Passage], total: int, seconds: float
) -> Ranked:
    """Score one ranking: ``total`` is R from :func:`count_relevant`."""
    flags = [relevant(question, p) for p in retrieved[:RETRIEVAL_DEPTH]]
    return Ranked(question.id, first_rank(flags), ndcg(flags, total), total, seconds)


def to_json(results: ExternalResults) -> dict[str, Any]:
    return {
        "sets": [
            {
                "name": s.name,
                "documents": s.documents,
                "questions": s.questions,
                "notes": list(s.notes),
                "systems": [_system_json(system) for system in s.systems],
            }
            for s in results.sets
        ]
    }


def _system_json(system: SystemScores) -> dict[str, Any]:
    return {
        "name": system.name,
        "passages": system.passages,
        "index_seconds": system.index_seconds,
        "hit_at_1": system.hit_at(1),
        "hit_at_5": system.hit_at(5),
        "mrr_at_10": system.mrr_at_10,
        "ndcg_at_10": system.ndcg_at_10,
        "p50_ms": system.p50_ms,
        "unreachable": system.unreachable,
        "questions": [asdict(o) for o in system.outcomes],
    }


def _unreachable(systems: Sequence[SystemScores]) -> list[str]:
    """A note when some questions have no relevant passage at all (the span split apart)."""
    counts = [f"{m.name} {m.unreachable}" for m in systems if m.unreachable]
    if not counts:
        return []
    return ["Questions with no relevant passage among all passages: " + ", ".join(counts) + "."]


def markdown(results: ExternalResults) -> list[str]:
    """One table per set: a row per system."""
    lines = [
        "## External Swedish sets (SweQUAD-MC, SweFAQ)",
        "",
        "Binary relevance; nDCG@10 with the ideal DCG from the relevant passages among all "
        "of a system's passages (capped at 10). p50: query latency.",
        "",
    ]
    for s in results.sets:
        lines += [
            f"### {s.name}: {s.questions} questions, {s.documents} documents",
            "",
            "| system | hit@1 | hit@5 | MRR@10 | nDCG@10 | p50 ms | passages |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for m in s.systems:
            lines.append(
                f"| {m.name} | {m.hit_at(1):.3f} | {m.hit_at(5):.3f} | {m.mrr_at_10:.3f} "
                f"| {m.ndcg_at_10:.3f} | {m.p50_ms:.1f} | {m.passages} |"
            )
        notes = [*s.notes, *_unreachable(s.systems)]
        lines += ["", *(f"- {note}" for note in notes)]
        if notes:
            lines.append("")
    return lines
