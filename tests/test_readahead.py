"""Reading ahead in worker processes gives the same index as one worker, an OCR-damaged file
repaired with the words of the clean files indexed before it included."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.build import index_paths
from index.settings import IndexSettings
from index.store import PassageStore

CLEAN = {
    "a_protokoll.txt": "§ 12 Samverkan vid utskrivning\n\nBeslut\n\nSocialnämnden i Norrtälje "
    "beslutar att godkänna överenskommelsen om samverkan vid utskrivning från sluten hälso- "
    "och sjukvård. Betalningsansvaret inträder efter tre kalenderdagar.\n",
    "b_yttrande.txt": "§ 14 Yttrande om betalningsmodellen\n\nSammanfattning\n\nKommunerna i "
    "Stockholms län har förhandlat fram en betalningsmodell för utskrivningsklara patienter. "
    "Norrtälje sjukhus omfattas av överenskommelsen.\n",
}
DAMAGED = (
    "Socialniimndens fiirslag till beslut\n\n"
    "Storsthlms styrelse beslutade den r3juni zorg att rekommendera kommunerna att anta\n"
    "Regional iiverenskommelse om samuerkan uid utskrivning frin sluten hdlso- och\n"
    "sjukvird i Stockholms lan. Betalningsansvaret intrdder efter tre kalenderdagar\n"
    "fiir utskrivningsklara patienter pi Norrtdlje sjukhus.\n\n"
    "Efter fiirhandling mellan Storsthlm och representanter fiir kommunerna i Stockholms\n"
    "lan och Region Stockholm har fiirslag till en lingsiktig iiverenskommelse tagits fram\n"
    "fiir utskrivningsprocessen fiir somatisk slutenvird.\n"
)


def passages(index: Path) -> dict[str, tuple[str | None, str | None, object]]:
    store = PassageStore.open(IndexSettings(path=index), {})
    got = store.collection.get(include=["documents", "metadatas"])
    return {
        i: (text, (meta or {}).get("raw_text"), (meta or {}).get("repaired"))
        for i, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
    }


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("readahead") / "docs"
    folder.mkdir()
    for name, text in CLEAN.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "c_skannad.txt").write_text(DAMAGED, encoding="utf-8")
    return folder


def test_two_workers_build_the_index_one_worker_builds(docs: Path, tmp_path: Path) -> None:
    one = index_paths([docs], IndexSettings(path=tmp_path / "en"), workers=1)
    two = index_paths([docs], IndexSettings(path=tmp_path / "två"), workers=2)
    assert one.failed == two.failed == []
    assert one.indexed == two.indexed
    alone, ahead = passages(tmp_path / "en"), passages(tmp_path / "två")
    assert alone == ahead
    assert any(repaired for _, _, repaired in ahead.values())
    assert any("Norrtälje" in (text or "") for text, _, repaired in ahead.values() if repaired)


def test_bad_files_read_ahead_are_reported_and_the_rest_indexed(docs: Path, tmp_path: Path) -> None:
    folder = tmp_path / "blandat"
    folder.mkdir()
    for source in docs.iterdir():
        (folder / source.name).write_bytes(source.read_bytes())
    (folder / "b_trasig.pdf").write_bytes(b"<html><body>Inte en PDF</body></html>")
    report = index_paths([folder], IndexSettings(path=tmp_path / "idx"), workers=2)
    assert [Path(f.path).name for f in report.failed] == ["b_trasig.pdf"]
    assert "webbsida" in report.failed[0].error
    assert sorted(Path(p).name for p in report.indexed) == sorted(p.name for p in docs.iterdir())
