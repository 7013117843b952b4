"""Sentence match: a passage that answers in one sentence gains over one that scatters the
question's words."""

from __future__ import annotations

import pytest

from index.sentence_match import SentenceMatcher, sentences

PASSAGES = {
    "samlad": "Nämnden sammanträdde i mars. Kommunen betalar ersättning för utskrivningsklara "
    "patienter från första dygnet. Protokollet justerades.",
    "spridd": "Kommunen har många uppdrag. Ersättning söks hos Försäkringskassan. Patienter "
    "väljer vårdcentral själva. Utskrivningsklara patienter får stöd.",
    "annan": "Biblioteket i Åkersberga håller öppet på lördagar under sommaren.",
}


def matcher(passages: dict[str, str]) -> SentenceMatcher:
    return SentenceMatcher(passages.__getitem__)


def test_the_passage_that_says_it_in_one_sentence_scores_highest() -> None:
    scores = matcher(PASSAGES).scores(
        "Betalar kommunen ersättning för utskrivningsklara patienter?", PASSAGES
    )
    assert scores["samlad"] == pytest.approx(1.0)  # every question word, in one sentence
    assert 0.0 < scores["spridd"] < scores["samlad"]  # two words meet in its last sentence
    assert scores["annan"] == 0.0


def test_one_question_word_says_nothing_of_nearness() -> None:
    scores = matcher(PASSAGES).scores("Vad gäller för utskrivningsklara?", PASSAGES)
    assert set(scores.values()) == {0.0}


def test_a_word_every_candidate_holds_weighs_little() -> None:
    passages = {
        "rätt": "Avgiften för trygghetslarm höjs till 250 kronor i månaden.",
        "fel": "Avgiften för matdistribution höjs i januari. Avgiften gäller alla.",
        "tredje": "Avgiften för hemtjänst sänks.",
    }
    scores = matcher(passages).scores("Hur mycket höjs avgiften för trygghetslarm?", passages)
    # avgift is everywhere; höj and trygghetslarm, which set the passages apart, decide.
    assert scores["rätt"] == pytest.approx(1.0)
    assert scores["fel"] < 0.5
    assert scores["tredje"] == 0.0  # only one question word in its sentence


def test_a_long_stem_matches_a_part_of_a_compound() -> None:
    passages = {
        "sammansatt": "Avropsförfrågningarna skickas via e-post till leverantörerna.",
        "annan": "Svaren skickas in före sista datum.",
    }
    scores = matcher(passages).scores("Hur skickas avropen?", passages)
    assert scores["sammansatt"] == pytest.approx(1.0)
    assert scores["annan"] == 0.0


def test_sentences_break_at_full_stops_and_blank_lines() -> None:
    found = sentences("Beslut\n\nNämnden beslutar att godkänna avtalet. Det gäller från 1 maj.")
    assert [s.text for s in found] == [
        "beslut",
        "nämnden beslutar att godkänna avtalet.",
        "det gäller från 1 maj.",
    ]
    assert {"nämnd", "godkän", "avtal"} <= found[1].stems


def test_read_sentences_are_forgotten_when_passages_change() -> None:
    passages = dict(PASSAGES)
    found = matcher(passages)
    question = "Betalar kommunen ersättning för utskrivningsklara patienter?"
    assert found.scores(question, ["samlad", "annan"])["samlad"] > 0
    passages["samlad"] = "Ärendet bordlades."
    found.forget()
    assert found.scores(question, ["samlad", "annan"])["samlad"] == 0.0
