"""Numbers that OCR read as letters: years (``zozo``), dates (``r3juni``), amounts (``7 8oo``),
decimals (``2,o``) and ``§`` read as ``S``, ``$`` or ``&``.

A letter becomes a digit only where the token is clearly a number: it already holds a digit,
or it has a year's shape and makes a year, or it stands alone before a month's name.
"""

from __future__ import annotations

import re

DIGIT_FOR = str.maketrans(
    {
        "o": "0",
        "O": "0",
        "z": "2",
        "Z": "2",
        "r": "1",
        "l": "1",
        "I": "1",
        "|": "1",
        "S": "5",
        "g": "9",
        "'": "",
    }
)
"""What OCR shows for a digit, mapped back (only letters that are never a number's suffix:
``3b``, ``2a`` and ``13s`` stay as they are)."""
_LOOKS_DIGIT = "oOzZrlI|Sg'"
MONTHS = "januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december"
NUMBERISH = re.compile(rf"^(?=.*\d)[\d{_LOOKS_DIGIT}]+(?:[,.:/-][\d{_LOOKS_DIGIT}]+)*$")
"""A token with a real digit that is otherwise digit-like letters: ``8oo``, ``2o21``, ``r,3``."""
DATE_SHAPE = re.compile(
    rf"^[\d{_LOOKS_DIGIT}t]{{4}}-[\d{_LOOKS_DIGIT}t]{{2}}-[\d{_LOOKS_DIGIT}t]{{2}}$"
)
"""An ISO date with letters for digits (``zotg-tz-ot``): there ``t`` is a 1 too."""
YEAR_SHAPE = re.compile(r"^[z2][o0][zo0-9rlgI][o0-9rlzgI]$")
DAY_MONTH = re.compile(rf"^([\d{_LOOKS_DIGIT}]{{1,2}})({MONTHS})$", re.IGNORECASE)
MONTH = re.compile(rf"^(?:{MONTHS})$", re.IGNORECASE)
LIST_DIGITS = {"r": "1", "l": "1", "t": "1", "z": "2"}
"""A list item's number read as a letter at the start of a line."""
CLOCK = re.compile(r"^[\dzorlIt]{1,2}[.:][\dzoO]{2}$")
"""A time of day after ``kl.``: ``rz.oo`` is 12.00."""
PARAGRAPH_SIGNS = frozenset({"S", "$", "&", "g", "$$", "SS"})
CHAPTER_DIGITS = {"t": "1", "r": "1", "l": "1", "I": "1", "z": "2", "+": "4"}
"""A law's chapter number before ``kap.`` read as a letter: ``(t kap. 2 §)`` is 1 kap."""
SECTION_GLUED = re.compile(r"^([\dzrtlI+])([S$g5&])$")
"""A section number after ``kap.`` with its ``§`` glued on and misread: ``zS`` is ``2§``
(``(1 kap. 2§)``). Two digits (``49``, ``15``) stay: they may be a section's number."""
SECTION_CLOSED = re.compile(r"^(\d)([9S$g5&])$")
"""The same before the citation's closing parenthesis, where a ``§`` must stand: ``(4 kap.
49)`` is ``(4 kap. 4§)``, since a law's section is never cited without its sign."""
FOOTNOTED_LAW = re.compile(r"^(\(\d{4}:\d{1,4}\))[r1lI]([.,;:]?)$")
"""A law's number with a footnote's 1 glued on and read as a letter: ``(2017:612)r``."""
LETTER_DECIMAL = re.compile(r"^[zZrlI],[oO]$")
"""A decimal whose digits are all letters: ``z,o`` is 2,0 (no Swedish word has this shape)."""


def digits(token: str) -> str | None:
    """The number a damaged numeric token stands for, or None when it is not one."""
    if DATE_SHAPE.match(token):
        date = token.translate(DIGIT_FOR).replace("t", "1")
        y, m, d = (int(x) if x.isdigit() else 0 for x in date.split("-"))
        if 1990 <= y <= 2049 and 1 <= m <= 12 and 1 <= d <= 31 and date != token:
            return date
    if NUMBERISH.match(token):
        fixed = token.translate(DIGIT_FOR)
        return fixed if fixed != token else None
    if YEAR_SHAPE.match(token):
        year = token.translate(DIGIT_FOR)
        if year.isdigit() and 1990 <= int(year) <= 2049:
            return year
    return None


def repair_numbers(tokens: list[str], before: str = "") -> list[str]:
    """Mend numbers in a line's whitespace-separated tokens (punctuation around them kept);
    ``before`` is the token that ended the line before (``kap.`` / ``5g).``)."""
    out = list(tokens)
    last = before.rsplit(" ", 1)[-1]
    for i, token in enumerate(tokens):
        head, core, tail = split_punctuation(token)
        if not core:
            continue
        following = split_punctuation(tokens[i + 1])[1] if i + 1 < len(tokens) else ""
        previous = split_punctuation(tokens[i - 1] if i > 0 else last)[1].lower()
        if following.lower() == "kap" and core in CHAPTER_DIGITS:
            out[i] = head + CHAPTER_DIGITS[core] + tail
        elif (
            previous == "kap"
            and not following.startswith("§")
            and not core.isdigit()
            and (glued := SECTION_GLUED.match(core))
        ):
            digit = glued[1] if glued[1].isdigit() else CHAPTER_DIGITS[glued[1]]
            out[i] = f"{head}{digit}§{tail}"
        elif previous == "kap" and tail.startswith(")") and (closed := SECTION_CLOSED.match(core)):
            out[i] = f"{head}{closed[1]}§{tail}"
        elif footnoted := FOOTNOTED_LAW.match(token):
            out[i] = footnoted[1] + footnoted[2]
        elif LETTER_DECIMAL.match(core):
            out[i] = head + core.translate(DIGIT_FOR) + tail
        elif (fixed := digits(core)) is not None:
            out[i] = head + fixed + tail
        elif (match := DAY_MONTH.match(core)) and (day := digits(match[1]) or match[1]).isdigit():
            out[i] = f"{head}{day} {match[2]}{tail}"
        elif core in {"r", "l", "z"} and MONTH.match(following):  # not "i"/"I": "i januari"
            out[i] = head + core.translate(DIGIT_FOR) + tail
        elif i == 0 and core in LIST_DIGITS and (tail == "." or following[:1].islower()):
            out[i] = head + LIST_DIGITS[core] + tail  # "r. den slutna vården" is item 1
        elif i > 0 and tokens[i - 1].lower() in {"kl.", "kl"} and CLOCK.match(core):
            out[i] = head + core.translate(DIGIT_FOR).replace("t", "1") + tail
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
