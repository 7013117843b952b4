"""The names a question gives (a body, a place, an agreement, a year) and whether passages hold
them: a question about Region Skåne is not answered from a passage about Region Stockholm."""

from __future__ import annotations

import re
from collections.abc import Iterable

from index.lexical import fold
from index.records import Hit

NAME_WORD = re.compile(r"\b(?:[A-ZÅÄÖ][\wåäöé-]*[A-ZÅÄÖ0-9][\wåäöé-]*|[A-ZÅÄÖ][a-zåäöé]+|\d{2,})")
"""A capitalised word not at the question's start (``Skåne``), an acronym (``YAP``, ``SIP``)
or a number of two digits or more (a year, a paragraph)."""
WORD = re.compile(r"[\wåäöé-]+")


def names(question: str) -> frozenset[str]:
    """The folded names of a question (its first word is never one)."""
    body = question.strip()
    first = re.match(r"\S+\s*", body)
    rest = body[first.end() :] if first else body
    return frozenset(fold(m.group(0)) for m in NAME_WORD.finditer(rest))


def holds_name(name: str, have: Iterable[str]) -> bool:
    """A folded name among folded words: as it is, inside a compound (``norrtalje`` in
    ``norrtaljebor``) or inflected (``norrtaljes``), for names of four letters or more."""
    words = set(have)
    if name in words:
        return True
    return len(name) >= 4 and any(name in w or (len(w) >= 4 and w in name) for w in words)


def unsupported(question: str, hits: Iterable[Hit]) -> list[str]:
    """The question's names that none of ``hits`` holds in its text, headings, municipality
    or committee, as the question writes them (``Region Skåne``). The composer passes the
    retrieved passages of the documents it cites: a protocol names its board once, in a
    passage other than the decision."""
    have: set[str] = set()
    for hit in hits:
        told = (hit.title, hit.section, hit.text, hit.municipality, hit.committee)
        have |= {fold(w) for w in WORD.findall(" ".join(t for t in told if t))}
    missing = [n for n in sorted(names(question)) if not holds_name(n, have)]
    return list(dict.fromkeys(as_written(question, n) for n in missing))


def as_written(question: str, name: str) -> str:
    """The run of capitalised words around ``name`` in the question."""
    words = WORD.findall(question)
    for i, word in enumerate(words):
        if fold(word) == name:
            start, end = i, i + 1
            while start > 1 and words[start - 1][:1].isupper():
                start -= 1
            while end < len(words) and words[end][:1].isupper():
                end += 1
            return " ".join(words[start:end])
    return name
