"""The invented council questions: read from their folder, the documents repeating an
answer count as its sources, and an answer is right when it holds every key string."""

from __future__ import annotations

from pathlib import Path

from answer.records import Answer, Citation
from bench.council_data import load, right_answer


def cited(source: str) -> Citation:
    return Citation(1, source, None, None, None, None, None, 1, 1, None, "citat", "citat")


def test_questions_are_read_with_the_documents_repeating_their_answer(council_folder: Path) -> None:
    data = load(council_folder)
    assert [p.name for p in data.documents] == ["A01.txt", "A02.txt"]
    assert data.authors == {"A-001": "A", "A-002": "A"}
    known, unknown = data.questions
    assert known.own == "A01.txt" and known.sources == {"A01.txt", "A02.txt"}
    assert [s.text for s in known.spans] == ["45 000 kronor", "31 mars 2023"]
    assert unknown.own == "" and unknown.sources == frozenset() and unknown.spans == ()


def test_an_answer_is_right_when_it_holds_every_key_and_cites_a_source(
    council_folder: Path,
) -> None:
    known, unknown = load(council_folder).questions
    both = "PRO Växjö får 45 000  kronor. Bidraget ska redovisas senast den 31 Mars 2023. [1]"
    assert right_answer(known, Answer(known.question, True, both, (cited("docs/A02.txt"),), ()))
    half = "PRO Växjö får 45 000 kronor. [1]"
    assert not right_answer(known, Answer(known.question, True, half, (cited("A01.txt"),), ()))
    assert not right_answer(known, Answer(known.question, True, both, (cited("B07.txt"),), ()))
    assert not right_answer(known, Answer(known.question, False, both, (), ()))
    assert not right_answer(unknown, Answer(unknown.question, True, both, (cited("A01.txt"),), ()))
