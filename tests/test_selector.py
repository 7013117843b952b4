"""The learned answer selector: what a question asks for, the features, the stored model, and
declining when the passages do not name what the question names."""

from __future__ import annotations

import json

import numpy as np
import pytest
from passages import passage as hit

from answer.asks import asks, gives
from answer.compose import compose
from answer.features import SENTENCE_FEATURES, candidates, passage_sentences
from answer.names import names
from answer.question import analyse
from answer.selector import MODEL, Linear, ModelMismatch, Selector, load
from answer.sentences import split_sentences


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Senast när ska föreningen redovisa bidraget?", "date"),
        ("Hur länge förlängs avtalet med Resebolaget?", "duration"),
        ("Hur mycket betalar kommunen per dygn?", "amount"),
        ("Hur många platser har äldreboendet Solgården?", "count"),
        ("Vem ska kalla till samordnad individuell plan?", "who"),
        ("Vilka är de tre effektmålen i planen?", "list"),
        ("Vad beslutade socialnämnden om färdtjänsten?", "decision"),
        ("Vad är en samordnad individuell plan?", "definition"),
        ("Varför förlängs avtalet?", "why"),
    ],
)
def test_what_a_question_asks_for(question: str, kind: str) -> None:
    assert asks(question) == kind


def test_a_sentence_gives_what_is_asked_or_only_something_near_it() -> None:
    assert gives("date", "Bidraget ska redovisas senast den 31 mars 2024.") == 1.0
    assert gives("date", "Bidraget ska redovisas senast i vår.") == 0.5
    assert gives("amount", "Kommunen betalar 7 800 kronor per dygn.") == 1.0
    assert gives("duration", "Avtalet förlängs med sex månader.") == 1.0
    assert gives("who", "Regionen kallar till mötet.") == 1.0
    assert gives("amount", "Kommunen betalar för vården.") == 0.0


def test_names_are_the_capitalised_words_acronyms_and_numbers_after_the_first_word() -> None:
    assert names("Hur många fridagar har Region Skåne 2021?") == {"region", "skane", "2021"}
    assert names("Vad beslutade socialnämnden om YAP?") == {"yap"}
    assert names("Vad är en plan?") == frozenset()


def test_the_sentence_holding_the_questions_own_words_ranks_first() -> None:
    text = (
        "Rekvisitan förvaras i ett lager bakom scenen. "
        "Rekvisitören ansvarar för att rekvisitan håller hög kvalitet. "
        "Scenografen gör ritningar till scenmiljöer."
    )
    question = "Vad ansvarar rekvisitören för?"
    ranking = load().rank(analyse(question), asks(question), [hit("a", text)])
    assert ranking.candidates[0].sentence.text.startswith("Rekvisitören ansvarar")


def test_features_compare_each_sentence_with_the_best_candidate() -> None:
    text = "Avtalet om färdtjänst löper ut den 30 juni 2023. Resebolaget ansvarar för fordonen."
    question = analyse("När löper avtalet om färdtjänst ut?")
    passage = passage_sentences(hit("a", text), 0, split_sentences(text))
    found = candidates(question, "date", [passage])
    behind = SENTENCE_FEATURES.index("coverage_behind")
    gives_date = SENTENCE_FEATURES.index("gives_date")
    assert found[0].features[behind] == 0.0 > found[1].features[behind]
    assert found[0].features[gives_date] == 1.0 and found[1].features[gives_date] == 0.0
    assert len(found[0].features) == len(SENTENCE_FEATURES)


def test_the_stored_model_matches_the_features_and_says_how_it_was_chosen() -> None:
    data = json.loads(MODEL.read_text(encoding="utf-8"))
    assert data["sentence"]["features"] == list(SENTENCE_FEATURES)
    assert data["about"]["examples"]["swequad"] > 1000 and data["about"]["examples"]["council"]
    for correct, declined in data["about"]["cv_at_threshold"].values():
        assert 0.0 < correct <= 1.0 and 0.0 < declined <= 1.0
    broken = dict(data["sentence"], features=["något annat"])
    with pytest.raises(ModelMismatch, match=r"python -m bench\.train_selector"):
        Linear.from_json(broken, SENTENCE_FEATURES)


def test_the_threshold_declines_below_it() -> None:
    text = "Avtalet om färdtjänst löper ut den 30 juni 2023."
    model = load()
    question = "När löper avtalet om färdtjänst ut?"
    logit = model.rank(analyse(question), asks(question), [hit("a", text)]).logit
    assert np.isfinite(logit)
    above = Selector(model.sentence, model.answerable, logit - 1)
    below = Selector(model.sentence, model.answerable, logit + 1)
    assert compose(question, [hit("a", text)], selector=above).answered
    assert not compose(question, [hit("a", text)], selector=below).answered
