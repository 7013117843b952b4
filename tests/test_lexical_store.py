"""BM25 saved beside the store: written by the run that changed the index, loaded by the next
process that opens it, and never used when it does not match the store."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from index.build import index_paths
from index.lexical import LexicalIndex
from index.lexical_store import COVERS, FOLDER
from index.search import Searcher, lexical_text
from index.settings import IndexSettings

DOCUMENTS = {
    "hemtjanst.txt": "§ 4 Avgifter för hemtjänst\n\nBeslut\n\nÄldrenämnden beslutar att "
    "avgiften för trygghetslarm höjs till 250 kronor i månaden från och med 1 mars 2023.\n",
    "skolskjuts.txt": "§ 9 Skolskjuts\n\nBeslut\n\nBarn- och utbildningsnämnden beslutar att "
    "elever med längre än fyra kilometer till skolan får skolskjuts.\n",
}
QUERIES = ("trygghetslarm avgift", "skolskjuts fyra kilometer", "öppettider biblioteket")


def saved(index: Path) -> list[Path]:
    folder = index / FOLDER
    return sorted(p for p in folder.iterdir() if (p / COVERS).is_file()) if folder.is_dir() else []


def scores(searcher: Searcher) -> list[list[float]]:
    return [searcher.lexical.scores(q).tolist() for q in QUERIES]


@pytest.fixture()
def indexed(tmp_path: Path) -> tuple[Path, IndexSettings]:
    docs = tmp_path / "handlingar"
    docs.mkdir()
    for name, text in DOCUMENTS.items():
        (docs / name).write_text(text, encoding="utf-8")
    settings = IndexSettings(path=tmp_path / "index")
    assert index_paths([docs], settings).failed == []
    return docs, settings


def test_the_run_that_indexes_saves_bm25_and_the_chat_loads_the_same(
    indexed: tuple[Path, IndexSettings],
) -> None:
    _, settings = indexed
    (written,) = saved(settings.path)
    searcher = Searcher.open(settings)
    assert searcher.lexical.mapped and saved(settings.path) == [written]  # loaded, not built
    built = LexicalIndex([lexical_text(p) for p in searcher.passages])
    for query in QUERIES:
        assert np.allclose(searcher.lexical.scores(query), built.scores(query))
    assert max(scores(searcher)[0]) > 0


def test_a_changed_store_gets_a_new_bm25_and_finds_the_new_document(
    indexed: tuple[Path, IndexSettings],
) -> None:
    docs, settings = indexed
    (before,) = saved(settings.path)
    (docs / "bibliotek.txt").write_text(
        "§ 2 Bibliotekets öppettider\n\nBeslut\n\nKulturnämnden beslutar att biblioteket i "
        "Åkersberga håller öppet på lördagar under sommaren.\n",
        encoding="utf-8",
    )
    assert len(index_paths([docs], settings).indexed) == 1
    assert len(saved(settings.path)) == 2 and before in saved(settings.path)
    searcher = Searcher.open(settings)
    hits = searcher.search("öppettider biblioteket", top_k=1, mode="bm25")
    assert hits and hits[0].source.endswith("bibliotek.txt")


def test_a_damaged_saved_bm25_is_built_again_with_a_warning(
    indexed: tuple[Path, IndexSettings], caplog: pytest.LogCaptureFixture
) -> None:
    _, settings = indexed
    (written,) = saved(settings.path)
    for array in written.rglob("*.npy"):
        array.write_bytes(b"inte en numpy-fil")
    with caplog.at_level(logging.WARNING):
        searcher = Searcher.open(settings)
    assert "byggs om" in caplog.text and not searcher.lexical.mapped
    assert max(scores(searcher)[1]) > 0
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        again = Searcher.open(settings)  # saved afresh: loaded without a word
    assert "byggs om" not in caplog.text and again.lexical.mapped
    assert scores(again) == scores(searcher)
