"""Clean Swedish text other than SweQUAD-MC's that no repair figure is scored on: the invented
council documents of ``bench/data/council`` (not the corpus), whose tables, names, dnr and
abbreviations prose lacks, and SweFAQ's answers (agency prose of another hand; its questions
are never read)."""

from __future__ import annotations

from bench.council_data import DATA as COUNCIL
from bench.external_data import EXTERNAL, SWEFAQ_FILE, load_swefaq


def other_prose() -> list[str]:
    """The council documents, then SweFAQ's answers."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(COUNCIL.glob("*/docs/*.txt"))]
    return texts + [d.text for d in load_swefaq(EXTERNAL / SWEFAQ_FILE).documents]
