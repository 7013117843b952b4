"""Invented Swedish council text rich in numbers, and digit-free prose, for OCR benchmarks.

Sentences come from templates filled with seeded random values: ISO dates (``2019-10-22``),
dates in words (``den 3 juni 2021``), years, amounts (``7 800 kronor``, ``12 500 000 kr``),
decimals (``2,5 procent``), law references (``(4 kap. 2 §)``, ``(1 kap. 2§)``, ``2 kap. 5 §
socialtjänstlagen``), law numbers (``lag (2017:612) om …``, and with a footnote's ``¹``), times
(``kl. 13.00``) and diary numbers (``SN 2019:471``); a section opens with ``§ 12`` at a line start
and may hold a numbered list (``1.`` at a line start). Ordinary prose between them comes from the
contexts of SweQUAD-MC's train split (never its dev split). Lines are wrapped short enough that
they fit the page in any of ``bench.engines``' fonts, so every printed line is an input line.
"""

from __future__ import annotations

import random
import re
import textwrap
from collections.abc import Sequence
from pathlib import Path

from bench.readings import contexts

WIDTH = 62
"""Characters a printed line holds at most (Courier at 11 pt fills the text width at 68)."""
LINES_PER_PAGE = 47

MONTHS = (
    "januari februari mars april maj juni juli augusti september oktober november december"
).split()
BODIES = (
    "Kommunstyrelsen",
    "Socialnämnden",
    "Barn- och utbildningsnämnden",
    "Kommunfullmäktige",
    "Tekniska nämnden",
    "Miljö- och byggnämnden",
    "Kultur- och fritidsnämnden",
)
LAWS = (
    "socialtjänstlagen",
    "kommunallagen",
    "förvaltningslagen",
    "skollagen",
    "plan- och bygglagen",
    "offentlighets- och sekretesslagen",
)
ABOUT = (
    "samverkan vid utskrivning från sluten hälso- och sjukvård",
    "kommunal bokföring och redovisning",
    "valfrihetssystem",
    "stöd och service till vissa funktionshindrade",
    "bostadsanpassningsbidrag",
)
PURPOSES = (
    "upprustning av lekplatser i Östra Ekbacken",
    "föreningsbidrag för år två",
    "en ny förskola i Norrby",
    "ombyggnad av simhallens omklädningsrum",
    "gång- och cykelväg längs Storgatan",
    "särskilt boende för äldre",
)
TITLES = (
    "Budget och verksamhetsplan",
    "Ändrade avgifter inom äldreomsorgen",
    "Yttrande över remiss",
    "Delegationsbeslut",
    "Revisionsberättelse",
    "Motion om fler laddstolpar",
    "Anmälningsärenden",
)
DIARY = ("SN", "KS", "BUN", "MBN", "TN", "KFN")

SENTENCES = (
    "{body} beslutade {date} att bevilja {amount} till {purpose}.",
    "Enligt {chapter} kap. {section} § {law} ska ärendet prövas senast {iso}.",
    "Beslutet fattades med stöd av lag {sfs} om {about}.",
    "Lagen {sfs}¹ om {about} gäller från och med {iso}.",
    "Nämnden hänvisar till bestämmelsen ({chapter} kap. {section} §).",
    "Av ({chapter} kap. {section}§) följer att nämnden ska yttra sig.",
    "Sammanträdet börjar kl. {clock} i stadshusets sal {n}.",
    "Ärendet har diarienummer {dnr} och kom in {iso}.",
    "Taxan höjs med {decimal} procent från och med {date}.",
    "Budgeten för {year} uppgår till {amount}, en ökning med {decimal} procent.",
    "Mötet ajournerades kl. {clock} och återupptogs kl. {clock2}.",
    "Yttrandet ska ha kommit in senast den {day}.",
    "Under {year} kom {n} ansökningar in, jämfört med {n2} under {year2}.",
    "Se {chapter} kap. {section} och {section2} §§ {law} samt {dnr}.",
    "Kostnaden beräknas till {amount} för perioden {iso}–{iso2}.",
)
ITEMS = (
    "att anslå {amount} ur {year} års budget,",
    "att uppdra åt förvaltningen att återkomma senast {date},",
    "att avgiften sätts till {decimal} procent av prisbasbeloppet,",
    "att beslutet gäller från och med {iso}.",
    "att ärendet ({dnr}) anses besvarat.",
)
_DIGITS = re.compile(r"\d")


def _amount(rng: random.Random) -> str:
    n = rng.choice(
        (rng.randint(2, 99) * 100, rng.randint(1, 999) * 1000, rng.randint(1, 90) * 10**5)
    )
    unit = rng.choice(("kronor", "kr", "kronor", "kr per år"))
    return f"{n:,} {unit}".replace(",", " ")


def _date(rng: random.Random) -> tuple[int, int, int]:
    return rng.randint(1995, 2030), rng.randint(1, 12), rng.randint(1, 28)


def _values(rng: random.Random) -> dict[str, str]:
    (y, m, d), (y2, m2, d2) = _date(rng), _date(rng)
    return {
        "iso": f"{y}-{m:02d}-{d:02d}",
        "iso2": f"{y2}-{m2:02d}-{d2:02d}",
        "date": f"den {d} {MONTHS[m - 1]} {y}",
        "day": f"{d2} {MONTHS[m2 - 1]}",
        "year": str(y2),
        "year2": str(rng.randint(1990, 2030)),
        "amount": _amount(rng),
        "decimal": f"{rng.randint(0, 12)},{rng.randint(0, 9)}",
        "chapter": str(rng.randint(1, 16) if rng.random() < 0.3 else rng.randint(1, 9)),
        "section": str(rng.randint(1, 40)),
        "section2": str(rng.randint(1, 40)),
        "law": rng.choice(LAWS),
        "sfs": f"({rng.randint(1980, 2023)}:{rng.randint(1, 1400)})",
        "about": rng.choice(ABOUT),
        "body": rng.choice(BODIES),
        "purpose": rng.choice(PURPOSES),
        "clock": f"{rng.randint(8, 19)}.{rng.choice(('00', '15', '30', '45'))}",
        "clock2": f"{rng.randint(8, 19)}.{rng.choice(('00', '10', '30', '50'))}",
        "dnr": f"{rng.choice(DIARY)} {rng.randint(2015, 2024)}:{rng.randint(1, 999)}",
        "n": str(rng.randint(2, 40)),
        "n2": str(rng.randint(2, 400)),
    }


def _wrapped(paragraph: str) -> list[str]:
    return textwrap.wrap(paragraph, WIDTH, break_long_words=False, break_on_hyphens=False)


def _section(rng: random.Random, prose: Sequence[str]) -> list[str]:
    """``§ N Title``, a paragraph of number sentences and prose, maybe a numbered list."""
    lines = [f"§ {rng.randint(1, 180)} {rng.choice(TITLES)}"]
    sentences = [rng.choice(SENTENCES).format(**_values(rng)) for _ in range(rng.randint(3, 5))]
    sentences += rng.sample(prose, 2)
    rng.shuffle(sentences)
    lines += _wrapped(" ".join(sentences))
    if rng.random() < 0.6:
        lines += ["", f"{rng.choice(BODIES)} beslutar"]
        for number in range(1, rng.randint(3, 5)):
            lines += _wrapped(f"{number}. " + rng.choice(ITEMS).format(**_values(rng)))
    return [*lines, ""]


def number_text(seed: int, pages: int, prose: Sequence[str]) -> str:
    """About ``pages`` pages of invented council minutes (a little more, never less)."""
    rng = random.Random(seed)
    lines: list[str] = []
    while len(lines) < pages * LINES_PER_PAGE + 10:
        lines += _section(rng, prose)
    return "\n".join(lines)


def prose_sentences(path: Path) -> list[str]:
    """The digit-free sentences of a SweQUAD-MC split's contexts, in file order."""
    found: list[str] = []
    for context in contexts(path):
        for paragraph in context.split("\n"):
            sentences = re.split(r"(?<=[.!?])\s+", paragraph.strip())
            found += [s for s in sentences if len(s.split()) >= 4 and not _DIGITS.search(s)]
    return found


def prose_text(seed: int, pages: int, prose: Sequence[str]) -> str:
    """About ``pages`` pages of digit-free prose, paragraphs of 3–5 sentences."""
    rng = random.Random(seed)
    lines: list[str] = []
    while len(lines) < pages * LINES_PER_PAGE + 10:
        lines += [*_wrapped(" ".join(rng.sample(prose, rng.randint(3, 5)))), ""]
    return "\n".join(lines)
