"""Indexing files: read each with ingest, embed its passages, replace its old ones in Chroma.

A file whose bytes are unchanged is skipped; a changed one has its old passages removed only
after its new ones are embedded, so a failure never loses what was indexed. A file that cannot
be read is reported with what to do and the others are indexed all the same: nothing a file
does ends the run.

Crash safety: a run killed while writing a file's passages leaves the file incomplete (each
passage records how many its file has), and the next run removes it before anything else
(``PassageStore.remove_incomplete``) and reads it again. One run writes at a time, and a run
that changes the store ends by saving a snapshot of it (passages and BM25, ``index.snapshot``)
that a running chat takes up at its next question and a new one opens from.

Files gone from an indexed folder keep their passages unless ``prune`` is asked for
(``python -m ingest --prune``).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from llama_index.core.embeddings import BaseEmbedding

from index import snapshot
from index.embed import open_embedder
from index.readahead import ReadAhead
from index.search import build_signature, embedding_text
from index.settings import IndexSettings
from index.store import PassageStore
from ingest.errors import IngestError
from ingest.ocr import OcrSettings
from ingest.pipeline import read_source
from ingest.read import SUFFIXES, ReadLimits, file_hash, read_bytes
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
    forgotten: list[str] = field(default_factory=list)
    """Files gone from the folders indexed whose passages were removed (``prune``)."""

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
            "forgotten": self.forgotten,
        }


def expand(paths: Iterable[Path]) -> tuple[list[Path], list[Failure]]:
    """Files named, and files under folders named (recursively, sorted). Symbolic links to
    folders are followed, but a folder already searched (a link in a loop) is skipped with a
    warning, so the walk always ends."""
    files: list[Path] = []
    missing: list[Failure] = []
    for path in paths:
        if path.is_dir():
            found, unreadable = _walk(path)
            files.extend(found)
            missing.extend(unreadable)
        elif path.exists() or path.is_symlink():
            files.append(path)
        else:
            missing.append(Failure(str(path), f"{path}: finns inte; kontrollera sökvägen"))
    return files, missing


def _walk(folder: Path) -> tuple[list[Path], list[Failure]]:
    """The files under ``folder`` with a suffix we read, and the folders that could not be."""
    seen: set[tuple[int, int]] = set()
    files: list[Path] = []
    failed: list[Failure] = []

    def unreadable(e: OSError) -> None:
        where = e.filename or folder
        failed.append(
            Failure(
                str(where),
                f"{where}: mappen kan inte läsas ({e.strerror}); kontrollera att den finns och "
                f"går att läsa, och indexera igen",
            )
        )

    for top, dirs, names in os.walk(folder, onerror=unreadable, followlinks=True):
        try:
            info = os.stat(top)
        except OSError as e:  # gone since it was listed
            unreadable(e)
            dirs.clear()
            continue
        if (info.st_dev, info.st_ino) in seen:
            log.warning(
                "%s: mappen leder tillbaka till %s, som redan söks igenom (en symbolisk länk i "
                "en slinga); den hoppas över",
                top,
                os.path.realpath(top),
            )
            dirs.clear()
            continue
        seen.add((info.st_dev, info.st_ino))
        files.extend(Path(top, n) for n in names if Path(n).suffix.lower() in SUFFIXES)
    return sorted(files), failed


def index_paths(
    paths: Sequence[Path],
    settings: IndexSettings,
    progress: Progress | None = None,
    rebuild_stale: bool = False,
    ocr: OcrSettings | None = None,
    limits: ReadLimits | None = None,
    prune: bool = False,
    workers: int = 1,
) -> IndexReport:
    """Index files and folders; ``ocr`` says how scanned pages are read and ``limits`` how
    large a file may be (default: from the environment, see ``OcrSettings.from_env`` and
    ``ReadLimits.from_env``); ``prune`` removes the passages of files gone from the folders;
    with ``workers`` > 1 files are read ahead of the embedder in that many processes."""
    started = time.perf_counter()
    ocr = ocr if ocr is not None else OcrSettings.from_env()
    limits = limits if limits is not None else ReadLimits.from_env()
    progress = progress if progress is not None else NoProgress()
    embedder = open_embedder(settings.embedder)
    store = PassageStore.open(settings, build_signature(embedder), reset_stale=rebuild_stale)
    files, failed = expand(paths)
    report = IndexReport()
    for failure in failed:
        _fail(report, failure.path, failure.error)
    with snapshot.writing(settings.path, store):
        report.removed += sum(store.remove_incomplete().values())
        known = store.sources()
        reader = Reader(store, embedder, ocr, progress, limits)
        if workers > 1 and len(files) > 1:
            reader.ahead = ReadAhead(
                files, workers, ocr, limits, lambda path: not _unchanged(path, known, limits)
            )
        try:
            _index_files(files, known, reader, report)
        finally:
            if reader.ahead is not None:
                reader.ahead.close()
        forgotten = _forget_vanished(paths, known, store, prune)
        report.forgotten = list(forgotten)
        report.removed += sum(forgotten.values())
    report.passages = store.count()
    report.seconds = time.perf_counter() - started
    return report


def _index_files(
    files: Sequence[Path], known: dict[str, str], reader: Reader, report: IndexReport
) -> None:
    for i, path in enumerate(files):
        name = str(path)
        reader.progress.file_started(name, i, len(files))
        try:
            _index_file(i, path, name, known, reader, report)
        except IngestError as e:
            _fail(report, name, str(e))
        except Exception as e:  # the per-file boundary: one file never ends the run
            log.debug("%s", name, exc_info=True)
            _fail(
                report,
                name,
                f"{name}: oväntat fel ({type(e).__name__}: {e}); filen hoppades "
                f"över, försök igen och rapportera felet om det kommer tillbaka",
            )


def _unchanged(path: Path, known: dict[str, str], limits: ReadLimits) -> bool:
    """The file is indexed as it is now (a file that cannot be read is not)."""
    try:
        return known.get(str(path)) == file_hash(read_bytes(str(path), path, limits))
    except (IngestError, OSError):
        return False


def _fail(report: IndexReport, name: str, message: str) -> None:
    """One line per failed file, in the report and on the log."""
    line = " ".join(message.split())
    log.warning("%s", line)
    report.failed.append(Failure(name, line))


def _forget_vanished(
    paths: Sequence[Path], known: dict[str, str], store: PassageStore, prune: bool
) -> dict[str, int]:
    """Passages of files that were under a folder being indexed and are gone from it now:
    removed with ``prune`` (each file with the passages removed), otherwise kept and counted
    in a warning."""
    folders = [p for p in paths if p.is_dir()]
    gone = [
        source
        for source in known
        if any(Path(source).is_relative_to(folder) for folder in folders)
        and not Path(source).is_file()
    ]
    if gone and not prune:
        log.warning(
            "%d indexerade filer finns inte längre (t.ex. %s); deras passager finns kvar, "
            "kör med --prune för att ta bort dem",
            len(gone),
            gone[0],
        )
        return {}
    removed = {}
    for source in gone:
        log.warning("%s: filen finns inte längre; dess passager tas bort", source)
        removed[source] = store.remove(source)
    return removed


@dataclass(slots=True)
class Reader:
    """What indexing one file needs: where passages go, how they are embedded and read."""

    store: PassageStore
    embedder: BaseEmbedding
    ocr: OcrSettings
    progress: Progress
    limits: ReadLimits
    ahead: ReadAhead | None = None
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
    i: int, path: Path, name: str, known: dict[str, str], reader: Reader, report: IndexReport
) -> None:
    if known.get(name) == file_hash(read_bytes(name, path, reader.limits)):
        report.skipped.append(name)
        return
    progress = reader.progress
    if reader.ahead is not None:
        document = reader.ahead.document(i, lambda: reader.vocabulary)
        progress.pages_read(name, document.pages or 1, document.pages or 1)
    else:
        document = read_source(
            path,
            name,
            reader.ocr,
            lambda done, total: progress.pages_read(name, done, total),
            reader.vocabulary,
            reader.limits,
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
