"""When a rule applies: the periods that Swedish agreements state for their values.

"Från och med november år 2021 ska de genomsnittliga fristdagarna vara 1,3", "gäller från den
1 januari 2018 till den 31 december 2019", "För år 2019 är detta belopp 7 800 kronor": a
sentence's period is read from the dates it names and the words before them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

MONTHS = (
    "januari februari mars april maj juni juli augusti september oktober november december"
).split()
ORDINALS = {"första": 1, "förste": 1, "sista": 31}
_DATE = (
    r"(?P<iso>\d{4}-\d{2}-\d{2})"
    r"|(?:den\s+)?(?:(?P<day>\d{1,2}|första|förste|sista)\s+)?"
    rf"(?P<month>{'|'.join(MONTHS)})(?:\s+år)?\s+(?P<year>(?:19|20)\d\d)"
    r"|\bår\s+(?P<only_year>(?:19|20)\d\d)"
)
STARTS = (
    r"från\s+och\s+med|fr\.\s?o\.\s?m\.?|fr\.o\.m\.?|gäller\s+från|gälla\s+från|från|sedan|efter"
)
ENDS = r"till\s+och\s+med|t\.\s?o\.\s?m\.?|t\.o\.m\.?|fram\s+till(?:\s+och\s+med)?|till|intill"
MENTION = re.compile(
    rf"(?:(?P<start>{STARTS})|(?P<end>{ENDS}))?\s*(?:utgången\s+av\s+)?(?:{_DATE})",
    re.IGNORECASE,
)
BEGINS = re.compile(r"\b(börjar\s+gälla|träder\s+i\s+kraft|gäller\s+från)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Period:
    """From ``start`` to ``end``, both inclusive; None where the text leaves it open."""

    start: dt.date | None
    end: dt.date | None

    def contains(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def overlaps(self, first: dt.date, last: dt.date) -> bool:
        return (self.start is None or self.start <= last) and (
            self.end is None or first <= self.end
        )

    def label(self) -> str:
        """In Swedish: ``från och med 1 november 2021``, ``år 2019``, ``1 januari 2018 –
        31 december 2019``, ``till och med 31 oktober 2020``."""
        start, end = self.start, self.end
        if start and end:
            if start == dt.date(start.year, 1, 1) and end == dt.date(start.year, 12, 31):
                return f"år {start.year}"
            return f"{swedish_date(start)} – {swedish_date(end)}"
        if start:
            return f"från och med {swedish_date(start)}"
        if end:
            return f"till och med {swedish_date(end)}"
        return ""


def swedish_date(day: dt.date) -> str:
    """``1 november 2021``."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def period_in(text: str) -> Period | None:
    """The period a sentence states, or None when it names no date."""
    start: dt.date | None = None
    end: dt.date | None = None
    year_only: int | None = None
    loose: dt.date | None = None
    begins = bool(BEGINS.search(text))
    for match in MENTION.finditer(text):
        if match.group("only_year"):
            year_only = year_only or int(match.group("only_year"))
            continue
        first, last = _span(match)
        if match.group("end"):
            end = end or last
        elif match.group("start") or begins:
            start = start or first
        elif start is not None and end is None and _joined(text, match):
            end = last
        elif start is None and end is None and loose is not None and _joined(text, match):
            start, end = loose, last  # "under perioden 1 november 2020 och 31 oktober 2021"
        elif start is None and end is None:
            loose = loose or first  # "under perioden 1 januari 2020 till 1 juli 2021"
    if start is None and loose is not None and end is not None and loose <= end:
        start = loose
    if start is None and end is None:
        if year_only is None:
            return None
        return Period(dt.date(year_only, 1, 1), dt.date(year_only, 12, 31))
    return Period(start, end)


def _joined(text: str, match: re.Match[str]) -> bool:
    """A date right after a dash or an "och" (``2020-01-01 – 2020-12-31``, ``mellan 1 november
    2020 och 31 oktober 2021``)."""
    before = text[: match.start()].rstrip()
    return before.endswith(("–", "-")) or before.casefold().endswith(" och")


def _span(match: re.Match[str]) -> tuple[dt.date, dt.date]:
    """The first and last day the date names: a day, or a whole month."""
    if match.group("iso"):
        try:
            day = dt.date.fromisoformat(match.group("iso"))
        except ValueError:
            day = dt.date(int(match.group("iso")[:4]), 1, 1)
        return day, day
    year = int(match.group("year"))
    month = MONTHS.index(match.group("month").lower()) + 1
    last_day = calendar.monthrange(year, month)[1]
    named = match.group("day")
    if named is None:
        return dt.date(year, month, 1), dt.date(year, month, last_day)
    number = ORDINALS.get(named.lower()) or int(named)
    day = dt.date(year, month, min(max(number, 1), last_day))
    return day, day


def asked_day(text: str) -> tuple[dt.date, dt.date] | None:
    """The day, month or year a question names, as its first and last day."""
    for match in MENTION.finditer(text):
        if match.group("only_year"):
            year = int(match.group("only_year"))
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        return _span(match)
    bare = re.search(r"\b((?:19|20)\d\d)\b", text)
    if bare:
        year = int(bare.group(1))
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    return None
