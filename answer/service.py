"""The assistant: the index opened once, asked many times."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from answer.compose import compose
from answer.followup import resolve, resolve_all
from answer.generate import Draft, GeneratedAnswer, generate
from answer.llm import LlmSettings
from answer.records import Answer
from index import snapshot
from index.build import IndexReport, Progress, index_paths
from index.catalog import DocumentInfo, catalog
from index.filters import Facets, Filters
from index.search import Searcher
from index.settings import IndexSettings
from ingest.vocabulary import Vocabulary

MAX_QUESTION = 1000
"""Characters of a question (and of each earlier one) that are read; the rest is left out. e5
was trained on at most 512 tokens (about 1,800 characters of Swedish), and the embedder reads
every token in time that grows faster than the length: a pasted 100,000-character "question"
held the chat's one queue slot for two minutes. No real question is this long."""


@dataclass(slots=True)
class Assistant:
    searcher: Searcher
    llm: LlmSettings | None = None
    """The optional language model that writes the answer from the passages (off: None)."""
    settings: IndexSettings | None = None

    @classmethod
    def open(cls, settings: IndexSettings, llm: LlmSettings | None = None) -> Assistant:
        """Load the embedder, Chroma and BM25 once; raises IndexMismatch on a stale index."""
        return cls(searcher=Searcher.open(settings), llm=llm, settings=settings)

    def documents(self) -> list[DocumentInfo]:
        """The indexed documents with their metadata, pages, OCR share and damage."""
        self.searcher.follow()
        return catalog(self.searcher.passages, Vocabulary())

    def add(self, paths: Sequence[Path], progress: Progress | None = None) -> IndexReport:
        """Index files (new or changed) into this assistant's index and search them at once."""
        if self.settings is None:
            raise RuntimeError("the assistant was not opened from index settings")
        report = index_paths(paths, self.settings, progress)
        self.searcher.refresh()
        return report

    def remove(self, source: str) -> int:
        """Take a document's passages out of the index; the number removed."""
        if self.settings is None:
            raise RuntimeError("the assistant was not opened from index settings")
        with snapshot.writing(self.settings.path, self.searcher.store):
            removed = self.searcher.store.remove(source)
        self.searcher.refresh()
        return removed

    @property
    def is_empty(self) -> bool:
        return self.searcher.passage_count == 0

    def facets(self) -> Facets:
        self.searcher.follow()
        return self.searcher.facets()

    def ask(
        self,
        question: str,
        top_k: int = 5,
        filters: Filters | None = None,
        earlier: Sequence[str] = (),
    ) -> Answer:
        """The extractive answer to ``question`` from the passages the filters admit;
        ``earlier`` are the conversation's questions before it, oldest first, for reading a
        follow-up."""
        self.searcher.follow()  # documents another process added or removed since
        question = question[:MAX_QUESTION]
        resolved = resolve(question, resolve_all([e[:MAX_QUESTION] for e in earlier]))
        hits = self.searcher.search(resolved, top_k=max(top_k, 1), filters=filters)
        return compose(resolved, hits, asked=question if resolved != question else None)

    def answer(
        self,
        question: str,
        top_k: int = 5,
        filters: Filters | None = None,
        earlier: Sequence[str] = (),
    ) -> Iterator[Draft | GeneratedAnswer]:
        """As ``ask``, written by the language model when one is configured: its drafts while
        it writes, then the checked answer (or the extractive one, with a notice why)."""
        extractive = self.ask(question, top_k, filters, earlier)
        if self.llm is None:
            yield GeneratedAnswer(extractive, "extractive", None)
            return
        yield from generate(extractive.resolved_question, extractive.passages, extractive, self.llm)
