"""Repairing OCR-damaged Swedish with a noisy channel: the likeliest Swedish word that OCR would
have turned into what the page shows.

For each word that is not valid Swedish (or is, but a likelier word is a cheap OCR edit away:
``for`` → ``för``), candidates come from reversing the learned OCR confusions
(``ingest.channel``); each is scored by its channel cost plus −ln of its frequency in Swedish
(``ingest.vocabulary``), less what the words around it make it likelier by in the clean
documents (``Stockholms län``). A document is repaired twice: the first pass shows which
confusions this scan makes, and the second uses them (``ingest.adapt``). Numbers are mended
by ``ingest.numbers``; a word split in two (``fu ngerande``) is joined, two words run
together (``attanta``, ``iStockholms``) are parted where the lexicon is sure, and the parts of
``informationssystem/IT-stdd`` are repaired one by one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from ingest.adapt import adapted_costs
from ingest.channel import Channel, Rules, default_channel
from ingest.clean import UNMARKED
from ingest.numbers import repair_numbers, split_punctuation
from ingest.vocabulary import FUNCTION_WORD, Vocabulary

LETTERS = re.compile(
    r"^(?=(?:[\W\d]*[^\W\d]){2})(?!(?:\D*\d){3})(?!.*[@/])"
    r"(?!.*\.(?:se|nu|com|org|net|eu|info)$)\S+$"
)
"""A word as OCR leaves it: two letters or more (a letter with a mark Swedish does not use,
``pá``, and GOCR's ``_`` for a glyph it could not read, ``p_``, count), with digits and stray
marks inside (``6verenskonunelse``, ``d,verenskommelse``, ``l:in``, ``a]la``), but not a
number, an e-mail address or a web address (``norrtalje.se``)."""
PLAIN_WORD = re.compile(r"^[^\W\d_]+$")
WORD = re.compile(r"[^\W\d_]+")
FALLBACK_MIN = 4
"""Shorter words are not searched with unseen confusions: too many short words lie one
unseen reading away, and context cannot choose among them (``tna`` → ``så``? ``två``?)."""
LONGEST_WORD = 64
"""A token longer than this is no misread word (a run of marks, a line read without spaces)
and is left as it is: the search walks it letter by letter."""
ACRONYM = re.compile(r"^[A-ZÅÄÖ]{2,5}$")
"""``KSON``, ``VIS``, ``IVO``: names, not damaged words; left as they stand."""
ISOLATED_I = re.compile(r"^l[A-ZÅÄÖ]{1,4}$")
"""``lT``, ``lVO``: a capital I read as l in front of an acronym."""
CAPITAL_RUN_ON = re.compile(r"^([a-zåäö]{1,3})([A-ZÅÄÖ][a-zåäö]{3,})$")
"""``iStockholms``: a short word and a capitalised one with the space between them lost."""
SENTENCE_END = frozenset(("", ".", ":", "!", "?"))
"""What the token before a sentence's first word ends with (nothing at the text's start)."""
PART_BREAK = re.compile(r"([/-])")
"""Parts of a token that are words of their own: ``lT-stiid``, ``system/IT-stdd``."""
URLISH = re.compile(r"://|^www\.|\.(?:se|nu|com|org|net|eu|info)(?:/|$)", re.IGNORECASE)


Step = tuple[str, str]
"""A confusion: the OCR piece and the Swedish piece it stands for (``("6", "ö")``)."""
Steps = tuple[tuple[str, str, float], ...]
Option = tuple[str, int, float, tuple[str, str, float]]
"""A reading of the OCR text at a place: the Swedish piece, how many OCR characters it takes,
its cost and the confusion it is."""


class Part(NamedTuple):
    """A reading of the end of a word, while the search builds it."""

    text: str
    cost: float
    edits: int
    steps: Steps


class Context(NamedTuple):
    """The words around a word."""

    previous: str
    following: str


class Reading(NamedTuple):
    """A Swedish word behind an OCR word, the confusions that lead to it and their cost."""

    word: str
    cost: float
    steps: Steps


@dataclass(frozen=True, slots=True)
class RepairSettings:
    max_edits: int = 3
    budget: float = 10.0
    """Largest total channel cost of a candidate."""
    known_margin: float = 0.0
    """How much likelier (in nats) a candidate must be to replace a valid word. None: reading
    a letter as itself is near certain, so the valid word's own channel cost is about 0."""
    bigram_bonus: float = 6.0
    """The most (in nats) that each neighbour can make a reading likelier by, through the
    word pairs of the clean documents."""
    pair_weight: float = 0.5
    """The share of a word's probability after a given word that comes from pair counts."""
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
    """At most this share of its characters, rounded, may differ from that word (3 of 9)."""


@dataclass(slots=True)
class Repairer:
    """Corrects lines of OCR-damaged Swedish; remembers the words it has corrected."""

    vocabulary: Vocabulary
    channel: Channel = field(default_factory=default_channel)
    settings: RepairSettings = field(default_factory=RepairSettings)
    adapted: dict[Step, float] = field(default_factory=dict)
    """This document's own costs for the confusions it shows more often than the channel's
    sample (``ingest.adapt``); empty until ``adapt``."""
    evidence: dict[tuple[str, str, float], set[str]] = field(default_factory=dict)
    """The confusions (with their learned cost) behind the damaged words corrected so far,
    each with the words it was found in."""
    _memo: dict[str, list[Reading]] = field(default_factory=dict)
    _near_words: dict[tuple[int, int], tuple[list[str], list[str]]] = field(default_factory=dict)
    _decided: dict[tuple[str, str, str], str] = field(default_factory=dict)
    _touches: dict[str, bool] = field(default_factory=dict)
    _readings_of: dict[tuple[bool, str], list[Option]] = field(default_factory=dict)

    def repair_line(self, line: str, previous: str = "") -> str:
        """One line, repaired; ``previous`` is the (repaired) word before it, for context."""
        tokens = repair_numbers(_join_fragments(line.split(), self.vocabulary))
        out: list[str] = []
        last = split_punctuation(previous)[1].lower()
        for i, token in enumerate(tokens):
            head, core, tail = split_punctuation(token)
            following = split_punctuation(tokens[i + 1])[1] if i + 1 < len(tokens) else ""
            opening = (tokens[i - 1] if i else previous)[-1:] in SENTENCE_END
            fixed = self._repair_core(core, last, following, opening)
            out.append(head + fixed + tail)
            last = fixed.rsplit(" ", 1)[-1].lower() if fixed else last
        return " ".join(_join_split_words(out, self.vocabulary))

    def _repair_core(self, core: str, previous: str, following: str, opening: bool) -> str:
        """A token without its punctuation: the parts of ``lT-stiid`` and
        ``informationssystem/IT-stdd`` one by one, the name of an e-mail address alone."""
        if "@" in core:
            name, at, domain = core.partition("@")
            fixed = self._repair_word(name, previous, "", opening=False)
            return (fixed if PLAIN_WORD.match(name) else name) + at + domain
        if URLISH.search(core):
            return core
        parts = PART_BREAK.split(core)  # words at even places, the marks between them at odd
        last = len(parts) - 1
        return "".join(
            part
            if i % 2
            else self._repair_word(
                part, previous if i == 0 else "", following if i == last else "", opening and not i
            )
            for i, part in enumerate(parts)
        )

    def _repair_word(self, word: str, previous: str, following: str, opening: bool) -> str:
        if ISOLATED_I.match(word):
            return "I" + word[1:]
        if (run := CAPITAL_RUN_ON.match(word)) and self._runs_on(run[1], run[2]):
            return f"{run[1]} {run[2]}"
        if not LETTERS.match(word) or ACRONYM.match(word):
            return word
        fixed = self.correct(word, previous, following)
        if opening and word[:1] == "l" and fixed[:1] == "i":
            # A sentence that opens with I: a capital I and an l are one glyph in most
            # typefaces (a small i has its dot).
            return "I" + fixed[1:]
        return fixed

    def _runs_on(self, small: str, name: str) -> bool:
        """``iStockholms``: a function word run into the capitalised word after it."""
        vocabulary = self.vocabulary
        return vocabulary.frequency.get(small, 0.0) >= FUNCTION_WORD and vocabulary.knows(
            name.lower()
        )

    def correct(self, word: str, previous: str = "", following: str = "") -> str:
        """The likeliest Swedish word behind ``word`` (``word`` itself when nothing is
        clearly likelier)."""
        if len(word) > LONGEST_WORD:
            return word
        key = (word, previous, following)
        if key in self._decided and not self._touched(word.lower()):
            return self._decided[key]  # the same question, and no cost it rests on changed
        self._decided[key] = self._decide(word, previous, following)
        return self._decided[key]

    def _decide(self, word: str, previous: str, following: str) -> str:
        lower = word.lower()
        own = self.vocabulary.cost(lower) if PLAIN_WORD.match(lower) else None
        following = following.lower()
        context = Context(previous, following)
        if own is not None:
            own -= self._context(context, lower)
        best, best_score = word, own if own is not None else math.inf
        chosen: Reading | None = None
        for reading in [*self.candidates(lower), *self._splits(lower)]:
            candidate = reading.word
            score = self._channel_cost(reading)
            score += sum(map(self.vocabulary.cost_or_inf, candidate.split(" ")))
            if previous or following:
                score -= self._context(context, candidate)
            if score < best_score:
                best, best_score, chosen = candidate, score, reading
        if own is not None:
            known = best == word or best_score > own - self.settings.known_margin
            return word if known else _same_case(word, best)
        if best == word or not self.vocabulary.seen[best]:
            # A damaged word that no reading makes a word of the clean documents: their
            # nearest word, if one is close, is likelier than a reading of a rarer word.
            best = self.nearest(lower) or self._nearest_head(lower) or best
        if chosen is not None and best == chosen.word:
            for step in chosen.steps:
                self.evidence.setdefault(step, set()).add(lower)
        return word if best == word else _same_case(word, best)

    def _context(self, context: Context, candidate: str) -> float:
        """What the words around make a reading likelier by (nats, at most ``bigram_bonus``
        a side)."""
        first, _, rest = candidate.partition(" ")
        last = rest.rsplit(" ", 1)[-1] if rest else first
        bonus = 0.0
        if context.previous:
            bonus += self._association(context.previous, first)
        if context.following:
            bonus += self._association(last, context.following)
        return bonus

    def _association(self, previous: str, word: str) -> float:
        settings = self.settings
        association = self.vocabulary.association(previous, word, settings.pair_weight)
        return min(settings.bigram_bonus, association)

    def _touched(self, word: str) -> bool:
        """Does a cost that the fitted channel changed lie behind a reading of ``word``?"""
        if not self.adapted:
            return False
        if word not in self._touches:
            readings = self._memo.get(word, ())
            steps = {(ocr, source) for reading in readings for ocr, source, _ in reading.steps}
            self._touches[word] = not steps.isdisjoint(self.adapted)
        return self._touches[word]

    def nearest(self, word: str) -> str | None:
        """The one word of the clean documents closest to a long damaged word
        (``utskrirmingsklar`` → ``utskrivningsklar``), when it is close and no other word is
        as close; letters that differ only in their marks (a, ä) count as the same."""
        letters = sum(ch.isalpha() for ch in word)
        if letters < self.settings.nearest_min or not self.vocabulary.seen:
            return None
        limit = round(len(word) * self.settings.nearest_share)
        span = (len(word) - limit, len(word) + limit)
        if span not in self._near_words:  # only words of a length within reach
            words = [
                w for w in self.vocabulary.seen if span[0] <= len(w) <= span[1] and w.isalpha()
            ]
            self._near_words[span] = (words, [w.translate(UNMARKED) for w in words])
        words, unmarked = self._near_words[span]
        found = process.extract(
            word.translate(UNMARKED),
            unmarked,
            scorer=Levenshtein.distance,
            score_cutoff=limit,
            limit=5,
        )
        if not found:
            return None
        closest = sorted(
            (words[i] for _, distance, i in found if distance == found[0][1]),
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

    def _nearest_head(self, word: str) -> str | None:
        """A compound whose first part is damaged and whose last is a word: the nearest word
        of the clean documents to that first part (``norrtllie|bor`` → ``norrtäljebor``)."""
        for i in range(self.settings.nearest_min, len(word) - 2):
            head, tail = word[:i], word[i:]
            if self.vocabulary.is_tail(tail) and (near := self.nearest(head)):
                return near + tail
        return None

    def adapt(self, text: str) -> None:
        """Fit the channel to the document whose first pass gave ``text``
        (``ingest.adapt``); later corrections use the fitted costs."""
        words = [w.lower() for w in WORD.findall(text)]
        self.adapted = adapted_costs(self.evidence, words)
        self._touches.clear()
        if not self.adapted:
            return
        # Damaged words that the first pass made no word of the clean documents are searched
        # again at the fitted costs: a reading it could not afford may now be in reach.
        seen, pieces = self.vocabulary.seen, {ocr for ocr, _ in self.adapted}
        for (word, _, _), fixed in self._decided.items():
            lower = word.lower()
            refit = not seen[fixed.lower()] and any(piece in lower for piece in pieces)
            if refit and self.vocabulary.cost(lower) is None:
                self._memo.pop(lower, None)
                self._touches[lower] = True
        self.channel = self.channel.refitted(self.adapted)
        self._readings_of.clear()

    def _channel_cost(self, reading: Reading) -> float:
        """A reading's cost at the fitted costs of this document's confusions."""
        adapted = self.adapted
        if not adapted:
            return reading.cost
        return reading.cost + sum(
            adapted[ocr, source] - cost
            for ocr, source, cost in reading.steps
            if (ocr, source) in adapted
        )

    def candidates(self, word: str) -> list[Reading]:
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
            unexplained = all(reading.cost >= settings.guess for reading in cached)
            wide = own is None and unexplained and len(word) >= FALLBACK_MIN
            if wide and not self.vocabulary.looks_inflected(word):
                wider = self._search(
                    word, self.channel.fallback, settings.fallback_budget, settings.fallback_edits
                )
                cached = [*cached, *wider, *self._insertions(word)]
            self._memo[word] = cached
        return cached

    def _search(self, word: str, rules: Rules, budget: float, max_edits: int) -> list[Reading]:
        """Depth first over the word's readings, pruned to prefixes of Swedish words; a
        compound's next part may begin wherever the part so far can be a first part. The
        readings of what follows such a point are searched once and reused by every reading
        that reaches it."""
        size = len(word)
        options = [self._options(word[i : i + self.channel.longest], rules) for i in range(size)]
        vocabulary = self.vocabulary
        prefixes, is_head = vocabulary.prefixes(), vocabulary.is_head
        cap = self.settings.max_candidates
        rests: dict[int, list[Part]] = {}

        def parts(begin: int, whole: Callable[[str], bool]) -> list[Part]:
            """Readings of ``word[begin:]`` whose first part begins at ``begin``."""
            found: dict[str, Part] = {}

            def keep(text: str, cost: float, edits: int, steps: Steps) -> None:
                if text not in found or cost < found[text].cost:
                    found[text] = Part(text, cost, edits, steps)

            def walk(i: int, built: str, cost: float, edits: int, steps: Steps) -> None:
                if i == size:
                    if whole(built):
                        keep(built, cost, edits, steps)
                    return
                if len(found) >= cap:
                    return
                for piece, length, step_cost, step in options[i]:
                    after = i + length
                    if step_cost:
                        if edits >= max_edits or cost + step_cost > budget:
                            break
                        part = built + piece
                        if part not in prefixes:
                            continue
                        more, total, taken = edits + 1, cost + step_cost, (*steps, step)
                    else:
                        part = built + piece
                        if part not in prefixes:
                            continue
                        more, total, taken = edits, cost, steps
                    walk(after, part, total, more, taken)
                    if after < size - 3 and len(part) >= 3 and is_head(part):
                        for rest in rest_of(after):
                            whole_cost = total + rest.cost
                            if whole_cost <= budget and more + rest.edits <= max_edits:
                                keep(
                                    part + rest.text,
                                    whole_cost,
                                    more + rest.edits,
                                    taken + rest.steps,
                                )

            walk(begin, "", 0.0, 0, ())
            return list(found.values())

        def rest_of(begin: int) -> list[Part]:
            if begin not in rests:
                rests[begin] = parts(begin, vocabulary.is_tail)
            return rests[begin]

        return [
            Reading(part.text, part.cost, part.steps)
            for part in parts(0, vocabulary.knows)
            if part.text != word
        ]

    def _insertions(self, word: str) -> list[Reading]:
        """Words that OCR made this one of by losing one letter (``Sfte`` → ``syfte``)."""
        if not PLAIN_WORD.match(word):
            return []
        listed = self.vocabulary.listed  # (not compounds: too many strings to analyse)
        return [
            Reading(longer, cost, (("", letter, cost),))
            for i in range(len(word) + 1)
            for letter, cost in self.channel.lost.items()
            if listed(longer := word[:i] + letter + word[i:])
        ]

    def _options(self, text: str, rules: Rules) -> list[Option]:
        """``_options``, kept for each piece of text a channel's rules have read."""
        key = (rules is self.channel.fallback, text)
        if key not in self._readings_of:
            self._readings_of[key] = _options(text, rules)
        return self._readings_of[key]

    def _splits(self, word: str) -> list[Reading]:
        """Two common words run together (``attanta`` → ``att anta``), as candidates whose
        cost is the penalty for a lost space."""
        if not PLAIN_WORD.match(word) or len(word) < 5:
            return []
        return [
            Reading(f"{word[:i]} {word[i:]}", self.settings.split_penalty, ())
            for i in range(2, len(word) - 1)
            if self.vocabulary.is_common(word[:i]) and self.vocabulary.is_common(word[i:])
        ]


def _options(text: str, rules: Rules) -> list[Option]:
    """What the OCR text at the start of ``text`` may have been: its first character, or a
    rule's source; cheapest first."""
    found = [(text[0], 1, 0.0, (text[0], text[0], 0.0))]
    for size in range(1, len(text) + 1):
        ocr = text[:size]
        found.extend(
            (source, size, cost, (ocr, source, cost)) for source, cost in rules.get(ocr, ())
        )
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


def _join_fragments(tokens: Sequence[str], vocabulary: Vocabulary) -> list[str]:
    """``fu ngerande`` → ``fungerande`` before repair: a piece that is no word, joined to the
    one before it, makes a listed word (not a compound the lexicon only allows)."""
    out: list[str] = []
    for token in tokens:
        if out and PLAIN_WORD.match(out[-1]) and PLAIN_WORD.match(token):
            joined = (out[-1] + token).lower()
            if (
                len(joined) >= 6
                and not vocabulary.knows(token.lower())
                and vocabulary.listed(joined)
            ):
                out[-1] += token
                continue
        out.append(token)
    return out


def _same_case(original: str, word: str) -> str:
    upper = sum(ch.isupper() for ch in original)
    if upper >= 2 and upper > sum(ch.islower() for ch in original):
        return word.upper()  # capitals, one of them misread as a small letter (``\\rIS``)
    if original[:1].isupper():
        return word[:1].upper() + word[1:]
    return word
