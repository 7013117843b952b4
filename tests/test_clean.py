"""Clean-up of extracted Swedish text: characters, hyphenation, page furniture."""

from hypothesis import given
from hypothesis import strategies as st

from ingest.clean import clean_chars, is_page_furniture, join_lines, strip_furniture
from ingest.normalise import normalise_text
from ingest.records import Line


def line(text: str, n: int) -> Line:
    return Line(text=clean_chars(text), raw=text, page=None, number=n)


def test_nfc_nbsp_and_soft_hyphen() -> None:
    assert clean_chars("a\u030angermanland") == "ångermanland"
    assert clean_chars("7\u00a0800\u00a0kronor") == "7 800 kronor"
    assert clean_chars("över\u00adenskommelse") == "överenskommelse"


def test_line_end_hyphenation_is_joined() -> None:
    assert join_lines(["Kommun-", "fullmäktige beslutar"]) == "Kommunfullmäktige beslutar"
    assert join_lines(["reglerat i ett av-", "tal."]) == "reglerat i ett avtal."


def test_compound_ellipsis_keeps_its_hyphen() -> None:
    assert join_lines(["sluten hälso-", "och sjukvård"]) == "sluten hälso- och sjukvård"
    assert join_lines(["Botkyrka-", "Huddinge"]) == "Botkyrka- Huddinge"


def test_page_furniture() -> None:
    for text in [
        "Sida 9 av 295",
        "3(5)",
        "1 [3]",
        "12",
        "TJÄNSTESKRIVELSE  Dnr SN 2019:1  1 [3]",
        "https://www.botkyrka.se/bilaga.pdf",
    ]:
        assert is_page_furniture(text), text
    for text in ["Beslut", "Socialnämnden beslutar att anta överenskommelsen.", "2019"]:
        assert not is_page_furniture(text), text


def test_repeated_letterhead_is_removed_but_raw_is_kept() -> None:
    header = "Sammanträdesdatum 2019-10-22 Paragraf"
    lines = [
        line(header, 1),
        line("Socialnämnden beslutar.", 2),
        line(header, 3),
        line("Beslut", 4),
        line(header.replace("22", "23"), 5),
        line("Beslut", 6),
    ]
    out = strip_furniture(lines)
    assert [x.text for x in out] == ["", "Socialnämnden beslutar.", "", "Beslut", "", "Beslut"]
    assert out[0].raw == header and out[0].number == 1


def test_normalise_joins_hyphenation_and_keeps_lines() -> None:
    text = "Samarbetet är re-\nglerat i ett av-\ntal om hälso- och\nsjukvård.\n"
    assert normalise_text(text) == "Samarbetet är reglerat\ni ett avtal\nom hälso- och\nsjukvård.\n"


swedish_words = st.lists(
    st.sampled_from(
        [
            "nämnden",
            "beslutar",
            "överenskommelse",
            "å",
            "kr",
            "7",
            "800",
            "§",
            "Äldrenämnden",
            "hälso- och",
            "sjukvård.",
            "2019-10-22",
        ]
    ),
    min_size=1,
    max_size=12,
)


@given(st.lists(swedish_words, min_size=1, max_size=6))
def test_normalising_clean_text_changes_nothing_but_whitespace(lines: list[list[str]]) -> None:
    text = "\n".join("  ".join(words) for words in lines)
    out = normalise_text(text)
    assert out.split() == text.split()
