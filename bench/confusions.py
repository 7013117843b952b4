"""OCR confusion costs learned from data: how OCR engines misread Swedish.

Unseen Swedish text (the contexts of SweQUAD-MC's train split; the dev split is kept for
evaluation) is printed in three font families and five degradations and read by every installed
engine: Tesseract's English model, GOCR and Ocrad (``bench.readings``, ``bench.engines``). Each
engine fails differently (Tesseract reads ``ä`` as ``a`` or ``d``, GOCR leaves ``_`` for a letter
it cannot read, Ocrad reads the ``ft`` ligature as ``K``), so a channel learned from all of them
holds on damage none of them shows alone. Each readable page (``bench.readings.readable``) is
aligned with what was printed: word by word first, then character by character inside each pair
of differing words. Adjacent character edits merge into one rule, so ``ä`` → ``ii``, ``m`` →
``rn`` and ``å`` → ``fl`` are single rules; identical characters at either end of an edit are
context and are left out.

Run ``python -m bench.confusions [--out ingest/data/confusions.tsv] [--pages N]`` (N pages per
font × degradation, read by every engine: 4 take about 4 minutes on two cores, reused from
``bench-out/readings`` afterwards). The table is UTF-8 text, one record a line, fields separated
by a tab and never quoted (split each line on tabs; a field may be empty or be a space, and may
hold a ``"``). The header is ``source ocr count source_count cost``; one rule a line follows,
sorted by source and then cost:

- ``source``: the printed substring, 0–3 characters ("" for a pure insertion);
- ``ocr``: what an engine read in its place, 0–3 characters ("" for a deletion);
- ``count``: how often the rule was seen (at least ``MIN_COUNT`` times);
- ``source_count``: how often ``source`` occurs in the aligned printed text (non-overlapping; for
  an empty source the number of characters), so P(ocr | source) = count / source_count;
- ``cost``: −ln(count / source_count), rounded to 4 decimals.

The summary ends with the table's coverage of the hand-checked (garbled, correct) word pairs from
the 002 scan (``ocr_pairs_dev.tsv``, used for this check only, never for learning): a pair is
covered strictly when each merged edit between the correct and the garbled word is a rule, and
by composition when each is a rule or a run of rules that each consume source characters.
"""

from __future__ import annotations

import argparse
import logging
import math
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from bench.readings import SPLITS, Reading, load, readable

log = logging.getLogger(__name__)

SWEQUAD_TRAIN = SPLITS["train"]
DEV_PAIRS = Path("/work/shared/eval/ocr_pairs_dev.tsv")
OUT = Path("ingest/data/confusions.tsv")
DEFAULT_PAGES = 4
"""Pages per font × degradation, each read by every engine."""
MAX_SPAN = 3
"""Longest source or OCR side of a rule, in characters."""
MIN_COUNT = 5
MIN_PAIR_SIMILARITY = 0.4
"""Printed and read words this alike (normalised Levenshtein) or more are a misreading of each
other; less alike, the word alignment has slipped and the pair teaches nothing."""
MAX_GROUP = 3
"""Most words on one side of a merge or split (``att anta`` read as ``attanta``)."""


@dataclass(frozen=True, slots=True)
class Edit:
    """One merged difference between a printed word and its reading."""

    source: str
    ocr: str


@dataclass(frozen=True, slots=True)
class Rule:
    source: str
    ocr: str
    count: int
    source_count: int

    @property
    def cost(self) -> float:
        return round(-math.log(self.count / self.source_count), 4)


@dataclass(frozen=True, slots=True)
class Page:
    """A printed page and an engine's reading of it."""

    style: str
    truth: str
    ocr: str


@dataclass(frozen=True, slots=True)
class Alignment:
    pairs: tuple[tuple[str, str], ...]
    """(printed, read) units: single words, or a few words on one side of a merge or split."""
    truth_words: int
    word_errors: int
    """Word-level Levenshtein distance between the printed and the read pages."""


@dataclass(frozen=True, slots=True)
class Coverage:
    pairs: int
    strict: int
    """Pairs each of whose merged edits is a rule."""
    composed: int
    """Pairs each of whose merged edits is a rule or a sequence of rules with a source each."""
    missing: tuple[tuple[str, str, tuple[Edit, ...]], ...]
    """(garbled, correct, edits that are no rule) for the pairs not covered strictly."""


def _similar(a: str, b: str) -> bool:
    return Levenshtein.normalized_similarity(a, b) >= MIN_PAIR_SIMILARITY


def _group_cost(a: Sequence[str], b: Sequence[str]) -> float:
    """0 when printed ``a`` reads as ``b``, about one per word when they are unrelated."""
    return Levenshtein.normalized_distance(" ".join(a), " ".join(b)) * (len(a) + len(b)) / 2


def _align_block(a: Sequence[str], b: Sequence[str]) -> list[tuple[str, str]]:
    """Pair a run of differing words: a printed word with a read word, a few printed words with
    one read word (a merge) or one with a few (a split), or a word with nothing (cost 1)."""
    steps = [(1, 0), (0, 1), *((1, k) for k in range(1, MAX_GROUP + 1))]
    steps += [(k, 1) for k in range(2, MAX_GROUP + 1)]
    best: dict[tuple[int, int], tuple[float, int, int]] = {(0, 0): (0.0, 0, 0)}
    for i in range(len(a) + 1):
        for j in range(len(b) + 1):
            for di, dj in steps:
                before = best.get((i - di, j - dj)) if i >= di and j >= dj else None
                if before is None:
                    continue
                step = _group_cost(a[i - di : i], b[j - dj : j]) if di and dj else 1.0
                if (i, j) not in best or before[0] + step < best[i, j][0]:
                    best[i, j] = (before[0] + step, di, dj)
    pairs: list[tuple[str, str]] = []
    i, j = len(a), len(b)
    while i or j:
        _, di, dj = best[i, j]
        printed, read = " ".join(a[i - di : i]), " ".join(b[j - dj : j])
        if di and dj and _similar(printed, read):
            pairs.append((printed, read))
        i, j = i - di, j - dj
    return pairs[::-1]


def _runs(a: Sequence[str], b: Sequence[str]) -> Iterator[tuple[bool, slice, slice]]:
    """Levenshtein opcodes with adjacent edits merged: (same, slice of a, slice of b)."""
    start: tuple[int, int] | None = None
    for op in Levenshtein.opcodes(a, b):
        if op.tag != "equal":
            start = start or (op.src_start, op.dest_start)
            continue
        if start is not None:
            yield False, slice(start[0], op.src_start), slice(start[1], op.dest_start)
            start = None
        yield True, slice(op.src_start, op.src_end), slice(op.dest_start, op.dest_end)
    if start is not None:
        yield False, slice(start[0], len(a)), slice(start[1], len(b))


def word_pairs(truth: str, ocr: str) -> tuple[list[tuple[str, str]], int]:
    """The aligned (printed, read) units of a page, and its word edit distance."""
    printed, read = truth.split(), ocr.split()
    pairs: list[tuple[str, str]] = []
    for same, left, right in _runs(printed, read):
        if same:
            pairs += [(word, word) for word in printed[left]]
        else:
            pairs += _align_block(printed[left], read[right])
    return pairs, Levenshtein.distance(printed, read)


def align_pages(pages: Iterable[Page]) -> Alignment:
    pairs: list[tuple[str, str]] = []
    words = errors = 0
    for page in pages:
        found, distance = word_pairs(page.truth, page.ocr)
        pairs += found
        words += len(page.truth.split())
        errors += distance
    return Alignment(pairs=tuple(pairs), truth_words=words, word_errors=errors)


def _trimmed(source: str, ocr: str) -> Edit:
    """Drop identical characters at either end: they are context, not the confusion."""
    while source and ocr and source[0] == ocr[0]:
        source, ocr = source[1:], ocr[1:]
    while source and ocr and source[-1] == ocr[-1]:
        source, ocr = source[:-1], ocr[:-1]
    return Edit(source, ocr)


def char_edits(printed: str, read: str) -> list[Edit]:
    """The edits that turn ``printed`` into ``read``, adjacent character edits merged."""
    return [
        _trimmed(printed[left], read[right])
        for same, left, right in _runs(printed, read)
        if not same
    ]


def learn(alignment: Alignment, min_count: int = MIN_COUNT) -> list[Rule]:
    """The edits of at most ``MAX_SPAN`` characters a side seen at least ``min_count`` times, as
    rules sorted by source and then cost."""
    seen: Counter[Edit] = Counter()
    for printed, read in alignment.pairs:
        if printed != read:
            edits = char_edits(printed, read)
            seen.update(e for e in edits if max(len(e.source), len(e.ocr)) <= MAX_SPAN)
    frequent = [edit for edit, n in seen.items() if n >= min_count]
    text = " ".join(printed for printed, _ in alignment.pairs)
    totals = {e.source: text.count(e.source) if e.source else len(text) for e in frequent}
    rules = [Rule(e.source, e.ocr, seen[e], max(totals[e.source], seen[e])) for e in frequent]
    return sorted(rules, key=lambda r: (r.source, r.cost, r.ocr))


def table(rules: Iterable[Rule]) -> str:
    """The rules as ``ingest/data/confusions.tsv`` holds them (``ingest.channel`` reads it)."""
    lines = ["source\tocr\tcount\tsource_count\tcost"]
    lines += [f"{r.source}\t{r.ocr}\t{r.count}\t{r.source_count}\t{r.cost:.4f}" for r in rules]
    return "\n".join(lines) + "\n"


def write_table(rules: Iterable[Rule], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(table(rules), encoding="utf-8")


def dev_pairs(path: Path) -> list[tuple[str, str]]:
    """The (garbled, correct) pairs of a ``line garbled correct`` TSV with a header."""
    rows = [row.split("\t") for row in path.read_text(encoding="utf-8").splitlines()[1:]]
    return [(cells[1], cells[2]) for cells in rows if len(cells) >= 3]


def _composable(edit: Edit, rules: frozenset[Edit]) -> bool:
    """Whether ``edit`` is a rule, or rules with a non-empty source one after the other (``mm``
    read as ``nun``: ``m`` as ``n``, then ``m`` as ``un``)."""
    if edit in rules:
        return True
    ends = {0: {0}}  # source characters consumed -> OCR characters produced
    for i in range(len(edit.source)):
        for j in ends.get(i, set()):
            for s in range(1, MAX_SPAN + 1):
                for o in range(MAX_SPAN + 1):
                    piece = Edit(edit.source[i : i + s], edit.ocr[j : j + o])
                    if i + s <= len(edit.source) and j + o <= len(edit.ocr) and piece in rules:
                        ends.setdefault(i + s, set()).add(j + o)
    return len(edit.ocr) in ends.get(len(edit.source), set())


def coverage(rules: Iterable[Rule], pairs: Iterable[tuple[str, str]]) -> Coverage:
    """How many (garbled, correct) pairs the rules explain, strictly and by composition."""
    known = frozenset(Edit(r.source, r.ocr) for r in rules)
    total = strict = composed = 0
    missing: list[tuple[str, str, tuple[Edit, ...]]] = []
    for garbled, correct in pairs:
        unknown = tuple(e for e in char_edits(correct, garbled) if e not in known)
        total += 1
        strict += not unknown
        composed += all(_composable(e, known) for e in unknown)
        if unknown:
            missing.append((garbled, correct, unknown))
    return Coverage(total, strict, composed, tuple(missing))


def _wer(alignment: Alignment) -> float:
    return alignment.word_errors / max(alignment.truth_words, 1)


def summary(
    pages: Sequence[Page],
    alignment: Alignment,
    rules: Sequence[Rule],
    pairs: Sequence[tuple[str, str]],
) -> Iterator[str]:
    styles = Counter(page.style for page in pages)
    yield f"pages: {len(pages)} in {len(styles)} styles"
    for style, count in styles.items():
        own = align_pages(page for page in pages if page.style == style)
        yield f"  {style}: {count} pages, WER {_wer(own):.3f}"
    yield f"words aligned: {len(alignment.pairs)} units for {alignment.truth_words} printed words"
    yield f"English-OCR word error rate: {_wer(alignment):.3f}"
    yield f"rules seen at least {MIN_COUNT} times: {len(rules)}; the 40 most frequent:"
    for r in sorted(rules, key=lambda r: -r.count)[:40]:
        yield f"  {r.source!r:>6} -> {r.ocr!r:<6} {r.count:5d} / {r.source_count:<6d} {r.cost:.3f}"
    lettered = [pair for pair in pairs if not any(c.isdigit() for c in pair[1])]
    for label, subset in (("all", pairs), ("without digits", lettered)):
        c = coverage(rules, subset)
        yield (
            f"coverage of the dev pairs ({label}, {c.pairs}): strict {c.strict / c.pairs:.3f}, "
            f"composed {c.composed / c.pairs:.3f}"
        )
    yield "dev pairs not covered strictly (garbled, correct: edits that are no rule):"
    known = frozenset(Edit(r.source, r.ocr) for r in rules)
    for garbled, correct, unknown in coverage(rules, pairs).missing:
        edits = ", ".join(f"{e.source!r}->{e.ocr!r}" for e in unknown)
        composed = " (composed)" if all(_composable(e, known) for e in unknown) else ""
        yield f"  {garbled!r} {correct!r}: {edits}{composed}"


def pages_of(readings: Iterable[Reading]) -> list[Page]:
    """The readable pages, as the alignment takes them."""
    return [Page(r.style, r.truth, r.ocr) for r in readings if readable(r)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.confusions", description=__doc__)
    parser.add_argument("--out", type=Path, default=OUT, help=f"the table (default {OUT})")
    parser.add_argument(
        "--pages", type=int, default=DEFAULT_PAGES, help="pages per font × degradation"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    began = time.perf_counter()
    readings = load("train", args.pages)
    for reason in readings.skipped:
        log.warning("skipped: %s", reason)
    pages = pages_of(readings.pages)
    alignment = align_pages(pages)
    rules = learn(alignment)
    write_table(rules, args.out)
    for line in summary(pages, alignment, rules, dev_pairs(DEV_PAIRS)):
        print(line)
    print(f"wrote {len(rules)} rules to {args.out} in {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
