"""The report of ``bench.number_rules``: a Markdown table of the number rules, what the engines
read where the rules' targets stand, and two TSV files with the details."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rapidfuzz.distance import Levenshtein

from bench.engines import DEGRADATIONS, FONTS

if TYPE_CHECKING:
    from bench.number_rules import Aligned, Tally

Target = Callable[[str, str, str], bool]
"""(printed unit before, printed unit, printed unit after) → whether it is the target."""

_MONTHS = frozenset(
    "januari februari mars april maj juni juli augusti september oktober november december".split()
)
TARGETS: dict[str, Target] = {
    "chapter number before kap.": lambda _, p, n: p.strip("(").isdigit() and n.startswith("kap"),
    "section and § before )": lambda _, p, n: "§)" in p,
    "law number with a footnote ¹": lambda _, p, n: "¹" in p,
    "ISO date": lambda _, p, n: bool(re.fullmatch(r"\d{4}-\d\d-\d\d[.,]?", p)),
    "time after kl.": lambda b, p, n: b == "kl.",
    "decimal": lambda _, p, n: bool(re.fullmatch(r"\d+,\d", p)),
    "list number 1.–4.": lambda _, p, n: bool(re.fullmatch(r"[1-4]\.", p)),
    "§ alone": lambda _, p, n: p == "§",
    "day before a month": lambda _, p, n: p.isdigit() and n.rstrip(".,") in _MONTHS,
}
_SIGN_SPACE = re.compile(r"\s*§\s*")
SHOWN = 8
"""Most frequent misreadings shown per target and engine."""


def distance(printed: str, read: str) -> int:
    """Characters apart, once a footnote's ``¹`` (no text) is dropped and spaces around ``§``
    ignored."""
    return int(
        Levenshtein.distance(
            _SIGN_SPACE.sub("§", printed.replace("¹", "")), _SIGN_SPACE.sub("§", read)
        )
    )


def same(printed: str, read: str) -> bool:
    return distance(printed, read) == 0


def numeric(printed: str) -> bool:
    return any(c.isdigit() or c == "§" for c in printed)


def _better(tally: Tally, style: str | None = None) -> int:
    if style is None:
        return sum(tally.right.values()) + sum(tally.nearer.values())
    return tally.right[style] + tally.nearer[style]


def verdict(tally: Tally) -> str:
    better, worse = _better(tally), sum(tally.worse.values())
    if tally.fires == 0:
        return "never fires"
    if better and not worse:
        found = "helps"
    elif worse and not better:
        found = "harms"
    else:
        found = "mixed" if better else "no effect"
    return found + (", fires on prose" if tally.prose_fires else "")


def _engine_of(style: str) -> str:
    return style.split("/", 1)[0]


def _styles_helped(tally: Tally) -> str:
    styles = set(tally.right) | set(tally.nearer)
    helped = [s for s in sorted(styles) if _better(tally, s) > tally.worse[s]]
    if not helped:
        return ""
    engines = Counter(map(_engine_of, helped))
    return f"{len(helped)} ({', '.join(f'{e} {n}' for e, n in sorted(engines.items()))})"


def rule_table(tallies: dict[str, Tally]) -> Iterator[str]:
    yield (
        "| rule | shape seen | fires | on prose | made right | nearer | made worse | helped in "
        "| verdict |"
    )
    yield "|---|---:|---:|---:|---:|---:|---:|---|---|"
    for name, t in tallies.items():
        counts = (sum(t.right.values()), sum(t.nearer.values()), sum(t.worse.values()))
        cells = (f"`{name}`", t.shape, t.fires, t.prose_fires, *counts, _styles_helped(t))
        yield "| " + " | ".join(map(str, cells)) + f" | {verdict(t)} |"


def change_list(tallies: dict[str, Tally]) -> Iterator[str]:
    """The commonest tokens each rule made better and worse."""
    for name, t in tallies.items():
        for label, changes in (("better", t.helps), ("worse", t.harms)):
            if changes:
                shown = ", ".join(f"`{c}` ×{n}" for c, n in changes.most_common(SHOWN))
                yield f"- `{name}`, {label}: {shown}"


def engine_table(tallies: dict[str, Tally], engines: Sequence[str]) -> Iterator[str]:
    """Made better / made worse per engine, for the rules that change anything."""
    yield "| rule | " + " | ".join(engines) + " |"
    yield "|---|" + "---:|" * len(engines)
    for name, t in tallies.items():
        if t.fires:
            cells = []
            for engine in engines:
                better = sum(
                    _better(t, s) for s in set(t.right) | set(t.nearer) if _engine_of(s) == engine
                )
                worse = sum(n for s, n in t.worse.items() if _engine_of(s) == engine)
                cells.append(f"+{better} / −{worse}")
            yield f"| `{name}` | " + " | ".join(cells) + " |"


def target_readings(pages: Sequence[Aligned], engines: Sequence[str]) -> Iterator[str]:
    """How often each engine misread each target, and its commonest misreadings."""
    seen: dict[tuple[str, str], int] = Counter()
    misread: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for page in pages:
        for unit in page.units:
            read = " ".join(page.words[unit.first : unit.end])
            for name, is_target in TARGETS.items():
                if is_target(unit.before, unit.printed, unit.after):
                    key = (name, page.reading.engine)
                    seen[key] += 1
                    if not same(unit.printed, read):
                        misread[key][f"{unit.printed} → {read}"] += 1
    yield "| target | engine | seen | misread | commonest misreadings |"
    yield "|---|---|---:|---:|---|"
    for name in TARGETS:
        for engine in engines:
            wrong = misread[name, engine]
            shown = ", ".join(f"`{pair}` ×{n}" for pair, n in wrong.most_common(SHOWN))
            row = (name, engine, seen[name, engine], sum(wrong.values()), shown)
            yield "| " + " | ".join(map(str, row)) + " |"


def numeric_accuracy(pages: Sequence[Aligned], engines: Sequence[str]) -> Iterator[str]:
    """Share of numeric printed units read right, as read and after ``repair_numbers``."""
    yield "| engine | numeric tokens | right as read | right after repair_numbers |"
    yield "|---|---:|---:|---:|"
    for engine in engines:
        total = raw = fixed = 0
        for page in (p for p in pages if p.reading.engine == engine):
            for unit in page.units:
                if numeric(unit.printed):
                    total += 1
                    raw += same(unit.printed, " ".join(page.words[unit.first : unit.end]))
                    fixed += same(unit.printed, " ".join(page.repaired[unit.first : unit.end]))
        yield f"| {engine} | {total} | {_share(raw, total)} | {_share(fixed, total)} |"


def _share(part: int, total: int) -> str:
    return f"{part / total:.3f}" if total else "–"


def write_tsvs(out: Path, pages: Sequence[Aligned], tallies: dict[str, Tally]) -> None:
    rows = ["style\tprinted\tread\trepaired"]
    for page in pages:
        for unit in page.units:
            if numeric(unit.printed):
                read = " ".join(page.words[unit.first : unit.end])
                fixed = " ".join(page.repaired[unit.first : unit.end])
                rows.append(f"{page.reading.style}\t{unit.printed}\t{read}\t{fixed}")
    (out / "number_readings.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    rows = ["rule\tstyle\tmade_right\tnearer\tmade_worse"]
    for name, t in tallies.items():
        for style in sorted(set(t.right) | set(t.nearer) | set(t.worse)):
            counts = (t.right[style], t.nearer[style], t.worse[style])
            if any(counts):
                rows.append("\t".join((name, style, *map(str, counts))))
    (out / "number_rules_by_style.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def report(pages: Sequence[Aligned], tallies: dict[str, Tally], skipped: Sequence[str]) -> str:
    engines = sorted({page.reading.engine for page in pages})
    styles = {page.reading.style for page in pages}
    lines = [
        "# Number rules on damage from other OCR engines and fonts",
        "",
        f"{len(pages)} pages read in {len(styles)} styles ({', '.join(engines)} × "
        f"{', '.join(FONTS)} × {', '.join(DEGRADATIONS)}); invented council text, no corpus "
        "text and no dev pair.",
        *(f"Skipped: {reason}" for reason in skipped),
        "",
        "## Rules",
        "",
        "Shape seen: read tokens with the rule's trigger shape in any context. Fires: tokens "
        "the rule changes; on prose: of those, on digit-free prose pages. Made right: aligned "
        "tokens right with the rule and wrong without it; nearer: still wrong but nearer the "
        "truth (Levenshtein); made worse: further from the truth with the rule (right ones "
        "made wrong among them). Helped in: styles where it made more tokens better than worse.",
        "",
        *rule_table(tallies),
        "",
        "## Tokens made better and worse (printed: read → mended)",
        "",
        *change_list(tallies),
        "",
        "## Per engine (made better / made worse)",
        "",
        *engine_table(tallies, engines),
        "",
        "## Numeric tokens read right",
        "",
        *numeric_accuracy(pages, engines),
        "",
        "## What the engines read where the rules' targets stand",
        "",
        *target_readings(pages, engines),
    ]
    return "\n".join(lines) + "\n"
