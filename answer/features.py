"""What the learned selector sees of a candidate sentence and of a whole question.

Every feature is a number computed the same way at training (``bench.train_selector``, on
SweQUAD-MC's training questions) and at answer time; the weights are learned, never set here.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from answer.asks import ASKS, Asks, gives
from answer.cite import near_identical
from answer.evidence import LIST_ITEM, is_heading, matches, stems
from answer.names import holds_name, names
from answer.question import YEAR, Question
from answer.sentences import Sentence
from index.lexical import QUESTION_WORDS, STOP, fold, tokens, words
from index.records import Hit

DECISION_SECTIONS = frozenset({"Beslut", "Styrelsens beslut", "Förslag till beslut"})
INTRO = re.compile(r"(?:följande(?: beslut)?\.?|:)$", re.IGNORECASE)

EXACT = ("forms", "forms_plain", "stems_exact", "rarest", "run")
"""Matches of the question's words as written (no stemming, no parts of compounds): a question
about ``rekvisitören`` is answered where ``rekvisitören`` stands, not ``rekvisita``."""
LONGEST_RUN = 6
SENTENCE_FEATURES: tuple[str, ...] = (
    "coverage",
    "coverage_plain",
    "coverage_passage",
    "coverage_before",
    "coverage_after",
    "pairs",
    "names_sentence",
    "names_passage",
    "novelty",
    "log_words",
    "first",
    "heading",
    "lower_start",
    "introduces",
    "list_item",
    "opens_list",
    "rank",
    "score",
    "gives_after",
    "decision_section",
    "period",
    "period_other",
    "period_passage",
    "best_in_passage",
    "forms",
    "forms_plain",
    "stems_exact",
    "rarest",
    "run",
    *(f"{name}_behind" for name in ("coverage", "coverage_plain", "pairs", *EXACT)),
    *(f"gives_{kind}" for kind in ASKS),
)
QUESTION_FEATURES: tuple[str, ...] = (
    "best",
    "margin",
    "best_coverage",
    "best_coverage_plain",
    "best_coverage_passage",
    "best_names_sentence",
    "names_retrieved",
    "has_names",
    "best_gives",
    "best_period",
    "best_period_other",
    "best_period_passage",
    "similarity_top",
    "similarity_best",
    *(f"asks_{kind}" for kind in ASKS),
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A sentence of a retrieved passage, with what the selector sees of it."""

    hit: Hit
    rank: int
    """0-based rank of its passage."""
    index: int
    """Its place among its passage's sentences."""
    sentence: Sentence
    features: tuple[float, ...]
    evidence: float
    """How fully the sentence gives the kind of thing asked for (``answer.asks.gives``)."""
    score: float = 0.0
    """The selector's probability that this sentence answers (set once scored)."""

    @property
    def kind_evidence(self) -> bool:
        return self.evidence >= 1.0


@dataclass(frozen=True, slots=True)
class Sentences:
    """A passage's sentences with their stems, in order."""

    hit: Hit
    rank: int
    sentences: tuple[Sentence, ...]
    stems: tuple[frozenset[str], ...]
    ordered: tuple[tuple[str, ...], ...]
    context: frozenset[str]
    folded_context: frozenset[str]


def passage_sentences(hit: Hit, rank: int, split: Sequence[Sentence]) -> Sentences:
    ordered = tuple(tuple(tokens(s.text)) for s in split)
    context_text = f"{hit.title or ''} {hit.section or ''} {hit.text}"
    named = f"{context_text} {hit.municipality or ''} {hit.committee or ''}"
    return Sentences(
        hit=hit,
        rank=rank,
        sentences=tuple(split),
        stems=tuple(frozenset(o) | {fold(w) for w in o} for o in ordered),
        ordered=ordered,
        context=stems(context_text),
        folded_context=frozenset(fold(w) for w in re.findall(r"[\wåäöé-]+", named)),
    )


def weights(question: Question, passages: Sequence[Sentences]) -> dict[str, float]:
    """Question words that few candidate sentences share weigh more; words a follow-up
    carried from the conversation weigh a quarter (the answer need not repeat them)."""
    per_sentence = [have for p in passages for have in p.stems]
    n = len(per_sentence)
    found = {
        word: math.log(1 + n / (1 + sum(1 for have in per_sentence if matches(word, have))))
        for word in question.stems
    }
    return {w: x * 0.25 if w in question.carried else x for w, x in found.items()}


def candidates(question: Question, asked: Asks, passages: Sequence[Sentences]) -> list[Candidate]:
    """Every sentence of the passages, with its features (``SENTENCE_FEATURES``)."""
    weighted = weights(question, passages)
    plain = dict.fromkeys(question.stems, 1.0)
    pairs = _pairs(question)
    asked_names = names(question.text)
    top = max((p.hit.score for p in passages), default=0.0) or 1.0
    exact = _exact(question, passages)
    rows: list[list[float]] = []
    found: list[tuple[Sentences, int, float]] = []
    for p in passages:
        covered = [coverage(weighted, have) for have in p.stems]
        best = max(covered, default=0.0)
        passage_cover = coverage(plain, p.context)
        passage_names = _share(asked_names, p.folded_context)
        passage_text = f"{p.hit.title or ''} {p.hit.section or ''} {p.hit.text}"
        for i, sentence in enumerate(p.sentences):
            text = sentence.text
            following = p.sentences[i + 1].text if i + 1 < len(p.sentences) else ""
            opens_list = bool(following and LIST_ITEM.match(following))
            own_words = {fold(w) for w in re.findall(r"[\wåäöé-]+", text)}
            content = p.stems[i]
            said = gives(asked, text)
            rows.append(
                [
                    covered[i],
                    coverage(plain, content),
                    passage_cover,
                    covered[i - 1] if i > 0 else 0.0,
                    covered[i + 1] if i + 1 < len(covered) else 0.0,
                    _pair_share(pairs, p.ordered[i]),
                    _share(asked_names, own_words),
                    passage_names,
                    _novelty(question, content),
                    math.log1p(len(text.split())),
                    float(i == 0),
                    float(is_heading(text)),
                    float(text[:1].islower()),
                    float(bool(INTRO.search(text))),
                    float(bool(LIST_ITEM.match(text))),
                    float(opens_list),
                    1.0 / (1 + p.rank),
                    p.hit.score / top,
                    gives(asked, following) if following else 0.0,
                    float((p.hit.section or "") in DECISION_SECTIONS),
                    float(_names_period(question, text)),
                    float(_other_period(question, text)),
                    float(_names_period(question, passage_text)),
                    float(covered[i] >= best and best > 0),
                    *exact[len(rows)],
                ]
            )
            found.append((p, i, said))
    if not rows:
        return []
    matrix = np.asarray(rows, dtype=np.float64)
    behind = _behind(matrix)
    out = []
    for (p, i, said), row, lag in zip(found, matrix, behind, strict=True):
        features = (*row.tolist(), *lag.tolist(), *(said if k == asked else 0.0 for k in ASKS))
        out.append(Candidate(p.hit, p.rank, i, p.sentences[i], features, said))
    return out


_COMPARED = ("coverage", "coverage_plain", "pairs", *EXACT)


def _behind(matrix: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """How far each sentence is behind the best candidate on the compared features."""
    if not len(matrix):
        return np.zeros((0, len(_COMPARED)))
    columns = [SENTENCE_FEATURES.index(name) for name in _COMPARED]
    chosen = matrix[:, columns]
    lag: npt.NDArray[np.float64] = chosen - chosen.max(axis=0)
    return lag


def _exact(question: Question, passages: Sequence[Sentences]) -> list[tuple[float, ...]]:
    """Per sentence: the question's word forms it holds (weighted by rarity, and plain), its
    stems held exactly, whether it holds the rarest form, and the longest run of the
    question's words it repeats (out of ``LONGEST_RUN``)."""
    asked = [w for w in words(question.text) if w not in STOP and w not in QUESTION_WORDS]
    forms = set(asked)
    stems_asked = set(question.stems)
    sentences = [s.text for p in passages for s in p.sentences]
    held = [set(words(text)) for text in sentences]
    held_stems = [set(o) for p in passages for o in p.ordered]
    n = len(sentences)
    rare = {w: math.log(1 + n / (1 + sum(w in h for h in held))) for w in forms}
    rare_stems = {w: math.log(1 + n / (1 + sum(w in h for h in held_stems))) for w in stems_asked}
    rarest = max(rare, key=lambda w: (rare[w], w)) if rare else None
    sequence = words(question.text)
    out: list[tuple[float, ...]] = []
    for text, have, have_stems in zip(sentences, held, held_stems, strict=True):
        out.append(
            (
                _weighted(rare, have),
                sum(w in have for w in forms) / len(forms) if forms else 0.0,
                _weighted(rare_stems, have_stems),
                float(rarest is not None and rarest in have),
                _longest_run(sequence, " ".join(words(text))) / LONGEST_RUN,
            )
        )
    return out


def _weighted(weights: Mapping[str, float], have: set[str]) -> float:
    total = sum(weights.values())
    return sum(x for w, x in weights.items() if w in have) / total if total else 0.0


def _longest_run(sequence: Sequence[str], text: str) -> int:
    """The most consecutive words of ``sequence`` that ``text`` holds in a row (capped)."""
    best = 0
    for start in range(len(sequence)):
        for end in range(start + best + 1, min(len(sequence), start + LONGEST_RUN) + 1):
            if f" {' '.join(sequence[start:end])} " not in f" {text} ":
                break
            best = end - start
    return best


def question_features(
    question: Question, asked: Asks, ranked: Sequence[Candidate], logits: Sequence[float]
) -> npt.NDArray[np.float64]:
    """What the answerability model sees: the best candidate (by ``logits``, in the same
    order as ``ranked``) and how much of the question the retrieved passages hold."""
    f = {name: i for i, name in enumerate(SENTENCE_FEATURES)}
    if not ranked:
        return np.zeros(len(QUESTION_FEATURES))
    order = np.argsort(-np.asarray(logits))
    best = ranked[int(order[0])].features
    top = ranked[int(order[0])].sentence.text
    # The runner-up that says something else: an archive repeats a clause in every protocol
    # that dealt with it, and a repeat is no rival answer.
    rival = next(
        (int(j) for j in order[1:] if not near_identical(ranked[int(j)].sentence.text, top)), None
    )
    second = float(logits[rival]) if rival is not None else float(logits[int(order[0])]) - 5
    asked_names = names(question.text)
    retrieved = max((c.features[f["names_passage"]] for c in ranked), default=0.0)
    row = [
        float(logits[int(order[0])]),
        float(logits[int(order[0])]) - second,
        best[f["coverage"]],
        best[f["coverage_plain"]],
        best[f["coverage_passage"]],
        best[f["names_sentence"]],
        retrieved,
        float(bool(asked_names)),
        best[f[f"gives_{asked}"]],
        best[f["period"]],
        best[f["period_other"]],
        best[f["period_passage"]],
        max((c.hit.similarity for c in ranked if c.hit.similarity is not None), default=NAN),
        _or_nan(ranked[int(order[0])].hit.similarity),
        *(float(kind == asked) for kind in ASKS),
    ]
    return np.asarray(row, dtype=np.float64)


NAN = float("nan")
"""A feature not known for these hits (no dense side: a BM25-only search, a test's hits); the
model counts it at its training mean, as if it said nothing."""


def _or_nan(value: float | None) -> float:
    return NAN if value is None else value


def coverage(weighted: Mapping[str, float], have: frozenset[str]) -> float:
    total = sum(weighted.values())
    if total <= 0:
        return 0.0
    return sum(w for word, w in weighted.items() if matches(word, have)) / total


def _share(wanted: frozenset[str], have: frozenset[str] | set[str]) -> float:
    """The share of ``wanted`` in ``have``; 1 when nothing is wanted."""
    if not wanted:
        return 1.0
    return sum(1 for w in wanted if holds_name(w, have)) / len(wanted)


def _pairs(question: Question) -> frozenset[tuple[str, str]]:
    ordered = tokens(question.text, query=True)
    return frozenset(itertools.pairwise(ordered))


def _pair_share(pairs: frozenset[tuple[str, str]], ordered: Sequence[str]) -> float:
    if not pairs:
        return 0.0
    have = set(itertools.pairwise(ordered))
    return len(pairs & have) / len(pairs)


def _novelty(question: Question, content: frozenset[str]) -> float:
    """The share of the sentence's words that the question does not have: an answer says
    something the question did not."""
    own = {w for w in content if w == fold(w)}
    if not own:
        return 0.0
    return sum(1 for w in own if not matches(w, set(question.folded))) / len(own)


def _other_period(question: Question, text: str) -> bool:
    """The question names a year, the sentence names years, and none of them is the
    question's: a value given for another period."""
    said = {m.group(0) for m in YEAR.finditer(text)}
    return bool(question.years and said and not (said & question.years))


def _names_period(question: Question, text: str) -> bool:
    """Every year the question names is in the sentence (true when it names none)."""
    return all(year in text for year in question.years)
