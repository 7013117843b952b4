"""Metadata read from the documents themselves: municipality, committee, date, document type.

Everything is taken from the text; where the text does not say, the value is None.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from ingest.clean import UNMARKED
from ingest.records import Line

MONTHS = {
    "januari": 1,
    "februari": 2,
    "mars": 3,
    "april": 4,
    "maj": 5,
    "juni": 6,
    "juli": 7,
    "augusti": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "december": 12,
}
ISO_DATE = re.compile(r"\b((?:19|20)\d\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])\b")
LONG_DATE = re.compile(
    r"\b([1-9]|[12]\d|3[01])\s+(" + "|".join(MONTHS) + r")\s+((?:19|20)\d\d)\b", re.IGNORECASE
)
MUNICIPALITY = re.compile(r"\b([A-ZÅÄÖ][a-zåäö]+(?:-[A-ZÅÄÖ][a-zåäö]+)?) [Kk]ommun(?:s)?\b")
DOMAIN = re.compile(r"(?:\bwww[.\s]\s?|@)([a-zåäö-]+)\.\s?se\b", re.IGNORECASE)
CITY = re.compile(r"\b(Stockholms|Göteborgs|Malmö) stad\b")
COMMITTEE = re.compile(
    r"\b([A-ZÅÄÖ][a-zåäö]*(?:nämnden|nämnd|styrelsen|fullmäktige)|"
    r"Kommunstyrelsen|Kommunfullmäktige|Regionstyrelsen|Regionfullmäktige)\b"
)
DECIDES = re.compile(
    r"\b(beslutar|beslutade|föreslås|föreslår|godkänner|godkände|har tagit del|"
    r"fastställer|antar|bifaller|avslår|överlämnar|utser|utsåg|väljer|valde|beviljar|"
    r"uppdrar|delegerar|tilldelar|yttrar)\b"
)
DOC_TYPES = (
    (re.compile(r"tjänsteskrivelse|tjänsteutlåtande", re.IGNORECASE), "tjänsteskrivelse"),
    (re.compile(r"protokoll", re.IGNORECASE), "protokoll"),
    (re.compile(r"kallelse|föredragningslista", re.IGNORECASE), "kallelse"),
    (re.compile(r"\byttrande\b|remissvar", re.IGNORECASE), "yttrande"),
    (re.compile(r"utlåtande", re.IGNORECASE), "utlåtande"),
)


def find_date(text: str) -> str | None:
    """The first date in ``text`` as ISO 8601, or None."""
    iso = ISO_DATE.search(text)
    long = LONG_DATE.search(text)
    if iso and (long is None or iso.start() < long.start()):
        return iso.group(0)
    if long:
        day, month, year = long.groups()
        return f"{year}-{MONTHS[month.lower()]:02d}-{int(day):02d}"
    return None


def file_municipality(lines: Sequence[Line]) -> str | None:
    """The municipality a file is from. Its own web or e-mail address in a letterhead or
    footer (``www.norrtalje.se``) names the sender, whatever other municipalities the text
    mentions; without one, the municipality it names most often (twice at least)."""
    counts: Counter[str] = Counter()
    domains: Counter[str] = Counter()
    for line in lines:
        counts.update(m.group(1).removesuffix("s") for m in MUNICIPALITY.finditer(line.text))
        counts.update(f"{m.group(1)} stad" for m in CITY.finditer(line.text))
        domains.update(_fold(m.group(1)) for m in DOMAIN.finditer(line.text))
    for domain, _ in domains.most_common():
        named = [name for name in counts if _domain_name(name) == domain]
        if named:
            return max(named, key=lambda name: counts[name])
    if not counts:
        return None
    name, n = counts.most_common(1)[0]
    return name if n >= 2 else None


def _domain_name(name: str) -> str:
    """``Norrtälje`` → ``norrtalje``, ``Stockholms stad`` → ``stockholm``: a municipality's
    name as its web address spells it."""
    return _fold(name.removesuffix(" stad").removesuffix("s"))


def _fold(text: str) -> str:
    return text.casefold().translate(UNMARKED)


def item_committee(lines: Sequence[Line]) -> str | None:
    """The body that decides in an item: the subject of its decision sentence, else the first
    committee its header names."""
    texts = [line.text for line in lines]
    for text in texts:
        if DECIDES.search(text) and (m := COMMITTEE.search(text)) and m.start() < 40:
            return _committee_name(m.group(1))
    for text in texts[:12]:
        if (m := COMMITTEE.fullmatch(text.strip())) is not None:
            return _committee_name(m.group(1))
    return None


def _committee_name(name: str) -> str:
    name = name[0].upper() + name[1:]
    if name.endswith("nämnd"):
        name += "en"
    return name


def item_date(lines: Sequence[Line]) -> str | None:
    """The date on a header line of an item (a line that is little more than a date:
    ``2022-03-25``, ``Sammanträdesdag 27 november 2020``), or None. Dates inside sentences
    are deadlines and periods, not the document's date."""
    for line in lines[:20]:
        date = find_date(line.text)
        if date is None:
            continue
        rest = LONG_DATE.sub(" ", ISO_DATE.sub(" ", line.text))
        words = rest.split()
        if len(words) <= 4 and not any(w[0].islower() for w in words) and "." not in rest:
            return date
    return None


def item_doc_type(title: str | None, header_kind: str | None) -> str | None:
    for text in (header_kind, title):
        if not text:
            continue
        for pattern, name in DOC_TYPES:
            if pattern.search(text):
                return name
    return None
