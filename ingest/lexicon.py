"""Swedish words: is a token a real Swedish word, and how much of a text is made of them.

The word list is wordfreq's large Swedish list (inside the wheel, no download), loaded once.
"""

from __future__ import annotations

import functools
import re

import wordfreq

MIN_FREQUENCY = 1e-7
"""Words rarer than this (Zipf < 2) are mostly OCR noise and typos in the web text the list
comes from (``frin``, ``zozo``), so they do not count as known."""

WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


@functools.cache
def frequencies() -> dict[str, float]:
    """Swedish word → frequency (share of running words)."""
    return wordfreq.get_frequency_dict("sv", wordlist="large")


def is_known(word: str) -> bool:
    return frequencies().get(word.lower(), 0.0) >= MIN_FREQUENCY


def words(text: str) -> list[str]:
    """The alphabetic words of a text (hyphenated compounds kept whole)."""
    return WORD.findall(text)


def known_share(text: str) -> float:
    """Share of the words of two letters or more that are known Swedish words (0 without any).

    A hyphenated compound counts as known when each part is (``hälso-`` in ``hälso- och``).
    """
    candidates = [w for w in words(text) if len(w) >= 2]
    if not candidates:
        return 0.0
    known = sum(all(is_known(part) for part in w.split("-") if part) for w in candidates)
    return known / len(candidates)


def known_count(text: str) -> int:
    return sum(is_known(w) for w in words(text))
