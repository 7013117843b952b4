"""Twenty people at once: each with their own ``gradio_client`` session asks the running chat
(``app.py`` on a small real index, the real embedder) for half a minute, while an administrator
uploads and indexes a document in a real Chromium. No question errs, every reply is its own
question's, and the new document is searched as soon as it is indexed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from indexing import ingest_corpus
from playwright.sync_api import expect, sync_playwright

from bench.browser import CHROMIUM, FLAGS
from bench.load import Probe, hammer, measure

ROOT = Path(__file__).resolve().parent.parent
INDEX_WAIT = 120_000

DOCUMENTS = {
    "fardtjanst.txt": """\
Socialnämnden
Protokoll 2023-03-14

§ 21
Avtal om färdtjänst med Resebolaget Norrsken AB (SN 2023:21)

Beslut
Socialnämnden beslutar att förlänga avtalet om färdtjänst med Resebolaget Norrsken AB till och
med den 31 december 2024.
""",
    "bidrag.txt": """\
Kulturnämnden
Protokoll 2022-05-10

§ 7
Bidrag till Ekby hembygdsförening (KN 2022:7)

Beslut
Kulturnämnden beviljar Ekby hembygdsförening ett bidrag om 15 000 kronor för en utställning om
kvarnarna.
""",
    "bibliotek.txt": """\
Kulturnämnden
Protokoll 2022-09-20

§ 12
Öppettider för Ekby bibliotek (KN 2022:12)

Beslut
Kulturnämnden beslutar att biblioteket i Ekby ska ha öppet till klockan 21 på torsdagar.
""",
}
UPLOADED = """\
Tekniska nämnden
Protokoll 2023-01-17

§ 3
Snöröjning på gång- och cykelvägar (TN 2023:3)

Beslut
Tekniska nämnden beslutar att gång- och cykelvägar ska plogas när snödjupet är 5 centimeter.
"""
PROBES = (
    Probe("När löper avtalet om färdtjänst med Resebolaget Norrsken ut?", "31 december 2024"),
    Probe("Hur stort bidrag fick Ekby hembygdsförening för utställningen?", "15 000 kronor"),
    Probe("Till vilken tid ska biblioteket i Ekby ha öppet på torsdagar?", "klockan 21"),
)
NEW = Probe("Vid vilket snödjup ska gång- och cykelvägar plogas?", "5 centimeter")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three one-decision protocols indexed by the real ingest CLI (``corpus`` → ``index``)."""
    root = tmp_path_factory.mktemp("load")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in DOCUMENTS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    (root / "snorojning.txt").write_text(UPLOADED, encoding="utf-8")
    assert len(ingest_corpus(root)["indexed"]) == len(DOCUMENTS)
    return root


def upload_in_the_browser(url: str, document: Path) -> None:
    """An administrator uploads ``document`` and indexes it, as in the administrator tab."""
    assert CHROMIUM.exists(), "Debian's chromium is missing: `make setup` installs it"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(url)
        page.get_by_role("tab", name="Administration").click()
        page.locator("#uppladdning input[type=file]").set_input_files(str(document))
        page.get_by_role("button", name="Indexera").click()
        expect(page.locator("#indexstatus")).to_contain_text(
            f"Indexerat: {document.name}", timeout=INDEX_WAIT
        )
        browser.close()


def test_twenty_clients_get_their_own_answers_while_a_document_is_indexed(
    workspace: Path,
) -> None:
    from gradio_client import Client

    uploaded: list[str] = []

    def during(url: str) -> None:
        upload_in_the_browser(url, workspace / "snorojning.txt")
        reply = Client(url, verbose=False).predict(NEW.question, api_name="/chat")
        uploaded.append(reply)

    result = measure(
        Path("index"),
        seconds=25,
        clients=20,
        probes=PROBES,
        cwd=workspace,
        env={"NAMNDSVAR_ADMIN": "1"},
        during=during,
    )
    print(f"\n{json.dumps(result.to_json(), ensure_ascii=False)}")
    assert result.errors == 0, result.error_samples
    assert result.wrong == 0, result.wrong_samples
    assert result.served >= 3 * result.clients  # every client was answered, more than once
    assert result.p95_ms < 20_000  # the queue drains: each waits for about 20 answers
    assert (workspace / "corpus" / "uppladdat" / "snorojning.txt").is_file()
    assert uploaded and "5 centimeter" in uploaded[0]
    assert "uppladdat/snorojning.txt" in uploaded[0]


def test_a_load_result_reads_as_json() -> None:
    result = hammer("http://127.0.0.1:9", seconds=0.5, clients=2, probes=PROBES)
    assert result.served == 0 and result.errors == 2  # nothing listens on port 9
    out = result.to_json()
    assert out["clients"] == 2 and out["p50_ms"] == out["p95_ms"] == 0.0
    assert len(out["error_samples"]) == 2 and "klient" in out["error_samples"][0]
