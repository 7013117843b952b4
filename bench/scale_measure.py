"""One N of the scale benchmark, each step in a process of its own (so memory is per N).

``python -m bench.scale_measure write --base DIR --index DIR --n N`` writes the synthetic
corpus (``bench.scale_corpus``); ``python -m bench.scale_measure measure --index DIR
--queries FILE`` opens the searcher as the app does and times the queries. Each prints one JSON
object; ``bench.scale`` runs them and reads it.

Latency rows: ``embed`` is the embedder's query embedding alone; ``nearest`` is Chroma's
nearest neighbours alone (``PassageStore.nearest`` with the embedding already made, the plain
dense baseline); ``dense``, ``bm25``, ``hybrid`` and ``hybrid+filter`` are
``Searcher.search`` with the query embeddings made beforehand, so they are search alone;
``hybrid+embed`` is ``Searcher.search`` as the app calls it, embedding included.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import datetime as dt
import json
import os
import resource
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from llama_index.core.embeddings import BaseEmbedding
from pydantic import PrivateAttr

from bench import scale_corpus
from bench.scale_profile import PROFILED, PROFILED_OPEN, profiled, search_all
from index import snapshot
from index.embed import open_embedder
from index.filters import Filters
from index.search import DEPTH, Mode, Searcher, build_signature
from index.settings import IndexSettings
from index.store import IndexMismatch, PassageStore

WARM_UP = 3
FILTER = Filters(committee="Socialnämnden", date_from=dt.date(2018, 1, 1))


@dataclass(frozen=True, slots=True)
class Latency:
    p50_ms: float
    p95_ms: float
    mean_ms: float
    cpu_p50_ms: float
    """The process's CPU time per query (all its threads): what the query costs when the
    machine is not shared, which wall time on a busy machine overstates."""
    queries: int

    @classmethod
    def of(cls, seconds: Sequence[float], cpu: Sequence[float]) -> Latency:
        ms = np.asarray(seconds) * 1000.0
        return cls(
            p50_ms=round(float(np.percentile(ms, 50)), 2),
            p95_ms=round(float(np.percentile(ms, 95)), 2),
            mean_ms=round(float(ms.mean()), 2),
            cpu_p50_ms=round(float(np.percentile(np.asarray(cpu) * 1000.0, 50)), 2),
            queries=len(ms),
        )


@dataclass(frozen=True, slots=True)
class Measurement:
    """What the measuring process saw for one index."""

    passages: int
    open_s: float
    rss_start_mb: float
    """Before opening: the interpreter and the imports, no embedder and no index."""
    rss_open_mb: float
    rss_mb: float
    peak_mb: float
    rss_trimmed_mb: float
    """After glibc's ``malloc_trim(0)``: the RSS less memory freed but kept by the allocator
    (e.g. Chroma's transient copy of every passage while the searcher opened)."""
    latency: dict[str, Latency]
    load: tuple[float, float]
    """The machine's one-minute load average before and after the queries."""
    profile_ms: dict[str, dict[str, float]] = field(default_factory=dict)
    """Per mode profiled (hybrid, hybrid+filter): cumulative milliseconds per query in the
    functions of ``PROFILED``."""
    open_profile_s: dict[str, float] = field(default_factory=dict)
    from_snapshot: bool = False
    """The searcher opened from the index's saved snapshot (not from Chroma, building BM25)."""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Measurement:
        data = dict(data)
        data.pop("paged_all", None)  # (reports from before the index opened from a snapshot)
        latency = {k: Latency(**v) for k, v in data.pop("latency").items()}
        return cls(latency=latency, load=tuple(data.pop("load")), **data)


class CachedEmbedding(BaseEmbedding):
    """The query embeddings made beforehand, so search is timed without the embedder."""

    _cache: dict[str, list[float]] = PrivateAttr()

    def __init__(self, cache: dict[str, list[float]], model_name: str) -> None:
        super().__init__(model_name=model_name)
        self._cache = cache

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._cache[query]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._cache[text]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._cache[query]


def memory_mb() -> tuple[float, float]:
    """The process's resident memory and its peak, in MB (VmRSS, VmHWM)."""
    found: dict[str, float] = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return found.get("VmRSS", peak), found.get("VmHWM", peak)


def _trimmed_mb() -> float:
    """The RSS after handing freed heap memory back to the system (glibc only)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    return memory_mb()[0]


def timed(call: Callable[[str], object], queries: Sequence[str]) -> Latency:
    for q in queries[:WARM_UP]:
        call(q)
    seconds, cpu = [], []
    for q in queries:
        started, used = time.perf_counter(), time.process_time()
        call(q)
        seconds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    return Latency.of(seconds, cpu)


def measure(
    settings: IndexSettings,
    queries: Sequence[str],
    profile: Path | None = None,
    profile_open: Path | None = None,
) -> Measurement:
    """Open the searcher as the app does, time every kind of query, and with ``profile`` run
    the hybrid queries again under cProfile (``profile_open``: opening too)."""
    return _measure(settings, queries, profile, profile_open)


def _measure(
    settings: IndexSettings,
    queries: Sequence[str],
    profile: Path | None,
    profile_open: Path | None,
) -> Measurement:
    load = os.getloadavg()[0]
    rss_start, _ = memory_mb()
    started = time.perf_counter()
    searcher = Searcher.open(settings)
    open_s = time.perf_counter() - started
    rss_open, _ = memory_mb()
    embedder = searcher.embedder
    latency = {"embed": timed(embedder.get_query_embedding, queries)}
    cache = {q: embedder.get_query_embedding(q) for q in queries}
    latency["nearest"] = timed(lambda q: searcher.store.nearest(cache[q], DEPTH), queries)
    latency["hybrid+embed"] = timed(lambda q: searcher.search(q), queries)
    searcher.embedder = CachedEmbedding(cache, embedder.model_name)
    modes: tuple[Mode, ...] = ("dense", "bm25", "hybrid")
    for mode in modes:
        latency[mode] = timed(partial(searcher.search, mode=mode), queries)
    latency["hybrid+filter"] = timed(partial(searcher.search, filters=FILTER), queries)
    rss, peak = memory_mb()
    after = os.getloadavg()[0]
    trimmed = _trimmed_mb()
    profile_ms: dict[str, dict[str, float]] = {}
    open_profile: dict[str, float] = {}
    if profile is not None:
        for name, chosen in (("hybrid", None), ("hybrid+filter", FILTER)):
            spent = profiled(
                partial(search_all, searcher, queries, chosen),
                PROFILED,
                profile.with_suffix(f".{name.replace('+', '-')}.txt"),
            )
            profile_ms[name] = {k: round(v * 1000 / len(queries), 2) for k, v in spent.items()}
    if profile_open is not None:
        opened = profiled(searcher.refresh, PROFILED_OPEN, profile_open)
        open_profile = {k: round(v, 2) for k, v in opened.items()}
    return Measurement(
        passages=searcher.passage_count,
        open_s=round(open_s, 2),
        from_snapshot=searcher.lexical.mapped,
        rss_start_mb=round(rss_start, 1),
        rss_open_mb=round(rss_open, 1),
        rss_mb=round(rss, 1),
        peak_mb=round(peak, 1),
        rss_trimmed_mb=round(trimmed, 1),
        latency=latency,
        load=(round(load, 2), round(after, 2)),
        profile_ms=profile_ms,
        open_profile_s=open_profile,
    )


def write(base: Path, index: Path, n: int, seed: int) -> dict[str, float]:
    started = time.perf_counter()
    settings = IndexSettings(path=base)
    sources, build = scale_corpus.read_sources(settings)
    expected = build_signature(open_embedder(settings.embedder))
    stale = [f"{k}: {build.get(k)} → {v}" for k, v in expected.items() if build.get(k) != v]
    if stale:
        raise IndexMismatch(
            f"{base} byggdes med andra inställningar ({', '.join(stale)}); indexera corpus/ "
            "på nytt eller ange ett annat --index-dir"
        )
    read_s = time.perf_counter() - started
    started = time.perf_counter()
    written, add_s = scale_corpus.write(
        IndexSettings(path=index), build, scale_corpus.synthetic(sources, n, seed)
    )
    write_s = time.perf_counter() - started
    started = time.perf_counter()
    # As an ingestion run ends: the snapshot (passages and BM25) saved, for the chat to load.
    with snapshot.writing(index, PassageStore.open(IndexSettings(path=index), build)):
        pass  # (no snapshot yet: one is saved as the block ends)
    if snapshot.current(index) is None:
        raise RuntimeError(f"{index}: ögonblicksbilden sparades inte (se varningen ovan)")
    bm25_s = time.perf_counter() - started
    rss, peak = memory_mb()
    return {
        "passages": written,
        "sources": len(sources),
        "read_s": round(read_s, 2),
        "write_s": round(write_s, 2),
        "add_s": round(add_s, 2),
        "bm25_s": round(bm25_s, 2),
        "rss_mb": round(rss, 1),
        "peak_mb": round(peak, 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale_measure")
    steps = parser.add_subparsers(dest="step", required=True)
    writing = steps.add_parser("write", help="skriv en syntetisk korpus")
    writing.add_argument("--base", type=Path, required=True, help="indexet att utgå från")
    writing.add_argument("--index", type=Path, required=True, help="det nya indexet")
    writing.add_argument("--n", type=int, required=True)
    writing.add_argument("--seed", type=int, default=0)
    measuring = steps.add_parser("measure", help="mät sökningen i ett index")
    measuring.add_argument("--index", type=Path, required=True)
    measuring.add_argument("--queries", type=Path, required=True, help="JSON-lista av frågor")
    measuring.add_argument("--profile", type=Path, help="cProfile av frågorna hit (.txt)")
    measuring.add_argument("--profile-open", type=Path, help="cProfile av öppnandet hit")
    args = parser.parse_args(argv)
    if args.step == "write":
        result: dict[str, Any] = write(args.base, args.index, args.n, args.seed)
    else:
        queries = json.loads(args.queries.read_text(encoding="utf-8"))
        result = asdict(
            measure(IndexSettings(path=args.index), queries, args.profile, args.profile_open)
        )
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
