"""The LlamaIndex baseline: its nodes carry the metadata our ingestion gives the same lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from llama_index.core import MockEmbedding
from llama_index.core.schema import NodeWithScore, TextNode

from bench.baselines import NO_HEADING, Heading, LlamaIndexBaseline, heading_of, to_hit
from ingest.pipeline import read_source
from ingest.records import DocumentMeta

ÖPPET = "Socialnämnden beslutar att ungdomsmottagningen ska hålla öppet på lördagar."


def _item(paragraph: int, title: str, dnr: str, decision: list[str], topic: str) -> list[str]:
    """One agenda item: its decision, then 40 lines of Ärendet."""
    body = [
        f"Förvaltningen har utrett {topic} och redovisar här punkt {i} av utredningen, om "
        f"hälso-\u00a0och sjukvård, kostnader och bemanning i Ekby kommun."
        for i in range(1, 41)
    ]
    head = [f"§ {paragraph}", "", title, f"Dnr {dnr}", "", "Beslut", ""]
    return [*head, *decision, "", "Ärendet", "", *body, ""]


def _protocol(tmp_path: Path) -> Path:
    """Two agenda items, each longer than one 1024-token node; § 13's decision is long."""
    conditions = [
        f"att Resebolaget Norrsken AB ska ha fordon anpassade för rullstol på linje {i} "
        f"från och med den 1 juli 2023 till och med den 31 december 2024,"
        for i in range(1, 31)
    ]
    lines = ["Socialnämnden", "Protokoll", "Sammanträdesdatum 2023-03-14", ""]
    lines += _item(12, "Ungdomsmottagningens öppettider", "SN 2023/17", [ÖPPET], "öppettiderna")
    lines += _item(
        13,
        "Avtal om färdtjänst med Resebolaget Norrsken AB",
        "SN 2023/21",
        ["Socialnämnden beslutar", *conditions],
        "färdtjänsten",
    )
    path = tmp_path / "protokoll_socialnämnden.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, LlamaIndexBaseline]:
    path = _protocol(tmp_path_factory.mktemp("baslinje"))
    return path, LlamaIndexBaseline.build([path], embed_model=MockEmbedding(embed_dim=8))


def test_every_node_carries_the_metadata_of_our_passages_over_its_lines(
    built: tuple[Path, LlamaIndexBaseline],
) -> None:
    path, baseline = built
    passages = read_source(path, name=str(path)).passages
    hits = baseline.search("När har ungdomsmottagningen öppet på lördagar?")
    assert baseline.nodes >= 4 and len(hits) == baseline.nodes  # the fake embeds alike: all
    for hit in hits:
        assert hit.line_start is not None and hit.line_end is not None
        start, end = hit.line_start, hit.line_end
        over = [
            p
            for p in passages
            if p.line_start is not None
            and p.line_end is not None
            and p.line_start <= end
            and p.line_end >= start
        ]
        assert (hit.section, hit.title, hit.dnr) in {
            (p.section, p.meta.title, p.meta.dnr) for p in over
        }
        assert hit.committee == "Socialnämnden" and hit.municipality == "Ekby"


def test_the_section_and_item_covering_most_of_a_node_name_it(
    built: tuple[Path, LlamaIndexBaseline],
) -> None:
    path, baseline = built
    text = path.read_text(encoding="utf-8").split("\n")
    hits = baseline.search("Vilka fordon ska Resebolaget Norrsken AB ha?")
    first = next(h for h in hits if ÖPPET in h.text)
    assert (first.title, first.dnr, first.date) == (
        "Ungdomsmottagningens öppettider",
        "SN 2023/17",
        "2023-03-14",
    )
    assert first.section == "Ärendet"  # one line of Beslut, the rest of the node Ärendet
    decision = [
        h
        for h in hits
        if h.line_start is not None
        and h.line_end is not None
        and sum("fordon anpassade" in line for line in text[h.line_start - 1 : h.line_end])
        > (h.line_end - h.line_start + 1) / 2
    ]
    assert decision
    for hit in decision:
        assert (hit.section, hit.title, hit.dnr) == (
            "Beslut",
            "Avtal om färdtjänst med Resebolaget Norrsken AB",
            "SN 2023/21",
        )


def test_heading_of_takes_the_most_lines_then_the_earlier_then_the_one_before() -> None:
    meta = DocumentMeta(title="Avtal om färdtjänst", dnr="SN 2023/21")
    beslut = Heading(10, 14, "Beslut", meta)
    ärendet = Heading(18, 40, "Ärendet", meta)
    assert heading_of((12, 20), [beslut, ärendet]) is beslut  # 3 lines against 3: the earlier
    assert heading_of((12, 21), [beslut, ärendet]) is ärendet
    assert heading_of((15, 17), [beslut, ärendet]) is beslut  # between: the section before
    assert heading_of((1, 9), [beslut, ärendet]) is NO_HEADING  # letterhead only
    assert heading_of((1, 9), []) is NO_HEADING


def test_without_our_sections_a_node_has_no_metadata() -> None:
    text = "Rad ett\nSocialnämnden beslutar\natt godkänna ansökan\n"
    node = TextNode(text="Socialnämnden beslutar", metadata={"source": "a.txt"})
    hit = to_hit(1, NodeWithScore(node=node, score=0.5), {"a.txt": text})
    assert (hit.line_start, hit.line_end) == (2, 2)
    assert (hit.section, hit.title, hit.dnr, hit.date) == (None, None, None, None)
