"""The extractive answer: the one to three sentences that answer, each with its citation.

No language model: every word of an answer is a sentence of a retrieved passage. When the
passages do not support an answer, the answer says so and cites nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from answer.asks import asks
from answer.cite import citation, near_identical, twins
from answer.evidence import ANAPHORA, DATE, EXACT_DATE, LIST_ITEM, MONEY, is_heading, matches, stems
from answer.features import Candidate
from answer.names import unsupported
from answer.parts import parts
from answer.question import analyse, without_markup
from answer.records import Answer, Citation
from answer.selector import Selector, load
from answer.versions import Version, in_force, versions
from index.lexical import STOP
from index.records import Hit

MAX_CHARS = 800
SHORT_CHARS = 400
"""Sentences that are only nearly as likely join while the answer stays this short; a list
asked for, and the sentences that complete the best one, may run to ``MAX_CHARS``."""
NO_ANSWER = (
    "Dokumenten besvarar inte frågan. Jag hittar inget stöd i de indexerade handlingarna "
    "för ett svar; de närmaste träffarna visas som passager, men ingen av dem säger detta."
)
NOT_NAMED = "Handlingarna nämner inte {names}, så de besvarar inte frågan."
NEAREST = " Det närmaste de säger (inget svar på frågan, se passage {n}): ”{text}”"


@dataclass(frozen=True, slots=True)
class ComposeSettings:
    """How long an answer may run."""

    max_sentences: int = 3
    max_items: int = 6
    """A list asked for is given whole, up to this many items after the best one."""


def compose(
    question: str,
    hits: Sequence[Hit],
    settings: ComposeSettings = ComposeSettings(),
    asked: str | None = None,
    selector: Selector | None = None,
) -> Answer:
    """The answer to ``question`` from ``hits``. ``asked`` is the question as the person wrote
    it when ``question`` is that follow-up read with the conversation: what it asks for (a
    date, an amount) is taken from the words they wrote."""
    said = without_markup(question)
    q = analyse(said)
    wanted = asks(said)
    if asked is not None:
        asked_words = without_markup(asked)
        own = analyse(asked_words)
        q = replace(q, carried=q.stems - own.stems)
        if own.kind != "other":
            q = replace(q, kind=own.kind, wants_money=own.wants_money)
        if (mine := asks(asked_words)) != "other":
            wanted = mine
    chooser = selector or load()
    ranking = chooser.rank(q, wanted, hits)
    ranked = ranking.candidates
    differing = versions(q, ranked)
    if not ranked or not (ranking.answerable or in_force(differing, q.text)):
        return _declined(asked or question, question, hits, NO_ANSWER)
    if differing:
        text, citations = _render_versions(differing, hits)
        chosen = [c for v in differing for c in v.sentences]
    else:
        answering = _part_answers(said, ranked, hits, chooser)
        chosen = _select(ranked, settings, q.kind, chooser.extra_ratio, answering)
        text, citations = _render(chosen, hits)
    sources = {c.hit.source for c in chosen}
    missing = unsupported(q.text, (h for h in hits if h.source in sources))
    if missing:
        told = NOT_NAMED.format(names=" och ".join(missing))
        nearest = NEAREST.format(n=ranked[0].rank + 1, text=ranked[0].sentence.text)
        return _declined(asked or question, question, hits, told + nearest)
    return Answer(asked or question, True, text, citations, tuple(hits), resolved=question)


def _declined(question: str, resolved: str, hits: Sequence[Hit], text: str) -> Answer:
    return Answer(question, False, text, (), tuple(hits), resolved=resolved)


def _part_answers(
    question: str, ranked: Sequence[Candidate], hits: Sequence[Hit], chooser: Selector
) -> list[Candidate]:
    """For a question asking two things at once, the best sentence for each part, from the
    document of the best sentence for the whole (as ``ranked`` has them)."""
    asked = parts(question)
    if len(asked) < 2:
        return []
    source = ranked[0].hit.source
    by_place = {(c.hit.id, c.sentence.start): c for c in ranked}
    out = []
    for part in asked:
        for c in chooser.rank(analyse(part), asks(part), hits).candidates:
            if c.hit.source == source:
                if (same := by_place.get((c.hit.id, c.sentence.start))) is not None:
                    out.append(same)
                break
    return out


def _select(
    ranked: Sequence[Candidate],
    settings: ComposeSettings,
    kind: str,
    extra_ratio: float,
    answering: Sequence[Candidate] = (),
) -> list[Candidate]:
    """The best sentence, the sentences next to it that complete it, the best sentence for
    each part of a question that asks two things, then others nearly as good that say
    something new."""
    best = ranked[0]
    chosen = [best]
    for c in _neighbours(best, ranked, settings):
        _add(chosen, c, settings)
    if kind == "decision" and (detail := _detail(best, ranked)) is not None:
        _add(chosen, detail, settings)
    for c in answering:
        _add(chosen, c, settings)
    for c in ranked[1:]:
        if c.score < extra_ratio * best.score:
            break
        short = sum(len(x.sentence.text) for x in chosen) + len(c.sentence.text) <= SHORT_CHARS
        if short and (not best.kind_evidence or c.kind_evidence):
            _add(chosen, c, settings)
    # The best passage first, each passage's sentences in document order.
    return sorted(chosen, key=lambda c: (c.hit.id != best.hit.id, c.rank, c.sentence.start))


def _detail(best: Candidate, ranked: Sequence[Candidate]) -> Candidate | None:
    """For a decision: the sentence of the same item that gives its date or amount and
    speaks of the same thing (the decision, the date, the amount). The same decision often
    stands in several items (the notice of a meeting, the case's report): any of them."""
    if DATE.search(best.sentence.text) or MONEY.search(best.sentence.text):
        return None
    topic = stems(best.sentence.text)
    items = {(best.hit.source, best.hit.title)} | {
        (c.hit.source, c.hit.title)
        for c in ranked
        if c.hit.id != best.hit.id and _same_words(c.sentence.text, best.sentence.text)
    }
    same_item = [
        c
        for c in ranked
        if c is not best
        and (c.hit.source, c.hit.title) in items
        and (DATE.search(c.sentence.text) or MONEY.search(c.sentence.text))
        and not is_heading(c.sentence.text)
    ]
    scored = [(_shared(topic, stems(c.sentence.text)), c) for c in same_item]
    scored = [(n, c) for n, c in scored if n >= 3]
    # A real date or amount beats words about time ("löper ut"), then more shared words.
    return max(scored, key=lambda nc: (_exact(nc[1]), nc[0], -nc[1].rank))[1] if scored else None


def _exact(c: Candidate) -> bool:
    return bool(EXACT_DATE.search(c.sentence.text) or MONEY.search(c.sentence.text))


def _shared(topic: frozenset[str], other: frozenset[str]) -> int:
    """Content words of ``topic`` that ``other`` has too, parts of compounds included."""
    return sum(1 for word in topic if word not in STOP and matches(word, other))


def _neighbours(
    best: Candidate, ranked: Sequence[Candidate], settings: ComposeSettings
) -> list[Candidate]:
    same = {c.index: c for c in ranked if c.hit.id == best.hit.id}
    out: list[Candidate] = []
    if best.sentence.text.endswith(":"):  # an introduction: the list after it is the answer
        out += [
            same[i]
            for i in range(best.index + 1, best.index + settings.max_sentences + 1)
            if i in same
        ]
    if LIST_ITEM.match(best.sentence.text):  # one item of a list: the list is the answer
        items = [i for i in range(best.index - 1, -1, -1) if _item(same.get(i))][::-1]
        out += [same[i] for i in items][: settings.max_sentences]
        out += _rest_of_list(best, same, settings.max_items)
    if ANAPHORA.search(best.sentence.text) and best.index - 1 in same:
        out.append(same[best.index - 1])  # "detta belopp" needs the sentence it points to
    if best.index + 1 in same and same[best.index + 1].kind_evidence:
        out.append(same[best.index + 1])  # the amount after the rule, the date after the act
    return out


def _rest_of_list(best: Candidate, same: dict[int, Candidate], most: int) -> list[Candidate]:
    """The items after ``best`` and the lines that carry them on (a scan's item runs over a
    blank line: "2. Regional överenskommelse … i" / "Stockholms län, daterad …"), until two
    sentences in a row are no item, or ``most`` items."""
    out: list[Candidate] = []
    items, i = 0, best.index + 1
    while i in same and items < most:
        if _item(same[i]):
            items += 1
        elif not (_item(same.get(i + 1)) or _item(same.get(i + 2))):
            break
        out.append(same[i])
        i += 1
    return out


def _item(c: Candidate | None) -> bool:
    return c is not None and bool(LIST_ITEM.match(c.sentence.text))


def _add(chosen: list[Candidate], c: Candidate, settings: ComposeSettings) -> None:
    limit = settings.max_sentences + chosen[0].sentence.text.endswith(":")
    if LIST_ITEM.match(chosen[0].sentence.text):
        limit = 1 + settings.max_sentences + 2 * settings.max_items  # items and their lines
    if len(chosen) >= limit or c in chosen:
        return
    if any(_same_words(c.sentence.text, x.sentence.text) for x in chosen):
        return
    if sum(len(x.sentence.text) for x in chosen) + len(c.sentence.text) > MAX_CHARS:
        return
    chosen.append(c)


def _same_words(a: str, b: str) -> bool:
    """Two sentences that say the same thing in nearly the same words."""
    wa, wb = set(a.casefold().split()), set(b.casefold().split())
    return len(wa & wb) / max(len(wa | wb), 1) >= 0.6 or near_identical(a, b)


VERSIONS_INTRO = "Handlingarna anger olika värden för olika perioder eller i olika handlingar:"


def _render_versions(
    found: Sequence[Version], hits: Sequence[Hit]
) -> tuple[str, tuple[Citation, ...]]:
    """One line a value: its period (or document date), the sentence, its citation."""
    chosen = [c for v in found for c in v.sentences]
    _, citations = _render(chosen, hits)
    marks = {c.hit.id: _number(c, chosen) for c in chosen}
    lines = [VERSIONS_INTRO]
    for v in found:
        said = " ".join(c.sentence.text for c in v.sentences)
        line = f"- {v.label()}: {said} [{marks[v.candidate.hit.id]}]"
        if sum(map(len, lines)) + len(line) > MAX_CHARS:
            break
        lines.append(line)
    return "\n".join(lines), citations


def _number(c: Candidate, chosen: Sequence[Candidate]) -> int:
    """The citation number ``_render`` gives ``c``'s passage."""
    numbers: dict[str, int] = {}
    for x in chosen:
        numbers.setdefault(_citable_key(x.hit, numbers, chosen), len(numbers) + 1)
    return numbers[_citable_key(c.hit, numbers, chosen)]


def _render(chosen: Sequence[Candidate], hits: Sequence[Hit]) -> tuple[str, tuple[Citation, ...]]:
    numbers: dict[str, int] = {}
    spans: dict[str, list[Candidate]] = {}
    for c in chosen:
        key = _citable_key(c.hit, numbers, chosen)
        numbers.setdefault(key, len(numbers) + 1)
        spans.setdefault(key, []).append(c)
    marks = [numbers[_citable_key(c.hit, numbers, chosen)] for c in chosen]
    # One marker after a run of sentences from the same passage.
    parts = [
        c.sentence.text if i + 1 < len(chosen) and marks[i + 1] == n else f"{c.sentence.text} [{n}]"
        for i, (c, n) in enumerate(zip(chosen, marks, strict=True))
    ]
    citations = []
    for key, n in numbers.items():
        group = spans[key]
        hit = group[0].hit
        start = min(c.sentence.start for c in group)
        end = max(c.sentence.end for c in group)
        citations.append(citation(n, hit, start, end, twins(hit, hits)))
    return " ".join(parts), tuple(citations)


def _citable_key(hit: Hit, numbers: dict[str, int], chosen: Sequence[Candidate]) -> str:
    """Sentences from near-identical passages share one citation number."""
    for c in chosen:
        if c.hit.id in numbers and c.hit.id != hit.id and near_identical(c.hit.text, hit.text):
            return c.hit.id
    return hit.id
