"""Tesseract OCR of one page image, with its Swedish model and word confidences."""

from __future__ import annotations

import functools
import io
import os
import subprocess
from dataclasses import dataclass

from PIL import Image

from ingest.errors import OcrFailed, OcrUnavailable

INSTALL_HINT = (
    "installera paketen tesseract-ocr och tesseract-ocr-swe "
    "(`make setup` gör det, eller `sudo apt-get install tesseract-ocr tesseract-ocr-swe`)"
)


@dataclass(frozen=True, slots=True)
class OcrSettings:
    """How scanned pages are read. ``workers`` OCR processes run at once, one per core."""

    lang: str = "swe"
    dpi: int = 300
    workers: int = 0
    """0: one per core."""
    tesseract: str = "tesseract"
    timeout_s: int = 300

    @classmethod
    def from_env(cls) -> OcrSettings:
        """From ``NAMNDSVAR_TESSERACT`` (the program), ``NAMNDSVAR_OCR_WORKERS`` and
        ``NAMNDSVAR_OCR_LANG``."""
        env = os.environ
        return cls(
            lang=env.get("NAMNDSVAR_OCR_LANG", "swe"),
            workers=int(env.get("NAMNDSVAR_OCR_WORKERS", "0")),
            tesseract=env.get("NAMNDSVAR_TESSERACT", "tesseract"),
        )

    def worker_count(self) -> int:
        return self.workers if self.workers > 0 else (os.cpu_count() or 1)


@dataclass(frozen=True, slots=True)
class OcrText:
    """What Tesseract read on a page: its lines (a blank line between paragraphs) and the mean
    confidence of its words, 0–100 (None when it found no words)."""

    lines: tuple[str, ...]
    confidence: float | None


def check_tesseract(settings: OcrSettings) -> None:
    """Raise ``OcrUnavailable`` unless Tesseract runs and has the language asked for."""
    problem = _tesseract_problem(settings.tesseract, settings.lang)
    if problem is not None:
        raise OcrUnavailable(problem)


@functools.cache
def _tesseract_problem(program: str, lang: str) -> str | None:
    try:
        done = subprocess.run(
            [program, "--list-langs"], capture_output=True, text=True, timeout=60, check=False
        )
    except OSError:
        return f"Tesseract hittades inte ({program}); {INSTALL_HINT}"
    langs = {line.strip() for line in (done.stdout + done.stderr).splitlines()}
    if lang not in langs:
        return f"Tesseract saknar språket {lang!r}; {INSTALL_HINT}"
    return None


def recognise(image: Image.Image, settings: OcrSettings) -> OcrText:
    """OCR one page image with a Tesseract process of its own, single-threaded
    (``OMP_THREAD_LIMIT=1``): pages run in parallel processes instead, which is several times
    faster on few cores than Tesseract's own threads."""
    buffer = io.BytesIO()
    image.convert("L").save(buffer, format="PPM")  # uncompressed: nothing to encode or decode
    command = [settings.tesseract, "stdin", "stdout", "-l", settings.lang, "--psm", "3"]
    command += ["--dpi", str(settings.dpi), "tsv"]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(
            command,
            input=buffer.getvalue(),
            capture_output=True,
            env=env,
            timeout=settings.timeout_s,
            check=False,
        )
    except FileNotFoundError as e:
        missing = f"Tesseract hittades inte ({settings.tesseract}); {INSTALL_HINT}"
        raise OcrUnavailable(missing) from e
    except subprocess.TimeoutExpired as e:
        raise OcrFailed(f"Tesseract blev inte klar på {settings.timeout_s} s") from e
    except OSError as e:
        raise OcrFailed(f"Tesseract kunde inte startas ({e})") from e
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OcrFailed(f"Tesseract misslyckades ({message[-1] if message else done.returncode})")
    return _assemble(done.stdout.decode("utf-8"))


def _assemble(tsv: str) -> OcrText:
    """Lines from Tesseract's word table (TSV), in reading order, a blank line between
    paragraphs."""
    lines: list[str] = []
    confidences: list[float] = []
    current: tuple[str, ...] | None = None
    paragraph: tuple[str, ...] | None = None
    words: list[str] = []
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12:
            continue
        text, conf = cells[11].strip(), float(cells[10])
        if not text or conf < 0:
            continue
        key = (cells[2], cells[3], cells[4])  # block, paragraph, line
        if key != current:
            if words:
                lines.append(" ".join(words))
            words = []
            if paragraph is not None and key[:2] != paragraph:
                lines.append("")
            current, paragraph = key, key[:2]
        words.append(text)
        confidences.append(conf)
    if words:
        lines.append(" ".join(words))
    confidence = sum(confidences) / len(confidences) if confidences else None
    return OcrText(lines=tuple(lines), confidence=confidence)
