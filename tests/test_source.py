"""Opening a citation's source at the cited place: text lines, and a PDF page with the cited
words marked."""

import io
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from answer import cards
from answer.records import Citation
from answer.source import CONTEXT_LINES, LINES_BEFORE, SourceUnavailable, open_source
from bench.scans import FONT_PATH

QUOTE = "Socialnämnden beslutar att förlänga avtalet om färdtjänst"


def citation(source: Path, **changes: object) -> Citation:
    base = Citation(
        n=2,
        source=str(source),
        title="Avtal om färdtjänst",
        dnr="SN 2023:21",
        date="2023-03-14",
        committee="Socialnämnden",
        page=None,
        line_start=40,
        line_end=41,
        section="Beslut",
        quote=QUOTE,
        raw_quote=QUOTE,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_text_source_opens_at_the_cited_lines(tmp_path: Path) -> None:
    path = tmp_path / "protokoll.txt"
    lines = [f"Rad {n} om hälso- och sjukvård." for n in range(1, 101)]
    lines[39], lines[40] = "Socialnämnden beslutar att förlänga", "avtalet om färdtjänst."
    path.write_text("\n".join(lines), encoding="utf-8")
    view = open_source(citation(path))
    numbers = [line.number for line in view.lines]
    assert numbers == list(range(40 - LINES_BEFORE, 41 + CONTEXT_LINES + 1))
    assert [line.number for line in view.lines if line.cited] == [40, 41]
    shown = cards.source_view_html(view)
    assert '<span class="nv-no">40</span><mark>Socialnämnden beslutar att förlänga</mark>' in shown
    assert "Rad 71 om hälso- och sjukvård." in shown


def test_a_source_that_is_gone_says_so(tmp_path: Path) -> None:
    with pytest.raises(SourceUnavailable, match="indexera om"):
        open_source(citation(tmp_path / "borta.txt"))


def write_pdf(path: Path) -> None:
    pdfmetrics.registerFont(TTFont("Vera", str(FONT_PATH)))
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setFont("Vera", 12)
    pdf.drawString(60, 800, "Protokoll Socialnämnden, sida ett.")
    pdf.showPage()
    pdf.setFont("Vera", 12)
    pdf.drawString(60, 800, "Ärendet gäller färdtjänst för äldre i Ekby.")
    pdf.drawString(60, 700, QUOTE + ".")
    pdf.showPage()
    pdf.save()


def yellow_pixels(png: bytes) -> int:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    pixels = image.tobytes()
    rgb = zip(pixels[0::3], pixels[1::3], pixels[2::3], strict=True)
    return sum(1 for r, g, b in rgb if r > 200 and g > 180 and b < 150)


def test_a_pdf_source_opens_at_its_page_with_the_quote_marked(tmp_path: Path) -> None:
    path = tmp_path / "protokoll.pdf"
    write_pdf(path)
    view = open_source(citation(path, page=2, line_start=None, line_end=None))
    assert view.page_png is not None and view.marked
    assert yellow_pixels(view.page_png) > 500
    elsewhere = open_source(citation(path, page=1, line_start=None, line_end=None))
    assert elsewhere.page_png is not None and not elsewhere.marked
    assert yellow_pixels(elsewhere.page_png) == 0
    assert "sida 2" in cards.source_view_html(view)
    with pytest.raises(SourceUnavailable, match="ingen sida 7"):
        open_source(citation(path, page=7, line_start=None, line_end=None))
