"""An index without some of its texts, for asking questions that cannot be answered.

Removing is real: the index is copied and the texts' passages are deleted from the copy, so
fusion and BM25 see exactly the passages that remain.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterable
from pathlib import Path

from bench.metrics import basename
from index.search import Searcher
from index.settings import IndexSettings

log = logging.getLogger(__name__)

TOP_K = 5
"""Passages an answer is composed from, as ``python -m answer`` gives it by default."""


def sources_of(searcher: Searcher) -> dict[str, str]:
    """Indexed document name → its source path as stored."""
    return {basename(str(p.get("source"))): str(p.get("source")) for p in searcher.passages}


def without(index: Path, names: Iterable[str], copy: Path) -> Searcher:
    """A searcher over a copy of ``index`` with the documents ``names`` removed."""
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(index, copy)
    settings = IndexSettings(path=copy)
    searcher = Searcher.open(settings)
    stored = sources_of(searcher)
    removed = sum(searcher.store.remove(stored[n]) for n in set(names) if n in stored)
    searcher.refresh()
    log.info("Kopia utan %d texter (%d passager borttagna)", len(set(names)), removed)
    return searcher
