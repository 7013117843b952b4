"""The weight sweep's settings, splits and choice, and its report (``python -m bench.sweep``).

SweFAQ's halves are by position in ``swefaq_dev.jsonl``: A the 1st, 3rd, 5th … question, B the
2nd, 4th …. Fold 1 chooses on SweQUAD-MC train and SweFAQ A and reports on SweQUAD-MC dev,
SweFAQ B and the corpus; fold 2 the same with the halves swapped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from bench.external_score import Ranked, SystemScores
from index.search import FUSION_WEIGHTS, SENTENCE_WEIGHT, Searcher

BM25_WEIGHTS = (0.5, 0.55, 0.6, 0.65, 0.7, 0.8)
SENTENCE_WEIGHTS = (0.0, 0.05, 0.1, 0.15, 0.2)
SQ_TRAIN, SQ_DEV = "SweQUAD-MC train", "SweQUAD-MC dev"
FAQ_A, FAQ_B, FAQ_ALL = "SweFAQ A", "SweFAQ B", "SweFAQ all"
CORPUS = "corpus"
CRITERION = (
    "the mean of nDCG@10 on the two selection splits, SweQUAD-MC train and one SweFAQ half "
    "(each weighs one half whatever its size); ties go to today's default, then to the "
    "earlier row"
)


@dataclass(frozen=True, slots=True)
class Setting:
    bm25: float
    sentence: float
    fusion: str = "convex"

    @property
    def dense(self) -> float:
        return round(1.0 - self.bm25, 6)

    @property
    def label(self) -> str:
        if self.fusion == "rrf":
            return "RRF (k=60, no sentence match)"
        return f"BM25 {self.bm25:.2f} / dense {self.dense:.2f}, sentence {self.sentence:.2f}"

    def applied(self, searcher: Searcher) -> Searcher:
        """The same index searched with this setting's weights."""
        weights = {"bm25": self.bm25, "dense": self.dense}
        return replace(
            searcher, fusion=self.fusion, fusion_weights=weights, sentence_weight=self.sentence
        )


DEFAULT = Setting(FUSION_WEIGHTS["bm25"], SENTENCE_WEIGHT)
RRF = Setting(0.5, 0.0, "rrf")


@dataclass(frozen=True, slots=True)
class Fold:
    name: str
    selection: tuple[str, ...]
    report: tuple[str, ...]


FOLDS = (
    Fold("1", (SQ_TRAIN, FAQ_A), (SQ_DEV, FAQ_B, CORPUS)),
    Fold("2", (SQ_TRAIN, FAQ_B), (SQ_DEV, FAQ_A, CORPUS)),
)


@dataclass(frozen=True, slots=True)
class Score:
    ndcg_at_10: float
    hit_at_5: float
    mrr_at_10: float
    questions: int

    @classmethod
    def of(cls, outcomes: Sequence[Ranked]) -> Score:
        scores = SystemScores("", 0, tuple(outcomes))
        return cls(scores.ndcg_at_10, scores.hit_at(5), scores.mrr_at_10, len(outcomes))


Table = Mapping[Setting, Mapping[str, Score]]
"""Each setting's score on each split."""


def grid() -> tuple[Setting, ...]:
    """Every BM25 weight with every sentence weight, then RRF."""
    convex = tuple(Setting(b, s) for b in BM25_WEIGHTS for s in SENTENCE_WEIGHTS)
    return (*convex, RRF)


def halves(ids: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """SweFAQ's two halves: the 1st, 3rd … question and the 2nd, 4th …"""
    return tuple(ids[0::2]), tuple(ids[1::2])


def criterion(scores: Mapping[str, Score], selection: Sequence[str]) -> float:
    return sum(scores[name].ndcg_at_10 for name in selection) / len(selection)


def choose(table: Table, selection: Sequence[str], default: Setting = DEFAULT) -> Setting:
    """The setting with the best criterion on ``selection``; ties to ``default``, then to the
    first in the table's order."""
    return max(table, key=lambda s: (criterion(table[s], selection), s == default))


@dataclass(frozen=True, slots=True)
class Sweep:
    table: Table
    splits: Mapping[str, int]
    """Questions in each split."""
    notes: tuple[str, ...]
    quick: bool


def cell(score: Score) -> str:
    return f"{score.ndcg_at_10:.3f} ({score.hit_at_5:.3f})"


def name_of(setting: Setting) -> str:
    return f"{setting.label} (today's default)" if setting == DEFAULT else setting.label


def fold_lines(result: Sweep, fold: Fold) -> list[str]:
    """One fold's table: every setting, the chosen one in bold, and the verdict."""
    chosen = choose(result.table, fold.selection)
    head = [*(f"{n} (select)" for n in fold.selection), "criterion"]
    head += [f"{n} (report)" for n in fold.report]
    lines = [
        f"### Fold {fold.name}: chosen on {' + '.join(fold.selection)}, "
        f"reported on {', '.join(fold.report)}",
        "",
        "| setting | " + " | ".join(head) + " |",
        "|---|" + "---:|" * len(head),
    ]
    for setting, scores in result.table.items():
        cells = [name_of(setting), *(cell(scores[n]) for n in fold.selection)]
        cells.append(f"{criterion(scores, fold.selection):.4f}")
        cells += [cell(scores[n]) for n in fold.report]
        if setting == chosen:
            cells = [f"**{c}**" for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, "", verdict(result.table, fold, chosen), ""]


def verdict(table: Table, fold: Fold, chosen: Setting) -> str:
    same = "today's default" if chosen == DEFAULT else f"not today's default ({DEFAULT.label})"
    against = "; ".join(
        f"{n} {cell(table[chosen][n])} against {cell(table[DEFAULT][n])}" for n in fold.report
    )
    return (
        f"Fold {fold.name} chose **{chosen.label}**, {same}. On the report splits, "
        f"nDCG@10 (hit@5), chosen against the default: {against}."
    )


def markdown(result: Sweep) -> list[str]:
    counts = ", ".join(f"{name} {n}" for name, n in result.splits.items())
    lines = [
        "## Weight sweep (`python -m bench.sweep`)",
        "",
        "Each cell: nDCG@10 (hit@5), binary relevance; the corpus by `python -m bench`'s hit "
        "rule, its answerable questions only. SweFAQ A is its 1st, 3rd, 5th … question, B "
        f"its 2nd, 4th …. Questions: {counts}. The choice: {CRITERION}.",
        "",
    ]
    if result.quick:
        lines += ["**--quick: fewer questions; not for reporting.**", ""]
    for fold in FOLDS:
        lines += fold_lines(result, fold)
    lines += [
        "### The development sets whole (the README's sweep; chosen on them, not a test)",
        "",
        f"| setting | {SQ_DEV} | {FAQ_ALL} | corpus hit@5 / MRR@10 |",
        "|---|---:|---:|---:|",
    ]
    for setting, s in result.table.items():
        lines.append(
            f"| {name_of(setting)} | {cell(s[SQ_DEV])} | {cell(s[FAQ_ALL])} "
            f"| {s[CORPUS].hit_at_5:.2f} / {s[CORPUS].mrr_at_10:.3f} |"
        )
    return [*lines, "", *(f"- {note}" for note in result.notes), ""]


def to_json(result: Sweep) -> dict[str, Any]:
    folds = []
    for fold in FOLDS:
        chosen = choose(result.table, fold.selection)
        folds.append({**asdict(fold), "chosen": chosen.label, "is_default": chosen == DEFAULT})
    settings = [
        {
            "label": s.label,
            **asdict(s),
            "dense": s.dense,
            "default": s == DEFAULT,
            "scores": {name: asdict(score) for name, score in scores.items()},
        }
        for s, scores in result.table.items()
    ]
    return {
        "criterion": CRITERION,
        "quick": result.quick,
        "splits": dict(result.splits),
        "folds": folds,
        "settings": settings,
        "notes": list(result.notes),
    }
