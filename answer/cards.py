"""The chat's HTML for answers: citation cards with the quote highlighted in its passage, the
source opened at the cited place, and the administrator's table of documents. Pure functions
of the records; ``app.py`` puts them on screen."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

from answer.periods import swedish_date
from answer.records import Answer, Citation
from answer.render import where
from answer.source import SourceView
from index.catalog import DocumentInfo

NO_SOURCES = "Inga källor — dokumenten besvarar inte frågan."


def file_name(source: str) -> str:
    return PurePath(source).name or source


def _quote_span(context: str, quote: str) -> tuple[int, int] | None:
    words = quote.split()
    if not words:
        return None
    pattern = r"\s+".join(re.escape(w) for w in words)
    match = re.search(pattern, context) or re.search(pattern, context, re.IGNORECASE)
    return match.span() if match else None


def highlight(context: str, quote: str) -> str:
    """The context, HTML-escaped, with the quoted words in ``<mark>``.

    Whitespace may differ between quote and context (line breaks inside a passage); when the
    quote cannot be found the quote is shown marked on its own above the context.
    """
    esc = html.escape
    span = _quote_span(context, quote)
    if span is None:
        marked = f"<mark>{esc(quote)}</mark>" if quote.strip() else ""
        return "\n\n".join(part for part in (marked, esc(context)) if part)
    start, end = span
    return f"{esc(context[:start])}<mark>{esc(context[start:end])}</mark>{esc(context[end:])}"


def long_date(iso: str | None) -> str | None:
    """``2019-10-22`` → ``22 oktober 2019``; anything else as it is."""
    if not iso:
        return iso
    try:
        return swedish_date(dt.date.fromisoformat(iso[:10]))
    except ValueError:
        return iso


def citation_card(c: Citation) -> str:
    esc = html.escape
    title = esc(c.title) if c.title else esc(file_name(c.source))
    meta = [v for v in (c.dnr, long_date(c.date), c.committee, c.section, where(c)) if v]
    parts = [
        f'<div class="nv-card" id="kalla-{c.n}">',
        f'<div class="nv-title">[{c.n}] {title}</div>',
    ]
    if meta:
        parts.append(f'<div class="nv-meta">{" · ".join(esc(v) for v in meta)}</div>')
    parts.append(f'<div class="nv-file" title="{esc(c.source)}">{esc(file_name(c.source))}</div>')
    if c.ocr:
        confidence = f" (Tesseract {c.ocr_confidence:.0f} %)" if c.ocr_confidence else ""
        parts.append(
            f'<div class="nv-ocr">Läst med OCR från en skannad sida{confidence}: '
            "jämför med originalet.</div>"
        )
    if c.also:
        also = ", ".join(f'<span title="{esc(s)}">{esc(file_name(s))}</span>' for s in c.also)
        parts.append(f'<div class="nv-also">samma text finns även i {also}</div>')
    parts.append(
        f'<div class="nv-context" tabindex="0" role="region" aria-label="Citat [{c.n}] i sitt '
        f'sammanhang">{highlight(c.context, c.quote)}</div>'
    )
    if c.repaired:
        parts.append(
            '<details class="nv-raw"><summary>Skannad text före OCR-reparation</summary>'
            f"<q>{esc(' '.join(c.raw_quote.split()))}</q></details>"
        )
    parts.append(
        f'<button type="button" class="nv-open" data-n="{c.n}">Öppna källan [{c.n}]</button>'
    )
    parts.append("</div>")
    return "\n".join(parts)


def notice_html(text: str) -> str:
    """A notice for the sources panel; `backticks` become ``<code>``."""
    body = re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))
    return f'<p class="nv-empty">{body}</p>'


def sources_html(answer: Answer) -> str:
    """One card per citation, or the Swedish empty state when the documents do not answer."""
    if not answer.answered:
        return notice_html(NO_SOURCES)
    if not answer.citations:
        return notice_html("Inga källor.")
    return "\n".join(citation_card(c) for c in answer.citations)


def source_view_html(view: SourceView) -> str:
    """The source around the cited place: numbered lines with the cited ones marked, or the
    caption of a PDF page (the page itself is shown as an image)."""
    esc = html.escape
    c = view.citation
    head = (
        f'<div class="nv-title">[{c.n}] {esc(c.title or file_name(c.source))}</div>'
        f'<div class="nv-file">{esc(c.source)} · {esc(where(c))}</div>'
    )
    if view.page_png is not None:
        note = (
            "De citerade orden är markerade på sidan."
            if view.marked
            else "Sidan är skannad (eller orden hittades inte i dess text): citatet är "
            f"<mark>{esc(' '.join(c.quote.split()))}</mark>"
        )
        return f'<div class="nv-source">{head}<p>{note}</p></div>'
    rows = "".join(  # no newline between rows: .nv-lines keeps white space
        f'<div class="nv-line{" nv-cited" if line.cited else ""}">'
        f'<span class="nv-no">{line.number}</span>'
        f"{'<mark>' if line.cited else ''}{esc(line.text) or '&nbsp;'}"
        f"{'</mark>' if line.cited else ''}</div>"
        for line in view.lines
    )
    region = 'tabindex="0" role="region" aria-label="Källans rader"'
    lines = f'<div class="nv-lines" {region}>{rows}</div>'
    return f'<div class="nv-source">{head}{lines}</div>'


DOCUMENT_COLUMNS = [
    "Dokument",
    "Titel",
    "Nämnd",
    "Datum",
    "Sidor",
    "OCR-andel",
    "Skadegrad",
    "Passager",
]


def document_rows(documents: Sequence[DocumentInfo]) -> list[list[Any]]:
    """The administrator's table: one row a document."""
    rows = []
    for d in documents:
        dates = sorted({x for x in (long_date(d.first_date), long_date(d.last_date)) if x})
        rows.append(
            [
                d.source,
                "; ".join(d.titles[:2]) + (" …" if len(d.titles) > 2 else ""),
                ", ".join(d.committees),
                " – ".join(dates),
                d.pages if d.pages is not None else "",
                f"{d.ocr_share:.0%}" if d.pages else "",
                f"{d.damage:.0%}",
                d.passages,
            ]
        )
    return rows
