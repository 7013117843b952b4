"""The OCR channel: how likely OCR shows a piece of Swedish as something else.

``ingest/data/confusions.tsv`` is learned, not written by hand: ``python -m bench.confusions``
renders Swedish text that is not in the corpus, reads it with Tesseract's English model (which
fails on Swedish the way old scans did) and counts, over the aligned words, how often each
source piece (``ä``, ``mm``) came out as each OCR piece (``d``, ``nu``). A rule's cost is
−ln P(ocr | source).
"""

from __future__ import annotations

import functools
import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

MAX_COST = 9.0
"""Rules rarer than this (P < 0.0001) are left out: they make candidates, not corrections."""
SMOOTHED = "åäö"
"""Letters whose unseen readings (one or two characters, another Swedish letter among them:
Ocrad reads å as ä in one font) keep a small probability (add-one smoothing): an English
model reads them as almost anything, more ways than a sample shows."""
OCR_ALPHABET = "abcdefghijklmnopqrstuvwxyzåäöé0123456789&<:;,.'"
MARKS = "?!|/\\()[]{}$€%+*_"
"""What else OCR leaves inside a word (``h?ilsning``, ``l[mna``, ``s)'ftet``): in the fallback
only."""
SLIVERS = "il1!|:;.,'()[]{}/\\<rtfjc"
"""Narrow glyphs and marks: a letter that breaks up leaves one of these beside a letter
(``m`` → ``rn``, ``ö`` → ``ii``, ``k`` → ``l<``); two broad letters (``ns``) are not one."""


Rules = dict[str, tuple[tuple[str, float], ...]]
LETTERS = "abcdefghijklmnopqrstuvwxyz"
SWEDISH = "åäö"


def _base(letter: str) -> str:
    return unicodedata.normalize("NFD", letter)[0]


FOREIGN_MARKS = {
    letter: _base(letter)
    for letter in map(chr, range(0xE0, 0x180))
    if letter.islower() and _base(letter) in LETTERS and letter not in SWEDISH + "é"
}
"""Letters with a mark Swedish does not write (``á``, ``õ``, ``ø``…): an engine that reads
marks in Latin-1 or Latin-9 shows one for a Swedish letter with the same base (``pá`` for
``på``) or for the bare letter. No sample needs to show it: each reads as its base letter or
a Swedish letter on that base at the cost of an unseen reading."""


@dataclass(frozen=True, slots=True)
class Channel:
    """Rules by the OCR piece they explain: ``rules["d"]`` = ((``"ä"``, 1.9), …).

    ``fallback`` adds, for words that nothing in ``rules`` explains, any letter read as any
    other at the add-one cost of an unseen substitution."""

    rules: Rules
    longest: int
    fallback: Rules
    lost: dict[str, float]
    """What it costs that OCR dropped a letter altogether (``Syfte`` → ``Sfte``)."""

    @classmethod
    def from_tsv(cls, text: str) -> Channel:
        # Counts of both cases pooled: ``Ä`` → ``A`` (always, in a small sample) and ``ä`` →
        # ``a`` (about half the time) are one confusion once words are compared in lower case.
        counts: dict[tuple[str, str], int] = {}
        cased_totals: dict[str, int] = {}
        for line in text.splitlines()[1:]:
            cells = line.split("\t")
            if len(cells) < 5:
                continue
            pair = (cells[0].lower(), cells[1].lower())
            counts[pair] = counts.get(pair, 0) + int(cells[2])
            cased_totals[cells[0]] = int(cells[3])
        totals: dict[str, int] = {}
        for source, total in cased_totals.items():
            totals[source.lower()] = totals.get(source.lower(), 0) + total
        found: dict[str, dict[str, float]] = {}
        lost: dict[str, float] = {}
        for (source, ocr), count in counts.items():
            cost = -math.log(count / totals[source])
            if not ocr and source.isalpha() and len(source) == 1:
                lost[source] = cost
            elif source != ocr and ocr and cost <= MAX_COST:
                found.setdefault(ocr, {})[source] = cost
        pieces = [*OCR_ALPHABET, *(a + b for a in OCR_ALPHABET for b in OCR_ALPHABET)]
        for source in SMOOTHED:
            unseen = math.log(totals.get(source, 0) + len(pieces))
            for ocr in pieces:
                found.setdefault(ocr, {}).setdefault(source, unseen)
        for ocr, base in FOREIGN_MARKS.items():
            for source in (base, *(s for s in SWEDISH if _base(s) == base)):
                unseen = math.log(totals.get(source, 0) + len(pieces))
                found.setdefault(ocr, {}).setdefault(source, unseen)
        wider = {ocr: dict(sources) for ocr, sources in found.items()}
        common = max(totals.values(), default=0)
        marks = OCR_ALPHABET + MARKS
        readings = [*marks, *(a + b for a in marks for b in marks if a in SLIVERS or b in SLIVERS)]
        for source in LETTERS + SMOOTHED:
            unseen = math.log(totals.get(source, common) + len(readings))
            for ocr in readings:
                if ocr != source:
                    wider.setdefault(ocr, {}).setdefault(source, unseen)
            lost.setdefault(source, unseen)
        rules, fallback = _sorted(found), _sorted(wider)
        longest = max((len(k) for k in rules), default=1)
        return cls(rules=rules, longest=longest, fallback=fallback, lost=lost)

    def refitted(self, costs: Mapping[tuple[str, str], float]) -> Channel:
        """This channel with new costs for some (OCR piece, Swedish piece) confusions."""
        changed = {ocr for ocr, _ in costs}

        def refit(rules: Rules) -> Rules:
            return {
                ocr: _by_cost({s: costs.get((ocr, s), c) for s, c in sources})
                if ocr in changed
                else sources
                for ocr, sources in rules.items()
            }

        return Channel(
            rules=refit(self.rules),
            longest=self.longest,
            fallback=refit(self.fallback),
            lost={source: costs.get(("", source), c) for source, c in self.lost.items()},
        )

    @classmethod
    def from_file(cls, path: Path) -> Channel:
        return cls.from_tsv(path.read_text(encoding="utf-8"))


def _sorted(found: dict[str, dict[str, float]]) -> Rules:
    return {ocr: _by_cost(sources) for ocr, sources in found.items()}


def _by_cost(sources: dict[str, float]) -> tuple[tuple[str, float], ...]:
    return tuple(sorted(sources.items(), key=lambda item: item[1]))


@functools.cache
def default_channel() -> Channel:
    """The channel learned by ``bench.confusions``, shipped inside the package."""
    table = resources.files("ingest").joinpath("data/confusions.tsv")
    return Channel.from_tsv(table.read_text(encoding="utf-8"))
