"""Several OCR engines reading the same fake scans: damage from more than one source.

``bench.scans`` prints Swedish text as a page image; here it is read by one of a few engines that
each misread in their own way: Tesseract's English LSTM model (``ingest.ocr``), Tesseract's
legacy engine where the installed ``eng.traineddata`` carries it (``--oem 0``), GOCR and GNU
Ocrad (Debian packages ``gocr`` and ``ocrad``; ``make ocr-engines`` installs them). A *reading
style* is an engine × a font family (serif, sans, mono) × a degradation (clean, low resolution,
worn copy, light copy, fax); every style is deterministic.

An engine that is not installed says so (``Engine.missing``) so callers can skip it with the
reason; reading with it raises ``EngineUnavailable``.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import os
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import reportlab
from PIL import Image

from bench.scans import FONT_PATH, ScanStyle
from ingest.errors import OcrFailed, OcrUnavailable
from ingest.ocr import OcrSettings, recognise

TIMEOUT_S = 300
INSTALL_HINT = "`make ocr-engines` installs gocr and ocrad (`apt-get install gocr ocrad`)"

_FONTS_DIR = Path(reportlab.__file__).resolve().parent / "fonts"
FONTS: dict[str, Path] = {
    "serif": _FONTS_DIR / "_er_____.pfb",  # a Times Roman clone
    "sans": FONT_PATH,  # Bitstream Vera
    "mono": _FONTS_DIR / "com_____.pfb",  # a Courier clone: a typewritten page
}
"""Font families, each a Type 1 or TrueType file reportlab ships (all with å ä ö é § ¹)."""

DEGRADATIONS: dict[str, ScanStyle] = {
    "clean": ScanStyle(dpi=300),
    "low-res": ScanStyle(dpi=300, scale_down=0.45, blur=0.5),
    "worn": ScanStyle(dpi=300, blur=1.6, threshold=185),
    "light": ScanStyle(dpi=300, scale_down=0.5, blur=1.0, threshold=110),
    "fax": ScanStyle(dpi=200, noisy=True, seed=11),
}
"""A clean 300 dpi scan; a coarse one (135 dpi, scaled up: strokes smear); a worn copy (blurred
and thresholded dark: counters fill, letters merge); a light copy (150 dpi, thresholded light:
hairlines break; GOCR and Ocrad read next to nothing of it in serif and mono); a fax (200 dpi,
tilt, dust, hard threshold)."""


class EngineUnavailable(Exception):
    """The OCR engine is not installed here; the message says how to install it."""


class EngineFailed(Exception):
    """The OCR engine ran and failed on a page."""


@dataclass(frozen=True, slots=True)
class Engine:
    """An OCR engine reading a page image to text, lines separated by ``\\n``."""

    name: str
    program: str
    """The executable, found on PATH."""
    args: tuple[str, ...] = ()
    """Command line after the program; the page arrives as a PGM on stdin. Empty: read through
    ``ingest.ocr.recognise`` (Tesseract's English LSTM model)."""
    probe: bool = False
    """Check by a trial run that the engine works (Tesseract's legacy engine needs data that a
    ``tessdata_fast`` model lacks)."""

    def missing(self) -> str | None:
        """Why this engine cannot run here, or None when it can."""
        return _missing(self)

    def read(self, image: Image.Image, dpi: int) -> str:
        problem = self.missing()
        if problem is not None:
            raise EngineUnavailable(problem)
        if not self.args:
            try:
                return "\n".join(recognise(image, OcrSettings(lang="eng", dpi=dpi)).lines)
            except OcrUnavailable as e:
                raise EngineUnavailable(str(e)) from e
            except OcrFailed as e:
                raise EngineFailed(f"{self.name}: {e}") from e
        done = _run(self, _pgm(image), dpi)
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise EngineFailed(f"{self.name} failed: {message[-1] if message else done.returncode}")
        return _tidy(done.stdout.decode("utf-8", "replace"))


ENGINES: dict[str, Engine] = {
    "tesseract-eng": Engine("tesseract-eng", "tesseract"),
    "tesseract-eng-legacy": Engine(
        "tesseract-eng-legacy",
        "tesseract",
        ("stdin", "stdout", "-l", "eng", "--oem", "0", "--psm", "3", "--dpi", "{dpi}"),
        probe=True,
    ),
    "gocr": Engine("gocr", "gocr", ("-f", "UTF8", "-i", "-")),
    "ocrad": Engine("ocrad", "ocrad", ("-F", "utf8", "-c", "iso-8859-15", "-")),
}
"""GOCR marks a character it cannot read ``_`` and reads 0 as O; Ocrad reads Latin-9 (å ä ö come
out; § mostly comes out as é)."""


@dataclass(frozen=True, slots=True)
class ReadingStyle:
    """One way a page is printed, scanned and read."""

    engine: Engine
    font: str
    degradation: str

    @property
    def name(self) -> str:
        return f"{self.engine.name}/{self.font}/{self.degradation}"

    @property
    def scan(self) -> ScanStyle:
        return scan_style(self.font, self.degradation)

    def read(self, image: Image.Image) -> str:
        return self.engine.read(image, self.scan.dpi)


def scan_style(font: str, degradation: str) -> ScanStyle:
    """How a page in ``font`` with ``degradation`` is printed and scanned."""
    return dataclasses.replace(DEGRADATIONS[degradation], font=FONTS[font])


def reading_styles(
    engines: Iterable[Engine] = ENGINES.values(),
    fonts: Iterable[str] = FONTS,
    degradations: Iterable[str] = DEGRADATIONS,
) -> list[ReadingStyle]:
    """Every engine × font × degradation, engines outermost; missing engines included."""
    fonts, degradations = list(fonts), list(degradations)
    return [
        ReadingStyle(engine, font, degradation)
        for engine in engines
        for font in fonts
        for degradation in degradations
    ]


def available(engines: Iterable[Engine] = ENGINES.values()) -> list[Engine]:
    return [engine for engine in engines if engine.missing() is None]


@functools.cache
def _missing(engine: Engine) -> str | None:
    if shutil.which(engine.program) is None:
        hint = INSTALL_HINT if engine.program != "tesseract" else "`make tesseract` installs it"
        return f"{engine.name}: {engine.program} is not installed; {hint}"
    if not engine.probe:
        return None
    try:
        done = _run(engine, _pgm(Image.new("L", (64, 32), 255)), 300)
    except EngineFailed as e:
        return f"{engine.name}: {e}"
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = next((line for line in lines if line.startswith("Error")), "trial run failed")
        return f"{engine.name}: {reason}"
    return None


def _run(engine: Engine, pgm: bytes, dpi: int) -> subprocess.CompletedProcess[bytes]:
    command = [engine.program, *(arg.format(dpi=dpi) for arg in engine.args)]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        return subprocess.run(
            command, input=pgm, capture_output=True, env=env, timeout=TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired as e:
        raise EngineFailed(f"{engine.name} did not finish in {TIMEOUT_S} s") from e
    except OSError as e:
        raise EngineFailed(f"{engine.name} could not start ({e})") from e


def _pgm(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.convert("L").save(buffer, format="PPM")  # "L" saves as a binary PGM
    return buffer.getvalue()


def _tidy(text: str) -> str:
    """Trailing blanks off each line, runs of blank lines as one, none at either end."""
    lines = [line.rstrip() for line in text.replace("\f", "\n").splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n")
