"""The chat UI: its formatting of answers and sources, and the running app through gradio_client."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import app
from answer import cards
from answer.generate import Draft, GeneratedAnswer
from answer.records import Answer, Citation
from index.filters import Facets, FilterProblem, Filters

ROOT = Path(__file__).resolve().parent.parent

CONTEXT = (
    "Socialnämnden beslutar att avveckla\nsamarbetet med YAP Inc. efter avtalets utgång.\n"
    "Förvaltningen återkommer om hälso- och sjukvård."
)
QUOTE = "Socialnämnden beslutar att avveckla samarbetet med YAP Inc."


def citation(**changes: object) -> Citation:
    base = Citation(
        n=1,
        source="corpus/socialnämnden_2019-10-22.txt",
        title="YAP (Youth Advocate Programs, Inc.) – beslut om inriktning",
        dnr="SN 2019:471",
        date="2019-10-22",
        committee="Socialnämnden",
        page=None,
        line_start=12,
        line_end=24,
        section="Beslut",
        quote=QUOTE,
        raw_quote=QUOTE,
        context=CONTEXT,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def answer(*citations: Citation, answered: bool = True, text: str | None = None) -> Answer:
    default = "Socialnämnden beslutade att avveckla samarbetet med YAP Inc. [1]"
    return Answer(
        question="Vad beslutade socialnämnden om YAP?",
        answered=answered,
        text=text if text is not None else default,
        citations=citations,
        passages=(),
    )


# --- formatting ------------------------------------------------------------------------------


def test_highlight_marks_the_quote_across_a_line_break() -> None:
    marked = cards.highlight(CONTEXT, QUOTE)
    assert marked.startswith(
        "<mark>Socialnämnden beslutar att avveckla\nsamarbetet med YAP Inc.</mark>"
    )
    assert marked.endswith("hälso- och sjukvård.")
    assert marked.count("<mark>") == 1


def test_highlight_escapes_document_text() -> None:
    context = "Före <script>alert('å')</script> & efter: ”Kommunfullmäktige” beslutar."
    marked = cards.highlight(context, "”Kommunfullmäktige” beslutar.")
    assert "<script>" not in marked
    assert "&lt;script&gt;alert(&#x27;å&#x27;)&lt;/script&gt; &amp; efter" in marked
    assert marked.endswith("<mark>”Kommunfullmäktige” beslutar.</mark>")


def test_highlight_shows_a_quote_missing_from_the_context_on_its_own() -> None:
    marked = cards.highlight("Ärendet gäller <b>färdtjänst</b>.", "Nämnden godkänner <avtalet>.")
    assert marked.startswith("<mark>Nämnden godkänner &lt;avtalet&gt;.</mark>")
    assert "Ärendet gäller &lt;b&gt;färdtjänst&lt;/b&gt;." in marked


def test_card_shows_metadata_location_file_and_other_sources() -> None:
    card = cards.citation_card(
        citation(
            title="Yttrande <över> ”Ds 2019:3” & äldreomsorg",
            also=("corpus/arkiv/sn_kopia.txt",),
        )
    )
    assert "[1] Yttrande &lt;över&gt; ”Ds 2019:3” &amp; äldreomsorg" in card
    assert "SN 2019:471 · 22 oktober 2019 · Socialnämnden · Beslut · rad 12–24" in card
    assert 'title="corpus/socialnämnden_2019-10-22.txt">socialnämnden_2019-10-22.txt<' in card
    assert "samma text finns även i" in card and "sn_kopia.txt" in card
    assert "<mark>Socialnämnden beslutar att avveckla" in card
    assert "<över>" not in card


def test_card_of_a_pdf_page_leaves_unknown_metadata_out() -> None:
    pdf = citation(
        source="corpus/kf.pdf", page=3, line_start=None, line_end=None, dnr=None, date=None
    )
    card = cards.citation_card(pdf)
    assert "Socialnämnden · Beslut · sida 3" in card
    assert "None" not in card and "rad " not in card


def test_card_of_a_scanned_page_says_it_was_read_by_ocr() -> None:
    scanned = citation(
        source="arkiv/protokoll.pdf",
        page=3,
        line_start=None,
        line_end=None,
        ocr=True,
        ocr_confidence=91.4,
    )
    card = cards.citation_card(scanned)
    assert "sida 3 (OCR)" in card
    assert "Läst med OCR från en skannad sida (Tesseract 91 %)" in card
    assert "OCR" not in cards.citation_card(citation(source="arkiv/protokoll.pdf", page=3))


def test_card_of_a_repaired_quote_shows_the_scans_words_beside_it() -> None:
    repaired = citation(
        quote="Kommunen ska betala 7 800 kronor per dygn.",
        raw_quote="Kommunen ska betala 7 8oo kronor\nper dygn.",
        context="Kommunen ska betala 7 800 kronor per dygn.",
        repaired=True,
    )
    card = cards.citation_card(repaired)
    assert "Skannad text före OCR-reparation" in card
    assert "<q>Kommunen ska betala 7 8oo kronor per dygn.</q>" in card
    assert "före OCR-reparation" not in cards.citation_card(citation())


def test_sources_panel_when_the_documents_do_not_answer() -> None:
    unanswered = answer(answered=False, text="Dokumenten besvarar inte frågan.")
    assert cards.sources_html(unanswered) == (
        '<p class="nv-empty">Inga källor — dokumenten besvarar inte frågan.</p>'
    )


def test_sources_panel_has_one_card_per_citation() -> None:
    two = answer(citation(), citation(n=2, page=5, line_start=None, line_end=None))
    panel = cards.sources_html(two)
    assert panel.count('class="nv-card"') == 2
    assert "rad 12–24" in panel and "sida 5" in panel


class Canned:
    """Answers every question with the same answer: the UI's side of the assistant, in memory.
    It remembers what it was asked with, to check what the UI passes on."""

    is_empty = False

    def __init__(self, answer: Answer, drafts: Sequence[str] = ()) -> None:
        self.canned = answer
        self.drafts = drafts
        self.calls: list[tuple[str, Filters | None, tuple[str, ...]]] = []

    def facets(self) -> Facets:
        return Facets(committee=("Socialnämnden", "Äldrenämnden"))

    def answer(
        self,
        question: str,
        top_k: int = 5,
        filters: Filters | None = None,
        earlier: Sequence[str] = (),
    ) -> Iterator[Draft | GeneratedAnswer]:
        self.calls.append((question, filters, tuple(earlier)))
        for text in self.drafts:
            yield Draft(text)
        yield GeneratedAnswer(replace(self.canned, question=question), "extractive", None)


def last(states: Iterator[tuple[app.Messages, str | None, app.Turns]]) -> tuple[Any, ...]:
    return list(states)[-1]


def test_chat_turn_shows_the_answer_with_its_sources_and_keeps_the_turn() -> None:
    earlier = [app.Turn("Vad kostar färdtjänst?", "<p>tidigare</p>")]
    history, panel, turns = last(
        app.chat_turn(
            Canned(answer(citation())), "Vad beslutade socialnämnden om YAP?", [], earlier
        )
    )
    assert history[0] == {"role": "user", "content": "Vad beslutade socialnämnden om YAP?"}
    reply = history[1]["content"]
    assert reply.startswith("Socialnämnden beslutade att avveckla samarbetet med YAP Inc. [1]")
    assert "**Källor**" in reply and "[1] YAP (Youth Advocate Programs, Inc.)" in reply
    assert "rad 12–24" in reply and "corpus/socialnämnden_2019-10-22.txt" in reply
    assert panel == cards.sources_html(answer(citation()))
    assert turns == [
        *earlier,
        app.Turn("Vad beslutade socialnämnden om YAP?", panel, answer(citation()).citations),
    ]


def test_chat_turn_when_the_documents_do_not_answer() -> None:
    text = "Dokumenten besvarar inte frågan om färdtjänst."
    history, panel, _ = last(
        app.chat_turn(Canned(answer(answered=False, text=text)), "Vad kostar färdtjänst?", [], [])
    )
    assert history[-1]["content"] == text
    assert "Inga källor — dokumenten besvarar inte frågan." in panel


def test_chat_turn_passes_the_sessions_questions_and_filters_on() -> None:
    canned = Canned(answer(citation()))
    turns = [app.Turn("Vad beslutade socialnämnden om YAP?", "<p>källor</p>")]
    chosen = app.filters_from(app.ALL, "Socialnämnden", None, "2019-01-01", "2019")
    last(app.chat_turn(canned, "Och när löper avtalet ut?", [], turns, chosen))
    question, filters, earlier = canned.calls[0]
    assert question == "Och när löper avtalet ut?"
    assert earlier == ("Vad beslutade socialnämnden om YAP?",)
    assert filters == Filters(
        committee="Socialnämnden",
        date_from=dt.date(2019, 1, 1),
        date_to=dt.date(2019, 12, 31),
    )


def test_chat_turn_streams_a_draft_before_the_checked_answer() -> None:
    canned = Canned(answer(citation()), drafts=["Socialnämnden", "Socialnämnden beslutade"])
    states = list(app.chat_turn(canned, "Vad beslutade socialnämnden om YAP?", [], []))
    assert [s[0][-1]["content"] for s in states[:2]] == [
        "Socialnämnden" + app.WRITING,
        "Socialnämnden beslutade" + app.WRITING,
    ]
    assert states[0][1] is None and states[0][2] == []  # no sources until the answer is checked
    assert "**Källor**" in states[-1][0][-1]["content"] and states[-1][1]


def test_filter_panel_rejects_a_date_that_is_not_one() -> None:
    with pytest.raises(FilterProblem, match="ÅÅÅÅ-MM-DD"):
        app.filters_from(None, None, None, "förra året", None)
    with pytest.raises(FilterProblem, match="efter"):
        app.filters_from(None, None, None, "2021-01-01", "2020-12-31")


def test_reply_says_how_a_follow_up_was_read_and_why_the_model_was_not_used() -> None:
    followed = replace(
        answer(citation()),
        question="Och när löper det ut?",
        resolved="När löper det ut – YAP?",
    )
    reply = app.reply_markdown(
        GeneratedAnswer(followed, "extractive", "Språkmodellen svarade inte i tid.")
    )
    assert "Läst som följdfråga: ”När löper det ut – YAP?”" in reply
    assert "Språkmodellen svarade inte i tid." in reply


# --- the running app -------------------------------------------------------------------------

AGENDA = """\
Socialnämnden
Protokoll 2019-10-22

§ 101
YAP (Youth Advocate Programs, Inc.) – beslut om inriktning (SN 2019:471)

Beslut
Socialnämnden beslutar att avveckla samarbetet med YAP Inc.

Sammanfattning
Samarbetet mellan socialförvaltningen och YAP Inc. är reglerat i ett avtal. Det nu gällande
avtalet löper ut den 31 december 2019. Förvaltningen föreslår att samarbetet upphör.

§ 102
Överenskommelse om utskrivningsklara patienter (SN 2019:388)

Beslut
Socialnämnden godkänner överenskommelsen med Region Stockholm.

Sammanfattning
Kommunen betalar 7 900 kronor per dygn för en utskrivningsklar patient som ligger kvar
på sjukhus. Socialtjänsten ska kalla till samordnad individuell plan (SIP) inom tre dagar.

§ 103
Färdtjänst för äldre i hemtjänsten (SN 2019:502)

Beslut
Socialnämnden lägger informationen till handlingarna.
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_serving(url: str, server: subprocess.Popen[str], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            out, _ = server.communicate()
            pytest.fail(f"app.py exited with {server.returncode}:\n{out}")
        try:
            with urllib.request.urlopen(f"{url}/config", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    pytest.fail(f"app.py did not serve {url} within {timeout} s")


@pytest.fixture(scope="module")
def agenda_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A tiny Swedish agenda indexed by the real ingest CLI: (the file, the index folder)."""
    tmp = tmp_path_factory.mktemp("app")
    agenda = tmp / "sn_protokoll_2019-10-22.txt"
    agenda.write_text(AGENDA, encoding="utf-8")
    index = tmp / "index"
    done = subprocess.run(
        [sys.executable, "-m", "ingest", str(agenda), "--index", str(index), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["indexed"] == [str(agenda)]
    return agenda, index


def test_chat_api_answers_from_the_index(agenda_index: tuple[Path, Path]) -> None:
    from gradio_client import Client

    agenda, index = agenda_index
    port = free_port()
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"}
    server = subprocess.Popen(
        [sys.executable, "app.py", "--index", str(index), "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_serving(url, server, timeout=60)
        client = Client(url, verbose=False)
        assert set(client.view_api(print_info=False, return_format="dict")["named_endpoints"]) == {
            "/chat"
        }
        reply = client.predict("Vad beslutade socialnämnden om YAP?", api_name="/chat")
        assert isinstance(reply, str)
        assert "avveckla" in reply
        assert "**Källor**" in reply and "[1]" in reply
        assert agenda.name in reply
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_chat_api_on_an_empty_index_says_how_to_add_documents(tmp_path: Path) -> None:
    from gradio_client import Client

    from answer.service import Assistant
    from index.settings import IndexSettings

    assistant = Assistant.open(IndexSettings(path=tmp_path / "tomt"))
    assert assistant.is_empty
    history, panel, _ = last(app.chat_turn(assistant, "Vad kostar färdtjänst?", [], []))
    assert history[-1] == {"role": "assistant", "content": app.EMPTY_INDEX}
    assert "python -m ingest MAPP" in panel
    demo = app.build_demo(assistant)
    _, url, _ = demo.queue().launch(server_port=free_port(), prevent_thread_lock=True, quiet=True)
    try:
        reply = Client(url, verbose=False).predict("Vad kostar färdtjänst?", api_name="/chat")
        assert reply == app.EMPTY_INDEX
    finally:
        demo.close()


def test_app_refuses_an_index_built_by_another_embedder(
    agenda_index: tuple[Path, Path], tmp_path: Path
) -> None:
    import chromadb
    from chromadb.config import Settings

    from index.settings import COLLECTION

    stale = tmp_path / "index"
    shutil.copytree(agenda_index[1], stale)
    client = chromadb.PersistentClient(str(stale), Settings(anonymized_telemetry=False))
    collection = client.get_collection(COLLECTION)
    built = {k: v for k, v in (collection.metadata or {}).items() if not k.startswith("hnsw:")}
    collection.modify(metadata={**built, "embedder": "en-annan-inbäddning"})
    done = subprocess.run(
        [sys.executable, "app.py", "--index", str(stale), "--port", str(free_port())],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "kunde inte öppna indexet" in done.stderr
    assert "en-annan-inbäddning" in done.stderr
