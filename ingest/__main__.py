"""``python -m ingest PATH... [--index DIR] [--json]``: index files and folders.

A file that cannot be read gets one line on standard error naming it and what to do, and its
entry under ``failed``; the other files are indexed and the exit status is 1.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path

from tqdm import tqdm

from index.build import IndexReport, index_paths
from index.settings import IndexSettings
from index.store import IndexProblem
from index.watch import INTERVAL, watch
from ingest.read import ReadLimits


class BarProgress:
    """One bar per file on standard error: over its pages while a PDF is read (and OCR'd),
    then over its passages while they are embedded."""

    def __init__(self) -> None:
        self._bar: tqdm[None] | None = None

    def file_started(self, name: str, index: int, total: int) -> None:
        self.close()
        self._bar = tqdm(
            desc=f"[{index + 1}/{total}] {Path(name).name}",
            unit="passage",
            file=sys.stderr,
            leave=True,
        )

    def pages_read(self, name: str, done: int, total: int) -> None:
        if self._bar is not None:
            self._bar.unit = "sida"
            self._bar.total = total
            self._bar.n = done
            self._bar.refresh()

    def passages_embedded(self, name: str, done: int, total: int) -> None:
        if self._bar is not None:
            if self._bar.unit != "passage":
                self._bar.unit = "passage"
                self._bar.reset(total)
            self._bar.total = total
            self._bar.n = done
            self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


class BarSafeHandler(logging.Handler):
    """Log lines on standard error, each on a line of its own above the progress bar."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            tqdm.write(self.format(record), file=sys.stderr)
        except Exception:
            self.handleError(record)


def _env_workers() -> int | None:
    raw = os.environ.get("NAMNDSVAR_WORKERS") or "1"
    return int(raw) if raw.isdigit() else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ingest", description="Indexera PDF-, text- och Markdown-filer."
    )
    parser.add_argument(
        "paths", nargs="*", type=Path, help="filer eller mappar (standard: corpus/)"
    )
    parser.add_argument("--index", help="indexmapp (standard: data/index eller $NAMNDSVAR_INDEX)")
    parser.add_argument("--json", action="store_true", help="skriv en JSON-sammanfattning")
    parser.add_argument(
        "--rebuild-stale",
        action="store_true",
        help="bygg om indexet om det byggdes med en annan inbäddning eller uppdelning",
    )
    parser.add_argument(
        "--prune",
        action="store_true",
        help="ta bort passagerna för filer som inte längre finns i de angivna mapparna",
    )
    parser.add_argument(
        "--max-pages", help="högsta antal sidor i en PDF (standard 2000, $NAMNDSVAR_MAX_PAGES)"
    )
    parser.add_argument(
        "--max-bytes", help="största fil, t.ex. 200M (standard 200M, $NAMNDSVAR_MAX_BYTES)"
    )
    parser.add_argument(
        "--ocr-timeout",
        help="högsta antal sekunder OCR per fil (standard 600, $NAMNDSVAR_OCR_TIMEOUT)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="processer som läser filer före inbäddningen (standard 1, $NAMNDSVAR_WORKERS)",
    )
    parser.add_argument(
        "--watch",
        action="store_true",
        help="bevaka mapparna: indexera filer som läggs dit och ta bort de som raderas, "
        "tills programmet avbryts (Ctrl-C)",
    )
    parser.add_argument(
        "--interval",
        type=float,
        default=INTERVAL,
        help=f"sekunder mellan titt i bevakade mappar (standard {INTERVAL:g})",
    )
    args = parser.parse_args(argv)
    workers = args.workers if args.workers is not None else _env_workers()
    if workers is None or workers < 1:
        parser.error("--workers / NAMNDSVAR_WORKERS: ange ett heltal från 1 och uppåt")
    logging.basicConfig(level=logging.WARNING, format="%(message)s", handlers=[BarSafeHandler()])
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its xref repairs: not the user's
    settings = IndexSettings.from_env(args.index)
    try:
        limits = ReadLimits.from_env(args.max_bytes, args.max_pages, args.ocr_timeout)
    except ValueError as e:
        parser.error(str(e))
    if args.watch:
        return _watch(args.paths or [Path("corpus")], settings, args.interval, args.json)
    progress = BarProgress()
    try:
        report = index_paths(
            args.paths or [Path("corpus")],
            settings,
            progress,
            rebuild_stale=args.rebuild_stale,
            limits=limits,
            prune=args.prune,
            workers=workers,
        )
    except IndexProblem as e:
        print(str(e), file=sys.stderr)
        return 1
    finally:
        progress.close()
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        print(
            f"Indexerade {len(report.indexed)} filer, hoppade över {len(report.skipped)} "
            f"oförändrade, {len(report.failed)} misslyckades; +{report.added} −{report.removed} "
            f"passager, {report.passages} i indexet ({report.seconds:.1f} s)."
        )
        for warning in report.warnings:
            print(f"VARNING {warning.error}", file=sys.stderr)
    return 1 if report.failed or report.warnings else 0


def _watch(paths: list[Path], settings: IndexSettings, interval: float, as_json: bool) -> int:
    """``--watch``: index as the folders change, a line for each file, until interrupted."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())

    def report(done: IndexReport) -> None:
        if as_json:
            print(json.dumps(done.to_json(), ensure_ascii=False), flush=True)
            return
        lines = [f"indexerad: {path}" for path in done.indexed]
        lines += [f"borttagen: {path}" for path in done.forgotten]
        lines += [f"misslyckades: {failure.error}" for failure in done.failed]
        for line in lines:
            print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {line}", flush=True)

    print(f"Bevakar {', '.join(map(str, paths))}; avbryt med Ctrl-C", file=sys.stderr)
    try:
        watch(paths, settings, report, stop, interval)
    except KeyboardInterrupt:
        pass
    except IndexProblem as e:
        print(str(e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
