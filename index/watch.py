"""A watched folder: files dropped into it are indexed, files deleted from it removed.

The folder is looked at every few seconds (a poll works on every file system, network shares
too); what changed is indexed once it has stood still for one look, so a file still being
copied is not read half-way. Each run is an ordinary one (``index_paths`` with ``prune``): it
holds the writer's lock and saves a snapshot that running chats take up.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from index.build import IndexReport, expand, index_paths
from index.settings import IndexSettings

log = logging.getLogger(__name__)
INTERVAL = 2.0
"""Seconds between looks at the folder."""

State = dict[str, tuple[int, int]]


def state(paths: Sequence[Path]) -> State:
    """Every file under ``paths`` with its size and time of change."""
    found: State = {}
    for path in expand(paths)[0]:
        try:
            info = path.stat()
        except OSError:  # deleted between the listing and the look
            continue
        found[str(path)] = (info.st_size, info.st_mtime_ns)
    return found


def watch(
    paths: Sequence[Path],
    settings: IndexSettings,
    on_report: Callable[[IndexReport], None],
    stop: threading.Event,
    interval: float = INTERVAL,
) -> None:
    """Index ``paths`` now, then again whenever what they hold changes and has stood still
    for one look, until ``stop`` is set."""
    indexed: State | None = None
    seen = state(paths)
    while True:
        if seen != indexed:
            on_report(index_paths(paths, settings, prune=True))
            indexed = seen
        if stop.wait(interval):
            return
        now = state(paths)
        while now != seen:  # still changing (a copy under way): look again
            seen = now
            if stop.wait(interval):
                return
            now = state(paths)
