"""The administrator's side: uploads saved safely under the corpus, log-in users, and the
catalogue of indexed documents."""

from pathlib import Path

import pytest

import app
from answer import cards
from index.catalog import catalog
from index.store import StoredPassage
from index.uploads import MAX_BYTES, UPLOADS, UploadProblem, check, inside, safe_name, save
from ingest.vocabulary import Vocabulary


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/Protokoll 2019:10 (slutlig).PDF", "Protokoll_2019_10_slutlig.pdf"),
        ("Äldrenämndens beslut.pdf", "Äldrenämndens_beslut.pdf"),
        ("C:\\\\Users\\\\anna\\\\Yttrande över HÖK.txt", "Yttrande_över_HÖK.txt"),
        ("..", "dokument"),
    ],
)
def test_names_are_made_safe(name: str, safe: str) -> None:
    assert safe_name(name) == safe


def test_uploads_are_saved_under_the_corpus_and_bad_ones_named(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    good = tmp_path / "upload1"
    good.write_text("Socialnämnden beslutar att anta överenskommelsen.", encoding="utf-8")
    wrong_type = tmp_path / "upload2"
    wrong_type.write_bytes(b"PK\x03\x04")
    empty = tmp_path / "upload3"
    empty.write_bytes(b"")
    saved, problems = save(
        [
            (good, "../../hemligt/Beslut om färdtjänst.txt"),
            (wrong_type, "budget.xlsx"),
            (empty, "tom.pdf"),
        ],
        corpus,
    )
    assert [s.path for s in saved] == [(corpus / UPLOADS / "Beslut_om_färdtjänst.txt").resolve()]
    assert saved[0].path.read_text(encoding="utf-8").startswith("Socialnämnden")
    assert any("budget.xlsx" in p and "PDF" in p for p in problems)
    assert any("tom.pdf" in p and "tom" in p for p in problems)
    assert inside(saved[0].path, corpus) and not inside(tmp_path / "annat.txt", corpus)


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "stor.pdf"
    with big.open("wb") as f:
        f.truncate(MAX_BYTES + 1)
    with pytest.raises(UploadProblem, match="högst 50 MB"):
        check(big, "stor.pdf")


def test_users_come_from_the_environment_and_a_file(tmp_path: Path) -> None:
    listed = tmp_path / "anvandare.txt"
    listed.write_text("# handläggare\nörjan:sjöbod\n", encoding="utf-8")
    env = {"NAMNDSVAR_USERS": "anna:lösen, bo:hemligt", "NAMNDSVAR_USERS_FILE": str(listed)}
    assert app.users(env) == [("anna", "lösen"), ("bo", "hemligt"), ("örjan", "sjöbod")]
    assert app.users({}) == []
    with pytest.raises(ValueError, match="namn:lösenord"):
        app.users({"NAMNDSVAR_USERS": "anna"})


def passage(source: str, text: str, **meta: object) -> StoredPassage:
    return StoredPassage(id=f"{source}:{text[:8]}", text=text, metadata={"source": source, **meta})


def test_the_catalogue_describes_each_document() -> None:
    documents = catalog(
        [
            passage(
                "corpus/skanning.pdf",
                "Socialnämnden godkänner överenskommelsen.",
                page=1,
                ocr=True,
                ocr_pages="1,2",
                committee="Socialnämnden",
                date="2019-10-22",
                raw_text="Socialniimnden godkiinner 6verenskommelsen om utskrivningsklara",
                repaired=True,
            ),
            passage("corpus/skanning.pdf", "Beslutet justeras omedelbart.", page=3),
            passage(
                "corpus/protokoll.txt",
                "Äldrenämnden beviljar PRO Saltsjöbaden ett verksamhetsbidrag om 80 000 kronor.",
                title="Verksamhetsbidrag",
                committee="Äldrenämnden",
            ),
        ],
        Vocabulary(),
    )
    scan, text = documents[1], documents[0]
    assert (scan.source, scan.pages, scan.ocr_pages, scan.passages) == (
        "corpus/skanning.pdf",
        3,
        2,
        2,
    )
    assert scan.ocr_share == pytest.approx(2 / 3)
    assert scan.repaired_passages == 1 and scan.damage > 0.25
    assert (text.pages, text.titles, text.damage) == (None, ("Verksamhetsbidrag",), 0.0)
    rows = cards.document_rows(documents)
    assert rows[1][3] == "22 oktober 2019" and rows[1][5] == "67%"
