"""A question asking two things at once is read as its parts, and the answer gives both."""

from __future__ import annotations

from passages import passage

from answer.compose import compose
from answer.parts import parts
from index.records import Hit


def test_a_question_joined_by_och_and_a_question_word_has_two_parts() -> None:
    assert parts(
        "När börjar hyresavtalet för förskolan gälla och vilken uppsägningstid har det?"
    ) == (
        "När börjar hyresavtalet för förskolan gälla",
        "vilken uppsägningstid har det?",
    )
    assert parts("Hur mycket sökte föreningen i bidrag, och hur mycket beviljade nämnden?") == (
        "Hur mycket sökte föreningen i bidrag",
        "hur mycket beviljade nämnden?",
    )


def test_a_short_head_or_one_question_stays_whole() -> None:
    for question in (
        "När och var sammanträder kulturnämnden i april?",
        "Hur länge och hur många gånger kan avtalet förlängas?",
        "Vad beslutade socialnämnden om bostad först?",
        "Vilka ledamöter från Säffle och Åmål valdes till styrelsen?",
    ):
        assert parts(question) == (question,)


def _hit(hid: str, text: str) -> Hit:
    return passage(
        hid,
        text,
        source="arkiv/hyresavtal-forskolan.txt",
        title="Hyresavtal för förskolan Smörblomman",
        dnr="BUN 2023:118",
        date="2023-03-14",
        municipality="Säffle",
        committee="Barn- och utbildningsnämnden",
        doc_type="avtal",
    )


def test_the_answer_to_a_two_part_question_gives_both_parts() -> None:
    hits = [
        _hit(
            "a",
            "§ 3 Avtalstid. Hyresavtalet för förskolan Smörblomman gäller från och med den "
            "1 augusti 2023 till och med den 31 juli 2028. Lokalen ska vara städad vid "
            "tillträdet. Hyresgästen ansvarar för snöröjning på gården.",
        ),
        _hit(
            "b",
            "§ 7 Uppsägning. Avtalet ska sägas upp skriftligen. Uppsägningstiden är nio "
            "månader före avtalstidens utgång. Sker ingen uppsägning förlängs avtalet med "
            "tre år i taget.",
        ),
    ]
    answer = compose(
        "När börjar hyresavtalet för förskolan Smörblomman gälla"
        " och vilken uppsägningstid har det?",
        hits,
    )
    assert answer.answered
    assert "1 augusti 2023" in answer.text
    assert "nio månader" in answer.text
