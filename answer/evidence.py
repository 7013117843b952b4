"""What sentences say, as patterns and word matches shared by the answer's parts: dates,
amounts, quantities, list items, and Swedish stems compared with compounds in mind."""

from __future__ import annotations

import re

from index.lexical import fold, tokens

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
_MONTH = "|".join(MONTHS)
DATE = re.compile(
    rf"\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b\d{{1,2}}\s+({_MONTH})(\s+\d{{4}})?\b|\bsenast\b|"
    r"\blöper ut\b|\bi kraft\b|\bmånader\b|\btill och med\b|\bfrån och med\b",
    re.IGNORECASE,
)
EXACT_DATE = re.compile(
    rf"\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b\d{{1,2}}\s+(?:{_MONTH})(?:\s+\d{{4}})?\b", re.IGNORECASE
)
MONEY = re.compile(
    r"\b\d{1,3}(?:[ .]\d{3})*(?:,\d+)?\s?(?:kronor|kr\b|tkr|mkr|miljoner|miljarder|sek\b|euro)",
    re.IGNORECASE,
)
QUANTITY = re.compile(
    r"\b\d+(?:,\d+)?\s?(?:kalenderdagar|dagar|dygn|procent|%|månader|timmar|veckor)|\b\d+,\d+\b",
    re.IGNORECASE,
)
LIST_ITEM = re.compile(r"^(?:\d{1,2}[.)]|[a-zA-Z][.)]|[•▪●*–-])\s")
ANAPHORA = re.compile(r"\b(detta|denna|dessa|därmed|därför)\b|^(Det|Den|De|Där|Då)\b")


def is_heading(text: str) -> bool:
    return len(text.split()) <= 14 and not text.endswith((".", "!", "?", ")", ":"))


def stems(text: str) -> frozenset[str]:
    found = tokens(text)
    return frozenset(found) | {fold(s) for s in found}


def matches(word: str, have: frozenset[str] | set[str]) -> bool:
    """A stem among ``have``: as it is, with å/ä/ö folded, or as a part of a compound
    (``avtal`` in ``ramavtal``, ``kraft`` in ``ikraftträdande``)."""
    if word in have or fold(word) in have:
        return True
    if len(word) == 4:  # a short stem begins its longer forms: "kost" (kostar), "kostnad"
        return any(len(h) >= 5 and h.startswith(word) for h in have)
    if len(word) < 4:
        return False
    return any(len(h) >= 5 and (word in h or h in word) for h in have)
