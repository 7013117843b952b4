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
NUMBERING = re.compile(r"(?:\d{1,2}|[a-zA-Z])[.)]|\d{1,2}(?:\.\d{1,2})+\.?")
"""A list item's or a heading's number: no sentence ends after it."""


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    start: int
    end: int


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of a passage; its line breaks (headings, list items) always end one."""
    sentences: list[Sentence] = []
    offset = 0
    for line in text.split("\n"):
        sentences.extend(
            Sentence(s.text, s.start + offset, s.end + offset) for s in _split_line(line)
        )
        offset += len(line) + 1
    return sentences


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
