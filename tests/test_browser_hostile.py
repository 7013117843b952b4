"""HTML and ``<script>`` in a document and in a question, in a real headless Chromium: shown
as text, never run (the same helpers as ``test_browser.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from indexing import ingest_corpus
from playwright.sync_api import Page, expect, sync_playwright
from test_browser import ARTIFACTS, ask, last_answer, shot

from app import PLACEHOLDER
from bench.browser import CHROMIUM, FLAGS, serving

PAYLOAD = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
DOCUMENT = f"""\
Tekniska nämnden
Protokoll 2023-01-17

§ 4
Vinterväghållning (TN 2023:4)

Beslut
Tekniska nämnden beslutar att sanda trapporna vid stadshuset {PAYLOAD} före klockan 7.
"""


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    root = tmp_path_factory.mktemp("xss")
    (root / "corpus").mkdir()
    (root / "corpus" / "vinter.txt").write_text(DOCUMENT, encoding="utf-8")
    assert ingest_corpus(root)["indexed"] == ["corpus/vinter.txt"]
    assert CHROMIUM.exists(), "Debian's chromium is missing: `make setup` installs it"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with serving(Path("index"), cwd=root) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        tab = browser.new_page(viewport={"width": 1366, "height": 900})
        tab.goto(url)
        expect(tab.get_by_placeholder(PLACEHOLDER)).to_be_visible(timeout=30_000)
        yield tab
        browser.close()


def pwned(page: Page) -> object:
    return page.evaluate("window.__pwned")


def test_html_in_a_document_is_shown_as_text_not_run(hostile_page: Page) -> None:
    page = hostile_page
    ask(page, "Vad beslutade tekniska nämnden om vinterväghållning?")
    page.wait_for_timeout(500)  # time for an onerror to fire, were the image real
    assert pwned(page) is None
    answer = last_answer(page)
    assert "trapporna vid stadshuset" in answer and PAYLOAD in answer  # the quote, as text
    card = page.locator("#kallor .nv-card").first
    expect(card).to_contain_text("<script>window.__pwned=1</script>")  # visible, as text
    assert card.locator("script, img").count() == 0
    assert page.locator("#samtal script, #samtal img").count() == 0
    shot(page, "x1-html-i-dokument")


def test_html_in_a_question_is_shown_as_text_not_run(hostile_page: Page) -> None:
    page = hostile_page
    ask(page, f"Vad gäller {PAYLOAD} för trapporna?")
    page.wait_for_timeout(500)
    assert pwned(page) is None
    question = page.locator("#samtal [data-testid='user']").last
    expect(question).to_contain_text(PAYLOAD)
    assert page.locator("#samtal script, #samtal img").count() == 0
    shot(page, "x2-html-i-fraga")
