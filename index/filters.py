"""Filters on passage metadata, applied inside retrieval: Chroma's ``where`` on the dense side and
the same test on the BM25 side, so that the top passages are the best *within* the filter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import numpy.typing as npt

FACETS = ("municipality", "committee", "doc_type")
"""Metadata a user filters on by value."""
DAY = "day"
"""The stored passage date as a number (20191022), which Chroma can compare."""


class FilterProblem(ValueError):
    """A filter a person gave cannot be used; the message says why and what exists."""


@dataclass(frozen=True, slots=True)
class Filters:
    municipality: str | None = None
    committee: str | None = None
    doc_type: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    """Inclusive; a passage without a date is left out when either bound is set."""

    def __post_init__(self) -> None:
        for key in FACETS:
            value = getattr(self, key)
            if value is not None and not isinstance(value, str):
                raise FilterProblem(
                    f"{key}: ett filtervärde är en text, inte {type(value).__name__}; "
                    "ange ett av indexets värden."
                )
        for key in ("date_from", "date_to"):
            value = getattr(self, key)
            if value is not None and not isinstance(value, dt.date):
                raise FilterProblem(f"{key}: {value!r} är inget datum; skriv det som ÅÅÅÅ-MM-DD.")

    @property
    def is_empty(self) -> bool:
        return all(getattr(self, f.name) is None for f in fields(self))

    def values(self) -> dict[str, str]:
        return {key: value for key in FACETS if (value := getattr(self, key)) is not None}

    def admits(self, meta: Mapping[str, Any]) -> bool:
        """Does a passage with this metadata pass? (The BM25 side's test.)"""
        if any(meta.get(key) != value for key, value in self.values().items()):
            return False
        if self.date_from is None and self.date_to is None:
            return True
        day = meta.get(DAY)
        if not isinstance(day, int):
            return False
        low = day_number(self.date_from) if self.date_from else None
        high = day_number(self.date_to) if self.date_to else None
        return (low is None or day >= low) and (high is None or day <= high)

    def describe(self) -> str:
        """In Swedish, for a notice: ``kommittén Socialnämnden, från 2020-01-01``."""
        names = {"municipality": "kommun", "committee": "nämnd", "doc_type": "dokumenttyp"}
        parts = [f"{names[key]} {value}" for key, value in self.values().items()]
        if self.date_from:
            parts.append(f"från {self.date_from.isoformat()}")
        if self.date_to:
            parts.append(f"till {self.date_to.isoformat()}")
        return ", ".join(parts)


def day_number(day: dt.date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def parse_day(text: str, name: str = "datum") -> dt.date:
    """``2020-01-01`` (or ``2020-01`` / ``2020``: the first day of it)."""
    value = text.strip()
    for fmt, size in (("%Y-%m-%d", 10), ("%Y-%m", 7), ("%Y", 4)):
        if len(value) == size:
            try:
                return dt.datetime.strptime(value, fmt).date()
            except ValueError:
                break
    raise FilterProblem(f"{name}: {text!r} är inget datum; skriv det som ÅÅÅÅ-MM-DD.")


def parse_end_day(text: str, name: str = "datum") -> dt.date:
    """The last day of what ``text`` names: ``2020`` → 2020-12-31, ``2020-02`` → 2020-02-29."""
    day = parse_day(text, name)
    value = text.strip()
    if len(value) == 4:
        return dt.date(day.year, 12, 31)
    if len(value) == 7:
        following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return day


@dataclass(frozen=True, slots=True)
class Facets:
    """The values each filter can take in an index, for dropdowns and for checking input."""

    municipality: tuple[str, ...] = ()
    committee: tuple[str, ...] = ()
    doc_type: tuple[str, ...] = ()
    first_day: dt.date | None = None
    last_day: dt.date | None = None

    @classmethod
    def of(cls, metadata: Iterable[Mapping[str, Any]]) -> Facets:
        seen: dict[str, set[str]] = {key: set() for key in FACETS}
        days: list[int] = []
        for meta in metadata:
            for key in FACETS:
                if isinstance(value := meta.get(key), str) and value:
                    seen[key].add(value)
            if isinstance(day := meta.get(DAY), int):
                days.append(day)
        first, last = (min(days), max(days)) if days else (None, None)
        ordered = {key: tuple(sorted(seen[key], key=str.casefold)) for key in FACETS}
        return cls(
            municipality=ordered["municipality"],
            committee=ordered["committee"],
            doc_type=ordered["doc_type"],
            first_day=_from_number(first),
            last_day=_from_number(last),
        )

    def resolve(self, key: str, value: str) -> str:
        """The stored spelling of ``value`` (case and spaces do not matter); FilterProblem
        naming the values that exist when none matches."""
        if key not in FACETS:
            raise FilterProblem(
                f"okänt filter {key!r}; använd ett av: {', '.join(FACETS)} (t.ex. "
                "committee=Socialnämnden)."
            )
        known: tuple[str, ...] = getattr(self, key)
        wanted = " ".join(value.split()).casefold()
        for option in known:
            if " ".join(option.split()).casefold() == wanted:
                return option
        listed = ", ".join(known) if known else "inga värden alls i indexet"
        raise FilterProblem(f"{key}={value!r} finns inte i indexet. Möjliga värden: {listed}.")


def _from_number(day: int | None) -> dt.date | None:
    if day is None:
        return None
    return dt.date(day // 10000, day // 100 % 100, day % 100)


def stored_day(date: str | None) -> int | None:
    """The ``day`` number stored beside a passage's ISO date, None when it has none."""
    if not date:
        return None
    try:
        return day_number(dt.date.fromisoformat(date[:10]))
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Columns:
    """Every passage's facet values and day as arrays, built once when the index opens, so
    the BM25 side tests a filter on all passages at once (``Filters.admits`` for each one
    would loop in Python over every passage on every question)."""

    codes: dict[str, npt.NDArray[np.int32]]
    names: dict[str, dict[str, int]]
    days: npt.NDArray[np.int64]
    """The ``day`` number, -1 where a passage has none."""

    @classmethod
    def of(cls, metas: Sequence[Mapping[str, Any]]) -> Columns:
        names: dict[str, dict[str, int]] = {key: {} for key in FACETS}
        codes = {
            key: np.fromiter(
                (_code(names[key], meta.get(key)) for meta in metas), np.int32, len(metas)
            )
            for key in FACETS
        }
        days = np.fromiter(
            (d if isinstance(d := meta.get(DAY), int) else -1 for meta in metas),
            np.int64,
            len(metas),
        )
        return cls(codes, names, days)

    def admitted(self, filters: Filters) -> npt.NDArray[np.bool_]:
        """Which passages the filters admit: ``Filters.admits`` on every passage."""
        mask = np.ones(len(self.days), dtype=bool)
        for key, value in filters.values().items():
            mask &= self.codes[key] == self.names[key].get(value, -2)
        if filters.date_from is None and filters.date_to is None:
            return mask
        mask &= self.days >= 0
        if filters.date_from is not None:
            mask &= self.days >= day_number(filters.date_from)
        if filters.date_to is not None:
            mask &= self.days <= day_number(filters.date_to)
        return mask


def _code(names: dict[str, int], value: object) -> int:
    """-1 for no value; otherwise the value's number, given in order of first sight."""
    if not isinstance(value, str):
        return -1
    return names.setdefault(value, len(names))
