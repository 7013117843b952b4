"""OCR repair measurements: word error rate of the damaged sample scan against its clean twin,
the hand-checked damage pairs, words changed in clean text, unseen text OCR'd with the English
model, and speed."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import ratio

from bench import repair_speed
from bench.confusions import STYLES, contexts, scan_and_read
from bench.repair_speed import DAMAGED
from ingest.normalise import normalise_text
from ingest.vocabulary import Vocabulary

log = logging.getLogger("bench.repair")

TWIN = "000_1932747f80ea1fd5.txt"
DAMAGED_LINES = (135, 1073)
TWIN_LINES = (944, 1949)
"""Lines 135–1073 of the damaged file are a scan of lines 944–1949 of its twin
(``shared/eval/README.md``)."""
UNRELATED = 40.0
"""A substitution between words this dissimilar (rapidfuzz ratio) is layout, not OCR damage."""
TOKEN = re.compile(r"[^\W_]+(?:[-:,.'][^\W_]+)*")


@dataclass(frozen=True, slots=True)
class ErrorRate:
    words: int
    errors: int
    layout: int
    """Insertions, deletions and substitutions of unrelated words: what no repair can fix."""

    @property
    def rate(self) -> float:
        return self.errors / self.words if self.words else 0.0

    @property
    def floor(self) -> float:
        return self.layout / self.words if self.words else 0.0


@dataclass(frozen=True, slots=True)
class RepairResults:
    twin_raw: ErrorRate
    twin_repaired: ErrorRate
    pairs: int
    pairs_repaired: int
    clean_words: int
    clean_changed: int
    unseen_raw: ErrorRate | None
    unseen_repaired: ErrorRate | None
    words_per_second: float


def words(text: str) -> list[str]:
    return [w.casefold() for w in TOKEN.findall(text)]


def error_rate(hypothesis: Sequence[str], reference: Sequence[str]) -> ErrorRate:
    """Word errors of ``hypothesis`` against ``reference``, with the layout part apart."""
    ops = Levenshtein.opcodes(list(hypothesis), list(reference))
    errors = layout = 0
    for op in ops:
        if op.tag == "equal":
            continue
        size = max(op.src_end - op.src_start, op.dest_end - op.dest_start)
        errors += size
        if op.tag != "replace":
            layout += size
            continue
        got, wanted = hypothesis[op.src_start : op.src_end], reference[op.dest_start : op.dest_end]
        layout += sum(ratio(a, b) < UNRELATED for a, b in zip(got, wanted, strict=False))
        layout += abs((op.src_end - op.src_start) - (op.dest_end - op.dest_start))
    return ErrorRate(words=len(reference), errors=errors, layout=layout)


def _lines(path: Path, span: tuple[int, int]) -> str:
    lines = path.read_text(encoding="utf-8").split("\n")
    return "\n".join(lines[span[0] - 1 : span[1]])


def twin_rates(corpus: Path, vocabulary: Vocabulary) -> tuple[ErrorRate, ErrorRate]:
    """WER of the damaged scan against its clean twin, raw and repaired."""
    damaged = (corpus / DAMAGED).read_text(encoding="utf-8")
    repaired = normalise_text(damaged, vocabulary)
    reference = words(_lines(corpus / TWIN, TWIN_LINES))
    span = slice(DAMAGED_LINES[0] - 1, DAMAGED_LINES[1])
    raw = words("\n".join(damaged.split("\n")[span]))
    fixed = words("\n".join(repaired.split("\n")[span]))
    return error_rate(raw, reference), error_rate(fixed, reference)


def pair_hits(corpus: Path, pairs_file: Path, vocabulary: Vocabulary) -> tuple[int, int]:
    """How many hand-checked garbled words come out as the right word, in their line."""
    damaged = (corpus / DAMAGED).read_text(encoding="utf-8")
    raw_lines = damaged.split("\n")
    fixed_lines = normalise_text(damaged, vocabulary).split("\n")
    total = hits = 0
    for row in pairs_file.read_text(encoding="utf-8").splitlines()[1:]:
        number, garbled, correct = row.split("\t")[:3]
        line = int(number) - 1
        total += 1
        hits += _repaired_to(raw_lines[line], fixed_lines[line], garbled, correct)
    return total, hits


def _repaired_to(raw: str, fixed: str, garbled: str, correct: str) -> bool:
    """The garbled words of ``raw`` are ``correct`` in ``fixed``, at the same place when the
    line kept its number of words."""
    raw_words, fixed_words, wanted = raw.split(), fixed.split(), correct.split()
    found = [i for i in range(len(raw_words)) if " ".join(raw_words[i:]).startswith(garbled)]
    if len(raw_words) == len(fixed_words) and found:
        got = " ".join(fixed_words[found[0] : found[0] + len(wanted)])
        return _bare(got) == _bare(correct)
    return _bare(correct) in _bare(fixed)


def _bare(text: str) -> str:
    return " ".join(t.strip('.,;:()”"') for t in text.split())


def clean_changes(paths: Sequence[Path], vocabulary: Vocabulary) -> tuple[int, int]:
    """Words in clean files, and how many of them repair changed."""
    total = changed = 0
    for path in paths:
        text = path.read_text(encoding="utf-8")
        before = normalise_text(text, _NO_REPAIR).split()
        after = normalise_text(text, vocabulary).split()
        total += len(before)
        changed += Levenshtein.distance(before, after)
    return total, changed


class _Nothing(Vocabulary):
    """A vocabulary under which no text looks damaged: normalisation without repair."""

    def knows(self, word: str) -> bool:
        return True


_NO_REPAIR = _Nothing()


def unseen_rates(
    truths: Sequence[str], ocr_text: Sequence[str], vocabulary: Vocabulary
) -> tuple[ErrorRate, ErrorRate]:
    """WER of English-model OCR of unseen Swedish pages, raw and repaired."""
    reference = [w for text in truths for w in words(text)]
    raw = [w for text in ocr_text for w in words(text)]
    fixed = [w for text in ocr_text for w in words(normalise_text(text, vocabulary))]
    return error_rate(raw, reference), error_rate(fixed, reference)


def measure(corpus: Path, pairs_file: Path, swequad_dev: Path, unseen_pages: int) -> RepairResults:
    """Every repair measurement. The damaged file is repaired with the clean corpus files'
    vocabulary beside Swedish (as ingestion does once they are indexed); the unseen text with
    Swedish alone."""
    clean = sorted(p for p in corpus.glob("*.txt") if p.name != DAMAGED)
    texts = [p.read_text(encoding="utf-8") for p in clean]
    speed = repair_speed.measure(corpus)
    vocabulary = Vocabulary.from_texts(texts)
    twin_raw, twin_fixed = twin_rates(corpus, Vocabulary.from_texts(texts))
    log.info("Tvilling-WER %.3f → %.3f, %.0f ord/s", twin_raw.rate, twin_fixed.rate, speed)
    pairs, hits = pair_hits(corpus, pairs_file, vocabulary)
    clean_words, changed = clean_changes(clean, vocabulary)
    unseen_raw = unseen_fixed = None
    if unseen_pages and swequad_dev.is_file():
        parts = contexts(swequad_dev)
        pages = scan_and_read(parts, STYLES, unseen_pages)
        unseen_raw, unseen_fixed = unseen_rates(
            [p.truth for p in pages], [p.ocr for p in pages], Vocabulary()
        )
    return RepairResults(
        twin_raw=twin_raw,
        twin_repaired=twin_fixed,
        pairs=pairs,
        pairs_repaired=hits,
        clean_words=clean_words,
        clean_changed=changed,
        unseen_raw=unseen_raw,
        unseen_repaired=unseen_fixed,
        words_per_second=speed,
    )


def markdown(results: RepairResults) -> list[str]:
    twin_raw, twin_fixed = results.twin_raw, results.twin_repaired
    lines = [
        "## OCR repair",
        "",
        f"Word error rate of lines {DAMAGED_LINES[0]}–{DAMAGED_LINES[1]} of `{DAMAGED}` "
        f"against their clean twin, lines {TWIN_LINES[0]}–{TWIN_LINES[1]} of `{TWIN}` "
        f"({twin_raw.words} words). The floor is the part no repair can fix: words inserted, "
        "dropped or replaced by unrelated ones (layout, page furniture, line order).",
        "",
        "| text | WER | floor (layout) |",
        "|---|---:|---:|",
        f"| raw scan | {twin_raw.rate:.3f} | {twin_raw.floor:.3f} |",
        f"| repaired | {twin_fixed.rate:.3f} | {twin_fixed.floor:.3f} |",
        "",
        f"- Hand-checked damage pairs (`ocr_pairs_dev.tsv`): {results.pairs_repaired}/"
        f"{results.pairs} = {results.pairs_repaired / max(results.pairs, 1):.3f} repaired to "
        "the right word.",
        f"- Clean text (the four clean corpus files, {results.clean_words} words): "
        f"{results.clean_changed} words changed "
        f"({100 * results.clean_changed / max(results.clean_words, 1):.3f} %).",
        f"- Speed: {results.words_per_second:,.0f} words a second (the whole damaged file, both "
        f"passes; median of {repair_speed.RUNS} runs, each in a process of its own with a fresh "
        "vocabulary; the lexicon's prefix set, built once a process, is built before timing).",
    ]
    if results.unseen_raw is not None and results.unseen_repaired is not None:
        raw, fixed = results.unseen_raw, results.unseen_repaired
        cut = 1 - fixed.rate / raw.rate if raw.rate else 0.0
        lines.append(
            f"- Unseen text (SweQUAD-MC dev contexts rendered as poor scans and read by "
            f"Tesseract's English model, {raw.words} words, Swedish word list only): WER "
            f"{raw.rate:.3f} raw → {fixed.rate:.3f} repaired, cut by {100 * cut:.0f} %."
        )
    return lines
