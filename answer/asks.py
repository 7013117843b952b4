"""What kind of answer a question asks for, read from its wording, and whether a sentence
gives that kind of thing: a date for "när", an amount for "hur mycket", a body for "vem".

These are features for the learned sentence selector (``answer.selector``), not decisions:
how much each counts was learned from data.
"""

from __future__ import annotations

import re
from typing import Literal

from answer.evidence import EXACT_DATE, MONEY, MONTHS

Asks = Literal[
    "date", "amount", "count", "duration", "who", "where", "list", "definition", "decision",
    "condition", "how", "why", "other",
]  # fmt: skip
ASKS: tuple[Asks, ...] = (
    "date", "amount", "count", "duration", "who", "where", "list", "definition", "decision",
    "condition", "how", "why", "other",
)  # fmt: skip

_WORDINGS: tuple[tuple[Asks, str], ...] = (
    (
        "duration",
        r"\b(hur\s+länge|hur\s+lång\s+tid|under\s+hur\s+lång|inom\s+hur\s+lång|"
        r"hur\s+många\s+(?:år|månader|veckor|dagar|timmar)|vilken\s+\w+tid|"
        r"hur\s+lång\w*\s+\w+tid)\b",
    ),
    (
        "date",
        r"\b(senast\s+när|från\s+(?:och\s+med\s+)?när|till\s+när|när|vilket\s+datum|"
        r"vilken\s+dag|vilket\s+år|vilken\s+tidpunkt|senast)\b",
    ),
    (
        "amount",
        r"\b(hur\s+mycket|vilket\s+belopp|hur\s+stor\w*|vad\s+kostar|vilken\s+avgift|"
        r"vilken\s+ersättning|hur\s+hög\w*)\b",
    ),
    ("count", r"\b(hur\s+många|vilket\s+antal|hur\s+ofta)\b"),
    (
        "who",
        r"\b(vem|vems|vilken\s+(?:myndighet|organisation|nämnd|person|region|kommun|"
        r"part)|vilka\s+(?:myndigheter|organisationer|parter|personer|aktörer)|vart\s+vänder)\b",
    ),
    (
        "list",
        r"\b(vilka\s+(?:är|var|tre|två|fyra|fem)|vilka\s+\w+\s+(?:finns|ingår)|"
        r"nämn|räkna\s+upp)\b",
    ),
    (
        "where",
        r"\b(var\s+(?:finns|kan|ska|arbetar|hittar|ligger|får)|vart|i\s+vilket\s+"
        r"(?:land|län)|på\s+vilken\s+plats)\b",
    ),
    (
        "decision",
        r"\b(beslut\w*|beslöt|föreslå\w*|förslag\w*|godkän\w*|rekommend\w*|"
        r"ställningstagande)\b",
    ),
    (
        "condition",
        r"\b(villkor\w*|krav|krävs|förutsättning\w*|vad\s+måste|vad\s+behöver|"
        r"vad\s+ska\s+till)\b",
    ),
    ("definition", r"^\s*(vad\s+är|vad\s+innebär|vad\s+betyder|vad\s+kallas|vad\s+menas)\b"),
    ("why", r"\b(varför|av\s+vilken\s+anledning|vad\s+är\s+syftet|i\s+syfte)\b"),
    ("how", r"^\s*(hur|på\s+vilket\s+sätt|med\s+hjälp\s+av\s+vad|genom\s+vad|via\s+vad)\b"),
)
_OPENINGS = tuple((kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in _WORDINGS)


def asks(question: str) -> Asks:
    """The first kind whose wording the question has, in the order above (a question that
    asks "how long" asks for a duration even though it also says "när")."""
    for kind, pattern in _OPENINGS:
        if pattern.search(question):
            return kind
    return "other"


TIME_WORDS = re.compile(
    rf"\b(?:{'|'.join(MONTHS)}|senast|löper\s+ut|i\s+kraft|till\s+och\s+med|från\s+och\s+med|"
    r"(?:19|20)\d\d|vecka|kvartal|årsskiftet|innan|före|efter)\b",
    re.IGNORECASE,
)
NUMBER = re.compile(
    r"\b\d+(?:[ ,.]\d+)*\b|\b(?:en|ett|två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv|"
    r"tjugo|trettio|hundra|tusen)\b",
    re.IGNORECASE,
)
DURATION = re.compile(
    r"\b(?:\d+|en|ett|två|tre|fyra|fem|sex|sju|åtta|nio|tio|tolv|tjugofyra|arton)"
    r"(?:\s*\(\d+\))?\s+(?:år|månader|månad|veckor|vecka|dagar|dag|dygn|timmar|timme|"
    r"kalenderdagar|arbetsdagar|minuter)\b",
    re.IGNORECASE,
)
NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-ZÅÄÖ][\wåäöé-]+")
BODY = re.compile(
    r"\b\w*(?:nämnd\w*|styrelse\w*|kommun\w*|region\w*|myndighet\w*|verket|verk|inspektion\w*|"
    r"landsting\w*|förbund\w*|utskott\w*|domstol\w*|polisen|staten|länsstyrelse\w*|"
    r"regeringen|riksdagen|fullmäktige|huvudman\w*|vårdgivare\w*|arbetsgivare\w*)\b",
    re.IGNORECASE,
)
DECIDES = re.compile(
    r"\b(beslutar|beslutade|beslöt|beslutat|godkänner|godkände|rekommendera\w*|bifaller|"
    r"avslår|antar|antas|uppdrar|fastställer|överlämnar|tillstyrker|väljer|valde|utser|utsåg|"
    r"har tagit del)\b",
    re.IGNORECASE,
)
PROPOSES = re.compile(r"\b(föreslås|föreslår|förslag)\b", re.IGNORECASE)
REQUIRES = re.compile(
    r"\b(krävs|måste|förutsätter|villkor\w*|förutsättning\w*|behöver|ska\s+ha)\b", re.IGNORECASE
)
PLACE = re.compile(r"\b(på|i|vid|hos|inom)\s+[\wåäö]+", re.IGNORECASE)
BECAUSE = re.compile(r"\b(eftersom|därför|för\s+att|syftet|syfte|på\s+grund\s+av|så\s+att)\b", re.I)
MEANS = re.compile(r"\b(är|innebär|betyder|kallas|menas|avses)\b", re.IGNORECASE)
BY_MEANS = re.compile(r"\b(genom|med\s+hjälp\s+av|via|med)\b", re.IGNORECASE)


def gives(kind: Asks, text: str) -> float:
    """Whether ``text`` holds the kind of thing asked for (1), only something near it (0.5),
    or nothing of the kind (0)."""
    if kind == "date":
        return 1.0 if EXACT_DATE.search(text) else 0.5 if TIME_WORDS.search(text) else 0.0
    if kind == "amount":
        return 1.0 if MONEY.search(text) else 0.5 if NUMBER.search(text) else 0.0
    if kind == "count":
        return 1.0 if re.search(r"\d", text) else 0.5 if NUMBER.search(text) else 0.0
    if kind == "duration":
        return 1.0 if DURATION.search(text) else 0.5 if TIME_WORDS.search(text) else 0.0
    if kind == "who":
        return 1.0 if BODY.search(text) else 0.5 if NAME.search(text) else 0.0
    if kind == "where":
        return 1.0 if PLACE.search(text) else 0.0
    if kind == "decision":
        return 1.0 if DECIDES.search(text) else 0.5 if PROPOSES.search(text) else 0.0
    if kind == "condition":
        return 1.0 if REQUIRES.search(text) else 0.0
    if kind == "why":
        return 1.0 if BECAUSE.search(text) else 0.0
    if kind == "definition":
        return 1.0 if MEANS.search(text) else 0.0
    if kind == "how":
        return 1.0 if BY_MEANS.search(text) else 0.0
    return 0.0
