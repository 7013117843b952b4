"""Municipalities a question names: "Vad beslutade Botkyrka …", "i Norrtäljes tjänsteutlåtande".

The same regional agreement lies in several municipalities' packets, nearly word for word; when
a question names one of the municipalities in the index, its passages are preferred. A
preference and not a filter: the answer may lie in a document that only names the place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from index.lexical import fold


def named_municipalities(question: str, municipalities: Iterable[str]) -> frozenset[str]:
    """The municipalities of the index that ``question`` names, as a word (in the genitive
    too: ``Norrtäljes``); a city by its full name (``Stockholms stad``), since ``Stockholms``
    alone names the county as often."""
    folded = fold(question)
    found = set()
    for name in municipalities:
        pattern = re.escape(fold(name)) + ("" if " " in name else "s?")
        if re.search(rf"(?<!\w){pattern}(?!\w)", folded):
            found.add(name)
    return frozenset(found)
