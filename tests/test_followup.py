"""Follow-up questions read with the conversation before them."""

import pytest

from answer.followup import is_follow_up, resolve, resolve_all

PAYMENT = "Hur mycket ska kommunen betala per dygn för en utskrivningsklar patient?"


@pytest.mark.parametrize(
    "question",
    [
        "Och från när gäller det?",
        "Vem betalar då?",
        "Gäller det även psykiatrin?",
        "Och vem deltar?",
    ],
)
def test_short_questions_that_point_back_are_follow_ups(question: str) -> None:
    assert is_follow_up(question)


@pytest.mark.parametrize(
    "question",
    [
        PAYMENT,
        "Vad beslutade socialnämnden om YAP?",
        "När löper avtalet om färdtjänst med Resebolaget Norrsken ut?",
    ],
)
def test_questions_that_stand_alone_are_not(question: str) -> None:
    assert not is_follow_up(question)


def test_the_subject_is_carried_over_and_the_new_question_says_what_it_asks() -> None:
    resolved = resolve("Och från när gäller det?", [PAYMENT])
    assert resolved.startswith("Från när gäller det")
    for word in ("kommunen", "betala", "dygn", "utskrivningsklar", "patient"):
        assert word in resolved
    assert "Hur mycket" not in resolved


def test_what_the_earlier_question_asked_for_is_not_carried() -> None:
    resolved = resolve("Och vem deltar?", ["Vad beslutade socialnämnden om YAP?"])
    assert "socialnämnden" in resolved and "YAP" in resolved
    assert "beslutade" not in resolved


def test_a_question_that_stands_alone_is_left_as_it_is() -> None:
    standalone = "Vad beslutade äldrenämnden om PRO Saltsjöbaden?"
    assert resolve(standalone, [PAYMENT]) == standalone
    assert resolve("Vem betalar då?", []) == "Vem betalar då?"


def test_a_chain_of_follow_ups_keeps_the_first_subject() -> None:
    chain = resolve_all([PAYMENT, "Och från när gäller det?", "Vem betalar då?"])
    assert "utskrivningsklar" in chain[2] and chain[2].startswith("Vem betalar")
