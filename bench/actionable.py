"""Answers people can act on, measured: follow-up questions against ignoring the history,
filters that keep every passage inside them without losing the evidence, and the LLM
backend's citation check on true and deliberately corrupted sentences.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from answer.service import Assistant
from answer.verify import verify
from bench.datasets import Question
from bench.metrics import fold, hit_at_k, hit_rank, is_hit
from index.filters import FACETS, Filters
from index.records import Hit

CONVERSATIONS = Path(__file__).with_name("data") / "conversations.jsonl"
TOP_K = 5
COMMITTEES = ("Socialnämnden", "Äldrenämnden", "Kommunstyrelsen", "Kulturnämnden")
NUMBER = re.compile(r"\d+")
SENTENCE_END = re.compile(r"([.!?])(\s+)(?=[A-ZÅÄÖ0-9])")


@dataclass(frozen=True, slots=True)
class Conversation:
    id: str
    turns: tuple[str, ...]
    must: tuple[str, ...]
    must_not: tuple[str, ...] = ()
    """What the same last turn asks in another conversation (another agreement's notice
    period): an answer that gives it instead, or beside it, has not read the history."""


@dataclass(frozen=True, slots=True)
class Turn:
    id: str
    question: str
    with_history: bool
    without_history: bool
    resolved: str


@dataclass(frozen=True, slots=True)
class FilterCheck:
    id: str
    filters: str
    inside: bool
    """Every returned passage satisfies the filter."""
    hit_plain: bool
    hit_filtered: bool


@dataclass(frozen=True, slots=True)
class CitationCheck:
    true_kept: int
    true_total: int
    corrupted_dropped: int
    corrupted_total: int
    missed: tuple[str, ...]
    """Corrupted sentences the check let through, and true ones it dropped (for reading)."""


@dataclass(frozen=True, slots=True)
class ActionableResults:
    turns: tuple[Turn, ...]
    filters: tuple[FilterCheck, ...]
    citations: CitationCheck


def load_conversations(path: Path = CONVERSATIONS) -> tuple[Conversation, ...]:
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            obj = json.loads(line)
            found.append(
                Conversation(
                    obj["id"],
                    tuple(obj["turns"]),
                    tuple(obj["must"]),
                    tuple(obj.get("must_not", ())),
                )
            )
    return tuple(found)


def _correct(text: str, answered: bool, must: Sequence[str], must_not: Sequence[str] = ()) -> bool:
    folded = fold(text)
    return (
        answered
        and all(fold(key) in folded for key in must)
        and not any(fold(key) in folded for key in must_not)
    )


def measure_turns(assistant: Assistant, conversations: Sequence[Conversation]) -> list[Turn]:
    """The last turn of each conversation, read with the turns before it and without them."""
    out = []
    for c in conversations:
        *earlier, last = c.turns
        followed = assistant.ask(last, top_k=TOP_K, earlier=earlier)
        alone = assistant.ask(last, top_k=TOP_K)
        out.append(
            Turn(
                c.id,
                last,
                _correct(followed.text, followed.answered, c.must, c.must_not),
                _correct(alone.text, alone.answered, c.must, c.must_not),
                followed.resolved_question,
            )
        )
    return out


def measure_filters(assistant: Assistant, questions: Sequence[Question]) -> list[FilterCheck]:
    """Each answerable question filtered to its evidence passage's committee (or else its
    municipality, document type, or date), which keeps the gold file."""
    searcher = assistant.searcher
    out = []
    for q in questions:
        if not q.answerable:
            continue
        gold = next((p for p in searcher.passages if _is_gold(p.metadata, q)), None)
        chosen = _filter_for(gold.metadata if gold is not None else {})
        if chosen is None:
            continue
        plain = searcher.search(q.question, top_k=TOP_K)
        filtered = searcher.search(q.question, top_k=TOP_K, filters=chosen)
        inside = all(chosen.admits(searcher.by_id[h.id].metadata) for h in filtered)
        out.append(
            FilterCheck(
                q.id,
                chosen.describe(),
                inside and bool(filtered),
                hit_at_k(hit_rank(plain, q), TOP_K),
                hit_at_k(hit_rank(filtered, q), TOP_K),
            )
        )
    return out


def _is_gold(meta: Mapping[str, Any], q: Question) -> bool:
    return is_hit(str(meta.get("source")), meta.get("line_start"), meta.get("line_end"), q)


def _filter_for(meta: Mapping[str, Any]) -> Filters | None:
    for key in FACETS:
        if isinstance(value := meta.get(key), str):
            return Filters(**{key: value})  # type: ignore[arg-type]
    return None


def measure_citations(assistant: Assistant, questions: Sequence[Question]) -> CitationCheck:
    """Every gold quote of the dev questions, cited to the passage it stands in: kept when
    true; dropped when a number, a date or a committee in it is changed."""
    searcher = assistant.searcher
    kept = dropped = true_total = corrupted_total = 0
    missed: list[str] = []
    for q in questions:
        for quote in q.quotes:
            hits = searcher.search(quote, top_k=TOP_K)
            source = next((h for h in hits if _holds(h, quote)), None)
            if source is None:
                continue
            sentence = cited(quote)
            true_total += 1
            if not verify(sentence, [source]).dropped:
                kept += 1
            else:
                missed.append(f"sann, tappad: {quote}")
            for wrong, changed in corruptions(quote):
                corrupted_total += 1
                kept_claims = verify(cited(wrong), [source]).kept
                if any(changed.casefold() in k.text.casefold() for k in kept_claims):
                    missed.append(f"ändrad, behållen: {wrong}")
                else:
                    dropped += 1
    return CitationCheck(kept, true_total, dropped, corrupted_total, tuple(missed))


def cited(text: str) -> str:
    """The text with ``[1]`` after each of its sentences, as a model cites."""
    return SENTENCE_END.sub(r"\1 [1]\2", text.rstrip()) + " [1]"


def _holds(hit: Hit, quote: str) -> bool:
    return " ".join(quote.split()) in " ".join(hit.text.split())


def corruptions(sentence: str) -> list[tuple[str, str]]:
    """The sentence with its first number changed, and with a committee swapped, each with
    the words changed: the corruption counts as caught when no sentence the check keeps holds
    them (a quote that spans two sentences may keep its other, true, sentence)."""
    out = []
    number = NUMBER.search(sentence)
    if number is not None:
        value = int(number.group(0))
        changed = str(value + 1 if value % 10 != 9 else value - 1)
        out.append((sentence[: number.start()] + changed + sentence[number.end() :], changed))
    for name in COMMITTEES:
        if name.casefold() in sentence.casefold():
            other = next(c for c in COMMITTEES if c != name)
            out.append((re.sub(name, other, sentence, flags=re.IGNORECASE), other))
            break
    return out


def measure(assistant: Assistant, questions: Sequence[Question]) -> ActionableResults:
    return ActionableResults(
        tuple(measure_turns(assistant, load_conversations())),
        tuple(measure_filters(assistant, questions)),
        measure_citations(assistant, questions),
    )


def markdown(results: ActionableResults) -> list[str]:
    turns = results.turns
    followed = sum(t.with_history for t in turns)
    alone = sum(t.without_history for t in turns)
    filters = results.filters
    c = results.citations
    lines = [
        "## Follow-ups, filters and the citation check",
        "",
        "| measure | value | goal |",
        "|---|---:|---:|",
        f"| second-turn answers correct, read with the first turn | {followed}/{len(turns)} = "
        f"{followed / max(len(turns), 1):.2f} | ≥ 0.80 |",
        f"| the same, history ignored (baseline) | {alone}/{len(turns)} = "
        f"{alone / max(len(turns), 1):.2f} | ≤ 0.50 |",
        f"| filtered questions whose every passage is inside the filter | "
        f"{sum(f.inside for f in filters)}/{len(filters)} | all |",
        f"| hit@5 without → with the filter | {sum(f.hit_plain for f in filters)}/{len(filters)}"
        f" → {sum(f.hit_filtered for f in filters)}/{len(filters)} | unchanged |",
        f"| citation check: true sentences kept | {c.true_kept}/{c.true_total} = "
        f"{c.true_kept / max(c.true_total, 1):.2f} | ≥ 0.95 |",
        f"| citation check: corrupted sentences dropped | {c.corrupted_dropped}/"
        f"{c.corrupted_total} = {c.corrupted_dropped / max(c.corrupted_total, 1):.2f} | ≥ 0.95 |",
        "",
        "| conversation | last turn | read as | with history | without |",
        "|---|---|---|---|---|",
    ]
    for t in turns:
        lines.append(
            f"| {t.id} | {t.question} | {t.resolved} | {'ja' if t.with_history else 'nej'} | "
            f"{'ja' if t.without_history else 'nej'} |"
        )
    if c.missed:
        lines += ["", "Citation check misses:", *(f"- {m}" for m in c.missed)]
    return lines
