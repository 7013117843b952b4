"""The learned choices of the extractive answer: which sentence answers, and whether any does.

Two logistic regressions, trained by ``python -m bench.train_selector`` on SweQUAD-MC's training
questions and stored as plain numbers in ``answer/data/selector.json`` (feature names, the
standardisation, the coefficients, the decline threshold and how they were chosen). Loading
needs numpy only; training needs scikit-learn.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from answer.asks import Asks
from answer.features import (
    QUESTION_FEATURES,
    SENTENCE_FEATURES,
    Candidate,
    candidates,
    passage_sentences,
    question_features,
)
from answer.question import Question
from answer.sentences import split_sentences
from index.records import Hit

MODEL = Path(__file__).resolve().parent / "data" / "selector.json"


class ModelMismatch(RuntimeError):
    """The stored model was trained on other features than this code computes."""


@dataclass(frozen=True, slots=True)
class Linear:
    """A standardised logistic regression: logit = ((x - mean) / scale) · coef + intercept."""

    features: tuple[str, ...]
    mean: npt.NDArray[np.float64]
    scale: npt.NDArray[np.float64]
    coef: npt.NDArray[np.float64]
    intercept: float

    def logits(self, rows: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        if rows.size == 0:
            return np.zeros(0)
        standard = np.nan_to_num((rows - self.mean) / self.scale, nan=0.0)  # unknown: the mean
        return standard @ self.coef + self.intercept

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], expected: Sequence[str]) -> Linear:
        features = tuple(data["features"])
        if features != tuple(expected):
            raise ModelMismatch(
                "Svarsmodellen är tränad på andra kännetecken än koden beräknar; träna om den "
                "med: python -m bench.train_selector"
            )
        return cls(
            features=features,
            mean=np.asarray(data["mean"], dtype=np.float64),
            scale=np.asarray(data["scale"], dtype=np.float64),
            coef=np.asarray(data["coef"], dtype=np.float64),
            intercept=float(data["intercept"]),
        )


@dataclass(frozen=True, slots=True)
class Ranking:
    candidates: list[Candidate]
    """Every sentence of the passages, likeliest to answer first (ties: passage rank, place)."""
    logit: float
    """The answerability model's logit that the best sentence answers."""
    answerable: bool
    """Whether the logit reaches the threshold."""


@dataclass(frozen=True, slots=True)
class Selector:
    sentence: Linear
    answerable: Linear
    threshold: float
    """Decline when the answerability logit is below this."""
    extra_ratio: float = 0.8
    """Another sentence joins the best one when its chance of answering is at least this
    share of the best one's (and it says something the chosen ones do not): a two-part
    question gets both parts."""

    def rank(self, question: Question, wanted: Asks, hits: Sequence[Hit]) -> Ranking:
        """The passages' sentences ranked by how likely each answers ``question``."""
        passages = [
            passage_sentences(hit, rank, split_sentences(hit.text)) for rank, hit in enumerate(hits)
        ]
        found = candidates(question, wanted, passages)
        if not found:
            return Ranking([], float("-inf"), False)
        logits = self.sentence.logits(np.asarray([c.features for c in found], dtype=np.float64))
        chances = 1.0 / (1.0 + np.exp(-logits))
        scored = [replace(c, score=float(p)) for c, p in zip(found, chances, strict=True)]
        order = sorted(
            range(len(scored)),
            key=lambda i: (-logits[i], scored[i].rank, scored[i].sentence.start),
        )
        overall = question_features(question, wanted, found, list(logits))
        logit = float(self.answerable.logits(overall[None, :])[0])
        return Ranking([scored[i] for i in order], logit, logit >= self.threshold)

    def to_json(self, about: dict[str, Any]) -> dict[str, Any]:
        return {
            "sentence": self.sentence.to_json(),
            "answerable": self.answerable.to_json(),
            "threshold": self.threshold,
            "extra_ratio": self.extra_ratio,
            "about": about,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Selector:
        return cls(
            sentence=Linear.from_json(data["sentence"], SENTENCE_FEATURES),
            answerable=Linear.from_json(data["answerable"], QUESTION_FEATURES),
            threshold=float(data["threshold"]),
            extra_ratio=float(data["extra_ratio"]),
        )


@cache
def load(path: Path = MODEL) -> Selector:
    return Selector.from_json(json.loads(path.read_text(encoding="utf-8")))
