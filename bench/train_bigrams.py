"""``python -m bench.train_bigrams``: count the word pairs the repair weighs readings by.

Data: Swedish prose that is not the corpus and that no repair figure is scored on: the contexts
of SweQUAD-MC's *train* split (agency web texts; the dev split's prose scores the held-out
repair), SweFAQ's answers, and the invented council documents of ``bench/data/council``. Every
pair is kept: the file is small (``ingest/data/bigrams.tsv.gz``).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from bench.prose import other_prose
from bench.readings import SPLITS, contexts
from ingest.bigrams import SHIPPED, Bigrams

log = logging.getLogger("bench.train_bigrams")

OUT = Path("ingest/data") / SHIPPED


def texts() -> list[str]:
    return [*contexts(SPLITS["train"]), *other_prose()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    bigrams = Bigrams.from_texts(texts())
    bigrams.save(args.out)
    log.info(
        "%d par av %d ord → %s (%d byte)",
        len(bigrams.pairs),
        sum(bigrams.firsts.values()),
        args.out,
        args.out.stat().st_size,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
