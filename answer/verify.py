"""Checking a language model's answer, sentence by sentence, against the passages it cites.

A sentence is kept only when it cites passages it was given (``[n]``, n in 1..len) and those
passages, taken together with their metadata, hold

- every number of the sentence (digits, dates such as 2020-01-01, amounts such as ``7 800``,
  decimals such as ``1,3``; spaces and non-breaking spaces inside a number do not count, and
  ``31 december 2024`` matches ``2024-12-31``), and
- at least ``SUPPORT`` (60 %) of its content words, compared as Swedish stems, a part of a
  compound counting (``avtal`` in ``ramavtal``). A model may paraphrase the connecting words;
  a sentence with less than that of its words in the source says something the source does
  not. Numbers must all be there: a wrong amount or date is the error that matters most.

Sentences of a passage that read as instructions to a language model ("ignorera tidigare
instruktioner …") are no evidence for anything: they are text someone planted, not what the
document decides. This is a pattern, not a guarantee; the prompt tells the model the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from answer.evidence import MONTHS, matches, stems
from answer.sentences import ABBREVIATIONS, split_sentences
from index.lexical import tokens
from index.records import Hit
from prompts import DECLINE

SUPPORT = 0.6
MAX_SPANS = 3
"""Passage sentences at most that a citation quotes for one sentence of the model."""

MARKER = re.compile(r"\[\s*(?:passage|källa)?\s*(\d+(?:\s*(?:,|;|–|-|och)\s*\d+)*)\s*\]", re.I)
BREAK = re.compile(
    r"(?<=[.!?])((?:\s*\[[^\]\n]{1,20}\])*)\s+(?=[\"”»(]?[A-ZÅÄÖ0-9])"
    r"|(?<=\])()\s+(?=[A-ZÅÄÖ])"
)
BULLET = re.compile(r"^\s*(?:[-*•–]|\d{1,2}[.)])\s+")
NUMBER = re.compile(
    r"(?<![\d,.])(?:\d{4}-\d{2}-\d{2}|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?)"
    r"(?![\d])"
)
WRITTEN_DATE = re.compile(rf"\b(\d{{1,2}})\s+({'|'.join(MONTHS)})\s+((?:19|20)\d\d)\b", re.I)
MONTH_YEAR = re.compile(rf"(?<!\d )\b({'|'.join(MONTHS)})\s+((?:19|20)\d\d)\b", re.I)
"""A month and year with no day before it (``november 2020``)."""
INSTRUCTION = re.compile(
    r"\b(?:ignorera|bortse från|strunta i|glöm)\b[^.!?\n]{0,40}"
    r"\b(?:instruktion\w*|anvisning\w*|uppmaning\w*|regl\w*|prompt\w*)"
    r"|\b(?:ignore|disregard|forget)\b[^.!?\n]{0,40}\b(?:instructions?|prompts?|rules)\b"
    r"|\b(?:systemprompt\w*|system prompt)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Span:
    """Characters ``start:end`` of passage ``passage`` (1-based, as the model saw it)."""

    passage: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Kept:
    """A sentence of the model's, without its markers, and the passage text supporting it."""

    text: str
    spans: tuple[Span, ...]

    @property
    def cites(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(s.passage for s in self.spans))


@dataclass(frozen=True, slots=True)
class Dropped:
    text: str
    reason: str
    """Why, in Swedish."""


@dataclass(frozen=True, slots=True)
class Verified:
    kept: tuple[Kept, ...]
    dropped: tuple[Dropped, ...]
    declined: bool
    """The model said that the passages do not answer (``prompts.DECLINE``)."""


@dataclass(frozen=True, slots=True)
class Claim:
    """A sentence of the model's: its text without markers, the passages it cites, and
    what must be found in them."""

    text: str
    cites: tuple[int, ...]
    words: frozenset[str]
    numbers: dict[str, str]
    """Normalised number → as written."""


@dataclass(frozen=True, slots=True)
class Unit:
    """A sentence of a passage with its stems and numbers."""

    passage: int
    start: int
    end: int
    stems: frozenset[str]
    numbers: frozenset[str]
    instruction: bool
    names: frozenset[str] = frozenset()
    """Its words, casefolded, for checking the names a claim gives."""


def verify(text: str, passages: Sequence[Hit]) -> Verified:
    """Keep the sentences of ``text`` that the passages they cite support; drop the rest."""
    units = {n: _units(n, hit) for n, hit in enumerate(passages, 1)}
    meta = {n: _metadata(hit) for n, hit in enumerate(passages, 1)}
    kept: list[Kept] = []
    dropped: list[Dropped] = []
    declined = False
    for claim in claims(text):
        if _words(claim.text) == _words(DECLINE):
            declined = True
            continue
        reason = _unsupported(claim, units, meta)
        spans = _spans(claim, units) if reason is None else ()
        if spans:
            kept.append(Kept(claim.text, spans))
        else:
            dropped.append(Dropped(claim.text, reason or "Den citerade passagen är tom."))
    return Verified(tuple(kept), tuple(dropped), declined)


def claims(text: str) -> Iterator[Claim]:
    """The model's sentences with the markers that end them; list items are sentences."""
    for line in _logical_lines(text):
        start = 0
        for m in BREAK.finditer(line):
            end = m.end(1) if m.group(1) is not None else m.end(2)
            if _abbreviated(line[start:end]):
                continue
            yield from _claim(line[start:end])
            start = m.end()
        yield from _claim(line[start:])


def _logical_lines(text: str) -> list[str]:
    """Lines without their bullets; a line that a model wrapped mid-sentence is joined to
    the next one, unless that one opens a list item."""
    out: list[str] = []
    joins = False
    for line in text.splitlines():
        bullet = BULLET.match(line) is not None
        line = BULLET.sub("", line).strip()
        if not line:
            joins = False
            continue
        if joins and not bullet:
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
        joins = not out[-1].endswith((".", "!", "?", ":", "]"))
    return out


def _abbreviated(piece: str) -> bool:
    last = MARKER.sub("", piece).rstrip().rsplit(" ", 1)[-1].casefold().rstrip(".")
    return last in ABBREVIATIONS


def _claim(piece: str) -> Iterator[Claim]:
    cites = tuple(n for m in MARKER.finditer(piece) for n in _numbers_in_marker(m.group(1)))
    body = " ".join(MARKER.sub(" ", piece).split())
    body = re.sub(r"\s+([.,;:!?])", r"\1", body)
    if not re.search(r"\w", body):
        return
    words = frozenset(t for t in tokens(body) if not any(c.isdigit() for c in t))
    numbers = {_normalise(m.group(0)): m.group(0) for m in NUMBER.finditer(body)}
    numbers.update((date, m.group(0)) for date, m in _dates(body))
    yield Claim(body, tuple(dict.fromkeys(cites)), words, numbers)


def _dates(text: str) -> Iterator[tuple[str, re.Match[str]]]:
    """Written dates as a whole: ``1 november 2020`` → ``2020-11-01``; ``november 2020`` →
    ``2020-11``, so a changed year or month is not hidden by the same number elsewhere."""
    for m in WRITTEN_DATE.finditer(text):
        month = MONTHS.index(m.group(2).casefold()) + 1
        yield f"{m.group(3)}-{month:02d}-{int(m.group(1)):02d}", m
    for m in MONTH_YEAR.finditer(text):
        yield f"{m.group(2)}-{MONTHS.index(m.group(1).casefold()) + 1:02d}", m


def _numbers_in_marker(inside: str) -> list[int]:
    """``1, 3`` → 1, 3; ``2–4`` → 2, 3, 4."""
    out: list[int] = []
    for part in re.split(r"\s*(?:,|;|och)\s*", inside):
        ends = [int(x) for x in re.split(r"\s*[–-]\s*", part) if x.strip()]
        if len(ends) == 2 and 0 < ends[1] - ends[0] < 20:
            out.extend(range(ends[0], ends[1] + 1))
        else:
            out.extend(ends)
    return out


def _normalise(number: str) -> str:
    """``7 800`` → ``7800``, ``1.3`` → ``1,3``, ``08`` → ``8``; dates stay as they are."""
    compact = re.sub(r"[ \u00a0\u202f]", "", number)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", compact):
        return compact
    whole, _, fraction = compact.replace(".", ",").partition(",")
    whole = whole.lstrip("0") or "0"
    return f"{whole},{fraction}" if fraction else whole


def numbers(text: str) -> frozenset[str]:
    """The numbers of source text, with dates in both forms: ``31 december 2024`` also gives
    ``2024-12-31``, and ``2024-12-31`` also gives ``2024`` and ``31``."""
    found = {_normalise(m.group(0)) for m in NUMBER.finditer(text)}
    found.update(date for date, _ in _dates(text))
    for date in [n for n in found if n.count("-") == 2]:
        year, month, day = date.split("-")
        # a month is written as a name, never as "02"
        found.update((year, _normalise(day), f"{year}-{month}"))
    return frozenset(found)


def _units(n: int, hit: Hit) -> list[Unit]:
    return [
        Unit(
            n,
            s.start,
            s.end,
            frozenset(stems(s.text)),
            numbers(s.text),
            bool(INSTRUCTION.search(s.text)),
            frozenset(_words(s.text)),
        )
        for s in split_sentences(hit.text)
    ]


def _metadata(hit: Hit) -> Unit:
    """The passage's metadata, which the model saw beside it, as one more source of words."""
    text = " ".join(v for v in (hit.title, hit.dnr, hit.date, hit.committee, hit.section) if v)
    return Unit(0, 0, 0, frozenset(stems(text)), numbers(text), False, frozenset(_words(text)))


def _unsupported(claim: Claim, units: dict[int, list[Unit]], meta: dict[int, Unit]) -> str | None:
    """Why the sentence is not supported by the passages it cites; None when it is."""
    if not claim.cites:
        return "Meningen saknar källhänvisning."
    if unknown := [n for n in claim.cites if n not in units]:
        return f"Meningen hänvisar till [{unknown[0]}], men det finns bara {len(units)} passager."
    if not claim.words and not claim.numbers:
        return "Meningen säger inget som går att belägga."
    cited = [meta[n] for n in claim.cites] + [u for n in claim.cites for u in units[n]]
    gap = _gap(claim, [u for u in cited if not u.instruction])
    if gap is not None and _gap(claim, cited) is None:
        return (
            f"Meningen stöds bara av text i {_refs(claim.cites)} som ser ut som en instruktion "
            "till språkmodellen, inte av handlingens innehåll."
        )
    return gap


def _gap(claim: Claim, evidence: Sequence[Unit]) -> str | None:
    """Most of the claim's words in the cited passages; its numbers in the very sentences
    that carry those words (or in the metadata); its names as written."""
    carrying = [u for u in _by_words(claim, evidence)] + [u for u in evidence if u.passage == 0]
    have_numbers = frozenset[str]().union(*(u.numbers for u in carrying))
    missing = [written for n, written in claim.numbers.items() if n not in have_numbers]
    if missing:
        which = "Talet" if len(missing) == 1 else "Talen"
        return f"{which} {', '.join(missing)} står inte i {_refs(claim.cites)}."
    have_names = frozenset[str]().union(*(u.names for u in evidence))
    if unknown := [name for name in _names(claim.text) if not set(_words(name)) <= have_names]:
        return f"{', '.join(unknown)} står inte i {_refs(claim.cites)}."
    have_stems = frozenset[str]().union(*(u.stems for u in evidence))
    share = _share(claim.words, have_stems)
    if share < SUPPORT:
        return (
            f"Bara {round(100 * share)} % av meningens innehållsord finns i "
            f"{_refs(claim.cites)} (minst {round(100 * SUPPORT)} % krävs)."
        )
    return None


def _by_words(claim: Claim, evidence: Sequence[Unit]) -> list[Unit]:
    """The passage sentences that hold the claim's words: greedily, the one that holds most
    of those still unaccounted for, up to ``MAX_SPANS`` (a number found only in some other
    sentence of the passage is another fact's number)."""
    pool = [u for u in evidence if u.passage != 0]
    need = set(claim.words)
    picked: list[Unit] = []
    while need and pool and len(picked) < MAX_SPANS:
        best = max(pool, key=lambda u: sum(1 for w in need if matches(w, set(u.stems))))
        covered = {w for w in need if matches(w, set(best.stems))}
        if not covered:
            break
        need -= covered
        picked.append(best)
        pool.remove(best)
    return picked or pool


BODY = re.compile(r"(nämnd|nämnden|styrelse|styrelsen|fullmäktige|förbundet|region|kommun)$", re.I)


def _names(text: str) -> list[str]:
    """The names a sentence gives: capitalised words past its first, and a council body
    (``Äldrenämnden``) anywhere. A model may rephrase, but not rename."""
    words = [w.strip("\"'”“»«()[],.;:!?") for w in text.split()]
    return [
        w
        for i, w in enumerate(words)
        if (w[:1].isupper() and (i > 0 or BODY.search(w)) and not w.isupper())
        or (w[:1].isupper() and w.isupper() and len(w) > 1 and i > 0)
    ]


def _share(words: frozenset[str], have: frozenset[str]) -> float:
    have_set = set(have)
    return sum(1 for w in words if matches(w, have_set)) / len(words) if words else 1.0


def _refs(cites: Sequence[int]) -> str:
    marks = ", ".join(f"[{n}]" for n in cites)
    return f"källa {marks}" if len(cites) == 1 else f"källorna {marks}"


def _spans(claim: Claim, units: dict[int, list[Unit]]) -> tuple[Span, ...]:
    """The passage sentences that best support the claim: greedily, the one that holds most
    of its words and numbers still unaccounted for, up to ``MAX_SPANS``; one span a passage."""
    pool = [u for n in claim.cites for u in units[n] if not u.instruction]
    need = {("w", w) for w in claim.words} | {("n", n) for n in claim.numbers}
    picked: list[Unit] = []
    while need and pool and len(picked) < MAX_SPANS:
        best = max(pool, key=lambda u: len(_covers(u, need)))
        if not _covers(best, need):
            break
        need -= _covers(best, need)
        picked.append(best)
        pool.remove(best)
    if not picked:  # supported by the metadata alone: the passage as a whole
        first = claim.cites[0]
        whole = units[first]
        return (Span(first, whole[0].start, whole[-1].end),) if whole else ()
    return tuple(
        Span(n, min(u.start for u in mine), max(u.end for u in mine))
        for n in claim.cites
        if (mine := [u for u in picked if u.passage == n])
    )


def _covers(unit: Unit, need: set[tuple[str, str]]) -> set[tuple[str, str]]:
    have = set(unit.stems)
    return {
        (kind, item)
        for kind, item in need
        if (item in unit.numbers if kind == "n" else matches(item, have))
    }


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())
