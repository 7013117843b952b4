"""The external Swedish sets (SweQUAD-MC, SweFAQ) read into frozen records.

Each set becomes documents (one ``.txt`` each, stable names) and questions, each question
with the documents it may be answered from and, for SweQUAD-MC, the answer span a passage
must hold. ``\\r\\n`` is written as ``\\n``; answer offsets are moved to match.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bench.metrics import fold

EXTERNAL = Path(__file__).resolve().parents[2] / "shared/eval/external"
SWEQUAD_FILES = ("swequad_mc_dev.json", "swequad_mc_train.json")
"""The first file's questions are asked; every file's contexts are indexed."""
SWEFAQ_FILE = "swefaq_dev.jsonl"
CORRECT = "Correct answer"
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")


@dataclass(frozen=True, slots=True)
class Document:
    """One text to index: its file name (``sq_0001.txt``) and its text."""

    name: str
    text: str


@dataclass(frozen=True, slots=True)
class Span:
    """An answer in its own document: character offsets into the text as written."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class ExternalQuestion:
    """A question, the document it was written about, and the documents that count.

    ``spans`` empty: any passage of a document in ``sources`` is relevant (SweFAQ). Else a
    passage is relevant when it also holds one of the spans as whole words (SweQUAD-MC).
    """

    id: str
    question: str
    own: str
    sources: frozenset[str]
    spans: tuple[Span, ...] = ()
    sentence: str = ""
    """The sentence around the answer in its own document (SweQUAD-MC)."""


@dataclass(frozen=True, slots=True)
class ExternalSet:
    name: str
    documents: tuple[Document, ...]
    questions: tuple[ExternalQuestion, ...]


def crlf_to_lf(text: str) -> str:
    return text.replace("\r\n", "\n")


def moved_offset(raw: str, offset: int) -> int:
    """``offset`` in ``raw`` as an offset into ``crlf_to_lf(raw)``."""
    return offset - raw.count("\r\n", 0, offset)


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence (or line) holding ``text[start:end]``: from the last sentence end before
    ``start`` to the first one at or after ``end``."""
    left = 0
    for match in _SENTENCE_END.finditer(text, 0, start):
        left = match.end()
    after = _SENTENCE_END.search(text, end)
    right = after.end() if after else len(text)
    return text[left:right].strip()


def folded(documents: Iterable[Document]) -> list[tuple[str, str]]:
    """(name, folded text) for each document, for :func:`repeating`."""
    return [(d.name, fold(d.text)) for d in documents]


def repeating(sentence: str, documents: Sequence[tuple[str, str]]) -> frozenset[str]:
    """The documents whose (folded) text holds ``sentence`` after case and whitespace
    folding."""
    target = fold(sentence)
    return frozenset(name for name, text in documents if target and target in text)


def _read_json(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    items = data["data"] if isinstance(data, dict) else data
    return list(items)


def _names(texts: Iterable[str], prefix: str) -> dict[str, str]:
    """Distinct texts in order of first appearance → ``{prefix}_0001.txt`` …"""
    names: dict[str, str] = {}
    for text in texts:
        names.setdefault(text, f"{prefix}_{len(names) + 1:04d}.txt")
    return names


def load_swequad(files: Sequence[Path]) -> ExternalSet:
    """Contexts of every file as documents; the first file's questions."""
    items = [_read_json(path) for path in files]
    names = _names((item["context"] for chunk in items for item in chunk), "sq")
    documents = tuple(Document(name, crlf_to_lf(raw)) for raw, name in names.items())
    pool = folded(documents)
    questions = []
    for i, item in enumerate(items[0] if items else [], 1):
        raw = item["context"]
        text = crlf_to_lf(raw)
        spans = _spans(raw, item["choices"])
        sentence = sentence_around(text, spans[0].start, spans[0].end)
        sources = repeating(sentence, pool) | {names[raw]}
        questions.append(
            ExternalQuestion(
                id=f"sq-{i:03d}",
                question=item["question"],
                own=names[raw],
                sources=sources,
                spans=spans,
                sentence=sentence,
            )
        )
    return ExternalSet("SweQUAD-MC", documents, tuple(questions))


def swequad_train(indexed: ExternalSet, folder: Path = EXTERNAL) -> tuple[ExternalQuestion, ...]:
    """SweQUAD-MC's train questions, their documents named as in ``indexed`` (the set
    :func:`load_swequad` reads from ``SWEQUAD_FILES``: the dev file's contexts first)."""
    dev, train = SWEQUAD_FILES
    named = {d.text: d.name for d in indexed.documents}
    loaded = load_swequad([folder / train, folder / dev])
    rename = {d.name: named[d.text] for d in loaded.documents}
    return tuple(
        replace(
            q,
            id=f"train-{q.id}",
            own=rename[q.own],
            sources=frozenset(rename[name] for name in q.sources),
        )
        for q in loaded.questions
    )


def _spans(raw: str, choices: Sequence[dict[str, Any]]) -> tuple[Span, ...]:
    """The correct choices (some items mark two, overlapping) as spans in the LF text."""
    found: dict[tuple[int, int], Span] = {}
    for choice in choices:
        if choice["type"] != CORRECT:
            continue
        text = crlf_to_lf(raw)
        start, end = whole_words(
            text, moved_offset(raw, choice["start"]), moved_offset(raw, choice["end"])
        )
        found.setdefault((start, end), Span(start, end, text[start:end]))
    if not found:
        raise ValueError("en SweQUAD-fråga saknar rätt svar")
    return tuple(found.values())


def whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """``start``/``end`` widened to word boundaries: a few answers stop inside a word
    (``på anstalte``)."""
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and end > 0 and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    return start, end


def load_swefaq(path: Path) -> ExternalSet:
    """Every distinct candidate answer as a document; the right one per question."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    names = _names((a for row in rows for a in row["candidate_answers"]), "sf")
    documents = tuple(Document(name, crlf_to_lf(text)) for text, name in names.items())
    questions = []
    for i, row in enumerate(rows, 1):
        right = names[row["candidate_answers"][row["label"]]]
        questions.append(
            ExternalQuestion(f"faq-{i:03d}", row["question"], right, frozenset({right}))
        )
    return ExternalSet("SweFAQ", documents, tuple(questions))


def write_documents(documents: Iterable[Document], folder: Path) -> list[Path]:
    """Each document as a UTF-8 ``.txt`` in ``folder`` (unchanged files left alone, so a
    kept index skips them)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for document in documents:
        path = folder / document.name
        data = document.text.encode("utf-8")
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
        paths.append(path)
    return paths
