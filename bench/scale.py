"""How search grows with the index: a synthetic corpus of N passages made from the real one.

``python -m bench.scale --n 10000,100000 [--out DIR] [--index-dir DIR]``: the real corpus is
indexed (or ``--index-dir`` names an index of it), then for each N a fresh Chroma index of N
passages is written from it (``bench.scale_corpus``: varied texts and metadata, the real
vectors perturbed, nothing embedded again) and searched by ~60 queries (the development
questions and two paraphrases of each) in a process of its own (``bench.scale_measure``), so
that the memory is that of an app-like process holding one index. Writes ``scale.md``,
``scale.json`` and ``scale.png`` to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.datasets import load_questions
from bench.scale_measure import Measurement
from bench.scale_report import ScalePoint, ScaleResult, extrapolate, markdown, metrics, write_chart
from index.build import index_paths
from index.lexical import QUESTION_WORDS, STOP, words
from index.settings import IndexSettings
from index.store import PassageStore

log = logging.getLogger(__name__)
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV = PROJECT_ROOT.parent / "shared/eval/corpus_dev.jsonl"


def queries(path: Path = DEV) -> list[str]:
    """The development questions, each also as bare keywords and reworded around them."""
    found: list[str] = []
    for q in load_questions(path):
        content = [w for w in words(q.question) if w not in STOP | QUESTION_WORDS]
        keywords = " ".join(content)
        found += [q.question, keywords, f"Vad står det i handlingarna om {keywords}?"]
    return found


def disk_mb(path: Path) -> float:
    used = sum(
        (Path(top) / name).stat().st_blocks * 512
        for top, _, names in os.walk(path)
        for name in names
    )
    return round(used / 2**20, 1)


def _worker(*args: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.scale_measure", *args]
    log.info("%s", " ".join(command[1:]))
    done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:1])} misslyckades:\n{done.stderr[-3000:]}")
    data: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return data


def measure_point(
    base: Path, work: Path, n: int, query_file: Path, seed: int, profile_open: bool = False
) -> ScalePoint:
    index = work / f"index-{n}"
    shutil.rmtree(index, ignore_errors=True)
    written = _worker(
        "write", "--base", str(base), "--index", str(index), "--n", str(n), "--seed", str(seed)
    )
    log.info("N=%d skrivet: %s", n, written)
    out = query_file.parent
    args = ["measure", "--index", str(index), "--queries", str(query_file)]
    args += ["--profile", str(out / f"scale-profile-{n}.txt")]
    if profile_open:
        args += ["--profile-open", str(out / f"scale-profile-{n}.open.txt")]
    measured = _worker(*args)
    point = ScalePoint(
        n=n,
        write_s=written["write_s"],
        add_s=written["add_s"],
        disk_mb=disk_mb(index),
        measured=Measurement.from_json(measured),
        bm25_s=written.get("bm25_s", 0.0),
    )
    (out / f"scale-point-{n}.json").write_text(json.dumps(asdict(point)), encoding="utf-8")
    return point


def run(ns: Sequence[int], out: Path, base: Path, seed: int = 0, keep: bool = False) -> ScaleResult:
    """Measure every N (smallest first); an N whose extrapolated memory exceeds what the
    machine has free is skipped, with the numbers why."""
    out.mkdir(parents=True, exist_ok=True)
    # The workers read a copy: the base may be open in this process (python -m bench).
    copy = out / "work" / "base"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(base, copy)
    base = copy
    asked = queries()
    query_file = out / "scale-queries.json"
    query_file.write_text(json.dumps(asked, ensure_ascii=False), encoding="utf-8")
    points: list[ScalePoint] = []
    skipped: list[str] = []
    for n in sorted(ns):
        so_far = ScaleResult(tuple(points), len(asked), 0)
        guess = extrapolate(so_far, n)
        if guess.get("peak MB", 0) > 0.8 * _available_mb():
            skipped.append(
                f"{n:,}: extrapolated peak RSS {guess['peak MB']:,.0f} MB, open "
                f"{guess.get('open s', 0):,.0f} s, write {guess.get('write s', 0):,.0f} s; "
                f"{_available_mb():,.0f} MB free"
            )
            continue
        first = n == min(ns)
        points.append(measure_point(base, out / "work", n, query_file, seed, first))
        log.info("N=%d: %s", n, metrics(points[-1]))
        if not keep:
            shutil.rmtree(out / "work" / f"index-{n}", ignore_errors=True)
    return ScaleResult(tuple(points), len(asked), _count(base), tuple(skipped))


def _available_mb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024
    return float("inf")


def _count(base: Path) -> int:
    return PassageStore.open(IndexSettings(path=base), {}).count()


def parse_ns(text: str) -> list[int]:
    """``10000,100k,1M`` → [10000, 100000, 1000000]."""
    scale = {"k": 1_000, "m": 1_000_000}
    found = []
    for part in text.replace("_", "").split(","):
        part = part.strip().lower()
        if part and part[-1] in scale:
            found.append(int(float(part[:-1]) * scale[part[-1]]))
        elif part:
            found.append(int(part))
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__)
    parser.add_argument("--n", type=parse_ns, default=[10_000, 100_000], help="t.ex. 10k,100k")
    parser.add_argument("--out", type=Path, default=Path("bench-out"))
    parser.add_argument("--index-dir", type=Path, help="ett färdigt index av corpus/")
    parser.add_argument("--corpus", type=Path, default=PROJECT_ROOT / "corpus")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="behåll de syntetiska indexen")
    parser.add_argument("--render", type=Path, help="skriv bara om scale.md/png ur en scale.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.render is not None:
        data = json.loads(args.render.read_text(encoding="utf-8"))
        write(ScaleResult.from_json(data), args.out)
        return 0
    base = args.index_dir
    if base is None:
        base = args.out / "scale-base"
        log.info("Indexerar %s i %s …", args.corpus, base)
        index_paths([args.corpus], IndexSettings(path=base))
    write(run(args.n, args.out, base, args.seed, args.keep), args.out)
    return 0


def write(result: ScaleResult, out: Path) -> None:
    """``scale.json``, ``scale.md`` and ``scale.png`` in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "scale.json").write_text(
        json.dumps(result.to_json(), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    (out / "scale.md").write_text(markdown(result), encoding="utf-8")
    if result.points:
        write_chart(result, out / "scale.png")
    log.info("Skrev %s", out / "scale.md")


if __name__ == "__main__":
    sys.exit(main())
