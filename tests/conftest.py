"""Fixtures shared by the test modules."""

from collections.abc import Iterator

import pytest
from fake_llm import FakeModel, events, serve


@pytest.fixture
def fake() -> Iterator[FakeModel]:
    """A fake OpenAI-compatible model on loopback; set ``fake.reply`` to script it."""
    yield from serve(FakeModel(reply=events("Inget svar.")))
