"""Fitting the OCR channel to one document: each scan has its own habits.

The channel (``ingest.channel``) was learned from one OCR engine on one rendering; an old scan
may read ``å`` as ``6`` or ``e`` far more often than that sample did (``fr6n``, ``iippenverden``).
A first pass repairs the document with the channel as learned; the confusions behind the words
it corrected are then counted against how many of its words hold the Swedish letter at all,
and a confusion the document shows clearly (in several different words) costs what the
document says, when that is cheaper. The second pass repairs with those costs. This is one
step of expectation maximisation, with the learned channel as the prior.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

MIN_WORDS = 3
"""A confusion of å, ä or ö counts only when at least this many different words show it: one
or two can be the first pass's own mistakes (``l[mna`` → ``lena``)."""
MIN_WORDS_KNOWN = 6
"""The same for the letters the English model knows: its sample of how it reads them is
sound, and a scan must show a habit of its own more often to outweigh it."""
DIACRITICS = frozenset("åäö")
PRIOR_WORDS = 200.0
"""The learned channel's weight, in words: a document's counts move a cost only as far as
they outweigh this many words read the learned way."""


def adapted_costs(
    evidence: Mapping[tuple[str, str, float], Iterable[str]], words: Iterable[str]
) -> dict[tuple[str, str], float]:
    """Costs, −ln P(OCR piece | Swedish piece), for the confusions that the document shows
    more often than the channel learned. ``evidence``: each confusion (OCR piece, Swedish
    piece, learned cost) → the damaged words it explained in the first pass; ``words``: the
    document's words after that pass."""
    vocabulary = set(words)
    holding: dict[str, int] = {}
    costs: dict[tuple[str, str], float] = {}
    for (ocr, source, learned), shown in evidence.items():
        seen = len(set(shown))
        if seen < (MIN_WORDS if DIACRITICS.intersection(source) else MIN_WORDS_KNOWN):
            continue
        if source not in holding:
            holding[source] = sum(source in word for word in vocabulary)
        prior = math.exp(-learned)
        share = (seen + PRIOR_WORDS * prior) / (max(holding[source], seen) + PRIOR_WORDS)
        if -math.log(share) < learned:
            costs[ocr, source] = -math.log(share)
    return costs
