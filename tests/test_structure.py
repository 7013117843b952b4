"""Splitting by the documents' own structure, and the metadata read from them."""

from pathlib import Path

from ingest.clean import clean_chars
from ingest.metadata import file_municipality, find_date, item_committee, item_date
from ingest.pipeline import read_source
from ingest.records import Line
from ingest.structure import normalise_dnr, section_name, split_blocks

FIXTURE = Path(__file__).parent / "data" / "socialnamnd_utdrag.txt"


def lines_of(text: str) -> list[Line]:
    return [Line(clean_chars(t), t, None, n) for n, t in enumerate(text.split("\n"), 1)]


def test_dnr_is_normalised() -> None:
    assert normalise_dnr("(SN 2021:00001)") == normalise_dnr("SN 2021:1") == "SN 2021:1"
    assert normalise_dnr("(SN/2019:203)") == "SN 2019:203"
    assert normalise_dnr("Dnr: ÄLN 2022/19") == "ÄLN 2022/19"
    assert normalise_dnr("Inget diarienummer här") is None


def test_section_headings() -> None:
    assert section_name("Förslag till beslut") == "Förslag till beslut"
    assert section_name("  Beslut ") == "Beslut"
    assert section_name("Ärendet:") == "Ärendet"
    assert section_name("Socialnämnden beslutar att anta överenskommelsen.") is None


def test_items_and_sections_from_headings_paragraphs_and_headers() -> None:
    text = (
        "YAP (Youth Advocate Programs, Inc.) – beslut om inriktning\n(SN 2019:471)\n\nBeslut\n"
        "Socialnämnden beslutar att avveckla samarbetet med YAP Inc.\n\nSammanfattning\n"
        "Avtalet löper ut den 31 december 2019.\n\n§ 12\n\nVal av ombud till förbundsstämman\n"
        "\nBeslut\nSocialnämnden utser Åsa Öberg till ombud.\n"
    )
    blocks = split_blocks(lines_of(text))
    assert [(b.item, b.section) for b in blocks] == [
        (0, "Beslut"),
        (0, "Sammanfattning"),
        (1, None),
        (1, "Beslut"),
    ]
    assert blocks[0].title == "YAP (Youth Advocate Programs, Inc.) – beslut om inriktning"
    assert blocks[0].heading_dnr == "SN 2019:471"
    assert blocks[3].title == "Val av ombud till förbundsstämman"


def test_passages_carry_lines_metadata_and_never_cross_items() -> None:
    doc = read_source(FIXTURE, "tests/data/socialnamnd_utdrag.txt")
    by_section = {(p.meta.dnr, p.section): p for p in doc.passages}
    decision = by_section[("SN 2023:17", "Beslut")]
    assert decision.line_start == decision.line_end == 12
    assert decision.text.startswith("Socialnämnden beslutar att ungdomsmottagningen")
    assert decision.meta.title == "Ungdomsmottagningens öppettider – beslut om ändring"
    assert decision.meta.date == "2023-03-14"
    assert decision.meta.committee == "Socialnämnden"
    assert decision.meta.municipality is None  # named once only: not guessed
    summary = by_section[("SN 2023:17", "Sammanfattning")]
    assert "hälso- och sjukvård" in summary.text and "kvalitetsenhet" in summary.text
    assert "Sida" not in summary.text
    assert all(p.meta.dnr != "SN 2023:21" for p in doc.passages if p.line_end and p.line_end < 30)
    assert len({p.id for p in doc.passages}) == len(doc.passages)


def test_passage_sizes_stay_inside_bounds(tmp_path: Path) -> None:
    paragraph = " ".join(["Förvaltningen bedömer att insatsen fungerar väl."] * 8)
    text = "Uppföljning av insatser (SN 2022:5)\n\nÄrendet\n" + "\n".join([paragraph] * 30)
    path = tmp_path / "lang.txt"
    path.write_text(text, encoding="utf-8")
    doc = read_source(path)
    sizes = [len(p.text.split()) for p in doc.passages]
    assert len(sizes) > 5
    assert all(60 <= n <= 300 for n in sizes), sizes


def test_a_title_under_the_dnr_line_and_the_date_of_the_letterhead_above_it() -> None:
    text = (
        "Texten före slutar här.\nLunds kommun\n\nÄldrenämnden\n\n2022-03-16\n"
        "TJÄNSTESKRIVELSE\nDnr: ÄLN 2021/194\n\nHuvudöverenskommelse om länsövergripande\n"
        "samverkan kring hälsa, vård och omsorg\n\nFörslag till beslut\n"
        "Äldrenämnden föreslår att kommunstyrelsen antar överenskommelsen.\n"
    )
    blocks = [b for b in split_blocks(lines_of(text)) if b.heading_dnr or b.item]
    decision = next(b for b in blocks if b.section == "Förslag till beslut")
    assert decision.title == (
        "Huvudöverenskommelse om länsövergripande samverkan kring hälsa, vård och omsorg"
    )
    assert decision.date == "2022-03-16"
    assert all("Huvudöverenskommelse" not in x.text for b in blocks for x in b.lines)


def test_a_title_above_the_dnr_line_is_kept_when_none_is_under_it() -> None:
    text = "Val av ombud\nDnr KFN 2021:34\n\nBeslut\nNämnden utser Åsa Öberg till ombud.\n"
    (block,) = split_blocks(lines_of(text))
    assert (block.title, block.heading_dnr, block.section) == (
        "Val av ombud",
        "KFN 2021:34",
        "Beslut",
    )


def test_a_one_word_line_that_ends_a_title_is_part_of_it(tmp_path: Path) -> None:
    path = tmp_path / "skannad.txt"
    path.write_text(
        "Regional överenskommelse om samverkan vid\nutskrivning från sluten hälso- och "
        "sjukvård i Stockholms\nlän\n\nBeslut\nSocialnämnden godkänner överenskommelsen.\n",
        encoding="utf-8",
    )
    passage = next(p for p in read_source(path).passages if p.section == "Beslut")
    assert passage.meta.title is not None and passage.meta.title.endswith("Stockholms län")


def test_the_municipality_whose_web_address_the_document_bears() -> None:
    body = "För Stockholms stad ska dagar beräknas per stadsdel.\n" * 5
    footer = "POSTADRESS\nBox 809, 761 28 Norrtälje\nwww norrtalje.se\n"
    lines = lines_of(body + "Norrtälje kommun och regionen har samverkat.\n" + footer)
    assert file_municipality(lines) == "Norrtälje"
    assert file_municipality(lines_of(body)) == "Stockholms stad"
    assert file_municipality(lines_of(body + "kontakt@storsthlm.se\n")) == "Stockholms stad"


def test_dates() -> None:
    assert find_date("Sammanträdesdag 27 november 2020") == "2020-11-27"
    assert find_date("Datum 2019-10-08") == "2019-10-08"
    deadline = lines_of("Avtalet löper ut den 31 december 2019.\nden 1 november 2022")
    assert item_date(deadline) is None
    assert item_date(lines_of("Äldrenämnden\n2022-03-25\nTJÄNSTESKRIVELSE")) == "2022-03-25"


def test_committee_is_the_deciding_body() -> None:
    lines = lines_of("Beslut\nÄldrenämnden beslutar att inleda upphandling.")
    assert item_committee(lines) == "Äldrenämnden"
    assert item_committee(lines_of("Förvaltningen har utrett frågan.")) is None


def test_a_list_stays_in_one_passage_with_its_introduction(tmp_path: Path) -> None:
    intro = " ".join(["Förvaltningen har utrett hur betalningsansvaret ska fungera."] * 14)
    items = "\n\n".join(
        f"{n}. den {n}:e förutsättningen för att betalningsansvar ska inträda är uppfylld."
        for n in range(1, 4)
    )
    text = f"Betalningsansvar (SN 2022:9)\n\nÄrendet\n{intro}\nDet krävs att:\n\n{items}\n"
    path = tmp_path / "lista.txt"
    path.write_text(text, encoding="utf-8")
    doc = read_source(path)
    holding = [p for p in doc.passages if "1. den 1:e" in p.text]
    assert len(holding) == 1
    assert "3. den 3:e" in holding[0].text
    assert "\n2. den 2:e" in holding[0].text
