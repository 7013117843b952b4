"""cProfile of the scale benchmark's queries and of opening the searcher, summed by function."""

from __future__ import annotations

import cProfile
import io
import pstats
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from index.filters import Filters
from index.search import Searcher

PROFILED = {
    "Searcher.search": ("search.py", "search"),
    "BM25 (Searcher._bm25)": ("search.py", "_bm25"),
    "LexicalIndex.scores": ("lexical.py", "scores"),
    "bm25s get_scores": ("bm25s", "get_scores"),
    "Filters.admits mask": ("filters.py", "admits"),
    "dense (Searcher._dense)": ("search.py", "_dense"),
    "PassageStore.nearest": ("store.py", "nearest"),
    "Searcher._complete": ("search.py", "_complete"),
    "PassageStore.embeddings": ("store.py", "embeddings"),
    "convex_combination": ("fuse.py", "convex_combination"),
    "_hit": ("search.py", "_hit"),
}
PROFILED_OPEN = {
    "Searcher.refresh": ("search.py", "refresh"),
    "PassageStore.all": ("store.py", "all"),
    "LexicalIndex.__init__": ("lexical.py", "__init__"),
    "tokens": ("lexical.py", "tokens"),
    "folded_tokens": ("lexical.py", "folded_tokens"),
    "char_grams": ("lexical.py", "char_grams"),
    "bm25s index": ("lexical.py", "_bm25"),
}


def search_all(searcher: Searcher, queries: Sequence[str], filters: Filters | None) -> None:
    for q in queries:
        searcher.search(q, filters=filters)


def profiled(
    work: Callable[[], object], names: dict[str, tuple[str, str]], out: Path
) -> dict[str, float]:
    """Run ``work`` under cProfile; write the top functions to ``out`` and return the
    cumulative seconds of the functions ``names`` picks (file part, function name)."""
    profiler = cProfile.Profile()
    profiler.enable()
    work()
    profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)
    out.write_text(text.getvalue(), encoding="utf-8")
    found = dict.fromkeys(names, 0.0)
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    for (file, _line, function), (_cc, _nc, _tt, cumulative, _callers) in table.items():
        for label, (part, name) in names.items():
            if function == name and part in file:
                found[label] += cumulative
    return found
