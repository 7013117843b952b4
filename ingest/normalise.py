"""Normalising Swedish text: NFC, whitespace, and hyphenation at line ends.

``python -m ingest.normalise [FILE]`` writes the normalised text to standard output. Clean
text passes through unchanged apart from whitespace and hyphenation: lines keep their breaks,
a word broken at a line end (``av-`` / ``tal``) is joined onto the first line. OCR-damage
repair (lost å/ä/ö, digits read as letters) is not done yet.
"""

from __future__ import annotations

import re

from ingest.clean import clean_chars, is_broken_word

VERSION = "norm-2"

PARAGRAPH_SIGN = re.compile(r"^([&$])\s?(?=\d{1,4}\b)")
"""A ``§`` that OCR read as ``&`` or ``$`` at the start of a line, before a paragraph number."""


SPECK = re.compile(r"(?<!\S)[|¦](?!\S)")
"""A lone bar: dust on the scan read as a character."""


def repair_ocr_line(line: str) -> str:
    """Mend what OCR reliably gets wrong in a line of its own output: a ``§`` read as ``&`` or
    ``$`` before a paragraph number, and specks of dust read as ``|``."""
    line = PARAGRAPH_SIGN.sub("§ ", line)
    if "|" in line or "¦" in line:
        line = " ".join(SPECK.sub(" ", line).split())
    return line


def normalise_text(text: str) -> str:
    lines = [" ".join(line.split()) for line in clean_chars(text).split("\n")]
    for i in range(len(lines) - 1):
        head, _, rest = lines[i + 1].partition(" ")
        if lines[i] and head and is_broken_word(lines[i], head):
            lines[i] = lines[i][:-1] + head
            lines[i + 1] = rest
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import argparse
    import sys
    from pathlib import Path

    parser = argparse.ArgumentParser(
        prog="python -m ingest.normalise", description="Normalisera svensk text (NFC, avstavning)."
    )
    parser.add_argument("file", nargs="?", help="textfil i UTF-8 (standard in om den saknas)")
    args = parser.parse_args(argv)
    data = Path(args.file).read_bytes() if args.file else sys.stdin.buffer.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        name = args.file or "standard in"
        print(f"{name}: inte UTF-8 ({e}); spara filen som UTF-8 och försök igen", file=sys.stderr)
        return 2
    sys.stdout.buffer.write(normalise_text(text).encode("utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
