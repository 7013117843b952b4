"""Character and line clean-up: NFC, NBSP, soft hyphens, hyphenation, headers and footers."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

from ingest.records import Line

NBSP_LIKE = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2009\u200a"), " ")
ZERO_WIDTH = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\ufeff"), None)
UNMARKED = str.maketrans("åäöé", "aaoe")
"""Swedish letters without their marks, as web addresses write them (``norrtalje.se``) and as
an English OCR model reads them."""

# Words after a hyphen that show it is a Swedish compound ellipsis ("hälso- och sjukvård").
KEEP_HYPHEN_BEFORE = frozenset(
    {"och", "eller", "samt", "respektive", "resp", "till", "som", "men", "utan", "&"}
)

PAGE_NUMBER = re.compile(
    r"""^(?:
        (?:sida|sid\.?|s\.)\s*\d+(?:\s*(?:av|/|\()\s*\d+\)?)?   # Sida 9 av 295
      | \d{1,4}\s*[\[(]\s*\d{1,4}\s*[\])]                      # 3(5), 1 [3]
      | \d{1,4}\s*(?:/|av)\s*\d{1,4}                           # 3/5, 3 av 5
      | -\s*\d{1,4}\s*-                                        # - 4 -
      | \d{1,3}                                                # a bare page number
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# A running header that ends in its page counter: "TJÄNSTESKRIVELSE  Dnr X  1 [3]".
TRAILING_COUNTER = re.compile(r"\S.*\s\d{1,4}\s*[\[(]\d{1,4}[\])]\s*$")
URL_ONLY = re.compile(r"^\s*\d{0,3}\s*(?:https?://|www\.)\S+\s*$", re.IGNORECASE)
LETTERHEAD = re.compile(
    r"\b(?:Sammanträdesdatum|Utdragsbestyrkande|Justerandes sign|Postadress|Besöksadress"
    r"|Telefon|Tel\.|Växel|E-post|Org\.?\s?nr|Organisationsnummer|Bankgiro|Plusgiro"
    r"|Besök|Kontaktcenter|Webb)\b",
    re.IGNORECASE,
)


def clean_chars(text: str) -> str:
    """NFC, non-breaking spaces to spaces, soft hyphens and zero-width characters removed."""
    text = unicodedata.normalize("NFC", text)
    return text.translate(NBSP_LIKE).translate(ZERO_WIDTH)


def is_page_furniture(text: str) -> bool:
    """A line that is only a page number, a page counter or a URL footnote."""
    stripped = text.strip()
    if not stripped:
        return False
    return bool(
        PAGE_NUMBER.match(stripped)
        or TRAILING_COUNTER.match(stripped)
        or URL_ONLY.match(stripped)
        or len(LETTERHEAD.findall(stripped)) >= 2
    )


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split())).casefold()


def running_lines(lines: Sequence[Line], min_repeats: int = 3) -> frozenset[str]:
    """Shapes of letterhead lines (addresses, protocol headers) that repeat through a file."""
    counts = Counter(_shape(line.text) for line in lines if line.text.strip())
    return frozenset(
        shape
        for shape, n in counts.items()
        if n >= min_repeats and len(shape) <= 100 and LETTERHEAD.search(shape)
    )


def page_edge_lines(pages: Sequence[Sequence[Line]], edge: int = 3) -> frozenset[str]:
    """Shapes of lines at the top or bottom of at least half of the pages (running headers)."""
    if len(pages) < 3:
        return frozenset()
    counts: Counter[str] = Counter()
    for page in pages:
        texts = [line.text for line in page if line.text.strip()]
        counts.update({_shape(t) for t in texts[:edge] + texts[-edge:]})
    return frozenset(s for s, n in counts.items() if n >= max(3, len(pages) // 2))


def strip_furniture(lines: Sequence[Line], extra: frozenset[str] = frozenset()) -> list[Line]:
    """Blank out headers, footers and page numbers; the raw text stays on the line."""
    repeated = running_lines(lines) | extra
    out = []
    for line in lines:
        if is_page_furniture(line.text) or _shape(line.text) in repeated:
            line = Line(text="", raw=line.raw, page=line.page, number=line.number)
        out.append(line)
    return out


LIST_ITEM = re.compile(r"^(?:\d{1,2}[.)]|[a-zA-Z][.)]|[•▪●*–-])\s")
SENTENCE_END = (".", "!", "?", ":", ";")


def join_lines(texts: Sequence[str], structured: bool = False) -> str:
    """Join lines into running text, mending hyphenation at line ends.

    ``av-`` + ``tal`` becomes ``avtal``; ``hälso-`` + ``och sjukvård`` keeps its hyphen;
    ``2021-`` + ``2022`` becomes ``2021-2022``. With ``structured``, a paragraph break, a
    list item or the line after a heading starts a new line of the result, so that headings
    and list items do not run into the sentences around them.
    """
    width = max((len(t.strip()) for t in texts), default=0)
    out = ""
    previous = ""
    block_start = True
    for text in texts:
        piece = " ".join(text.split())
        if not piece:
            block_start = True
            continue
        first = piece.split(" ", 1)[0]
        if not out:
            out = piece
        elif is_broken_word(out, first):
            out = out[:-1] + piece
        elif out.endswith("-") and out[-2:-1].isdigit() and first[0].isdigit():
            out += piece
        elif structured and (block_start or _opens_line(previous, piece, out, width)):
            out = f"{out}\n{piece}"
        else:
            out = f"{out} {piece}"
        block_start = False
        previous = piece
    return out


def _opens_line(previous: str, piece: str, out: str, width: int) -> bool:
    """A list item, or a line after a heading: the unfinished text since the last line or
    sentence start is a few words without punctuation, and its last line is short."""
    if LIST_ITEM.match(piece):
        return True
    if not (piece[0].isupper() or piece[0].isdigit()):
        return False
    if previous.endswith(":"):
        return True
    tail = re.split(r"\n|(?<=[.!?;:])\s", out)[-1]
    return (
        len(tail.split()) <= 14
        and not tail.endswith((*SENTENCE_END, ",", "-", "–"))
        and (tail[:1].isupper() or tail[:1].isdigit())
        and len(previous) < 0.6 * width
    )


def is_broken_word(left: str, next_word: str) -> bool:
    if not left.endswith("-") or len(left) < 2 or not left[-2].isalpha():
        return False
    word = next_word.rstrip(".,;:!?)")
    if not word or not word[0].islower():
        return False
    return word.casefold() not in KEEP_HYPHEN_BEFORE
