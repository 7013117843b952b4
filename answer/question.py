"""What a question asks for: its kind, its content words, and the dates or years it names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from index.lexical import folded_tokens, tokens

Kind = Literal["decision", "deadline", "payment", "condition", "who", "other"]

DECISION = re.compile(
    r"\b(beslut\w*|besluta\w*|beslöt|föreslå\w*|förslag\w*|godkän\w*|rekommend\w*|tyckte|"
    r"ställningstagande)\b",
    re.IGNORECASE,
)
DEADLINE = re.compile(
    r"\b(när|senast|datum|deadline|löper ut|träd\w* i kraft|giltig\w*|gäller från|"
    r"från när|hur länge|tidpunkt|uppsägningstid|period)\b",
    re.IGNORECASE,
)
PAYMENT = re.compile(
    r"\b(belopp\w*|betal\w*|kostna\w*|kosta\w*|kronor|kr|ersättning\w*|bidrag\w*|hur mycket|"
    r"hur stor\w*|pris\w*|avgift\w*|faktur\w*|budget\w*|summa|sökt|hur många|antal\w*|nivå\w*)\b",
    re.IGNORECASE,
)
MONEY = re.compile(
    r"\b(belopp\w*|ersättningsbelopp|kosta\w*|kostnad\w*|pris\w*|avgift\w*|hur mycket|summa|"
    r"kronor|hur stor\w* (?:\w+)?bidrag)\b",
    re.IGNORECASE,
)
CONDITION = re.compile(
    r"\b(villkor\w*|krav|krävs|förutsättning\w*|vad måste|vad ska till)\b", re.IGNORECASE
)
ASKS_WHEN = re.compile(
    r"^\s*(?:senast\s+när|från\s+(?:och\s+med\s+)?när|till\s+när|när|senast|hur\s+länge|"
    r"vilket\s+datum|vilken\s+dag)\b",
    re.IGNORECASE,
)
"""A question that opens by asking when wants a date, whatever it is about ("Senast när ska
bidraget redovisas?" asks for a deadline, not an amount)."""
WHO = re.compile(
    r"\b(vem|vilken person|valdes|ansvarig\w*)\b"
    r"|\bvilka\s+(?:är|var|ska|skall|har|hade|kan|får|ingår|ingick|deltar|sitter|blev|"
    r"ansvarar|företräder|\w+(?:des|tes|ades|ogs|ågs|dde))\b",
    re.IGNORECASE,
)
"""Who: "vem", and "vilka" before a verb ("Vilka valdes …?"); "Vilka bilagor …?" asks for
things."""
YEAR = re.compile(r"\b(19|20)\d\d\b")
MARKUP = re.compile(r"<[^<>]{0,200}>")
"""An HTML or XML tag: markup pasted into a question is not words it asks with."""
MONTH_YEAR = re.compile(
    r"\b(januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|"
    r"december)\s+((?:19|20)\d\d)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    kind: Kind
    stems: frozenset[str]
    folded: frozenset[str]
    years: frozenset[str]
    month_years: frozenset[str]
    wants_money: bool
    predicate: str | None
    carried: frozenset[str] = frozenset()
    """Words a follow-up took from the conversation, not from what the person wrote now: the
    passage should speak of them; the sentence that answers need not repeat them."""


def without_markup(text: str) -> str:
    """``text`` with its tags (``<b>``, ``<script …>``) read as spaces."""
    return MARKUP.sub(" ", text)


def analyse(text: str) -> Question:
    return Question(
        text=text,
        kind=_kind(text),
        stems=frozenset(tokens(text, query=True)),
        folded=frozenset(folded_tokens(text, query=True)),
        years=frozenset(m.group(0) for m in YEAR.finditer(text)),
        month_years=frozenset(
            f"{m.group(1).lower()} {m.group(2)}" for m in MONTH_YEAR.finditer(text)
        ),
        wants_money=bool(MONEY.search(text)),
        predicate=_predicate(text),
    )


WHO_DOES = re.compile(
    r"^(?:vem|vilka|vilken)\s+(?:(?:ska|skall|får|måste|kan|bör|skulle)\s+)?(\w+)", re.IGNORECASE
)


def _predicate(text: str) -> str | None:
    """The verb a who-question asks about: "Vem ska *kalla* till SIP?", "Vem *betalar*?"."""
    match = WHO_DOES.search(text.strip())
    if match is None:
        return None
    found = tokens(match.group(1), query=True)
    return found[0] if found else None


def _kind(text: str) -> Kind:
    if ASKS_WHEN.search(text):
        return "deadline"
    if CONDITION.search(text):
        return "condition"
    if PAYMENT.search(text):
        return "payment"
    if DECISION.search(text):
        return "decision"
    if DEADLINE.search(text):
        return "deadline"
    if WHO.search(text):
        return "who"
    return "other"
