"""Word pairs of Swedish: how often one word follows another in a body of prose.

The repair weighs a reading by the word before and after it (``för`` and ``rör`` are both
words; ``ansvar för`` is a pair, ``ansvar rör`` is not). The clean documents of an index give
the pairs of their own phrasing; the shipped pairs (``ingest/data/bigrams.tsv.gz``, built by
``python -m bench.train_bigrams``) come from Swedish agency and council prose that is not the
corpus, so the repair has context before any document is indexed.
"""

from __future__ import annotations

import functools
import gzip
import itertools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

WORD = re.compile(r"[^\W\d_]+|\d+")
NUMBER = "<tal>"
"""Every number, as one word: ``år <tal>``, ``<tal> kronor``."""
SHIPPED = "bigrams.tsv.gz"


def tokens(text: str) -> list[str]:
    """The words of a text as the pair counts know them: small letters, numbers as one."""
    return [NUMBER if w[0].isdigit() else w.lower() for w in WORD.findall(text)]


@dataclass(slots=True)
class Bigrams:
    pairs: Counter[tuple[str, str]] = field(default_factory=Counter)
    firsts: Counter[str] = field(default_factory=Counter)
    """How often each word is the first of a pair."""

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Bigrams:
        bigrams = cls()
        for text in texts:
            bigrams.add(tokens(text))
        return bigrams

    def add(self, words: list[str]) -> None:
        for pair in itertools.pairwise(words):
            self.pairs[pair] += 1
            self.firsts[pair[0]] += 1

    def count(self, first: str, second: str) -> int:
        return self.pairs.get((first, second), 0)

    def save(self, path: Path) -> None:
        """Pairs as ``first\\tsecond\\tcount`` lines, gzipped, in a stable order."""
        lines = (f"{a}\t{b}\t{n}\n" for (a, b), n in sorted(self.pairs.items()))
        with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as out:
            out.writelines(lines)

    @classmethod
    def read(cls, text: str) -> Bigrams:
        bigrams = cls()
        for line in text.splitlines():
            first, second, count = line.split("\t")
            bigrams.pairs[first, second] = int(count)
            bigrams.firsts[first] += int(count)
        return bigrams


@functools.cache
def shipped() -> Bigrams:
    """The pairs that come with the package (loaded once)."""
    data = resources.files("ingest").joinpath("data", SHIPPED).read_bytes()
    return Bigrams.read(gzip.decompress(data).decode("utf-8"))
