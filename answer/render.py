"""The answer as a person reads it: in a terminal, or as Markdown in the chat."""

from __future__ import annotations

from pathlib import Path

from answer.records import Answer, Citation


def where(c: Citation) -> str:
    """``sida 3`` for a PDF (``sida 3 (OCR)`` for a scanned one), ``rad 12–24`` for a text file."""
    if c.page is not None:
        return f"sida {c.page} (OCR)" if c.ocr else f"sida {c.page}"
    if c.line_start is not None:
        if c.line_end is not None and c.line_end != c.line_start:
            return f"rad {c.line_start}–{c.line_end}"
        return f"rad {c.line_start}"
    return ""


def source_line(c: Citation) -> str:
    """``[1] Title — SN 2019:471, 2019-10-22, Socialnämnden, Beslut, rad 12–24, corpus/x.txt``."""
    details = [c.dnr, c.date, c.committee, c.section, where(c), c.source]
    head = f"[{c.n}] {c.title}" if c.title else f"[{c.n}] {Path(c.source).name}"
    line = f"{head} — " + ", ".join(d for d in details if d)
    if c.also:
        line += " (samma text även i " + ", ".join(c.also) + ")"
    return line


def read_as(answer: Answer) -> str | None:
    """``Läst som följdfråga: …`` when the question was read with the conversation."""
    if answer.resolved_question == answer.question:
        return None
    return f"Läst som följdfråga: ”{answer.resolved_question}”"


def render_text(answer: Answer) -> str:
    note = read_as(answer)
    lines = [*([note] if note else []), answer.text, ""]
    if answer.citations:
        lines.append("Källor:")
        for c in answer.citations:
            lines.append(source_line(c))
            lines.append(f"    ”{c.quote}”")
            if c.repaired:
                lines.append(
                    f"    (skannad text före reparation: ”{' '.join(c.raw_quote.split())}”)"
                )
    return "\n".join(lines) + "\n"


def render_markdown(answer: Answer) -> str:
    """The chat's answer: the text with its markers, then the sources as a list."""
    if not answer.citations:
        return answer.text
    sources = "\n".join(f"- {source_line(c)}" for c in answer.citations)
    return f"{answer.text}\n\n**Källor**\n{sources}"
