"""The parts of a question that asks two things at once: "När träder avtalet i kraft och
vilken uppsägningstid har det?" asks for a date and for a notice period, and a whole answer
gives both.

A part begins where "och" (or "samt", or a comma) is followed by a question word; the first
part must be a question of its own (three words at least), so that "När och var …" and
"Hur länge och hur många gånger …" stay one question.
"""

from __future__ import annotations

import re

_QUESTION_WORD = r"(?:vilken|vilket|vilka|vad|när|hur|vem|vems|varför|vart|senast)"
# "var" is left out: it is as often "was" as "where".
_JOIN = re.compile(rf"(?:,\s*(?:och|samt)?|\s+(?:och|samt))\s+(?={_QUESTION_WORD}\b)", re.I)
MIN_WORDS = 3


def parts(question: str) -> tuple[str, ...]:
    """The question's parts, each as written (the question itself when it asks one thing)."""
    text = question.strip()
    pieces: list[str] = []
    start = 0
    for m in _JOIN.finditer(text):
        head = text[start : m.start()].strip()
        if len(head.split()) < MIN_WORDS:
            continue
        pieces.append(head)
        start = m.end()
    pieces.append(text[start:].strip())
    return tuple(p for p in pieces if p) if len(pieces) > 1 else (text,)
