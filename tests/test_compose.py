"""The extractive answer: the right sentences, numbered citations, and declining."""

from dataclasses import replace

import pytest

from answer.compose import NO_ANSWER, compose
from answer.question import analyse
from answer.selector import load
from answer.sentences import split_sentences
from index.records import Hit

ALWAYS = replace(load(), threshold=float("-inf"))
"""The stored selector that never declines: for what an answer holds once it is given."""


def hit(
    hid: str,
    text: str,
    *,
    source: str = "corpus/ekby.txt",
    section: str | None = None,
    title: str | None = None,
    line_start: int = 10,
    raw: str | None = None,
) -> Hit:
    raw_text = raw if raw is not None else text
    return Hit(
        id=hid,
        source=source,
        text=text,
        raw_text=raw_text,
        page=None,
        line_start=line_start,
        line_end=line_start + raw_text.count("\n"),
        section=section,
        title=title,
        dnr="SN 2023:21",
        date=None,
        municipality=None,
        committee="Socialnämnden",
        doc_type=None,
        score=0.1,
    )


DECISION = hit(
    "a",
    "Socialnämnden beslutar att förlänga avtalet om färdtjänst med Resebolaget Norrsken AB "
    "till och med den 31 december 2024.",
    section="Beslut",
    title="Avtal om färdtjänst med Resebolaget Norrsken AB",
)
SUMMARY = hit(
    "b",
    "Avtalet om färdtjänst löper ut den 30 juni 2023. Priset per resa är 312 kronor och "
    "räknas upp årligen med konsumentprisindex. Resebolaget ansvarar för fordonen.",
    raw="Avtalet om färdtjänst löper ut den 30 juni 2023. Priset per\nresa är 312 kronor "
    "och räknas upp årligen med konsument-\nprisindex. Resebolaget ansvarar för fordonen.",
    section="Sammanfattning",
    title="Avtal om färdtjänst med Resebolaget Norrsken AB",
    line_start=40,
)
OTHER = hit(
    "c",
    "Ungdomsmottagningen håller öppet på lördagar mellan klockan 10 och 14.",
    title="Ungdomsmottagningens öppettider",
)


def test_question_kinds() -> None:
    assert analyse("Vad beslutade socialnämnden om färdtjänsten?").kind == "decision"
    assert analyse("När löper avtalet ut?").kind == "deadline"
    assert analyse("Senast när ska föreningen redovisa bidraget?").kind == "deadline"
    assert analyse("Hur mycket kostar en resa?").kind == "payment"
    assert analyse("Vem utsågs till ersättare?").kind == "who"


def test_decision_question_gets_the_decision_sentence_with_citation() -> None:
    answer = compose("Vad beslutade socialnämnden om färdtjänsten?", [SUMMARY, DECISION, OTHER])
    assert answer.answered
    assert answer.text.startswith("Socialnämnden beslutar att förlänga avtalet")
    assert answer.text.endswith("[1]")
    assert answer.citations[0].section == "Beslut"
    assert answer.citations[0].quote in DECISION.text


def test_payment_question_cites_the_amount_and_its_lines() -> None:
    answer = compose("Vad är priset per resa i färdtjänstavtalet?", [SUMMARY, DECISION])
    assert "312 kronor" in answer.text
    cited = answer.citations[0]
    assert (cited.line_start, cited.line_end) == (40, 42)
    assert "konsument-\nprisindex" in cited.raw_quote


def test_deadline_question_gets_a_date() -> None:
    answer = compose("När löper färdtjänstavtalet ut?", [DECISION, SUMMARY])
    assert "30 juni 2023" in answer.text


def test_unrelated_question_is_declined_and_cites_nothing() -> None:
    answer = compose("Hur många platser finns på äldreboendet Solgården?", [DECISION, SUMMARY])
    assert not answer.answered
    assert answer.text == NO_ANSWER
    assert answer.citations == ()
    assert len(answer.passages) == 2


def test_markup_in_a_question_is_not_words_it_asks_with() -> None:
    tagged = hit(
        "t",
        "Tekniska nämnden beslutar att sanda trapporna vid <script>alert(1)</script>stadshuset.",
        title="Halkbekämpning vid stadshuset",
    )
    injected = compose("<img src=x onerror=alert(1)>", [tagged, SUMMARY])
    assert not injected.answered and injected.citations == ()
    plain = compose("När löper färdtjänstavtalet ut?", [DECISION, SUMMARY])
    marked = compose("<b>När</b> löper <i>färdtjänstavtalet</i> ut?", [DECISION, SUMMARY])
    assert marked.answered and marked.text == plain.text
    assert marked.question == "<b>När</b> löper <i>färdtjänstavtalet</i> ut?"


def test_question_about_another_year_is_declined() -> None:
    answer = compose("Vad kostade en resa med färdtjänst år 2021?", [SUMMARY, DECISION])
    assert not answer.answered


def test_identical_passages_in_two_files_are_one_citation_naming_both() -> None:
    twin = hit(
        "d", DECISION.text, source="corpus/ekby_kopia.txt", section="Beslut", title=DECISION.title
    )
    answer = compose("Vad beslutade socialnämnden om färdtjänsten?", [DECISION, twin])
    assert len(answer.citations) == 1
    assert answer.citations[0].also == ("corpus/ekby_kopia.txt",)
    assert "[2]" not in answer.text


def test_no_hits_is_no_answer() -> None:
    assert not compose("Vad beslutade nämnden?", []).answered


def test_a_line_that_runs_on_is_one_sentence_with_the_next() -> None:
    text = (
        "Norrtälje kommun har redan anmält detta. Sedan lång tid tillbaka finns heller inga\n"
        "utskrivningsklara patienter vid Norrtälje sjukhus.\n"
        "Rekommendation och synpunkter\n"
        "Kommunen rekommenderas att godkänna överenskommelsen."
    )
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "Norrtälje kommun har redan anmält detta.",
        "Sedan lång tid tillbaka finns heller inga utskrivningsklara patienter vid Norrtälje "
        "sjukhus.",
        "Rekommendation och synpunkter",
        "Kommunen rekommenderas att godkänna överenskommelsen.",
    ]
    for s in sentences:
        assert " ".join(text[s.start : s.end].split()) == s.text


def test_sentences_keep_abbreviations_and_offsets() -> None:
    text = "Nämnden beslutar bl.a. att anta planen. Mötet börjar kl. 9.00. Det är bra."
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "Nämnden beslutar bl.a. att anta planen.",
        "Mötet börjar kl. 9.00.",
        "Det är bra.",
    ]
    assert all(text[s.start : s.end] == s.text for s in sentences)


def test_an_introduction_brings_its_list_and_one_marker_closes_the_run() -> None:
    rules = hit(
        "e",
        "Avtalet gäller hela kommunen.\nFör att ersättning ska betalas krävs att:\n"
        "1. resan är beställd senast dagen före.\n2. resenären har ett giltigt tillstånd.\n"
        "3. fakturan kommer in inom 30 dagar.",
        section="Villkor",
        title="Avtal om färdtjänst med Resebolaget Norrsken AB",
    )
    answer = compose(
        "Vilka villkor gäller för att ersättning ska betalas?", [rules, OTHER], selector=ALWAYS
    )
    assert answer.answered
    assert answer.text.startswith("För att ersättning ska betalas krävs att:")
    assert "3. fakturan kommer in inom 30 dagar. [1]" in answer.text
    assert answer.text.count("[1]") == 1


def test_which_things_is_not_a_question_about_people() -> None:
    assert analyse("Vilka bilagor hörde till tjänsteutlåtandet?").kind == "other"
    assert analyse("Vilka valdes till presidium för 2021–2022?").kind == "who"
    assert analyse("Vad kostar det per resa?").kind == "payment"


def test_a_decision_gets_its_date_from_the_report_that_repeats_it() -> None:
    notice = hit(
        "kallelse",
        "Äldrenämnden beslutar att inleda upphandling av korttidsplatser genom att förlänga "
        "nuvarande ramavtal.",
        section="Förslag till beslut",
        title="Kallelse till äldrenämnden",
    )
    report = hit(
        "skrivelse",
        "Äldrenämnden beslutar att inleda upphandling av korttidsplatser genom att förlänga "
        "nuvarande ramavtal. Ny upphandling är påbörjad men hinner inte bli klar innan det "
        "nuvarande avtalet löper ut. Upphandlingen gäller därför förlängning av det nuvarande "
        "ramavtalet till och med den 28 februari 2023.",
        section="Sammanfattning",
        title="Direktupphandling av korttidsplatser",
        line_start=60,
    )
    answer = compose("Vad föreslås äldrenämnden besluta om korttidsplatser?", [notice, report])
    assert answer.answered and "28 februari 2023" in answer.text
    assert "löper ut" not in answer.text  # a real date beats words about time


@pytest.mark.parametrize(
    ("text", "items"),
    [
        (
            "1. Rekommendation från Storsthlm daterad 2019-06-18\n"
            "2. Regional överenskommelse om utskrivning från sluten vård\n"
            "3. Yttrande från Kommunalförbundet sjukvård och omsorg i Norrtälje",
            ("Rekommendation", "Regional överenskommelse", "Yttrande"),
        ),
        (  # a scan's list: items broken over lines, a sub-item, more than three items
            "1. Rekommendation daterad 2019-06-18 att anta överenskommelsen om samverkan vid\n"
            "utskrivning från sluten vård i Stockholms län,\n"
            "2. Regional överenskommelse om samverkan vid utskrivning från sluten vård i\n"
            "Stockholms län, daterad 2019-06-14\n"
            "a. Bilaga 1 utskrivningsprocessens gemensamma och enskilda åtaganden\n"
            "3. Yttrande över överenskommelsen från Kommunalförbundet sjukvård och omsorg i\n"
            "Norrtälje, daterat 2019-10-01",
            ("1. Rekommendation", "2. Regional", "a. Bilaga 1", "3. Yttrande"),
        ),
    ],
)
def test_an_item_of_a_list_brings_the_whole_list(text: str, items: tuple[str, ...]) -> None:
    attachments = hit(
        "bilagor", text, section="Bilagor", title="Regional överenskommelse – tjänsteutlåtande"
    )
    answer = compose(
        "Vilka bilagor hörde till tjänsteutlåtandet om den regionala överenskommelsen?",
        [attachments],
        selector=ALWAYS,
    )
    assert answer.answered
    for item in items:
        assert item in answer.text


def test_a_list_of_attachments_does_not_answer_a_question_about_something_else() -> None:
    attachments = hit(
        "lista",
        "3. Yttrande över överenskommelsen om utskrivningsklara patienter i Norrtälje "
        "daterat 2019-10-01 från kommunalförbundet sjukvård och omsorg",
        section="Bilagor",
        title="Tjänsteutlåtande",
    )
    statement = hit(
        "yttrande",
        "Sedan lång tid tillbaka finns inga utskrivningsklara patienter från Norrtälje kvar "
        "på Norrtälje sjukhus.",
        section="Rekommendation och synpunkter",
        title="Yttrande från kommunalförbundet",
        line_start=80,
    )
    answer = compose(
        "Finns det utskrivningsklara patienter kvar på Norrtälje sjukhus?", [attachments, statement]
    )
    assert answer.answered and answer.text.startswith("Sedan lång tid tillbaka")


def test_a_follow_up_is_answered_by_the_sentence_with_what_it_asks_now() -> None:
    """The carried subject (korttidsboende) stands in the passage; the sentence with the date
    asked for need not repeat it."""
    passage = hit(
        "k",
        "Äldrenämnden beslutar att inleda upphandling av abonnemangsplatser på korttidsboende "
        "för äldre genom att förlänga nuvarande ramavtal. Direktupphandlingen gäller "
        "förlängning av ramavtalet med leverantören till och med den 28 februari 2023.",
        section="Förslag till beslut",
        title="Abonnemangsplatser korttidsboende",
    )
    asked = "Och till vilket datum förlängs det?"
    resolved = "Till vilket datum förlängs det – äldrenämnden abonnemangsplatser korttidsboende?"
    answer = compose(resolved, [passage], asked=asked, selector=ALWAYS)
    assert answer.answered
    assert answer.text.startswith("Direktupphandlingen gäller förlängning")
    assert "28 februari 2023" in answer.text


def test_a_question_naming_what_no_passage_names_is_declined_with_the_nearest_thing() -> None:
    stockholm = hit(
        "s",
        "Enligt överenskommelsen i Region Stockholm inträder kommunens betalningsansvar efter "
        "tre kalenderdagar.",
        title="Regional överenskommelse för Stockholms län",
    )
    answer = compose("Efter hur många kalenderdagar betalar kommunen i Region Skåne?", [stockholm])
    assert not answer.answered and answer.citations == ()
    assert answer.text.startswith("Handlingarna nämner inte Region Skåne,")
    assert "tre kalenderdagar" in answer.text  # what they do say, not given as the answer
    same = compose(
        "Efter hur många kalenderdagar betalar kommunen i Region Stockholm?", [stockholm]
    )
    assert same.answered and "tre kalenderdagar" in same.text


def test_a_name_inflected_or_held_as_the_passages_municipality_is_supported() -> None:
    passage = replace(
        hit("n", "Kommunen har inga utskrivningsklara patienter kvar på sjukhuset."),
        municipality="Norrtälje",
    )
    answer = compose(
        "Har Norrtäljes kommun utskrivningsklara patienter kvar på sjukhuset?", [passage]
    )
    assert answer.answered
