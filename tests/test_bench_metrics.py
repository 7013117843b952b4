"""The benchmark's rules: dataset parsing, hit rule, correctness, latency, report, line mapping."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from llama_index.core.schema import TextNode

from bench import repair_speed
from bench.actionable import _correct, cited, corruptions, load_conversations
from bench.baselines import line_span, node_lines
from bench.datasets import Place, Question, load_questions, parse_ranges
from bench.ingest_speed import sample
from bench.metrics import (
    Outcome,
    answer_correct,
    contains_keys,
    fold,
    hit_at_k,
    hit_rank,
    is_hit,
    percentile_ms,
    reciprocal_rank,
    score,
    summarise,
    unanswerable_handled,
)
from bench.repair import clean_changes
from bench.report import CHART, Run, SystemResult, markdown, write
from bench.wer import ErrorRate, error_rate

ÄLDRE = {
    "id": "q09",
    "question": "Vad föreslås äldrenämnden besluta om abonnemangsplatser på korttidsboende?",
    "answer": "Att förlänga ramavtalet till och med 28 februari 2023.",
    "kind": "decision",
    "file": "003_äldre.txt",
    "lines": "40-49, 532-545",
    "quotes": ["Äldrenämnden beslutar att inleda upphandling"],
    "must": ["förlänga", "ramavtal", "28 februari 2023"],
    "must_alt": ["förlängning", None, "2023-02-28"],
    "must_raw": None,
    "also": [{"file": "002_skannad.txt", "lines": "13-15"}],
}
SKANNAD = {
    "id": "q45",
    "question": "Vad ska kommunen skicka för att få ersättning för hälso- och sjukvård?",
    "answer": "Underlag för de faktiska kostnaderna.",
    "kind": "payment",
    "file": "002_skannad.txt",
    "lines": "87-90",
    "quotes": ["underlag för faktiska kostnader"],
    "must": ["underlag", "faktiska kostnader"],
    "must_alt": None,
    "must_raw": ["underlaq", "faktiska kostnader"],
    "also": [],
}
OBESVARAD: dict[str, object] = {
    "id": "q57",
    "question": "Hur många elever går i Salems förskolor i år?",
    "answer": None,
    "kind": "unanswerable",
    "file": None,
    "lines": None,
    "quotes": [],
    "must": [],
    "must_alt": None,
    "must_raw": None,
    "also": [],
}


@dataclass(frozen=True)
class Passage:
    source: str
    line_start: int | None
    line_end: int | None


@pytest.fixture
def questions(tmp_path: Path) -> tuple[Question, ...]:
    path = tmp_path / "corpus_dev.jsonl"
    lines = [json.dumps(q, ensure_ascii=False) for q in (ÄLDRE, SKANNAD, OBESVARAD)]
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    return load_questions(path)


def test_parse_ranges() -> None:
    assert parse_ranges("761-771") == ((761, 771),)
    assert parse_ranges("40-49, 532-545") == ((40, 49), (532, 545))
    assert parse_ranges(" 12 ") == ((12, 12),)
    with pytest.raises(ValueError):
        parse_ranges("50-40")
    with pytest.raises(ValueError):
        parse_ranges("")


def test_load_questions(questions: tuple[Question, ...]) -> None:
    äldre, skannad, obesvarad = questions
    assert äldre.id == "q09" and äldre.question.startswith("Vad föreslås äldrenämnden")
    assert äldre.ranges == ((40, 49), (532, 545))
    assert äldre.also == (Place("002_skannad.txt", ((13, 15),)),)
    assert äldre.places[0] == Place("003_äldre.txt", ((40, 49), (532, 545)))
    assert äldre.must_alt == ("förlängning", None, "2023-02-28")
    assert äldre.must_raw == ()
    assert skannad.must_raw == ("underlaq", "faktiska kostnader")
    assert obesvarad.answerable is False and obesvarad.places == () and obesvarad.ranges == ()
    assert äldre.answerable is True


def test_load_rejects_must_alt_of_wrong_length(tmp_path: Path) -> None:
    path = tmp_path / "trasig.jsonl"
    path.write_text(json.dumps(ÄLDRE | {"must_alt": ["förlängning"]}), encoding="utf-8")
    with pytest.raises(ValueError, match=r"trasig\.jsonl:1"):
        load_questions(path)


def test_is_hit_matches_file_by_basename_and_overlap(questions: tuple[Question, ...]) -> None:
    äldre = questions[0]
    assert is_hit("corpus/003_äldre.txt", 45, 60, äldre)
    assert is_hit("/abs/corpus/003_äldre.txt", 30, 40, äldre)  # touches the first line
    assert is_hit("corpus/003_äldre.txt", 545, 560, äldre)  # touches the last line
    assert is_hit("corpus/003_äldre.txt", 30, 600, äldre)  # spans both ranges
    assert not is_hit("corpus/003_äldre.txt", 50, 531, äldre)  # between the ranges
    assert not is_hit("corpus/003_äldre.txt", 1, 39, äldre)
    assert not is_hit("corpus/004_annan.txt", 40, 49, äldre)
    assert not is_hit("corpus/003_äldre.txt", None, None, äldre)


def test_is_hit_accepts_also_places_with_their_own_ranges(
    questions: tuple[Question, ...],
) -> None:
    äldre = questions[0]
    assert is_hit("corpus/002_skannad.txt", 15, 20, äldre)
    assert not is_hit("corpus/002_skannad.txt", 40, 49, äldre)  # main ranges, other file


def test_unanswerable_never_hits(questions: tuple[Question, ...]) -> None:
    assert not is_hit("corpus/003_äldre.txt", 1, 10_000, questions[2])


def test_hit_rank_and_mrr(questions: tuple[Question, ...]) -> None:
    äldre = questions[0]
    miss = Passage("corpus/004_annan.txt", 1, 20)
    hit = Passage("corpus/003_äldre.txt", 535, 540)
    assert hit_rank([miss, miss, hit, hit], äldre) == 3
    assert hit_rank([miss] * 10 + [hit], äldre) is None  # only the top 10 count
    assert hit_rank([], äldre) is None
    assert reciprocal_rank(3) == pytest.approx(1 / 3)
    assert reciprocal_rank(None) == 0.0
    assert reciprocal_rank(11) == 0.0
    assert hit_at_k(5, 5) and not hit_at_k(6, 5) and not hit_at_k(None, 5)


def test_fold_case_whitespace_and_unicode() -> None:
    assert fold("ÄLDRENÄMNDEN\u00a0beslutar\n  att [2] förlänga") == (
        "äldrenämnden beslutar att förlänga"
    )
    assert fold("Socialna\u030amnden") == "socialnåmnden"  # decomposed å composed


def test_contains_keys_needs_every_key_or_its_alternative(
    questions: tuple[Question, ...],
) -> None:
    äldre = questions[0]
    assert contains_keys(
        "Nämnden föreslås FÖRLÄNGA ramavtalet t.o.m. 28\u00a0februari 2023 [1].", äldre
    )
    assert contains_keys("Förlängning av ramavtal till 2023-02-28 [1]", äldre)
    assert not contains_keys("Nämnden föreslås förlänga ramavtalet [1].", äldre)  # no date
    assert not contains_keys("Upphandling av platser till 28 februari 2023.", äldre)


def test_contains_keys_accepts_raw_ocr_forms(questions: tuple[Question, ...]) -> None:
    skannad = questions[1]
    assert contains_keys("Kommunen skickar underlaq för faktiska  kostnader.", skannad)
    assert contains_keys("Kommunen skickar underlag över faktiska kostnader.", skannad)
    assert not contains_keys("Kommunen skickar en faktura.", skannad)


def test_answer_correct_requires_answered(questions: tuple[Question, ...]) -> None:
    äldre, _, obesvarad = questions
    text = "Förlänga ramavtal till 28 februari 2023."
    assert answer_correct(True, text, äldre)
    assert not answer_correct(False, text, äldre)
    assert not answer_correct(True, "Handlingarna svarar inte på frågan.", obesvarad)


def test_unanswerable_handled() -> None:
    assert unanswerable_handled(False, 0)
    assert not unanswerable_handled(False, 1)
    assert not unanswerable_handled(True, 0)


def test_percentiles_in_milliseconds() -> None:
    seconds = [0.4, 0.1, 0.3, 0.2]
    assert percentile_ms(seconds, 50) == pytest.approx(250.0)
    assert percentile_ms(seconds, 95) == pytest.approx(385.0)
    assert percentile_ms([], 50) == 0.0


def _outcomes(questions: tuple[Question, ...]) -> tuple[Outcome, ...]:
    äldre, skannad, obesvarad = questions
    return (
        score(
            äldre,
            answered=True,
            text="Äldrenämnden föreslås förlänga ramavtal till 28 februari 2023 [1].",
            citations=1,
            passages=[
                Passage("corpus/004_annan.txt", 1, 9),
                Passage("corpus/003_äldre.txt", 44, 52),
            ],
            seconds=0.2,
        ),
        score(
            skannad,
            answered=True,
            text="Kommunen skickar en faktura [1].",
            citations=1,
            passages=[Passage("corpus/002_skannad.txt", 80, 95)],
            seconds=0.1,
        ),
        score(
            obesvarad,
            answered=False,
            text="Handlingarna svarar inte på frågan.",
            citations=0,
            passages=[Passage("corpus/003_äldre.txt", 1, 30)],
            seconds=0.3,
        ),
    )


def test_score_and_summarise(questions: tuple[Question, ...]) -> None:
    outcomes = _outcomes(questions)
    assert outcomes[0].rank == 2 and outcomes[0].correct is True and outcomes[0].handled is None
    assert outcomes[0].passages == ("corpus/004_annan.txt:1-9", "corpus/003_äldre.txt:44-52")
    assert outcomes[1].rank == 1 and outcomes[1].correct is False
    assert outcomes[2].rank is None and outcomes[2].correct is None and outcomes[2].handled
    summary = summarise(outcomes)
    assert summary.hit_at_5 == 1.0
    assert summary.mrr_at_10 == pytest.approx((1 / 2 + 1) / 2)
    assert (summary.correct, summary.answerable) == (1, 2)
    assert summary.correctness == 0.5
    assert (summary.handled, summary.unanswerable) == (1, 1)
    assert summary.p50_ms == pytest.approx(200.0)
    assert outcomes[0].lines == (9, 9) and outcomes[1].lines == (16,)
    assert summary.median_lines == 12.5  # lines of (9, 9, 16, 30)


def test_report_writes_tables_chart_and_json(
    questions: tuple[Question, ...], tmp_path: Path
) -> None:
    outcomes = _outcomes(questions)
    run = Run(
        eval_file="corpus_dev.jsonl",
        corpus="corpus",
        started="2024-05-01T10:00:00+00:00",
        systems=(
            SystemResult("ours (hybrid)", outcomes, index_seconds=12.5, passages=321),
            SystemResult("BM25 alone (Swedish)", outcomes[1:]),
        ),
    )
    report, results = write(run, tmp_path / "ut")
    text = report.read_text(encoding="utf-8")
    assert "| ours (hybrid) | 1.00 | 0.750 | 0.50 (1/2) | 1/1 | 200 | 290 |" in text
    assert "| BM25 alone (Swedish) | 1.00 | 1.000 | 0.00 (0/1) | 1/1 |" in text
    assert "12.5 s, 321 passages" in text
    assert "ours (hybrid) 12.5, BM25 alone (Swedish) 23.0." in text
    assert "| q09 | decision | 2 | yes |" in text
    assert "| q45 | payment | 1 | no |" in text
    assert "| q57 | unanswerable | – | yes |" in text
    assert "| q09 | decision | 2 | miss |" in text  # rank table: BM25 did not get q09
    assert f"]({CHART})" in text and text == markdown(run)
    assert (tmp_path / "ut" / CHART).read_bytes().startswith(b"\x89PNG")
    data = json.loads(results.read_text(encoding="utf-8"))
    ours = data["systems"][0]
    assert ours["summary"]["correctness"] == 0.5 and ours["passages"] == 321
    assert ours["questions"][0]["answer"].startswith("Äldrenämnden")
    assert [q["rank"] for q in ours["questions"]] == [2, 1, None]


def test_line_span_counts_newlines_only() -> None:
    text = "Kommun-\nfullmäktige\u2028beslutar\x0catt\nanta överenskommelsen\n"
    assert line_span(text, 0, 7) == (1, 1)
    assert line_span(text, 0, 8) == (1, 1)  # ends on the newline that closes line 1
    start = text.index("beslutar")
    assert line_span(text, start, text.index("anta") + 4) == (2, 3)
    assert line_span(text, text.index("överens"), len(text)) == (3, 3)


def test_node_lines_uses_offsets_or_finds_the_text() -> None:
    text = "Rad ett\nSocialnämnden beslutar\natt godkänna ansökan\nRad fyra\n"
    start = text.index("Socialnämnden")
    end = text.index("ansökan") + len("ansökan")
    with_offsets = TextNode(text=text[start:end], start_char_idx=start, end_char_idx=end)
    assert node_lines(text, with_offsets) == (2, 3)
    without = TextNode(text="att godkänna ansökan\nRad fyra")
    assert node_lines(text, without) == (3, 4)
    wrong_offsets = TextNode(text="Rad fyra", start_char_idx=0, end_char_idx=8)
    assert node_lines(text, wrong_offsets) == (4, 4)
    assert node_lines(text, TextNode(text="Kommunfullmäktige")) is None


def test_a_corruption_names_what_it_changed() -> None:
    sentence = "Äldrenämnden beviljar 80 000 kronor för 2022."
    assert corruptions(sentence) == [
        ("Äldrenämnden beviljar 81 000 kronor för 2022.", "81"),
        ("Socialnämnden beviljar 80 000 kronor för 2022.", "Socialnämnden"),
    ]
    assert cited("Bidraget beviljas. Det redovisas senast 1 november 2022") == (
        "Bidraget beviljas. [1] Det redovisas senast 1 november 2022 [1]"
    )


def test_the_ingestion_sample_is_the_smallest_files_within_half_the_corpus(
    tmp_path: Path,
) -> None:
    for name, size in (("a.txt", 100), ("b.txt", 300), ("c.txt", 200), ("d.pdf", 900)):
        (tmp_path / name).write_text("ö" * (size // 2), encoding="utf-8")
    (tmp_path / "bild.png").write_bytes(b"\x89PNG" * 1000)
    assert [p.name for p in sample(tmp_path)] == ["a.txt", "b.txt", "c.txt"]
    assert [p.name for p in sample(tmp_path, share=0.2)] == ["a.txt", "c.txt"]


def test_a_follow_up_answer_with_the_other_conversations_value_is_not_correct() -> None:
    answer = "Uppsägningstiden är tjugofyra (24) månader [1]."
    assert _correct(answer, True, ["tjugofyra (24)"], ["tolv (12)"])
    both = answer + " Den regionala överenskommelsen har tolv (12) månader [2]."
    assert not _correct(both, True, ["tjugofyra (24)"], ["tolv (12)"])
    conversations = load_conversations()
    assert len(conversations) >= 10 and all(len(c.turns) == 2 for c in conversations)
    assert any(c.must_not for c in conversations)


def test_repair_speed_is_timed_in_processes_of_its_own(tmp_path: Path) -> None:
    corpus = tmp_path / "korpus"
    corpus.mkdir()
    (corpus / "protokoll.txt").write_text(
        "Socialnämnden beslutar att godkänna avtalet.\n" * 5, encoding="utf-8"
    )
    (corpus / repair_speed.DAMAGED).write_text(
        "Socialniimnden beslutar att godkiinna avtalet om 7 8oo kronor.\n" * 5, encoding="utf-8"
    )
    assert repair_speed.measure(corpus, runs=1) > 0
    with pytest.raises(subprocess.CalledProcessError):
        repair_speed.measure(tmp_path, runs=1)  # no damaged file there


def test_word_errors_tell_misreadings_from_unrelated_words() -> None:
    reference = "nämnden beslutar att godkänna avtalet".split()
    misread = "niimnden beslutar att godkiinna avtalet".split()
    assert error_rate(misread, reference) == ErrorRate(words=5, errors=2, unrelated=0)
    shuffled = "sida 3 av 7 beslutar att godkänna".split()
    rate = error_rate(shuffled, reference)
    assert rate.errors == 5 and rate.unrelated == 5  # four page words, "avtalet" dropped


def test_a_clean_file_is_repaired_without_its_own_words(tmp_path: Path) -> None:
    # Words that look damaged: with its own words in the lexicon nothing would look unknown and
    # nothing would change, so a change shows that the file's own words were left out.
    looks_damaged = tmp_path / "skannad.txt"
    looks_damaged.write_text(
        "Socialniimnden beslutar att godkiinna avtalet frin och med zozo.\n" * 4, encoding="utf-8"
    )
    other = tmp_path / "protokoll.txt"
    other.write_text("Äldrenämnden beslutar att godkänna avtalet.\n", encoding="utf-8")
    words, changed = clean_changes([looks_damaged, other])
    assert words == 4 * 9 + 5
    assert changed >= 4 * 3
