"""The SweQUAD-MC answer rule: short, holding a correct choice as whole words, citing a text
that counts; and the baseline that answers with the top passage's best-matching sentence."""

from __future__ import annotations

from answer.records import Answer, Citation
from bench.answers_swequad import naive, right_answer
from bench.external_data import ExternalQuestion, Span
from index.records import Hit

QUESTION = ExternalQuestion(
    id="sq-001",
    question="Vad ansvarar rekvisitören för?",
    own="sq_0007.txt",
    sources=frozenset({"sq_0007.txt"}),
    spans=(Span(0, 0, "att rekvisitan håller hög kvalitet"),),
)


def cited(source: str) -> Citation:
    return Citation(1, source, None, None, None, None, None, 1, 1, None, "citat", "citat")


def answer(text: str, source: str = "docs/sq_0007.txt", answered: bool = True) -> Answer:
    return Answer(QUESTION.question, answered, text, (cited(source),), ())


def test_a_short_answer_holding_the_choice_and_citing_its_text_is_right() -> None:
    assert right_answer(
        QUESTION, answer("Hen ansvarar för att rekvisitan håller hög kvalitet. [1]")
    )


def test_the_choice_must_stand_as_whole_words_in_a_short_answer_citing_its_text() -> None:
    assert not right_answer(QUESTION, answer("Hen ser till att rekvisitan håller hög."))
    assert not right_answer(
        QUESTION, answer("Att rekvisitan håller hög kvalitet. [1]", source="docs/sq_0099.txt")
    )
    long = "Rekvisitören arbetar på teatern. " * 12 + "att rekvisitan håller hög kvalitet [1]"
    assert not right_answer(QUESTION, answer(long))
    assert not right_answer(QUESTION, answer("att rekvisitan håller hög kvalitet", answered=False))


def test_the_baseline_answers_with_the_top_passages_sentence_sharing_most_words() -> None:
    text = (
        "Scenografen ritar scenmiljöer. "
        "Rekvisitören ansvarar för att rekvisitan håller hög kvalitet."
    )
    top = Hit(
        "a",
        "docs/sq_0007.txt",
        text,
        text,
        None,
        1,
        1,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        1.0,
    )
    given = naive(QUESTION.question, [top])
    assert given.answered and given.text.startswith("Rekvisitören ansvarar")
    assert right_answer(QUESTION, given)
