"""Answers to the invented council questions (``bench/data/council``): questions of the
kinds a council archive meets, about documents nobody tuned the answer step on.

An answerable question is right when the answer holds every key string and cites a document
that answers it; it is asked again of copies of the index without the documents that answer
it, in five folds, where it must be declined citing nothing, as must the questions no
document answers. Reported per set (each written apart) and in all.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from answer.compose import compose
from answer.selector import MODEL
from bench.answer_data import TOP_K, Asked, ask, folds, without
from bench.council_data import CouncilSet, load, right_answer
from bench.external import open_index
from bench.metrics import unanswerable_handled

log = logging.getLogger("bench.answers_council")

FOLDS = 5


@dataclass(frozen=True, slots=True)
class CouncilScores:
    group: str
    """A set's folder name, or ``all``."""
    answerable: int
    right: int
    to_decline: int
    declined: int

    @property
    def correct(self) -> float:
        return self.right / max(self.answerable, 1)

    @property
    def declined_share(self) -> float:
        return self.declined / max(self.to_decline, 1)


@dataclass(frozen=True, slots=True)
class CouncilResults:
    documents: int
    scores: tuple[CouncilScores, ...]


def asked(data: CouncilSet, work: Path) -> list[Asked]:
    """Every question asked of an index of all the documents, and each answerable one again
    of a copy without the documents that answer it."""
    searcher, _ = open_index("council", list(data.documents), work / "index")
    known = [q for q in data.questions if q.own]
    out = ask(searcher, known, present=True, top_k=TOP_K)
    out += ask(searcher, [q for q in data.questions if not q.own], present=False, top_k=TOP_K)
    for i, fold in enumerate(folds(known, FOLDS)):
        removed = {name for q in fold for name in q.sources}
        copy = without(work / "index", removed, work / f"without-{i}")
        out += ask(copy, fold, present=False, top_k=TOP_K)
    return out


def score(group: str, judged: Sequence[tuple[Asked, bool]]) -> CouncilScores:
    present = [ok for a, ok in judged if a.present]
    absent = [ok for a, ok in judged if not a.present]
    return CouncilScores(group, len(present), sum(present), len(absent), sum(absent))


def run(work: Path, data: CouncilSet | None = None) -> CouncilResults:
    """Today's composer on the council questions; the indexes are built under ``work``."""
    data = data or load()
    judged = []
    for a in asked(data, work):
        answer = compose(a.question.question, a.hits)
        if a.present:
            ok = right_answer(a.question, answer)
        else:
            ok = unanswerable_handled(answer.answered, len(answer.citations))
        judged.append((a, ok))
    groups = sorted(set(data.authors.values()))
    scores = [score(g, [j for j in judged if data.authors[j[0].question.id] == g]) for g in groups]
    overall = score("all", judged)
    log.info(
        "Nämndfrågor: %d av %d rätt besvarade, %d av %d avböjda",
        overall.right,
        overall.answerable,
        overall.declined,
        overall.to_decline,
    )
    return CouncilResults(len(data.documents), (*scores, overall))


def markdown(results: CouncilResults) -> list[str]:
    lines = [
        "## Answers on the invented council questions",
        "",
        f"Questions about {results.documents} council documents written for this project "
        "(`bench/data/council`, never the sample corpus): right when the answer holds every "
        "key string and cites a document that answers; asked again of copies without the "
        "documents that answer them, and the questions no document answers: right when "
        "declined, citing nothing.",
        "",
        "| set | answered right | declined when nothing answers |",
        "|---|---:|---:|",
    ]
    for s in results.scores:
        lines.append(
            f"| {s.group} | {s.correct:.3f} ({s.right}/{s.answerable}) | "
            f"{s.declined_share:.3f} ({s.declined}/{s.to_decline}) |"
        )
    return [*lines, "", *seen_note()]


def seen_note(model: Path = MODEL) -> list[str]:
    """The answer selector learned from these questions, so the table is of questions it has
    seen: its cross-validated figures (each set scored by a model that never saw that set)
    stand beside it."""
    about = json.loads(model.read_text(encoding="utf-8")).get("about", {})
    at = about.get("cv_at_threshold", {}).get("council")
    never = about.get("composed_right_cv", {}).get("council")
    if at is None or never is None:
        return []
    return [
        "The answer selector (`answer/data/selector.json`) was trained on these questions, so "
        "the table is of questions it has seen. Cross-validated, each set answered by a model "
        f"that never saw it: {at[0]:.3f} right and {at[1]:.3f} declined at the threshold; "
        f"{never:.3f} right when never declining.",
    ]


def main() -> int:
    import tempfile
    from dataclasses import asdict

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    with tempfile.TemporaryDirectory(prefix="bench-council-") as work:
        results = run(Path(work))
    print("\n".join(markdown(results)))
    print(json.dumps(asdict(results), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
