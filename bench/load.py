"""Many people asking at once: clients (threads, each with its own ``gradio_client`` session)
ask the running chat's ``/chat`` API on one index for a while. Measured: requests served,
errors, replies that are not their own question's (a value another question asks for, or not
the one asked for), and latency p50/p95 from sending a question to its whole reply.

The chat's events share one queue slot (``concurrency_id="assistant"``, limit 1 in app.py):
questions wait their turn rather than run side by side, since refreshing the searcher after an
upload is not atomic and two cores gain little from embedding two questions at once. So the
latency here is mostly time in the queue: about ``clients`` times one answer's time."""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.browser import serving


@dataclass(frozen=True, slots=True)
class Probe:
    """A question, and words its reply must hold (None: any reply that is not an error)."""

    question: str
    expect: str | None = None


DEFAULT_PROBES = (
    Probe("Vad beslutade socialnämnden om YAP?"),
    Probe("Vilket belopp per dygn betalar kommunen för en utskrivningsklar patient?"),
    Probe("När löper avtalet med YAP Inc. ut?"),
    Probe("Vem ska kalla till samordnad individuell plan (SIP)?"),
)
"""The chat's example questions, for the sample corpus."""
SAMPLES = 5
"""Error messages and wrong replies kept in the result, at most."""


@dataclass(frozen=True, slots=True)
class LoadResult:
    seconds: float
    """How long the clients kept asking (questions in flight at the end are answered too)."""
    clients: int
    served: int
    """Replies received (right or wrong), not errors."""
    errors: int
    wrong: int
    """Replies without their question's expected words, or with another question's."""
    latencies_ms: tuple[float, ...]
    error_samples: tuple[str, ...] = ()
    wrong_samples: tuple[str, ...] = ()

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else 0.0

    @property
    def p95_ms(self) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    def to_json(self) -> dict[str, Any]:
        return {
            "seconds": self.seconds,
            "clients": self.clients,
            "served": self.served,
            "errors": self.errors,
            "wrong": self.wrong,
            "p50_ms": round(self.p50_ms, 1),
            "p95_ms": round(self.p95_ms, 1),
            "max_ms": round(max(self.latencies_ms, default=0.0), 1),
            "error_samples": list(self.error_samples),
            "wrong_samples": list(self.wrong_samples),
        }


@dataclass(slots=True)
class _Tally:
    lock: threading.Lock
    latencies: list[float]
    errors: list[str]
    wrong: list[str]

    def add(self, ms: float, problem: str | None, error: bool) -> None:
        with self.lock:
            if error:
                self.errors.append(problem or "")
            else:
                self.latencies.append(ms)
                if problem is not None:
                    self.wrong.append(problem)


def judge(reply: object, probe: Probe, probes: Sequence[Probe]) -> str | None:
    """None when ``reply`` is ``probe``'s own; else what is wrong with it."""
    if not isinstance(reply, str):
        return f"{probe.question!r}: svaret är ingen text: {reply!r:.200}"
    if probe.expect is not None and probe.expect not in reply:
        return f"{probe.question!r}: saknar {probe.expect!r}: {reply[:200]!r}"
    for other in probes:
        if other.expect and other.expect != probe.expect and other.expect in reply:
            return f"{probe.question!r}: innehåller {other.question!r}s {other.expect!r}"
    return None


def _client_loop(
    url: str, number: int, deadline: float, probes: Sequence[Probe], tally: _Tally
) -> None:
    from gradio_client import Client

    try:
        client = Client(url, verbose=False)
    except Exception as e:  # a client that cannot connect is an error, not a crash
        tally.add(0.0, f"klient {number}: {type(e).__name__}: {e}", error=True)
        return
    turn = number
    try:
        while time.monotonic() < deadline:
            probe = probes[turn % len(probes)]
            turn += 1
            started = time.perf_counter()
            try:
                reply = client.predict(probe.question, api_name="/chat")
            except Exception as e:  # counted and shown, the client goes on
                tally.add(0.0, f"{probe.question!r}: {type(e).__name__}: {e}"[:300], error=True)
                continue
            ms = (time.perf_counter() - started) * 1000
            tally.add(ms, judge(reply, probe, probes), error=False)
    finally:
        client.close()  # its heartbeat thread would outlive the test


def hammer(
    url: str,
    seconds: float,
    clients: int = 20,
    probes: Sequence[Probe] = DEFAULT_PROBES,
    during: Callable[[str], None] | None = None,
) -> LoadResult:
    """``clients`` threads ask the chat at ``url`` for ``seconds``; ``during(url)`` runs
    beside them (indexing while people ask, say) and must end before they are done."""
    tally = _Tally(threading.Lock(), [], [], [])
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(target=_client_loop, args=(url, n, deadline, probes, tally), daemon=True)
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    try:
        if during is not None:
            during(url)
    finally:
        for thread in threads:
            thread.join()
    return LoadResult(
        seconds=seconds,
        clients=clients,
        served=len(tally.latencies),
        errors=len(tally.errors),
        wrong=len(tally.wrong),
        latencies_ms=tuple(tally.latencies),
        error_samples=tuple(tally.errors[:SAMPLES]),
        wrong_samples=tuple(tally.wrong[:SAMPLES]),
    )


def measure(
    index_dir: Path,
    seconds: float = 60,
    clients: int = 20,
    probes: Sequence[Probe] = DEFAULT_PROBES,
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    during: Callable[[str], None] | None = None,
) -> LoadResult:
    """``app.py`` on ``index_dir`` (loopback, a free port; ``cwd`` and ``env`` as for
    ``bench.browser.serving``) asked by ``clients`` at once for ``seconds``."""
    with serving(index_dir, cwd=cwd, env=env) as url:
        return hammer(url, seconds, clients, probes, during)


def markdown(result: LoadResult) -> list[str]:
    return [
        "## Many people at once",
        "",
        f"{result.clients} clients, each its own session, asking the chat's `/chat` API for "
        f"{result.seconds:.0f} s: {result.served} replies, {result.errors} errors, "
        f"{result.wrong} not their own question's; p50 {result.p50_ms:.0f} ms, "
        f"p95 {result.p95_ms:.0f} ms from question to whole reply (the questions queue: one "
        "is answered at a time).",
    ]
