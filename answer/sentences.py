"""Swedish sentence splitting with character offsets into the passage text."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Abbreviations after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset(
    [
        "bl.a",
        "t.ex",
        "m.m",
        "o.s.v",
        "osv",
        "dvs",
        "d.v.s",
        "resp",
        "kl",
        "nr",
        "org.nr",
        "jfr",
        "ca",
        "s",
        "sid",
        "tel",
        "m.fl",
        "f.d",
        "p.g.a",
        "pga",
        "inkl",
        "exkl",
        "st",
        "fr.o.m",
        "t.o.m",
        "fr.o.m.",
        "enl",
        "ang",
        "ev",
        "mkr",
        "tkr",
        "kr",
        "prop",
        "dnr",
    ]
)
BOUNDARY = re.compile(
    r"(?<=[.!?])\s+(?=[\"”»(]?[A-ZÅÄÖ0-9•\-–])|\s+(?=[•▪●]\s)|(?<=:)\s+(?=[-–•]\s)"
)
MAX_CHARS = 400
RUNS_ON = re.compile(r"[^\W\d_],?$")
"""A line that ends in a word (or a word and a comma): its sentence goes on."""
NUMBERING = re.compile(r"(?:\d{1,2}|[a-zA-Z])[.)]|\d{1,2}(?:\.\d{1,2})+\.?")
"""A list item's or a heading's number: no sentence ends after it."""


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    start: int
    end: int


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of a passage; a line break ends one (headings, list items) unless the line
    runs on: it ends without a stop and the next line goes on in small letters ("finns
    heller inga" / "utskrivningsklara … vid Norrtälje sjukhus.")."""
    sentences: list[Sentence] = []
    offset = 0
    for line in _run_on_lines(text):
        sentences.extend(
            Sentence(s.text, s.start + offset, s.end + offset) for s in _split_line(line)
        )
        offset += len(line) + 1
    return sentences


def _run_on_lines(text: str) -> list[str]:
    """The passage's lines, a line that runs on joined to the next by a space (so that
    offsets still count the passage's characters)."""
    lines: list[str] = []
    for line in text.split("\n"):
        if lines and RUNS_ON.search(lines[-1]) and line[:1].islower():
            lines[-1] += " " + line
        else:
            lines.append(line)
    return lines


def _split_line(text: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    start = 0
    for match in BOUNDARY.finditer(text):
        piece = text[start : match.start()]
        if _ends_in_abbreviation(piece) or NUMBERING.fullmatch(piece.strip()):
            continue  # "t.ex. Socialnämnden", "1. Rekommendation …"
        sentences.extend(_bounded(text, start, match.start()))
        start = match.end()
    sentences.extend(_bounded(text, start, len(text)))
    return [s for s in sentences if s.text]


def _ends_in_abbreviation(piece: str) -> bool:
    last = piece.rsplit(" ", 1)[-1].casefold().rstrip(".")
    return last in ABBREVIATIONS


def _bounded(text: str, start: int, end: int) -> list[Sentence]:
    """A run-on 'sentence' (a list, a table) is cut at semicolons or commas to stay short."""
    piece = text[start:end].strip()
    offset = start + text[start:end].find(piece) if piece else start
    if len(piece) <= MAX_CHARS:
        return [Sentence(piece, offset, offset + len(piece))]
    out: list[Sentence] = []
    cut = 0
    for m in re.finditer(r"(?<=[;,])\s+", piece):
        if m.start() - cut >= MAX_CHARS // 2:
            out.append(Sentence(piece[cut : m.start()], offset + cut, offset + m.start()))
            cut = m.end()
    out.append(Sentence(piece[cut:], offset + cut, offset + len(piece)))
    return out
