"""Passages in Chroma through LlamaIndex's ChromaVectorStore: on local disk or on a server.

Chroma holds every passage; what a searcher holds (the passages and their BM25) is a snapshot
of it saved by the run that wrote it (``index.snapshot``), taken only when it matches.

Every passage records how many passages its file has (``source_passages``). A file counts as
indexed only when all of them are there: a run killed while writing a file's passages leaves it
incomplete, and ``remove_incomplete`` (called before indexing) takes it out so it is read again.
"""

from __future__ import annotations

import logging
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import chromadb
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.config import Settings as ChromaSettings
from llama_index.core.schema import BaseNode, NodeRelationship, RelatedNodeInfo, TextNode
from llama_index.vector_stores.chroma import ChromaVectorStore

from index.filters import DAY, stored_day
from index.settings import IndexSettings
from ingest.records import Passage

log = logging.getLogger(__name__)
META_FIELDS = ("title", "dnr", "date", "municipality", "committee", "doc_type")
PAGE = 5000
"""Passages read from Chroma in one request."""
LLAMAINDEX_KEYS = ("_node_content", "_node_type", "doc_id", "document_id", "ref_doc_id")
"""What ChromaVectorStore stores beside our metadata to rebuild its nodes; not read back."""
COMPLETE = "source_passages"
"""Metadata key: the number of passages of the passage's file, to tell a whole file from part."""


class IndexProblem(Exception):
    """The index cannot be used as it is; the message says what to do."""


class IndexMismatch(IndexProblem):
    pass


class IndexUnavailable(IndexProblem):
    pass


@dataclass(frozen=True, slots=True)
class StoredPassage:
    """A passage as read back from Chroma."""

    id: str
    text: str
    metadata: Mapping[str, Any]

    def get(self, key: str) -> Any:
        value = self.metadata.get(key)
        return None if value in ("", None) else value


class PassageStore:
    def __init__(self, collection: Any) -> None:
        self.collection = collection
        self.vectors = ChromaVectorStore(chroma_collection=collection)
        self.before_change: Callable[[], None] | None = None
        """Called before passages are added or removed (``index.snapshot.writing``)."""

    @classmethod
    def open(
        cls,
        settings: IndexSettings,
        build: Mapping[str, str],
        reset_stale: bool = False,
        fresh: bool = False,
    ) -> PassageStore:
        """Open (or create) the collection; refuse one built by another embedder or splitter,
        or with ``reset_stale`` empty it so that it is built again. ``fresh``: read a folder
        on local disk anew, as another process may have changed it."""
        stale = _forget_local(settings) if fresh else None
        client = _client(settings)
        if stale is not None:
            stale.stop()
        collection = _collection(client, settings, build)
        built = collection.metadata or {}
        changed = {k: (built.get(k), v) for k, v in build.items() if built.get(k) != v}
        if changed and collection.count() > 0 and reset_stale:
            log.warning("Indexet byggdes med andra inställningar; det byggs om.")
            client.delete_collection(settings.collection)
            return cls(_collection(client, settings, build))
        if changed and collection.count() > 0:
            what = ", ".join(f"{k}: {old} → {new}" for k, (old, new) in changed.items())
            raise IndexMismatch(
                f"Indexet i {settings.describe()} byggdes med andra inställningar ({what}). "
                f"Bygg om det: `python -m ingest corpus/ --rebuild-stale`."
            )
        if changed:
            collection.modify(metadata={**built, **build, "hnsw:space": "cosine"})
        return cls(collection)

    def count(self) -> int:
        return int(self.collection.count())

    def sources(self) -> dict[str, str]:
        """Every indexed source with the hash of the file it was built from."""
        return {m["source"]: m["file_hash"] for _, _, m in self._rows(["metadatas"]) if m}

    def _rows(self, include: list[str]) -> Iterator[tuple[str, str | None, dict[str, Any]]]:
        """Every passage's id, text (when asked for) and metadata, ``PAGE`` at a time: one
        request for all of them fails above 32,766 passages ("too many SQL variables")."""
        for offset in range(0, self.count(), PAGE):
            got = self.collection.get(include=include, limit=PAGE, offset=offset)
            texts = got.get("documents") or [None] * len(got["ids"])
            metas = got.get("metadatas") or [{}] * len(got["ids"])
            for i, text, meta in zip(got["ids"], texts, metas, strict=True):
                yield i, text, dict(meta or {})

    def add(self, passages: Sequence[Passage], embeddings: Sequence[Sequence[float]]) -> None:
        """Add every passage of one or more files at once (Chroma may write them in batches;
        each records its file's passage count, so a file cut short is seen as incomplete)."""
        self._changing()
        totals = Counter(p.source for p in passages)
        nodes: list[BaseNode] = [
            _node(p, e, totals[p.source]) for p, e in zip(passages, embeddings, strict=True)
        ]
        if nodes:
            self.vectors.add(nodes)

    def remove_incomplete(self) -> dict[str, int]:
        """Remove the sources whose passages are not all there (a run killed while writing
        them), that hold two versions of the file, or a position twice; they are read again
        on the next run. Passages from before the count was recorded are trusted when their
        positions are distinct. Returns the sources removed, with their passages removed."""
        broken = _broken(meta for _, _, meta in self._rows(["metadatas"]))
        removed: dict[str, int] = {}
        for source in sorted(broken):
            log.warning("%s: indexeringen avbröts mitt i filen; den läses in igen", source)
            removed[source] = self.remove(source)
        return removed

    def remove(self, source: str) -> int:
        got = self.collection.get(where={"source": source}, include=[])
        ids = list(got["ids"])
        if ids:
            self._changing()
            self.vectors.delete(ref_doc_id=source)
        return len(ids)

    def _changing(self) -> None:
        if self.before_change is not None:
            self.before_change()

    def all(self, complete_only: bool = False) -> list[StoredPassage]:
        """Every passage (``complete_only``: of the files whose passages are all there, one
        version of each: not those a writer is still writing or was killed writing)."""
        passages = [
            StoredPassage(id=i, text=t or "", metadata=_slim(m))
            for i, t, m in self._rows(["documents", "metadatas"])
        ]
        if not complete_only:
            return passages
        broken = _broken(p.metadata for p in passages)
        return [p for p in passages if str(p.metadata.get("source")) not in broken]

    def embeddings(self, ids: Sequence[str]) -> dict[str, list[float]]:
        """The stored vectors of the passages ``ids`` (those that exist)."""
        if not ids:
            return {}
        got = self.collection.get(ids=list(ids), include=["embeddings"])
        vectors = got["embeddings"]
        if vectors is None:
            return {}
        return {i: list(v) for i, v in zip(got["ids"], vectors, strict=True)}

    def nearest(
        self, embedding: Sequence[float], k: int, among: Sequence[str] | None = None
    ) -> list[tuple[str, float]]:
        """Ids of the k passages nearest the query (among the passages ``among`` only, when
        given), with LlamaIndex's similarity, exp(−cosine distance); ``k`` at most the number
        of passages. Chroma is asked for ids and distances alone: its texts and metadata are
        in the searcher already, and fetching them cost 160 ms for 1,000 neighbours."""
        if k <= 0 or (among is not None and not among):
            return []
        found = self.collection.query(
            query_embeddings=[list(embedding)],
            n_results=k,
            ids=list(among) if among is not None else None,
            include=["distances"],
        )
        ids, distances = found["ids"][0], (found.get("distances") or [[]])[0]
        return [(i, math.exp(-d)) for i, d in zip(ids, distances, strict=True)]


def _slim(meta: dict[str, Any]) -> dict[str, Any]:
    """A passage's metadata without LlamaIndex's copies of the node (half its size)."""
    for key in LLAMAINDEX_KEYS:
        meta.pop(key, None)
    return meta


def _collection(client: Any, settings: IndexSettings, build: Mapping[str, str]) -> Any:
    try:
        return client.get_or_create_collection(
            settings.collection, metadata={"hnsw:space": "cosine", **build}
        )
    except Exception as e:  # chromadb raises many types for an unreachable server
        raise IndexUnavailable(f"Indexet i {settings.describe()} kan inte öppnas: {e}") from e


def _forget_local(settings: IndexSettings) -> Any:
    """Chroma keeps one system a folder in each process, its vector index read into memory
    once; one that another process has written to since must be read anew. This process's
    system for the folder is dropped from Chroma's cache (to be stopped by the caller once a
    new one is open), or None (a server, or none open)."""
    if settings.chroma_host is not None:
        return None
    identifier = str(settings.path)
    SharedSystemClient._identifier_to_refcount.pop(identifier, None)
    return SharedSystemClient._identifier_to_system.pop(identifier, None)


def _client(settings: IndexSettings) -> Any:
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host is not None:
        headers = (
            {"Authorization": f"Bearer {settings.chroma_token}"} if settings.chroma_token else None
        )
        try:
            return chromadb.HttpClient(
                host=settings.chroma_host,
                port=settings.chroma_port,
                headers=headers,
                settings=chroma_settings,
            )
        except Exception as e:  # chromadb raises ValueError, httpx errors and more
            raise IndexUnavailable(
                f"{settings.describe()} svarar inte ({e}); starta servern "
                "(`chroma run --path MAPP --host 127.0.0.1`) eller kontrollera CHROMA_HOST "
                "och CHROMA_PORT"
            ) from e
    settings.path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.path), settings=chroma_settings)


def _broken(metas: Iterable[Mapping[str, Any]]) -> set[str]:
    """The sources whose passages are not all there, that hold two versions of the file, or
    a position twice."""
    versions: dict[str, set[str]] = defaultdict(set)
    positions: dict[str, list[int]] = defaultdict(list)
    totals: dict[str, set[int | None]] = defaultdict(set)
    for meta in metas:
        if not meta:
            continue
        source = str(meta["source"])
        versions[source].add(str(meta.get("file_hash")))
        positions[source].append(int(meta.get("position", -1)))
        total = meta.get(COMPLETE)
        totals[source].add(int(total) if total is not None else None)
    return {s for s in versions if not _whole(versions[s], positions[s], totals[s])}


def _whole(versions: set[str], positions: list[int], totals: set[int | None]) -> bool:
    """One version of the file, each position once, and (when recorded) all of them."""
    if len(versions) != 1 or len(set(positions)) != len(positions) or len(totals) != 1:
        return False
    (total,) = totals
    return total is None or sorted(positions) == list(range(total))


def _node(passage: Passage, embedding: Sequence[float], total: int) -> TextNode:
    meta: dict[str, Any] = {
        "source": passage.source,
        "file_hash": passage.file_hash,
        "position": passage.position,
        "raw_text": passage.raw_text,
        COMPLETE: total,
    }
    for key in ("page", "line_start", "line_end", "section", "ocr_confidence"):
        if (value := getattr(passage, key)) is not None:
            meta[key] = value
    if passage.repaired:
        meta["repaired"] = True
    if passage.ocr:
        meta["ocr"] = True
        meta["ocr_pages"] = ",".join(map(str, passage.ocr_pages))
    if passage.page_starts:
        meta["page_starts"] = ";".join(f"{line}:{page}" for line, page in passage.page_starts)
    for key in META_FIELDS:
        if (value := getattr(passage.meta, key)) is not None:
            meta[key] = value
    if (day := stored_day(passage.meta.date)) is not None:
        meta[DAY] = day
    node = TextNode(
        id_=passage.id,
        text=passage.text,
        metadata=meta,
        embedding=list(embedding),
        excluded_embed_metadata_keys=list(meta),
        excluded_llm_metadata_keys=list(meta),
    )
    node.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(node_id=passage.source)
    return node
