"""Fixtures shared by the test modules."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_llm import FakeModel, events, serve


@pytest.fixture
def fake() -> Iterator[FakeModel]:
    """A fake OpenAI-compatible model on loopback; set ``fake.reply`` to script it."""
    yield from serve(FakeModel(reply=events("Inget svar.")))


PROTOCOL = (
    "§ 12 Föreningsbidrag 2022 (Dnr KFN 2022/031)\n"
    "Kultur- och fritidsnämnden beviljar PRO Växjö 45 000 kronor.\n"
    "Bidraget ska redovisas senast den 31 mars 2023.\n"
)
NOTICE = (
    "Föredragningslista\n1. Föreningsbidrag 2022\nBidraget ska redovisas senast den 31 mars 2023.\n"
)


def write_council(folder: Path) -> Path:
    """Two invented council documents and two questions, one no document answers."""
    docs = folder / "A" / "docs"
    docs.mkdir(parents=True)
    (docs / "A01.txt").write_text(PROTOCOL, encoding="utf-8")
    (docs / "A02.txt").write_text(NOTICE, encoding="utf-8")
    rows = [
        {
            "id": "A-001",
            "question": "Hur mycket fick PRO Växjö och när ska bidraget redovisas?",
            "kind": "payment",
            "doc": "A01.txt",
            "evidence": [
                "Kultur- och fritidsnämnden beviljar PRO Växjö 45 000 kronor.",
                "Bidraget ska redovisas senast den 31 mars 2023.",
            ],
            "must": ["45 000 kronor", "31 mars 2023"],
        },
        {
            "id": "A-002",
            "question": "Hur mycket fick PRO Kalmar 2022?",
            "kind": "unanswerable",
            "doc": None,
            "evidence": [],
            "must": [],
        },
    ]
    lines = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows)
    (folder / "A" / "questions.jsonl").write_text(lines + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def council_folder(tmp_path: Path) -> Path:
    return write_council(tmp_path / "council")
