"""The benchmark's output: ``report.md`` with tables and a PNG chart, and ``results.json``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bench import (
    actionable,
    answers_council,
    answers_swequad,
    browser,
    external_score,
    ingest_speed,
    load,
    ocr,
    repair,
    scale_report,
)
from bench.metrics import Outcome, Summary, summarise

REPORT = "report.md"
RESULTS = "results.json"
CHART = "chart.png"


@dataclass(frozen=True, slots=True)
class SystemResult:
    """One system's outcomes on every question, and how long building its index took."""

    name: str
    outcomes: tuple[Outcome, ...]
    index_seconds: float | None = None
    passages: int | None = None

    @property
    def summary(self) -> Summary:
        return summarise(self.outcomes)


@dataclass(frozen=True, slots=True)
class Run:
    """Everything one benchmark run measured."""

    eval_file: str
    corpus: str
    started: str
    systems: tuple[SystemResult, ...]
    notes: tuple[str, ...] = field(default=())
    ocr: ocr.OcrResults | None = None
    repair: repair.RepairResults | None = None
    actionable: actionable.ActionableResults | None = None
    browser: browser.BrowserTimes | None = None
    external: external_score.ExternalResults | None = None
    answers: answers_swequad.AnswerResults | None = None
    council: answers_council.CouncilResults | None = None
    ingest_speed: ingest_speed.IngestSpeed | None = None
    load: load.LoadResult | None = None
    scale: scale_report.ScaleResult | None = None


def write(run: Run, out: Path) -> tuple[Path, Path]:
    """Write ``report.md`` (with ``chart.png`` beside it) and ``results.json`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    write_chart(run.systems, out / CHART)
    report = out / REPORT
    report.write_text(markdown(run), encoding="utf-8")
    results = out / RESULTS
    text = json.dumps(to_json(run), ensure_ascii=False, indent=2)
    results.write_text(text + "\n", encoding="utf-8")
    return report, results


def to_json(run: Run) -> dict[str, Any]:
    return {
        "eval_file": run.eval_file,
        "corpus": run.corpus,
        "started": run.started,
        "notes": list(run.notes),
        "systems": [_system_json(s) for s in run.systems],
        "ocr": _ocr_json(run.ocr),
        "repair": None if run.repair is None else asdict(run.repair),
        "actionable": None if run.actionable is None else asdict(run.actionable),
        "browser": None
        if run.browser is None
        else asdict(run.browser) | {"p50_ms": run.browser.p50_ms, "p95_ms": run.browser.p95_ms},
        "external": None if run.external is None else external_score.to_json(run.external),
        "answers": None if run.answers is None else asdict(run.answers),
        "council": None if run.council is None else asdict(run.council),
        "ingest_speed": None if run.ingest_speed is None else run.ingest_speed.to_json(),
        "load": None if run.load is None else run.load.to_json(),
        "scale": None if run.scale is None else run.scale.to_json(),
    }


def _ocr_json(results: ocr.OcrResults | None) -> dict[str, Any] | None:
    if results is None:
        return None
    scanned = results.scanned
    return {
        "accuracy": [asdict(r) for r in results.accuracy],
        "throughput": [asdict(t) | {"per_page": t.per_page} for t in results.throughput],
        "scanned_copy": None
        if scanned is None
        else asdict(scanned)
        | {
            "hit_at_5_text": scanned.hit_at_5(False),
            "hit_at_5_scan": scanned.hit_at_5(True),
        },
    }


def _system_json(system: SystemResult) -> dict[str, Any]:
    summary = system.summary
    return {
        "name": system.name,
        "index_seconds": system.index_seconds,
        "passages": system.passages,
        "summary": asdict(summary) | {"correctness": summary.correctness},
        "questions": [asdict(o) for o in system.outcomes],
    }


def markdown(run: Run) -> str:
    """The whole report as Markdown."""
    lines = [
        "# Nämndsvar benchmark",
        "",
        f"Run started {run.started}. Questions: `{run.eval_file}`; corpus: `{run.corpus}`.",
        "",
        *_index_lines(run.systems),
        "",
        *summary_table(run.systems),
        "",
        f"![hit@5, MRR@10 and answer correctness per system]({CHART})",
        "",
    ]
    for note in run.notes:
        lines.append(f"- {note}")
    if run.notes:
        lines.append("")
    if run.systems:
        first = run.systems[0]
        lines += [f"## Per question: {first.name}", "", *question_table(first.outcomes), ""]
        lines += ["## Hit rank per question and system", "", *rank_table(run.systems), ""]
    if run.ocr is not None:
        lines += [*ocr.markdown(run.ocr), ""]
    if run.repair is not None:
        lines += [*repair.markdown(run.repair), ""]
    if run.actionable is not None:
        lines += [*actionable.markdown(run.actionable), ""]
    if run.browser is not None:
        lines += [*browser.markdown(run.browser), ""]
    if run.external is not None:
        lines += [*external_score.markdown(run.external), ""]
    if run.answers is not None:
        lines += [*answers_swequad.markdown(run.answers), ""]
    if run.council is not None:
        lines += [*answers_council.markdown(run.council), ""]
    if run.ingest_speed is not None:
        lines += [*ingest_speed.markdown(run.ingest_speed), ""]
    if run.load is not None:
        lines += [*load.markdown(run.load), ""]
    if run.scale is not None:
        lines += [scale_report.markdown(run.scale), "", "![scale](scale/scale.png)", ""]
    return "\n".join(lines)


def _index_lines(systems: Sequence[SystemResult]) -> list[str]:
    lines = []
    for system in systems:
        if system.index_seconds is not None and system.passages is not None:
            lines.append(
                f"- Indexing the corpus for {system.name}: {system.index_seconds:.1f} s, "
                f"{system.passages} passages."
            )
    lengths = ", ".join(f"{s.name} {s.summary.median_lines:.1f}" for s in systems)
    if lengths:
        lines.append(
            f"- Median lines per retrieved passage (longer passages hit more easily): {lengths}."
        )
    return lines


def summary_table(systems: Sequence[SystemResult]) -> list[str]:
    """One row per system: hit@5, MRR@10, correctness, unanswerable handled, latency."""
    rows = [
        "| system | hit@5 | MRR@10 | answer correctness (answerable) "
        "| unanswerable handled | latency p50 ms | latency p95 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for system in systems:
        s = system.summary
        rows.append(
            f"| {system.name} | {s.hit_at_5:.2f} | {s.mrr_at_10:.3f} "
            f"| {s.correctness:.2f} ({s.correct}/{s.answerable}) "
            f"| {s.handled}/{s.unanswerable} | {s.p50_ms:.0f} | {s.p95_ms:.0f} |"
        )
    return rows


def _yes_no(value: bool | None) -> str:
    return "–" if value is None else "yes" if value else "no"


def question_table(outcomes: Sequence[Outcome]) -> list[str]:
    """id, kind, hit rank and correctness (for unanswerable questions: handled) per question."""
    rows = ["| id | kind | hit rank | correct |", "|---|---|---:|---|"]
    for o in outcomes:
        rank = "–" if not o.answerable else str(o.rank) if o.rank is not None else "miss"
        correct = _yes_no(o.correct if o.answerable else o.handled)
        rows.append(f"| {o.id} | {o.kind} | {rank} | {correct} |")
    return rows


def rank_table(systems: Sequence[SystemResult]) -> list[str]:
    """The first hit's rank per answerable question, one column per system."""
    header = "| id | kind | " + " | ".join(s.name for s in systems) + " |"
    rows = [header, "|---|---|" + "---:|" * len(systems)]
    by_system = [{o.id: o for o in s.outcomes} for s in systems]
    for o in systems[0].outcomes if systems else ():
        if not o.answerable:
            continue
        cells = []
        for outcomes in by_system:
            other = outcomes.get(o.id)
            rank = other.rank if other is not None else None
            cells.append(str(rank) if rank is not None else "miss")
        rows.append(f"| {o.id} | {o.kind} | " + " | ".join(cells) + " |")
    return rows


def write_chart(systems: Sequence[SystemResult], path: Path) -> None:
    """Grouped bars: hit@5, MRR@10 and answer correctness for each system."""
    metrics = ("hit@5", "MRR@10", "answer correctness")
    figure = Figure(figsize=(10, 4.8), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    width = 0.8 / max(len(systems), 1)
    for i, system in enumerate(systems):
        s = system.summary
        values = (s.hit_at_5, s.mrr_at_10, s.correctness)
        positions = [m + (i - (len(systems) - 1) / 2) * width for m in range(len(metrics))]
        bars = axes.bar(positions, values, width, label=system.name)
        axes.bar_label(bars, fmt="%.2f", fontsize=8)
    axes.set_xticks(range(len(metrics)), metrics)
    axes.set_ylim(0, 1.1)
    axes.set_ylabel("score (0–1)")
    axes.set_title("Nämndsvar: retrieval and answers on the development questions")
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=2, fontsize=8)
    figure.savefig(path, dpi=120)
