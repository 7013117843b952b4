"""A synthetic corpus of N passages made from an indexed one, for the scale benchmark.

Copy 0 is the real corpus as indexed. Every further copy of a real file is a new synthetic
document: its municipality, committee, document type, dnr and dates are drawn anew (each
distinct value of the real file is mapped to one new value, so a copy is as consistent as a
real document; a missing dnr or document type stays missing, a missing date or committee is
drawn), and each passage's text is varied: some sentences are replaced by other sentences of
the same file, the order is shuffled, numbers are redrawn and municipality names are
swapped for the copy's own, so BM25 sees no exact duplicates.

Nothing is embedded again: a passage's vector is its real passage's stored vector with a small
Gaussian perturbation, re-normalised to unit length (cosine to the source ≈ 1/√(1+σ²)).
The passages are written through the project's own ``PassageStore.add`` (LlamaIndex's
ChromaVectorStore), one batch of whole files (≤ ``BATCH`` passages) at a time, so each file's
``source_passages`` count holds as it does after real indexing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from index.settings import IndexSettings
from index.store import PassageStore, StoredPassage
from ingest.records import DocumentMeta, Passage

BATCH = 5000
NOISE = 0.3
"""Norm of the Gaussian perturbation added to a unit vector: cosine to the source ≈ 0.96."""
MUNICIPALITIES = (
    "Täby Södertälje Järfälla Österåker Solna Lidingö Sundbyberg Huddinge Haninge Tyresö "
    "Värmdö Sigtuna Vallentuna Ekerö Salem Nykvarn Nynäshamn Danderyd Vaxholm Uppsala "
    "Enköping Västerås Örebro Linköping Norrköping Jönköping Växjö Kalmar Karlskrona Malmö "
    "Lund Helsingborg Göteborg Borås Umeå Luleå Sundsvall Gävle Falun Karlstad Östersund"
).split()
COMMITTEES = (
    "Socialnämnden",
    "Äldrenämnden",
    "Kommunstyrelsen",
    "Kommunfullmäktige",
    "Barn- och utbildningsnämnden",
    "Kultur- och fritidsnämnden",
    "Miljö- och hälsoskyddsnämnden",
    "Tekniska nämnden",
    "Stadsbyggnadsnämnden",
    "Gymnasienämnden",
    "Vård- och omsorgsnämnden",
    "Arbetsmarknadsnämnden",
    "Överförmyndarnämnden",
)
DOC_TYPES = ("tjänsteskrivelse", "protokoll", "kallelse", "yttrande", "beslut", "remiss")
SENTENCE = re.compile(r"(?<=[.!?:])\s+(?=[A-ZÅÄÖ0-9§])")
NUMBER = re.compile(r"\d+")
FILLED = ("municipality", "committee", "date")
FIRST_DAY = dt.date(2015, 1, 1).toordinal()
LAST_DAY = dt.date(2025, 12, 31).toordinal()


@dataclass(frozen=True, slots=True)
class Source:
    """A real passage as indexed, with its stored vector (unit length)."""

    passage: StoredPassage
    vector: npt.NDArray[np.float32]

    @property
    def file(self) -> str:
        return str(self.passage.metadata.get("source", ""))


def read_sources(settings: IndexSettings) -> tuple[list[Source], dict[str, str]]:
    """The passages of an indexed corpus with their vectors, in file and position order, and
    what built the index (its collection metadata, so the copy opens with the same check)."""
    store = PassageStore.open(settings, {})
    if store.count() == 0:
        raise ValueError(f"{settings.describe()}: inget index att göra en syntetisk korpus av")
    got = store.collection.get(include=["documents", "metadatas", "embeddings"])
    sources = [
        Source(StoredPassage(i, t or "", m or {}), _unit(np.asarray(v, dtype=np.float32)))
        for i, t, m, v in zip(
            got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True
        )
    ]
    sources.sort(key=lambda s: (s.file, int(s.passage.metadata.get("position", 0))))
    build = {k: str(v) for k, v in (store.collection.metadata or {}).items() if k != "hnsw:space"}
    return sources, build


def synthetic(
    sources: Sequence[Source], n: int, seed: int = 0, noise: float = NOISE
) -> Iterator[tuple[Passage, npt.NDArray[np.float32]]]:
    """N passages: the real ones first, then varied copies of whole files, file by file."""
    files: dict[str, list[Source]] = {}
    for s in sources:
        files.setdefault(s.file, []).append(s)
    places = _places(sources)
    made = 0
    copy = 0
    while made < n and files:
        for name, passages in files.items():
            rng = random.Random(f"{seed}:{copy}:{name}")
            vary = _Variation(rng, passages, places) if copy else None
            source = name if copy == 0 else f"{name}#kopia-{copy}"
            for s in passages[: n - made]:
                yield _passage(s, source, vary), _perturbed(s.vector, rng, noise, copy)
                made += 1
            if made >= n:
                return
        copy += 1


def write(
    settings: IndexSettings,
    build: Mapping[str, str],
    passages: Iterator[tuple[Passage, npt.NDArray[np.float32]]],
) -> tuple[int, float]:
    """Add the passages to a fresh collection in batches of whole files; returns how many
    were written and the seconds spent in ``PassageStore.add``."""
    store = PassageStore.open(settings, build)
    written, spent = 0, 0.0
    batch: list[Passage] = []
    vectors: list[npt.NDArray[np.float32]] = []

    def flush() -> None:
        nonlocal written, spent
        started = time.perf_counter()
        store.add(batch, [v.tolist() for v in vectors])
        spent += time.perf_counter() - started
        written += len(batch)
        batch.clear()
        vectors.clear()

    for passage, vector in passages:
        if len(batch) >= BATCH and passage.position == 0:
            flush()
        batch.append(passage)
        vectors.append(vector)
    if batch:
        flush()
    return written, spent


class _Variation:
    """How one synthetic copy of a file differs from the file: new metadata values, and
    sentences drawn from the file's own passages."""

    def __init__(
        self, rng: random.Random, passages: Sequence[Source], places: re.Pattern[str]
    ) -> None:
        self.rng = rng
        self.pool = [x for s in passages for x in SENTENCE.split(s.passage.text) if x.strip()]
        self.values: dict[tuple[str, Any], Any] = {}
        self.municipality = rng.choice(MUNICIPALITIES)
        self.places = places

    def meta(self, key: str, value: Any) -> Any:
        """The copy's value for a real value; a missing one stays missing, except that every
        copy has a municipality, a committee and a date (for the filters to work on)."""
        if value in (None, "") and key not in FILLED:
            return None
        value = value or None
        if (key, value) not in self.values:
            self.values[key, value] = self._draw(key)
        return self.values[key, value]

    def _draw(self, key: str) -> str:
        rng = self.rng
        if key == "municipality":
            return self.municipality
        if key == "committee":
            return rng.choice(COMMITTEES)
        if key == "doc_type":
            return rng.choice(DOC_TYPES)
        if key == "date":
            return dt.date.fromordinal(rng.randint(FIRST_DAY, LAST_DAY)).isoformat()
        if key == "dnr":
            letters = "".join(rng.choice("ABEKSTUVÄ") for _ in range(rng.randint(2, 3)))
            return f"{letters} {rng.randint(2015, 2025)}:{rng.randint(1, 999)}"
        raise KeyError(key)

    def text(self, text: str) -> str:
        rng = self.rng
        sentences = [x for x in SENTENCE.split(text) if x.strip()] or [text]
        sentences = [rng.choice(self.pool) if rng.random() < 0.3 else x for x in sentences]
        if rng.random() < 0.5:
            rng.shuffle(sentences)
        varied = NUMBER.sub(self.number, " ".join(sentences))
        return self.places.sub(self.municipality, varied)

    def number(self, match: re.Match[str]) -> str:
        digits = match.group(0)
        if len(digits) == 4 and digits[:2] in ("19", "20"):
            return str(self.rng.randint(2010, 2025))
        low = 10 ** (len(digits) - 1) if len(digits) > 1 else 0
        return str(self.rng.randint(low, 10 ** len(digits) - 1))


def _places(sources: Sequence[Source]) -> re.Pattern[str]:
    """The municipalities of the corpus and of ``MUNICIPALITIES``, as words in a text
    (``Täby``, ``Täbys``), to be swapped for a copy's own."""
    names = {str(s.passage.metadata.get("municipality") or "") for s in sources}
    names = (names | set(MUNICIPALITIES)) - {""}
    ordered = sorted(names, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(map(re.escape, ordered)) + ")")


def _passage(s: Source, source: str, vary: _Variation | None) -> Passage:
    m = s.passage.metadata
    text = s.passage.text if vary is None else vary.text(s.passage.text)
    raw = str(m.get("raw_text") or "")
    repaired = bool(m.get("repaired"))
    if vary is not None:
        raw = NUMBER.sub(vary.number, raw) if repaired else text
    meta = {
        key: (m.get(key) or None) if vary is None else vary.meta(key, m.get(key))
        for key in ("dnr", "date", "municipality", "committee", "doc_type")
    }
    position = int(m.get("position", 0))
    return Passage(
        id=s.passage.id if vary is None else _id(source, position),
        source=source,
        position=position,
        text=text,
        raw_text=raw,
        page=m.get("page"),
        line_start=m.get("line_start"),
        line_end=m.get("line_end"),
        section=m.get("section") or None,
        meta=DocumentMeta(title=m.get("title") or None, **meta),
        file_hash=str(m.get("file_hash", "")) if vary is None else _id(source, -1),
        ocr=bool(m.get("ocr")),
        ocr_confidence=m.get("ocr_confidence"),
        page_starts=_pairs(str(m.get("page_starts") or "")),
        ocr_pages=tuple(int(x) for x in str(m.get("ocr_pages") or "").split(",") if x),
        repaired=repaired,
    )


def _perturbed(
    vector: npt.NDArray[np.float32], rng: random.Random, noise: float, copy: int
) -> npt.NDArray[np.float32]:
    if copy == 0:
        return vector
    size = vector.shape[0]
    gauss = np.random.default_rng(rng.getrandbits(64)).standard_normal(size, dtype=np.float32)
    return _unit(vector + np.float32(noise / np.sqrt(size)) * gauss)


def _unit(v: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    norm = float(np.linalg.norm(v))
    return (v / norm if norm > 0 else v).astype(np.float32)


def _id(source: str, position: int) -> str:
    return hashlib.blake2b(f"{source}\0{position}".encode(), digest_size=16).hexdigest()


def _pairs(value: str) -> tuple[tuple[int, int], ...]:
    """``"0:2;14:3"`` → ((0, 2), (14, 3))."""
    pairs = (item.split(":") for item in value.split(";") if item)
    return tuple((int(line), int(page)) for line, page in pairs)
