"""Invented council documents with questions about them: training data for the answer step
shaped like the archive it serves.

SweQUAD-MC's agency texts teach which sentence answers a question, but not how a council
archive reads: protocols that repeat a decision in the notice, the report and the minutes;
agreements in numbered clauses; lists of attachments; two-part questions; a duration asked
where the text gives dates. ``bench/data/council/`` holds documents and questions written for
this project from general knowledge of Swedish municipal administration (invented
municipalities' business, never the sample corpus or its questions), with the exact sentences
that answer each question and the key strings a right answer holds; some questions no
document answers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from answer.records import Answer
from bench.answer_data import cites_one_of
from bench.external_data import ExternalQuestion, Span
from index.lexical import fold

DATA = Path(__file__).resolve().parent / "data" / "council"


@dataclass(frozen=True, slots=True)
class CouncilSet:
    documents: tuple[Path, ...]
    questions: tuple[ExternalQuestion, ...]
    """Each question's ``spans`` are the key strings a right answer holds (all of them);
    ``sources`` the documents holding one of its answering sentences; ``own`` is empty for
    a question no document answers."""
    authors: dict[str, str]
    """Question id → the folder it came from: each folder was written apart (its own
    municipalities, its own hand), so cross-validation holds a whole folder out."""


def load(folder: Path = DATA) -> CouncilSet:
    """Every ``*/docs/*.txt`` and ``*/questions.jsonl`` under ``folder``."""
    documents = tuple(sorted(folder.glob("*/docs/*.txt")))
    texts = {p.name: p.read_text(encoding="utf-8") for p in documents}
    questions, authors = [], {}
    for path in sorted(folder.glob("*/questions.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                questions.append(_question(json.loads(line), texts))
                authors[questions[-1].id] = path.parent.name
    return CouncilSet(documents, tuple(questions), authors)


def _question(row: dict[str, Any], texts: dict[str, str]) -> ExternalQuestion:
    evidence = [str(e) for e in row.get("evidence") or []]
    must = [str(m) for m in row.get("must") or []]
    own = str(row.get("doc") or "")
    repeating = {name for name, text in texts.items() if any(e in text for e in evidence)}
    return ExternalQuestion(
        id=str(row["id"]),
        question=str(row["question"]),
        own=own,
        sources=frozenset(({own} if own else set()) | repeating),
        spans=tuple(Span(0, 0, m) for m in must),
        sentence=evidence[0] if evidence else "",
    )


def right_answer(question: ExternalQuestion, answer: Answer) -> bool:
    """Answered, holding every key string (case and spacing folded), citing a document that
    holds the answer: as the corpus questions are judged."""
    if not answer.answered or not question.spans:
        return False
    said = " ".join(fold(answer.text).split())
    if not all(" ".join(fold(s.text).split()) in said for s in question.spans):
        return False
    return cites_one_of(answer, question.sources)
