"""A small OpenAI-compatible model server on 127.0.0.1 for tests: the only fake in the suite
(a real language model cannot run here). It speaks real HTTP and Server-Sent Events, so the
client under test is the real one."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = Callable[["Handler"], None]


@dataclass
class FakeModel:
    """What the fake server received, and how it answers the next request."""

    reply: Reply
    requests: list[dict[str, Any]] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)
    url: str = ""


class Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeModel


class Handler(BaseHTTPRequestHandler):
    server: Server

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.fake.requests.append(
            {"path": self.path, "headers": dict(self.headers.items()), "body": body}
        )
        self.server.fake.reply(self)

    def do_GET(self) -> None:
        """``GET /v1/models``: the models the server offers."""
        body = json.dumps({"object": "list", "data": [{"id": "testmodell"}]}).encode()
        self.send_response(200 if self.path.endswith("/models") else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def events(*texts: str, pause: float = 0.0) -> Reply:
    """A streamed answer: a role chunk, a keep-alive comment, one chunk a text, [DONE]."""

    def reply(handler: Handler) -> None:
        start_stream(handler)
        send(handler, chunk({"role": "assistant"}))
        handler.wfile.write(b": keep-alive\n\n")
        for text in texts:
            data = chunk({"content": text})
            # Split each event's bytes in the middle, inside a character where there is one.
            half = len(data) // 2
            handler.wfile.write(data[:half])
            handler.wfile.flush()
            time.sleep(pause)
            handler.wfile.write(data[half:])
            handler.wfile.flush()
        send(handler, b"data: [DONE]\n\n")

    return reply


def chunk(delta: dict[str, str]) -> bytes:
    event = {"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": delta}]}
    return f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode()


def start_stream(handler: Handler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream")
    handler.end_headers()


def send(handler: Handler, data: bytes) -> None:
    handler.wfile.write(data)
    handler.wfile.flush()


def silent(handler: Handler) -> None:
    """Accepts the request and never answers."""
    handler.server.fake.released.wait(30)


def keep_alive_forever(handler: Handler) -> None:
    """Starts a stream and sends only keep-alive comments."""
    start_stream(handler)
    while not handler.server.fake.released.wait(0.1):
        send(handler, b": keep-alive\n\n")


def status(code: int, body: str) -> Reply:
    def reply(handler: Handler) -> None:
        data = body.encode()
        handler.send_response(code)
        handler.send_header("Content-Type", "text/plain; charset=utf-8")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        send(handler, data)

    return reply


def raw(data: bytes, content_type: str = "text/event-stream") -> Reply:
    def reply(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.end_headers()
        send(handler, data)

    return reply


def serve(model: FakeModel) -> Iterator[FakeModel]:
    """Serve ``model`` on an ephemeral port of 127.0.0.1 until the generator is closed."""
    server = Server(("127.0.0.1", 0), Handler)
    server.fake = model
    model.url = f"http://127.0.0.1:{server.server_address[1]}/v1/"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield model
    finally:
        model.released.set()
        server.shutdown()
        server.server_close()
