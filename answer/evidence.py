"""Scoring sentences of retrieved passages as answers to a question."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from answer.question import Question
from answer.sentences import Sentence, split_sentences
from index.lexical import fold, tokens
from index.records import Hit

DECIDES = re.compile(
    r"\b(beslutar|beslutade|beslöt|beslutat|godkänner|godkände|rekommendera\w*|bifaller|"
    r"avslår|antar|antas|uppdrar|fastställer|överlämnar|tillstyrker|väljer|valde|utser|utsåg|"
    r"har tagit del)\b",
    re.IGNORECASE,
)
PROPOSES = re.compile(r"\b(föreslås|föreslår|förslag)\b", re.IGNORECASE)
SECTION_WEIGHT = {
    "Beslut": 0.3,
    "Styrelsens beslut": 0.3,
    "Förslag till beslut": 0.15,
}
DATE = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}\s+(januari|februari|mars|april|maj|juni|juli|augusti|"
    r"september|oktober|november|december)(\s+\d{4})?\b|\bsenast\b|\blöper ut\b|\bi kraft\b|"
    r"\bmånader\b|\btill och med\b|\bfrån och med\b",
    re.IGNORECASE,
)
MONEY = re.compile(
    r"\b\d{1,3}(?:[ .]\d{3})*(?:,\d+)?\s?(?:kronor|kr\b|tkr|mkr|miljoner|miljarder|sek\b)",
    re.IGNORECASE,
)
QUANTITY = re.compile(
    r"\b\d+(?:,\d+)?\s?(?:kalenderdagar|dagar|dygn|procent|%|månader|timmar|veckor)|\b\d+,\d+\b",
    re.IGNORECASE,
)
REQUIRES = re.compile(r"\b(krävs|måste|förutsätter|villkor\w*|förutsättning\w*)\b", re.I)
LIST_ITEM = re.compile(r"^(?:\d{1,2}[.)]|[a-zA-Z][.)]|[•▪●*–-])\s")
ANAPHORA = re.compile(r"\b(detta|denna|dessa|därmed|därför)\b|^(Det|Den|De|Där|Då)\b")
INTRO = re.compile(r"(?:följande(?: beslut)?\.?|:)$", re.IGNORECASE)
LISTS_OF_DOCUMENTS = frozenset({"Bilagor", "Bilaga", "Beslutsunderlag", "Handlingar"})
ASKS_DOCUMENTS = re.compile(r"\b(bilag\w*|underlag\w*|handling\w*|dokument\w*)\b", re.I)
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
    index: int


def candidates(question: Question, hits: Iterable[Hit]) -> list[Candidate]:
    hits = list(hits)
    split = [split_sentences(hit.text) for hit in hits]
    own = [[stems(s.text) for s in sentences] for sentences in split]
    weights = _term_weights(question, [have for per_hit in own for have in per_hit])
    out: list[Candidate] = []
    for rank, (hit, sentences) in enumerate(zip(hits, split, strict=True)):
        context = stems(f"{hit.title or ''} {hit.section or ''} {hit.text}")
        heading = stems(hit.section or "")
        for index, sentence in enumerate(sentences):
            opens_list = index + 1 < len(sentences) and bool(
                LIST_ITEM.match(sentences[index + 1].text)
            )
            have = own[rank][index]
            if LIST_ITEM.match(sentence.text):
                have = have | heading  # an item of the list under "Bilagor" is a Bilaga
            found = Found(sentence, have, context, opens_list)
            out.append(_score(question, weights, hit, rank, index, found))
    return out


@dataclass(frozen=True, slots=True)
class Found:
    """A sentence with its stems, its passage's stems, and whether a list follows it."""

    sentence: Sentence
    stems: set[str]
    context: set[str]
    opens_list: bool


CARRIED_WEIGHT = 0.25
"""How much a word a follow-up carried from the conversation counts when its sentences are
ranked (the passage should speak of it; the sentence that answers need not repeat it)."""


def _term_weights(question: Question, per_sentence: list[set[str]]) -> dict[str, float]:
    """Question words that few of the candidate sentences share weigh more: among passages
    about SIP, "kalla" tells the sentences apart, "samordnad individuell plan" does not."""
    n = len(per_sentence)
    return {
        word: math.log(1 + n / (1 + sum(1 for have in per_sentence if matches(word, have))))
        for word in question.stems
    }


def _score(
    question: Question,
    weights: dict[str, float],
    hit: Hit,
    rank: int,
    index: int,
    found: Found,
) -> Candidate:
    sentence, opens_list = found.sentence, found.opens_list
    text = sentence.text
    own = {w: x * CARRIED_WEIGHT if w in question.carried else x for w, x in weights.items()}
    asked = _coverage(own, found.stems)
    # A follow-up's sentence may cover the question read with the conversation, or what the
    # person asked now ("Och till vilket datum förlängs det?").
    coverage = max(_coverage(weights, found.stems), asked)
    support = _coverage(dict.fromkeys(question.stems, 1.0), found.context)
    names_period = _names_period(question, text)
    evidence = _kind_evidence(question, text) or (question.kind == "condition" and opens_list)
    score = asked + 0.5 * support + 0.3 / (1 + rank)
    score += _kind_bonus(question, hit, text)
    if question.predicate and matches(question.predicate, found.stems):
        score += 0.4  # the sentence says the thing asked about is done, and by whom
    if question.kind == "condition" and opens_list:
        score += 0.5
    if question.years or question.month_years:
        score += 0.4 if names_period else -1.0
    if not opens_list:
        score -= _form_penalty(text)
    if is_heading(text) and not opens_list:
        score = -1.0  # a heading names a subject; it never answers
    if hit.section in LISTS_OF_DOCUMENTS and not ASKS_DOCUMENTS.search(question.text):
        score -= 0.5  # "3. Yttrande över … daterad 2019-10-01" names a document, says nothing
    return Candidate(hit, rank, sentence, score, coverage, support, names_period, evidence, index)


def is_heading(text: str) -> bool:
    return len(text.split()) <= 14 and not text.endswith((".", "!", "?", ")", ":"))


def _form_penalty(text: str) -> float:
    """Headings, introductions to a list and fragments are not answers."""
    words = len(text.split())
    if words < 4:
        return 0.8
    if INTRO.search(text):
        return 0.6
    return 0.2 if text[0].islower() else 0.0


def stems(text: str) -> set[str]:
    found = tokens(text)
    return set(found) | {fold(s) for s in found}


def _coverage(weights: dict[str, float], have: set[str]) -> float:
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    return sum(w for word, w in weights.items() if matches(word, have)) / total


def matches(word: str, have: set[str]) -> bool:
    if word in have or fold(word) in have:
        return True
    if len(word) == 4:  # a short stem begins its longer forms: "kost" (kostar), "kostnad"
        return any(len(h) >= 5 and h.startswith(word) for h in have)
    if len(word) < 4:
        return False
    # Swedish compounds: "avtal" is in "ramavtal", "kraft" in "ikraftträdande".
    return any(len(h) >= 5 and (word in h or h in word) for h in have)


def _kind_evidence(question: Question, text: str) -> bool:
    """Does the sentence hold what the question asks for: a decision, a date, an amount?"""
    if question.kind == "decision":
        return bool(DECIDES.search(text) or PROPOSES.search(text))
    if question.kind == "deadline":
        return bool(DATE.search(text))
    if question.kind == "payment":
        money = MONEY.search(text)
        return bool(money if question.wants_money else money or QUANTITY.search(text))
    if question.kind == "who":  # a name the question does not already say
        asked = question.text.casefold()
        return any(m.group(0).casefold() not in asked for m in NAME.finditer(text))
    if question.kind == "condition":
        return bool(REQUIRES.search(text) or LIST_ITEM.match(text))
    return False


def _kind_bonus(question: Question, hit: Hit, text: str) -> float:
    if not _kind_evidence(question, text):
        return 0.0
    if question.kind == "decision":
        verb = 0.5 if DECIDES.search(text) else 0.3
        return verb + SECTION_WEIGHT.get(hit.section or "", 0.0)
    return 0.3 if question.kind == "who" else 0.5


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
