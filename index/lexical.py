"""Swedish BM25: Snowball stemming, Swedish stop words, and a field with å/ä/ö folded."""

from __future__ import annotations

import logging
import re
from array import array
from collections.abc import Iterable, Sequence
from pathlib import Path

import bm25s
import numpy as np
import numpy.typing as npt
import Stemmer
from bm25s.stopwords import STOPWORDS_SWEDISH

TOKEN = re.compile(r"[0-9a-zåäöéüæø]+(?:[.,:][0-9]+)*", re.IGNORECASE)
FOLD = str.maketrans("åäöéüæø", "aaoeuao")
# Question words and fillers that carry no content in a question to the documents.
QUESTION_WORDS = frozenset(
    "vad vilken vilket vilka när hur var vem vems varför finns gäller sägs står ska skulle "
    "enligt kan kunde får om många mycket stor stort stora".split()
)
STOP = frozenset(STOPWORDS_SWEDISH) | {"samt", "ska", "skall", "även", "bl", "ex", "t"}
FOLDED_WEIGHT = 0.5
GRAM = 4

_stemmer = Stemmer.Stemmer("swedish")
# bm25s sets its own logger to DEBUG at import; its index-building notes are not ours to show.
logging.getLogger("bm25s").setLevel(logging.WARNING)


def fold(text: str) -> str:
    """``Socialnämndens överenskommelse`` → ``socialnamndens overenskommelse``."""
    return text.casefold().translate(FOLD)


def words(text: str) -> list[str]:
    return [m.group(0).casefold() for m in TOKEN.finditer(text)]


# Strong verbs that the Snowball stemmer leaves apart ("valdes" and "väljer"), as they
# occur in council decisions, mapped to one form before stemming.
STRONG_VERBS = {
    form: lemma
    for lemma, forms in {
        "välja": "väljer valde valdes väljs valt vald valda",
        "utse": "utser utsåg utsågs utses utsett utsedd utsedda",
        "ge": "ger gav gavs ges givit gett given givna",
        "ta": "tar tog togs tas tagit tagen tagna",
        "gå": "går gick gått",
        "stå": "står stod stått",
        "skriva": "skriver skrev skrevs skrivit skriven",
        "dra": "drar drog drogs dragit",
        "bära": "bär bar burit buren",
        "lägga": "lägger lade lades lagt lagd",
        "sätta": "sätter satte sattes satt",
        "säga": "säger sade sa sades sagt",
    }.items()
    for form in forms.split()
}


def tokens(text: str, query: bool = False) -> list[str]:
    """Stemmed content words; in a query the question words are dropped too."""
    stop = STOP | QUESTION_WORDS if query else STOP
    kept = [STRONG_VERBS.get(w, w) for w in words(text) if w not in stop]
    return list(_stemmer.stemWords(kept))


def folded_tokens(text: str, query: bool = False) -> list[str]:
    return [fold(t) for t in tokens(fold(text), query)]


def char_grams(text: str, query: bool = False) -> list[str]:
    """Character 4-grams of the folded content words, with word boundaries marked.

    They match what words and stems miss: parts of compounds (``betalningsansvar``) and
    OCR-damaged words (``Norrtalje``, ``overenskommelse``).
    """
    stop = STOP | QUESTION_WORDS if query else STOP
    grams: list[str] = []
    for word in words(fold(text)):
        if word in stop or len(word) < 3:
            continue
        marked = f"#{word}#"
        grams.extend(marked[i : i + GRAM] for i in range(len(marked) - GRAM + 1))
    return grams


class LexicalIndex:
    """BM25 over passage texts, scored in full for fusion and filtering.

    Three fields: Swedish stems, stems with å/ä/ö folded, and character 4-grams. The stem
    fields and the 4-gram field are each scaled to their best score and added, so a passage
    that only the 4-grams find (a damaged scan) still ranks.
    """

    FIELDS = ("main", "folded", "grams")

    def __init__(self, texts: Sequence[str]) -> None:
        self.size = len(texts)
        self._main = _bm25(tokens(t) for t in texts)
        self._folded = _bm25(folded_tokens(t) for t in texts)
        self._grams = _bm25(char_grams(t) for t in texts)

    def save(self, folder: Path) -> None:
        """Each field's BM25 arrays and vocabulary in a folder of its own (bm25s' format)."""
        for name, model in zip(self.FIELDS, self._models(), strict=True):
            if model is not None:
                model.save(str(folder / name), show_progress=False)

    @classmethod
    def load(cls, folder: Path, size: int) -> LexicalIndex:
        """A saved index, its arrays memory-mapped (read from disk as queries touch them);
        ``size``: the passages it covers."""
        index = cls.__new__(cls)
        index.size = size
        models = [
            bm25s.BM25.load(str(folder / name), mmap=True, show_progress=False)
            if (folder / name).is_dir()
            else None
            for name in cls.FIELDS
        ]
        index._main, index._folded, index._grams = models
        return index

    @property
    def mapped(self) -> bool:
        """Read from a saved index (its arrays memory-mapped), not built in this process."""
        return any(isinstance(m.scores["data"], np.memmap) for m in self._models() if m)

    def _models(self) -> tuple[bm25s.BM25 | None, ...]:
        return (self._main, self._folded, self._grams)

    def scores(self, query: str) -> npt.NDArray[np.float32]:
        if self.size == 0:
            return np.zeros(0, dtype=np.float32)
        main = _scores(self._main, tokens(query, query=True), self.size)
        folded = _scores(self._folded, folded_tokens(query, query=True), self.size)
        grams = _scores(self._grams, char_grams(query, query=True), self.size)
        return _scaled(main + FOLDED_WEIGHT * folded) + _scaled(grams)


def _scaled(scores: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    top = float(scores.max()) if scores.size else 0.0
    return scores / top if top > 0 else scores


def _bm25(corpus: Iterable[list[str]]) -> bm25s.BM25 | None:
    """BM25 over documents given one at a time as tokens, kept meanwhile only as compact
    arrays of token numbers: a hundred thousand passages have a hundred million 4-grams,
    which as lists of strings would need gigabytes while the index is built."""
    vocabulary: dict[str, int] = {"": 0}
    ids: list[array[int]] = []
    for doc in corpus:
        ids.append(array("i", [vocabulary.setdefault(t, len(vocabulary)) for t in doc] or [0]))
    if not ids:
        return None
    model = bm25s.BM25()
    model.index((ids, vocabulary), show_progress=False)
    return model


def _scores(model: bm25s.BM25 | None, query: list[str], size: int) -> npt.NDArray[np.float32]:
    known = [t for t in query if model is not None and t in model.vocab_dict]
    if model is None or not known:
        return np.zeros(size, dtype=np.float32)
    return np.asarray(model.get_scores(known), dtype=np.float32)
