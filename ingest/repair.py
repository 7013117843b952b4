"""Repairing OCR-damaged Swedish with a noisy channel: the likeliest Swedish word that OCR would
have turned into what the page shows.

For each word that is not valid Swedish (or is, but a far likelier word is a cheap OCR edit
away: ``for`` → ``för``), candidates come from reversing the learned OCR confusions
(``ingest.channel``); each is scored by its channel cost plus −ln of its frequency in Swedish
(``ingest.vocabulary``), and a candidate that follows the previous word in the clean documents
is preferred. Numbers are mended by ``ingest.numbers``; a word split in two (``fu ngerande``) is
joined, and two words run together (``attanta``) are parted, where the lexicon is sure.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from ingest.channel import Channel, Rules, default_channel
from ingest.numbers import repair_numbers, split_punctuation
from ingest.vocabulary import Vocabulary

LETTERS = re.compile(
    r"^(?=(?:[^a-zåäöéA-ZÅÄÖÉ]*[a-zåäöéA-ZÅÄÖÉ]){2})(?!(?:\D*\d){3})(?!.*[@/])"
    r"(?!.*\.(?:se|nu|com|org|net|eu|info)$)\S+$"
)
"""A word as OCR leaves it: two letters or more, with digits and stray marks inside
(``6verenskonunelse``, ``d,verenskommelse``, ``l:in``, ``a]la``), but not a number, an
e-mail address or a web address (``norrtalje.se``)."""
PLAIN_WORD = re.compile(r"^[^\W\d_]+$")
FALLBACK_MIN = 4
"""Shorter words are not searched with unseen confusions: too many short words lie one
unseen reading away, and context cannot choose among them (``tna`` → ``så``? ``två``?)."""
ACRONYM = re.compile(r"^[A-ZÅÄÖ]{2,5}$")
"""``KSON``, ``VIS``, ``IVO``: names, not damaged words; left as they stand."""


@dataclass(frozen=True, slots=True)
class RepairSettings:
    max_edits: int = 3
    budget: float = 10.0
    """Largest total channel cost of a candidate."""
    known_margin: float = 2.0
    """How much likelier (in nats) a candidate must be to replace a valid word."""
    bigram_bonus: float = 2.5
    split_penalty: float = 4.0
    max_candidates: int = 4000
    guess: float = 7.5
    """Candidates this costly rest on smoothed guesses only; letter-for-letter readings then
    compete with them."""
    fallback_budget: float = 12.0
    """Largest cost in the second search: one unseen confusion (8.5–12.3) and a cheap learned
    one."""
    fallback_edits: int = 2
    nearest_min: int = 7
    """A damaged word this long that no reading explains is matched against the words of
    the clean documents: long words have few neighbours, so the nearest one is telling."""
    nearest_share: float = 0.3
    """At most this share of its characters may differ from that word."""


@dataclass(slots=True)
class Repairer:
    """Corrects lines of OCR-damaged Swedish; remembers the words it has corrected."""

    vocabulary: Vocabulary
    channel: Channel = field(default_factory=default_channel)
    settings: RepairSettings = field(default_factory=RepairSettings)
    _memo: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    _near_words: dict[tuple[int, int], list[str]] = field(default_factory=dict)

    def repair_line(self, line: str, previous: str = "") -> str:
        """One line, repaired; ``previous`` is the (repaired) word before it, for context."""
        tokens = repair_numbers(line.split())
        out: list[str] = []
        last = previous.lower()
        for i, token in enumerate(tokens):
            head, core, tail = split_punctuation(token)
            following = split_punctuation(tokens[i + 1])[1] if i + 1 < len(tokens) else ""
            repairable = LETTERS.match(core) and not ACRONYM.match(core)
            fixed = self.correct(core, last, following) if repairable else core
            out.append(head + fixed + tail)
            last = fixed.lower() if fixed else last
        return " ".join(_join_split_words(out, self.vocabulary))

    def correct(self, word: str, previous: str = "", following: str = "") -> str:
        """The likeliest Swedish word behind ``word`` (``word`` itself when nothing is
        clearly likelier)."""
        lower = word.lower()
        own = self.vocabulary.cost(lower) if PLAIN_WORD.match(lower) else None
        best, best_score = word, own if own is not None else math.inf
        options = [*self.candidates(lower), *self._splits(lower)]
        for candidate, channel in options:
            score = channel + sum(map(self.vocabulary.cost_or_inf, candidate.split(" ")))
            if previous and self.vocabulary.follows(previous, candidate.split(" ")[0]):
                score -= self.settings.bigram_bonus
            if following and self.vocabulary.follows(candidate.split(" ")[-1], following.lower()):
                score -= self.settings.bigram_bonus
            if score < best_score:
                best, best_score = candidate, score
        if own is not None and best != word and best_score > own - self.settings.known_margin:
            return word
        if own is None and (best == word or not self.vocabulary.seen[best]):
            # A damaged word that no reading makes a word of the clean documents: their
            # nearest word, if one is close, is likelier than a reading of a rarer word.
            best = self.nearest(lower) or best
        return word if best == word else _same_case(word, best)

    def nearest(self, word: str) -> str | None:
        """The one word of the clean documents closest to a long damaged word
        (``utskrirmingsklar`` → ``utskrivningsklar``), when it is close and no other word is
        as close."""
        letters = sum(ch.isalpha() for ch in word)
        if letters < self.settings.nearest_min or not self.vocabulary.seen:
            return None
        limit = int(len(word) * self.settings.nearest_share)
        span = (len(word) - limit, len(word) + limit)
        if span not in self._near_words:  # only words of a length within reach
            self._near_words[span] = [
                w for w in self.vocabulary.seen if span[0] <= len(w) <= span[1] and w.isalpha()
            ]
        found = process.extract(
            word, self._near_words[span], scorer=Levenshtein.distance, score_cutoff=limit, limit=5
        )
        if not found:
            return None
        closest = sorted(
            (str(w) for w, distance, _ in found if distance == found[0][1]),
            key=lambda w: -self.vocabulary.seen[w],
        )
        # Among equally close words, one the documents use far more often than the others
        # (``överenskommelse``, not the stray ``verenskommelse`` of a broken line).
        if (
            len(closest) > 1
            and self.vocabulary.seen[closest[1]] * 2 > self.vocabulary.seen[closest[0]]
        ):
            return None
        return closest[0]

    def candidates(self, word: str) -> list[tuple[str, float]]:
        """Swedish words (compounds too) that OCR could have turned into ``word``, with the
        channel's cost of each.

        A valid word is searched only as far as a candidate could still beat it; a word that
        is not valid and that the learned confusions do not explain gets a second search
        where any letter may have been read as anything (at the channel's cost of an unseen
        confusion), once."""
        cached = self._memo.get(word)
        if cached is None:
            settings = self.settings
            own = self.vocabulary.cost(word) if PLAIN_WORD.match(word) else None
            budget = settings.budget
            if own is not None:
                best_word = self.vocabulary.floor()
                reach = own - settings.known_margin + 2 * settings.bigram_bonus - best_word
                budget = min(budget, reach)
            cached = self._search(word, self.channel.rules, budget, settings.max_edits)
            unexplained = all(cost >= settings.guess for _, cost in cached)
            wide = own is None and unexplained and len(word) >= FALLBACK_MIN
            if wide and not self.vocabulary.looks_inflected(word):
                wider = self._search(
                    word, self.channel.fallback, settings.fallback_budget, settings.fallback_edits
                )
                cached = [*cached, *wider]
            self._memo[word] = cached
        return cached

    def _search(
        self, word: str, rules: Rules, budget: float, max_edits: int
    ) -> list[tuple[str, float]]:
        """Depth first over the word's readings, pruned to prefixes of Swedish words; a
        compound's next part may begin wherever the part so far can be a first part."""
        size = len(word)
        options = [_options(word, i, rules, self.channel.longest) for i in range(size)]
        found: dict[str, float] = {}
        vocabulary = self.vocabulary
        is_prefix, is_head = vocabulary.is_prefix, vocabulary.is_head
        knows, is_tail = vocabulary.knows, vocabulary.is_tail
        cap = self.settings.max_candidates

        def walk(i: int, built: str, start: int, cost: float, edits: int) -> None:
            if i == size:
                part = built[start:]
                whole = knows(part) if start == 0 else is_tail(part)
                if whole and cost < found.get(built, math.inf):
                    found[built] = cost
                return
            if len(found) >= cap:
                return
            for piece, step, step_cost in options[i]:
                if step_cost and (edits >= max_edits or cost + step_cost > budget):
                    break
                extended = built + piece
                part = extended[start:]
                if not is_prefix(part):
                    continue
                more = edits + (step_cost > 0)
                walk(i + step, extended, start, cost + step_cost, more)
                if len(part) >= 3 and i + step < size - 3 and is_head(part):
                    walk(i + step, extended, len(extended), cost + step_cost, more)

        walk(0, "", 0, 0.0, 0)
        return [(w, c) for w, c in found.items() if w != word]

    def _splits(self, word: str) -> list[tuple[str, float]]:
        """Two common words run together (``attanta`` → ``att anta``), as candidates whose
        cost is the penalty for a lost space."""
        if not PLAIN_WORD.match(word) or len(word) < 5:
            return []
        return [
            (f"{word[:i]} {word[i:]}", self.settings.split_penalty)
            for i in range(2, len(word) - 1)
            if self.vocabulary.is_common(word[:i]) and self.vocabulary.is_common(word[i:])
        ]


def _options(word: str, i: int, rules: Rules, longest: int) -> list[tuple[str, int, float]]:
    """What the OCR text at ``i`` may have been: itself, or a rule's source; cheapest first."""
    found = [(word[i], 1, 0.0)]
    for size in range(1, min(longest, len(word) - i) + 1):
        found.extend((source, size, cost) for source, cost in rules.get(word[i : i + size], ()))
    found[1:] = sorted(found[1:], key=lambda option: option[2])
    return found


def _join_split_words(tokens: Sequence[str], vocabulary: Vocabulary) -> list[str]:
    """``fu ngerande`` → ``fungerande``: two pieces that are one known word and not two."""
    out: list[str] = []
    for token in tokens:
        if out and PLAIN_WORD.match(out[-1]) and PLAIN_WORD.match(token):
            joined = out[-1] + token
            pieces_known = vocabulary.knows(out[-1].lower()) and vocabulary.knows(token.lower())
            if not pieces_known and vocabulary.knows(joined.lower()) and len(joined) >= 6:
                out[-1] = joined
                continue
        out.append(token)
    return out


def _same_case(original: str, word: str) -> str:
    if len(original) > 1 and original.isupper():
        return word.upper()
    if original[:1].isupper():
        return word[:1].upper() + word[1:]
    return word
