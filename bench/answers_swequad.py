"""Answers on SweQUAD-MC's dev questions: right when their text is indexed, declined when not.

Two indexes: every SweQUAD-MC text (dev and train), and a copy without the dev texts. An answer
to a dev question asked of the first is correct when it is given (``answered``), holds at most
``MAX_ANSWER`` characters apart from its ``[n]`` markers, holds a correct choice as whole words
(case folded) and cites the question's own text or a text repeating the sentence that holds the
answer. Asked of the second, a question that no remaining text answers must be declined, citing
nothing. A simple baseline answers beside ours: the sentence of the top passage that shares the
most of the question's words. The curve shows both rates as the decline threshold moves.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from answer.asks import asks
from answer.cite import citation
from answer.compose import compose
from answer.evidence import stems
from answer.question import analyse
from answer.records import Answer
from answer.selector import Selector, load
from answer.sentences import split_sentences
from bench.answer_data import TOP_K, cites_one_of, without
from bench.external_data import ExternalQuestion
from bench.external_score import holds_words
from bench.metrics import basename, unanswerable_handled
from index.records import Hit
from index.search import Searcher

log = logging.getLogger("bench.answers")

MAX_ANSWER = 400
MARKER = re.compile(r"\s*\[\d+\]")
NAIVE = "top passage's sentence sharing most question words"
OURS = "ours (learned selector)"


@dataclass(frozen=True, slots=True)
class Judged:
    """One dev question's answer, judged."""

    id: str
    present: bool
    """Asked of the index holding its text."""
    answered: bool
    correct: bool
    """Answerable and answered right, or unanswerable and declined citing nothing."""
    logit: float
    """The answerability logit (ours) or 0 (the baseline)."""
    forced_right: bool
    """The answer given when the threshold is switched off is right (for the curve)."""
    forced_answered: bool
    """That answer was given (a name the passages lack still declines it)."""


@dataclass(frozen=True, slots=True)
class AnswerScores:
    system: str
    judged: tuple[Judged, ...]

    @property
    def correct(self) -> float:
        asked = [j for j in self.judged if j.present]
        return sum(j.correct for j in asked) / max(len(asked), 1)

    @property
    def declined(self) -> float:
        absent = [j for j in self.judged if not j.present]
        return sum(j.correct for j in absent) / max(len(absent), 1)


def right_answer(question: ExternalQuestion, answer: Answer) -> bool:
    """Answered, short, holding a correct choice, citing a text that counts."""
    if not answer.answered:
        return False
    bare = MARKER.sub("", answer.text)
    if len(bare) > MAX_ANSWER:
        return False
    if not any(holds_words(bare, span.text) for span in question.spans):
        return False
    return cites_one_of(answer, question.sources)


def naive(question: str, hits: Sequence[Hit]) -> Answer:
    """The sentence of the top passage that shares the most question words, cited."""
    if not hits:
        return Answer(question, False, "", (), ())
    wanted = analyse(question).stems
    top = hits[0]
    sentences = split_sentences(top.text)
    best = max(sentences, key=lambda s: len(wanted & stems(s.text)), default=None)
    if best is None:
        return Answer(question, False, "", (), tuple(hits))
    cited = citation(1, top, best.start, best.end, ())
    return Answer(question, True, f"{best.text} [1]", (cited,), tuple(hits))


Answerer = Callable[[str, Sequence[Hit]], tuple[Answer, float, Answer]]
"""question, hits → (the answer, its answerability logit, the answer never declined)."""


def ours(selector: Selector) -> Answerer:
    never = replace(selector, threshold=float("-inf"))

    def answer(question: str, hits: Sequence[Hit]) -> tuple[Answer, float, Answer]:
        given = compose(question, hits, selector=selector)
        logit = selector.rank(analyse(question), asks(question), hits).logit
        return given, logit, compose(question, hits, selector=never)

    return answer


def baseline(question: str, hits: Sequence[Hit]) -> tuple[Answer, float, Answer]:
    given = naive(question, hits)
    return given, 0.0, given


def judge(
    answerer: Answerer, searcher: Searcher, questions: Sequence[ExternalQuestion], present: bool
) -> list[Judged]:
    out = []
    for q in questions:
        hits = searcher.search(q.question, top_k=TOP_K)
        given, logit, forced = answerer(q.question, hits)
        correct = (
            right_answer(q, given)
            if present
            else unanswerable_handled(given.answered, len(given.citations))
        )
        out.append(
            Judged(
                q.id,
                present,
                given.answered,
                correct,
                logit,
                right_answer(q, forced),
                forced.answered,
            )
        )
    return out


def measure(
    searcher: Searcher,
    index: Path,
    dev: Sequence[ExternalQuestion],
    dev_documents: Sequence[str],
    work: Path,
    selector: Selector | None = None,
) -> tuple[AnswerScores, ...]:
    """Ours and the baseline on the dev questions, with and without their texts indexed."""
    chosen = selector or load()
    removed = without(index, dev_documents, work / "without-dev")
    left = {basename(str(p.get("source"))) for p in removed.passages}
    unanswerable = [q for q in dev if not (q.sources & left)]
    log.info(
        "%d av %d dev-frågor saknar text i indexet utan dev-texterna", len(unanswerable), len(dev)
    )
    results = []
    for name, answerer in ((NAIVE, baseline), (OURS, ours(chosen))):
        judged = judge(answerer, searcher, dev, True) + judge(
            answerer, removed, unanswerable, False
        )
        results.append(AnswerScores(name, tuple(judged)))
        log.info("%s: rätt %.3f, avböjda %.3f", name, results[-1].correct, results[-1].declined)
    return tuple(results)


@dataclass(frozen=True, slots=True)
class Point:
    threshold: float
    correct: float
    declined: float


def curve(scores: AnswerScores) -> list[Point]:
    """Correct (answerable) and declined (unanswerable) rates as the threshold moves; an
    answer is given when its logit is at least the threshold."""
    present = [j for j in scores.judged if j.present]
    absent = [j for j in scores.judged if not j.present]
    points = []
    seen = {round(j.logit, 2) for j in scores.judged if math.isfinite(j.logit)}
    for t in sorted(seen | {max(seen, default=0.0) + 1.0}):
        correct = sum(j.forced_right and j.logit >= t for j in present) / max(len(present), 1)
        declined = sum(j.logit < t or not j.forced_answered for j in absent) / max(len(absent), 1)
        points.append(Point(t, correct, declined))
    return points


CURVE_PNG = "answer_curve.png"
LLM_NOT_RUN = "not run here (no NAMNDSVAR_LLM_URL)"


@dataclass(frozen=True, slots=True)
class AnswerResults:
    systems: tuple[AnswerScores, ...]
    curve: tuple[Point, ...]
    threshold: float
    llm: str = LLM_NOT_RUN


def run(work: Path, selector: Selector | None = None) -> AnswerResults:
    """The answer measurements on the SweQUAD-MC index kept in ``work`` (``bench.external``
    builds it there: ``work/index``, the texts in ``work/docs``)."""
    from bench.external import load_set
    from index.settings import IndexSettings

    data = load_set("swequad")
    searcher = Searcher.open(IndexSettings(path=work / "index"))
    dev_documents = sorted({q.own for q in data.questions})
    chosen = selector or load()
    systems = measure(searcher, work / "index", data.questions, dev_documents, work, chosen)
    ours_scores = next(s for s in systems if s.system == OURS)
    return AnswerResults(systems, tuple(curve(ours_scores)), chosen.threshold)


def write_curve(results: AnswerResults, path: Path) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(5.5, 4.2), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    points = results.curve
    axes.plot([p.declined for p in points], [p.correct for p in points], marker=".", lw=1)
    at = min(results.curve, key=lambda p: abs(p.threshold - results.threshold))
    axes.plot([at.declined], [at.correct], "o", color="crimson", label="the model's threshold")
    axes.axhline(0.80, color="grey", ls=":", lw=1)
    axes.axvline(0.85, color="grey", ls=":", lw=1)
    axes.set_xlabel("unanswerable questions declined")
    axes.set_ylabel("answerable questions answered right")
    axes.set_title("SweQUAD-MC dev: the decline threshold moving")
    axes.set_xlim(0, 1.02)
    axes.set_ylim(0, 1.02)
    axes.legend(loc="lower left")
    figure.savefig(path, dpi=120)


def markdown(results: AnswerResults) -> list[str]:
    ours_scores = next(s for s in results.systems if s.system == OURS)
    present = sum(j.present for j in ours_scores.judged)
    absent = len(ours_scores.judged) - present
    lines = [
        "## Answers on SweQUAD-MC dev",
        "",
        f"{present} dev questions asked of every SweQUAD-MC text: right when answered in at most "
        f"{MAX_ANSWER} characters (without `[n]`), holding a correct choice as whole words and "
        f"citing the question's own text (or one repeating its answer's sentence). {absent} of "
        "them asked again of the index without the dev texts, where no remaining text answers "
        "them: right when declined, citing nothing.",
        "",
        "| system | answered right | declined when the text is absent |",
        "|---|---:|---:|",
    ]
    for s in results.systems:
        lines.append(f"| {s.system} | {s.correct:.3f} | {s.declined:.3f} |")
    lines.append(f"| language model (`NAMNDSVAR_LLM_URL`) | {results.llm} | |")
    lines += [
        "",
        f"![Answered right against declined as the threshold moves]({CURVE_PNG})",
        "",
        "| threshold (logit) | answered right | declined |",
        "|---:|---:|---:|",
    ]
    shown = results.curve[:: max(1, len(results.curve) // 12)]
    for p in shown:
        mark = " (the model's)" if abs(p.threshold - results.threshold) < 0.26 else ""
        lines.append(f"| {p.threshold:.2f}{mark} | {p.correct:.3f} | {p.declined:.3f} |")
    return lines
