"""Indexing files: read each with ingest, embed its passages, replace its old ones in Chroma.

A file whose bytes are unchanged is skipped; a changed one has its old passages removed only
after its new ones are embedded, so a failure never loses what was indexed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from llama_index.core.embeddings import BaseEmbedding

from index.embed import open_embedder
from index.search import build_signature, embedding_text
from index.settings import IndexSettings
from index.store import PassageStore
from ingest.errors import IngestError
from ingest.ocr import OcrSettings
from ingest.pipeline import read_source
from ingest.read import SUFFIXES, file_hash
from ingest.vocabulary import Vocabulary

log = logging.getLogger(__name__)
EMBED_BATCH = 16


class Progress(Protocol):
    """Told about the work as it goes: a CLI bar, a UI progress bar, or nothing."""

    def file_started(self, name: str, index: int, total: int) -> None: ...
    def pages_read(self, name: str, done: int, total: int) -> None: ...
    def passages_embedded(self, name: str, done: int, total: int) -> None: ...


class NoProgress:
    def file_started(self, name: str, index: int, total: int) -> None:
        pass

    def pages_read(self, name: str, done: int, total: int) -> None:
        pass

    def passages_embedded(self, name: str, done: int, total: int) -> None:
        pass


@dataclass(slots=True)
class Failure:
    path: str
    error: str


@dataclass(slots=True)
class PageWarning:
    """A page of an indexed file that could not be read; the file is tried again next run."""

    path: str
    page: int
    error: str


@dataclass(slots=True)
class IndexReport:
    indexed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    warnings: list[PageWarning] = field(default_factory=list)
    added: int = 0
    removed: int = 0
    passages: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict[str, object]:
        return {
            "indexed": self.indexed,
            "skipped": self.skipped,
            "failed": [{"path": f.path, "error": f.error} for f in self.failed],
            "warnings": [{"path": w.path, "page": w.page, "error": w.error} for w in self.warnings],
            "added": self.added,
            "removed": self.removed,
            "passages": self.passages,
            "seconds": round(self.seconds, 3),
        }


def expand(paths: Iterable[Path]) -> tuple[list[Path], list[Failure]]:
    """Files named, and files under folders named (recursively, sorted)."""
    files: list[Path] = []
    missing: list[Failure] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES))
        elif path.is_file():
            files.append(path)
        else:
            missing.append(Failure(str(path), f"{path}: finns inte; kontrollera sökvägen"))
    return files, missing


def index_paths(
    paths: Sequence[Path],
    settings: IndexSettings,
    progress: Progress | None = None,
    rebuild_stale: bool = False,
    ocr: OcrSettings | None = None,
) -> IndexReport:
    """Index files and folders; ``ocr`` says how scanned pages are read (default: from the
    environment, see ``OcrSettings.from_env``)."""
    started = time.perf_counter()
    ocr = ocr if ocr is not None else OcrSettings.from_env()
    progress = progress if progress is not None else NoProgress()
    embedder = open_embedder(settings.embedder)
    store = PassageStore.open(settings, build_signature(embedder), reset_stale=rebuild_stale)
    files, failed = expand(paths)
    report = IndexReport(failed=failed)
    known = store.sources()
    reader = Reader(store, embedder, ocr, progress)
    for i, path in enumerate(files):
        name = str(path)
        progress.file_started(name, i, len(files))
        try:
            _index_file(path, name, known, reader, report)
        except (IngestError, OSError) as e:
            log.warning("%s", e)
            report.failed.append(Failure(name, str(e)))
    report.removed += _forget_vanished(paths, known, store)
    report.passages = store.count()
    report.seconds = time.perf_counter() - started
    return report


def _forget_vanished(paths: Sequence[Path], known: dict[str, str], store: PassageStore) -> int:
    """Passages of files that were under a folder being indexed and are gone from it now."""
    folders = [p for p in paths if p.is_dir()]
    removed = 0
    for source in known:
        path = Path(source)
        under = any(path.is_relative_to(folder) for folder in folders)
        if under and not path.is_file():
            log.warning("%s: filen finns inte längre; dess passager tas bort", source)
            removed += store.remove(source)
    return removed


@dataclass(slots=True)
class Reader:
    """What indexing one file needs: where passages go, how they are embedded and read."""

    store: PassageStore
    embedder: BaseEmbedding
    ocr: OcrSettings
    progress: Progress
    _vocabulary: Vocabulary | None = None

    @property
    def vocabulary(self) -> Vocabulary:
        """Swedish and the clean documents indexed so far, for repairing OCR-damaged ones;
        read from the index only when a file is read, not on a run that skips them all."""
        if self._vocabulary is None:
            self._vocabulary = clean_vocabulary(self.store)
        return self._vocabulary


def clean_vocabulary(store: PassageStore) -> Vocabulary:
    """Swedish plus the words of the passages already indexed that needed no repair."""
    return Vocabulary.from_texts(p.text for p in store.all() if not p.get("repaired"))


def _index_file(
    path: Path, name: str, known: dict[str, str], reader: Reader, report: IndexReport
) -> None:
    if known.get(name) == file_hash(path.read_bytes()):
        report.skipped.append(name)
        return
    progress = reader.progress
    document = read_source(
        path,
        name,
        reader.ocr,
        lambda done, total: progress.pages_read(name, done, total),
        reader.vocabulary,
    )
    texts = [embedding_text(p.meta.title, p.section, p.text) for p in document.passages]
    vectors: list[list[float]] = []
    for start in range(0, len(texts), EMBED_BATCH):
        batch = texts[start : start + EMBED_BATCH]
        vectors.extend(reader.embedder.get_text_embedding_batch(batch))
        progress.passages_embedded(name, len(vectors), len(texts))
    report.removed += reader.store.remove(name)
    reader.store.add(document.passages, vectors)
    report.added += len(document.passages)
    report.indexed.append(name)
    reader.vocabulary.add_texts(p.text for p in document.passages if not p.repaired)
    for problem in document.problems:
        report.warnings.append(PageWarning(name, problem.page, problem.error))
