"""Normalising Swedish text: NFC, whitespace, hyphenation at line ends, and OCR damage.

``python -m ingest.normalise [FILE]`` writes the normalised text to standard output. Lines
keep their breaks; a word broken at a line end (``av-`` / ``tal``) is joined onto the first
line. Stretches that look OCR-damaged (``ingest.damage``: many words unknown to Swedish, å/ä/ö
missing) are repaired word by word (``ingest.repair``); clean text passes through unchanged
apart from whitespace and hyphenation.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import re
from collections.abc import Iterator, Sequence
from dataclasses import replace

from ingest.channel import Channel
from ingest.clean import clean_chars, is_broken_word
from ingest.damage import WINDOW, Judge, damaged_windows
from ingest.records import Line
from ingest.repair import Repairer
from ingest.vocabulary import Vocabulary

VERSION = "norm-13"

PARAGRAPH_SIGN = re.compile(r"^([&$])\s?(?=\d{1,4}\b)")
"""A ``§`` that OCR read as ``&`` or ``$`` at the start of a line, before a paragraph number."""


SPECK = re.compile(r"(?<!\S)[|¦](?!\S)")
"""A lone bar: dust on the scan read as a character."""


def repair_ocr_line(line: str) -> str:
    """Mend what OCR reliably gets wrong in a line of its own output: a ``§`` read as ``&`` or
    ``$`` before a paragraph number, and specks of dust read as ``|``."""
    line = PARAGRAPH_SIGN.sub("§ ", line)
    if "|" in line or "¦" in line:
        line = " ".join(SPECK.sub(" ", line).split())
    return line


@functools.cache
def swedish() -> Vocabulary:
    """Swedish alone, for text read without an index's clean documents beside it."""
    return Vocabulary()


def repair_lines(
    lines: Sequence[Line],
    vocabulary: Vocabulary | None = None,
    channel: Channel | None = None,
    judge: Judge | None = None,
) -> list[Line]:
    """Lines with the damaged stretches (a PDF page, or ``WINDOW`` lines of a text file)
    repaired; ``raw`` stays as it was read. ``channel``: the OCR confusions to undo (the
    learned ``ingest/data/confusions.tsv`` unless given); ``judge``: which stretches are
    damaged."""
    return repair(lines, vocabulary, channel, judge)[0]


def repair(
    lines: Sequence[Line],
    vocabulary: Vocabulary | None = None,
    channel: Channel | None = None,
    judge: Judge | None = None,
) -> tuple[list[Line], bool]:
    """``repair_lines``, and whether any stretch looked damaged. When none did, a vocabulary
    that knows more words would not find one either, and the lines come back as they were."""
    vocabulary = vocabulary if vocabulary is not None else swedish()
    groups = _groups(lines)
    with _collector_paused():
        texts = ["\n".join(lines[i].text for i in g) for g in groups]
        verdicts = (judge or damaged_windows)(texts, vocabulary)
        return _repaired(lines, groups, verdicts, vocabulary, channel), any(verdicts)


def _repaired(
    lines: Sequence[Line],
    groups: Sequence[Sequence[int]],
    verdicts: Sequence[bool],
    vocabulary: Vocabulary,
    channel: Channel | None,
) -> list[Line]:
    out = list(lines)
    if not any(verdicts):
        return out
    repairer = Repairer(vocabulary) if channel is None else Repairer(vocabulary, channel)
    damaged = [i for group, bad in zip(groups, verdicts, strict=True) if bad for i in group]
    # Two passes: the first shows which confusions this scan makes (ingest.adapt).
    texts = [lines[i].text for i in damaged]
    repairer.adapt("\n".join(_repair_pass(repairer, texts)))
    for i, text in zip(damaged, _repair_pass(repairer, texts), strict=True):
        if text != " ".join(lines[i].text.split()):
            out[i] = replace(lines[i], text=text, repaired=True)
    return out


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a document is judged and repaired. The repair makes
    millions of short-lived tuples and no cycles (reference counting frees them), and in a
    process that also holds a model and an index every collection walks all of its objects:
    with the embedder loaded, the repair ran 5–30 % faster in four paired runs."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _repair_pass(repairer: Repairer, texts: Sequence[str]) -> list[str]:
    out: list[str] = []
    previous = ""
    for text in texts:
        out.append(repairer.repair_line(text, previous))
        previous = out[-1].rsplit(" ", 1)[-1] if out[-1] else previous
    return out


def _groups(lines: Sequence[Line]) -> list[list[int]]:
    """Line indexes by page for a PDF, by runs of ``WINDOW`` lines for a text file."""
    groups: dict[object, list[int]] = {}
    for i, line in enumerate(lines):
        key = line.page if line.page is not None else i // WINDOW
        groups.setdefault(key, []).append(i)
    return list(groups.values())


def normalise_text(
    text: str,
    vocabulary: Vocabulary | None = None,
    channel: Channel | None = None,
    judge: Judge | None = None,
) -> str:
    lines = [" ".join(line.split()) for line in clean_chars(text).split("\n")]
    for i in range(len(lines) - 1):
        head, _, rest = lines[i + 1].partition(" ")
        if lines[i] and head and is_broken_word(lines[i], head):
            lines[i] = lines[i][:-1] + head
            lines[i + 1] = rest
    records = [Line(text=x, raw=x, page=None, number=n) for n, x in enumerate(lines, 1)]
    return "\n".join(line.text for line in repair_lines(records, vocabulary, channel, judge))


def main(argv: list[str] | None = None) -> int:
    import argparse
    import sys
    from pathlib import Path

    parser = argparse.ArgumentParser(
        prog="python -m ingest.normalise", description="Normalisera svensk text (NFC, avstavning)."
    )
    parser.add_argument("file", nargs="?", help="textfil i UTF-8 (standard in om den saknas)")
    args = parser.parse_args(argv)
    data = Path(args.file).read_bytes() if args.file else sys.stdin.buffer.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        name = args.file or "standard in"
        print(f"{name}: inte UTF-8 ({e}); spara filen som UTF-8 och försök igen", file=sys.stderr)
        return 2
    sys.stdout.buffer.write(normalise_text(text).encode("utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
