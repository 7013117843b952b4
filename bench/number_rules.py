"""Does each number rule of ``ingest.numbers`` hold on damage from other OCR engines and fonts?

Invented council text rich in numbers (dates, amounts, decimals, law references, footnoted laws,
``§ 12`` and ``1.`` at line starts, times, diary numbers; ``bench.number_text``) is printed in
every reading style of ``bench.engines`` (engine × font × degradation), read back and aligned
with the truth word by word (``bench.confusions.word_pairs``). ``repair_numbers`` then mends the
readings line by line, once with every rule and once without each rule in turn
(``bench.number_ablation``: its regex or table patched to match nothing, here only). A rule
*makes a token right* when the token is right with the rule and wrong without it, and *worse*
when the token is further from the truth with it (Levenshtein) than without it. A page of
digit-free prose per font and degradation shows false fires: a rule that changes a word there
changes a word that holds no number. Neither the corpus nor the hand-checked dev pairs are used.

``python -m bench.number_rules [--out DIR] [--pages N]`` writes ``number_rules.md`` (and prints
it), ``number_rules_by_style.tsv``, ``number_readings.tsv`` (every numeric truth token with
its reading and its repair) and ``number_pages.json`` (every page printed and read) to DIR
(default ``bench-out``); ``--reuse`` judges the rules again on the pages saved there, without
OCR (seconds, after an edit of ``ingest/numbers.py``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path

import ingest.numbers as numbers
from bench.confusions import SWEQUAD_TRAIN, word_pairs
from bench.engines import DEGRADATIONS, ENGINES, FONTS, Engine, ReadingStyle, scan_style
from bench.number_ablation import Rule, rules, switched_off
from bench.number_report import distance, report, write_tsvs
from bench.number_text import number_text, prose_sentences, prose_text
from bench.scans import RenderedPage, render_pages

log = logging.getLogger(__name__)

OUT = Path("bench-out")
NUMBER_PAGES = 3
"""Pages of number-rich text per font and degradation (each read by every engine)."""
WORKERS = 2
MAX_GAP = 3
"""Longest run of unaligned words paired one to one (``units``)."""
READINGS = "number_pages.json"
"""The pages read, saved for ``--reuse``."""


@dataclass(frozen=True, slots=True)
class Reading:
    style: str
    engine: str
    prose: bool
    truth: str
    ocr: str


def repaired_tokens(ocr: str) -> list[str]:
    """A page's read tokens mended line by line as ``ingest.normalise`` does; one token out per
    token in."""
    out: list[str] = []
    for line in ocr.split("\n"):
        out += numbers.repair_numbers(line.split())
    return out


@dataclass(frozen=True, slots=True)
class Unit:
    """A printed word (or a few, merged in the reading) and the read words aligned with it."""

    printed: str
    first: int
    end: int
    """The read words are ``words[first:end]`` of the page."""
    before: str
    after: str
    """The printed words either side."""


def _find(unit: Sequence[str], words: Sequence[str], start: int) -> int | None:
    """Where ``unit`` occurs in ``words`` first from ``start`` on."""
    for j in range(start, len(words) - len(unit) + 1):
        if list(words[j : j + len(unit)]) == list(unit):
            return j
    return None


def units(truth: str, words: Sequence[str]) -> list[Unit]:
    """The aligned units of a page (``bench.confusions.word_pairs``), placed in both texts.

    ``word_pairs`` leaves out pairs too unlike to teach a confusion, such as ``1`` read as ``l``
    or ``§`` as ``&``; here a run of left-out printed words as long as the run of left-out read
    words beside it (at most ``MAX_GAP``) is paired word by word."""
    printed = truth.split()
    found: list[tuple[int, int, int, int]] = []  # printed first, end, read first, end
    p = r = 0
    for unit, read in word_pairs(truth, " ".join(words))[0]:
        i, j = _find(unit.split(), printed, p), _find(read.split(), words, r)
        if i is not None and j is not None:
            found += _gap(p, i, r, j)
            p, r = i + len(unit.split()), j + len(read.split())
            found.append((i, p, j, r))
    found += _gap(p, len(printed), r, len(words))
    return [
        Unit(
            " ".join(printed[a:b]), c, d, printed[a - 1] if a else "", " ".join(printed[b : b + 1])
        )
        for a, b, c, d in found
    ]


def _gap(p: int, i: int, r: int, j: int) -> list[tuple[int, int, int, int]]:
    """Printed words ``p:i`` and read words ``r:j`` paired one to one, when as many."""
    if i - p != j - r or not 0 < i - p <= MAX_GAP:
        return []
    return [(p + k, p + k + 1, r + k, r + k + 1) for k in range(i - p)]


@dataclass(slots=True)
class Tally:
    shape: int = 0
    """Read tokens with the rule's trigger shape, in any context."""
    fires: int = 0
    """Read tokens the rule changes (with it and without it they differ)."""
    prose_fires: int = 0
    """Of those, on pages of digit-free prose."""
    right: Counter[str] = field(default_factory=Counter)
    """Per style: aligned tokens right with the rule and wrong without it."""
    nearer: Counter[str] = field(default_factory=Counter)
    """Per style: aligned tokens still wrong with the rule, but nearer the truth."""
    worse: Counter[str] = field(default_factory=Counter)
    """Per style: aligned tokens further from the truth with the rule (right ones made wrong
    among them)."""
    helps: Counter[str] = field(default_factory=Counter)
    """``printed: read → mended`` for the tokens made better."""
    harms: Counter[str] = field(default_factory=Counter)
    """``printed: read → mended`` for the tokens made worse."""


@dataclass(frozen=True, slots=True)
class Aligned:
    reading: Reading
    words: list[str]
    units: list[Unit]
    repaired: list[str]
    """The read words mended with every rule on."""


def align(reading: Reading) -> Aligned:
    words = reading.ocr.split()
    with switched_off(None):
        return Aligned(reading, words, units(reading.truth, words), repaired_tokens(reading.ocr))


def evaluate(pages: Sequence[Aligned], ruleset: Sequence[Rule]) -> dict[str, Tally]:
    """Each rule's tally over the read ``pages``."""
    tallies = {rule.name: Tally() for rule in ruleset}
    for page in pages:
        style, full = page.reading.style, page.repaired
        for rule in ruleset:
            tally = tallies[rule.name]
            with switched_off(rule):
                without = repaired_tokens(page.reading.ocr)
            tally.shape += sum(map(rule.shape, page.words))
            fired = sum(a != b for a, b in zip(full, without, strict=True))
            tally.fires += fired
            tally.prose_fires += fired if page.reading.prose else 0
            for unit in page.units:
                mended = " ".join(full[unit.first : unit.end])
                now = distance(unit.printed, mended)
                before = distance(unit.printed, " ".join(without[unit.first : unit.end]))
                if now == before:
                    continue
                if now < before:
                    (tally.nearer if now else tally.right)[style] += 1
                else:
                    tally.worse[style] += 1
                read = " ".join(page.words[unit.first : unit.end])
                (tally.helps if now < before else tally.harms)[
                    f"{unit.printed}: {read} → {mended}"
                ] += 1
    return tallies


def read_all(pages: int, engines: Sequence[Engine]) -> list[Reading]:
    """Print ``pages`` pages of number text and one of prose in every font and degradation,
    and read each page with every engine, ``WORKERS`` pages at a time."""
    prose = prose_sentences(SWEQUAD_TRAIN)
    readings: list[Reading] = []
    pending: list[Future[Reading]] = []
    with ThreadPoolExecutor(WORKERS) as pool:
        for seed, (font, degradation) in enumerate(product(FONTS, DEGRADATIONS)):
            scan = scan_style(font, degradation)
            printed = render_pages(number_text(seed, pages, prose), scan)[:pages]
            printed += render_pages(prose_text(seed, 1, prose), scan)[:1]
            submitted = [
                pool.submit(_read, ReadingStyle(engine, font, degradation), page, i == pages)
                for engine in engines
                for i, page in enumerate(printed)
            ]
            readings += [job.result() for job in pending]  # one scan in flight bounds memory
            pending = submitted
            log.info(
                "%s/%s: %d pages for %d engines", font, degradation, len(printed), len(engines)
            )
        readings += [job.result() for job in pending]
    return readings


def _read(style: ReadingStyle, page: RenderedPage, prose: bool) -> Reading:
    return Reading(style.name, style.engine.name, prose, page.text, style.read(page.image))


def _readings(out: Path, pages: int, reuse: bool) -> tuple[list[Reading], list[str]]:
    """The pages read (and saved to ``out``), or those an earlier run saved there; and the
    reasons engines were skipped."""
    saved = out / READINGS
    if reuse:
        data = json.loads(saved.read_text(encoding="utf-8"))
        return [Reading(**page) for page in data["pages"]], list(data["skipped"])
    engines = [engine for engine in ENGINES.values() if engine.missing() is None]
    skipped = [reason for engine in ENGINES.values() if (reason := engine.missing())]
    for reason in skipped:
        log.warning("skipped: %s", reason)
    if not engines:
        return [], skipped
    readings = read_all(pages, engines)
    out.mkdir(parents=True, exist_ok=True)
    data = {"skipped": skipped, "pages": [dataclasses.asdict(page) for page in readings]}
    saved.write_text(json.dumps(data, ensure_ascii=False, indent=0), encoding="utf-8")
    return readings, skipped


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.number_rules", description=__doc__)
    parser.add_argument("--out", type=Path, default=OUT, help=f"report folder (default {OUT})")
    parser.add_argument(
        "--pages", type=int, default=NUMBER_PAGES, help="number pages per font and degradation"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help=f"judge the rules on the pages an earlier run read (OUT/{READINGS}), no OCR",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    began = time.perf_counter()
    readings, skipped = _readings(args.out, args.pages, args.reuse)
    if not readings:
        log.error("no OCR engine is installed; `make tesseract ocr-engines` installs them")
        return 1
    read_s = time.perf_counter() - began
    pages = [align(reading) for reading in readings]
    tallies = evaluate(pages, rules())
    text = report(pages, tallies, skipped)
    how = f"pages reused from {READINGS}" if args.reuse else f"{read_s:.0f} s printing and reading"
    text += f"\nRun time: {time.perf_counter() - began:.0f} s ({how}).\n"
    (args.out / "number_rules.md").write_text(text, encoding="utf-8")
    write_tsvs(args.out, pages, tallies)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
