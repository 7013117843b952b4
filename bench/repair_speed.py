"""``python -m bench.repair_speed CORPUS``: words a second for repairing the damaged sample
file of ``CORPUS`` (both passes), with the words of the clean files other than its twin, as
ingestion has them once they are indexed. It prints one number.

The bench runs it in processes of their own: in the bench's process, what ran before (a chat
server, twenty clients, the LlamaIndex baseline) weighs on the timing and not on the repair.
"""

from __future__ import annotations

import logging
import statistics
import subprocess
import sys
import time
from pathlib import Path

from ingest.normalise import normalise_text
from ingest.vocabulary import Vocabulary

log = logging.getLogger("bench.repair")

ROOT = Path(__file__).resolve().parent.parent
DAMAGED = "002_3410898c3f7dd624.txt"
TWIN = "000_1932747f80ea1fd5.txt"
"""The clean text that the damaged file is a scan of: never in the repair's lexicon here."""
RUNS = 3
"""Repairs timed; their median is the speed (one run on a shared machine varies by ±15 %)."""


def words_per_second(corpus: Path) -> float:
    """One timed repair with a fresh vocabulary (its caches empty, as for the first damaged
    document of a run); the lexicon's prefix set, built once a process, is built first."""
    texts = [
        p.read_text(encoding="utf-8")
        for p in sorted(corpus.glob("*.txt"))
        if p.name not in (DAMAGED, TWIN)
    ]
    vocabulary = Vocabulary.from_texts(texts)
    vocabulary.prefixes()
    damaged = (corpus / DAMAGED).read_text(encoding="utf-8")
    began = time.perf_counter()
    normalise_text(damaged, vocabulary)
    return len(damaged.split()) / (time.perf_counter() - began)


def measure(corpus: Path, runs: int = RUNS) -> float:
    """The median of ``runs`` repairs, each in a new process."""
    speeds = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-m", "bench.repair_speed", str(corpus.resolve())],
            cwd=ROOT,
            capture_output=True,
            check=True,
            timeout=600,
        )
        speeds.append(float(done.stdout.decode("utf-8").split()[-1]))
        log.info("Reparationen: %.0f ord/s", speeds[-1])
    return statistics.median(speeds)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not (Path(args[0]) / DAMAGED).is_file():
        print(
            f"användning: python -m bench.repair_speed KORPUSMAPP (med {DAMAGED})", file=sys.stderr
        )
        return 2
    print(f"{words_per_second(Path(args[0])):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
