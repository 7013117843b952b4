"""The documents' own structure: agenda items and documents, then sections inside them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.clean import LETTERHEAD, join_lines
from ingest.metadata import find_date, item_date
from ingest.records import Line

DNR = re.compile(
    r"\b(?P<prefix>[A-ZÅÄÖ]{1,6})(?:\s*/\s*|\s+)(?P<year>(?:19|20)\d\d)\s*(?P<sep>[:/])\s*"
    r"(?P<num>\d{1,6})\b"
)
DNR_HEADING = re.compile(r"\(\s*(?:dnr\s*)?" + DNR.pattern + r"\s*\)\s*$", re.IGNORECASE)
DNR_LINE = re.compile(r"^\s*(?:dnr|diarienummer|diarienr)\.?:?\s*", re.IGNORECASE)
# A protocol paragraph: "§ 12" alone, or at the end of a short header line
# ("27 november 2020 § 7"), not a reference inside a sentence.
PARAGRAPH = re.compile(r"^[^.§]{0,40}§\s*(\d{1,4})\s*$")
DOC_HEADER = re.compile(
    r"^\s*(?P<kind>TJÄNSTESKRIVELSE|TJÄNSTEUTLÅTANDE|SAMMANTRÄDESPROTOKOLL|PROTOKOLLSUTDRAG"
    r"|KALLELSE|YTTRANDE|BESLUT|MISSIV)\b"
)
AGENDA_NUMBER = re.compile(r"^\s*\d{1,3}[.)]\s+")
# A clause or item heading that starts with its paragraph: "§ 4 Föreningens åtaganden".
PARAGRAPH_TITLE = re.compile(r"^\s*§\s*\d{1,4}\s+[A-ZÅÄÖ][^.!?]{2,100}$")
TITLE_LINES = 5
"""Lines above a ``Dnr …`` line that may be the title and letterhead of its document."""

SECTION_NAMES = (
    "Förslag till beslut",
    "Beslut",
    "Sammanfattning",
    "Ärendet",
    "Bakgrund",
    "Beslutsunderlag",
    "Ärendebeskrivning",
    "Ärendets beredning",
    "Bedömning",
    "Förvaltningens bedömning",
    "Förvaltningens synpunkter",
    "Ekonomiska konsekvenser",
    "Konsekvenser för barn",
    "Konsekvensanalys",
    "Överläggning",
    "Yrkanden",
    "Yrkande",
    "Propositionsordning",
    "Styrelsens beslut",
    "Beslutet delges",
    "Expedieras till",
    "Reservationer",
    "Reservation",
    "Protokollsanteckning",
    "Bilagor",
    "Bilaga",
    "Handlingar",
    "Analys",
    "Syfte",
    "Inledning",
    "Uppföljning",
    "Finansiering",
    "Juridisk bedömning",
    "Tidplan",
    "Motivering",
    "Förslag",
    "Beredning",
    "Sammanfattning av ärendet",
    "Förslag till yttrande",
    "Yttrande",
    "Villkor",
    "Mottagare",
    "Hur man överklagar",
    "Överklagande",
)
_SECTION_KEYS = {name.casefold(): name for name in SECTION_NAMES}
NUMBERED_HEADING = re.compile(r"^\s*\d{1,2}(?:\.\d{1,2}){0,3}\.?\s+[A-ZÅÄÖ][^.!?]{2,70}$")


@dataclass(frozen=True, slots=True)
class Block:
    """Lines of one section of one item, with the item's heading and number."""

    item: int
    title: str | None
    heading_dnr: str | None
    doc_kind: str | None
    section: str | None
    lines: tuple[Line, ...]
    date: str | None = None
    """The item's date from its letterhead, which is not part of ``lines``."""


def normalise_dnr(text: str) -> str | None:
    """``SN 2021:00001`` and ``SN/2021:1`` → ``SN 2021:1``; None when there is no dnr."""
    match = DNR.search(text)
    if match is None:
        return None
    num = int(match["num"])
    return f"{match['prefix'].upper()} {match['year']}{match['sep']}{num}"


def section_name(text: str) -> str | None:
    """The section a heading line opens, or None for a line of running text."""
    stripped = " ".join(text.split()).rstrip(":").strip()
    if not stripped or len(stripped) > 80:
        return None
    known = _SECTION_KEYS.get(stripped.casefold())
    if known is not None:
        return known
    if NUMBERED_HEADING.match(stripped) and not DNR.search(stripped):
        return AGENDA_NUMBER.sub("", stripped) if "." not in stripped[:3] else stripped
    if PARAGRAPH_TITLE.match(stripped):
        return stripped
    return None


def dnr_line(text: str) -> str | None:
    """The dnr of a line that only gives one (``Dnr KFN 2021:34``, ``HBS 2020/33``)."""
    stripped = text.strip()
    if (DNR_LINE.match(stripped) and len(stripped) < 60) or _bare_dnr(stripped):
        return normalise_dnr(stripped)
    return None


def split_blocks(lines: Sequence[Line]) -> list[Block]:
    """Split cleaned lines into items (documents, agenda items) and their sections."""
    starts = _item_starts(lines)
    blocks: list[Block] = []
    for item, (start, end) in enumerate(zip(starts, [*starts[1:], len(lines)], strict=True)):
        item_lines = lines[start:end]
        title, dnr, kind = _describe_item(item_lines)
        heading = _heading_span(item_lines)
        body = [x for i, x in enumerate(item_lines) if i not in heading]
        blocks.extend(_sections(item, title, dnr, kind, body, item_date(item_lines)))
    return blocks


def _heading_span(lines: Sequence[Line]) -> range:
    """The lines of an item's dnr heading, or of the title block above its ``Dnr`` line: they
    name the item and are not its text."""
    for i, line in enumerate(lines[:25]):
        if DNR_HEADING.search(line.text) and len(line.text) < 160:
            return range(_heading_start(lines, i), i + 1)
    for i, line in enumerate(lines[:10]):
        if dnr_line(line.text) is not None:
            below = _title_below(lines, i)
            return range(_title_start(lines, i), below.stop if below else i + 1)
    return range(0)


def _title_below(lines: Sequence[Line], i: int) -> range | None:
    """The title under a ``Dnr`` line, as a tjänsteskrivelse has it: a short paragraph with
    no full stop, right before the first section heading (``Förslag till beslut``)."""
    j = i + 1
    while j < len(lines) and j - i <= 4 and not lines[j].text.strip():
        j += 1
    end = j
    while end < len(lines) and lines[end].text.strip() and end - j < 3:
        if section_name(lines[end].text) is not None:
            break
        end += 1
    text = join_lines([x.text for x in lines[j:end]])
    if end == j or len(text) > 200 or text.endswith(".") or _is_letterhead(text):
        return None
    after = end
    while after < len(lines) and not lines[after].text.strip():
        after += 1
    if after >= len(lines) or not _is_known(lines[after].text):
        return None
    return range(j, end)


def _item_starts(lines: Sequence[Line]) -> list[int]:
    """Where items begin: at dnr headings, ``§`` and document headers, and at a ``Dnr`` line
    that names another case than the item before it."""
    starts = [0]
    dnrs: list[str | None] = [None]
    for i, line in enumerate(lines):
        start: int | None = None
        dnr: str | None = None
        if DNR_HEADING.search(line.text) and len(line.text) < 160:
            start, dnr = _heading_start(lines, i), normalise_dnr(line.text)
        elif PARAGRAPH.match(line.text) or DOC_HEADER.match(line.text):
            start = _header_start(lines, i)
        elif (dnr := dnr_line(line.text)) is not None and dnr != dnrs[-1]:
            start = _title_start(lines, i)
        if start is None:
            continue
        if _same_item(lines, starts[-1], start):
            dnrs[-1] = dnrs[-1] if dnrs[-1] is not None else dnr
            continue
        starts.append(start)
        dnrs.append(dnr)
    return starts


def _title_start(lines: Sequence[Line], i: int) -> int:
    """Walk back from a ``Dnr`` line over the short lines of its document's title block
    (blank lines between them allowed: OCR puts them there)."""
    j, taken = i, 0
    while j > 0 and taken < TITLE_LINES and i - j < 2 * TITLE_LINES:
        prev = lines[j - 1].text.strip()
        if prev and (len(prev) > 120 or prev.endswith((".", ":", ";"))):
            break
        if prev.rstrip(":").casefold() in _SECTION_KEYS:
            break
        taken += bool(prev)
        j -= 1
    while j < i and not lines[j].text.strip():
        j += 1
    return j


def _same_item(lines: Sequence[Line], previous: int, start: int) -> bool:
    """A dnr heading right under a document header belongs to the same item."""
    if start <= previous:
        return True
    between = lines[previous:start]
    return len(between) <= 14 and not any(section_name(line.text) for line in between)


def _heading_start(lines: Sequence[Line], i: int) -> int:
    """Walk back over the lines of a heading that ends with a dnr (not into a letterhead
    line that gives the document's date)."""
    j = i
    while j > 0 and i - j < 3:
        prev = lines[j - 1].text.strip()
        if not prev or prev.endswith((".", ":", ";")) or section_name(prev):
            break
        if find_date(prev) is not None:
            break
        j -= 1
    return j


def _header_start(lines: Sequence[Line], i: int) -> int:
    """Include the short letterhead lines (municipality, committee, date) above a header."""
    j = i
    while j > 0 and i - j < 10:
        prev = lines[j - 1].text.strip()
        if len(prev) > 60 or prev.endswith((".", ";", ",")) or section_name(prev):
            break
        j -= 1
    while j < i and not lines[j].text.strip():
        j += 1
    return j


def _describe_item(lines: Sequence[Line]) -> tuple[str | None, str | None, str | None]:
    """The item's heading, its dnr and the kind of document its header names."""
    kind = next((m["kind"] for line in lines[:15] if (m := DOC_HEADER.match(line.text))), None)
    for i, line in enumerate(lines[:25]):
        if DNR_HEADING.search(line.text) and len(line.text) < 160:
            start = _heading_start(lines, i)
            heading = join_lines([x.text for x in lines[start : i + 1]])
            title = DNR_HEADING.sub("", heading).strip(" –-")
            return _clean_title(title), normalise_dnr(line.text), kind
    for i, line in enumerate(lines[:10]):
        if (found := dnr_line(line.text)) is not None:
            if (below := _title_below(lines, i)) is not None:
                title = join_lines([x.text for x in lines[below.start : below.stop]])
                return _clean_title(title), found, kind
            above = [x.text.strip() for x in lines[_title_start(lines, i) : i]]
            titles = [x for x in above if PARAGRAPH_TITLE.match(x)]
            titles += [x for x in above if x and not _is_letterhead(x)]
            if titles:
                return _clean_title(titles[0]), found, kind
            break
    dnr = next(
        (normalise_dnr(x.text) for x in lines[:25] if DNR_LINE.match(x.text) or _bare_dnr(x.text)),
        None,
    )
    return _first_paragraph_title(lines), dnr, kind


def _clean_title(title: str) -> str | None:
    title = AGENDA_NUMBER.sub("", title).strip()
    return title or None


def _first_paragraph_title(lines: Sequence[Line]) -> str | None:
    """For items without a dnr heading: the first paragraph after the header that is not
    letterhead (municipality, committee, date, ``TJÄNSTESKRIVELSE``, ``Dnr: …``)."""
    header_end = max(
        (
            i + 1
            for i, line in enumerate(lines[:15])
            if DOC_HEADER.match(line.text)
            or DNR_LINE.match(line.text)
            or PARAGRAPH.match(line.text)
        ),
        default=0,
    )
    paragraph: list[str] = []
    for line in lines[header_end : header_end + 30]:
        text = line.text.strip()
        if section_name(text):
            break
        if not text:
            if paragraph:
                break
            continue
        if _is_letterhead(text) and not (paragraph and text[:1].islower()):
            paragraph = []
            continue
        paragraph.append(text)
        if len(paragraph) == 3:
            break
    title = join_lines(paragraph)
    return _clean_title(title) if title and len(title) <= 200 else None


def _bare_dnr(text: str) -> bool:
    """A line that is nothing but a dnr: ``HBS 2020/33``."""
    return DNR.fullmatch(text.strip()) is not None


def _is_letterhead(text: str) -> bool:
    return bool(
        _bare_dnr(text)
        or DOC_HEADER.match(text)
        or PARAGRAPH.match(text)
        or DNR_LINE.match(text)
        or re.fullmatch(r"[\d\s\-–.:,()\[\]]+", text)
        or re.match(r"^\d{4}-\d{2}-\d{2}\b", text)
        or len(text.split()) == 1
        or text.isupper()
        or LETTERHEAD.search(text)
    )


def _sections(
    item: int,
    title: str | None,
    dnr: str | None,
    kind: str | None,
    lines: Sequence[Line],
    date: str | None,
) -> list[Block]:
    """Sections open at their heading lines; the heading names the section and is not text.
    A "heading" with no text of its own before the next heading or the end is a line of text
    (``1 Kommunfullmäktige antar budgeten för 2024`` in a numbered list of decisions)."""
    blocks: list[Block] = []
    current: list[Line] = []
    section: str | None = None
    for line, heads in zip(lines, _opens_section(lines), strict=True):
        name = section_name(line.text) if heads else None
        if name is not None:
            if any(x.text.strip() for x in current):
                blocks.append(Block(item, title, dnr, kind, section, tuple(current), date))
            section, current = name, []
        else:
            current.append(line)
    if any(x.text.strip() for x in current):
        blocks.append(Block(item, title, dnr, kind, section, tuple(current), date))
    return blocks


def _opens_section(lines: Sequence[Line]) -> list[bool]:
    """Which lines are headings that open a section with text of its own. A numbered or
    ``§`` heading followed by another heading (or by nothing) is a line of text, an item of a
    list; so is a known heading (``Beslut``) with no text before the next heading."""
    names = [section_name(line.text) for line in lines]
    heads = [name is not None for name in names]
    next_named, next_heads = True, True  # after the last line: nothing, as after a heading
    for i in range(len(lines) - 1, -1, -1):
        if not lines[i].text.strip():
            continue
        if names[i] is not None and not _is_known(lines[i].text):
            heads[i] = not next_named
        elif names[i] is not None:
            heads[i] = not next_heads
        next_named, next_heads = names[i] is not None, heads[i]
    return heads


def _is_known(text: str) -> bool:
    return " ".join(text.split()).rstrip(":").strip().casefold() in _SECTION_KEYS
