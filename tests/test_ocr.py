"""Scanned PDFs, read for real: pdfium renders the pages and Tesseract's Swedish model reads them.

The fixtures are made by ``tests/data/make_scans.py`` (invented Swedish council text rendered
to page images, clean and fax-like, at 300 and 200 dpi).
"""

import importlib.util
import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from PIL import Image
from reportlab.pdfgen import canvas

from bench.ocr import char_accuracy
from ingest.errors import EncryptedPdf, NotAPdf, UnreadablePages
from ingest.ocr import OcrSettings, _assemble
from ingest.pdf import PdfText, _needs_ocr, read_pdf
from ingest.pipeline import INCOMPLETE, read_source

HERE = Path(__file__).parent
NO_TESSERACT = OcrSettings(tesseract="/finns/inte/tesseract")


def _load_make_scans() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_scans", HERE / "data" / "make_scans.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_scans = _load_make_scans()


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    paths: dict[str, Path] = make_scans.build(tmp_path_factory.mktemp("scans"))
    return paths


@pytest.fixture(scope="module")
def mixed(scans: dict[str, Path]) -> PdfText:
    return read_pdf("mixed.pdf", scans["mixed"], OcrSettings())


def truth(scans: dict[str, Path], stem: str) -> list[str]:
    text = (scans[stem].parent / "truth" / f"{stem}.txt").read_text(encoding="utf-8")
    return text.rstrip("\n").split("\f")


@pytest.mark.parametrize(
    ("stem", "least", "exact"),
    [
        ("clean300", 0.99, True),
        ("clean200", 0.97, True),
        ("noisy300", 0.97, True),
        ("noisy200", 0.95, False),  # a letter or two goes wrong at fax quality
    ],
)
def test_scanned_page_is_read_in_swedish(
    scans: dict[str, Path], stem: str, least: float, exact: bool
) -> None:
    pdf = read_pdf(f"{stem}.pdf", scans[stem], OcrSettings())
    assert pdf.problems == ()
    (page,) = pdf.pages
    assert page.ocr and page.confidence is not None and page.confidence > 50
    assert char_accuracy(page.text, truth(scans, stem)[0]) >= least
    text = " ".join(page.text.split())
    for words in ("Kultur- och fritidsnämnden", "Sjöängens sporthall", "7 800 kronor"):
        assert (words in text) or not exact


def test_english_model_loses_the_swedish_letters(scans: dict[str, Path]) -> None:
    (page,) = read_pdf("clean300.pdf", scans["clean300"], OcrSettings(lang="eng")).pages
    swedish = read_pdf("clean300.pdf", scans["clean300"], OcrSettings()).pages[0]
    expected = truth(scans, "clean300")[0]
    assert char_accuracy(page.text, expected) < char_accuracy(swedish.text, expected)
    assert "Sjöängens" not in page.text


def test_mixed_pdf_keeps_text_pages_and_ocrs_the_scan(
    scans: dict[str, Path], mixed: PdfText
) -> None:
    assert [p.ocr for p in mixed.pages] == [False, False, True]
    assert mixed.pages[0].confidence is None and mixed.pages[2].confidence is not None
    assert "Ungdomens hus" in mixed.pages[1].text
    assert "redovisa bidraget senast den 30 september 2021" in " ".join(mixed.pages[2].text.split())


def test_text_pdf_needs_no_tesseract(scans: dict[str, Path]) -> None:
    document = read_source(scans["text"], "text.pdf", NO_TESSERACT)
    assert document.problems == ()
    assert not any(p.ocr for p in document.passages)
    assert {page for p in document.passages for _, page in p.page_starts} == {1, 2, 3}


def test_garbage_text_layer_is_replaced_by_ocr(scans: dict[str, Path]) -> None:
    (page,) = read_pdf("garbage_layer.pdf", scans["garbage_layer"], OcrSettings()).pages
    assert page.ocr
    assert "38 400 kronor per månad" in " ".join(page.text.split())


def test_blank_pages_give_no_text_and_no_error(tmp_path: Path) -> None:
    white = Image.new("L", (2480, 3508), 255)
    pdf = tmp_path / "med_tom_sida.pdf"
    make_scans.mixed_pdf([make_scans.printed_pages(make_scans.TEXT_B)[0], white], pdf)
    document = read_source(pdf, "med_tom_sida.pdf", NO_TESSERACT)
    assert document.problems == ()
    assert {p.page for p in document.passages} == {1}


def test_missing_tesseract_names_the_package_and_text_pages_still_index(
    scans: dict[str, Path],
) -> None:
    document = read_source(scans["mixed"], "mixed.pdf", NO_TESSERACT)
    assert {page for p in document.passages for _, page in p.page_starts} == {1, 2}
    (problem,) = document.problems
    assert problem.page == 3
    assert "mixed.pdf, sida 3" in problem.error and "tesseract-ocr-swe" in problem.error
    assert document.file_hash.endswith(INCOMPLETE)
    with pytest.raises(UnreadablePages, match=r"clean300\.pdf, sida 1.*tesseract-ocr-swe"):
        read_source(scans["clean300"], "clean300.pdf", NO_TESSERACT)


def test_encrypted_and_corrupt_pdfs_are_named(tmp_path: Path) -> None:
    locked = tmp_path / "låst.pdf"
    pdf = canvas.Canvas(str(locked), encrypt="hemligt")
    pdf.drawString(72, 720, "Sekretessbelagt protokoll")
    pdf.save()
    with pytest.raises(EncryptedPdf, match=r"låst\.pdf"):
        read_source(locked, "låst.pdf")
    broken = tmp_path / "trasig.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4)
    with pytest.raises(NotAPdf, match=r"trasig\.pdf"):
        read_source(broken, "trasig.pdf")


def test_ocr_passages_say_so_and_cite_their_page(scans: dict[str, Path]) -> None:
    document = read_source(scans["mixed"], "mixed.pdf")
    scanned = [p for p in document.passages if p.page == 3]
    assert scanned and all(p.ocr and p.ocr_pages == (3,) for p in scanned)
    assert all(p.ocr_confidence is not None and p.ocr_confidence > 50 for p in scanned)
    assert not any(p.ocr for p in document.passages if p.page in (1, 2))
    assert "redovisa bidraget senast den 30 september 2021" in " ".join(p.text for p in scanned)


@pytest.mark.parametrize(
    ("layer", "cover", "ocr"),
    [
        (None, 0.0, True),
        ("", 1.0, True),
        ("Nrppxqhq eholgudj vnd ehwdod ilfn ehvoxwhw", 0.0, True),
        ("Kommunen betalar föreningen en ersättning om 38 400 kronor per månad. " * 8, 0.0, False),
        ("Kommunen betalar föreningen en ersättning om 38 400 kronor per månad. " * 8, 1.0, False),
        ("Diarienummer KFN 2021:57 inkom den 20 april", 1.0, True),
        ("Diarienummer KFN 2021:57 inkom den 20 april", 0.0, False),
    ],
)
def test_which_pages_are_ocrd(layer: str | None, cover: float, ocr: bool) -> None:
    assert _needs_ocr(layer, cover) is ocr


def test_tesseract_table_becomes_lines_and_paragraphs() -> None:
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight"
    rows = [
        "1\t1\t0\t0\t0\t0\t0\t0\t10\t10\t-1\t",
        "5\t1\t1\t1\t1\t1\t0\t0\t10\t10\t96\tBeslut",
        "5\t1\t1\t2\t1\t1\t0\t0\t10\t10\t90\tNämnden",
        "5\t1\t1\t2\t1\t2\t0\t0\t10\t10\t80\tbeslutar",
        "5\t1\t1\t2\t2\t1\t0\t0\t10\t10\t70\tatt",
        "5\t1\t1\t2\t2\t2\t0\t0\t10\t10\t95\t",
    ]
    text = _assemble("\n".join([header + "\tconf\ttext", *rows]))
    assert text.lines == ("Beslut", "", "Nämnden beslutar", "att")
    assert text.confidence == pytest.approx((96 + 90 + 80 + 70) / 4)


@pytest.fixture
def failing_tesseract(tmp_path: Path) -> Path:
    """A Tesseract that knows Swedish but fails on every page, as a broken install does."""
    script = tmp_path / "trasig-tesseract"
    script.write_text(
        '#!/bin/sh\nif [ "$1" = "--list-langs" ]; then echo swe; exit 0; fi\n'
        'echo "Error in pixReadStream: Unknown format" >&2\nexit 1\n',
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def run(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
        env=env,
    )


def test_cli_indexes_a_folder_of_scans_and_answers_from_the_scanned_page(
    scans: dict[str, Path], tmp_path: Path, failing_tesseract: Path
) -> None:
    docs = tmp_path / "arkiv"
    docs.mkdir()
    for stem in ("mixed", "clean300", "blank"):
        (docs / f"{stem}.pdf").write_bytes(scans[stem].read_bytes())
    make_scans.text_pdf(make_scans.printed_pages(make_scans.TEXT_B), docs / "digital.pdf")
    broken_env = {**os.environ, "NAMNDSVAR_TESSERACT": str(failing_tesseract)}
    first = run("ingest", "arkiv", "--index", "idx", "--json", cwd=tmp_path, env=broken_env)
    report = json.loads(first.stdout)
    assert first.returncode == 1
    assert sorted(report["indexed"]) == ["arkiv/digital.pdf", "arkiv/mixed.pdf"]
    assert [(w["path"], w["page"]) for w in report["warnings"]] == [("arkiv/mixed.pdf", 3)]
    assert "arkiv/mixed.pdf, sida 3" in report["warnings"][0]["error"]
    failed = {f["path"]: f["error"] for f in report["failed"]}
    assert set(failed) == {"arkiv/blank.pdf", "arkiv/clean300.pdf"}
    assert "tomma sidor" in failed["arkiv/blank.pdf"]
    assert "arkiv/clean300.pdf, sida 1" in failed["arkiv/clean300.pdf"]

    second = run("ingest", "arkiv", "--index", "idx", "--json", cwd=tmp_path)
    report = json.loads(second.stdout)
    assert sorted(report["indexed"]) == ["arkiv/clean300.pdf", "arkiv/mixed.pdf"]
    assert report["warnings"] == [] and "arkiv/digital.pdf" in report["skipped"]
    assert "sida" in second.stderr  # the per-page bar

    question = "Senast när ska Gökärtens folkdanslag redovisa bidraget?"
    answer = run("answer", question, "--index", "idx", "--json", cwd=tmp_path)
    out = json.loads(answer.stdout)
    assert out["answered"] and "30 september 2021" in out["answer"]
    cited = out["citations"][0]
    assert (cited["source"], cited["page"], cited["ocr"]) == ("arkiv/mixed.pdf", 3, True)
    assert cited["ocr_confidence"] > 50
    text = run("answer", question, "--index", "idx", cwd=tmp_path).stdout
    assert "sida 3 (OCR), arkiv/mixed.pdf" in text
