"""Follow-up questions read with the conversation before them.

"Och från när gäller det?" after "Hur mycket ska kommunen betala per dygn för en
utskrivningsklar patient?" asks about the same thing: the earlier question's subject (its
content words, not what it asked for) is carried over, and the new question decides what is
asked (a date now, not an amount).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from answer.periods import MONTHS
from answer.question import DEADLINE, DECISION, WHO
from index.lexical import QUESTION_WORDS, STOP, tokens, words

OPENS_FOLLOW_UP = re.compile(
    r"^\s*(och|men|samt|även|också|då|sedan|dessutom|i så fall|vad gäller|hur är det med|"
    r"hur blir det med|gäller det|gäller detta|gäller samma)\b",
    re.IGNORECASE,
)
POINTS_BACK = re.compile(
    r"\b(det|den|detta|denna|dessa|dem|de|där|då|dit|därefter|samma|hen|han|hon|"
    r"beslutet|avtalet|överenskommelsen|ärendet|bidraget|beloppet)\b",
    re.IGNORECASE,
)
"""Words that point at something said before: pronouns and the definite nouns a follow-up
uses for "the thing we talked about"."""
MAX_OWN_WORDS = 2
"""A question with this few content words of its own, pointing back, is a follow-up."""
MAX_WORDS = 5
"""Up to this many, when it names nothing of its own."""
MONTH = re.compile("|".join(MONTHS))
ASKING = (DECISION, DEADLINE, WHO)
"""Words that ask for a decision, a date or a person are not carried over: the new question
says what it asks for. (Money words are: "betala per dygn" is what the talk is about.)"""


def resolve(question: str, earlier: Sequence[str]) -> str:
    """The question as it would be asked on its own: itself when it stands alone, else with
    the subject of the latest earlier question (itself already resolved) added."""
    if not earlier or not is_follow_up(question):
        return question
    subject = _subject(earlier[-1], question)
    if not subject:
        return question
    asked = OPENS_FOLLOW_UP.sub("", question, count=1).strip(" ,")
    asked = asked[:1].upper() + asked[1:]
    return f"{asked.rstrip('?').rstrip()} – {subject}?"


def resolve_all(questions: Sequence[str]) -> list[str]:
    """Each question of a conversation resolved against the ones before it."""
    resolved: list[str] = []
    for question in questions:
        resolved.append(resolve(question, resolved))
    return resolved


def is_follow_up(question: str) -> bool:
    """A question that points back ("det", "avtalet", "då") or opens with "Och"/"Men", and is
    short, or names nothing of its own (no name, acronym or number)."""
    if not (OPENS_FOLLOW_UP.search(question) or POINTS_BACK.search(question)):
        return False
    own = tokens(question, query=True)
    return len(own) <= MAX_OWN_WORDS or (len(own) <= MAX_WORDS and not _names(question))


def _names(question: str) -> bool:
    """Does the question name something itself: a name or acronym past its first word, or a
    number (a year, a dnr)?"""
    words = question.split()
    return any(ch.isdigit() for ch in question) or any(
        w.strip("?!.,:;()\"'")[:1].isupper() for w in words[1:]
    )


def _subject(earlier: str, question: str) -> str:
    """The content words of the earlier question in its own spelling, leaving out what it
    asked for and what the new question already says."""
    have = set(tokens(question, query=True))
    kept: list[str] = []
    for word in earlier.replace("–", " ").split():
        bare = word.strip("?!.,:;()\"'")
        low = bare.casefold()
        if not bare or low in STOP or low in QUESTION_WORDS or low in {"då", "det"}:
            continue
        if any(ch.isdigit() for ch in bare) or MONTH.fullmatch(low):
            continue  # "den 13 juni 2019" said when, not what: the new question says when
        if any(pattern.fullmatch(bare) for pattern in ASKING):
            continue
        stems = tokens(bare)
        if not stems or set(stems) <= have or not words(bare):
            continue
        if bare not in kept:
            kept.append(bare)
    return " ".join(kept)
