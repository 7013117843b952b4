"""Several values for the same thing: in different periods, or in different documents.

Agreements change their numbers over time ("2,0 fram till och med oktober 2020", "från och med
november år 2021 … 1,3") and later documents replace earlier ones. When the best sentences
give different values for what is asked, the answer shows them together, each with its period
(or its document's date) and source, instead of picking one silently; a question that names a
date gets the value in force then first.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from answer.evidence import MONEY, QUANTITY
from answer.features import Candidate
from answer.periods import Period, asked_day, period_in
from answer.question import Question

ASKS_VALUE = re.compile(
    r"\b(hur\s+många|hur\s+mycket|hur\s+stor\w*|vilket\s+belopp|vilken\s+nivå|antal\w*|"
    r"belopp\w*|nivå\w*)\b",
    re.IGNORECASE,
)
MAX_VERSIONS = 4
NEAR_BEST = 0.6
"""A sentence this close to the best one's score answers the same question."""


@dataclass(frozen=True, slots=True)
class Version:
    candidate: Candidate
    values: frozenset[str]
    period: Period | None
    before: Candidate | None = None
    """The sentence before, when the period is stated there ("under perioden … fastställs
    …"; "Genomsnittet under perioden kan dock inte överstiga 2,0 …")."""

    @property
    def sentences(self) -> tuple[Candidate, ...]:
        return (self.before, self.candidate) if self.before else (self.candidate,)

    @property
    def document_date(self) -> str | None:
        return self.candidate.hit.date

    def label(self) -> str:
        if self.period is not None and (label := self.period.label()):
            return label[:1].upper() + label[1:]
        if self.document_date:
            return f"Enligt handlingen från {self.document_date}"
        return "Utan angiven period"


def versions(question: Question, ranked: Sequence[Candidate]) -> list[Version]:
    """The values that differ, best first within each value, ordered by period; empty when
    the best sentences agree (or state no value). Only values of the kind the best sentence
    states are compared (kronor with kronor, days with days)."""
    if not ranked or not _asks_value(question):
        return []
    best = next((c for c in ranked if c.kind_evidence), None)
    if best is None or best.score <= 0:
        return []
    units = set(_values(best.sentence.text, question.wants_money))
    if not units:
        return []
    found: dict[frozenset[str], Version] = {}
    for c in ranked:
        if c.score < NEAR_BEST * best.score:
            break
        stated = _values(c.sentence.text, question.wants_money)
        values = frozenset(v for unit in units & set(stated) for v in stated[unit])
        if not values or values in found or any(values <= v for v in found):
            continue
        period, before = _period(c, ranked)
        found[values] = Version(c, values, period, before)
        if len(found) == MAX_VERSIONS:
            break
    chosen = list(found.values())
    differ = len(chosen) >= 2 and (
        any(v.period is not None for v in chosen) or len({v.document_date for v in chosen}) > 1
    )
    return _ordered(chosen, asked_day(question.text)) if differ else []


def in_force(found: Sequence[Version], question: str) -> bool:
    """Does one of the values have a period that covers the day the question names?"""
    asked = asked_day(question)
    if asked is None:
        return False
    first, last = asked
    return any(v.period is not None and v.period.overlaps(first, last) for v in found)


def _asks_value(question: Question) -> bool:
    return question.kind == "payment" or bool(ASKS_VALUE.search(question.text))


UNITS = {"kalenderdagar": "dagar", "dagar": "dagar", "dygn": "dagar", "%": "procent"}


def _values(text: str, money_only: bool) -> dict[str, set[str]]:
    """The amounts and quantities a sentence states, by unit (``kronor``, ``dagar``, ``tal``
    for a bare decimal), spaces normalised (``7 800 kronor``)."""
    found: dict[str, set[str]] = {}
    for m in MONEY.finditer(text):
        found.setdefault("kronor", set()).add(" ".join(m.group(0).split()).casefold())
    if money_only:
        return found
    for m in QUANTITY.finditer(text):
        value = " ".join(m.group(0).split()).casefold()
        unit = value.split(" ")[-1] if " " in value else "tal"
        found.setdefault(UNITS.get(unit, unit), set()).add(value)
    return found


def _period(c: Candidate, ranked: Sequence[Candidate]) -> tuple[Period | None, Candidate | None]:
    """The sentence's own period, else the one the sentence before it (returned too) or its
    heading names."""
    own = period_in(c.sentence.text)
    if own is not None:
        return own, None
    before = next((x for x in ranked if x.hit.id == c.hit.id and x.index == c.index - 1), None)
    if before is not None and (found := period_in(before.sentence.text)) is not None:
        return found, before
    return period_in(c.hit.section or ""), None


def _ordered(chosen: list[Version], asked: tuple[dt.date, dt.date] | None) -> list[Version]:
    """In time order, undated last; what was in force on the day the question names, first."""
    earliest = dt.date.min

    def when(v: Version) -> tuple[bool, dt.date, str]:
        start = v.period.start if v.period and v.period.start else None
        if start is None and v.period and v.period.end:
            start = v.period.end - dt.timedelta(days=1)
        return v.period is None, start or earliest, v.document_date or ""

    ordered = sorted(chosen, key=when)
    if asked is not None:
        first, last = asked
        ordered.sort(key=lambda v: not (v.period is not None and v.period.overlaps(first, last)))
    return ordered
