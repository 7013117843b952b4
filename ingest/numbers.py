"""Numbers that OCR read as letters: amounts (``7 8OO``), years (``l997``, ``zozo``), a day run
into its month (``l4juli``), list numbers (``l.``), chapter numbers (``l kap.``), a law's
footnote ``¹`` read as a letter, and ``§`` read as ``&``.

A letter becomes a digit only where the token is clearly a number: it already holds a digit,
or it has a year's shape and makes a year, or it stands alone before a month's name or ``kap.``.
Each rule is kept because it held on damage from other sources: invented council text printed
in 45 styles and read by Tesseract's English model, GOCR and Ocrad, each rule switched off alone
(``python -m bench.number_rules``). Rules that never fired there, or harmed, were removed.
"""

from __future__ import annotations

import re

DIGIT_FOR = str.maketrans(
    {
        "o": "0",
        "O": "0",
        "z": "2",
        "Z": "2",
        "l": "1",
        "I": "1",
        "|": "1",
        "S": "5",
        "g": "9",
    }
)
"""What OCR shows for a digit, mapped back (only letters that are never a number's suffix:
``3b``, ``2a`` and ``13s`` stay as they are). In the study each of ``o O l I | S g`` made
tokens right and none worse; ``z``/``Z`` are unseen in the renders, kept because older engines
read 2 as z, the product's stated case (``zozo`` is 2020). ``r`` is no 1: with å and ä read as 4
or 6 it made ``4r`` (år, är) ``41`` and ``g6r`` (gör) ``961``."""
_LOOKS_DIGIT = "oOzZlI|Sg"
MONTHS = "januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december"
NUMBERISH = re.compile(rf"^(?=.*\d)[\d{_LOOKS_DIGIT}]+(?:[,.:/-][\d{_LOOKS_DIGIT}]+)*$")
"""A token with a real digit that is otherwise digit-like letters: ``8OO``, ``l4``, ``20|5``,
``8,l``, and so dates and times too. In the study it made 292 tokens right in 21 styles (GOCR and
Ocrad above all) and none worse."""
YEAR_SHAPE = re.compile(r"^[z2][o0][zo0-9lgI][o0-9lzgI]$")
"""A year between 1990 and 2049 with no digit left but its shape (``zozo``): unseen in the
renders; kept because older engines read 2 as z, the product's stated case."""
DAY_MONTH = re.compile(rf"^([\d{_LOOKS_DIGIT}]{{1,2}})({MONTHS})$", re.IGNORECASE)
"""A day run into its month (``14juli``, ``I7juli``): made right 4 times, never harmed."""
MONTH = re.compile(rf"^(?:{MONTHS})$", re.IGNORECASE)
"""A month's name: a lone ``l`` before it is the 1st (made right 3 times, never harmed)."""
LIST_DIGITS = {"l": "1"}
"""A list item's ``1.`` read as ``l.`` at a line start: made right 103 times in 21 styles
(GOCR, Ocrad), never harmed. Only with the full stop: a line may open with the word I."""
PARAGRAPH_SIGNS = frozenset({"&"})
"""``§`` read as ``&`` before a number at a line start: made right once (Tesseract), never
harmed. Read as ``S``, ``$`` or ``g`` it never fired, so those went."""
CHAPTER_DIGITS = {"l": "1", "I": "1"}
"""A law's chapter number before ``kap.`` read as a letter: ``(l kap. 2 §)`` is 1 kap.
Made right 9 times (GOCR, Ocrad), never harmed."""
FOOTNOTED_LAW = re.compile(r"^(\(\d{4}:\d{1,4}\))[1lI]([.,;:]?)$")
"""A law's number with a footnote's ``¹`` glued on and read as 1, l or I: ``(2019:177)l`` is
``(2019:177)``. Made right 9 times in 4 styles (Ocrad, Tesseract), never harmed."""


def digits(token: str) -> str | None:
    """The number a damaged numeric token stands for, or None when it is not one."""
    if NUMBERISH.match(token):
        fixed = token.translate(DIGIT_FOR)
        return fixed if fixed != token else None
    if YEAR_SHAPE.match(token):
        year = token.translate(DIGIT_FOR)
        if year.isdigit() and 1990 <= int(year) <= 2049:
            return year
    return None


def repair_numbers(tokens: list[str]) -> list[str]:
    """Mend numbers in a line's whitespace-separated tokens (punctuation around them kept)."""
    out = list(tokens)
    for i, token in enumerate(tokens):
        head, core, tail = split_punctuation(token)
        if not core:
            continue
        following = split_punctuation(tokens[i + 1])[1] if i + 1 < len(tokens) else ""
        if following.lower() == "kap" and core in CHAPTER_DIGITS:
            out[i] = head + CHAPTER_DIGITS[core] + tail
        elif footnoted := FOOTNOTED_LAW.match(token):
            out[i] = footnoted[1] + footnoted[2]
        elif (fixed := digits(core)) is not None:
            out[i] = head + fixed + tail
        elif (match := DAY_MONTH.match(core)) and (day := digits(match[1]) or match[1]).isdigit():
            out[i] = f"{head}{day} {match[2]}{tail}"
        elif core == "l" and MONTH.match(following):  # not "i"/"I": "i januari"
            out[i] = head + "1" + tail
        elif i == 0 and core in LIST_DIGITS and tail == ".":
            out[i] = head + LIST_DIGITS[core] + tail  # "l. den slutna vården" is item 1
        elif i == 0 and core in PARAGRAPH_SIGNS and following.isdigit():
            out[i] = head + "§" + tail
    return out


_EDGE = "\"'”“’‘()[]{}«».,;:!?"
_TRAILING = _EDGE + "-"
"""A hyphen ends a word broken at a line end or shortened in a list (``hälso-``)."""


def split_punctuation(token: str) -> tuple[str, str, str]:
    """``(”Beslut,`` → ``("(”", "Beslut", ",")``; punctuation inside a token stays in it."""
    start, end = 0, len(token)
    while start < end and token[start] in _EDGE:
        start += 1
    while end > start and token[end - 1] in _TRAILING:
        end -= 1
    return token[:start], token[start:end], token[end:]
