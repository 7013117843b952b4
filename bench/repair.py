"""OCR repair measurements: word error rate of the damaged sample scan against its clean twin,
the hand-checked damage pairs, words changed in clean text, unseen text OCR'd with the English
model, and speed.

The repair is measured as ingestion meets a new scan: with Swedish alone, no corpus words
(wordfreq's list and the shipped word pairs of other prose, ``ingest.bigrams``: the headline),
and, apart, with the words of the *other* clean documents as well (those indexed
before it). The clean twin, the text the WER is scored against, is never in the lexicon; a clean
file is checked with a lexicon that does not hold its own words."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from bench import repair_loo, repair_speed
from bench.readings import SPLITS, contexts
from bench.repair_loo import HeldOut
from bench.repair_speed import DAMAGED, TWIN
from bench.wer import ErrorRate, error_rate, words
from ingest.normalise import normalise_text
from ingest.vocabulary import Vocabulary

log = logging.getLogger("bench.repair")

SWEDISH_ALONE = "Swedish alone (list and shipped word pairs)"
WITH_OTHERS = "Swedish + the other clean documents"
DAMAGED_LINES = (135, 1073)
TWIN_LINES = (944, 1949)
"""Lines 135–1073 of the damaged file are a scan of lines 944–1949 of its twin
(``shared/eval/README.md``)."""


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
    prose_words: int
    prose_changed: int
    """SweQUAD-MC dev texts (clean prose, not council text) repaired with the Swedish list."""
    held_out: tuple[HeldOut, ...]
    """Engine × font family held out in turn (``bench.repair_loo``); empty when not run."""
    words_per_second: float


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
    counts = [
        _changes(text, Vocabulary.from_texts([t for p, t in texts.items() if p != path]))
        for path, text in texts.items()
    ]
    return sum(n for n, _ in counts), sum(c for _, c in counts)


def prose_changes(texts: Sequence[str]) -> tuple[int, int]:
    """Words in clean texts, and how many of them repair with the Swedish list changed."""
    vocabulary = Vocabulary()
    counts = [_changes(text, vocabulary) for text in texts]
    return sum(n for n, _ in counts), sum(c for _, c in counts)


def _changes(text: str, vocabulary: Vocabulary) -> tuple[int, int]:
    """The words of ``text`` normalised without repair, and how many the repair changes."""
    before = normalise_text(text, vocabulary, judge=_nothing_damaged).split()
    after = normalise_text(text, vocabulary).split()
    return len(before), Levenshtein.distance(before, after)


def _nothing_damaged(groups: Sequence[str], vocabulary: Vocabulary) -> list[bool]:
    """A judge that finds no stretch damaged: normalisation without repair."""
    return [False] * len(groups)


def measure(corpus: Path, pairs_file: Path, held_out: bool = True) -> RepairResults:
    """Every repair measurement. The damaged file is repaired with Swedish alone, then with the
    words of the clean files other than its twin as well; the held-out styles with Swedish
    alone."""
    clean = sorted(p for p in corpus.glob("*.txt") if p.name != DAMAGED)
    others = [p.read_text(encoding="utf-8") for p in clean if p.name != TWIN]
    speed = repair_speed.measure(corpus)
    scans = (
        scan_scores(corpus, pairs_file, SWEDISH_ALONE, Vocabulary()),
        scan_scores(corpus, pairs_file, WITH_OTHERS, Vocabulary.from_texts(others)),
    )
    clean_words, changed = clean_changes(clean)
    prose_words, prose_changed = prose_changes(contexts(SPLITS["dev"]))
    return RepairResults(
        scans=scans,
        clean_words=clean_words,
        clean_changed=changed,
        prose_words=prose_words,
        prose_changed=prose_changed,
        held_out=tuple(repair_loo.measure()) if held_out else (),
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
        "scan: with Swedish alone (wordfreq's list and the shipped word pairs of other prose, no "
        "corpus words), and with the words of the other clean "
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
        f"- Clean prose (the SweQUAD-MC dev texts, {results.prose_words} words, Swedish list "
        f"alone): {results.prose_changed} words changed "
        f"({100 * results.prose_changed / max(results.prose_words, 1):.3f} %).",
        f"- Speed: {results.words_per_second:,.0f} words a second (the whole damaged file, both "
        f"passes, with the other clean documents' words; median of {repair_speed.RUNS} runs, "
        "each in a process of its own with a fresh vocabulary; the lexicon's prefix set, built "
        "once a process, is built before timing).",
    ]
    if results.held_out:
        lines += ["", *repair_loo.markdown(results.held_out)]
    return lines
