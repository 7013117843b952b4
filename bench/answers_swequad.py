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
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from answer.cite import citation
from answer.compose import compose
from answer.evidence import stems
from answer.question import analyse
from answer.records import Answer
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
OURS = "ours (today's composer)"


@dataclass(frozen=True, slots=True)
class Judged:
    """One dev question's answer, judged."""

    id: str
    present: bool
    """Asked of the index holding its text."""
    answered: bool
    correct: bool
    """Answerable and answered right, or unanswerable and declined citing nothing."""


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


Answerer = Callable[[str, Sequence[Hit]], Answer]


def judge(
    answerer: Answerer, searcher: Searcher, questions: Sequence[ExternalQuestion], present: bool
) -> list[Judged]:
    out = []
    for q in questions:
        hits = searcher.search(q.question, top_k=TOP_K)
        given = answerer(q.question, hits)
        if present:
            correct = right_answer(q, given)
        else:
            correct = unanswerable_handled(given.answered, len(given.citations))
        out.append(Judged(q.id, present, given.answered, correct))
    return out


def measure(
    searcher: Searcher,
    index: Path,
    dev: Sequence[ExternalQuestion],
    dev_documents: Sequence[str],
    work: Path,
) -> tuple[AnswerScores, ...]:
    """Ours and the baseline on the dev questions, with and without their texts indexed."""
    removed = without(index, dev_documents, work / "without-dev")
    left = {basename(str(p.get("source"))) for p in removed.passages}
    unanswerable = [q for q in dev if not (q.sources & left)]
    log.info(
        "%d av %d dev-frågor saknar text i indexet utan dev-texterna", len(unanswerable), len(dev)
    )
    results = []
    for name, answerer in ((NAIVE, naive), (OURS, compose)):
        judged = judge(answerer, searcher, dev, True) + judge(
            answerer, removed, unanswerable, False
        )
        results.append(AnswerScores(name, tuple(judged)))
        log.info("%s: rätt %.3f, avböjda %.3f", name, results[-1].correct, results[-1].declined)
    return tuple(results)


LLM_NOT_RUN = "not run here (no NAMNDSVAR_LLM_URL)"


@dataclass(frozen=True, slots=True)
class AnswerResults:
    systems: tuple[AnswerScores, ...]
    llm: str = LLM_NOT_RUN


def run(work: Path) -> AnswerResults:
    """The answer measurements on the SweQUAD-MC index kept in ``work`` (``bench.external``
    builds it there: ``work/index``)."""
    from bench.external import load_set
    from index.settings import IndexSettings

    data = load_set("swequad")
    searcher = Searcher.open(IndexSettings(path=work / "index"))
    dev_documents = sorted({q.own for q in data.questions})
    return AnswerResults(measure(searcher, work / "index", data.questions, dev_documents, work))


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
    return lines
