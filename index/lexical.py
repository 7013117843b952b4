"""Swedish BM25: Snowball stemming, Swedish stop words, and a field with å/ä/ö folded."""

from __future__ import annotations

import re
from collections.abc import Sequence

import bm25s
import numpy as np
import numpy.typing as npt
import Stemmer
from bm25s.stopwords import STOPWORDS_SWEDISH

VERSION = "bm25-sv-1"

TOKEN = re.compile(r"[0-9a-zåäöéüæø]+(?:[.,:][0-9]+)*", re.IGNORECASE)
FOLD = str.maketrans("åäöéüæø", "aaoeuao")
# Question words and fillers that carry no content in a question to the documents.
QUESTION_WORDS = frozenset(
    [
        "vad",
        "vilken",
        "vilket",
        "vilka",
        "när",
        "hur",
        "var",
        "vem",
        "vems",
        "varför",
        "finns",
        "gäller",
        "sägs",
        "står",
        "ska",
        "skulle",
        "enligt",
        "kan",
        "kunde",
        "får",
        "om",
    ]
)
STOP = frozenset(STOPWORDS_SWEDISH) | {"samt", "ska", "skall", "även", "bl", "ex", "t"}
FOLDED_WEIGHT = 0.5

_stemmer = Stemmer.Stemmer("swedish")


def fold(text: str) -> str:
    """``Socialnämndens överenskommelse`` → ``socialnamndens overenskommelse``."""
    return text.casefold().translate(FOLD)


def words(text: str) -> list[str]:
    return [m.group(0).casefold() for m in TOKEN.finditer(text)]


def tokens(text: str, query: bool = False) -> list[str]:
    """Stemmed content words; in a query the question words are dropped too."""
    stop = STOP | QUESTION_WORDS if query else STOP
    kept = [w for w in words(text) if w not in stop]
    return list(_stemmer.stemWords(kept))


def folded_tokens(text: str, query: bool = False) -> list[str]:
    return [fold(t) for t in tokens(fold(text), query)]


class LexicalIndex:
    """BM25 over passage texts (repaired and raw), scored in full for fusion and filtering."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.size = len(texts)
        self._main = _bm25([tokens(t) for t in texts])
        self._folded = _bm25([folded_tokens(t) for t in texts])

    def scores(self, query: str) -> npt.NDArray[np.float32]:
        if self.size == 0:
            return np.zeros(0, dtype=np.float32)
        main = _scores(self._main, tokens(query, query=True), self.size)
        folded = _scores(self._folded, folded_tokens(query, query=True), self.size)
        return main + FOLDED_WEIGHT * folded


def _bm25(corpus: list[list[str]]) -> bm25s.BM25 | None:
    if not corpus:
        return None
    model = bm25s.BM25()
    model.index([doc or [""] for doc in corpus], show_progress=False)
    return model


def _scores(model: bm25s.BM25 | None, query: list[str], size: int) -> npt.NDArray[np.float32]:
    known = [t for t in query if model is not None and t in model.vocab_dict]
    if model is None or not known:
        return np.zeros(size, dtype=np.float32)
    return np.asarray(model.get_scores(known), dtype=np.float32)
