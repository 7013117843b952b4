"""The weight sweep: its grid, SweFAQ's halves, the choice on the selection splits, the
report, and the searcher's weights (a small real index: Chroma on tmp_path, the real
embedder)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.external_data import load_swequad, swequad_train
from bench.external_score import Ranked
from bench.sweep_score import (
    CORPUS,
    DEFAULT,
    FAQ_A,
    FAQ_ALL,
    FAQ_B,
    FOLDS,
    RRF,
    SQ_DEV,
    SQ_TRAIN,
    Score,
    Setting,
    Sweep,
    choose,
    criterion,
    grid,
    halves,
    markdown,
    to_json,
)
from index.build import index_paths
from index.search import FUSION_WEIGHTS, SENTENCE_WEIGHT, Searcher
from index.settings import IndexSettings

SPLITS = (SQ_TRAIN, SQ_DEV, FAQ_A, FAQ_B, FAQ_ALL, CORPUS)


def scores(**ndcg: float) -> dict[str, Score]:
    """Every split at 0.5 unless named (``SQ_TRAIN=0.9`` by its constant's name)."""
    named = {globals()[key]: value for key, value in ndcg.items()}
    return {split: Score(named.get(split, 0.5), 0.5, 0.5, 10) for split in SPLITS}


def test_the_grid_holds_every_pair_todays_default_and_rrf() -> None:
    settings = grid()
    assert len(settings) == 6 * 5 + 1
    assert len(set(settings)) == len(settings)
    assert DEFAULT in settings and settings[-1] == RRF
    assert (DEFAULT.bm25, DEFAULT.dense, DEFAULT.sentence) == (0.6, 0.4, 0.1)
    assert all(s.bm25 + s.dense == pytest.approx(1.0) for s in settings)


@given(st.lists(st.text(min_size=1), unique=True, max_size=300))
def test_swefaq_halves_are_disjoint_and_cover_every_question(ids: list[str]) -> None:
    first, second = halves(ids)
    assert not set(first) & set(second)
    assert sorted(first + second) == sorted(ids)
    assert 0 <= len(first) - len(second) <= 1
    assert halves(ids) == (first, second)


def test_halves_by_position() -> None:
    ids = [f"faq-{i:03d}" for i in range(1, 8)]
    assert halves(ids) == (
        ("faq-001", "faq-003", "faq-005", "faq-007"),
        ("faq-002", "faq-004", "faq-006"),
    )


def test_the_choice_is_the_best_mean_of_the_selection_splits() -> None:
    best_on_train = Setting(0.8, 0.2)
    best_mean = Setting(0.65, 0.05)
    best_on_report = Setting(0.5, 0.0)
    table = {
        DEFAULT: scores(SQ_TRAIN=0.80, FAQ_A=0.80),
        best_on_train: scores(SQ_TRAIN=0.95, FAQ_A=0.60),  # mean 0.775
        best_mean: scores(SQ_TRAIN=0.85, FAQ_A=0.79),  # mean 0.82
        best_on_report: scores(SQ_TRAIN=0.70, FAQ_A=0.70, SQ_DEV=0.99, FAQ_B=0.99, CORPUS=0.99),
    }
    assert criterion(table[best_mean], (SQ_TRAIN, FAQ_A)) == pytest.approx(0.82)
    assert choose(table, (SQ_TRAIN, FAQ_A)) == best_mean
    # The other fold reads the other half.
    table[DEFAULT] = scores(SQ_TRAIN=0.80, FAQ_A=0.80, FAQ_B=0.95)
    assert choose(table, (SQ_TRAIN, FAQ_B)) == DEFAULT


def test_a_tie_goes_to_todays_default_then_to_the_earlier_row() -> None:
    first, second = Setting(0.5, 0.0), Setting(0.55, 0.0)
    tied = scores(SQ_TRAIN=0.9, FAQ_A=0.7)
    assert choose({first: tied, DEFAULT: tied, second: tied}, (SQ_TRAIN, FAQ_A)) == DEFAULT
    assert choose({first: tied, second: tied}, (SQ_TRAIN, FAQ_A)) == first


def test_the_folds_never_choose_on_what_they_report() -> None:
    for fold in FOLDS:
        assert not set(fold.selection) & set(fold.report)
        assert CORPUS in fold.report and SQ_DEV in fold.report
    assert {FOLDS[0].selection[1], FOLDS[1].selection[1]} == {FAQ_A, FAQ_B}


def test_the_report_bolds_the_choice_and_says_it_is_not_the_default() -> None:
    other = Setting(0.7, 0.15)
    table = {DEFAULT: scores(), other: scores(SQ_TRAIN=0.9, FAQ_A=0.9, FAQ_B=0.9)}
    result = Sweep(table, dict.fromkeys(SPLITS, 10), ("Hela körningen: 1 s.",), quick=False)
    text = "\n".join(markdown(result))
    assert f"| **{other.label}** |" in text
    assert f"| {DEFAULT.label} (today's default) |" in text
    assert text.count(f"chose **{other.label}**, not today's default") == 2
    data: dict[str, Any] = json.loads(json.dumps(to_json(result)))
    assert [f["chosen"] for f in data["folds"]] == [other.label, other.label]
    assert not any(f["is_default"] for f in data["folds"])
    assert data["settings"][0]["default"] and data["settings"][0]["scores"][SQ_DEV]["ndcg_at_10"]


def test_a_score_is_the_mean_over_its_questions() -> None:
    outcomes = [
        Ranked("a", 1, 1.0, 1, 0.0),
        Ranked("b", 6, 0.4, 1, 0.0),
        Ranked("c", None, 0, 1, 0),
    ]
    score = Score.of(outcomes)
    assert score.ndcg_at_10 == pytest.approx(1.4 / 3)
    assert score.hit_at_5 == pytest.approx(1 / 3)
    assert score.mrr_at_10 == pytest.approx((1 + 1 / 6) / 3)
    assert score.questions == 3


def _item(context: str, answer: str, question: str) -> dict[str, object]:
    start = context.index(answer)
    choice = {"start": start, "end": start + len(answer), "type": "Correct answer"}
    return {"context": context, "question": question, "choices": [choice]}


def test_train_questions_name_their_documents_as_the_indexed_set_does(tmp_path: Path) -> None:
    dev_text = "Bygglov\r\nNämnden beviljar bygglov för förskolan i Åkersberga."
    train_text = "Färdtjänst\nResor med färdtjänst kostar 40 kronor inom kommunen."
    (tmp_path / "swequad_mc_dev.json").write_text(
        json.dumps({"data": [_item(dev_text, "förskolan", "Vad gäller bygglovet?")]}), "utf-8"
    )
    train = [_item(train_text, "40 kronor", "Vad kostar en resa?")]
    train.append(_item(dev_text, "bygglov", "Vad beviljar nämnden?"))
    (tmp_path / "swequad_mc_train.json").write_text(json.dumps({"data": train}), "utf-8")
    indexed = load_swequad([tmp_path / "swequad_mc_dev.json", tmp_path / "swequad_mc_train.json"])
    names = {d.text.split("\n")[0]: d.name for d in indexed.documents}
    questions = swequad_train(indexed, tmp_path)
    assert [q.id for q in questions] == ["train-sq-001", "train-sq-002"]
    assert [q.own for q in questions] == [names["Färdtjänst"], names["Bygglov"]]
    assert questions[0].sources == {names["Färdtjänst"]}
    assert [s.text for s in questions[0].spans] == ["40 kronor"]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    root = tmp_path_factory.mktemp("sweep")
    (root / "docs").mkdir()
    (root / "docs" / "larm.txt").write_text(
        "§ 4 Avgifter\n\nÄldrenämnden beslutar att avgiften för trygghetslarm höjs till "
        "250 kronor i månaden.\n",
        encoding="utf-8",
    )
    (root / "docs" / "skjuts.txt").write_text(
        "§ 9 Skolskjuts\n\nBarn- och utbildningsnämnden beslutar att elever med längre än "
        "fyra kilometer till skolan får skolskjuts.\n",
        encoding="utf-8",
    )
    settings = IndexSettings(path=root / "idx")
    assert not index_paths([root / "docs"], settings).failed
    return Searcher.open(settings)


def test_todays_default_setting_searches_as_the_searcher_does(searcher: Searcher) -> None:
    assert searcher.fusion_weights == FUSION_WEIGHTS
    assert searcher.sentence_weight == SENTENCE_WEIGHT
    tuned = DEFAULT.applied(searcher)
    query = "Vad kostar trygghetslarm i månaden?"
    ours = [(h.id, h.score) for h in searcher.search(query, top_k=2)]
    assert [(h.id, h.score) for h in tuned.search(query, top_k=2)] == ours


def test_a_setting_sets_the_searchers_weights(searcher: Searcher) -> None:
    ids = {Path(p.get("source") or "").name: p.id for p in searcher.passages}
    fused = [(ids["skjuts.txt"], 0.9), (ids["larm.txt"], 0.85)]
    question = "Vad kostar trygghetslarm i månaden?"
    none = Setting(0.6, 0.0).applied(searcher)
    assert none.sentence_weight == 0.0
    assert none._by_sentence(question, fused) == fused
    strong = replace(searcher, sentence_weight=0.3)
    assert strong._by_sentence(question, fused)[0][0] == ids["larm.txt"]
    assert Setting(0.8, 0.1).applied(searcher).fusion_weights == {"bm25": 0.8, "dense": 0.2}
    assert RRF.applied(searcher).fusion == "rrf"
    assert searcher.fusion == "convex" and searcher.sentence_weight == SENTENCE_WEIGHT
