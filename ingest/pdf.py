"""PDFs page by page: keep a usable text layer, OCR the pages that are scans.

Each page is decided on its own: a text layer of real Swedish words is kept; a page with no text
layer, or one whose text layer is garbage (too few known Swedish words), is rendered with pdfium
and read by Tesseract; a scanned page with a thin or poor text layer is OCR'd too, and the reading
with more known words wins. Blank pages give nothing. OCR runs in Tesseract processes, one per core.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from concurrent.futures import TimeoutError as FuturesTimeout
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image
from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, LimitReachedError

from ingest import lexicon
from ingest.errors import (
    DamagedPdf,
    EncryptedPdf,
    IngestError,
    NotAPdf,
    OcrFailed,
    OcrTimeout,
    TooLarge,
    TooManyPages,
)
from ingest.ocr import OcrSettings, OcrText, check_tesseract, recognise
from ingest.read import ReadLimits
from ingest.records import PageProblem

MIN_WORDS = 3
GARBAGE_SHARE = 0.5
"""A text layer with fewer known Swedish words than this is garbage (broken font encodings)."""
SCAN_COVER = 0.5
"""A page an image covers this much of is a scan; its text layer may be a poor OCR."""
THIN_WORDS = 40
CLEAN_SHARE = 0.85
BLANK_DPI = 36
BLANK_INK = 0.002
"""Share of dark pixels below which a page counts as blank (dust and speckle allowed)."""
HEADER_WINDOW = 1024
"""``%PDF-`` may come after some junk, within the first kilobyte (as readers allow)."""
SNIFFS = (
    (b"\x89PNG", "en bild (PNG)"),
    (b"\xff\xd8\xff", "en bild (JPEG)"),
    (b"GIF8", "en bild (GIF)"),
    (b"II*\x00", "en bild (TIFF)"),
    (b"MM\x00*", "en bild (TIFF)"),
    (b"PK\x03\x04", "ett zip-arkiv eller Office-dokument (t.ex. .docx)"),
    (b"{\\rtf", "ett RTF-dokument"),
    (b"\xd0\xcf\x11\xe0", "ett äldre Office-dokument (t.ex. .doc)"),
)

PageProgress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class PageText:
    """The text of one page, as extracted or as OCR'd, with Tesseract's mean confidence."""

    number: int
    text: str
    ocr: bool = False
    confidence: float | None = None


@dataclass(frozen=True, slots=True)
class PdfText:
    pages: tuple[PageText, ...]
    problems: tuple[PageProblem, ...]
    page_count: int


def read_pdf(
    name: str,
    path: Path,
    settings: OcrSettings,
    progress: PageProgress | None = None,
    limits: ReadLimits | None = None,
) -> PdfText:
    """Every page's text; pages that could not be read are named in ``problems``. A file that
    is no PDF, damaged beyond repair, locked by a password, over the page limit or slower to
    OCR than the limit raises its typed ``IngestError``."""
    limits = limits if limits is not None else ReadLimits()
    report = progress if progress is not None else _no_progress
    layers = _text_layers(name, path, limits.max_pages)
    total = len(layers)
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        raise DamagedPdf(_damaged(name, e)) from e
    try:
        plan = [_needs_ocr(layer, _scan_cover(document[i])) for i, layer in enumerate(layers)]
        blank = {i for i, want in enumerate(plan) if want and _is_blank(document[i])}
    except pdfium.PdfiumError as e:
        raise DamagedPdf(_damaged(name, e)) from e
    finally:
        document.close()
    wanted = [i for i, want in enumerate(plan) if want and i not in blank]
    pages = {i: PageText(i + 1, layers[i] or "") for i in range(total) if i not in wanted}
    report(len(pages), total)
    kept = len(pages)
    readings, problems = _ocr_pages(
        name, path, wanted, settings, lambda done: report(kept + done, total), limits.ocr_seconds
    )
    for i, reading in readings.items():
        pages[i] = _better(i, layers[i], reading)
    for i in wanted:
        if i not in readings and layers[i] and not _is_garbage(layers[i] or ""):
            pages[i] = PageText(i + 1, layers[i] or "")
    return PdfText(
        pages=tuple(pages[i] for i in sorted(pages)),
        problems=tuple(sorted(problems, key=lambda p: p.page)),
        page_count=total,
    )


def _no_progress(done: int, total: int) -> None:
    pass


def _text_layers(name: str, path: Path, max_pages: int) -> list[str | None]:
    """Each page's text layer (None where pypdf cannot extract it). pypdf rebuilds a broken
    xref table by itself; a PDF it still cannot open is damaged."""
    _check_header(name, path)
    try:
        reader = PdfReader(path)
        _unlock(name, reader)
        count = len(reader.pages)
    except IngestError:
        raise
    except Exception as e:  # pypdf raises many types on a damaged file
        raise DamagedPdf(_damaged(name, e)) from e
    if count > max_pages:
        raise TooManyPages(
            f"{name}: PDF:en har {count} sidor, fler än gränsen {max_pages}; dela upp den, "
            f"eller höj gränsen med --max-pages eller NAMNDSVAR_MAX_PAGES"
        )
    layers: list[str | None] = []
    for i in range(count):
        try:
            layers.append(reader.pages[i].extract_text() or "")
        except LimitReachedError as e:
            # pypdf stops a stream that inflates past its limit; pdfium, which decides whether
            # the page is a scan, would inflate all of it (a "PDF bomb")
            raise TooLarge(
                f"{name}: sidan {i + 1} packas upp till mer data än en sida rimligen har "
                f"({' '.join(str(e).split())[:120]}); filen hoppas över. Spara en ny kopia "
                f"av den och indexera igen"
            ) from e
        except Exception:  # a damaged page: its text is read by OCR instead
            layers.append(None)
    return layers


def _check_header(name: str, path: Path) -> None:
    """Refuse a file that is not a PDF, saying what it seems to be (a web page, an image)."""
    with path.open("rb") as fh:
        head = fh.read(HEADER_WINDOW)
    if b"%PDF-" in head:
        return
    kind = next((kind for magic, kind in SNIFFS if head.startswith(magic)), None)
    markup = head.lstrip().lower()
    if kind is None and (b"<html" in markup or markup.startswith(b"<!doctype")):
        kind = "en webbsida (HTML)"
    what = f"{kind}, inte en PDF" if kind else "ingen PDF"
    raise NotAPdf(
        f"{name}: filen är {what}; spara den som PDF eller ge den rätt filändelse, "
        f"och indexera igen"
    )


def _unlock(name: str, reader: PdfReader) -> None:
    """Open an encrypted PDF whose user password is empty (only its owner restricts it);
    refuse one that needs a password to be read."""
    if not reader.is_encrypted:
        return
    try:
        unlocked = reader.decrypt("") != PasswordType.NOT_DECRYPTED
    except DependencyError as e:
        raise EncryptedPdf(
            f"{name}: PDF:en är krypterad med AES, som kräver Python-paketet cryptography; "
            f"installera det, eller spara en kopia utan skydd och indexera igen"
        ) from e
    if not unlocked:
        raise EncryptedPdf(
            f"{name}: PDF:en är skyddad med lösenord och kan inte läsas utan det; ta bort "
            f"skyddet (spara en kopia utan lösenord) och indexera igen"
        )


def _damaged(name: str, e: BaseException) -> str:
    detail = " ".join(str(e).split())[:160] or type(e).__name__
    return (
        f"{name}: PDF:en är skadad och kan inte läsas ({detail}); öppna den i en PDF-läsare, "
        f"spara en ny kopia och indexera igen"
    )


def _is_garbage(text: str) -> bool:
    return len(lexicon.words(text)) < MIN_WORDS or lexicon.known_share(text) < GARBAGE_SHARE


def _needs_ocr(layer: str | None, scan_cover: float) -> bool:
    """No text layer, a garbage one, or a scanned page whose text layer is thin or poor."""
    if layer is None or _is_garbage(layer):
        return True
    thin = len(lexicon.words(layer)) < THIN_WORDS or lexicon.known_share(layer) < CLEAN_SHARE
    return scan_cover >= SCAN_COVER and thin


def _scan_cover(page: pdfium.PdfPage) -> float:
    """The largest share of the page that one image covers."""
    width, height = page.get_size()
    largest = 0.0
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
        left, bottom, right, top = obj.get_bounds()
        largest = max(largest, (right - left) * (top - bottom))
    return min(1.0, largest / (width * height)) if width and height else 0.0


def _is_blank(page: pdfium.PdfPage) -> bool:
    pixels = np.asarray(page.render(scale=BLANK_DPI / 72, grayscale=True).to_pil().convert("L"))
    return float((pixels < 128).mean()) < BLANK_INK


def _better(index: int, layer: str | None, reading: OcrText) -> PageText:
    """The OCR reading, unless the page's own text layer is usable and has more known words."""
    ocr_text = "\n".join(reading.lines)
    if (
        layer
        and not _is_garbage(layer)
        and lexicon.known_count(layer) >= lexicon.known_count(ocr_text)
    ):
        return PageText(index + 1, layer)
    return PageText(index + 1, ocr_text, ocr=True, confidence=reading.confidence)


def _ocr_pages(
    name: str,
    path: Path,
    wanted: Sequence[int],
    settings: OcrSettings,
    progress: Callable[[int], None],
    seconds: float,
) -> tuple[dict[int, OcrText], list[PageProblem]]:
    """OCR the pages (0-based indexes), one Tesseract process per worker; failures become
    page problems, never the whole file's. More than ``seconds`` in all raises OcrTimeout
    (the pages still in Tesseract finish in the background, within its own timeout)."""
    if not wanted:
        return {}, []
    try:
        check_tesseract(settings)
    except IngestError as e:
        return {}, [PageProblem(i + 1, f"{name}, sida {i + 1}: {e}") for i in wanted]
    readings: dict[int, OcrText] = {}
    problems: list[PageProblem] = []
    renderer = _Renderer(path, settings.dpi)
    pool = ThreadPoolExecutor(min(settings.worker_count(), len(wanted)))
    try:
        futures = {
            pool.submit(lambda i: recognise(renderer.render(i), settings), i): i for i in wanted
        }
        for done, future in enumerate(as_completed(futures, timeout=seconds), start=1):
            i = futures[future]
            try:
                readings[i] = future.result()
            except IngestError as e:
                problems.append(PageProblem(i + 1, f"{name}, sida {i + 1}: {e}"))
            progress(done)
    except FuturesTimeout as e:
        raise OcrTimeout(
            f"{name}: OCR av de inskannade sidorna tog mer än {seconds:g} s ({len(readings)} av "
            f"{len(wanted)} sidor lästa); höj gränsen med --ocr-timeout eller "
            f"NAMNDSVAR_OCR_TIMEOUT, eller dela upp filen"
        ) from e
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        renderer.close()
    return readings, problems


class _Renderer:
    """Renders pages for the OCR threads, one at a time (pdfium is not thread-safe); the
    Tesseract processes the threads wait on run in parallel."""

    def __init__(self, path: Path, dpi: int) -> None:
        self._document = pdfium.PdfDocument(str(path))
        self._scale = dpi / 72
        self._lock = threading.Lock()
        self._closed = False

    def render(self, index: int) -> Image.Image:
        with self._lock:
            if self._closed:
                raise OcrFailed("filen stängdes innan sidan hann renderas")
            try:
                page = self._document[index]
                image: Image.Image = page.render(scale=self._scale, grayscale=True).to_pil()
                return image.convert("L")
            except pdfium.PdfiumError as e:
                raise OcrFailed(f"sidan kan inte renderas ({e})") from e

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._document.close()
