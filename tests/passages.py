"""A retrieved passage for the answer step's tests: one line range from line 1, the given
text both repaired and raw, and whatever metadata a test names."""

from __future__ import annotations

from typing import Any

from index.records import Hit


def passage(hid: str, text: str, **metadata: Any) -> Hit:
    fields: dict[str, Any] = {
        "source": "corpus/ekby.txt",
        "page": None,
        "line_start": 1,
        "line_end": 1 + text.count("\n"),
        "section": None,
        "title": None,
        "dnr": None,
        "date": None,
        "municipality": None,
        "committee": None,
        "doc_type": None,
        "score": 1.0,
    }
    return Hit(id=hid, text=text, raw_text=text, **(fields | metadata))
