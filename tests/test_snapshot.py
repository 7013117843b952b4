"""The snapshot beside the store: written by the run that changed the index, loaded by the
next process that opens it, followed by a chat that is open, and never taken while a writer
works or when it does not match the store."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from index import snapshot
from index.build import index_paths
from index.lexical import LexicalIndex
from index.search import Searcher, build_signature
from index.settings import IndexSettings
from index.snapshot import COVERS, CURRENT, FOLDER, lexical_text
from index.store import PassageStore

DOCUMENTS = {
    "hemtjanst.txt": "§ 4 Avgifter för hemtjänst\n\nBeslut\n\nÄldrenämnden beslutar att "
    "avgiften för trygghetslarm höjs till 250 kronor i månaden från och med 1 mars 2023.\n",
    "skolskjuts.txt": "§ 9 Skolskjuts\n\nBeslut\n\nBarn- och utbildningsnämnden beslutar att "
    "elever med längre än fyra kilometer till skolan får skolskjuts.\n",
}
LIBRARY = (
    "§ 2 Bibliotekets öppettider\n\nBeslut\n\nKulturnämnden beslutar att biblioteket i "
    "Åkersberga håller öppet på lördagar under sommaren.\n"
)
QUERIES = ("trygghetslarm avgift", "skolskjuts fyra kilometer", "öppettider biblioteket")


def saved(index: Path) -> list[Path]:
    folder = index / FOLDER
    return sorted(p for p in folder.iterdir() if (p / COVERS).is_file()) if folder.is_dir() else []


def scores(searcher: Searcher) -> list[list[float]]:
    return [searcher.lexical.scores(q).tolist() for q in QUERIES]


def sources(searcher: Searcher, query: str) -> set[str]:
    return {Path(h.source).name for h in searcher.search(query, top_k=5)}


@pytest.fixture()
def indexed(tmp_path: Path) -> tuple[Path, IndexSettings]:
    docs = tmp_path / "handlingar"
    docs.mkdir()
    for name, text in DOCUMENTS.items():
        (docs / name).write_text(text, encoding="utf-8")
    settings = IndexSettings(path=tmp_path / "index")
    assert index_paths([docs], settings).failed == []
    return docs, settings


def test_the_run_that_indexes_saves_a_snapshot_and_a_chat_opens_from_it(
    indexed: tuple[Path, IndexSettings],
) -> None:
    _, settings = indexed
    (written,) = saved(settings.path)
    assert snapshot.current(settings.path) == (written.name, 2)
    searcher = Searcher.open(settings)
    assert searcher.lexical.mapped and searcher.key == written.name  # loaded, not built
    stored = searcher.store.all()
    assert {p.id: p.text for p in searcher.passages} == {p.id: p.text for p in stored}
    built = LexicalIndex([lexical_text(p) for p in searcher.passages])
    for query in QUERIES:
        assert np.allclose(searcher.lexical.scores(query), built.scores(query))
    assert max(scores(searcher)[0]) > 0


def test_an_open_chat_follows_what_another_run_added_and_removed(
    indexed: tuple[Path, IndexSettings],
) -> None:
    docs, settings = indexed
    chat = Searcher.open(settings)
    assert not chat.follow()  # nothing changed
    (docs / "bibliotek.txt").write_text(LIBRARY, encoding="utf-8")
    (docs / "skolskjuts.txt").unlink()
    report = index_paths([docs], settings, prune=True)
    assert len(report.indexed) == 1 and report.removed == 1
    assert "bibliotek.txt" not in sources(chat, "öppettider biblioteket")  # still as it was
    assert chat.follow()
    assert "bibliotek.txt" in sources(chat, "öppettider biblioteket")
    assert "skolskjuts.txt" not in sources(chat, "skolskjuts fyra kilometer")
    assert len(saved(settings.path)) == 2  # the one before stays for readers loading it


def test_no_snapshot_is_current_while_a_writer_changes_the_store(
    indexed: tuple[Path, IndexSettings],
) -> None:
    _, settings = indexed
    chat = Searcher.open(settings)
    store = PassageStore.open(settings, build_signature(chat.embedder))
    source = chat.passages[0].get("source")
    with snapshot.writing(settings.path, store):
        assert snapshot.current(settings.path) is not None  # nothing changed yet
        store.remove(source)
        assert snapshot.current(settings.path) is None
        assert not chat.follow() and len(chat.passages) == 2  # keeps what it holds
    assert chat.follow() and len(chat.passages) == 1


def test_a_damaged_snapshot_is_built_again_with_a_warning(
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
    assert (settings.path / FOLDER / CURRENT).is_file()
