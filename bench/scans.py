"""Realistic fake scans of Swedish text, for the OCR benchmark and the ingest tests.

Text is laid out once, in PDF points, the way a clerk's word processor would print it: A4
portrait, 2.5 cm margins, 11 pt Bitstream Vera (reportlab ships it; it has å ä ö é §), line
spacing 1.35. The same layout is then drawn either as pixels (a scan) or as a PDF text layer, so a
scanned page and its digital twin hold the same lines. Everything is deterministic for a style.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import reportlab
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONT_PATH = Path(os.path.dirname(reportlab.__file__)) / "fonts" / "Vera.ttf"
FONT_NAME = "NamndsvarVera"
FONT_SIZE = 11.0
LEADING = FONT_SIZE * 1.35
PAGE_WIDTH, PAGE_HEIGHT = float(A4[0]), float(A4[1])
MARGIN = 2.5 * float(cm)
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
LINES_PER_PAGE = int((PAGE_HEIGHT - 2 * MARGIN) // LEADING)
"""Printed lines that fit between the top and bottom margins (47)."""

SPECKS_PER_SQUARE_INCH = ((1, 50.0), (2, 1.2), (3, 0.3), (5, 0.04))
"""Dust on a noisy scan: (side in pixels at 300 dpi, specks per square inch)."""
NOISE_SIGMA = 18.0
"""Gray-level noise added before the threshold (0 black, 255 white)."""
THRESHOLD = 150
"""Gray level below which a noisy scan's pixel turns black."""
BLUR_AT_300_DPI = 0.7
"""Gaussian blur radius in pixels at 300 dpi, applied before the threshold."""
PINHOLE_RATE = 0.02
"""Share of pixels knocked out to white after the threshold."""


@dataclass(frozen=True, slots=True)
class ScanStyle:
    """How a page is scanned."""

    dpi: int = 300
    noisy: bool = False
    """Speckle, a slight seeded rotation (0.6–1.2°) and fax-like contrast (blur, hard threshold)."""
    seed: int = 0
    font: Path | None = None
    """TrueType or Type 1 font file to print with; None: Bitstream Vera. The layout (line breaks)
    is always Vera's, so a narrower font leaves a ragged right edge."""
    scale_down: float = 1.0
    """Below 1: scanned at ``dpi * scale_down`` and scaled up to ``dpi``, like a coarse scan or
    a fax resampled for printing; strokes and dots smear into their neighbours."""
    blur: float = 0.0
    """Extra Gaussian blur radius in pixels at 300 dpi (a worn copy), before any threshold."""
    threshold: int | None = None
    """Gray level (1–255) below which a clean scan's pixel turns black (a bilevel copy); None keeps
    the anti-aliased gray scan. Higher values thicken strokes, lower ones thin and break them. A
    noisy scan has its own threshold and ignores this one."""


@dataclass(frozen=True, slots=True)
class RenderedPage:
    """One scanned page and the text printed on it."""

    image: Image.Image
    """Mode "L" for a clean scan, "1" for a noisy one; A4 at the style's dpi."""
    text: str
    """Ground truth: the printed lines of this page, joined by "\\n"."""
    first_line: int
    """1-based input line (split at "\\n") of the first text printed on this page."""
    last_line: int
    """1-based input line of the last text printed on this page."""


@dataclass(frozen=True, slots=True)
class _Line:
    number: int
    """1-based input line this printed line comes from."""
    text: str
    """"" for a printed blank line."""


@cache
def _font_name() -> str:
    """Register Vera with reportlab once, as an embedded TrueType font (so text extracts)."""
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_PATH)))
    return FONT_NAME


def _width(text: str) -> float:
    return float(pdfmetrics.stringWidth(text, _font_name(), FONT_SIZE))


def _split_word(word: str) -> Iterator[str]:
    """Break a word wider than the text width into pieces that fit."""
    piece = ""
    for char in word:
        if piece and _width(piece + char) > TEXT_WIDTH:
            yield piece
            piece = ""
        piece += char
    if piece:
        yield piece


def wrap(line: str) -> list[str]:
    """Greedy word wrap of one input line to the text width; whitespace runs become one space."""
    out: list[str] = []
    current = ""
    for word in line.split():
        for piece in _split_word(word):
            candidate = f"{current} {piece}" if current else piece
            if current and _width(candidate) > TEXT_WIDTH:
                out.append(current)
                current = piece
            else:
                current = candidate
    if current:
        out.append(current)
    return out


def _printed_lines(text: str) -> list[_Line]:
    """Input lines as printed: wrapped, and a run of blank lines as one blank line."""
    printed: list[_Line] = []
    after_blank = True  # blank lines before the first text are not printed
    for number, raw in enumerate(text.split("\n"), start=1):
        pieces = wrap(raw)
        if not pieces:
            if not after_blank:
                printed.append(_Line(number, ""))
            after_blank = True
            continue
        printed.extend(_Line(number, piece) for piece in pieces)
        after_blank = False
    return printed


def _trimmed(page: list[_Line]) -> list[_Line]:
    while page and not page[-1].text:
        page.pop()
    return page


def _layout(text: str) -> list[list[_Line]]:
    """Paginate the printed lines; a page never starts or ends with a blank line."""
    pages: list[list[_Line]] = []
    current: list[_Line] = []
    for line in _printed_lines(text):
        if not line.text and not current:
            continue
        current.append(line)
        if len(current) == LINES_PER_PAGE:
            pages.append(_trimmed(current))
            current = []
    if _trimmed(current):
        pages.append(current)
    return pages


def printed_pages(text: str) -> list[str]:
    """The text of each page ``render_pages`` would print, without drawing anything."""
    return ["\n".join(line.text for line in page) for page in _layout(text)]


def _baseline(index: int) -> float:
    """Distance in points from the top of the page to the baseline of printed line ``index``."""
    return MARGIN + FONT_SIZE + index * LEADING


def page_pixels(dpi: float) -> tuple[int, int]:
    """Width and height in pixels of an A4 page at ``dpi``."""
    return round(PAGE_WIDTH * dpi / 72), round(PAGE_HEIGHT * dpi / 72)


def _draw(lines: Sequence[str], dpi: float, font_path: Path = FONT_PATH) -> Image.Image:
    """Anti-aliased black text on white, as a flatbed scanner sees a clean print."""
    image = Image.new("L", page_pixels(dpi), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(font_path), FONT_SIZE * dpi / 72)
    scale = dpi / 72
    for index, line in enumerate(lines):
        draw.text((MARGIN * scale, _baseline(index) * scale), line, fill=0, font=font, anchor="ls")
    return image


def _speckle(pixels: np.ndarray, rng: np.random.Generator, dpi: int) -> None:
    """Sprinkle black dust over the page, in place; the same amount per inch at any dpi."""
    height, width = pixels.shape
    square_inches = height * width / dpi**2
    for size, density in SPECKS_PER_SQUARE_INCH:
        side = max(1, round(size * dpi / 300))
        count = int(density * square_inches)
        ys = rng.integers(0, height - side, count)
        xs = rng.integers(0, width - side, count)
        for dy in range(side):
            for dx in range(side):
                pixels[ys + dy, xs + dx] = 0


def degrade(image: Image.Image, rng: np.random.Generator, dpi: int) -> Image.Image:
    """Make a clean page look faxed: rotated, blurred, noisy, hard-thresholded and dusty."""
    angle = float(rng.uniform(0.6, 1.2)) * float(rng.choice([-1.0, 1.0]))
    tilted = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    blurred = tilted.filter(ImageFilter.GaussianBlur(BLUR_AT_300_DPI * dpi / 300))
    gray = np.asarray(blurred, dtype=np.float32)
    gray = gray + rng.normal(0.0, NOISE_SIGMA, gray.shape).astype(np.float32)
    pixels = np.where(gray < THRESHOLD, 0, 255).astype(np.uint8)
    _speckle(pixels, rng, dpi)
    pixels[rng.random(pixels.shape) < PINHOLE_RATE] = 255
    return Image.fromarray(pixels).convert("1")


def _scan(lines: Sequence[str], style: ScanStyle) -> Image.Image:
    """A page scanned in ``style`` before any fax noise: drawn, resampled, blurred and
    thresholded as the style asks (by default a clean anti-aliased gray scan)."""
    font_path = FONT_PATH if style.font is None else style.font
    if style.scale_down == 1.0:
        image = _draw(lines, style.dpi, font_path)
    else:
        coarse = _draw(lines, style.dpi * style.scale_down, font_path)
        image = coarse.resize(page_pixels(style.dpi), Image.Resampling.BILINEAR)
    if style.blur > 0:
        image = image.filter(ImageFilter.GaussianBlur(style.blur * style.dpi / 300))
    if style.threshold is not None and not style.noisy:
        image = image.point([0] * style.threshold + [255] * (256 - style.threshold))
    return image


def render_pages(text: str, style: ScanStyle = ScanStyle()) -> list[RenderedPage]:
    """Print ``text`` on A4 pages and scan them; no pages for text with nothing to print."""
    rng = np.random.default_rng(style.seed)
    pages: list[RenderedPage] = []
    for lines in _layout(text):
        printed = [line.text for line in lines]
        image = _scan(printed, style)
        if style.noisy:
            image = degrade(image, rng, style.dpi)
        pages.append(
            RenderedPage(
                image=image,
                text="\n".join(printed),
                first_line=lines[0].number,
                last_line=lines[-1].number,
            )
        )
    return pages


def _canvas(path: Path) -> Canvas:
    return Canvas(str(path), pagesize=A4, invariant=True)


def _page_lines(page: str) -> list[str]:
    lines = [piece for raw in page.split("\n") for piece in (wrap(raw) or [""])]
    if len(lines) > LINES_PER_PAGE:
        raise ValueError(f"{len(lines)} lines do not fit on one page ({LINES_PER_PAGE} do)")
    return lines


def _draw_text(canvas: Canvas, page: str, render_mode: int = 0) -> None:
    """Write ``page`` line by line; render mode 3 makes the text invisible but extractable."""
    text = canvas.beginText()
    text.setFont(_font_name(), FONT_SIZE)
    text.setTextRenderMode(render_mode)
    for index, line in enumerate(_page_lines(page)):
        text.setTextOrigin(MARGIN, PAGE_HEIGHT - _baseline(index))
        text.textOut(line)
    canvas.drawText(text)


def _draw_image(canvas: Canvas, image: Image.Image, dpi: int) -> None:
    """Fill a page the image's size at ``dpi`` with the image, and nothing else."""
    width, height = image.width * 72 / dpi, image.height * 72 / dpi
    canvas.setPageSize((width, height))
    gray = image.convert("L") if image.mode == "1" else image
    canvas.drawImage(ImageReader(gray), 0, 0, width=width, height=height)


def mixed_pdf(pages: Sequence[str | Image.Image], path: Path, dpi: int = 300) -> None:
    """A PDF whose str pages have a real text layer and whose image pages are image-only."""
    canvas = _canvas(path)
    for page in pages:
        if isinstance(page, str):
            canvas.setPageSize(A4)
            _draw_text(canvas, page)
        else:
            _draw_image(canvas, page, dpi)
        canvas.showPage()
    canvas.save()


def image_pdf(images: Sequence[Image.Image], path: Path, dpi: int) -> None:
    """An image-only PDF (no text layer), one page per image, each page A4 at ``dpi``."""
    mixed_pdf(list(images), path, dpi)


def text_pdf(pages: Sequence[str], path: Path) -> None:
    """A digital PDF with a real text layer, one page per string, lines as in the string.

    A line wider than the text width wraps; a page of more than 47 lines is a ValueError.
    """
    mixed_pdf(list(pages), path)


def hidden_text_pdf(image: Image.Image, hidden: str, path: Path, dpi: int = 300) -> None:
    """A scanned page with an invisible text layer holding ``hidden`` (e.g. bad OCR)."""
    canvas = _canvas(path)
    _draw_image(canvas, image, dpi)
    _draw_text(canvas, hidden, render_mode=3)
    canvas.showPage()
    canvas.save()


def blank_pdf(path: Path) -> None:
    """One white A4 page with no text."""
    canvas = _canvas(path)
    canvas.showPage()
    canvas.save()
