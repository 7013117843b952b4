"""Does a stretch of text look OCR-damaged? A logistic regression over what OCR leaves behind.

An English model drops å, ä and ö (``frin``, ``sjukv6rd``); GOCR leaves ``_`` where it cannot
read (``p_``); Ocrad reads a ligature as a capital inside a word (``oKa``); any engine puts
digits and marks among letters (``f1esta``, ``l[mna``). Clean council text has a few unknown
words in a hundred (names, abbreviations) and å/ä/ö in one word in six. The weights are learned
(``python -m bench.train_damage``, stored in ``ingest/data/damage.json``) from Swedish prose that
is not in the corpus, read by several OCR engines, each page labelled by whether repairing it
removes word errors, beside the same prose as printed (never to be repaired).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from ingest.vocabulary import Vocabulary

WORD = re.compile(r"[^\W\d]{2,}")
"""A word: two letters or more, GOCR's ``_`` for a letter it could not read among them."""
SWEDISH_LETTER = re.compile(r"[åäöÅÄÖ]")
MARKED = re.compile(r"[^\W\d_][\d_\[\]{}|\\<>^~@#]|[\d_\[\]{}|\\<>^~@#][^\W\d_]")
"""A letter beside a digit or a mark that does not belong inside a word."""
INNER_CAPITAL = re.compile(r"[a-zåäö][A-ZÅÄÖ]")
ENOUGH_WORDS = 12
WINDOW = 30
"""Lines of a text file judged together."""
Judge = Callable[[Sequence[str], Vocabulary], list[bool]]
"""Which stretches of text (pages, or runs of lines) are damaged."""
FEATURES = (
    "unknown",
    "unknown_small",
    "swedish_letters",
    "no_swedish_letters",
    "marked",
    "inner_capital",
    "short",
)


@dataclass(frozen=True, slots=True)
class Damage:
    words: int
    unknown: float
    """Share of words that are not Swedish."""
    swedish_letters: float
    """Share of words with å, ä or ö."""
    marked: float = 0.0
    """Share of tokens with a letter beside a digit or a stray mark."""
    inner_capital: float = 0.0
    """Share of words with a capital after a small letter."""
    short: float = 0.0
    """Share of words of two or three letters that are not Swedish."""
    unknown_small: float = 0.0
    """Share of words that begin with a small letter and are not Swedish: names and
    abbreviations, which clean council text is full of, begin with a capital."""

    @property
    def row(self) -> tuple[float, ...]:
        return (
            self.unknown,
            self.unknown_small,
            self.swedish_letters,
            float(self.swedish_letters == 0.0),
            self.marked,
            self.inner_capital,
            self.short,
        )

    @property
    def damaged(self) -> bool:
        return model().damaged(self)


@dataclass(frozen=True, slots=True)
class Model:
    """A standardised logistic regression over ``FEATURES`` and its decision threshold."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float

    def logit(self, damage: Damage) -> float:
        standard = ((x - m) / s for x, m, s in zip(damage.row, self.mean, self.scale, strict=True))
        return sum(c * x for c, x in zip(self.coef, standard, strict=True)) + self.intercept

    def damaged(self, damage: Damage) -> bool:
        """Enough words to judge, and the logit at the threshold or above."""
        return damage.words >= ENOUGH_WORDS and self.logit(damage) >= self.threshold

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Model:
        if tuple(data["features"]) != FEATURES:
            raise ValueError(
                "ingest/data/damage.json is trained on other features; retrain it with: "
                "python -m bench.train_damage"
            )
        return cls(
            mean=tuple(float(x) for x in data["mean"]),
            scale=tuple(float(x) for x in data["scale"]),
            coef=tuple(float(x) for x in data["coef"]),
            intercept=float(data["intercept"]),
            threshold=float(data["threshold"]),
        )


@functools.cache
def model() -> Model:
    text = resources.files("ingest").joinpath("data/damage.json").read_text(encoding="utf-8")
    return Model.from_json(json.loads(text))


def assess(text: str, vocabulary: Vocabulary) -> Damage:
    words = WORD.findall(text)
    if not words:
        return Damage(0, 0.0, 0.0)
    tokens = text.split()
    unknown = [w for w in words if not vocabulary.knows(w.lower())]
    return Damage(
        words=len(words),
        unknown=len(unknown) / len(words),
        swedish_letters=sum(bool(SWEDISH_LETTER.search(w)) for w in words) / len(words),
        marked=sum(bool(MARKED.search(t)) for t in tokens) / max(len(tokens), 1),
        inner_capital=sum(bool(INNER_CAPITAL.search(w)) for w in words) / len(words),
        short=sum(len(w) <= 3 for w in unknown) / len(words),
        unknown_small=sum(w[0].islower() for w in unknown) / len(words),
    )


def judge_with(chosen: Model) -> Judge:
    """``damaged_windows`` with another model (the training script's held-out folds)."""

    def judge(groups: Sequence[str], vocabulary: Vocabulary) -> list[bool]:
        return _verdicts(groups, vocabulary, chosen)

    return judge


def damaged_windows(groups: Sequence[str], vocabulary: Vocabulary) -> list[bool]:
    """For each group of lines (a page, or ``WINDOW`` lines of a text file): is it damaged?
    A group with too few words to judge takes the verdict of the whole text."""
    return _verdicts(groups, vocabulary, model())


def _verdicts(groups: Sequence[str], vocabulary: Vocabulary, chosen: Model) -> list[bool]:
    damages = [assess(group, vocabulary) for group in groups]
    if all(d.words >= ENOUGH_WORDS for d in damages):
        return [chosen.damaged(d) for d in damages]
    whole = chosen.damaged(assess("\n".join(groups), vocabulary))
    return [chosen.damaged(d) if d.words >= ENOUGH_WORDS else whole for d in damages]
