"""Fuzzing the normaliser and the splitter with Swedish-heavy text (hypothesis): they never
raise, and they lose no text."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ingest.chunk import chunk_lines
from ingest.clean import clean_chars
from ingest.normalise import normalise_text
from ingest.records import Line
from ingest.structure import TITLE_LINES, _is_letterhead, normalise_dnr, split_blocks

LETTERS = "abcdefghijklmnopqrstuvwxyzåäöéABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖÉ"
SWEDISH = st.text(
    alphabet=st.sampled_from(
        [*LETTERS, *"0123456789", *"§.,:;!?()–-/", " ", " ", "\n", "\u00ad", "\u00a0", "\u030a"]
    ),
    max_size=600,
)
WORDS = [
    "Kommunfullmäktige",
    "beslutar",
    "att",
    "socialnämnden",
    "hälso-",
    "och",
    "sjukvård",
    "avtal",
    "av-",
    "tal",
    "färdtjänst",
    "Äldrenämnden",
    "§",
    "12",
    "2019-10-22",
    "7 900",
    "kronor",
    "Beslut",
    "Sammanfattning",
    "SN 2019:471",
    "över-\u00adenskommelse",
    "idé",
    "ÅÄÖ",
]
"""Real words (and a few headings, a dnr, hyphenated halves) so that the text reads as clean
Swedish: the OCR repair, which rewrites damaged words, then leaves it alone."""
CLEAN_SWEDISH = st.lists(
    st.tuples(st.sampled_from(WORDS), st.sampled_from([" ", " ", "\n", "\n\n", ". ", ", "])),
    max_size=150,
).map(lambda pairs: "".join(w + sep for w, sep in pairs))
DECISIONS = (
    "Beslut\n1 Kommunfullmäktige antar budgeten för 2024\n"
    "2 Skattesatsen fastställs till 19,5 kronor\n\n"
    "Ärendet\nFörvaltningen har tagit fram ett förslag."
)
"""A numbered list of decisions without full stops: each line looks like a numbered heading."""
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def letters(text: str) -> str:
    """The letters and digits of ``text`` in order: what no clean-up may lose."""
    return "".join(c for c in clean_chars(text) if c.isalnum())


def lines_of(text: str) -> list[Line]:
    """Text-file lines as ``ingest.read.read_text`` makes them."""
    return [
        Line(text=clean_chars(raw), raw=raw, page=None, number=n)
        for n, raw in enumerate(text.split("\n"), 1)
    ]


@FUZZ
@given(SWEDISH)
@example("Kommun-\nfullmäktige beslutar om hälso- och sjukvård\u00a0och över\u00adenskommelsen.")
@example("a\u030a\n-\n-\n§")
def test_the_normaliser_never_raises_and_keeps_the_lines(text: str) -> None:
    out = normalise_text(text)
    assert out.count("\n") == text.count("\n")  # line numbers are the citations' lines
    assert unicodedata.is_normalized("NFC", out)
    assert "\u00ad" not in out and "\u00a0" not in out


@FUZZ
@given(CLEAN_SWEDISH)
@example("Kommun-\nfullmäktige beslutar om av-\ntal och hälso- och sjukvård.")
def test_the_normaliser_loses_no_letter_of_clean_text(text: str) -> None:
    assert letters(normalise_text(text)) == letters(text)


@FUZZ
@given(st.one_of(SWEDISH, CLEAN_SWEDISH))
def test_chunking_puts_every_line_in_one_passage(text: str) -> None:
    lines = lines_of(text)
    chunks = chunk_lines(lines)
    placed = [line for chunk in chunks for line in chunk.lines]
    assert len(set(map(id, placed))) == len(placed)  # no line twice
    numbers = [line.number or 0 for line in placed]
    assert numbers == sorted(numbers)  # in reading order
    missing = [x for x in lines if x.text.strip() and all(x is not y for y in placed)]
    assert missing == []
    raw = "\n".join(chunk.raw_text for chunk in chunks)
    for word in " ".join(x.raw for x in lines if x.text.strip()).split():
        assert word in raw


@FUZZ
@given(st.one_of(SWEDISH, CLEAN_SWEDISH))
@example("Protokoll\nDnr SN 2019:471\n\nBeslut\nSocialnämnden beslutar.\n§ 12\nÖvrigt")
@example("0 A0a")  # found by hypothesis: a numbered "heading" with nothing after it vanished
@example(DECISIONS)
def test_splitting_accounts_for_every_word(text: str) -> None:
    lines = lines_of(text)
    blocks = split_blocks(lines)
    placed = [line for block in blocks for line in block.lines]
    assert len(set(map(id, placed))) == len(placed)
    numbers = [line.number or 0 for line in placed]
    assert numbers == sorted(numbers)
    # A line not in a block named its item (title, dnr, kind) or its section, is letterhead, or
    # stands in the heading block above a dnr (``_heading_span``: the lines that name an item
    # are not its text; an item that is nothing but its heading has no passage to carry it).
    names = " ".join(
        " ".join(x for x in (b.title, b.heading_dnr, b.doc_kind, b.section) if x) for b in blocks
    )
    named = letters(names).casefold()
    for i, line in enumerate(lines):
        if not line.text.strip() or any(line is y for y in placed):
            continue
        if _is_letterhead(line.text.strip()) or any(
            normalise_dnr(x.text) for x in lines[i : i + TITLE_LINES + 6]
        ):
            continue
        for word in re.findall(r"\w+", line.text):
            assert letters(word).casefold() in named or _is_heading_noise(word), (line.text, names)
    for block in blocks:  # and the passages of every block hold all of its words
        raw = "\n".join(c.raw_text for c in chunk_lines(block.lines))
        for word in " ".join(x.raw for x in block.lines if x.text.strip()).split():
            assert word in raw


def _is_heading_noise(word: str) -> bool:
    """Words a heading line carries that are not its name: ``Dnr``, ``§`` numbers."""
    return word.casefold() in {"dnr", "diarienummer"} or word.isdigit()


def test_a_numbered_list_of_decisions_is_text_of_its_section() -> None:
    blocks = split_blocks(lines_of(DECISIONS))
    assert [(b.section, [x.text for x in b.lines if x.text]) for b in blocks] == [
        (
            "Beslut",
            [
                "1 Kommunfullmäktige antar budgeten för 2024",
                "2 Skattesatsen fastställs till 19,5 kronor",
            ],
        ),
        ("Ärendet", ["Förvaltningen har tagit fram ett förslag."]),
    ]
