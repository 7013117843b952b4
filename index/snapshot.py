"""What a chat holds of the index, saved beside the store: every passage (id, text, metadata)
and its BM25, so that a process opens the index by loading them instead of reading Chroma and
building BM25 (two minutes and 3.7 GB at 100,000 passages), and so that a chat knows when
another process has changed the index.

One process writes at a time (``writing``: a lock file, released by the system when the
writer dies). Before its first change it withdraws ``current.json``; when it is done it saves
a snapshot of the store as it then is, in a folder named by a hash of what it holds, written
apart and renamed into place, and names it in ``current.json`` (replaced in one step). A
reader therefore sees a whole snapshot or none: while a writer works, or after one was killed,
there is no ``current.json``, and a chat keeps what it holds; a chat that opens then reads the
store itself, leaving out files whose passages are not all there. A snapshot that cannot be
read is built again from the store, with a warning.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from index.lexical import LexicalIndex
from index.store import PassageStore, StoredPassage

log = logging.getLogger(__name__)
FOLDER = "snapshot"
VERSION = "1"
"""Changes when what a snapshot holds or how BM25 indexes changes: older snapshots then match
nothing."""
KEEP = 2
"""Snapshots kept: the newest, and the one before it for readers still loading it."""
CURRENT = "current.json"
COVERS = "covers.json"
PASSAGES = "passages.jsonl"
LOCK = "write.lock"


def lexical_text(stored: StoredPassage) -> str:
    """What BM25 sees of a passage: its item heading, its section heading and its text, and
    for repaired OCR text the words as they stood too."""
    raw = f"\n{stored.get('raw_text') or ''}" if stored.get("repaired") else ""
    return f"{stored.get('title') or ''}\n{stored.get('section') or ''}\n{stored.text}{raw}"


@dataclass(frozen=True, slots=True)
class Snapshot:
    key: str
    passages: list[StoredPassage]
    lexical: LexicalIndex


def current(root: Path) -> tuple[str, int] | None:
    """The key and passage count of the snapshot the last writer left, or None while a writer
    works (or after one was killed)."""
    try:
        data = json.loads((root / FOLDER / CURRENT).read_text(encoding="utf-8"))
        return str(data["key"]), int(data["passages"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def load(root: Path, key: str) -> Snapshot:
    """A saved snapshot: its passages, and its BM25 memory-mapped."""
    folder = root / FOLDER / key
    passages = []
    with (folder / PASSAGES).open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            passages.append(StoredPassage(row["id"], row["text"], row["metadata"]))
    return Snapshot(key, passages, LexicalIndex.load(folder, len(passages)))


def opened(root: Path, store: PassageStore) -> Snapshot:
    """What the searcher should hold: the current snapshot when there is one that matches the
    store's passage count, else one read from the store (and saved, when no writer works)."""
    found = current(root)
    damaged = None
    if found is not None and found[1] == store.count():
        try:
            return load(root, found[0])
        except Exception as e:  # a damaged or half-deleted folder: built again
            log.warning("Indexets ögonblicksbild %s kunde inte läsas (%s); den byggs om", found, e)
            damaged = found[0]
    with _lock(root, wait=False) as held:
        if not held:  # a writer works: read what is whole, save nothing
            return build(store.all(complete_only=True))
        if damaged is not None:
            shutil.rmtree(root / FOLDER / damaged, ignore_errors=True)
        return publish(root, store)


@contextlib.contextmanager
def writing(root: Path, store: PassageStore) -> Iterator[None]:
    """Hold the writer's lock (waiting for another writer to finish) while ``store`` is
    changed. Before its first change the current snapshot is withdrawn, so no reader takes a
    store being written for a whole one; when the block ends normally, a snapshot of the store
    is saved and named current. (A block that raises publishes nothing: the next writer
    does.)"""
    with _lock(root, wait=True):
        changed = False

        def withdraw() -> None:
            nonlocal changed
            if not changed:
                (root / FOLDER / CURRENT).unlink(missing_ok=True)
                changed = True

        store.before_change = withdraw
        try:
            yield
        finally:
            store.before_change = None
        if changed or current(root) is None:
            publish(root, store)


def build(passages: list[StoredPassage]) -> Snapshot:
    texts = [lexical_text(p) for p in passages]
    return Snapshot(fingerprint(passages, texts), passages, LexicalIndex(texts))


def publish(root: Path, store: PassageStore) -> Snapshot:
    """Save a snapshot of the store as it is and name it current (the writer's lock held)."""
    snapshot = build(store.all(complete_only=True))
    try:
        _save(root, snapshot)
        _replace(root / FOLDER / CURRENT, {"key": snapshot.key, "passages": len(snapshot.passages)})
    except OSError as e:  # a read-only folder: search works, the next open builds again
        log.warning("Indexets ögonblicksbild kunde inte sparas i %s (%s)", root / FOLDER, e)
    return snapshot


def fingerprint(passages: Sequence[StoredPassage], texts: Sequence[str]) -> str:
    digest = hashlib.sha256(VERSION.encode())
    for passage, text in zip(passages, texts, strict=True):
        digest.update(passage.id.encode("utf-8"))
        digest.update(b"\0")
        digest.update(text.encode("utf-8"))
        digest.update(b"\1")
    return digest.hexdigest()[:32]


def _save(root: Path, snapshot: Snapshot) -> None:
    """Written into a folder of its own, then renamed into place: whole or not at all."""
    parent = root / FOLDER
    target = parent / snapshot.key
    if (target / COVERS).is_file():
        return
    parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".skrivs-", dir=parent))
    try:
        snapshot.lexical.save(work)
        with (work / PASSAGES).open("w", encoding="utf-8") as out:
            for p in snapshot.passages:
                row = {"id": p.id, "text": p.text, "metadata": dict(p.metadata)}
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        covers = {"passages": len(snapshot.passages), "version": VERSION, "saved": time.time()}
        (work / COVERS).write_text(json.dumps(covers), encoding="utf-8")
        os.rename(work, target)
    except OSError:
        shutil.rmtree(work, ignore_errors=True)
        raise
    _prune(parent, target)


def _replace(path: Path, data: dict[str, object]) -> None:
    work = path.with_suffix(".tmp")
    work.write_text(json.dumps(data), encoding="utf-8")
    os.replace(work, path)


def _prune(parent: Path, newest: Path) -> None:
    """Remove all but the ``KEEP`` newest snapshots, and work left by a killed writer."""
    done = sorted(
        (p for p in parent.iterdir() if (p / COVERS).is_file() and p != newest),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in done[KEEP - 1 :]:
        shutil.rmtree(old, ignore_errors=True)
    for work in parent.glob(".skrivs-*"):
        shutil.rmtree(work, ignore_errors=True)  # (the lock is held: no one writes there)


@contextlib.contextmanager
def _lock(root: Path, wait: bool) -> Iterator[bool]:
    """The writer's lock on ``root``: whether it is held (without ``wait``, False at once when
    another process holds it)."""
    folder = root / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / LOCK).open("a") as handle:
        try:
            flags = fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB
            if wait:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    log.warning("En annan process skriver i indexet %s; väntar på den", root)
            fcntl.flock(handle, flags)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
