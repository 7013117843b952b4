"""SweQUAD-MC questions asked of our index, for learning and measuring the answer step.

A question is asked of an index that holds its own text (it can be answered), or of one from
which its text and every text repeating its answer's sentence were removed (it cannot: the
right reply is to decline). Removing is real: the index is copied and the texts' passages are
deleted from the copy, so fusion and BM25 see exactly the passages that remain.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from answer.records import Answer
from bench.external_data import ExternalQuestion
from bench.external_score import holds_words
from bench.metrics import basename
from index.records import Hit
from index.search import Searcher
from index.settings import IndexSettings

log = logging.getLogger(__name__)

TOP_K = 5
"""Passages an answer is composed from, as ``python -m answer`` gives it by default."""


@dataclass(frozen=True, slots=True)
class Asked:
    """A question with the passages retrieved for it."""

    question: ExternalQuestion
    hits: tuple[Hit, ...]
    present: bool
    """Whether a text that answers it was in the index."""


def cites_one_of(answer: Answer, sources: frozenset[str]) -> bool:
    """The answer cites (or names as a twin of a cited passage) one of ``sources``."""
    cited = {basename(c.source) for c in answer.citations}
    cited |= {basename(a) for c in answer.citations for a in c.also}
    return bool(cited & sources)


def holds_answer(question: ExternalQuestion, source: str, text: str) -> bool:
    """``text`` from ``source`` answers ``question``: it is from a text that counts and holds
    a correct choice as whole words."""
    if basename(source) not in question.sources:
        return False
    return any(holds_words(text, span.text) for span in question.spans)


def ask(
    searcher: Searcher, questions: Iterable[ExternalQuestion], present: bool, top_k: int = TOP_K
) -> list[Asked]:
    return [Asked(q, tuple(searcher.search(q.question, top_k=top_k)), present) for q in questions]


def sources_of(searcher: Searcher) -> dict[str, str]:
    """Indexed document name → its source path as stored."""
    return {basename(str(p.get("source"))): str(p.get("source")) for p in searcher.passages}


def without(index: Path, names: Iterable[str], copy: Path) -> Searcher:
    """A searcher over a copy of ``index`` with the documents ``names`` removed."""
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(index, copy)
    settings = IndexSettings(path=copy)
    searcher = Searcher.open(settings)
    stored = sources_of(searcher)
    removed = sum(searcher.store.remove(stored[n]) for n in set(names) if n in stored)
    searcher.refresh()
    log.info("Kopia utan %d texter (%d passager borttagna)", len(set(names)), removed)
    return searcher


def folds(questions: Sequence[ExternalQuestion], k: int) -> list[list[ExternalQuestion]]:
    """The questions in ``k`` groups such that questions sharing a text are in one group."""
    groups: list[list[ExternalQuestion]] = [[] for _ in range(k)]
    order = sorted({q.own for q in questions})
    place = {name: i % k for i, name in enumerate(order)}
    for q in questions:
        groups[place[q.own]].append(q)
    return groups
