"""Nämndsvar's chat: a Gradio UI over the assistant, with the sources of every answer beside it.

Run ``python app.py [--index DIR] [--host 127.0.0.1] [--port 7860]``. The chat function is
also an API endpoint, ``/chat`` (question in, answer Markdown with its sources out).
"""

# No ``from __future__ import annotations``: gr.api reads the chat function's real type hints.

import argparse
import html
import io
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import gradio as gr
from gradio.events import api as gr_api  # gr.api, which gradio leaves out of __all__
from PIL import Image

from answer.cards import (
    DOCUMENT_COLUMNS,
    document_rows,
    file_name,
    notice_html,
    source_view_html,
    sources_html,
)
from answer.generate import Draft, GeneratedAnswer
from answer.records import Citation
from answer.render import read_as, render_markdown, where
from answer.source import SourceUnavailable, open_source
from index.build import IndexReport, Progress
from index.catalog import DocumentInfo
from index.filters import Facets, FilterProblem, Filters, parse_day, parse_end_day
from index.uploads import ALLOWED, UPLOADS, inside, save

log = logging.getLogger(__name__)

PLACEHOLDER = "Ställ en fråga om nämndernas handlingar …"
EXAMPLES = [
    "Vad beslutade socialnämnden om YAP?",
    "Vilket belopp per dygn betalar kommunen för en utskrivningsklar patient?",
    "När löper avtalet med YAP Inc. ut?",
    "Vem ska kalla till samordnad individuell plan (SIP)?",
]
EMPTY_INDEX = "Inga dokument är indexerade än — lägg till dokument med `python -m ingest MAPP`"
NO_QUESTION = "Skriv en fråga om nämndernas handlingar."
SOURCES_HINT = "Källorna till svaret visas här."
TOP_K = 5
ALL = "Alla"
"""The dropdown choice that filters nothing."""
WRITING = " ▌"
"""Shown after a language model's text while it is still being written."""

CSS = """
.nv-card { border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: 10px 12px; margin-bottom: 10px; }
.nv-title { font-weight: 600; }
.nv-meta, .nv-file, .nv-also, .nv-raw, .nv-empty, .nv-no { color: #52525b; }
.dark .nv-meta, .dark .nv-file, .dark .nv-also, .dark .nv-raw, .dark .nv-empty,
.dark .nv-no { color: #d4d4d8; }
.nv-meta, .nv-file, .nv-also { font-size: 0.9em; }
.nv-ocr { font-size: 0.9em; color: #8a4f00; }
.dark .nv-ocr { color: #fbbf24; }
.nv-raw { font-size: 0.85em; margin-top: 4px; }
.nv-context { white-space: pre-wrap; max-height: 16em; overflow-y: auto; margin-top: 6px;
  font-size: 0.92em; }
.nv-context:focus-visible, .nv-lines:focus-visible { outline: 2px solid #1d4ed8; }
.nv-context mark { padding: 0 2px; }
.nv-empty { font-style: italic; }
.nv-lines { font-family: var(--font-mono); font-size: 0.85em; max-height: 28em;
  overflow-y: auto; white-space: pre-wrap; margin-top: 6px; }
.nv-no { display: inline-block; min-width: 3.5em; user-select: none; }
.nv-open { margin-top: 6px; padding: 2px 10px; border: 1px solid #1d4ed8; border-radius: 6px;
  color: #1d4ed8; background: transparent; cursor: pointer; font-size: 0.9em; }
.dark .nv-open { color: #93c5fd; border-color: #93c5fd; }
.nv-open:hover, .nv-open:focus-visible { background: #dbeafe; }
.dark .nv-open:hover, .dark .nv-open:focus-visible { background: #1e3a8a; }
.block:not(:focus-within) .options:has(> [role="listbox"]) { display: none; }
"""
"""The last rule closes a dropdown's list once focus has left it: Gradio 6.31 reopens the list
on the Tab keydown that moves focus on, so every dropdown Tab passed stayed open over the
labels and cards below it (tests/test_browser.py, test_09 and test_10)."""
OPEN_FROM_CARD = """
element.addEventListener('click', (event) => {
  const button = event.target.closest('button.nv-open');
  if (button) { trigger('click', {n: Number(button.dataset.n)}); }
});
"""
"""A card's "Öppna källan" button asks the server to open that citation's source."""
THEME = gr.themes.Default().set(
    button_primary_background_fill="*primary_700",
    button_primary_background_fill_hover="*primary_800",
    button_primary_text_color="white",
    button_primary_background_fill_dark="*primary_700",
    button_primary_background_fill_hover_dark="*primary_800",
    button_primary_text_color_dark="white",
    color_accent="*primary_700",
    button_cancel_background_fill="#b91c1c",
    button_cancel_background_fill_hover="#991b1b",
    body_text_color_subdued="*neutral_600",
    body_text_color_subdued_dark="*neutral_300",
)
"""Gradio's default look, with primary buttons and subdued text dark enough to read (WCAG AA:
4.5:1 contrast)."""

Messages = list[dict[str, Any]]


@dataclass(frozen=True)
class Turn:
    """One answered question of a session: its sources panel and its citations."""

    question: str
    sources: str
    citations: tuple[Citation, ...] = ()


Turns = list[Turn]
"""Per session, oldest first."""


class Asker(Protocol):
    """What the UI needs from ``answer.service.Assistant``."""

    @property
    def is_empty(self) -> bool: ...

    def facets(self) -> Facets: ...

    def answer(
        self,
        question: str,
        top_k: int = 5,
        filters: Filters | None = None,
        earlier: Sequence[str] = (),
    ) -> Iterator[Draft | GeneratedAnswer]: ...


# --- the UI --------------------------------------------------------------------------------


def shown(text: str) -> str:
    """Text for the chat's Markdown with its HTML as text: a document's or a question's
    ``<script>`` or ``<img src=…>`` is shown, not made into an element (which Gradio's
    sanitiser would only defang: an image would still be fetched from anywhere)."""
    return html.escape(text, quote=False)


def reply_markdown(final: GeneratedAnswer) -> str:
    """The chat's message: how a follow-up was read, the model's notice, the answer."""
    notes = [f"_{html.escape(note)}_" for note in (read_as(final.answer), final.notice) if note]
    return "\n\n".join([*notes, shown(render_markdown(final.answer))])


def filters_from(
    municipality: str | None,
    committee: str | None,
    doc_type: str | None,
    date_from: str | None,
    date_to: str | None,
) -> Filters:
    """The filter panel's choices; FilterProblem (in Swedish) for a date that is not one."""

    def chosen(value: str | None) -> str | None:
        return None if value in (None, "", ALL) else value

    first = parse_day(date_from, "Från datum") if date_from and date_from.strip() else None
    last = parse_end_day(date_to, "Till datum") if date_to and date_to.strip() else None
    if first and last and first > last:
        raise FilterProblem("Från datum ligger efter Till datum.")
    return Filters(chosen(municipality), chosen(committee), chosen(doc_type), first, last)


def answer_states(
    assistant: Asker, question: str, filters: Filters, earlier: Sequence[str]
) -> Iterator[tuple[str, GeneratedAnswer | None]]:
    """The reply as it grows (a language model's draft), then the final reply and answer."""
    try:
        for state in assistant.answer(question, TOP_K, filters, earlier):
            if isinstance(state, Draft):
                yield shown(state.text) + WRITING, None
            else:
                yield reply_markdown(state), state
    except Exception as e:  # the entry point: any failure becomes a message for the user
        log.exception("Frågan kunde inte besvaras: %r", question)
        raise gr.Error(f"Frågan kunde inte besvaras: {e}") from e


def chat_turn(
    assistant: Asker,
    question: str,
    history: Messages,
    turns: Turns,
    filters: Filters | None = None,
) -> Iterator[tuple[Messages, str | None, Turns]]:
    """One turn as it happens: the history with the question and the growing answer; at the
    end the sources panel and the turns with this one added (None and the old turns until
    then). Earlier questions of the session are the context a follow-up is read in."""
    asked = [*history, {"role": "user", "content": shown(question)}]
    if assistant.is_empty:
        reply = [*asked, {"role": "assistant", "content": EMPTY_INDEX}]
        yield reply, notice_html(EMPTY_INDEX), [*turns, Turn(question, notice_html(EMPTY_INDEX))]
        return
    earlier = [t.question for t in turns]
    for text, final in answer_states(assistant, question, filters or Filters(), earlier):
        reply = [*asked, {"role": "assistant", "content": text}]
        if final is None:
            yield reply, None, turns
        else:
            sources = sources_html(final.answer)
            yield reply, sources, [*turns, Turn(question, sources, final.answer.citations)]


def _turn_choices(turns: Turns) -> list[tuple[str, int]]:
    def short(q: str) -> str:
        return q if len(q) <= 60 else q[:59] + "…"

    return [(f"{i}. {short(t.question)}", i - 1) for i, t in enumerate(turns, 1)]


def _source_choices(citations: Sequence[Citation]) -> list[tuple[str, int]]:
    return [
        (f"[{c.n}] {c.title or file_name(c.source)} – {where(c)}".rstrip(" –"), c.n)
        for c in citations
    ]


def _opener(turn: Turn) -> Any:
    """The "open the source" dropdown for a turn's citations (hidden when it has none)."""
    return gr.Dropdown(
        choices=_source_choices(turn.citations), value=None, visible=bool(turn.citations)
    )


def _facet_dropdown(label: str, values: Sequence[str]) -> Any:
    return gr.Dropdown(
        choices=[ALL, *values], value=ALL, label=label, interactive=True, min_width=140
    )


def _day_hint(day: Any) -> str:
    return f"ÅÅÅÅ-MM-DD, t.ex. {day.isoformat()}" if day is not None else "ÅÅÅÅ-MM-DD"


class Keeper(Protocol):
    """What the administrator tab needs: ``answer.service.Assistant`` is one."""

    def documents(self) -> list[DocumentInfo]: ...

    def add(self, paths: Sequence[Path], progress: Progress | None = None) -> IndexReport: ...

    def remove(self, source: str) -> int: ...


class UiProgress:
    """Indexing progress on Gradio's bar: pages read, then passages embedded, file by file."""

    def __init__(self, bar: gr.Progress) -> None:
        self.bar = bar
        self.file = 0
        self.files = 1

    def file_started(self, name: str, index: int, total: int) -> None:
        self.file, self.files = index, max(total, 1)
        self.bar(index / self.files, desc=f"{file_name(name)}: läser")

    def pages_read(self, name: str, done: int, total: int) -> None:
        share = 0.5 * done / max(total, 1)
        self.bar(
            (self.file + share) / self.files, desc=f"{file_name(name)}: sida {done} av {total}"
        )

    def passages_embedded(self, name: str, done: int, total: int) -> None:
        share = 0.5 + 0.5 * done / max(total, 1)
        self.bar(
            (self.file + share) / self.files,
            desc=f"{file_name(name)}: passage {done} av {total}",
        )


def _as_given(path: Path) -> Path:
    """A saved upload as ``corpus/…`` relative to where the app runs, as ``make run`` indexes
    the corpus: one file, one name in the index."""
    relative = Path(os.path.relpath(path))
    return path if relative.parts[:1] == ("..",) else relative


def admin_tab(keeper: Keeper, corpus: Path) -> None:
    """Upload, index, list and remove documents (inside a ``gr.Tab``)."""
    gr.Markdown(
        "Ladda upp PDF-, .txt- eller .md-filer (högst 50 MB styck). De sparas under "
        f"`{corpus / UPLOADS}` och indexeras; skannade sidor läses med OCR."
    )
    files = gr.File(
        label="Dokument att lägga till",
        file_count="multiple",
        file_types=list(ALLOWED),
        elem_id="uppladdning",
    )
    index_button = gr.Button("Indexera", variant="primary", elem_id="indexera")
    documents = keeper.documents()
    status = gr.Markdown("", elem_id="indexstatus")
    table = gr.Dataframe(
        headers=DOCUMENT_COLUMNS,
        value=document_rows(documents),
        interactive=False,
        wrap=True,
        column_widths=["24%", "26%", "12%", "14%", "6%", "6%", "6%", "6%"],
        label="Indexerade dokument",
        elem_id="dokument",
    )
    with gr.Row():
        chosen = gr.Dropdown(
            label="Ta bort dokument",
            choices=[d.source for d in documents],
            elem_id="ta-bort-val",
        )
        remove_button = gr.Button("Ta bort", variant="stop", elem_id="ta-bort")

    def refreshed() -> tuple[Any, Any]:
        documents = keeper.documents()
        sources = [d.source for d in documents]
        return document_rows(documents), gr.Dropdown(choices=sources, value=None)

    def index_files(
        uploaded: list[str] | None,
        progress: gr.Progress = gr.Progress(),  # noqa: B008  (how Gradio hands in its bar)
    ) -> tuple[Any, ...]:
        if not uploaded:
            return "Välj filer att ladda upp först.", gr.skip(), gr.skip(), gr.skip()
        saved, problems = save([(Path(f), Path(f).name) for f in uploaded], corpus)
        paths = [_as_given(s.path) for s in saved]
        report = keeper.add(paths, UiProgress(progress)) if paths else None
        lines = [f"- {p}" for p in problems]
        if report is not None:
            lines += [f"- Indexerat: {file_name(x)}" for x in report.indexed]
            lines += [f"- Oförändrat: {file_name(x)}" for x in report.skipped]
            lines += [f"- Kunde inte läsas: {f.error}" for f in report.failed]
            lines += [f"- {file_name(w.path)} sida {w.page}: {w.error}" for w in report.warnings]
        rows, dropdown = refreshed()
        return "\n".join(lines) or "Inget nytt att indexera.", rows, dropdown, None

    def remove(source: str | None) -> tuple[Any, ...]:
        if not source:
            return "Välj ett dokument att ta bort.", gr.skip(), gr.skip()
        removed = keeper.remove(source)
        path = Path(source)
        note = ""
        if path.is_file() and inside(path, corpus):
            path.unlink()
            note = " Filen togs bort ur korpusmappen."
        rows, dropdown = refreshed()
        return f"Tog bort {file_name(source)}: {removed} passager.{note}", rows, dropdown

    private: dict[str, Any] = {"api_visibility": "private"}
    index_button.click(
        index_files, [files], [status, table, chosen, files], concurrency_id="assistant", **private
    )
    remove_button.click(
        remove, [chosen], [status, table, chosen], concurrency_id="assistant", **private
    )


def build_demo(
    assistant: Asker, keeper: Keeper | None = None, corpus: Path = Path("corpus")
) -> gr.Blocks:
    """The Blocks app: chat on the left, sources on the right, ``/chat`` as the API."""
    empty_at_start = assistant.is_empty

    facets = Facets() if empty_at_start else assistant.facets()

    def chat(question: str) -> str:
        """Answer a question about the councils' documents: Markdown with a "Källor" list."""
        question = question.strip()
        if not question:
            return NO_QUESTION
        if assistant.is_empty:
            return EMPTY_INDEX
        states = list(answer_states(assistant, question, Filters(), ()))
        return states[-1][0] if states else ""

    def respond(
        question: str,
        history: Messages,
        turns: Turns,
        municipality: str | None,
        committee: str | None,
        doc_type: str | None,
        date_from: str | None,
        date_to: str | None,
    ) -> Iterator[tuple[Any, ...]]:
        skip = gr.skip()
        if not question.strip():
            gr.Warning(NO_QUESTION)
            yield "", history, skip, turns, skip, skip, skip, skip
            return
        try:
            filters = filters_from(municipality, committee, doc_type, date_from, date_to)
        except FilterProblem as e:
            gr.Warning(str(e))
            yield question, history, skip, turns, skip, skip, skip, skip
            return
        for shown, sources, now in chat_turn(assistant, question.strip(), history, turns, filters):
            if sources is None:
                yield "", shown, skip, turns, skip, skip, skip, skip
            else:
                picker = gr.Dropdown(choices=_turn_choices(now), value=len(now) - 1, visible=True)
                closed = gr.Image(value=None, visible=False)
                yield "", shown, sources, now, picker, _opener(now[-1]), "", closed

    def reset() -> tuple[Any, ...]:
        hidden = gr.Dropdown(choices=[], value=None, visible=False)
        closed = gr.Image(value=None, visible=False)
        return "", [], notice_html(SOURCES_HINT), [], hidden, hidden, "", closed

    def show_turn(index: int | None, turns: Turns) -> tuple[str, Any]:
        if index is None or not 0 <= index < len(turns):
            return notice_html(SOURCES_HINT), gr.skip()
        return turns[index].sources, _opener(turns[index])

    def show_source(n: int | None, index: int | None, turns: Turns) -> tuple[Any, Any]:
        if n is None:  # Gradio sends a dropdown's input on blur too: Tab past it, no choice
            return gr.skip(), gr.skip()
        no_image = gr.Image(value=None, visible=False)
        if index is None or not 0 <= index < len(turns):
            return "", no_image
        cited = next((c for c in turns[index].citations if c.n == n), None)
        if cited is None:
            return "", no_image
        try:
            view = open_source(cited)
        except SourceUnavailable as e:
            return notice_html(str(e)), no_image
        if view.page_png is None:
            return source_view_html(view), no_image
        image = Image.open(io.BytesIO(view.page_png))
        return source_view_html(view), gr.Image(value=image, visible=True)

    def open_from_card(
        index: int | None, turns: Turns, event: gr.EventData
    ) -> tuple[Any, str, Any]:
        data = event._data if isinstance(event._data, dict) else {}
        n = data.get("n")
        if not isinstance(n, int):
            return gr.skip(), gr.skip(), gr.skip()
        shown, image = show_source(n, index, turns)
        return gr.Dropdown(value=n), shown, image

    demo = gr.Blocks(title="Nämndsvar", analytics_enabled=False)
    with demo:
        gr.Markdown("# Nämndsvar\nSvar med källhänvisningar ur nämndernas handlingar.")
        if empty_at_start:
            gr.Markdown(f"**{EMPTY_INDEX}**", elem_id="tomt-index")
        turns = gr.State([])
        with gr.Tabs(elem_id="flikar"):
            with gr.Tab("Fråga", id="fraga"), gr.Row(equal_height=False):
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(
                        label="Samtal", height=520, elem_id="samtal", buttons=["copy", "copy_all"]
                    )
                    with gr.Row():
                        box = gr.Textbox(
                            placeholder=PLACEHOLDER, show_label=False, scale=5, autofocus=True
                        )
                        send = gr.Button("Fråga", variant="primary", scale=1, min_width=90)
                    gr.Examples(EXAMPLES, inputs=box, label="Exempel på frågor")
                    with gr.Accordion("Avgränsa sökningen", open=False, elem_id="filter"):
                        with gr.Row():
                            municipality = _facet_dropdown("Kommun", facets.municipality)
                            committee = _facet_dropdown("Nämnd", facets.committee)
                            doc_type = _facet_dropdown("Dokumenttyp", facets.doc_type)
                        with gr.Row():
                            date_from = gr.Textbox(
                                label="Från datum",
                                placeholder=_day_hint(facets.first_day),
                                elem_id="fran-datum",
                            )
                            date_to = gr.Textbox(
                                label="Till datum",
                                placeholder=_day_hint(facets.last_day),
                                elem_id="till-datum",
                            )
                    clear = gr.Button("Rensa samtalet", variant="secondary")
                with gr.Column(scale=2):
                    gr.Markdown("## Källor")
                    picker = gr.Dropdown(label="Visa källor för fråga", choices=[], visible=False)
                    panel = gr.HTML(
                        notice_html(SOURCES_HINT), elem_id="kallor", js_on_load=OPEN_FROM_CARD
                    )
                    opener = gr.Dropdown(
                        label="Öppna källan vid citatet", choices=[], visible=False, elem_id="oppna"
                    )
                    source = gr.HTML("", elem_id="kallvisning")
                    page = gr.Image(
                        label="Sidan i PDF:en", visible=False, interactive=False, elem_id="kallsida"
                    )

            if keeper is not None:
                with gr.Tab("Administration", id="admin"):
                    admin_tab(keeper, corpus)
        outputs = [box, chatbot, panel, turns, picker, opener, source, page]
        common: dict[str, Any] = {"api_visibility": "private", "concurrency_id": "assistant"}
        inputs = [box, chatbot, turns, municipality, committee, doc_type, date_from, date_to]
        send.click(respond, inputs, outputs, **common)
        box.submit(respond, inputs, outputs, **common)
        clear.click(reset, None, outputs, api_visibility="private")
        picker.input(show_turn, [picker, turns], [panel, opener], api_visibility="private")
        opener.input(show_source, [opener, picker, turns], [source, page], api_visibility="private")
        panel.click(
            open_from_card, [picker, turns], [opener, source, page], api_visibility="private"
        )
        gr_api(chat, api_name="chat", concurrency_id="assistant")
    return demo


def users(env: dict[str, str]) -> list[tuple[str, str]]:
    """Log-in users from ``NAMNDSVAR_USERS`` (``anna:lösen,bo:hemligt``) and/or the file
    ``NAMNDSVAR_USERS_FILE`` (one ``namn:lösenord`` a line); none means no log-in."""
    entries = [e for e in env.get("NAMNDSVAR_USERS", "").split(",") if e.strip()]
    if name := env.get("NAMNDSVAR_USERS_FILE", "").strip():
        entries += Path(name).read_bytes().decode("utf-8").splitlines()
    found = []
    for entry in (e.strip() for e in entries):
        if not entry or entry.startswith("#"):
            continue
        user, sep, password = entry.partition(":")
        if not sep or not user.strip() or not password:
            raise ValueError(f"användaren {user.strip()!r}: skriv namn:lösenord")
        found.append((user.strip(), password))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Nämndsvar: chatten över nämndernas handlingar")
    parser.add_argument("--index", help="indexmappen (standard: data/index eller $NAMNDSVAR_INDEX)")
    parser.add_argument("--host", default="127.0.0.1", help="adress att lyssna på")
    parser.add_argument("--port", type=int, default=7860, help="port att lyssna på")
    parser.add_argument("--corpus", default="corpus", help="där uppladdade dokument sparas")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    # Imported here: they load Chroma and the embedder, which the formatting above never needs.
    from answer.llm import LlmSettings
    from answer.service import Assistant
    from index.settings import IndexSettings

    settings = IndexSettings.from_env(args.index)
    try:
        logins = users(dict(os.environ))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        print(f"Inloggningen är felaktigt inställd (NAMNDSVAR_USERS): {e}", file=sys.stderr)
        return 2
    try:
        assistant = Assistant.open(settings, LlmSettings.from_env(os.environ))
    except Exception as e:  # the entry point: say what went wrong and stop
        print(
            f"Nämndsvar kunde inte öppna indexet ({settings.describe()}): {e}\n"
            f"Could not open the index ({settings.describe()}): {type(e).__name__}: {e}",
            file=sys.stderr,
        )
        return 1
    admin = os.environ.get("NAMNDSVAR_ADMIN", "") == "1" or bool(logins)
    demo = build_demo(assistant, assistant if admin else None, Path(args.corpus))
    # One question (or upload) at a time, all events sharing concurrency_id "assistant":
    # Searcher.refresh after an upload swaps its passages and BM25 one field at a time, and
    # two cores gain little from embedding two questions at once. 20 clients asking at once
    # wait ~2 s at the median (bench/load.py, tests/test_load.py).
    demo.queue(default_concurrency_limit=1).launch(
        server_name=args.host,
        server_port=args.port,
        css=CSS,
        theme=THEME,
        show_error=True,
        auth=logins or None,
        auth_message="Logga in för att fråga nämndernas handlingar." if logins else None,
        max_file_size="50mb",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
