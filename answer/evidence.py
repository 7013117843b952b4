"""Scoring sentences of retrieved passages as answers to a question."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from answer.question import Question
from answer.sentences import Sentence, split_sentences
from index.lexical import fold, tokens
from index.records import Hit

DECIDES = re.compile(
    r"\b(beslutar|beslutade|beslöt|beslutat|föreslås|föreslår|godkänner|godkände|rekommendera\w*|"
    r"bifaller|avslår|antar|antas|uppdrar|fastställer|överlämnar|tillstyrker|har tagit del)\b",
    re.IGNORECASE,
)
DECISION_SECTIONS = frozenset({"Beslut", "Förslag till beslut", "Styrelsens beslut"})
DATE = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}\s+(januari|februari|mars|april|maj|juni|juli|augusti|"
    r"september|oktober|november|december)(\s+\d{4})?\b|\bsenast\b|\blöper ut\b|\bi kraft\b|"
    r"\bmånader\b|\btill och med\b|\bfrån och med\b",
    re.IGNORECASE,
)
AMOUNT = re.compile(
    r"\b\d[\d ]*(?:,\d+)?\s?(?:kronor|kr|tkr|mkr|miljoner|procent|%)|\bper dygn\b|\b\d+,\d+\b|"
    r"\bbetalningsansvar\w*|\bfaktur\w*|\bersättning\w*",
    re.IGNORECASE,
)
NAME = re.compile(r"\b[A-ZÅÄÖ][a-zåäöé]+(?:[ -][A-ZÅÄÖ][a-zåäöé]+)+\b")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A sentence of a retrieved passage with how well it answers the question."""

    hit: Hit
    rank: int
    sentence: Sentence
    score: float
    coverage: float
    support: float
    names_period: bool
    kind_evidence: bool


def candidates(question: Question, hits: Iterable[Hit]) -> list[Candidate]:
    out: list[Candidate] = []
    for rank, hit in enumerate(hits):
        context = _stems(f"{hit.title or ''} {hit.text}")
        for sentence in split_sentences(hit.text):
            out.append(_score(question, hit, rank, sentence, context))
    return out


def _score(
    question: Question, hit: Hit, rank: int, sentence: Sentence, context: set[str]
) -> Candidate:
    own = _stems(sentence.text)
    coverage = _coverage(question.stems, own)
    support = _coverage(question.stems, context)
    names_period = _names_period(question, sentence.text)
    bonus = _kind_bonus(question, hit, sentence.text)
    score = coverage + 0.5 * support + bonus + 0.3 / (1 + rank)
    if question.years or question.month_years:
        score += 0.4 if names_period else -0.4
    if len(sentence.text.split()) < 4:
        score -= 0.5
    return Candidate(hit, rank, sentence, score, coverage, support, names_period, bonus > 0)


def _stems(text: str) -> set[str]:
    stems = tokens(text)
    return set(stems) | {fold(s) for s in stems}


def _coverage(wanted: frozenset[str], have: set[str]) -> float:
    if not wanted:
        return 0.0
    return sum(1 for w in wanted if _matches(w, have)) / len(wanted)


def _matches(word: str, have: set[str]) -> bool:
    if word in have or fold(word) in have:
        return True
    if len(word) < 5:
        return False
    # Swedish compounds: "avtal" is in "ramavtal", "utskrivningsklar" in "utskrivningsklara".
    return any(
        len(h) >= 5 and (h.startswith(word) or h.endswith(word) or word.startswith(h)) for h in have
    )


def _kind_bonus(question: Question, hit: Hit, text: str) -> float:
    if question.kind == "decision":
        bonus = 0.5 if DECIDES.search(text) else 0.0
        return bonus + (0.3 if hit.section in DECISION_SECTIONS else 0.0)
    if question.kind == "deadline":
        return 0.5 if DATE.search(text) else 0.0
    if question.kind == "payment":
        return 0.5 if AMOUNT.search(text) else 0.0
    if question.kind == "who":
        return 0.3 if NAME.search(text) else 0.0
    return 0.0


def _names_period(question: Question, text: str) -> bool:
    """Every year and month the question names is in the sentence."""
    folded = text.casefold()
    years_ok = all(year in text for year in question.years)
    months_ok = all(my in folded or _iso_month(my) in text for my in question.month_years)
    return years_ok and months_ok


MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]


def _iso_month(month_year: str) -> str:
    month, year = month_year.split()
    return f"{year}-{MONTHS.index(month) + 1:02d}"
