"""OCR measurements: character accuracy of Tesseract's Swedish model beside its English one,
seconds per page with one and two workers, and a scanned copy of a corpus document asked the
same questions as its text version.

Pages are rendered by ``bench.scans`` from Swedish text that is not in the corpus (SweQUAD-MC
contexts), made into image-only PDFs and read back through ``ingest.pdf``, as users' scans are.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from answer.service import Assistant
from bench.datasets import Question
from bench.metrics import answer_correct, basename, hit_at_k, hit_rank
from bench.scans import RenderedPage, ScanStyle, image_pdf, render_pages
from index.build import index_paths
from index.records import Hit
from index.settings import IndexSettings
from index.store import PassageStore
from ingest.ocr import OcrSettings
from ingest.pdf import read_pdf

log = logging.getLogger("bench.ocr")

STYLES = {
    "clean 300 dpi": ScanStyle(dpi=300, noisy=False),
    "clean 200 dpi": ScanStyle(dpi=200, noisy=False),
    "noisy 300 dpi": ScanStyle(dpi=300, noisy=True, seed=1),
    "noisy 200 dpi": ScanStyle(dpi=200, noisy=True, seed=2),
}
LANGS = ("swe", "eng")
SAMPLE_WORDS = 900
"""About two pages of unseen text per style."""
THROUGHPUT_PAGES = 6
SCANNED_STYLE = ScanStyle(dpi=300, noisy=True, seed=3)


@dataclass(frozen=True, slots=True)
class AccuracyRow:
    style: str
    lang: str
    pages: int
    accuracy: float
    """Mean character accuracy over the pages."""
    worst: float
    seconds_per_page: float


@dataclass(frozen=True, slots=True)
class ThroughputRow:
    workers: int
    pages: int
    seconds: float

    @property
    def per_page(self) -> float:
        return self.seconds / self.pages if self.pages else 0.0


@dataclass(frozen=True, slots=True)
class CopyRow:
    """One question about the scanned document, asked of the text version and of the scan."""

    id: str
    text_rank: int | None
    scan_rank: int | None
    text_correct: bool
    scan_correct: bool


@dataclass(frozen=True, slots=True)
class ScannedCopy:
    document: str
    style: str
    pages: int
    passages: int
    index_seconds: float
    rows: tuple[CopyRow, ...]

    def hit_at_5(self, scan: bool) -> float:
        ranks = [r.scan_rank if scan else r.text_rank for r in self.rows]
        return sum(hit_at_k(r, 5) for r in ranks) / len(ranks) if ranks else 0.0

    def correct(self, scan: bool) -> int:
        return sum(r.scan_correct if scan else r.text_correct for r in self.rows)


@dataclass(frozen=True, slots=True)
class OcrResults:
    accuracy: tuple[AccuracyRow, ...]
    throughput: tuple[ThroughputRow, ...]
    scanned: ScannedCopy | None


def char_accuracy(ocr: str, truth: str) -> float:
    """1 − Levenshtein distance / length of the truth, whitespace runs counted as one space."""
    a, b = " ".join(ocr.split()), " ".join(truth.split())
    if not b:
        return 1.0 if not a else 0.0
    return max(0.0, 1.0 - Levenshtein.distance(a, b) / len(b))


def unseen_text(swequad: Path, words: int = SAMPLE_WORDS) -> str:
    """SweQUAD-MC contexts, whole, until about ``words`` words: Swedish agency text that is
    not in the corpus."""
    data = json.loads(swequad.read_text(encoding="utf-8"))["data"]
    parts: list[str] = []
    count = 0
    for item in data:
        context = "\n".join(line.strip() for line in str(item["context"]).splitlines())
        parts.append(context)
        count += len(context.split())
        if count >= words:
            break
    return "\n\n".join(parts)


def read_scan(pdf: Path, settings: OcrSettings) -> list[str]:
    """The text of every page of a scanned PDF, as ``ingest.pdf`` reads it."""
    return [page.text for page in read_pdf(pdf.name, pdf, settings).pages]


def measure_accuracy(text: str, work: Path) -> list[AccuracyRow]:
    rows = []
    for style_name, style in STYLES.items():
        pages = render_pages(text, style)
        pdf = work / f"{style_name.replace(' ', '-')}.pdf"
        image_pdf([p.image for p in pages], pdf, style.dpi)
        for lang in LANGS:
            began = time.perf_counter()
            read = read_scan(pdf, OcrSettings(lang=lang))
            seconds = time.perf_counter() - began
            scores = [char_accuracy(o, p.text) for o, p in zip(read, pages, strict=True)]
            rows.append(
                AccuracyRow(
                    style=style_name,
                    lang=lang,
                    pages=len(pages),
                    accuracy=sum(scores) / len(scores),
                    worst=min(scores),
                    seconds_per_page=seconds / len(pages),
                )
            )
            log.info("OCR %s %s: %.4f", style_name, lang, rows[-1].accuracy)
    return rows


def measure_throughput(text: str, work: Path) -> list[ThroughputRow]:
    pages = render_pages(text, STYLES["clean 300 dpi"])
    while len(pages) < THROUGHPUT_PAGES:
        pages = pages + pages
    pages = pages[:THROUGHPUT_PAGES]
    pdf = work / "throughput.pdf"
    image_pdf([p.image for p in pages], pdf, 300)
    rows = []
    for workers in (1, 2):
        began = time.perf_counter()
        read_scan(pdf, OcrSettings(workers=workers))
        rows.append(ThroughputRow(workers, len(pages), time.perf_counter() - began))
        log.info("OCR med %d arbetare: %.2f s/sida", workers, rows[-1].per_page)
    return rows


@dataclass(frozen=True, slots=True)
class _AsLines:
    """A passage of the scanned copy seen as the text lines its pages hold."""

    source: str
    line_start: int | None
    line_end: int | None


def _as_lines(hit: Hit, scan: str, document: str, pages: Sequence[RenderedPage]) -> _AsLines:
    if hit.source != scan or hit.page is None:
        return _AsLines(hit.source, hit.line_start, hit.line_end)
    last = max([hit.page, *(page for _, page in hit.page_starts)])
    first_line = pages[hit.page - 1].first_line
    return _AsLines(document, first_line, pages[min(last, len(pages)) - 1].last_line)


def scanned_copy(
    document: Path, index: Path, questions: Sequence[Question], top_k: int
) -> ScannedCopy:
    """Swap ``document`` for a scan of itself in a copy of the corpus index and ask the
    questions about it of both indexes."""
    about = [q for q in questions if any(p.file == document.name for p in q.places)]
    pages = render_pages(document.read_text(encoding="utf-8"), SCANNED_STYLE)
    with tempfile.TemporaryDirectory(prefix="bench-scan-") as tmp:
        scan = Path(tmp) / f"{document.stem}.pdf"
        image_pdf([p.image for p in pages], scan, SCANNED_STYLE.dpi)
        copy = Path(tmp) / "index"
        shutil.copytree(index, copy)
        settings = IndexSettings(path=copy)
        built = index_paths([scan], settings)
        store = PassageStore.open(settings, {})
        for source in store.sources():
            if basename(source) == document.name:
                store.remove(source)
        text_version, scan_version = (
            Assistant.open(IndexSettings(path=index)),
            Assistant.open(settings),
        )
        rows = []
        for q in about:
            text_answer = text_version.ask(q.question, top_k=top_k)
            scan_answer = scan_version.ask(q.question, top_k=top_k)
            located = [_as_lines(h, str(scan), document.name, pages) for h in scan_answer.passages]
            rows.append(
                CopyRow(
                    id=q.id,
                    text_rank=hit_rank(text_answer.passages, q),
                    scan_rank=hit_rank(located, q),
                    text_correct=answer_correct(text_answer.answered, text_answer.text, q),
                    scan_correct=answer_correct(scan_answer.answered, scan_answer.text, q),
                )
            )
    return ScannedCopy(
        document=document.name,
        style="noisy 300 dpi",
        pages=len(pages),
        passages=built.added,
        index_seconds=built.seconds,
        rows=tuple(rows),
    )


def markdown(results: OcrResults) -> list[str]:
    lines = ["## Scanned pages (OCR)", ""]
    lines += [
        "Character accuracy of unseen Swedish text (SweQUAD-MC contexts) rendered as scans, "
        "read back through `ingest.pdf`; the English model is the baseline.",
        "",
        "| scan | model | pages | char accuracy | worst page | s/page |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for r in results.accuracy:
        lines.append(
            f"| {r.style} | {r.lang} | {r.pages} | {r.accuracy:.4f} | {r.worst:.4f} "
            f"| {r.seconds_per_page:.2f} |"
        )
    lines += ["", "| OCR workers | pages | seconds | s/page |", "|---:|---:|---:|---:|"]
    for t in results.throughput:
        lines.append(f"| {t.workers} | {t.pages} | {t.seconds:.1f} | {t.per_page:.2f} |")
    if results.scanned is not None:
        s = results.scanned
        lines += [
            "",
            f"Scanned copy of `{s.document}` ({s.pages} pages, {s.style}, OCR'd and indexed "
            f"in {s.index_seconds:.0f} s, {s.passages} passages) in place of its text version:",
            "",
            "| version | hit@5 | correct answers |",
            "|---|---:|---:|",
            f"| text | {s.hit_at_5(False):.2f} | {s.correct(False)}/{len(s.rows)} |",
            f"| scan | {s.hit_at_5(True):.2f} | {s.correct(True)}/{len(s.rows)} |",
            "",
            "| id | text rank | scan rank |",
            "|---|---:|---:|",
        ]
        for row in s.rows:
            lines.append(f"| {row.id} | {_rank(row.text_rank)} | {_rank(row.scan_rank)} |")
    return lines


def _rank(rank: int | None) -> str:
    return str(rank) if rank is not None else "miss"
