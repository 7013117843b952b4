"""OCR repair on damage it was not fitted to: each engine × font family held out in turn.

The channel (``ingest.channel``: which OCR readings stand for which Swedish letters) and the
damage judge (``ingest.damage``, ``bench.train_damage``) are learned from SweQUAD-MC *train*
prose read in every reading style but the held-out group's (``bench.readings``; the channel
from readable pages only) and scored on *dev* prose read in the held-out group's
styles: the repair with Swedish alone (wordfreq's list and the shipped word pairs of
``ingest.bigrams``, which hold no dev prose; no corpus words), WER against what was
printed. A page an engine could hardly read (``bench.readings.READABLE``) leaves nothing to
repair; such pages are counted apart and left out of the cut.

``python -m bench.repair_loo [--train-pages N] [--dev-pages N]`` prints the table; ``python -m
bench`` runs it with the OCR repair measures.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

from bench.confusions import align_pages, learn, pages_of, table
from bench.readings import READABLE, Reading, load, readable
from bench.train_damage import model_of, samples
from bench.wer import ErrorRate, error_rate, words
from ingest.channel import Channel, default_channel
from ingest.damage import Judge, judge_with
from ingest.normalise import normalise_text
from ingest.vocabulary import Vocabulary

log = logging.getLogger("bench.repair_loo")

TRAIN_PAGES = 4
"""Pages of train prose per font × degradation (each read by every engine)."""
DEV_PAGES = 2


@dataclass(frozen=True, slots=True)
class HeldOut:
    """One engine × font family, repaired by a channel learned without it."""

    group: str
    pages: int
    unreadable: int
    raw: ErrorRate
    repaired: ErrorRate
    shipped: ErrorRate
    """Repaired with the channel ``ingest`` ships (which may have seen this group)."""

    @property
    def cut(self) -> float:
        return _cut(self.raw, self.repaired)

    @property
    def shipped_cut(self) -> float:
        return _cut(self.raw, self.shipped)


def _cut(raw: ErrorRate, repaired: ErrorRate) -> float:
    return 1 - repaired.errors / raw.errors if raw.errors else 0.0


def channel_from(readings: Sequence[Reading]) -> Channel:
    """The channel learned from the readable ``readings`` as ``python -m bench.confusions``
    learns it."""
    return Channel.from_tsv(table(learn(align_pages(pages_of(readings)))))


def rates(
    pages: Sequence[Reading], vocabulary: Vocabulary, channel: Channel, judge: Judge | None = None
) -> tuple[ErrorRate, ErrorRate]:
    """WER of the pages as read and as repaired with ``channel``, the damaged stretches found
    by ``judge`` (pooled over the pages)."""
    truth = [w for p in pages for w in words(p.truth)]
    raw = [w for p in pages for w in words(p.ocr)]
    fixed = [w for p in pages for w in words(normalise_text(p.ocr, vocabulary, channel, judge))]
    return error_rate(raw, truth), error_rate(fixed, truth)


def measure(train_pages: int = TRAIN_PAGES, dev_pages: int = DEV_PAGES) -> list[HeldOut]:
    train, dev = load("train", train_pages), load("dev", dev_pages)
    vocabulary = Vocabulary()
    shipped = default_channel()
    judged = samples(train_pages)
    out = []
    for group in sorted({p.group for p in dev.pages}):
        began = time.perf_counter()
        channel = channel_from([p for p in train.pages if p.group != group])
        judge = judge_with(model_of([s for s in judged if s.group != group]))
        mine = [p for p in dev.pages if p.group == group]
        kept = [p for p in mine if readable(p)]
        raw, fixed = rates(kept, vocabulary, channel, judge)
        _, fixed_shipped = rates(kept, vocabulary, shipped)
        out.append(HeldOut(group, len(mine), len(mine) - len(kept), raw, fixed, fixed_shipped))
        log.info(
            "%s: WER %.3f → %.3f (%.0f %% bort; levererad kanal %.0f %%), %.0f s",
            group,
            raw.rate,
            fixed.rate,
            100 * out[-1].cut,
            100 * out[-1].shipped_cut,
            time.perf_counter() - began,
        )
    return out


def markdown(
    results: Sequence[HeldOut], train_pages: int = TRAIN_PAGES, dev_pages: int = DEV_PAGES
) -> list[str]:
    lines = [
        "### OCR repair on held-out engines and fonts",
        "",
        f"SweQUAD-MC dev prose, {dev_pages} pages per font × degradation, read by each engine; "
        "each engine × font family repaired by a channel and a damage judge learned from "
        f"train prose ({train_pages} pages per font × degradation) read by every *other* group, "
        "with wordfreq's Swedish list and the shipped word pairs (``ingest.bigrams``: train "
        "prose, SweFAQ's answers, the invented council documents; no dev prose). Pages with "
        f"more than {READABLE:.0%} of their words "
        "wrong are unreadable and left out. The last column repairs with the channel and judge "
        "`ingest` ships (learned from every group, so not held out).",
        "",
        "| held out | pages (unreadable) | words | WER raw | repaired | cut | shipped channel |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.group} | {r.pages} ({r.unreadable}) | {r.raw.words} | {r.raw.rate:.3f} | "
            f"{r.repaired.rate:.3f} | {100 * r.cut:.0f} % | {100 * r.shipped_cut:.0f} % |"
        )
    if results:
        worst = min(results, key=lambda r: r.cut)
        mean = sum(r.cut for r in results) / len(results)
        lines += [
            "",
            f"- Worst held-out group: {worst.group}, word errors cut by {100 * worst.cut:.0f} %; "
            f"mean over the {len(results)} groups {100 * mean:.0f} % (goal: worst ≥ 60 %, "
            "mean ≥ 70 %).",
        ]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.repair_loo", description=__doc__)
    parser.add_argument("--train-pages", type=int, default=TRAIN_PAGES)
    parser.add_argument("--dev-pages", type=int, default=DEV_PAGES)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    results = measure(args.train_pages, args.dev_pages)
    print("\n".join(markdown(results, args.train_pages, args.dev_pages)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
