"""The same code against a real Chroma server on loopback (``chroma run``, shipped with the
chromadb package): index, ask from several processes, stop the server, start it again, ask
again. BM25 is rebuilt from the server's passages whenever a searcher opens."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from indexing import run

from index.search import Searcher
from index.settings import IndexSettings
from index.store import IndexUnavailable

ROOT = Path(__file__).resolve().parents[1]
CHROMA = Path(sys.executable).with_name("chroma")
QUESTION = "Vad beslutade kulturnämnden om biblioteket?"
DOCUMENTS = {
    "kultur.txt": "§ 2 Bibliotekets öppettider\n\nBeslut\n\nKulturnämnden beslutar att "
    "biblioteket i Åkersberga håller öppet på lördagar under sommaren 2023.\n",
    "skola.txt": "§ 9 Skolskjuts\n\nBeslut\n\nBarn- och utbildningsnämnden beslutar att "
    "elever som bor längre än fyra kilometer från skolan får skolskjuts.\n",
}


@dataclass
class Server:
    path: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [str(CHROMA), "run", "--path", str(self.path), "--host", "127.0.0.1"]
        self.process = subprocess.Popen(
            [*command, "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{self.port}/api/v2/heartbeat", timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"chroma run svarade inte på port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "CHROMA_HOST": "127.0.0.1",
            "CHROMA_PORT": str(self.port),
            "PYTHONPATH": str(ROOT),
        }

    @property
    def settings(self) -> IndexSettings:
        return IndexSettings(chroma_host="127.0.0.1", chroma_port=self.port)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = Server(tmp_path_factory.mktemp("chroma"), free_port())
    server.start()
    yield server
    server.stop()


def cited_file(answer: dict[str, object]) -> str:
    citations = answer["citations"]
    assert isinstance(citations, list) and citations, answer
    return Path(citations[0]["source"]).name


def test_index_and_ask_through_a_chroma_server(server: Server, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in DOCUMENTS.items():
        (docs / name).write_text(text, encoding="utf-8")
    indexed = run("ingest", "docs", "--json", cwd=tmp_path, env=server.env)
    assert indexed.returncode == 0, indexed.stderr
    assert json.loads(indexed.stdout)["passages"] >= 2

    askers = [
        subprocess.Popen(
            [sys.executable, "-m", "answer", QUESTION, "--json"],
            cwd=tmp_path,
            env=server.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    for asker in askers:
        out, err = asker.communicate(timeout=300)
        assert asker.returncode == 0, err.decode("utf-8")
        assert cited_file(json.loads(out.decode("utf-8"))) == "kultur.txt"

    server.stop()
    with pytest.raises(IndexUnavailable, match=r"Chroma-server 127\.0\.0\.1"):
        Searcher.open(server.settings)
    server.start()

    searcher = Searcher.open(server.settings)
    assert searcher.passage_count == json.loads(indexed.stdout)["passages"]
    hits = searcher.search(QUESTION, top_k=1)
    assert Path(hits[0].source).name == "kultur.txt"
    assert set(hits[0].ranks) == {"bm25", "dense"}
