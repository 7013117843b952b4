"""Where the index lives: a folder on local disk, or a Chroma server."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_INDEX = Path("data/index")
COLLECTION = "namndsvar"


@dataclass(frozen=True, slots=True)
class IndexSettings:
    path: Path = DEFAULT_INDEX
    chroma_host: str | None = None
    chroma_port: int = 8000
    collection: str = COLLECTION

    @classmethod
    def from_env(cls, index_dir: str | None = None) -> IndexSettings:
        """Flags first, then ``NAMNDSVAR_INDEX``, ``CHROMA_HOST`` and ``CHROMA_PORT``."""
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
        return cls(path=path, chroma_host=host, chroma_port=port)

    def describe(self) -> str:
        if self.chroma_host is not None:
            return f"Chroma-server {self.chroma_host}:{self.chroma_port}"
        return str(self.path)
