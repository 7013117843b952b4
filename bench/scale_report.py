"""The scale benchmark's result: frozen records, JSON, the report section and the chart.

``bench.scale`` measures (``python -m bench.scale``); ``markdown(result)`` renders the section
for a report and ``ScaleResult.to_json()`` the JSON.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bench.scale_measure import Measurement

MODES = ("embed", "nearest", "dense", "bm25", "hybrid", "hybrid+filter", "hybrid+embed")
TARGET_N = 100_000
TARGET_P50_MS = 300.0
TARGET_RSS_MB = 4096.0


@dataclass(frozen=True, slots=True)
class ScalePoint:
    n: int
    write_s: float
    """Making the synthetic passages and adding them through ``PassageStore.add``."""
    add_s: float
    """Of which in ``PassageStore.add`` (LlamaIndex's ChromaVectorStore, Chroma's HNSW)."""
    disk_mb: float
    measured: Measurement
    bm25_s: float = 0.0
    """Reading the written passages back and saving the index's snapshot (passages and BM25,
    ``index.snapshot``), as an ingestion run ends (the chat then loads it: ``open s``)."""


@dataclass(frozen=True, slots=True)
class ScaleResult:
    points: tuple[ScalePoint, ...]
    queries: int
    base_passages: int
    skipped: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "queries": self.queries,
            "base_passages": self.base_passages,
            "points": [asdict(p) for p in self.points],
            "growth": growth(self),
            "skipped": list(self.skipped),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ScaleResult:
        """What ``to_json`` wrote (``scale.json``), to render again."""
        points = tuple(
            ScalePoint(**{**p, "measured": Measurement.from_json(dict(p["measured"]))})
            for p in data["points"]
        )
        return cls(points, data["queries"], data["base_passages"], tuple(data["skipped"]))


def metrics(p: ScalePoint) -> dict[str, float]:
    """The numbers of one point that are compared across N."""
    m = p.measured
    found = {f"{mode} p50 ms": m.latency[mode].p50_ms for mode in MODES if mode in m.latency}
    found.update(
        {
            "RSS MB": m.rss_mb,
            "peak MB": m.peak_mb,
            "disk MB": p.disk_mb,
            "open s": m.open_s,
            "write s": p.write_s,
        }
    )
    return found


def growth(result: ScaleResult) -> dict[str, float]:
    """Each metric at the largest N over the same at the smallest."""
    if len(result.points) < 2:
        return {}
    low, high = metrics(result.points[0]), metrics(result.points[-1])
    return {k: round(high[k] / low[k], 2) for k in high if low.get(k)}


def extrapolate(result: ScaleResult, n: int) -> dict[str, float]:
    """Each metric at ``n`` by the power law through the two largest points measured."""
    if len(result.points) < 2 or result.points[-2].n == result.points[-1].n:
        return {}
    a, b = result.points[-2], result.points[-1]
    low, high = metrics(a), metrics(b)
    out: dict[str, float] = {}
    for key, value in high.items():
        if low.get(key, 0) > 0 and value > 0:
            power = math.log(value / low[key]) / math.log(b.n / a.n)
            out[key] = round(value * (n / b.n) ** power, 1)
    return out


def markdown(result: ScaleResult) -> str:
    """The scale section of a report."""
    lines = [
        "## Scale: search over N synthetic passages",
        "",
        f"{result.queries} queries (the development questions and two paraphrases of each), "
        f"each N in a fresh process; the synthetic passages are varied copies of the "
        f"{result.base_passages} real ones with their vectors perturbed (`bench.scale_corpus`). "
        "Latency p50 / p95 in ms: `embed` is the query embedding alone, `nearest` Chroma's "
        "nearest neighbours alone (the plain dense baseline), `dense`, `bm25`, `hybrid` and "
        "`hybrid+filter` (committee and date from) are `Searcher.search` without the "
        "embedding, `hybrid+embed` as the app calls it. RSS is the process after opening "
        "the searcher and running every query.",
        "",
        "| N | " + " | ".join(MODES) + " | RSS MB | disk MB | open s | write s | snapshot save s |",
        "|---:|" + "---:|" * (len(MODES) + 5),
    ]
    for p in result.points:
        m = p.measured
        cells = [
            f"{m.latency[x].p50_ms:.1f} / {m.latency[x].p95_ms:.1f}" if x in m.latency else "–"
            for x in MODES
        ]
        lines.append(
            f"| {p.n:,} | "
            + " | ".join(cells)
            + f" | {m.rss_mb:.0f} | {p.disk_mb:.0f} | {m.open_s:.1f} | {p.write_s:.1f} "
            f"| {p.bm25_s:.1f} |"
        )
    lines += (
        _memory_lines(result) + _cpu_lines(result) + _growth_lines(result) + _target_lines(result)
    )
    lines += _profile_lines(result)
    if result.skipped:
        lines += ["", *[f"- Skipped: {reason}" for reason in result.skipped]]
    return "\n".join(lines) + "\n"


def _growth_lines(result: ScaleResult) -> list[str]:
    ratios = growth(result)
    if not ratios:
        return []
    a, b = result.points[0].n, result.points[-1].n
    ahead = 10 * b
    guess = extrapolate(result, ahead)
    lines = ["", f"| metric | {b:,} / {a:,} | extrapolated to {ahead:,} |", "|---|---:|---:|"]
    lines += [f"| {k} | {v:.2f}× | {guess.get(k, float('nan')):,.1f} |" for k, v in ratios.items()]
    return lines


def _target_lines(result: ScaleResult) -> list[str]:
    at = [p for p in result.points if p.n >= TARGET_N]
    if not at:
        return []
    m = at[0].measured
    fused, app = m.latency["hybrid"].p50_ms, m.latency["hybrid+embed"].p50_ms
    ok_time, ok_memory = app <= TARGET_P50_MS, m.rss_mb <= TARGET_RSS_MB
    return [
        "",
        f"Target at {at[0].n:,} passages: fused p50 ≤ {TARGET_P50_MS:.0f} ms — "
        f"{'met' if ok_time else 'missed'} ({app:.0f} ms with the query embedding, "
        f"{fused:.0f} ms without); memory ≤ {TARGET_RSS_MB / 1024:.0f} GB — "
        f"{'met' if ok_memory else 'missed'} ({m.rss_mb:.0f} MB RSS, peak {m.peak_mb:.0f} MB).",
    ]


def _memory_lines(result: ScaleResult) -> list[str]:
    """The measuring process's memory at each step, MB."""
    lines = [
        "",
        "Memory of the measuring process, MB: before opening (imports), after "
        "`Searcher.open` (embedder, Chroma, BM25), after the queries, after `malloc_trim(0)` "
        "(what is left once the allocator hands back freed memory), and the peak:",
        "",
        "| N | start | opened | after queries | trimmed | peak |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for p in result.points:
        m = p.measured
        lines.append(
            f"| {p.n:,} | {m.rss_start_mb:.0f} | {m.rss_open_mb:.0f} | {m.rss_mb:.0f} | "
            f"{m.rss_trimmed_mb:.0f} | {m.peak_mb:.0f} |"
        )
    return lines


def _cpu_lines(result: ScaleResult) -> list[str]:
    """CPU time per query: the cost on an unshared machine (wall time waits for others)."""
    lines = [
        "",
        "CPU time per query, p50 ms (the process's CPU time, all threads; the load is the "
        "machine's one-minute load average before / after the queries):",
        "",
        "| N | " + " | ".join(MODES) + " | load |",
        "|---:|" + "---:|" * (len(MODES) + 1),
    ]
    for p in result.points:
        m = p.measured
        cells = [f"{m.latency[x].cpu_p50_ms:.1f}" if x in m.latency else "–" for x in MODES]
        lines.append(f"| {p.n:,} | " + " | ".join(cells) + f" | {m.load[0]} / {m.load[1]} |")
    return lines


def _profile_lines(result: ScaleResult) -> list[str]:
    profiled = [p for p in result.points if p.measured.profile_ms]
    lines: list[str] = []
    if profiled:
        p = profiled[-1]
        kinds = list(p.measured.profile_ms)
        names = list(p.measured.profile_ms[kinds[0]])
        lines += [
            "",
            f"Where a query's time goes at {p.n:,} passages (cProfile, cumulative ms per "
            "query, so nested rows are part of the rows above them):",
            "",
            "| function | " + " | ".join(kinds) + " |",
            "|---|" + "---:|" * len(kinds),
        ]
        lines += [
            f"| {name} | "
            + " | ".join(f"{p.measured.profile_ms[k][name]:.1f}" for k in kinds)
            + " |"
            for name in names
        ]
    opened = [p for p in result.points if p.measured.open_profile_s]
    if opened:
        p = opened[-1]
        lines += [
            "",
            f"Opening the searcher at {p.n:,} passages (`Searcher.refresh` under cProfile, s):",
            "",
            "| function | s |",
            "|---|---:|",
        ]
        lines += [f"| {k} | {v:.1f} |" for k, v in p.measured.open_profile_s.items()]
    return lines


def write_chart(result: ScaleResult, path: Path) -> None:
    figure = Figure(figsize=(10, 4))
    FigureCanvasAgg(figure)
    speed, memory = figure.subplots(1, 2)
    ns = [p.n for p in result.points]
    for mode in MODES:
        speed.plot(ns, [p.measured.latency[mode].p50_ms for p in result.points], "o-", label=mode)
    speed.set(xscale="log", yscale="log", xlabel="passages", ylabel="p50 ms", title="Latency")
    speed.legend(fontsize=7)
    memory.plot(ns, [p.measured.rss_mb for p in result.points], "o-", label="RSS MB")
    memory.plot(ns, [p.disk_mb for p in result.points], "s-", label="disk MB")
    memory.set(xscale="log", xlabel="passages", ylabel="MB", title="Memory and disk")
    memory.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
