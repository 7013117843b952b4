"""``python -m bench.train_selector``: learn which sentence answers and when to decline.

Data: SweQUAD-MC's 962 training questions (the dev questions are never read here), asked of an
index of every SweQUAD-MC text (answerable: their own text is there), and asked again, in five
folds, of copies of that index without the fold's texts and the texts repeating their answers'
sentences (unanswerable); the same for the invented council questions (``bench/data/council``),
whose questions no document answers are unanswerable everywhere. Each candidate sentence of the
top five passages is labelled by whether it holds a correct choice (SweQUAD-MC) or every key
string (council) and comes from a text that counts; the two domains weigh the same.

Models: a logistic regression over ``answer.features.SENTENCE_FEATURES`` scores sentences; a
second one over ``QUESTION_FEATURES`` (which include the first's best score) says whether the
best sentence answers. Their regularisation, and the decline threshold, are chosen by five-fold
cross-validation grouped by text (SweQUAD-MC) or by set (council: each folder written apart),
so no text's or set's questions are both fitted and scored; the threshold
is the one whose out-of-fold answers are right on the most answerable questions (the mean over
the domains) while declining at least ``DECLINE_FLOOR`` of the council questions no document
answers. The model is written to
``answer/data/selector.json`` with the cross-validation figures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import pickle
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.model_selection import GroupKFold

from answer.asks import asks
from answer.compose import compose
from answer.features import (
    QUESTION_FEATURES,
    SENTENCE_FEATURES,
    Candidate,
    candidates,
    passage_sentences,
    question_features,
)
from answer.question import analyse
from answer.records import Citation
from answer.selector import MODEL, Linear, Selector
from answer.sentences import split_sentences
from bench.answer_data import Asked, ask, folds, holds_answer, without
from bench.answers_swequad import right_answer
from bench.council_data import DATA as COUNCIL
from bench.council_data import CouncilSet
from bench.council_data import load as load_council
from bench.council_data import right_answer as right_council
from bench.external import load_set, open_index
from bench.external_data import ExternalSet, swequad_train, write_documents
from bench.logistic import fit_logistic
from bench.metrics import basename
from index.search import Searcher
from index.settings import IndexSettings

log = logging.getLogger("bench.train_selector")

FOLDS = 5
C_GRID = (0.01, 0.03, 0.1, 1.0)
RATIO_GRID = (0.35, 0.5, 0.65, 0.8, 0.9, 1.0)
"""How near the best sentence's chance another must come to join the answer (never declined;
chosen by right answers plus clean ones, ``train``)."""
WORK = Path("bench-out/selector")
PRODUCT = "council"
DECLINE_FLOOR = 2 / 3
"""The operating point: in the product's domain (council documents) at least this share of
the questions no document answers is declined (the rate of the hand-written step the selector
replaced, 0.672 on the council questions); among the thresholds that reach it, the one with the
most right answers (mean over the domains) is chosen."""


@dataclass(frozen=True, slots=True)
class Example:
    """One asked question as the models see it."""

    asked: Asked
    candidates: tuple[Candidate, ...]
    rows: npt.NDArray[np.float64]
    labels: npt.NDArray[np.bool_]
    group: str
    domain: str
    """``swequad`` or ``council``: which rule judges its answer, and which share of the
    weight it carries."""


def example(asked: Asked, domain: str, group: str | None = None) -> Example:
    q = asked.question
    question = analyse(q.question)
    passages = [
        passage_sentences(hit, rank, split_sentences(hit.text))
        for rank, hit in enumerate(asked.hits)
    ]
    found = candidates(question, asks(q.question), passages)
    rows = np.asarray([c.features for c in found], dtype=np.float64).reshape(
        len(found), len(SENTENCE_FEATURES)
    )
    labels = np.asarray([holds_answer(q, c.hit.source, c.sentence.text) for c in found], bool)
    return Example(asked, tuple(found), rows, labels, group or q.own, domain)


def retrieve(work: Path) -> list[Asked]:
    """Every training question asked with and without its text (cached in ``work``)."""
    cache = work / "asked.pickle"
    if cache.is_file():
        loaded: list[Asked] = pickle.loads(cache.read_bytes())
        return loaded
    data = load_set("swequad")
    searcher = index_of(data, work)
    questions = swequad_train(data)
    asked = ask(searcher, questions, present=True)
    log.info("%d frågor ställda mot hela indexet", len(asked))
    for i, fold in enumerate(folds(questions, FOLDS)):
        removed = {name for q in fold for name in q.sources}
        copy = without(work / "index", removed, work / f"without-{i}")
        asked += ask(copy, fold, present=False)
        log.info("Del %d: %d frågor ställda utan sina texter", i + 1, len(fold))
    cache.write_bytes(pickle.dumps(asked))
    return asked


def retrieve_council(work: Path, data: CouncilSet) -> list[Asked]:
    """The invented council questions asked of an index of their documents, and each
    answerable one again, in folds, of a copy without the documents that answer it (cached
    in ``work``, keyed by the questions)."""
    key = hashlib.sha256(repr(data).encode("utf-8")).hexdigest()[:16]
    cache = work / f"council-{key}.pickle"
    if cache.is_file():
        loaded: list[Asked] = pickle.loads(cache.read_bytes())
        return loaded
    folder = work / f"council-{key}"
    searcher, _ = open_index("council", list(data.documents), folder / "index")
    known = [q for q in data.questions if q.own]
    asked = ask(searcher, known, present=True)
    asked += ask(searcher, [q for q in data.questions if not q.own], present=False)
    for i, fold in enumerate(folds(known, FOLDS)):
        removed = {name for q in fold for name in q.sources}
        copy = without(folder / "index", removed, folder / f"without-{i}")
        asked += ask(copy, fold, present=False)
    log.info("Nämndfrågor: %d ställda", len(asked))
    cache.write_bytes(pickle.dumps(asked))
    return asked


def index_of(data: ExternalSet, work: Path) -> Searcher:
    """The index of every SweQUAD-MC text in ``work/index``: built there when missing."""
    if not (work / "index").is_dir():
        write_documents(data.documents, work / "docs")
        open_index(data.name, [work / "docs"], work / "index")
    return Searcher.open(IndexSettings(path=work / "index"))


RIGHT = {"swequad": right_answer, "council": right_council}
"""How each domain's answers are judged: a correct choice in a short answer (SweQUAD-MC), or
every key string (the council questions, as the corpus questions are judged)."""


def domain_weights(examples: Sequence[Example]) -> npt.NDArray[np.float64]:
    """Per example: each domain carries the same total weight, however many examples it has
    (the few council questions count as much as SweQUAD-MC's many)."""
    counts: dict[str, int] = {}
    for e in examples:
        counts[e.domain] = counts.get(e.domain, 0) + 1
    total = len(examples) / len(counts)
    return np.asarray([total / counts[e.domain] for e in examples], dtype=np.float64)


def _sentence_fit(examples: Sequence[Example], weights: Sequence[float], c: float) -> Linear:
    kept = [(e, w) for e, w in zip(examples, weights, strict=True) if e.rows.size]
    return fit_logistic(
        np.vstack([e.rows for e, _ in kept]),
        np.concatenate([e.labels for e, _ in kept]),
        c,
        np.concatenate([np.full(len(e.rows), w) for e, w in kept]),
    )


def _top1(examples: Sequence[Example], logits: Sequence[npt.NDArray[np.float64]]) -> float:
    """The share of answerable examples whose best-scored sentence holds the answer."""
    right = [bool(e.labels[int(np.argmax(s))]) for e, s in zip(examples, logits, strict=True)]
    return sum(right) / max(len(right), 1)


def sentence_oof(
    examples: Sequence[Example], c: float
) -> tuple[list[npt.NDArray[np.float64]], list[Linear], dict[str, float]]:
    """Out-of-fold sentence logits for every example, the model that scored each, and per
    domain the top-1 accuracy on those that can be answered (a candidate holds the answer)."""
    splitter = GroupKFold(n_splits=FOLDS)
    groups = [e.group for e in examples]
    weights = domain_weights(examples)
    logits: list[npt.NDArray[np.float64]] = [np.zeros(0)] * len(examples)
    models: list[Linear] = []
    fitted_by: list[int] = [0] * len(examples)
    for fold, (fit_idx, score_idx) in enumerate(
        splitter.split(np.zeros(len(examples)), groups=groups)
    ):
        model = _sentence_fit([examples[i] for i in fit_idx], [weights[i] for i in fit_idx], c)
        models.append(_named(model, SENTENCE_FEATURES))
        for i in score_idx:
            logits[i] = model.logits(examples[i].rows)
            fitted_by[i] = fold
    top1 = {}
    for domain in sorted({e.domain for e in examples}):
        chosen = [i for i, e in enumerate(examples) if e.domain == domain and e.labels.any()]
        top1[domain] = _top1([examples[i] for i in chosen], [logits[i] for i in chosen])
    return logits, [models[f] for f in fitted_by], top1


_NEVER_DECLINE = Linear(
    QUESTION_FEATURES,
    np.zeros(len(QUESTION_FEATURES)),
    np.ones(len(QUESTION_FEATURES)),
    np.zeros(len(QUESTION_FEATURES)),
    0.0,
)


def composed(
    examples: Sequence[Example], models: Sequence[Linear], extra_ratio: float
) -> tuple[list[bool], list[bool], list[bool]]:
    """Each example answered by the real composer with the sentence model that did not see
    it and no decline threshold: whether it gave an answer, whether that answer is right (by
    its domain's rule, ``RIGHT``; never right when the text was removed), and whether it is
    also clean: every document it cites answers the question (a sentence from a passage that
    does not belong makes a right answer unclean)."""
    given, right, clean = [], [], []
    for e, model in zip(examples, models, strict=True):
        selector = Selector(model, _NEVER_DECLINE, float("-inf"), extra_ratio)
        answer = compose(e.asked.question.question, e.asked.hits, selector=selector)
        given.append(answer.answered)
        ok = e.asked.present and RIGHT[e.domain](e.asked.question, answer)
        right.append(ok)
        sources = e.asked.question.sources
        clean.append(ok and all(_cites_one_of(c, sources) for c in answer.citations))
    return given, right, clean


def _cites_one_of(citation: Citation, sources: frozenset[str]) -> bool:
    return any(basename(name) in sources for name in (citation.source, *citation.also))


def question_rows(
    examples: Sequence[Example], logits: Sequence[npt.NDArray[np.float64]]
) -> npt.NDArray[np.float64]:
    """What the answerability model sees of each example."""
    rows = []
    for e, s in zip(examples, logits, strict=True):
        q = e.asked.question.question
        rows.append(question_features(analyse(q), asks(q), e.candidates, list(s)))
    return np.vstack(rows)


def answerable_oof(
    rows: npt.NDArray[np.float64],
    labels: npt.NDArray[np.bool_],
    groups: Sequence[str],
    c: float,
    weights: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    out = np.zeros(len(rows))
    for fit_idx, score_idx in GroupKFold(n_splits=FOLDS).split(rows, groups=groups):
        model = fit_logistic(rows[fit_idx], labels[fit_idx], c, weights[fit_idx])
        out[score_idx] = model.logits(rows[score_idx])
    return out


@dataclass(frozen=True, slots=True)
class Point:
    """One threshold: answerable questions answered right, unanswerable ones declined, per
    domain."""

    threshold: float
    rates: dict[str, tuple[float, float]]

    @property
    def eligible(self) -> bool:
        """It declines enough of the product's unanswerable questions."""
        return self.rates[PRODUCT][1] >= DECLINE_FLOOR

    @property
    def worth(self) -> tuple[bool, float]:
        """Eligible first, then the mean right rate over the domains."""
        return self.eligible, sum(c for c, _ in self.rates.values()) / len(self.rates)


def curve(
    logits: npt.NDArray[np.float64],
    right: npt.NDArray[np.bool_],
    present: npt.NDArray[np.bool_],
    given: npt.NDArray[np.bool_],
    domains: npt.NDArray[np.str_],
) -> list[Point]:
    """Correct and declined rates per domain as the decline threshold moves over the logits
    seen (an answer the composer declines by itself stays declined)."""
    points = []
    for t in np.unique(np.round(logits, 2)):
        answered = (logits >= t) & given
        rates = {}
        for domain in sorted(set(domains.tolist())):
            mine = domains == domain
            asked, absent = present & mine, ~present & mine
            correct = float((answered & right & asked).sum() / max(asked.sum(), 1))
            declined = float((~answered & absent).sum() / max(absent.sum(), 1))
            rates[str(domain)] = (correct, declined)
        points.append(Point(float(t), rates))
    return points


def train(work: Path, council: CouncilSet) -> tuple[Selector, dict[str, Any]]:
    began = time.perf_counter()
    examples = [example(a, "swequad") for a in retrieve(work)]
    # A council question is grouped by its folder: each is scored by models that never saw
    # its author's documents or questions.
    examples += [
        example(a, "council", f"council-{council.authors[a.question.id]}")
        for a in retrieve_council(work, council)
    ]
    log.info("%d exempel, %d kandidatmeningar", len(examples), sum(len(e.rows) for e in examples))
    weights = domain_weights(examples)
    by_c = {c: sentence_oof(examples, c) for c in C_GRID}
    sentence_c = max(C_GRID, key=lambda c: sum(by_c[c][2].values()))
    logits, models, _ = by_c[sentence_c]
    domains = np.asarray([e.domain for e in examples])
    present = np.asarray([e.asked.present for e in examples], dtype=bool)
    by_ratio = {r: composed(examples, models, r) for r in RATIO_GRID}

    def right_rate(ratio: float, domain: str, clean: bool) -> float:
        """Answers right (``clean``: and citing only documents that answer)."""
        right = np.asarray(by_ratio[ratio][2 if clean else 1], dtype=bool)
        return float(right[present & (domains == domain)].mean())

    def worth(ratio: float) -> float:
        """Right answers count once and clean ones once more: a ratio that lets stray
        sentences join is not rewarded for the keys they happen to hold, nor one that cuts
        answers short for being clean."""
        return sum(right_rate(ratio, d, False) + right_rate(ratio, d, True) for d in names)

    names = sorted(set(domains.tolist()))
    extra_ratio = max(RATIO_GRID, key=worth)
    gave, was_right, _ = by_ratio[extra_ratio]
    rows = question_rows(examples, logits)
    labels = np.asarray(was_right, dtype=bool)
    given = np.asarray(gave, dtype=bool)
    groups = [e.group for e in examples]
    best: tuple[float, Point, list[Point]] | None = None
    for c in C_GRID:
        oof = answerable_oof(rows, labels, groups, c, weights)
        points = curve(oof, labels, present, given, domains)
        top = max(points, key=lambda p: p.worth)
        if best is None or top.worth > best[1].worth:
            best = (c, top, points)
    assert best is not None
    answer_c, chosen, points = best
    sentence = _sentence_fit(examples, list(weights), sentence_c)
    # The answerability model is fitted on out-of-fold sentence scores, as it meets them.
    answerable = fit_logistic(rows, labels, answer_c, weights)
    selector = Selector(
        sentence=_named(sentence, SENTENCE_FEATURES),
        answerable=_named(answerable, QUESTION_FEATURES),
        threshold=chosen.threshold,
        extra_ratio=extra_ratio,
    )
    never = {
        d: round(float(labels[present & (domains == d)].mean()), 4) for d in sorted(set(domains))
    }
    about = {
        "data": "SweQUAD-MC train questions and the invented council questions "
        "(bench/data/council): answerable against all their texts, unanswerable against "
        f"{FOLDS} copies without their fold's texts, and the council questions no document "
        "answers; each domain weighs the same",
        "examples": {d: int((domains == d).sum()) for d in sorted(set(domains))},
        "answerable_examples": {d: int((present & (domains == d)).sum()) for d in never},
        "sentence_top1_cv": {
            str(c): {d: round(x, 4) for d, x in by_c[c][2].items()} for c in C_GRID
        },
        "composed_right_cv": never,
        "sentence_c": sentence_c,
        "extra_ratio_cv": {
            str(r): {
                d: [round(right_rate(r, d, False), 4), round(right_rate(r, d, True), 4)]
                for d in names
            }
            for r in RATIO_GRID
        },
        "extra_ratio_cv_columns": ["right", "right and clean"],
        "answerable_c": answer_c,
        "operating_point": f"the most right answers while declining at least {DECLINE_FLOOR:.3f} "
        f"of the {PRODUCT} questions no document answers",
        "cv_at_threshold": {d: [round(x, 4) for x in r] for d, r in chosen.rates.items()},
        "curve": [
            [round(p.threshold, 2), *(round(x, 4) for d in sorted(p.rates) for x in p.rates[d])]
            for p in points
        ],
        "curve_columns": ["threshold"]
        + [f"{d} {m}" for d in sorted(chosen.rates) for m in ("correct", "declined")],
        "seconds": round(time.perf_counter() - began, 1),
    }
    return selector, about


def _named(model: Linear, features: tuple[str, ...]) -> Linear:
    return Linear(features, model.mean, model.scale, model.coef, model.intercept)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.train_selector", description=__doc__)
    parser.add_argument("--work", type=Path, default=WORK, help=f"arbetsmapp (standard {WORK})")
    parser.add_argument("--out", type=Path, default=MODEL, help=f"modellen (standard {MODEL})")
    parser.add_argument(
        "--council", type=Path, default=COUNCIL, help=f"nämndfrågorna (standard {COUNCIL})"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args.work.mkdir(parents=True, exist_ok=True)
    selector, about = train(args.work, load_council(args.council))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    data = selector.to_json(about)
    args.out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    shown = {k: v for k, v in about.items() if k != "curve"}
    print(json.dumps(shown, ensure_ascii=False, indent=1))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
