"""The optional LLM answer: written by a language model from the same passages as the
extractive answer, kept only as far as those passages support it.

Progress comes as ``Draft`` states while the model writes (its unverified text so far), then
one ``GeneratedAnswer``. Every sentence of the final answer passed ``answer.verify``; its
citations quote the passages' own sentences, never the model's words, and cite only passages
the model was given. When the model fails, declines, or writes nothing that can be supported,
the final answer is the extractive one, with a notice saying why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from answer.cite import citation, twins
from answer.compose import MAX_CHARS
from answer.llm import LlmSettings, LlmUnavailable, stream_chat, with_model
from answer.records import Answer, Citation
from answer.verify import Dropped, Kept, Span, verify
from index.records import Hit
from prompts import chat_messages

log = logging.getLogger(__name__)

Chat = Callable[[LlmSettings, Sequence[Mapping[str, str]]], Iterable[str]]
FALLBACK = "Här är svaret direkt ur dokumenten."


@dataclass(frozen=True, slots=True)
class Draft:
    """The model's text so far, unverified: for showing progress, not as an answer."""

    text: str


@dataclass(frozen=True, slots=True)
class GeneratedAnswer:
    """The final answer, which backend wrote it, and a notice for the reader (Swedish)."""

    answer: Answer
    backend: Literal["llm", "extractive"]
    notice: str | None
    model: str | None = None
    """The language model that was asked, also when its answer was not used."""
    dropped: tuple[Dropped, ...] = ()
    """Sentences of the model's answer that the passages did not support, with why."""

    def to_json(self) -> dict[str, Any]:
        return {
            **self.answer.to_json(),
            "backend": self.backend,
            "notice": self.notice,
            "model": self.model,
            "dropped": [{"sentence": d.text, "reason": d.reason} for d in self.dropped],
        }


def generate(
    question: str,
    hits: Sequence[Hit],
    extractive: Answer,
    settings: LlmSettings,
    chat: Chat = stream_chat,
) -> Iterator[Draft | GeneratedAnswer]:
    """Ask the model ``question`` (as it was searched) about ``hits``, the passages that
    ``extractive`` was composed from; the final answer keeps ``extractive``'s other fields."""
    if not hits:  # nothing to write from, nothing to cite
        yield GeneratedAnswer(extractive, "extractive", None)
        return
    text = ""
    stream: Iterable[str] = ()
    try:
        settings = with_model(settings)
        stream = chat(settings, chat_messages(question, hits))
        for delta in stream:
            text += delta
            yield Draft(text)
    except LlmUnavailable as e:
        log.warning("%s", e)
        yield GeneratedAnswer(extractive, "extractive", f"{e} {FALLBACK}", settings.model)
        return
    finally:
        close = getattr(stream, "close", None)
        if callable(close):
            close()  # a caller that stops early stops the request too
    yield _final(hits, extractive, settings.model, text)


def _final(hits: Sequence[Hit], extractive: Answer, model: str, text: str) -> GeneratedAnswer:
    verified = verify(text, hits)
    kept, too_long = _within_limit(verified.kept)
    dropped = verified.dropped + too_long
    if not text.strip():
        notice = "Språkmodellen gav inget svar."
    elif verified.declined:
        notice = "Språkmodellen fann inget svar på frågan i passagerna."
    elif not kept:
        notice = "Språkmodellens svar kunde inte beläggas i källorna."
    else:
        answer_text, citations = _render(kept, hits)
        # The extractive answer's other fields (the question as asked, …) carry over.
        answer = replace(
            extractive,
            answered=True,
            text=answer_text,
            citations=citations,
            passages=tuple(hits),
        )
        removed = _dropped_notice(len(verified.dropped), len(too_long))
        return GeneratedAnswer(answer, "llm", removed, model, dropped)
    return GeneratedAnswer(extractive, "extractive", f"{notice} {FALLBACK}", model, dropped)


def _within_limit(kept: Sequence[Kept]) -> tuple[tuple[Kept, ...], tuple[Dropped, ...]]:
    """The kept sentences that fit in an answer's ``MAX_CHARS``, in order."""
    fits: list[Kept] = []
    over: list[Dropped] = []
    used = 0
    for k in kept:
        used += len(k.text) + 1
        if used > MAX_CHARS:
            over.append(Dropped(k.text, "Svaret blev för långt; meningen togs inte med."))
        else:
            fits.append(k)
    return tuple(fits), tuple(over)


def _render(kept: Sequence[Kept], hits: Sequence[Hit]) -> tuple[str, tuple[Citation, ...]]:
    """The sentences with their markers renumbered [1..k] in order of first use, and one
    citation a passage spanning the sentences of it that support the answer."""
    numbers: dict[int, int] = {}
    spans: dict[int, list[Span]] = {}
    parts: list[str] = []
    for k in kept:
        for span in k.spans:
            numbers.setdefault(span.passage, len(numbers) + 1)
            spans.setdefault(span.passage, []).append(span)
        marks = " ".join(f"[{numbers[p]}]" for p in k.cites)
        parts.append(f"{k.text} {marks}")
    citations = []
    for passage, n in numbers.items():
        hit = hits[passage - 1]
        start = min(s.start for s in spans[passage])
        end = max(s.end for s in spans[passage])
        citations.append(citation(n, hit, start, end, twins(hit, hits)))
    return " ".join(parts), tuple(citations)


def _dropped_notice(unsupported: int, too_long: int) -> str | None:
    parts = []
    if unsupported:
        parts.append(
            f"{_sentences(unsupported)} i språkmodellens svar kunde inte beläggas i källorna "
            "och togs bort."
        )
    if too_long:
        parts.append(f"{_sentences(too_long)} till fick inte plats i svaret.")
    return " ".join(parts) if parts else None


def _sentences(count: int) -> str:
    return "En mening" if count == 1 else f"{count} meningar"
