"""OCR repair measurements: word error rate of the damaged sample scan against its clean twin,
the hand-checked damage pairs, words changed in clean text, unseen text OCR'd with the English
model, and speed.

The repair is measured as ingestion meets a new scan: with wordfreq's Swedish list alone (the
headline), and, apart, with the words of the *other* clean documents as well (those indexed
before it). The clean twin, the text the WER is scored against, is never in the lexicon; a clean
file is checked with a lexicon that does not hold its own words."""

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
from bench.repair_speed import DAMAGED, TWIN
from ingest.normalise import normalise_text
from ingest.vocabulary import Vocabulary

log = logging.getLogger("bench.repair")

SWEDISH_ALONE = "Swedish list alone"
WITH_OTHERS = "Swedish + the other clean documents"
DAMAGED_LINES = (135, 1073)
TWIN_LINES = (944, 1949)
"""Lines 135–1073 of the damaged file are a scan of lines 944–1949 of its twin
(``shared/eval/README.md``)."""
UNRELATED = 40.0
"""A substitution between words this dissimilar (rapidfuzz ratio) is no misreading of the word."""
TOKEN = re.compile(r"[^\W_]+(?:[-:,.'][^\W_]+)*")


@dataclass(frozen=True, slots=True)
class ErrorRate:
    words: int
    errors: int
    unrelated: int
    """Errors that are no misreading of the word they stand for: words inserted or dropped, and
    substitutions by a word too unlike it to be its reading. Layout (page furniture, line order)
    lands here, but so does damage too heavy to recognise, which the repair can mend: it is not
    a floor."""

    @property
    def rate(self) -> float:
        return self.errors / self.words if self.words else 0.0

    @property
    def unrelated_rate(self) -> float:
        return self.unrelated / self.words if self.words else 0.0


@dataclass(frozen=True, slots=True)
class LexiconScores:
    """The damaged scan repaired with one lexicon."""

    lexicon: str
    twin_raw: ErrorRate
    twin_repaired: ErrorRate
    pairs: int
    pairs_repaired: int


@dataclass(frozen=True, slots=True)
class RepairResults:
    scans: tuple[LexiconScores, ...]
    """Swedish list alone first (the headline), then with the other clean documents' words."""
    clean_words: int
    clean_changed: int
    unseen_raw: ErrorRate | None
    unseen_repaired: ErrorRate | None
    words_per_second: float


def words(text: str) -> list[str]:
    return [w.casefold() for w in TOKEN.findall(text)]


def error_rate(hypothesis: Sequence[str], reference: Sequence[str]) -> ErrorRate:
    """Word errors of ``hypothesis`` against ``reference``, with the unrelated part apart."""
    ops = Levenshtein.opcodes(list(hypothesis), list(reference))
    errors = unrelated = 0
    for op in ops:
        if op.tag == "equal":
            continue
        size = max(op.src_end - op.src_start, op.dest_end - op.dest_start)
        errors += size
        if op.tag != "replace":
            unrelated += size
            continue
        got, wanted = hypothesis[op.src_start : op.src_end], reference[op.dest_start : op.dest_end]
        unrelated += sum(ratio(a, b) < UNRELATED for a, b in zip(got, wanted, strict=False))
        unrelated += abs((op.src_end - op.src_start) - (op.dest_end - op.dest_start))
    return ErrorRate(words=len(reference), errors=errors, unrelated=unrelated)


def _lines(path: Path, span: tuple[int, int]) -> str:
    lines = path.read_text(encoding="utf-8").split("\n")
    return "\n".join(lines[span[0] - 1 : span[1]])


def scan_scores(
    corpus: Path, pairs_file: Path, lexicon: str, vocabulary: Vocabulary
) -> LexiconScores:
    """The damaged scan repaired once with ``vocabulary``: its WER against the clean twin, raw
    and repaired, and how many hand-checked garbled words come out as the right word."""
    damaged = (corpus / DAMAGED).read_text(encoding="utf-8")
    raw_lines = damaged.split("\n")
    fixed_lines = normalise_text(damaged, vocabulary).split("\n")
    reference = words(_lines(corpus / TWIN, TWIN_LINES))
    span = slice(DAMAGED_LINES[0] - 1, DAMAGED_LINES[1])
    twin_raw = error_rate(words("\n".join(raw_lines[span])), reference)
    twin_fixed = error_rate(words("\n".join(fixed_lines[span])), reference)
    total = hits = 0
    for row in pairs_file.read_text(encoding="utf-8").splitlines()[1:]:
        number, garbled, correct = row.split("\t")[:3]
        line = int(number) - 1
        total += 1
        hits += _repaired_to(raw_lines[line], fixed_lines[line], garbled, correct)
    log.info(
        "Reparation (%s): tvilling-WER %.3f → %.3f, par %d/%d",
        lexicon,
        twin_raw.rate,
        twin_fixed.rate,
        hits,
        total,
    )
    return LexiconScores(lexicon, twin_raw, twin_fixed, total, hits)


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


def clean_changes(paths: Sequence[Path]) -> tuple[int, int]:
    """Words in clean files, and how many of them repair changed; each file is repaired with
    the other files' words beside Swedish, never its own."""
    texts = {path: path.read_text(encoding="utf-8") for path in paths}
    total = changed = 0
    for path, text in texts.items():
        vocabulary = Vocabulary.from_texts([t for p, t in texts.items() if p != path])
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
    """Every repair measurement. The damaged file is repaired with Swedish alone, then with the
    words of the clean files other than its twin as well; the unseen text with Swedish alone."""
    clean = sorted(p for p in corpus.glob("*.txt") if p.name != DAMAGED)
    others = [p.read_text(encoding="utf-8") for p in clean if p.name != TWIN]
    speed = repair_speed.measure(corpus)
    scans = (
        scan_scores(corpus, pairs_file, SWEDISH_ALONE, Vocabulary()),
        scan_scores(corpus, pairs_file, WITH_OTHERS, Vocabulary.from_texts(others)),
    )
    clean_words, changed = clean_changes(clean)
    unseen_raw = unseen_fixed = None
    if unseen_pages and swequad_dev.is_file():
        parts = contexts(swequad_dev)
        pages = scan_and_read(parts, STYLES, unseen_pages)
        unseen_raw, unseen_fixed = unseen_rates(
            [p.truth for p in pages], [p.ocr for p in pages], Vocabulary()
        )
    return RepairResults(
        scans=scans,
        clean_words=clean_words,
        clean_changed=changed,
        unseen_raw=unseen_raw,
        unseen_repaired=unseen_fixed,
        words_per_second=speed,
    )


def markdown(results: RepairResults) -> list[str]:
    first = results.scans[0].twin_raw
    lines = [
        "## OCR repair",
        "",
        f"Lines {DAMAGED_LINES[0]}–{DAMAGED_LINES[1]} of `{DAMAGED}` against their clean twin, "
        f"lines {TWIN_LINES[0]}–{TWIN_LINES[1]} of `{TWIN}` ({first.words} words), and the "
        "hand-checked damage pairs (`ocr_pairs_dev.tsv`), repaired as ingestion meets a new "
        "scan: with wordfreq's Swedish list alone, and with the words of the other clean "
        "documents as well (never the twin's). *Unrelated* counts the errors that are no "
        "misreading of their word (inserted, dropped, or too unlike it): layout, but also "
        "damage too heavy to recognise, so it is not a floor.",
        "",
        "| lexicon | WER raw → repaired | unrelated raw → repaired | pairs repaired |",
        "|---|---:|---:|---:|",
    ]
    for scan in results.scans:
        raw, fixed = scan.twin_raw, scan.twin_repaired
        lines.append(
            f"| {scan.lexicon} | {raw.rate:.3f} → {fixed.rate:.3f} | {raw.unrelated_rate:.3f} → "
            f"{fixed.unrelated_rate:.3f} | {scan.pairs_repaired}/{scan.pairs} = "
            f"{scan.pairs_repaired / max(scan.pairs, 1):.3f} |"
        )
    lines += [
        "",
        f"- Clean text (the four clean corpus files, {results.clean_words} words, each repaired "
        f"with the other three files' words, not its own): {results.clean_changed} words "
        f"changed ({100 * results.clean_changed / max(results.clean_words, 1):.3f} %).",
        f"- Speed: {results.words_per_second:,.0f} words a second (the whole damaged file, both "
        f"passes, with the other clean documents' words; median of {repair_speed.RUNS} runs, "
        "each in a process of its own with a fresh vocabulary; the lexicon's prefix set, built "
        "once a process, is built before timing).",
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
