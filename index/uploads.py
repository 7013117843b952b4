"""Files uploaded by an administrator: checked, named safely, and saved under the corpus folder
only, ready to be indexed."""

from __future__ import annotations

import re
import shutil
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ALLOWED = (".pdf", ".txt", ".md")
MAX_BYTES = 50 * 1024 * 1024
"""A council document is rarely over a few MB; a 50 MB scan is already hundreds of pages."""
UPLOADS = "uppladdat"
"""The folder under the corpus where uploads are saved."""
_UNSAFE = re.compile(r"[^\w.\- ]+")


class UploadProblem(ValueError):
    """A file that cannot be taken; the message names it and says why (in Swedish)."""


@dataclass(frozen=True, slots=True)
class Saved:
    path: Path
    original: str


def safe_name(name: str) -> str:
    """``../../etc/Protokoll 2019:10 (slutlig).PDF`` → ``Protokoll_2019_10_slutlig.pdf``:
    no folders, no marks beyond letters (å, ä, ö too), digits, ``.``, ``-``, ``_``."""
    base = Path(name.replace("\\", "/")).name
    base = unicodedata.normalize("NFC", base)
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = re.sub(r"[_ ]+", "_", _UNSAFE.sub("_", stem)).strip("._-") or "dokument"
    suffix = _UNSAFE.sub("", suffix).lower()
    return f"{stem[:100]}.{suffix}" if suffix else stem[:100]


def check(path: Path, name: str) -> None:
    """Raise UploadProblem for a file of the wrong type or size."""
    if Path(name).suffix.lower() not in ALLOWED:
        raise UploadProblem(
            f"{name}: bara PDF, .txt och .md kan indexeras; spara dokumentet i ett av dem."
        )
    size = path.stat().st_size
    if size == 0:
        raise UploadProblem(f"{name}: filen är tom.")
    if size > MAX_BYTES:
        raise UploadProblem(
            f"{name}: filen är {size // (1024 * 1024)} MB; högst {MAX_BYTES // (1024 * 1024)} "
            "MB tas emot. Dela upp den."
        )


def save(files: Sequence[tuple[Path, str]], corpus: Path) -> tuple[list[Saved], list[str]]:
    """Copy uploaded files (temporary path, name as uploaded) into ``corpus/uppladdat``. Those
    that cannot be taken are named in the messages; the others are saved."""
    folder = (corpus / UPLOADS).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    saved: list[Saved] = []
    problems: list[str] = []
    for temporary, original in files:
        try:
            check(temporary, original)
        except UploadProblem as e:
            problems.append(str(e))
            continue
        target = (folder / safe_name(original)).resolve()
        if target.parent != folder:  # safe_name leaves no folders; this is a second lock
            problems.append(f"{original}: ogiltigt filnamn.")
            continue
        shutil.copyfile(temporary, target)
        saved.append(Saved(target, original))
    return saved, problems


def inside(path: Path, corpus: Path) -> bool:
    """Is ``path`` a file under the corpus folder (which the admin may delete)?"""
    try:
        path.resolve().relative_to(corpus.resolve())
    except ValueError:
        return False
    return True
