"""The external sets: loaders, the relevance rule, rank metrics and the plain BM25 baselines."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from bench.external import PlainBm25, from_hit
from bench.external_data import (
    Document,
    ExternalQuestion,
    Span,
    crlf_to_lf,
    folded,
    load_swefaq,
    load_swequad,
    moved_offset,
    repeating,
    sentence_around,
    whole_words,
    write_documents,
)
from bench.external_score import (
    ExternalResults,
    Passage,
    Ranked,
    SetScores,
    SystemScores,
    count_relevant,
    first_rank,
    holds_words,
    markdown,
    ndcg,
    rank,
    relevant,
    to_json,
)
from bench.report import Run
from bench.report import markdown as report_markdown
from bench.report import to_json as report_json
from index.records import Hit

OWN = (
    "Bostadstillägg\r\nDu kan få bostadstillägg från Försäkringskassan. "
    "Ansökan görs hos kommunen.\r\nHandläggningen tar tre månader."
)
OTHER = "Äldreomsorg\nAnsökan görs hos kommunen.\nSocialnämnden beslutar."
DEV_QUESTION = "Var görs ansökan om bostadstillägg?"


def _choice(context: str, text: str, kind: str) -> dict[str, object]:
    start = context.index(text)
    return {"start": start, "end": start + len(text), "text": text, "type": kind, "extra": None}


def _swequad(tmp_path: Path) -> tuple[Path, Path]:
    dev = {
        "data": [
            {
                "context": OWN,
                "question": DEV_QUESTION,
                "choices": [
                    _choice(OWN, "Försäkringskassan", "Distractor"),
                    _choice(OWN, "kommunen", "Correct answer"),
                    _choice(OWN, "kommunen", "Correct answer"),
                ],
            }
        ]
    }
    train = {"data": [{"context": OTHER, "question": "Vem beslutar?", "choices": []}]}
    (tmp_path / "dev.json").write_text(json.dumps(dev, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "train.json").write_text(json.dumps(train, ensure_ascii=False), encoding="utf-8")
    return tmp_path / "dev.json", tmp_path / "train.json"


def test_offsets_move_with_crlf() -> None:
    start = OWN.index("kommunen")
    assert crlf_to_lf(OWN)[moved_offset(OWN, start) :].startswith("kommunen")


def test_spans_cut_inside_a_word_are_widened() -> None:
    text = "Första kontakten tas inne på anstalten."
    start = text.index("på")
    assert whole_words(text, start, start + len("på anstalte")) == (start, len(text) - 1)
    assert whole_words(text, start, start + 2) == (start, start + 2)


def test_sentence_around_a_span() -> None:
    text = crlf_to_lf(OWN)
    start = text.index("kommunen")
    assert sentence_around(text, start, start + 8) == "Ansökan görs hos kommunen."
    last = text.index("tre")
    assert sentence_around(text, last, last + 3) == "Handläggningen tar tre månader."


def test_load_swequad_indexes_every_context_and_asks_dev(tmp_path: Path) -> None:
    data = load_swequad(_swequad(tmp_path))
    assert [d.name for d in data.documents] == ["sq_0001.txt", "sq_0002.txt"]
    assert "\r" not in data.documents[0].text
    (question,) = data.questions
    assert question.question == DEV_QUESTION
    assert question.own == "sq_0001.txt"
    assert question.spans == (Span(question.spans[0].start, question.spans[0].end, "kommunen"),)
    span = question.spans[0]
    assert data.documents[0].text[span.start : span.end] == "kommunen"
    # The other text repeats the sentence that holds the answer.
    assert question.sources == {"sq_0001.txt", "sq_0002.txt"}


def test_repeating_folds_case_and_whitespace() -> None:
    docs = folded([Document("a.txt", "ANSÖKAN  görs\nhos kommunen. Mer."), Document("b.txt", "x")])
    assert repeating("Ansökan görs hos kommunen.", docs) == {"a.txt"}


def test_load_swefaq_one_document_per_distinct_answer(tmp_path: Path) -> None:
    answers = ["Vaccinet är gratis för alla.", "Ansök hos Försäkringskassan.", "Nej, det går inte."]
    rows = [
        {"question": "Kostar vaccinet?", "candidate_answers": answers, "label": 0},
        {"question": "Var ansöker jag?", "candidate_answers": answers[::-1], "label": 1},
    ]
    path = tmp_path / "faq.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    data = load_swefaq(path)
    assert len(data.documents) == 3
    assert [q.own for q in data.questions] == ["sf_0001.txt", "sf_0002.txt"]
    assert not data.questions[0].spans
    written = write_documents(data.documents, tmp_path / "docs")
    assert written[1].read_text(encoding="utf-8") == "Ansök hos Försäkringskassan."


def test_whole_word_span() -> None:
    assert holds_words("Ansökan görs hos  KOMMUNEN.", "kommunen")
    assert holds_words("Beslutet fattas av\nsocialnämnden i Täby", "Socialnämnden i Täby")
    assert not holds_words("Kommunens ansvar", "kommunen")
    assert not holds_words("det tog trettio dagar", "tre")
    assert not holds_words("något", "")


QUESTION = ExternalQuestion(
    id="sq-001",
    question=DEV_QUESTION,
    own="sq_0001.txt",
    sources=frozenset({"sq_0001.txt", "sq_0002.txt"}),
    spans=(Span(0, 8, "kommunen"),),
)


def test_relevant_needs_the_span_and_a_document_that_counts() -> None:
    assert relevant(QUESTION, Passage("/tmp/docs/sq_0001.txt", "Ansökan görs hos kommunen."))
    assert relevant(QUESTION, Passage("docs/sq_0002.txt", "Ansökan görs hos kommunen."))
    assert not relevant(QUESTION, Passage("docs/sq_0003.txt", "Ansökan görs hos kommunen."))
    assert not relevant(QUESTION, Passage("docs/sq_0001.txt", "Kommunens ansvar."))


def test_any_passage_of_the_right_document_counts_without_spans() -> None:
    faq = ExternalQuestion("faq-001", "Kostar det?", "sf_0002.txt", frozenset({"sf_0002.txt"}))
    assert relevant(faq, Passage("x/sf_0002.txt", "Vad som helst."))
    assert not relevant(faq, Passage("x/sf_0001.txt", "Vad som helst."))


def test_ndcg_and_first_rank_by_hand() -> None:
    assert ndcg([True], 1) == 1.0
    assert ndcg([False, True], 1) == pytest.approx(1 / math.log2(3))
    # Two relevant in all, one found at rank 1: DCG 1, IDCG 1 + 1/log2(3).
    assert ndcg([True, False], 2) == pytest.approx(1 / (1 + 1 / math.log2(3)))
    assert ndcg([False] * 10, 3) == 0.0
    assert ndcg([], 0) == 0.0
    # More relevant passages than the depth: the ideal is capped at 10.
    assert ndcg([True] * 10, 25) == pytest.approx(1.0)
    assert first_rank([False, False, True]) == 3
    assert first_rank([False] * 10 + [True]) is None


def test_rank_and_summary_metrics() -> None:
    hit = Passage("d/sq_0001.txt", "hos kommunen")
    miss = Passage("d/sq_0003.txt", "hos kommunen")
    pool = [hit, miss, Passage("d/sq_0002.txt", "Kommunen")]
    assert count_relevant(QUESTION, pool) == 2
    first = rank(QUESTION, [miss, hit], count_relevant(QUESTION, pool), 0.01)
    assert first.rank == 2
    second = Ranked("sq-002", None, 0.0, 0, 0.03)
    scores = SystemScores("ours (hybrid)", 3, (first, second))
    assert scores.hit_at(1) == 0.0
    assert scores.hit_at(5) == 0.5
    assert scores.mrr_at_10 == pytest.approx(0.25)
    assert scores.p50_ms == pytest.approx(20.0)
    assert scores.unreachable == 1
    results = ExternalResults((SetScores("SweQUAD-MC", 3, 2, (scores,), ("en not",)),))
    table = "\n".join(markdown(results))
    assert "| ours (hybrid) | 0.000 | 0.500 | 0.250 |" in table
    assert to_json(results)["sets"][0]["systems"][0]["mrr_at_10"] == pytest.approx(0.25)
    run = Run("eval.jsonl", "corpus", "2026-01-01T00:00:00", (), external=results)
    assert "### SweQUAD-MC: 2 questions, 3 documents" in report_markdown(run)
    assert "no relevant passage among all passages: ours (hybrid) 1." in table
    assert report_json(run)["external"]["sets"][0]["name"] == "SweQUAD-MC"


@pytest.mark.parametrize("language", ["english", "swedish"])
def test_plain_bm25_ranks_a_matching_passage_first(language: str) -> None:
    passages = [
        Passage("a.txt", "Socialnämnden beslutar om äldreomsorg."),
        Passage("b.txt", "Avgiften för hemtjänst höjs från 1 juli."),
        Passage("c.txt", "Kulturnämnden delar ut stipendier."),
    ]
    found = PlainBm25.build(passages, language).search("Hur höjs avgiften för hemtjänst?")
    assert found[0].source == "b.txt"
    assert len(found) == 3


def test_from_hit_keeps_raw_text_when_it_differs() -> None:
    hit = Hit(
        id="1",
        source="d/sq_0001.txt",
        text="hälso- och sjukvård",
        raw_text="hälso- och sjuk-\nvård",
        page=None,
        line_start=1,
        line_end=2,
        section=None,
        title=None,
        dnr=None,
        date=None,
        municipality=None,
        committee=None,
        doc_type=None,
        score=1.0,
    )
    assert from_hit(hit).text == "hälso- och sjukvård\nhälso- och sjuk-\nvård"
