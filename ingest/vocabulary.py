"""Which Swedish words exist and how likely each is: wordfreq's Swedish list, compounds made of
its words (``utskrivnings|processen``), and the words and word pairs of clean documents already
indexed (names, abbreviations and the phrasing of council documents); which word follows which
also from the shipped pairs of other Swedish prose (``ingest.bigrams``)."""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ingest.bigrams import NUMBER, Bigrams, shipped, tokens
from ingest.lexicon import MIN_FREQUENCY, frequencies

COMMON = 1e-5
"""Frequent enough to stand as a word of its own when a run-together word is parted."""
TAIL = 1e-6
"""Frequent enough to be the last part of a compound (the first needs only to be a word)."""
SHORT_TAIL = 1e-4
"""As frequent, for a last part of three letters (``norrtälje|bor``, ``stads|hus``)."""
FUNCTION_WORD = 3e-3
"""Words this frequent (att, och, som, för …) are not the first part of a compound that the
list lacks: ``attanta`` is two words run together."""
LINKS = ("s", "e")
"""Linking letters between a compound's parts: ``betalning|s|ansvar``, ``tjänst|e|utlåtande``."""
COMPOUND_COST = 3.0
"""Added to the parts' costs: a compound is a little less likely than a listed word."""
DOCUMENT_WEIGHT = 0.3
"""How much a word's share of the clean documents counts beside its share of Swedish."""
ENDINGS = (
    "s",
    "ts",
    "ats",
    "ades",
    "des",
    "tes",
    "ens",
    "ets",
    "na",
    "en",
    "et",
    "er",
    "ar",
    "or",
    "t",
    "de",
    "te",
    "ade",
    "ande",
    "ende",
    "are",
    "ast",
    "aste",
)
"""Inflectional endings, for telling an unlisted form of a known word from damage."""


@dataclass(slots=True)
class Vocabulary:
    frequency: dict[str, float] = field(default_factory=frequencies)
    seen: Counter[str] = field(default_factory=Counter)
    """The words of the clean documents, with how often."""
    pairs: Bigrams = field(default_factory=Bigrams)
    """The word pairs of the clean documents."""
    background: Bigrams = field(default_factory=shipped)
    """Word pairs of other Swedish prose, counted beside the documents' own."""
    _total: int = 0
    _costs: dict[str, float | None] = field(default_factory=dict)
    _prefixes: set[str] = field(default_factory=set)
    _heads: dict[str, float | None] = field(default_factory=dict)
    _floor: float | None = None

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Vocabulary:
        """Swedish, plus the words and word pairs of clean texts (already indexed documents)."""
        vocabulary = cls()
        vocabulary.add_texts(texts)
        return vocabulary

    def add_texts(self, texts: Iterable[str]) -> None:
        for text in texts:
            words = tokens(text)
            self.seen.update(words)
            self.pairs.add(words)
            self._total += len(words)
            if self._prefixes:
                self._add_prefixes(words)
        self._costs.clear()
        self._floor = None

    def prefixes(self) -> set[str]:
        """Every beginning of a word of the vocabulary (for tight loops)."""
        if not self._prefixes:
            listed = (w for w, f in self.frequency.items() if f >= MIN_FREQUENCY)
            self._add_prefixes(itertools.chain(listed, self.seen))
        return self._prefixes

    def _add_prefixes(self, words: Iterable[str]) -> None:
        for word in words:
            for i in range(1, len(word) + 1):
                self._prefixes.add(word[:i])

    def is_head(self, text: str) -> bool:
        """Can ``text`` be the first part of a compound (a word, perhaps with a linking
        letter)?"""
        heads = self._heads
        return (heads[text] if text in heads else self._part(text)) is not None

    def is_tail(self, text: str) -> bool:
        return self._tail(text) is not None

    def _tail(self, text: str) -> float | None:
        """−ln P of a compound's last part, in the genitive too (``nämnden|s``)."""
        for form in (text, text[:-1] if text.endswith("s") else ""):
            share = self.frequency.get(form, 0.0)
            if share >= (TAIL if len(form) >= 4 else SHORT_TAIL) and len(form) >= 3:
                return -math.log(share)
        return None

    def knows(self, word: str) -> bool:
        return self.cost(word) is not None

    def listed(self, word: str) -> bool:
        """A word of the list or of the clean documents, not only a compound of them."""
        return self.frequency.get(word, 0.0) >= MIN_FREQUENCY or self.seen[word] > 0

    def looks_inflected(self, word: str) -> bool:
        """A known word with a Swedish ending the list may lack (``berett|s``, ``utred|des``):
        not damage, though not listed."""
        return any(
            word.endswith(ending)
            and len(word) - len(ending) >= 4
            and self.knows(word[: -len(ending)])
            for ending in ENDINGS
        )

    def floor(self) -> float:
        """The cost of the likeliest word: no word costs less."""
        if self._floor is None:
            top = max(self.frequency.values(), default=0.0)
            if self._total and self.seen:
                top = max(top, DOCUMENT_WEIGHT * max(self.seen.values()) / self._total)
            self._floor = -math.log(top) if top > 0 else 0.0
        return self._floor

    def is_common(self, word: str) -> bool:
        return self.frequency.get(word, 0.0) >= COMMON or self.seen[word] >= 3

    def pair_count(self, previous: str, word: str) -> int:
        """How often ``word`` followed ``previous``, in the documents and the other prose."""
        first, second = self.key(previous), self.key(word)
        return self.pairs.count(first, second) + self.background.count(first, second)

    @staticmethod
    def key(word: str) -> str:
        """How the pair counts know a word (every number as one)."""
        return NUMBER if word[:1].isdigit() else word

    def association(self, previous: str, word: str, weight: float) -> float:
        """ln P(word | previous) / P(word), with the pair counts (documents and other prose
        together) mixed into the word's own probability (``weight`` for the pairs): how much
        likelier ``word`` is after ``previous`` (``Stockholms län``) than anywhere; 0 for a
        pair never seen."""
        together = self.pair_count(previous, word)
        if not together:
            return 0.0
        cost = self.cost(word)
        if cost is None:
            return 0.0
        key = self.key(previous)
        first = self.pairs.firsts[key] + self.background.firsts[key]
        return math.log(1 - weight + weight * together / first * math.exp(cost))

    def cost_or_inf(self, word: str) -> float:
        cost = self.cost(word)
        return cost if cost is not None else math.inf

    def cost(self, word: str) -> float | None:
        """−ln P(word), or None when it is not a Swedish word (nor a compound of them)."""
        if word in self._costs:
            return self._costs[word]
        share = self.frequency.get(word, 0.0)
        if share < MIN_FREQUENCY:
            share = 0.0
        if self._total and self.seen[word]:
            share = max(share, DOCUMENT_WEIGHT * self.seen[word] / self._total)
        cost = -math.log(share) if share > 0 else self._compound(word)
        self._costs[word] = cost
        return cost

    def _compound(self, word: str, depth: int = 2) -> float | None:
        """The cheapest split into a Swedish first part and a Swedish (or, once more,
        compound) rest of three letters or more, with an optional linking letter."""
        best: float | None = None
        prefixes = self._prefixes
        for i in range(3, len(word) - 2):
            if prefixes and word[: i - 1] not in prefixes:
                break  # no word, with or without a linking letter, begins this way
            head, rest = word[:i], word[i:]
            first = self._part(head)
            if first is None:
                continue
            cost = self._tail(rest)
            if cost is None and depth > 1 and len(rest) >= 7:
                cost = self._compound(rest, depth - 1)
            if cost is not None:
                total = first + cost + COMPOUND_COST
                best = total if best is None else min(best, total)
        return best

    def _part(self, head: str) -> float | None:
        """−ln P of a compound's first part, read with or without a linking letter."""
        if head in self._heads:
            return self._heads[head]
        costs = [
            -math.log(self.frequency[form])
            for form in (head, *(head[:-1] for link in LINKS if head.endswith(link)))
            if len(form) >= 3 and MIN_FREQUENCY <= self.frequency.get(form, 0.0) < FUNCTION_WORD
        ]
        self._heads[head] = min(costs) if costs else None
        return self._heads[head]
