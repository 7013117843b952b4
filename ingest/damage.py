"""Does a stretch of text look OCR-damaged? The share of its words unknown to Swedish, and
whether å, ä and ö have gone missing (an English OCR model drops them all).

Clean council text has a few unknown words in a hundred (names, abbreviations, compounds the
lexicon cannot part) and å/ä/ö in one word in six or more; the damaged sample scan has one word
in four or more unknown and no å/ä/ö at all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.vocabulary import Vocabulary

WORD = re.compile(r"[^\W\d_]{2,}")
SWEDISH_LETTER = re.compile(r"[åäöÅÄÖ]")
DAMAGED = 0.25
"""Unknown words that mark a stretch as damaged whatever its letters."""
SUSPECT = 0.08
"""Unknown words that mark it as damaged when å/ä/ö are missing too."""
NO_SWEDISH_LETTERS = 0.04
ENOUGH_WORDS = 12
WINDOW = 30
"""Lines of a text file judged together."""


@dataclass(frozen=True, slots=True)
class Damage:
    words: int
    unknown: float
    """Share of words that are not Swedish."""
    swedish_letters: float
    """Share of words with å, ä or ö."""

    @property
    def damaged(self) -> bool:
        return self.words >= ENOUGH_WORDS and (
            self.unknown >= DAMAGED
            or (self.unknown >= SUSPECT and self.swedish_letters < NO_SWEDISH_LETTERS)
        )


def assess(text: str, vocabulary: Vocabulary) -> Damage:
    words = WORD.findall(text)
    if not words:
        return Damage(0, 0.0, 0.0)
    unknown = sum(not vocabulary.knows(w.lower()) for w in words)
    letters = sum(bool(SWEDISH_LETTER.search(w)) for w in words)
    return Damage(len(words), unknown / len(words), letters / len(words))


def damaged_windows(groups: Sequence[str], vocabulary: Vocabulary) -> list[bool]:
    """For each group of lines (a page, or ``WINDOW`` lines of a text file): is it damaged?
    A group with too few words to judge takes the verdict of the whole text."""
    whole = assess("\n".join(groups), vocabulary).damaged
    verdicts = []
    for group in groups:
        damage = assess(group, vocabulary)
        verdicts.append(damage.damaged if damage.words >= ENOUGH_WORDS else whole)
    return verdicts
