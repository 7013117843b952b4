"""Which rule applies when: periods read from Swedish text, and answers that show several
values with their periods instead of picking one."""

import datetime as dt

import pytest

from answer.compose import VERSIONS_INTRO, compose
from answer.periods import Period, period_in
from index.records import Hit


def hit(hid: str, text: str, *, title: str, source: str = "corpus/ekby.txt", **meta: str) -> Hit:
    return Hit(
        id=hid,
        source=source,
        text=text,
        raw_text=text,
        page=None,
        line_start=10,
        line_end=12,
        section=meta.get("section"),
        title=title,
        dnr="SN 2023:21",
        date=meta.get("date"),
        municipality=None,
        committee="Socialnämnden",
        doc_type=None,
        score=0.1,
    )


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("Från och med november år 2021 ska fristdagarna vara 1,3.", dt.date(2021, 11, 1), None),
        (
            "Fristdagarna ska vara 2,0 fram till och med utgången av oktober år 2020.",
            None,
            dt.date(2020, 10, 31),
        ),
        (
            "Överenskommelsen ska gälla från den 1 januari 2018 till den 31 december 2019.",
            dt.date(2018, 1, 1),
            dt.date(2019, 12, 31),
        ),
        (
            "För år 2019 är detta belopp 7 800 kronor per dygn.",
            dt.date(2019, 1, 1),
            dt.date(2019, 12, 31),
        ),
        ("Överenskommelsen börjar gälla 2022-07-01.", dt.date(2022, 7, 1), None),
        (
            "under perioden 1 november 2020 och 31 oktober 2021 fastställs nivån",
            dt.date(2020, 11, 1),
            dt.date(2021, 10, 31),
        ),
    ],
)
def test_periods_are_read_from_the_words_before_the_dates(
    text: str, start: dt.date | None, end: dt.date | None
) -> None:
    assert period_in(text) == Period(start, end)


def test_a_sentence_without_a_date_has_no_period() -> None:
    assert period_in("Kommunen betalar 7 800 kronor per dygn.") is None


def test_a_period_is_labelled_in_swedish() -> None:
    assert Period(dt.date(2021, 11, 1), None).label() == "från och med 1 november 2021"
    assert Period(dt.date(2019, 1, 1), dt.date(2019, 12, 31)).label() == "år 2019"


RULES = hit(
    "regler",
    "De genomsnittliga fristdagarna ska vara 2,0 kalenderdagar fram till och med utgången av "
    "oktober år 2020. Från och med november år 2021 ska de genomsnittliga fristdagarna vara "
    "1,3 kalenderdagar. Parterna följer upp överenskommelsen varje år.",
    section="Fristdagar för utskrivningsklara",
    title="Överenskommelse om utskrivningsklara patienter",
)


def test_values_of_different_periods_are_shown_together_in_time_order() -> None:
    answer = compose("Hur många fristdagar gäller för utskrivningsklara patienter?", [RULES])
    assert answer.answered
    lines = answer.text.split("\n")
    assert lines[0] == VERSIONS_INTRO
    assert lines[1].startswith("- Till och med 31 oktober 2020:") and "2,0" in lines[1]
    assert lines[2].startswith("- Från och med 1 november 2021:") and "1,3" in lines[2]
    assert all(line.endswith("[1]") for line in lines[1:])


def test_a_question_that_names_a_date_gets_the_value_in_force_then_first() -> None:
    answer = compose(
        "Hur många fristdagar gäller för utskrivningsklara patienter i december 2021?", [RULES]
    )
    lines = answer.text.split("\n")
    assert "1,3" in lines[1] and "2,0" in lines[2]


def test_agreeing_passages_give_one_plain_answer() -> None:
    same = hit(
        "samma",
        "Kommunen betalar 7 800 kronor per dygn för en utskrivningsklar patient.",
        title="Överenskommelse om utskrivningsklara patienter",
    )
    answer = compose(
        "Hur mycket betalar kommunen per dygn för en utskrivningsklar patient?", [same]
    )
    assert answer.answered and VERSIONS_INTRO not in answer.text
    assert "7 800 kronor" in answer.text


def test_documents_of_different_dates_with_different_amounts_are_both_shown() -> None:
    old = hit(
        "gammal",
        "Priset per resa är 312 kronor enligt avtalet om färdtjänst.",
        title="Avtal om färdtjänst",
        date="2022-03-01",
    )
    new = hit(
        "ny",
        "Priset per resa är 340 kronor enligt det förlängda avtalet om färdtjänst.",
        title="Avtal om färdtjänst",
        source="corpus/ekby_2023.txt",
        date="2023-05-10",
    )
    answer = compose("Vad är priset per resa för färdtjänst?", [new, old])
    assert VERSIONS_INTRO in answer.text
    assert "Enligt handlingen från 2022-03-01" in answer.text
    assert "Enligt handlingen från 2023-05-10" in answer.text
    assert len(answer.citations) == 2
