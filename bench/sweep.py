"""``python -m bench.sweep [--out DIR] [--quick] [--index-dir DIR]``: the fusion and
sentence-match weights swept, chosen on questions the report does not use.

Each index is built once (SweQUAD-MC and SweFAQ as ``bench.external`` builds them, the corpus
as ``python -m bench`` does); every setting is a ``Searcher`` over that same index, and each
question is embedded once, so a setting costs only its searches.

- Selection: SweQUAD-MC's 962 train questions (their texts are indexed beside the dev texts,
  the same relevance rule) and one half of SweFAQ's 110 questions.
- Report: SweQUAD-MC's 126 dev questions, the other half of SweFAQ, and the corpus's dev
  questions (the 18 answerable; never used to choose).
- SweFAQ's halves, by position in ``swefaq_dev.jsonl``: A the 1st, 3rd, 5th … question, B
  the 2nd, 4th …; fold 1 chooses on A and reports on B, fold 2 the other way round.
- The choice: the setting with the highest mean of the selection splits' nDCG@10 (SweQUAD-MC
  train and the SweFAQ half weigh the same); ties go to today's default, then to the earlier
  row of the grid.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from llama_index.core.embeddings import BaseEmbedding
from pydantic import PrivateAttr

from bench.__main__ import DEFAULT_CORPUS, DEFAULT_EVAL
from bench.datasets import Question, load_questions
from bench.external import TOP_K, from_hit, load_set, open_index, our_passages
from bench.external_data import ExternalQuestion, swequad_train, write_documents
from bench.external_score import Passage, Ranked, count_relevant, ndcg, rank
from bench.metrics import RETRIEVAL_DEPTH, hit_rank, is_hit
from bench.sweep_score import (
    CORPUS,
    FAQ_A,
    FAQ_ALL,
    FAQ_B,
    SQ_DEV,
    SQ_TRAIN,
    Score,
    Setting,
    Sweep,
    grid,
    halves,
    markdown,
    to_json,
)
from index.records import Hit
from index.search import Searcher

log = logging.getLogger("bench")

QUICK = {"train": 100, "dev": 40}
"""Questions asked with ``--quick`` (SweFAQ and the corpus are asked whole)."""


class RememberedQueries(BaseEmbedding):
    """An embedder that embeds each question once: every setting asks the same ones."""

    _inner: BaseEmbedding = PrivateAttr()
    _known: dict[str, list[float]] = PrivateAttr(default_factory=dict)

    def __init__(self, inner: BaseEmbedding) -> None:
        super().__init__(model_name=inner.model_name, embed_batch_size=inner.embed_batch_size)
        self._inner = inner

    @classmethod
    def class_name(cls) -> str:
        return "RememberedQueries"

    def _get_query_embedding(self, query: str) -> list[float]:
        if query not in self._known:
            self._known[query] = list(self._inner.get_query_embedding(query))
        return list(self._known[query])

    def _get_text_embedding(self, text: str) -> list[float]:
        return list(self._inner.get_text_embedding(text))

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)


@dataclass(frozen=True, slots=True)
class Probe:
    """A question to search, and how its hits score."""

    id: str
    query: str
    judge: Callable[[Sequence[Hit], float], Ranked]


def external_probe(question: ExternalQuestion, pool: Sequence[Passage]) -> Probe:
    """Scored as ``bench.external`` scores it."""
    total = count_relevant(question, pool)

    def judge(hits: Sequence[Hit], seconds: float) -> Ranked:
        return rank(question, [from_hit(h) for h in hits], total, seconds)

    return Probe(question.id, question.question, judge)


def corpus_probe(question: Question, searcher: Searcher) -> Probe:
    """Scored by ``python -m bench``'s hit rule; nDCG@10 with R the indexed passages that
    are hits."""
    total = sum(
        is_hit(str(p.get("source")), p.get("line_start"), p.get("line_end"), question)
        for p in searcher.passages
    )

    def judge(hits: Sequence[Hit], seconds: float) -> Ranked:
        flags = [is_hit(h.source, h.line_start, h.line_end, question) for h in hits]
        first = hit_rank(hits, question)
        return Ranked(question.id, first, ndcg(flags[:RETRIEVAL_DEPTH], total), total, seconds)

    return Probe(question.id, question.question, judge)


def sweep(
    name: str, searcher: Searcher, probes: Sequence[Probe], settings: Sequence[Setting]
) -> dict[Setting, dict[str, Ranked]]:
    """Every probe searched with every setting over the one index."""
    outcomes: dict[Setting, dict[str, Ranked]] = {}
    for n, setting in enumerate(settings, 1):
        began = time.perf_counter()
        tuned = setting.applied(searcher)
        found = outcomes[setting] = {}
        for probe in probes:
            start = time.perf_counter()
            hits = tuned.search(probe.query, top_k=TOP_K)
            found[probe.id] = probe.judge(hits, time.perf_counter() - start)
        log.info(
            "%s: inställning %d av %d (%s): nDCG@10 %.3f på %.0f s",
            name,
            n,
            len(settings),
            setting.label,
            Score.of(list(found.values())).ndcg_at_10,
            time.perf_counter() - began,
        )
    return outcomes


def remembering(name: str, paths: Sequence[Path], folder: Path) -> tuple[Searcher, float]:
    """``bench.external.open_index`` with each question embedded once; and the seconds it
    took to index."""
    searcher, built = open_index(name, paths, folder)
    return replace(searcher, embedder=RememberedQueries(searcher.embedder)), built.seconds


@dataclass(frozen=True, slots=True)
class Indexed:
    """One index, the questions asked of it and the splits they fall in."""

    name: str
    searcher: Searcher
    probes: tuple[Probe, ...]
    splits: Mapping[str, tuple[str, ...]]
    seconds: float


def swequad(work: Path, quick: bool) -> Indexed:
    data = load_set("swequad")
    write_documents(data.documents, work / "docs")
    searcher, seconds = remembering(data.name, [work / "docs"], work / "index")
    pool = our_passages(searcher)
    train, dev = swequad_train(data), data.questions
    if quick:
        train, dev = train[: QUICK["train"]], dev[: QUICK["dev"]]
    probes = tuple(external_probe(q, pool) for q in (*train, *dev))
    splits = {SQ_TRAIN: _ids(train), SQ_DEV: _ids(dev)}
    return Indexed(data.name, searcher, probes, splits, seconds)


def swefaq(work: Path, quick: bool) -> Indexed:
    data = load_set("swefaq")
    write_documents(data.documents, work / "docs")
    searcher, seconds = remembering(data.name, [work / "docs"], work / "index")
    pool = our_passages(searcher)
    probes = tuple(external_probe(q, pool) for q in data.questions)
    first, second = halves(_ids(data.questions))
    splits = {FAQ_A: first, FAQ_B: second, FAQ_ALL: first + second}
    return Indexed(data.name, searcher, probes, splits, seconds)


def corpus(work: Path, quick: bool) -> Indexed:
    questions = tuple(q for q in load_questions(DEFAULT_EVAL) if q.answerable)
    searcher, seconds = remembering(CORPUS, [DEFAULT_CORPUS], work / "index")
    probes = tuple(corpus_probe(q, searcher) for q in questions)
    return Indexed(CORPUS, searcher, probes, {CORPUS: _ids(questions)}, seconds)


def _ids(questions: Sequence[ExternalQuestion | Question]) -> tuple[str, ...]:
    return tuple(q.id for q in questions)


SETS: Mapping[str, Callable[[Path, bool], Indexed]] = {
    "swequad": swequad,
    "swefaq": swefaq,
    "corpus": corpus,
}


def run(work: Path, quick: bool = False) -> Sweep:
    """Every set indexed under ``work/<set>`` (unchanged files skipped), then swept."""
    began = time.perf_counter()
    settings = grid()
    outcomes: dict[Setting, dict[str, Ranked]] = {s: {} for s in settings}
    splits: dict[str, tuple[str, ...]] = {}
    notes = []
    for key, build in SETS.items():
        indexed = build(work / key, quick)
        swept = time.perf_counter()
        for setting, found in sweep(
            indexed.name, indexed.searcher, indexed.probes, settings
        ).items():
            outcomes[setting].update(found)
        splits.update(indexed.splits)
        notes.append(
            f"{indexed.name}: {indexed.searcher.passage_count} passages, indexed in "
            f"{indexed.seconds:.0f} s (0 s when kept), {len(settings)} settings × "
            f"{len(indexed.probes)} questions searched in {time.perf_counter() - swept:.0f} s."
        )
    notes.append(f"The whole run: {time.perf_counter() - began:.0f} s.")
    table = {
        s: {name: Score.of([outcomes[s][i] for i in ids]) for name, ids in splits.items()}
        for s in settings
    }
    return Sweep(table, {name: len(ids) for name, ids in splits.items()}, tuple(notes), quick)


def write(result: Sweep, out: Path) -> tuple[Path, Path]:
    """``sweep.md`` and ``sweep.json`` in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    report, data = out / "sweep.md", out / "sweep.json"
    report.write_text("\n".join(markdown(result)), encoding="utf-8")
    text = json.dumps(to_json(result), ensure_ascii=False, indent=2)
    data.write_text(text + "\n", encoding="utf-8")
    return report, data


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.sweep",
        description="Svep vikterna för BM25, täta vektorer och meningsmatchningen; välj på "
        "frågor som rapporten inte använder.",
    )
    parser.add_argument("--out", type=Path, default=Path("bench-out"), help="utmapp")
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"färre frågor ({QUICK['train']} SweQUAD-train, {QUICK['dev']} SweQUAD-dev)",
    )
    parser.add_argument(
        "--index-dir",
        type=Path,
        default=None,
        help="indexera i DIR/<mängd> och behåll det (en ny körning återanvänder det)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    if args.index_dir is not None:
        result = run(args.index_dir, args.quick)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-sweep-", ignore_cleanup_errors=True) as t:
            result = run(Path(t), args.quick)
    report, data = write(result, args.out)
    log.info("Skrev %s och %s", report, data)
    print(report.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
