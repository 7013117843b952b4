"""Swedish prose read by every reading style: the data the OCR channel learns from and is
scored on.

The contexts of a SweQUAD-MC split (never the sample corpus) are printed in every font and
degradation of ``bench.engines`` and each page is read by every installed engine. Each font ×
degradation prints its own run of text, so no sentence is read in two scans of one split; the
engines read the same pages. The pages are saved (``bench-out/readings/SPLIT-PAGES.json``) and
reused: printing and reading are the slow part, and the result is deterministic.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from itertools import product
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from bench.engines import DEGRADATIONS, ENGINES, FONTS, Engine, ReadingStyle, scan_style
from bench.scans import RenderedPage, printed_pages, render_pages

log = logging.getLogger("bench.readings")

SPLITS = {
    "train": Path("/work/shared/eval/external/swequad_mc_train.json"),
    "dev": Path("/work/shared/eval/external/swequad_mc_dev.json"),
}
CACHE = Path("bench-out/readings")
WORKERS = 2
"""OCR processes at once, one per core."""
READABLE = 0.5
"""A page with a larger share of its words read wrong is unreadable: GOCR and Ocrad read next
to nothing of a light copy of a serif page. It teaches no confusions and leaves nothing to
repair."""
_INVISIBLE = str.maketrans({"\u00ad": None, "\u200b": None, "\u00a0": " "})
"""Soft hyphens and zero-width spaces print as nothing; a no-break space prints as a space."""


@dataclass(frozen=True, slots=True)
class Reading:
    """One printed page and one engine's reading of it."""

    engine: str
    font: str
    degradation: str
    truth: str
    ocr: str

    @property
    def group(self) -> str:
        """Engine × font family: what a leave-one-out run holds out together."""
        return f"{self.engine}/{self.font}"

    @property
    def style(self) -> str:
        return f"{self.group}/{self.degradation}"


@dataclass(frozen=True, slots=True)
class Readings:
    pages: tuple[Reading, ...]
    skipped: tuple[str, ...]
    """Why engines that are not installed here were left out."""


def contexts(path: Path) -> list[str]:
    """The distinct contexts of a SweQUAD-MC split, line ends normalised, in file order."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    seen: dict[str, None] = {}
    for item in data:
        text = str(item["context"]).replace("\r\n", "\n").replace("\r", "\n")
        lines = text.translate(_INVISIBLE).split("\n")
        seen.setdefault("\n".join(line.strip() for line in lines), None)
    return list(seen)


def texts_for(parts: Sequence[str], counts: Sequence[int]) -> list[str]:
    """Consecutive runs of ``parts``, one per count, each filling at least that many pages
    (fewer when the parts run out)."""
    out: list[str] = []
    start = 0
    for pages in counts:
        taken: list[str] = []
        while start < len(parts) and len(printed_pages("\n\n".join(taken))) <= pages:
            taken.append(parts[start])
            start += 1
        out.append("\n\n".join(taken))
    return out


def readable(page: Reading) -> bool:
    """At most ``READABLE`` of the page's printed words read wrong (word edit distance)."""
    printed = page.truth.split()
    return Levenshtein.distance(printed, page.ocr.split()) <= READABLE * len(printed)


def load(split: str, pages: int, cache: Path = CACHE) -> Readings:
    """``pages`` pages per font × degradation of ``split``, read by every installed engine:
    from ``cache`` when an earlier run saved them, else printed, read and saved."""
    saved = cache / f"{split}-{pages}.json"
    if saved.is_file():
        data = json.loads(saved.read_text(encoding="utf-8"))
        return Readings(tuple(Reading(**page) for page in data["pages"]), tuple(data["skipped"]))
    engines = [engine for engine in ENGINES.values() if engine.missing() is None]
    skipped = tuple(reason for engine in ENGINES.values() if (reason := engine.missing()))
    for reason in skipped:
        log.warning("utan: %s", reason)
    found = Readings(tuple(read_all(contexts(SPLITS[split]), pages, engines)), skipped)
    cache.mkdir(parents=True, exist_ok=True)
    data = {"skipped": list(skipped), "pages": [dataclasses.asdict(p) for p in found.pages]}
    saved.write_text(json.dumps(data, ensure_ascii=False, indent=0), encoding="utf-8")
    return found


def read_all(parts: Sequence[str], pages: int, engines: Sequence[Engine]) -> list[Reading]:
    """Print ``pages`` pages of ``parts`` in every font × degradation (a run of its own each)
    and read every page with every engine, ``WORKERS`` pages at a time."""
    scans = list(product(FONTS, DEGRADATIONS))
    texts = texts_for(parts, [pages] * len(scans))
    readings: list[Reading] = []
    pending: list[Future[Reading]] = []
    with ThreadPoolExecutor(WORKERS) as pool:
        for (font, degradation), text in zip(scans, texts, strict=True):
            printed = render_pages(text, scan_style(font, degradation))[:pages]
            submitted = [
                pool.submit(_read, ReadingStyle(engine, font, degradation), page)
                for engine in engines
                for page in printed
            ]
            readings += [job.result() for job in pending]  # one scan in flight bounds memory
            pending = submitted
            log.info("%s/%s: %d sidor, %d motorer", font, degradation, len(printed), len(engines))
        readings += [job.result() for job in pending]
    return readings


def _read(style: ReadingStyle, page: RenderedPage) -> Reading:
    return Reading(
        style.engine.name, style.font, style.degradation, page.text, style.read(page.image)
    )
