"""Swedish prompt templates for the optional LLM backend, and the code that fills them.

The templates are the text files beside this module (``system.txt``, ``user.txt``,
``passage.txt``). Passages go into the user message as data, each between a ``<<<`` line and
a ``>>>`` line; any such delimiters in a passage's own text are defused first, so a document
can never close its block and pose as the instruction part.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from string import Template

from index.records import Hit

DECLINE = "Dokumenten besvarar inte frågan."
"""What the model is told to answer, exactly, when the passages do not answer."""
DELIMITER = re.compile(r"<{3,}|>{3,}")


def chat_messages(question: str, passages: Sequence[Hit]) -> list[dict[str, str]]:
    """The system and user messages asking ``question`` of ``passages``, numbered [1]…[n]."""
    blocks = "\n\n".join(passage_block(n, hit) for n, hit in enumerate(passages, 1))
    return [
        {"role": "system", "content": _template("system.txt").substitute(decline=DECLINE)},
        {
            "role": "user",
            "content": _template("user.txt").substitute(
                passages=blocks, question=defuse(question.strip())
            ),
        },
    ]


def passage_block(n: int, hit: Hit) -> str:
    """One passage with its metadata, between its delimiter lines."""
    block = _template("passage.txt").substitute(
        n=n, metadata="\n".join(_metadata(hit)), text=defuse(hit.text.strip())
    )
    return block.strip("\n")


def defuse(text: str) -> str:
    """``>>>`` and ``<<<`` inside text become ``›››`` and ``‹‹‹``: only the template
    delimits."""
    return DELIMITER.sub(lambda m: m.group(0).replace("<", "‹").replace(">", "›"), text)


def _metadata(hit: Hit) -> list[str]:
    """What the citation will show: title, dnr, date, committee, section, place."""
    fields = [
        ("Titel", hit.title),
        ("Diarienummer", hit.dnr),
        ("Datum", hit.date),
        ("Nämnd", hit.committee),
        ("Avsnitt", hit.section),
        ("Källa", _place(hit)),
    ]
    return [f"{name}: {defuse(' '.join(value.split()))}" for name, value in fields if value]


def _place(hit: Hit) -> str:
    if hit.page is not None:
        return f"{hit.source}, sida {hit.page}"
    if hit.line_start is not None and hit.line_end not in (None, hit.line_start):
        return f"{hit.source}, rad {hit.line_start}–{hit.line_end}"
    if hit.line_start is not None:
        return f"{hit.source}, rad {hit.line_start}"
    return hit.source


@cache
def _template(name: str) -> Template:
    return Template(resources.files(__name__).joinpath(name).read_text(encoding="utf-8"))
