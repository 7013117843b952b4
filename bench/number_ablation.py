"""The rules of ``ingest.numbers``, each with a way to switch it off and its trigger shape.

A rule is switched off by patching the module attribute it reads (a regex that matches nothing,
a table without a key), for a ``with`` block only: ``bench.number_rules`` compares the repair
with every rule on against the repair without one; each character a rule takes for a digit
or a sign is a rule of its own here. The rules the study deleted (``+`` as 4 before ``kap.``,
``t`` as 1, ``9`` as ``§``, letter-only dates and times) left this catalogue with them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import ingest.numbers as numbers
from ingest.numbers import split_punctuation

NEVER = re.compile(r"(?!x)x")


class _Hidden(dict[str, str]):
    """A table whose ``in`` no longer sees some keys (lookups still work): one chapter digit
    switched off while the others stay."""

    def __init__(self, table: Mapping[str, str], hidden: set[str]) -> None:
        super().__init__(table)
        self.hidden = hidden

    def __contains__(self, key: object) -> bool:
        return key not in self.hidden and super().__contains__(key)


@dataclass(frozen=True, slots=True)
class Shape:
    """A rule's trigger shape on a read token, whatever stands around it."""

    pattern: re.Pattern[str] | None = None
    """Must match the token without its punctuation (the whole token when ``whole``)."""
    among: frozenset[str] = frozenset()
    """Or: the token without its punctuation is one of these."""
    holding: str = ""
    """And it holds this character."""
    lettered: bool = False
    """And it holds a letter or a sign in a digit's place (not digits alone)."""
    closing: bool = False
    """And a ``)`` follows it."""
    whole: bool = False

    def __call__(self, token: str) -> bool:
        _, core, tail = split_punctuation(token)
        subject = token if self.whole else core
        found = bool(self.pattern.match(subject)) if self.pattern else core in self.among
        return (
            found
            and bool(core)
            and self.holding in core
            and (not self.lettered or any(c.isalpha() or c in "|'$&+" for c in core))
            and (not self.closing or tail.startswith(")"))
        )


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    patch: Mapping[str, object]
    """``ingest.numbers`` attributes and what replaces them to switch the rule off."""
    shape: Shape


def _drop(pattern: re.Pattern[str], char: str) -> re.Pattern[str] | None:
    """``pattern`` without ``char`` in its character classes; None when it has no ``char``."""
    if char not in pattern.pattern:
        return None
    if char in re.sub(r"\[[^\]]*\]", "", pattern.pattern):
        raise ValueError(f"{char!r} stands outside a character class in {pattern.pattern!r}")
    return re.compile(pattern.pattern.replace(char, ""))


def _pattern(name: str) -> re.Pattern[str]:
    found: re.Pattern[str] = getattr(numbers, name, NEVER)
    return found


def rules() -> list[Rule]:
    """Each rule of ``ingest.numbers`` and each character it reads as a digit or a sign; one
    that ``ingest.numbers`` does not have is left out."""
    n, p = numbers, _pattern
    tables = {name: getattr(n, name, {}) for name in ("CHAPTER_DIGITS", "LIST_DIGITS")}
    signs: frozenset[str] = getattr(n, "PARAGRAPH_SIGNS", frozenset())
    out = [
        Rule(
            f"CHAPTER_DIGITS {key}",
            {"CHAPTER_DIGITS": _Hidden(tables["CHAPTER_DIGITS"], {key})},
            Shape(among=frozenset({key})),
        )
        for key in tables["CHAPTER_DIGITS"]
    ]
    out += [
        Rule("FOOTNOTED_LAW", {"FOOTNOTED_LAW": NEVER}, Shape(p("FOOTNOTED_LAW"), whole=True)),
        Rule("NUMBERISH", {"NUMBERISH": NEVER}, Shape(p("NUMBERISH"), lettered=True)),
        *(
            Rule(
                f"NUMBERISH {ch}",
                {"NUMBERISH": _drop(p("NUMBERISH"), ch)},
                Shape(p("NUMBERISH"), holding=ch),
            )
            for ch in getattr(n, "_LOOKS_DIGIT", "")
        ),
        Rule("YEAR_SHAPE", {"YEAR_SHAPE": NEVER}, Shape(p("YEAR_SHAPE"), lettered=True)),
        Rule("DAY_MONTH", {"DAY_MONTH": NEVER}, Shape(p("DAY_MONTH"))),
        Rule("lone l before a month", {"MONTH": NEVER}, Shape(among=frozenset({"l"}))),
        Rule("LIST_DIGITS", {"LIST_DIGITS": {}}, Shape(among=frozenset(tables["LIST_DIGITS"]))),
        Rule("PARAGRAPH_SIGNS", {"PARAGRAPH_SIGNS": frozenset()}, Shape(among=signs)),
        *(
            Rule(
                f"PARAGRAPH_SIGNS {sign}",
                {"PARAGRAPH_SIGNS": signs - {sign}},
                Shape(among=frozenset({sign})),
            )
            for sign in sorted(signs)
        ),
    ]
    return [
        rule
        for rule in out
        if all(value is not None and hasattr(n, name) for name, value in rule.patch.items())
    ]


@contextmanager
def switched_off(rule: Rule | None) -> Iterator[None]:
    """``ingest.numbers`` without ``rule`` for the duration (None: every rule on)."""
    patch = rule.patch if rule else {}
    saved = {name: getattr(numbers, name) for name in patch}
    try:
        for name, value in patch.items():
            setattr(numbers, name, value)
        yield
    finally:
        for name, value in saved.items():
            setattr(numbers, name, value)
