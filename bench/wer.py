"""Word error rate of a reading against what was printed, with the errors that are no
misreading of their word counted apart."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import ratio

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
