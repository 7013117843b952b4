"""``python -m bench.train_damage``: learn when a stretch of text is OCR-damaged enough to repair.

Data: SweQUAD-MC *train* prose read by every engine in every font and degradation
(``bench.readings``), the same prose as printed, and clean text of other kinds: the invented
council documents of ``bench/data/council`` and SweFAQ's answers, as written. Each read page is
repaired as a whole (``ingest.normalise`` with every stretch judged damaged) and labelled
*damaged* when that removes word errors; each printed page or other clean text is clean, and
what a repair changes in it is harm.

Model: a logistic regression over ``ingest.damage.FEATURES``. Its threshold is chosen on
out-of-fold scores, grouped by engine × font (each group scored by a model that never saw it):
the most word errors removed from the read pages less ``HARM_WEIGHT`` for each word of the
clean texts it changes (a changed clean word corrupts a document that was right, and an
archive is mostly clean). The model and the cross-validated figures go to
``ingest/data/damage.json``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from sklearn.model_selection import GroupKFold

from answer.selector import Linear
from bench.logistic import fit_logistic
from bench.prose import other_prose
from bench.readings import load
from bench.wer import error_rate, words
from ingest.bigrams import Bigrams
from ingest.damage import ENOUGH_WORDS, FEATURES, WINDOW, Model, assess
from ingest.normalise import normalise_text
from ingest.vocabulary import Vocabulary

log = logging.getLogger("bench.train_damage")

OUT = Path("ingest/data/damage.json")
PAGES = 4
FOLDS = 5
HARM_WEIGHT = 10
"""A clean word changed costs as much as this many damaged words left as they were read."""
C = 1.0
SIGNS = {
    "unknown": 1,
    "unknown_small": 1,
    "swedish_letters": -1,
    "no_swedish_letters": 1,
    "marked": 1,
    "inner_capital": 1,
    "short": 1,
}
"""Which way each feature may push: more of what OCR leaves behind never makes a stretch look
cleaner, more å, ä and ö never makes it look more damaged. Without the bounds the sample's
quirks turned two weights around (a letter beside a digit counted *against* damage, since the
sample's pages full of them are those the repair cannot mend), and a scan reading å as 6
everywhere (``m6ste``) was judged clean."""


@dataclass(frozen=True, slots=True)
class Sample:
    row: tuple[float, ...]
    group: str
    words: int
    gain: int
    """Word errors the repair removes (negative: adds); for a printed page, minus the words it
    changes."""
    clean: bool


def everything(groups: Sequence[str], vocabulary: Vocabulary) -> list[bool]:
    return [True] * len(groups)


def clean_windows() -> list[str]:
    """Clean text other than SweQUAD-MC's (``bench.prose``), in the runs of lines a text file
    is judged by."""
    out = []
    for text in other_prose():
        lines = text.split("\n")
        out += ["\n".join(lines[i : i + WINDOW]) for i in range(0, len(lines), WINDOW)]
    return [text for text in out if len(text.split()) >= ENOUGH_WORDS]


def samples(pages: int) -> list[Sample]:
    readings = load("train", pages)
    # Without the shipped word pairs: they hold the very prose these pages print.
    vocabulary = Vocabulary(background=Bigrams())
    out = []
    for i, page in enumerate(readings.pages):
        truth = words(page.truth)
        raw = error_rate(words(page.ocr), truth).errors
        fixed = error_rate(words(normalise_text(page.ocr, vocabulary, judge=everything)), truth)
        damage = assess(page.ocr, vocabulary)
        out.append(Sample(damage.row, page.group, len(truth), raw - fixed.errors, False))
        if i % 30 == 0:
            log.info("%d av %d lästa sidor", i, len(readings.pages))
    for i, text in enumerate([*sorted({p.truth for p in readings.pages}), *clean_windows()]):
        truth = words(text)
        changed = error_rate(words(normalise_text(text, vocabulary, judge=everything)), truth)
        damage = assess(text, vocabulary)
        out.append(Sample(damage.row, f"printed-{i % FOLDS}", len(truth), -changed.errors, True))
    return out


def _fit(rows: npt.NDArray[np.float64], labels: npt.NDArray[np.bool_]) -> Linear:
    return fit_logistic(rows, labels, C, np.ones(len(rows)), [SIGNS[f] for f in FEATURES])


def train(data: Sequence[Sample]) -> dict[str, object]:
    rows = np.asarray([s.row for s in data], dtype=np.float64)
    labels = np.asarray([s.gain > 0 for s in data], dtype=bool)
    groups = [s.group for s in data]
    oof = np.zeros(len(data))
    for fit_idx, score_idx in GroupKFold(n_splits=FOLDS).split(rows, groups=groups):
        oof[score_idx] = _fit(rows[fit_idx], labels[fit_idx]).logits(rows[score_idx])
    gain = np.asarray([s.gain for s in data])
    clean = np.asarray([s.clean for s in data])
    clean_words = sum(s.words for s in data if s.clean)
    best: tuple[int, float, int, int] | None = None
    for t in np.unique(np.round(oof, 2)):
        flagged = oof >= t
        harm = int(-gain[flagged & clean].sum())
        removed = int(gain[flagged & ~clean].sum())
        worth = removed - HARM_WEIGHT * harm
        if best is None or worth >= best[0]:
            best = (worth, float(t), harm, removed)
    assert best is not None
    _, threshold, harm, removed = best
    possible = int(np.clip(gain[~clean], 0, None).sum())
    fitted = _fit(rows, labels)
    return {
        "features": list(FEATURES),
        "mean": fitted.mean.tolist(),
        "scale": fitted.scale.tolist(),
        "coef": fitted.coef.tolist(),
        "intercept": fitted.intercept,
        "threshold": threshold,
        "about": {
            "data": "SweQUAD-MC train prose read by every engine, font and degradation "
            "(bench.readings), and as printed",
            "read_pages": int((~clean).sum()),
            "printed_pages": int(clean.sum()),
            "cv": "out of fold, grouped by engine × font",
            "errors_removed_cv": removed,
            "errors_removable": possible,
            "printed_words": clean_words,
            "printed_words_changed_cv": harm,
        },
    }


def model_of(data: Sequence[Sample]) -> Model:
    """The model ``train`` fits on ``data``, ready to judge."""
    return Model.from_json(train(data))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.train_damage", description=__doc__)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--pages", type=int, default=PAGES)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    model = train(samples(args.pages))
    args.out.write_text(json.dumps(model, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(model["about"], ensure_ascii=False, indent=1))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
