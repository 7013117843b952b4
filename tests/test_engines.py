"""Every installed OCR engine of ``bench.engines`` reads a clean printed Swedish line back.

Engines that are not installed are skipped with the reason (``make ocr-engines`` installs gocr
and ocrad; Debian's English Tesseract data has no legacy engine, so ``tesseract-eng-legacy`` is
skipped wherever that is so).
"""

import pytest
from rapidfuzz.distance import Levenshtein

from bench.engines import (
    DEGRADATIONS,
    ENGINES,
    FONTS,
    Engine,
    EngineUnavailable,
    ReadingStyle,
    reading_styles,
    scan_style,
)
from bench.scans import render_pages

LINE = "Kommunfullmäktige beslutade den 3 juni 2021 att anslå 7 800 kronor till förskolan i Åre."
LEAST_SIMILAR = 0.8
"""Normalised Levenshtein similarity a clean 300 dpi reading reaches at least (Tesseract's
English model drops the rings and dots: 0.95; GOCR reads 0 as O)."""


@pytest.mark.parametrize("font", list(FONTS))
@pytest.mark.parametrize("name", list(ENGINES))
def test_engine_reads_a_clean_swedish_line(name: str, font: str) -> None:
    engine = ENGINES[name]
    if (reason := engine.missing()) is not None:
        pytest.skip(reason)
    style = ReadingStyle(engine, font, "clean")
    page = render_pages(LINE, style.scan)[0]
    reading = " ".join(style.read(page.image).split())
    assert reading
    assert Levenshtein.normalized_similarity(reading, LINE) >= LEAST_SIMILAR, reading


def test_a_missing_engine_says_so_and_does_not_read() -> None:
    ghost = Engine("ghost", "/finns/inte/ocr", ("-",))
    reason = ghost.missing()
    assert reason is not None and "ghost" in reason and "/finns/inte/ocr" in reason
    page = render_pages("Nämnden", scan_style("sans", "clean"))[0]
    with pytest.raises(EngineUnavailable, match="ghost"):
        ghost.read(page.image, 300)


def test_styles_cover_every_engine_font_and_degradation() -> None:
    styles = reading_styles()
    names = {style.name for style in styles}
    assert len(names) == len(styles) == len(ENGINES) * len(FONTS) * len(DEGRADATIONS)
    assert "gocr/mono/fax" in names
    assert scan_style("serif", "fax").font == FONTS["serif"]
    assert scan_style("serif", "fax").noisy
