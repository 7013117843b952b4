"""Rank fusion and Swedish BM25."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.fuse import convex_combination, reciprocal_rank_fusion
from index.lexical import LexicalIndex, fold, tokens

ids = st.lists(st.sampled_from(list("abcdefghij")), unique=True, max_size=10)


@given(ids, ids)
def test_fusion_scores_are_sorted_and_cover_every_id(bm25: list[str], dense: list[str]) -> None:
    fused = reciprocal_rank_fusion({"bm25": bm25, "dense": dense})
    assert {i for i, _ in fused} == set(bm25) | set(dense)
    scores = [s for _, s in fused]
    assert scores == sorted(scores, reverse=True)


@given(ids)
def test_fusion_of_one_list_keeps_its_order(ranking: list[str]) -> None:
    assert [i for i, _ in reciprocal_rank_fusion({"x": ranking})] == ranking


@given(ids, ids)
def test_fusion_is_symmetric_in_its_inputs(a: list[str], b: list[str]) -> None:
    one = dict(reciprocal_rank_fusion({"a": a, "b": b}))
    two = dict(reciprocal_rank_fusion({"b": b, "a": a}))
    assert one.keys() == two.keys()
    assert all(abs(one[k] - two[k]) < 1e-12 for k in one)


def test_an_item_first_in_both_lists_wins() -> None:
    fused = reciprocal_rank_fusion({"bm25": ["x", "y", "z"], "dense": ["x", "z", "y"]})
    assert fused[0][0] == "x"


def test_swedish_stemming_and_stop_words() -> None:
    assert tokens("Socialnämndens beslut om överenskommelserna") == tokens(
        "socialnämnden besluten överenskommelsen"
    )
    assert "vad" not in tokens("Vad beslutade nämnden?", query=True)
    assert fold("Överenskommelse på Åland") == "overenskommelse pa aland"


def test_bm25_finds_the_passage_and_folded_field_matches_damaged_text() -> None:
    index = LexicalIndex(
        [
            "Socialnämnden beslutar att avveckla samarbetet med YAP Inc.",
            "Kommunen betalar 7 800 kronor per dygn för utskrivningsklara patienter.",
            "Socialnamndens overenskommelse om halso- och sjukvard",
        ]
    )
    assert index.scores("Vad beslutade socialnämnden om YAP?").argmax() == 0
    assert index.scores("Hur mycket betalar kommunen per dygn?").argmax() == 1
    assert index.scores("överenskommelse om sjukvård").argmax() == 2


def test_convex_combination_normalises_each_list_and_weighs_them_equally() -> None:
    fused = convex_combination(
        {
            "bm25": {"a": 12.0, "b": 6.0, "c": 0.0},
            "dense": {"b": 0.90, "c": 0.85, "d": 0.80},
        }
    )
    scores = dict(fused)
    assert [item for item, _ in fused][:2] == ["b", "a"]
    assert scores["b"] == pytest.approx(0.5 * 0.5 + 0.5 * 1.0)
    assert scores["a"] == pytest.approx(0.5) and scores["d"] == 0.0
    assert scores["c"] == pytest.approx(0.5 * 0.5)
