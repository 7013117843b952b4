"""Hybrid search on a small real index: Chroma on tmp_path, the real embedder, real BM25."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.build import index_paths
from index.search import Searcher
from index.settings import IndexSettings

DOCUMENTS = {
    "avgifter.txt": "§ 4 Avgifter för hemtjänst\n\nBeslut\n\nÄldrenämnden beslutar att "
    "avgiften för trygghetslarm höjs till 250 kronor i månaden från och med 1 mars 2023.\n",
    "skolskjuts.txt": "§ 9 Skolskjuts\n\nBeslut\n\nBarn- och utbildningsnämnden beslutar att "
    "elever med längre än fyra kilometer till skolan får skolskjuts.\n",
    "bibliotek.txt": "§ 2 Bibliotekets öppettider\n\nBeslut\n\nKulturnämnden beslutar att "
    "biblioteket i Åkersberga håller öppet på lördagar under sommaren.\n",
}


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    root = tmp_path_factory.mktemp("search")
    docs = root / "docs"
    docs.mkdir()
    for name, text in DOCUMENTS.items():
        (docs / name).write_text(text, encoding="utf-8")
    settings = IndexSettings(path=root / "idx")
    report = index_paths([docs], settings)
    assert not report.failed
    return Searcher.open(settings)


def test_fusion_gives_every_candidate_both_scores(searcher: Searcher) -> None:
    query = "Vad kostar trygghetslarm?"
    lexical = searcher.lexical.scores(query)
    embedding = searcher.embedder.get_query_embedding(query)
    ids = [p.id for p in searcher.passages]
    only_bm25, only_dense = ids[0], ids[1]
    own = {"bm25": {only_bm25: 1.0}, "dense": {only_dense: 0.5}}
    searcher._complete(own, lexical, embedding)
    assert set(own["bm25"]) == set(own["dense"]) == {only_bm25, only_dense}
    assert own["bm25"][only_dense] == pytest.approx(lexical[searcher.position[only_dense]])
    stored = np.asarray(searcher.store.embeddings([only_bm25])[only_bm25])
    query_vector = np.asarray(embedding)
    cosine = stored @ query_vector / np.linalg.norm(stored) / np.linalg.norm(query_vector)
    assert own["dense"][only_bm25] == pytest.approx(cosine, abs=1e-5)


def test_hybrid_finds_the_passage_that_answers(searcher: Searcher) -> None:
    hits = searcher.search("Vad beslutade kulturnämnden om bibliotekets öppettider?", top_k=3)
    assert Path(hits[0].source).name == "bibliotek.txt"
    assert set(hits[0].ranks) == {"bm25", "dense"}
