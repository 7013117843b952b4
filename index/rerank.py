"""An optional second stage: a cross-encoder the user supplies reads the question beside each of
the fused top passages and orders them again (``NAMNDSVAR_RERANKER=cross-encoder:NAME_OR_PATH``,
with the ``sentence-transformers`` extra).

Off by default: none runs offline here without a model to fetch, and scoring the sentences of
the top passages with the e5 model we have lowered hit@5 or MRR on the development sets at every
weight tried (see the README).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from index.model_path import model_location
from index.store import IndexProblem

CROSS_ENCODER = "cross-encoder:"
DEPTH = 20
"""How many of the fused passages the cross-encoder reads."""


class RerankerProblem(IndexProblem):
    """The reranker a person configured cannot be used; the message says what to do."""


@dataclass(frozen=True, slots=True)
class CrossEncoderReranker:
    name: str
    model: Any

    @classmethod
    def load(cls, name: str) -> CrossEncoderReranker:
        try:
            from sentence_transformers import CrossEncoder
        except ImportError as e:
            raise RerankerProblem(
                "sentence-transformers är inte installerat: `pip install .[sentence-transformers]` "
                "(eller ta bort NAMNDSVAR_RERANKER)"
            ) from e
        try:
            location = model_location(name)
        except FileNotFoundError as e:
            raise RerankerProblem(
                f"Omrankaren {name!r} kan inte läsas: mappen finns inte. Ange mappen med modellen."
            ) from e
        try:
            model = CrossEncoder(location, num_labels=1, device="cpu")
        except (OSError, ValueError) as e:
            raise RerankerProblem(
                f"Omrankaren {name!r} kan inte läsas: {e}. Ange en mapp med modellen eller ett "
                "namn som kan hämtas."
            ) from e
        return cls(name, model)

    def scores(self, question: str, texts: Sequence[str]) -> list[float]:
        """How well each text answers the question, by the cross-encoder."""
        if not texts:
            return []
        found = self.model.predict([(question, t) for t in texts], show_progress_bar=False)
        return [float(x) for x in found]


def open_reranker(spec: str | None) -> CrossEncoderReranker | None:
    """``cross-encoder:NAME_OR_PATH`` → the reranker; None or empty → none."""
    if not spec:
        return None
    if spec.startswith(CROSS_ENCODER) and spec.removeprefix(CROSS_ENCODER):
        return CrossEncoderReranker.load(spec.removeprefix(CROSS_ENCODER))
    raise RerankerProblem(
        f"NAMNDSVAR_RERANKER={spec!r}: skriv cross-encoder:NAMN_ELLER_MAPP, eller lämna den tom"
    )


def reorder(
    ranked: Sequence[tuple[str, float]], scores: Sequence[float]
) -> list[tuple[str, float]]:
    """The first ``len(scores)`` of ``ranked`` in the order of ``scores`` (best first, ties
    in their fused order), the rest after them as they were; fused scores kept."""
    head = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    return [ranked[i] for i in head] + list(ranked[len(scores) :])
