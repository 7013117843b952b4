"""Reading files ahead of the embedder, in worker processes.

With more than one worker, the files after the one being embedded are read (PDF text, OCR,
clean-up, repair with Swedish alone, splitting) in a process pool, so the embedder, the
bottleneck, does not wait for them. A file that looks OCR-damaged is repaired again in turn,
with the words of the clean documents indexed before it, exactly as one worker would repair
it: the index does not depend on the number of workers.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ingest.ocr import OcrSettings
from ingest.pipeline import ReadText, finish, read_lines
from ingest.read import ReadLimits
from ingest.records import SourceDocument
from ingest.vocabulary import Vocabulary


@dataclass(frozen=True, slots=True)
class Ahead:
    """A file read in a worker: its passages as repaired with Swedish alone, and its lines
    when some looked damaged, to repair again with the clean documents' words."""

    document: SourceDocument
    lines: ReadText | None


def read_ahead(path: Path, name: str, ocr: OcrSettings, limits: ReadLimits) -> Ahead:
    """In a worker process: read one file as far as it can be read without the index."""
    read = read_lines(path, name, ocr, None, limits)
    document = finish(read)
    return Ahead(document, read if document.damaged else None)


class ReadAhead:
    """Keeps up to ``workers`` files ahead of the one asked for being read in a pool.

    ``wanted`` says whether a file needs reading at all (an unchanged one does not).
    """

    def __init__(
        self,
        files: Sequence[Path],
        workers: int,
        ocr: OcrSettings,
        limits: ReadLimits,
        wanted: Callable[[Path], bool],
    ) -> None:
        self._files = files
        self._workers = workers
        self._ocr = ocr
        self._limits = limits
        self._wanted = wanted
        self._pending: dict[int, Future[Ahead]] = {}
        self._next = 0
        # spawn: the main process holds the embedder's and Chroma's threads, which fork copies
        # in an unknown state.
        self._pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))

    def document(self, i: int, vocabulary: Callable[[], Vocabulary]) -> SourceDocument:
        """File ``i``'s passages; raises what reading it raised."""
        self._fill(i)
        future = self._pending.pop(i, None)
        if future is None:  # not wanted when it was submitted: read here
            future = self._submit(i)
        ahead = future.result()
        self._fill(i + 1)
        if ahead.lines is None:
            return ahead.document
        return finish(ahead.lines, vocabulary())

    def _fill(self, i: int) -> None:
        while self._next < len(self._files) and self._next <= i + self._workers:
            if self._wanted(self._files[self._next]):
                self._pending[self._next] = self._submit(self._next)
            self._next += 1

    def _submit(self, i: int) -> Future[Ahead]:
        path = self._files[i]
        return self._pool.submit(read_ahead, path, str(path), self._ocr, self._limits)

    def close(self) -> None:
        for future in self._pending.values():
            future.cancel()
        self._pool.shutdown(wait=True, cancel_futures=True)
