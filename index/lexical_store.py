"""BM25 saved beside the store, so that a process opening the index loads it instead of
building it (two minutes and 3.7 GB at 100,000 passages).

A saved index is named by what it covers: a hash of every passage's id and the text BM25 reads
of it (``index.search.lexical_text``), in the order the store gives them, so it matches the
store exactly or not at all. Whoever opens the index and finds no match builds BM25 and saves
it (the ingestion run that changed the store, usually, so the chat finds it ready); it is
written into a folder of its own and renamed into place, so a reader sees a whole index or
none. A saved index that cannot be read is built again, with a warning.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from index.lexical import LexicalIndex

log = logging.getLogger(__name__)
FOLDER = "bm25"
VERSION = "1"
"""Changes when what BM25 indexes changes (tokens, fields): older saved indexes then match
nothing."""
KEEP = 2
"""Saved indexes kept: the newest, and the one before it for readers still opening it."""
COVERS = "covers.json"


def fingerprint(ids: Sequence[str], texts: Sequence[str]) -> str:
    digest = hashlib.sha256(VERSION.encode())
    for passage_id, text in zip(ids, texts, strict=True):
        digest.update(passage_id.encode("utf-8"))
        digest.update(b"\0")
        digest.update(text.encode("utf-8"))
        digest.update(b"\1")
    return digest.hexdigest()


def open_lexical(root: Path, ids: Sequence[str], texts: Sequence[str]) -> LexicalIndex:
    """The BM25 of these passages: loaded when ``root`` holds it, else built (and saved)."""
    key = fingerprint(ids, texts)
    saved = root / FOLDER / key[:32]
    if (saved / COVERS).is_file():
        try:
            return LexicalIndex.load(saved, len(ids))
        except Exception as e:  # a damaged or half-deleted folder: build it again
            log.warning("BM25-indexet i %s kunde inte läsas (%s); det byggs om", saved, e)
            shutil.rmtree(saved, ignore_errors=True)
    lexical = LexicalIndex(texts)
    try:
        save(root, saved, lexical, key, len(ids))
    except OSError as e:  # a read-only index folder: search works, the next open builds
        log.warning("BM25-indexet kunde inte sparas i %s (%s)", root / FOLDER, e)
    return lexical


def save(root: Path, saved: Path, lexical: LexicalIndex, key: str, size: int) -> None:
    """Write into a folder of its own, then rename it into place: whole or not at all."""
    parent = root / FOLDER
    parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".skrivs-", dir=parent))
    try:
        lexical.save(work)
        covers = {"fingerprint": key, "passages": size, "version": VERSION, "saved": time.time()}
        (work / COVERS).write_text(json.dumps(covers), encoding="utf-8")
        os.rename(work, saved)
    except OSError:
        shutil.rmtree(work, ignore_errors=True)
        if not (saved / COVERS).is_file():  # (another process saving the same one won)
            raise
    _prune(parent, saved)


def _prune(parent: Path, newest: Path) -> None:
    """Remove all but the ``KEEP`` newest saved indexes, and work left by a killed run."""
    done = sorted(
        (p for p in parent.iterdir() if (p / COVERS).is_file() and p != newest),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in done[KEEP - 1 :]:
        shutil.rmtree(old, ignore_errors=True)
    hour = time.time() - 3600
    for work in parent.glob(".skrivs-*"):
        if work.stat().st_mtime < hour:
            shutil.rmtree(work, ignore_errors=True)
