"""An OpenAI-compatible chat client: a streamed answer over HTTP, bounded in wall-clock time.

Off by default: ``LlmSettings.from_env`` gives None unless ``NAMNDSVAR_LLM_URL`` is set. The
request runs in a worker thread that hands content deltas over a queue, so the caller waits
at most ``first_token_timeout`` for the first words and ``total_timeout`` for the whole
answer, whatever the server does (sends nothing, or keep-alive comments forever). Once the
answer has begun, a pause of more than ``first_token_timeout`` between two chunks also ends
it: the worker's socket reads are bounded by that too, so a stalled thread does not linger.
"""

from __future__ import annotations

import codecs
import json
import queue
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import httpx

Reason = Literal["connect", "timeout", "http", "stream"]
EXCERPT = 200
"""Characters of an error body quoted in a message."""


@dataclass(frozen=True, slots=True)
class LlmSettings:
    """Where the model is and how long to wait for it (seconds)."""

    url: str
    model: str
    key: str | None = None
    connect_timeout: float = 3.0
    first_token_timeout: float = 20.0
    total_timeout: float = 90.0
    temperature: float = 0.1
    max_tokens: int = 600

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> LlmSettings | None:
        """Settings from ``NAMNDSVAR_LLM_*``; None when no URL is set (the default)."""
        url = env.get("NAMNDSVAR_LLM_URL", "").strip()
        if not url:
            return None
        model = env.get("NAMNDSVAR_LLM_MODEL", "").strip()  # "": the endpoint's first model
        key = env.get("NAMNDSVAR_LLM_KEY", "").strip()
        settings = cls(url=url, model=model, key=key if key else None)
        timeout = env.get("NAMNDSVAR_LLM_TIMEOUT", "").strip()
        if not timeout:
            return settings
        seconds = _seconds_from(timeout)
        return replace(
            settings,
            first_token_timeout=seconds,
            total_timeout=max(settings.total_timeout, seconds),
        )

    @property
    def endpoint(self) -> str:
        return f"{self.url.rstrip('/')}/chat/completions"

    @property
    def models_endpoint(self) -> str:
        return f"{self.url.rstrip('/')}/models"


def with_model(settings: LlmSettings) -> LlmSettings:
    """``settings`` naming a model: its own, or the first one the endpoint lists
    (``GET …/models``), so that setting ``NAMNDSVAR_LLM_URL`` alone is enough."""
    if settings.model:
        return settings
    url = settings.models_endpoint
    headers = {"Authorization": f"Bearer {settings.key}"} if settings.key else {}
    timeout = httpx.Timeout(settings.first_token_timeout, connect=settings.connect_timeout)
    try:
        response = httpx.get(url, headers=headers, timeout=timeout)
        response.raise_for_status()
        listed = response.json().get("data") or []
        model = next(str(m["id"]) for m in listed if isinstance(m, dict) and m.get("id"))
    except httpx.HTTPError as e:
        raise LlmUnavailable(
            f"Språkmodellen på {settings.url} kunde inte nås för att välja modell ({e}); "
            "ange den med NAMNDSVAR_LLM_MODEL.",
            url=url,
            reason="connect",
        ) from e
    except (ValueError, KeyError, StopIteration, AttributeError) as e:
        raise LlmUnavailable(
            f"{url} listar ingen modell; ange den med NAMNDSVAR_LLM_MODEL.", url=url, reason="http"
        ) from e
    return replace(settings, model=model)


def _seconds_from(value: str) -> float:
    try:
        seconds = float(value.replace(",", "."))
    except ValueError:
        seconds = float("nan")
    if not seconds > 0:  # also catches nan
        raise ValueError(
            f"NAMNDSVAR_LLM_TIMEOUT={value!r} är inte ett antal sekunder större än noll; "
            "ange till exempel NAMNDSVAR_LLM_TIMEOUT=20."
        )
    return seconds


class LlmUnavailable(Exception):
    """The language model could not give an answer; the message says why, in Swedish."""

    def __init__(self, message: str, *, url: str, reason: Reason) -> None:
        super().__init__(message)
        self.url = url
        self.reason: Reason = reason


def stream_chat(settings: LlmSettings, messages: Sequence[Mapping[str, str]]) -> Iterator[str]:
    """The model's answer to ``messages``, content delta by content delta, as it comes.

    Raises LlmUnavailable on every failure: no connection, an HTTP error, an unreadable
    stream, or no content within ``first_token_timeout`` / no end within ``total_timeout``.
    """
    events: queue.Queue[str | Exception | None] = queue.Queue()
    stop = threading.Event()
    worker = threading.Thread(
        target=_pump, args=(_read(settings, messages), events, stop), daemon=True
    )
    worker.start()
    started = time.monotonic()
    first = min(settings.first_token_timeout, settings.total_timeout)
    answering = False
    try:
        while True:
            limit = settings.total_timeout if answering else first
            try:
                event = events.get(timeout=max(started + limit - time.monotonic(), 0.0))
            except queue.Empty:
                raise _timed_out(settings, limit, answering) from TimeoutError(limit)
            if event is None:
                return
            if isinstance(event, Exception):
                raise event
            answering = True
            yield event
    finally:
        stop.set()  # the worker stops at its next chunk, or at its own read timeout


def _pump(
    chunks: Iterator[str], events: queue.Queue[str | Exception | None], stop: threading.Event
) -> None:
    """Worker thread: read the stream into ``events``, then None, or the error that ended it."""
    try:
        for chunk in chunks:
            if stop.is_set():
                return
            events.put(chunk)
        events.put(None)
    except Exception as e:  # handed to the caller's thread and raised there
        events.put(e)


def _timed_out(settings: LlmSettings, limit: float, answering: bool) -> LlmUnavailable:
    what = "blev inte klar" if answering else "svarade inte"
    return LlmUnavailable(
        f"Språkmodellen på {settings.url} {what} inom {_seconds_text(limit)}.",
        url=settings.url,
        reason="timeout",
    )


def _seconds_text(seconds: float) -> str:
    """``1`` → ``1 sekund``, ``2.5`` → ``2,5 sekunder``."""
    number = f"{seconds:g}".replace(".", ",")
    return f"{number} sekund" if seconds == 1 else f"{number} sekunder"


def _read(settings: LlmSettings, messages: Sequence[Mapping[str, str]]) -> Iterator[str]:
    """The request itself (run by the worker); httpx's errors become LlmUnavailable."""
    url = settings.url
    read = min(settings.first_token_timeout, settings.total_timeout)
    timeout = httpx.Timeout(
        connect=settings.connect_timeout,
        read=read,
        write=settings.connect_timeout,
        pool=settings.connect_timeout,
    )
    headers = {"Accept": "text/event-stream"}
    if settings.key is not None:
        headers["Authorization"] = f"Bearer {settings.key}"
    try:
        with (
            httpx.Client(timeout=timeout) as client,
            client.stream(
                "POST", settings.endpoint, json=_body(settings, messages), headers=headers
            ) as response,
        ):
            _check_status(url, response)
            if response.headers.get("content-type", "").startswith("application/json"):
                yield from _whole(url, response.read())  # a server that ignores "stream"
            else:
                yield from _events(url, _lines(response.iter_bytes()))
    except httpx.ConnectTimeout as e:
        within = _seconds_text(settings.connect_timeout)
        raise LlmUnavailable(
            f"Språkmodellen på {url} kunde inte nås inom {within}.",
            url=url,
            reason="connect",
        ) from e
    except (httpx.ConnectError, httpx.UnsupportedProtocol, httpx.InvalidURL) as e:
        raise LlmUnavailable(
            f"Språkmodellen på {url} kunde inte nås: ingen tjänst tar emot anslutningar där. "
            "Kontrollera att den körs och att NAMNDSVAR_LLM_URL stämmer.",
            url=url,
            reason="connect",
        ) from e
    except httpx.TimeoutException as e:
        raise LlmUnavailable(
            f"Språkmodellen på {url} svarade inte inom {_seconds_text(read)}.",
            url=url,
            reason="timeout",
        ) from e
    except httpx.HTTPError as e:
        raise LlmUnavailable(
            f"Språkmodellen på {url} avbröt svaret ({type(e).__name__}).",
            url=url,
            reason="stream",
        ) from e


def _body(settings: LlmSettings, messages: Sequence[Mapping[str, str]]) -> dict[str, Any]:
    return {
        "model": settings.model,
        "messages": [dict(m) for m in messages],
        "stream": True,
        "temperature": settings.temperature,
        "max_tokens": settings.max_tokens,
    }


def _check_status(url: str, response: httpx.Response) -> None:
    if response.status_code < 400:
        return
    body = b""
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) >= 4 * EXCERPT:
            break
    excerpt = " ".join(body.decode("utf-8", errors="replace").split())[:EXCERPT]
    raise LlmUnavailable(
        f"Språkmodellen på {url} svarade med HTTP {response.status_code}: {excerpt or '(tomt)'}",
        url=url,
        reason="http",
    )


def _lines(chunks: Iterable[bytes]) -> Iterator[str]:
    """The stream's lines, decoded as UTF-8 (Server-Sent Events are UTF-8 by definition)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    pending = ""
    for chunk in chunks:
        pending += decoder.decode(chunk)
        *lines, pending = pending.split("\n")
        yield from (line.removesuffix("\r") for line in lines)
    pending += decoder.decode(b"", final=True)
    if pending:
        yield pending.removesuffix("\r")


def _events(url: str, lines: Iterable[str]) -> Iterator[str]:
    """Content deltas of Server-Sent Events: ``data:`` lines up to a blank line make one
    event; comments (``: keep-alive``) and other fields are skipped; ``[DONE]`` ends."""
    data: list[str] = []
    try:
        for line in _then_blank(lines):
            if line:
                field, _, value = line.partition(":")
                if field == "data":
                    data.append(value.removeprefix(" "))
                continue
            payload, data = "\n".join(data), []
            if payload.strip() == "[DONE]":
                return
            if payload.strip():
                content = _content(url, _json(url, payload), "delta")
                if content:
                    yield content
    except UnicodeDecodeError as e:
        raise _malformed(url, "inte UTF-8") from e


def _then_blank(lines: Iterable[str]) -> Iterator[str]:
    """The lines, then a blank one, so that an event the server did not close still counts."""
    yield from lines
    yield ""


def _whole(url: str, body: bytes) -> Iterator[str]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise _malformed(url, "inte UTF-8") from e
    content = _content(url, _json(url, text), "message")
    if content:
        yield content


def _json(url: str, payload: str) -> Any:
    try:
        return json.loads(payload)
    except json.JSONDecodeError as e:
        raise _malformed(url, f"ogiltig JSON: {payload[:EXCERPT]!r}") from e


def _content(url: str, event: Any, key: Literal["delta", "message"]) -> str | None:
    """``choices[0][key].content``; None for chunks without content (a role, a finish)."""
    if isinstance(event, dict) and "error" in event:
        detail = " ".join(json.dumps(event["error"], ensure_ascii=False).split())[:EXCERPT]
        raise LlmUnavailable(
            f"Språkmodellen på {url} rapporterade ett fel: {detail}", url=url, reason="stream"
        )
    choices = event.get("choices") if isinstance(event, dict) else None
    if not isinstance(choices, list):
        raise _malformed(url, "inget fält choices")
    if not choices:
        return None
    part = choices[0].get(key) if isinstance(choices[0], dict) else None
    content = part.get("content") if isinstance(part, dict) else None
    if content is not None and not isinstance(content, str):
        raise _malformed(url, f"{key}.content är inte text")
    return content


def _malformed(url: str, what: str) -> LlmUnavailable:
    return LlmUnavailable(
        f"Språkmodellen på {url} skickade ett svar som inte går att läsa ({what}).",
        url=url,
        reason="stream",
    )
