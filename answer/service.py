"""The assistant: the index opened once, asked many times."""

from __future__ import annotations

from dataclasses import dataclass

from answer.compose import compose
from answer.records import Answer
from index.search import Searcher
from index.settings import IndexSettings


@dataclass(slots=True)
class Assistant:
    searcher: Searcher

    @classmethod
    def open(cls, settings: IndexSettings) -> Assistant:
        """Load the embedder, Chroma and BM25 once; raises IndexMismatch on a stale index."""
        return cls(searcher=Searcher.open(settings))

    @property
    def is_empty(self) -> bool:
        return self.searcher.passage_count == 0

    def ask(self, question: str, top_k: int = 5) -> Answer:
        hits = self.searcher.search(question, top_k=max(top_k, 1))
        return compose(question, hits)
