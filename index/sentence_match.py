"""Sentence match: how much of a question one sentence of a passage holds.

BM25 scores a passage as a bag of words, so a long passage that says what the question asks in
one sentence ranks no higher than one with the same words scattered over ten. After fusion,
each candidate passage gains by its best sentence: the question's content words (Swedish
stems) that the sentence holds, each weighted by how rare it is among the candidates (a word
that every candidate has tells them nothing apart), as a share of all of them. A sentence
counts only when it holds two question words or more: one word says nothing of nearness.
A stem of five letters or more also matches inside a compound (``avrop`` in
``avropsförfrågningarna``).
"""

from __future__ import annotations

import math
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from index.lexical import tokens

SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n\s*\n")
MIN_WORDS = 2
"""Question words a sentence must hold to count."""
PART_MIN = 5
"""Stems this long match inside a longer word too (a part of a compound); shorter ones
match unrelated words by chance (``ring`` in ``försäkring``)."""
CACHED = 20_000
"""Passages whose sentences are kept read (a few hundred bytes each)."""


@dataclass(frozen=True, slots=True)
class Sentence:
    stems: frozenset[str]
    text: str
    """Casefolded, for parts of compounds."""

    def holds(self, stem: str) -> bool:
        return stem in self.stems or (len(stem) >= PART_MIN and stem in self.text)

    def held(self, stems: Iterable[str]) -> frozenset[str]:
        return frozenset(stem for stem in stems if self.holds(stem))


def sentences(text: str) -> tuple[Sentence, ...]:
    return tuple(
        Sentence(frozenset(tokens(part)), part.casefold())
        for part in SENTENCE_BREAK.split(text)
        if part.strip()
    )


@dataclass(slots=True)
class SentenceMatcher:
    """Scores candidates by their best sentence; remembers the sentences of recent ones."""

    text_of: Callable[[str], str]
    _read: OrderedDict[str, tuple[Sentence, ...]] = field(default_factory=OrderedDict)

    def scores(self, query: str, ids: Iterable[str]) -> dict[str, float]:
        """Each candidate's best sentence, 0–1: the share of the question's weight it holds."""
        terms = sorted(set(tokens(query, query=True)))
        # The question words each sentence of each candidate holds, found once.
        held = {i: [s.held(terms) for s in self._sentences(i)] for i in ids}
        if len(terms) < MIN_WORDS or not held:
            return dict.fromkeys(held, 0.0)
        weights = _rarity(terms, held)
        total = sum(weights.values())
        if total <= 0:
            return dict.fromkeys(held, 0.0)
        return {i: _best(found, weights) / total for i, found in held.items()}

    def _sentences(self, passage_id: str) -> tuple[Sentence, ...]:
        read = self._read
        if passage_id in read:
            read.move_to_end(passage_id)
            return read[passage_id]
        found = read[passage_id] = sentences(self.text_of(passage_id))
        if len(read) > CACHED:
            read.popitem(last=False)
        return found

    def forget(self) -> None:
        """The passages changed: read them afresh."""
        self._read.clear()


def _rarity(terms: Iterable[str], held: Mapping[str, list[frozenset[str]]]) -> dict[str, float]:
    """BM25's idf with the candidates as the collection."""
    size = len(held)
    weights = {}
    for term in terms:
        having = sum(any(term in words for words in found) for found in held.values())
        weights[term] = math.log(1 + (size - having + 0.5) / (having + 0.5))
    return weights


def _best(found: list[frozenset[str]], weights: Mapping[str, float]) -> float:
    best = 0.0
    for words in found:
        if len(words) >= MIN_WORDS:
            best = max(best, sum(weights[term] for term in words))
    return best
