"""The scale benchmark on a tiny real index: Chroma on tmp_path, the real embedder, real BM25."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from bench import scale, scale_corpus, scale_report
from bench.scale_measure import Latency, Measurement, measure
from index.build import index_paths
from index.settings import IndexSettings
from index.store import PassageStore

N = 300
DOCUMENTS = {
    "aldrenamnden.txt": "Äldrenämnden i Österåker\nSammanträde 2022-04-27\n\n"
    "§ 4 Avgifter för hemtjänst\n\nBeslut\n\nÄldrenämnden beslutar att avgiften för "
    "trygghetslarm höjs till 250 kronor i månaden från och med 1 mars 2023. Avgiften "
    "för matdistribution blir 65 kronor per portion.\n\nÄrendet\n\nNämnden har sett "
    "över avgifterna. Kostnaden för larmen har ökat med 12 procent sedan år 2019. "
    "Förvaltningen föreslår att höjningen gäller hela Österåkers kommun.\n",
    "skolskjuts.txt": "Barn- och utbildningsnämnden i Täby\nSammanträde 2021-09-13\n\n"
    "§ 9 Skolskjuts\n\nBeslut\n\nBarn- och utbildningsnämnden beslutar att elever med "
    "längre än fyra kilometer till skolan får skolskjuts. Beslutet gäller från höstterminen "
    "2022.\n\nÄrendet\n\nI Täby åker 840 elever skolskjuts. Kostnaden är 31 miljoner "
    "kronor om året. Förändringen påverkar omkring 120 elever på Näsbyparks skola.\n",
}


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> IndexSettings:
    root = tmp_path_factory.mktemp("scale")
    docs = root / "docs"
    docs.mkdir()
    for name, text in DOCUMENTS.items():
        (docs / name).write_text(text, encoding="utf-8")
    settings = IndexSettings(path=root / "base")
    assert not index_paths([docs], settings).failed
    return settings


def test_synthetic_corpus_has_n_passages_with_varied_metadata(base: IndexSettings) -> None:
    sources, build = scale_corpus.read_sources(base)
    made = list(scale_corpus.synthetic(sources, N))
    passages = [p for p, _ in made]
    assert len(passages) == N
    assert len({p.id for p in passages}) == N
    real = {s.passage.id for s in sources}
    assert [p.id for p in passages[: len(sources)]] == [s.passage.id for s in sources]
    copies = [p for p in passages if p.id not in real]
    assert len({p.meta.municipality for p in copies}) > 5
    assert len({p.meta.committee for p in copies}) > 5
    assert len({p.meta.date for p in copies}) > 20
    assert all(p.meta.date and p.meta.committee and p.meta.municipality for p in copies)
    assert len({p.text for p in copies}) > N // 2
    taby = [p for p in copies if "skolskjuts" in p.source and p.meta.municipality != "Täby"]
    assert taby and not any("Täby" in p.text for p in taby)
    assert build["embedder"]


def test_vectors_are_unit_length_and_near_their_source(base: IndexSettings) -> None:
    sources, _ = scale_corpus.read_sources(base)
    made = list(scale_corpus.synthetic(sources, N))
    for i, (_, vector) in enumerate(made):
        source = sources[i % len(sources)].vector
        assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-4
        cosine = float(vector @ source)
        assert cosine > 0.9
        if i >= len(sources):
            assert cosine < 0.9999


def test_the_measurement_returns_sane_fields(base: IndexSettings, tmp_path: Path) -> None:
    sources, build = scale_corpus.read_sources(base)
    settings = IndexSettings(path=tmp_path / "syn")
    written, spent = scale_corpus.write(settings, build, scale_corpus.synthetic(sources, N))
    assert written == N and spent > 0
    got = PassageStore.open(settings, build).collection.get(include=["metadatas"])
    assert sum(isinstance(m.get("day"), int) for m in got["metadatas"]) >= N - len(sources)
    queries = ["Vad kostar trygghetslarm i Österåker?", "skolskjuts fyra kilometer"] * 3
    measured = measure(settings, queries)
    assert measured.passages == N
    assert set(measured.latency) == set(scale_report.MODES)
    for latency in measured.latency.values():
        assert 0 < latency.p50_ms <= latency.p95_ms < 60_000
        assert latency.queries == len(queries)
    # Opening may free more than it takes in a process that ran other tests before.
    assert 0 < measured.rss_start_mb <= measured.peak_mb
    assert 0 < measured.rss_open_mb <= measured.peak_mb
    assert measured.rss_trimmed_mb <= measured.rss_mb <= measured.peak_mb
    assert measured.open_s > 0
    # No snapshot came with the index: the first opening built one; the next loads it.
    assert not measured.from_snapshot and measure(settings, queries[:2]).from_snapshot
    point = scale_report.ScalePoint(
        n=N, write_s=1.0, add_s=spent, disk_mb=scale.disk_mb(settings.path), measured=measured
    )
    assert point.disk_mb > 0
    larger = dataclasses.replace(point, n=10 * N)
    result = scale_report.ScaleResult((point, larger), len(queries), len(sources))
    data = json.loads(json.dumps(result.to_json()))
    assert data["points"][0]["measured"]["passages"] == N
    assert Measurement.from_json(data["points"][0]["measured"]) == measured
    assert scale_report.ScaleResult.from_json(data) == result
    assert "| 300 |" in scale_report.markdown(result)
    scale_report.write_chart(result, tmp_path / "scale.png")
    assert (tmp_path / "scale.png").stat().st_size > 0


def _point(n: int, ms: float, mb: float) -> scale_report.ScalePoint:
    latency = {mode: Latency(ms, 2 * ms, ms, ms, 10) for mode in scale_report.MODES}
    measured = Measurement(n, 1.0, mb / 2, mb, mb, mb, mb, latency, (0.0, 0.0))
    return scale_report.ScalePoint(n=n, write_s=n / 1000, add_s=0.0, disk_mb=mb, measured=measured)


def test_parse_growth_and_extrapolation() -> None:
    assert scale.parse_ns("10000, 100k,1M") == [10_000, 100_000, 1_000_000]
    result = scale_report.ScaleResult(
        (_point(1000, 10.0, 100.0), _point(10_000, 100.0, 400.0)), 10, 5
    )
    assert scale_report.growth(result)["hybrid p50 ms"] == 10.0
    ahead = scale_report.extrapolate(result, 100_000)
    assert ahead["hybrid p50 ms"] == pytest.approx(1000.0)
    assert ahead["RSS MB"] == pytest.approx(1600.0)
    assert ahead["write s"] == pytest.approx(100.0)
