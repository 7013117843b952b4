"""Hybrid search: BM25 and dense retrieval over the same passages, fused by score, then by each
candidate's best sentence (``index.sentence_match``)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt
from llama_index.core.embeddings import BaseEmbedding

from index import snapshot
from index.embed import open_embedder
from index.filters import Columns, Facets, Filters
from index.fuse import convex_combination, reciprocal_rank_fusion
from index.lexical import LexicalIndex
from index.named import named_municipalities
from index.records import Hit
from index.rerank import DEPTH as RERANK_DEPTH
from index.rerank import CrossEncoderReranker, open_reranker, reorder
from index.sentence_match import SentenceMatcher
from index.settings import IndexSettings
from index.store import PassageStore, StoredPassage
from ingest.pipeline import PIPELINE_VERSION

Mode = Literal["hybrid", "bm25", "dense"]
DEPTH = 30
WIDE = 1500
"""The most passages a filtered dense search fetches unfiltered to keep the admitted ones;
a filter admitting fewer than about one passage in 25 is left to Chroma's own filter."""
OVERFETCH = 1.5
"""Fetched beyond what the admitted share promises: the share is not even across the
neighbourhood of a question."""
FUSION_WEIGHTS = {"bm25": 0.6, "dense": 0.4}
"""BM25 weighs a little more. ``python -m bench.sweep`` chooses on SweQUAD-MC's train questions
and one half of SweFAQ and reports on the rest: 0.6 lies in the flat top of both folds; its
neighbours' gains on the held-out halves are within noise (docs/benchmark/sweep/sweep.md)."""
SENTENCE_WEIGHT = 0.1
"""Added to the fused score (0–1) times the candidate's sentence match (``index.sentence_match``).
The sweep's two folds pick 0.15 and 0.2 (with BM25 0.6 and 0.5); on their held-out halves
neither beats 0.1 by more than noise, so 0.1 stays (docs/benchmark/sweep/sweep.md)."""
NAMED_BONUS = 0.1
"""Added to the fused score (0–1) of a passage from a municipality the question names."""
EMBED_TEXT_VERSION = "title+section+text-1"
STORE_VERSION = "meta-2"
"""Metadata stored beside each passage (meta-2: the date as a number, for date filters)."""


def build_signature(embedder: BaseEmbedding) -> dict[str, str]:
    """What built an index: a different value anywhere means it must be rebuilt."""
    return {
        "embedder": embedder.model_name,
        "pipeline": PIPELINE_VERSION,
        "embed_text": EMBED_TEXT_VERSION,
        "store": STORE_VERSION,
    }


def embedding_text(title: str | None, section: str | None, text: str) -> str:
    """The text a passage is embedded as: its item heading and section give it context."""
    head = " – ".join(x for x in (title, section) if x)
    return f"{head}\n{text}" if head else text


@dataclass(slots=True)
class Searcher:
    store: PassageStore
    embedder: BaseEmbedding
    passages: list[StoredPassage]
    lexical: LexicalIndex
    by_id: dict[str, StoredPassage] = field(default_factory=dict)
    fusion: str = "convex"
    position: dict[str, int] = field(default_factory=dict)
    columns: Columns = field(default_factory=lambda: Columns.of([]))
    reranker: CrossEncoderReranker | None = None
    fusion_weights: Mapping[str, float] = field(default_factory=lambda: FUSION_WEIGHTS)
    """The convex fusion's weight of each side (``python -m bench.sweep`` tries others)."""
    sentence_weight: float = SENTENCE_WEIGHT
    """The sentence match's weight after convex fusion (0: none)."""
    settings: IndexSettings | None = None
    """Where the index is: its snapshot (``index.snapshot``) is read from there."""
    key: str | None = None
    """The snapshot held."""
    matcher: SentenceMatcher = field(init=False)

    def __post_init__(self) -> None:
        self.matcher = SentenceMatcher(lambda i: self.by_id[i].text)
        self._index_passages()

    def _index_passages(self) -> None:
        self.by_id = {p.id: p for p in self.passages}
        self.position = {p.id: i for i, p in enumerate(self.passages)}
        self.columns = Columns.of([p.metadata for p in self.passages])

    @classmethod
    def open(cls, settings: IndexSettings) -> Searcher:
        embedder = open_embedder(settings.embedder)
        store = PassageStore.open(settings, build_signature(embedder))
        held = snapshot.opened(settings.path, store)
        reranker = open_reranker(settings.reranker)
        return cls(
            store,
            embedder,
            held.passages,
            held.lexical,
            fusion=settings.fusion,
            reranker=reranker,
            settings=settings,
            key=held.key,
        )

    def refresh(self) -> None:
        """Read the index again after it changed (documents added or removed, by this process
        or another)."""
        if self.settings is None:
            held = snapshot.build(self.store.all())
        else:
            build = build_signature(self.embedder)
            self.store = PassageStore.open(self.settings, build, fresh=True)
            held = snapshot.opened(self.settings.path, self.store)
        self.passages, self.lexical, self.key = held.passages, held.lexical, held.key
        self.matcher.forget()
        self._index_passages()

    def follow(self) -> bool:
        """Refresh when another process has changed the index since (a new snapshot is
        current); whether it did. While a writer works there is none, and the passages held
        stay as they were."""
        if self.settings is None:
            return False
        found = snapshot.current(self.settings.path)
        if found is None or found[0] == self.key:
            return False
        self.refresh()
        return True

    @property
    def passage_count(self) -> int:
        return len(self.passages)

    def facets(self) -> Facets:
        """The municipalities, committees, document types and dates in the index."""
        return Facets.of(p.metadata for p in self.passages)

    def search(
        self,
        query: str,
        top_k: int = 5,
        mode: Mode = "hybrid",
        filters: Filters | None = None,
    ) -> list[Hit]:
        """The best passages for ``query`` among those the filters admit."""
        filters = None if filters is None or filters.is_empty else filters
        if not self.passages:
            return []
        rankings: dict[str, list[str]] = {}
        own: dict[str, dict[str, float]] = {}
        # The filters' one test, on the columns held in memory, for both sides.
        admitted = self.columns.admitted(filters) if filters is not None else None
        if mode in ("hybrid", "bm25"):
            rankings["bm25"], own["bm25"], lexical = self._bm25(query, admitted)
        if mode in ("hybrid", "dense"):
            embedding = self.embedder.get_query_embedding(query)
            rankings["dense"], own["dense"] = self._dense(embedding, admitted)
        if mode == "hybrid":
            self._complete(own, lexical, embedding)
            if self.fusion == "convex":
                fused = self._by_sentence(query, convex_combination(own, self.fusion_weights))
            else:
                fused = reciprocal_rank_fusion(rankings)
        else:
            fused = [(i, own[mode][i]) for i in rankings[mode]]
        if mode == "hybrid" and (filters is None or filters.municipality is None):
            fused = self._prefer_named(query, fused)
        if mode == "hybrid" and self.reranker is not None:
            head = fused[:RERANK_DEPTH]
            texts = [self.by_id[i].text for i, _ in head]
            fused = reorder(fused, self.reranker.scores(query, texts))
        ranks = {name: {i: r for r, i in enumerate(ids, 1)} for name, ids in rankings.items()}
        dense = own.get("dense", {})
        return [
            _hit(self.by_id[i], score, {n: r[i] for n, r in ranks.items() if i in r}, dense.get(i))
            for i, score in fused[:top_k]
        ]

    def _by_sentence(self, query: str, fused: list[tuple[str, float]]) -> list[tuple[str, float]]:
        match = self.matcher.scores(query, (i for i, _ in fused))
        scored = [(i, score + self.sentence_weight * match[i]) for i, score in fused]
        return sorted(scored, key=lambda pair: -pair[1])

    def _prefer_named(self, query: str, fused: list[tuple[str, float]]) -> list[tuple[str, float]]:
        named = named_municipalities(query, self.columns.names["municipality"])
        if not named:
            return fused
        boosted = [
            (i, score + NAMED_BONUS * (self.by_id[i].get("municipality") in named))
            for i, score in fused
        ]
        return sorted(boosted, key=lambda pair: -pair[1])

    def _complete(
        self,
        own: dict[str, dict[str, float]],
        lexical: npt.NDArray[np.float32],
        embedding: Sequence[float],
    ) -> None:
        """Give each candidate that one side found the other side's score too, so fusion
        weighs both for every candidate instead of counting a miss as the worst score."""
        bm25, dense = own["bm25"], own["dense"]
        for i in dense.keys() - bm25.keys():
            bm25[i] = max(float(lexical[self.position[i]]), 0.0)
        missing = list(bm25.keys() - dense.keys())
        query = np.asarray(embedding, dtype=np.float32)
        query /= np.linalg.norm(query) or 1.0
        for i, vector in self.store.embeddings(missing).items():
            v = np.asarray(vector, dtype=np.float32)
            dense[i] = float(v @ query / (np.linalg.norm(v) or 1.0))

    def _bm25(
        self, query: str, admitted: npt.NDArray[np.bool_] | None
    ) -> tuple[list[str], dict[str, float], npt.NDArray[np.float32]]:
        scores = self.lexical.scores(query)
        if admitted is not None:
            scores = np.where(admitted, scores, -1.0).astype(np.float32)
        order = top(scores, DEPTH)
        found = {self.passages[i].id: float(scores[i]) for i in order}
        return list(found), found, scores

    def _dense(
        self, embedding: Sequence[float], admitted: npt.NDArray[np.bool_] | None
    ) -> tuple[list[str], dict[str, float]]:
        depth = min(DEPTH, len(self.passages))
        found = (
            self.store.nearest(embedding, depth)
            if admitted is None
            else self._dense_filtered(embedding, admitted, depth)
        )
        # Only passages held: another process may have written the store since they were read.
        found = [(i, s) for i, s in found if i in self.by_id]
        return [i for i, _ in found], dict(found)

    def _dense_filtered(
        self, embedding: Sequence[float], admitted: npt.NDArray[np.bool_], depth: int
    ) -> list[tuple[str, float]]:
        """The nearest passages of those ``admitted`` (the filters' test on the columns, as
        the BM25 side's). A filter that admits many passages: the nearest ``WIDE`` of all
        are fetched and the admitted ones kept; when that leaves ``depth`` of them they are
        exactly the nearest admitted ones, since every passage nearer than they are was
        fetched. One that admits few: Chroma searches among their ids. (Chroma's own
        metadata filter took 250 ms at 100,000 passages.)"""
        count = int(admitted.sum())
        if count == 0:
            return []
        wide = math.ceil(depth * len(self.passages) / count * OVERFETCH)
        if wide <= WIDE:
            position = self.position
            kept = [
                (i, s)
                for i, s in self.store.nearest(embedding, min(wide, len(self.passages)))
                if i in position and admitted[position[i]]
            ]
            if len(kept) >= min(depth, count):
                return kept[:depth]
        among = [self.passages[i].id for i in np.flatnonzero(admitted)]
        return self.store.nearest(embedding, min(depth, count), among)


def top(scores: npt.NDArray[np.float32], k: int) -> npt.NDArray[np.intp]:
    """Indexes of the ``k`` best positive scores, best first, ties in index order (as a stable
    sort of all of them, without sorting them all)."""
    positive = np.flatnonzero(scores > 0)
    if positive.size > k:
        kth = np.partition(scores[positive], -k)[-k]
        positive = positive[scores[positive] >= kth]
    return positive[np.lexsort((positive, -scores[positive]))][:k]


def _hit(
    p: StoredPassage, score: float, ranks: dict[str, int], similarity: float | None = None
) -> Hit:
    return Hit(
        id=p.id,
        source=str(p.get("source")),
        text=p.text,
        raw_text=p.get("raw_text") or p.text,
        page=p.get("page"),
        line_start=p.get("line_start"),
        line_end=p.get("line_end"),
        section=p.get("section"),
        title=p.get("title"),
        dnr=p.get("dnr"),
        date=p.get("date"),
        municipality=p.get("municipality"),
        committee=p.get("committee"),
        doc_type=p.get("doc_type"),
        score=score,
        ranks=ranks,
        ocr=bool(p.get("ocr")),
        ocr_confidence=p.get("ocr_confidence"),
        page_starts=_pairs(p.get("page_starts")),
        ocr_pages=tuple(int(x) for x in str(p.get("ocr_pages") or "").split(",") if x),
        repaired=bool(p.get("repaired")),
        similarity=similarity,
    )


def _pairs(value: object) -> tuple[tuple[int, int], ...]:
    """``"0:2;14:3"`` → ((0, 2), (14, 3))."""
    if not value:
        return ()
    pairs = (item.split(":") for item in str(value).split(";"))
    return tuple((int(line), int(page)) for line, page in pairs)
