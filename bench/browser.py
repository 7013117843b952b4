"""Time from pressing Enter to the first answer text on screen, in a real headless Chromium
against the running chat (``app.py`` on the benchmark's index), over the dev questions."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.datasets import Question

CHROMIUM = Path("/usr/bin/chromium")
APP = Path(__file__).resolve().parents[1] / "app.py"
PLACEHOLDER = "Ställ en fråga om nämndernas handlingar …"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT_MS = 60_000


@dataclass(frozen=True, slots=True)
class BrowserTimes:
    seconds: tuple[float, ...]
    """Enter to first answer text, per question, in order."""
    skipped: str | None = None
    """Why nothing was measured (no Chromium, no Playwright), else None."""

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.seconds) * 1000 if self.seconds else 0.0

    @property
    def p95_ms(self) -> float:
        if not self.seconds:
            return 0.0
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000


def measure(index: Path, questions: Sequence[Question]) -> BrowserTimes:
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        return BrowserTimes((), "Playwright is not installed (make setup installs it)")
    if not CHROMIUM.exists():
        return BrowserTimes((), "Chromium is not installed (make setup installs it)")
    times: list[float] = []
    with serving(index) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(url)
        box = page.get_by_placeholder(PLACEHOLDER)
        expect(box).to_be_visible(timeout=WAIT_MS)
        bots = page.locator("#samtal [data-testid='bot']")
        for q in questions:
            page.get_by_role("button", name="Rensa samtalet").click()  # no follow-ups here
            expect(bots).to_have_count(0, timeout=WAIT_MS)
            box.fill(q.question)
            started = time.perf_counter()
            box.press("Enter")
            expect(bots.first).not_to_have_text("", timeout=WAIT_MS)
            times.append(time.perf_counter() - started)
        browser.close()
    return BrowserTimes(tuple(times))


@contextmanager
def serving(
    index: Path, cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> Iterator[str]:
    """``app.py`` on ``index`` on a free port of 127.0.0.1 until the block ends: its URL.
    ``cwd`` is where it runs (where relative sources are read from), ``env`` extra settings."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    settings = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", **(env or {})}
    server = subprocess.Popen(
        [sys.executable, str(APP), "--index", str(index), "--port", str(port)],
        cwd=cwd,
        env=settings,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"app.py exited with {server.returncode}")
            try:
                with urllib.request.urlopen(f"{url}/config", timeout=2):
                    break
            except urllib.error.HTTPError:
                break  # it answers (401 with log-in on): it is up
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise RuntimeError("app.py did not start within 180 s") from None
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def markdown(times: BrowserTimes) -> list[str]:
    if times.skipped:
        return ["## In the browser", "", f"Not measured: {times.skipped}."]
    return [
        "## In the browser",
        "",
        f"Pressing Enter to the first answer text on screen (headless Chromium, the running "
        f"chat on this index, {len(times.seconds)} dev questions): p50 {times.p50_ms:.0f} ms, "
        f"p95 {times.p95_ms:.0f} ms.",
    ]
