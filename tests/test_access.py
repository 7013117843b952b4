"""Log-in on: no page, API route or file route answers before it (``NAMNDSVAR_USERS``), the
chat works after it, and the corpus and index are never served as files, logged in or not."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from indexing import ingest_corpus
from test_app import AGENDA

from bench.browser import serving

USER, PASSWORD = "anna", "lösen ord"
SECRET = "Hemlig uppgift: nyckeln ligger under mattan vid Ekby bibliotek."
REFUSED = {401, 403}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An agenda in the corpus and an uploaded file holding a secret, both indexed."""
    root = tmp_path_factory.mktemp("access")
    (root / "corpus" / "uppladdat").mkdir(parents=True)
    (root / "corpus" / "protokoll.txt").write_text(AGENDA, encoding="utf-8")
    (root / "corpus" / "uppladdat" / "hemligt.txt").write_text(
        f"Socialnämnden\nProtokoll 2023-01-17\n\nBeslut\n{SECRET}\n", encoding="utf-8"
    )
    assert len(ingest_corpus(root)["indexed"]) == 2
    return root


@pytest.fixture(scope="module")
def url(site: Path) -> Iterator[str]:
    """app.py with log-in on."""
    with serving(Path("index"), cwd=site, env={"NAMNDSVAR_USERS": f"{USER}:{PASSWORD}"}) as url:
        yield url


def file_routes(site: Path) -> list[str]:
    uploaded = site / "corpus" / "uppladdat" / "hemligt.txt"
    chroma = next((site / "index").glob("*.sqlite3"))
    paths = [str(uploaded), str(chroma), "corpus/uppladdat/hemligt.txt", "index/chroma.sqlite3"]
    return [
        route
        for path in paths
        for route in (f"/gradio_api/file={path}", f"/file={path}", f"/gradio_api/file/{path}")
    ]


GETS = [
    "/config",
    "/gradio_api/config",
    "/info",
    "/gradio_api/info",
    "/gradio_api/openapi.json",
    "/gradio_api/queue/data?session_hash=abc",
    "/gradio_api/call/chat/abc",
    "/gradio_api/upload_progress?upload_id=abc",
    "/gradio_api/monitoring",
    "/corpus/uppladdat/hemligt.txt",
    "/uppladdat/hemligt.txt",
    "/static/../corpus/uppladdat/hemligt.txt",
    "/gradio_api/deep_link",
]
POSTS = {
    "/gradio_api/queue/join": {
        "data": ["Vad beslutade socialnämnden?"],
        "fn_index": 0,
        "session_hash": "abc",
    },
    "/gradio_api/call/chat": {"data": ["Vad beslutade socialnämnden?"]},
    "/gradio_api/run/chat": {"data": ["Vad beslutade socialnämnden?"]},
    "/gradio_api/api/chat": {"data": ["Vad beslutade socialnämnden?"]},
}


def refused(response: httpx.Response) -> bool:
    """401/403, a redirect to the log-in page, or 404 (no such route): never the content."""
    return response.status_code in (*REFUSED, 404) or (
        response.is_redirect and "login" in response.headers.get("location", "")
    )


MUST_ASK_FOR_LOG_IN = {
    "/config",
    "/gradio_api/info",
    "/gradio_api/queue/join",
    "/gradio_api/call/chat",
    "/gradio_api/upload",
    "/gradio_api/queue/data?session_hash=abc",
}
"""Routes that exist: they must say 401/403 (or send to the log-in page), not 404."""


def test_nothing_answers_before_log_in(url: str, site: Path) -> None:
    seen: dict[str, httpx.Response] = {}
    with httpx.Client(base_url=url, timeout=30, follow_redirects=False) as http:
        for route in [*GETS, *file_routes(site)]:
            seen[route] = http.get(route)
        for route, body in POSTS.items():
            seen[route] = http.post(route, json=body)
        for route in ("/upload", "/gradio_api/upload"):
            upload = {"files": ("x.txt", "Socialnämnden".encode(), "text/plain")}
            seen[route] = http.post(route, files=upload)
        page = http.get("/")
    table = {route: r.status_code for route, r in seen.items()}
    print(f"\n{json.dumps(table, indent=1)}")
    assert not [route for route, r in seen.items() if not refused(r)], table
    assert all(table[route] != 404 for route in MUST_ASK_FOR_LOG_IN), table
    for route, response in seen.items():
        assert SECRET not in response.text and "YAP" not in response.text, route
    # The page itself is the log-in form, without the app's config or documents.
    assert SECRET not in page.text and "Socialnämnden" not in page.text
    assert "Ställ en fråga" not in page.text


def test_a_wrong_password_is_refused(url: str) -> None:
    with httpx.Client(base_url=url, timeout=30) as http:
        wrong = http.post("/login", data={"username": USER, "password": "fel"})
        assert wrong.status_code in (400, *REFUSED)
        assert http.get("/config").status_code in REFUSED


def test_after_log_in_the_chat_answers_but_files_stay_private(url: str, site: Path) -> None:
    from gradio_client import Client

    with httpx.Client(base_url=url, timeout=30, follow_redirects=False) as http:
        login = http.post("/login", data={"username": USER, "password": PASSWORD})
        assert login.status_code in (200, 302, 303), login.text
        assert http.get("/config").status_code == 200
        # Logged in, the corpus and the index are still not files the app hands out.
        for route in file_routes(site):
            got = http.get(route)
            assert got.status_code in (*REFUSED, 404), f"GET {route}: {got.status_code}"
            assert SECRET not in got.text
    client = Client(url, auth=(USER, PASSWORD), verbose=False)
    reply = client.predict("Vad beslutade socialnämnden om YAP?", api_name="/chat")
    assert "avveckla" in reply and "**Källor**" in reply
