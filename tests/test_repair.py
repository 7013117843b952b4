"""OCR repair of Swedish: numbers, the lexicon with compounds, the damage score, the corrector,
and the damaged sample scan answered in correct Swedish."""

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.adapt import adapted_costs
from ingest.channel import Channel
from ingest.damage import assess
from ingest.normalise import normalise_text
from ingest.numbers import repair_numbers
from ingest.repair import Repairer
from ingest.vocabulary import Vocabulary

ROOT = Path(__file__).resolve().parent.parent
CLEAN = """\
Socialnämnden beslutar att godkänna överenskommelsen om samverkan vid utskrivning från
sluten hälso- och sjukvård. Kommunens betalningsansvar inträder när patienten är
utskrivningsklar och den fasta vårdkontakten har kallat till SIP. Ärendet bereddes av
Äldreenheten i Nacka den 12 mars 2021, dnr SN 2021:34, och KSON:s yttrande biläggs.
"""
# The same kind of text as an English OCR model leaves it: å, ä, ö lost, digits as letters.
DAMAGED = """\
Socialnamndens forslag ar att kommunen ska godkanna overenskommelsen fran och med
r januari zozo. Kommunen ska betala 7 8oo kronor per dygn for varje utskrivningsklar
patient nar betalningsansvaret har intratt, och ersattningen raknas upp med 2,o procent.
Arendet har beretts i arbetsutskottet och aldrenamnden far del av beslutet.
"""


@pytest.fixture(scope="module")
def swedish() -> Vocabulary:
    return Vocabulary()


def test_numbers_read_as_letters_are_mended() -> None:
    line = "fran och med r januari zozo betalas 7 8oo kronor, r3juni zorg, 2,o och r,3 dygn"
    assert " ".join(repair_numbers(line.split())) == (
        "fran och med 1 januari 2020 betalas 7 800 kronor, 13 juni 2019, 2,0 och 1,3 dygn"
    )
    dates = "senast den zotg-tz-ot, daterad 2ot9-o6-14. men 2019-13-45 och ttta-tt-tt"
    assert " ".join(repair_numbers(dates.split())) == (
        "senast den 2019-12-01, daterad 2019-06-14. men 2019-13-45 och ttta-tt-tt"
    )
    kept = "bilaga 3b och 2a lämnas i januari, I januari 2021 enligt § 5"
    assert " ".join(repair_numbers(kept.split())) == kept


def test_paragraph_sign_read_as_a_letter_at_a_line_start() -> None:
    assert repair_numbers("S 12 Ändrade avgifter".split())[0] == "§"
    assert repair_numbers("Se 12 sidor".split())[0] == "Se"


def test_a_law_reference_chapter_and_section_read_as_letters() -> None:
    line = (
        "läkaren bedömt (t kap. zS) och arbetssätt (+ kap. +5). Se även 5 kap. 15 § och 4 kap. 49"
    )
    assert " ".join(repair_numbers(line.split())) == (
        "läkaren bedömt (1 kap. 2§) och arbetssätt (4 kap. 4§). Se även 5 kap. 15 § och 4 kap. 49"
    )
    assert " ".join(repair_numbers("med en kap. zS".split())) == "med en kap. 2§"
    assert " ".join(repair_numbers("kapitel zS handlar".split())) == "kapitel zS handlar"


def test_a_section_sign_before_the_closing_parenthesis_and_letter_decimals() -> None:
    line = "rutiner (Se nedan 4 kap. 49) och i snitt z,o dagar"
    assert " ".join(repair_numbers(line.split())) == (
        "rutiner (Se nedan 4 kap. 4§) och i snitt 2,0 dagar"
    )
    # The citation broke over two lines: the line before ended with "kap.".
    assert repair_numbers(["5g)."], before="(4 kap.") == ["5§)."]
    assert repair_numbers(["5g)."]) == ["59)."]


def test_a_lost_letter_a_mark_for_ä_and_a_capital_read_small(swedish: Vocabulary) -> None:
    repairer = Repairer(swedish)
    assert repairer.correct("Sfte") == "Syfte"  # y lost
    assert repairer.correct("l[mna") == "lämna"
    assert repairer.correct("\\rIS") == "VIS"  # the word is in capitals
    assert repair_numbers("Lag (2017:612)r om samverkan".split())[1] == "(2017:612)"


def test_a_long_word_a_third_away_from_a_word_of_the_documents() -> None:
    documents = Vocabulary.from_texts(["Parterna verkar för en gemensam värdegrund."] * 2)
    assert Repairer(documents).correct("vdrdegmnd") == "värdegrund"
    assert Repairer(Vocabulary()).correct("vdrdegmnd") == "vdrdegmnd"


def test_words_split_run_together_or_joined_by_marks_are_repaired_by_part() -> None:
    documents = Vocabulary.from_texts(
        [
            "Frågor besvaras av registrator. Ett fungerande informationssystem och IT-stöd "
            "finns i Stockholms län."
        ]
        * 3
    )
    repairer = Repairer(documents)
    assert repairer.repair_line("fu ngerande digitalt system") == "fungerande digitalt system"
    assert repairer.repair_line("sjukvård iStockholms lan.") == "sjukvård i Stockholms län."
    assert repairer.repair_line("ett inforrnationssystem/IT-stdd for", "idag") == (
        "ett informationssystem/IT-stöd för"
    )
    # A heading: its first I and the I of "IT" were read as l.
    assert repairer.repair_line("lnformationssystem/lT-stdd", "dygn.") == (
        "Informationssystem/IT-stöd"
    )
    assert repairer.repair_line("e-post till resistrator@storsthlm.se") == (
        "e-post till registrator@storsthlm.se"
    )
    web = "se www.norrtalje.se/kontakt och https://nacka.se/omsorg"
    assert repairer.repair_line(web) == web


def test_the_documents_word_pairs_choose_between_readings() -> None:
    documents = Vocabulary.from_texts(["Kommunerna i Stockholms län har kommit överens."] * 3)
    assert Repairer(documents).repair_line("i Stockholms l6n.") == "i Stockholms län."
    # Swedish alone knows no pair: 6 is most often ö, and lön a common word.
    assert Repairer(Vocabulary()).repair_line("i Stockholms l6n.") == "i Stockholms lön."


def test_no_confusion_is_free_when_both_cases_are_counted() -> None:
    table = "source\tocr\tcount\tsource_count\tcost\nä\ta\t1654\t3168\t0.6499\nÄ\tA\t21\t21\t0.0\n"
    costs = dict(Channel.from_tsv(table).rules["a"])
    assert costs["ä"] == pytest.approx(-math.log((1654 + 21) / (3168 + 21)))


def test_a_documents_own_confusions_are_fitted_after_a_first_pass() -> None:
    evidence = {("6", "å", 8.5): {"fr6n", "sjukv6rd", "utifr6n"}, ("t", "r", 7.7): {"a", "b", "c"}}
    costs = adapted_costs(evidence, ["från", "sjukvård", "utifrån", "gått", "vård"])
    assert costs[("6", "å")] < 8.5
    assert ("t", "r") not in costs  # a letter the English model knows: its sample holds
    assert not adapted_costs({("6", "å", 8.5): {"fr6n", "sjukv6rd"}}, ["från"])  # too few


def test_a_scan_that_reads_å_as_6_is_repaired_as_such_in_the_second_pass() -> None:
    damaged = [
        "Kommunen ansvarar fr6n och med i morgon f6r v6rden",
        "av patienter i sjukv6rden, och betalar utifr6n avtalet",
        "alla parter har g6tt igenom avtalet.",
    ]
    repairer = Repairer(Vocabulary())
    first = [repairer.repair_line(line) for line in damaged]
    assert first[-1] == "alla parter har gött igenom avtalet."  # 6 is ö in the sample
    repairer.adapt("\n".join(first))
    assert repairer.repair_line(damaged[-1]) == "alla parter har gått igenom avtalet."
    assert "alla parter har gått igenom" in normalise_text("\n".join(damaged), Vocabulary())


def test_compounds_are_swedish_and_damage_is_not(swedish: Vocabulary) -> None:
    for word in ("utskrivningsprocessen", "betalningsansvaret", "tjänsteutlåtande"):
        assert swedish.knows(word), word
    for word in ("hdlso", "socialniimndens", "kommunema", "frin"):
        assert not swedish.knows(word), word


def test_damage_score_tells_damaged_from_clean(swedish: Vocabulary) -> None:
    assert not assess(CLEAN, swedish).damaged
    damage = assess(DAMAGED, swedish)
    assert damage.damaged and damage.swedish_letters == 0.0


def test_clean_text_passes_through_unchanged_but_for_hyphenation(swedish: Vocabulary) -> None:
    assert normalise_text(CLEAN, swedish) == CLEAN
    broken = CLEAN.replace("utskrivning från\n", "utskriv-\nning från\n")
    assert normalise_text(broken, swedish).split("\n")[0].endswith("utskrivning")
    assert normalise_text(broken, swedish).split() == CLEAN.split()


def test_damaged_text_is_repaired(swedish: Vocabulary) -> None:
    out = normalise_text(DAMAGED, swedish)
    for words in (
        "Socialnämndens förslag är att kommunen ska godkänna överenskommelsen från och med",
        "1 januari 2020",
        "7 800 kronor per dygn för varje utskrivningsklar",
        "när betalningsansvaret har inträtt",
        "2,0 procent",
        "Ärendet har beretts",
    ):
        assert words in " ".join(out.split()), words


def test_valid_words_change_only_when_another_is_far_likelier(swedish: Vocabulary) -> None:
    repairer = Repairer(swedish)
    assert repairer.correct("for") == "för"
    assert repairer.correct("kommer") == "kommer"
    assert repairer.correct("man") == "man"


def test_long_damaged_words_become_the_documents_nearest_word() -> None:
    documents = Vocabulary.from_texts(
        [CLEAN, "Överenskommelsen gäller utskrivningsprocessen. En överenskommelse är klar."] * 3
        + ["Raden bröts: verenskommelse."]
    )
    repairer = Repairer(documents)
    assert repairer.correct("utskrirmingsprocessen") == "utskrivningsprocessen"
    assert repairer.correct("iuerenskommelse") == "överenskommelse"  # not the stray word
    assert repairer.correct("Zyxwvutsrqponm") == "Zyxwvutsrqponm"  # nothing near: left alone
    assert Repairer(Vocabulary()).nearest("utskrirmingsprocessen") is None  # no documents yet


def test_a_damaged_name_is_matched_with_its_marks_set_aside_and_in_compounds() -> None:
    documents = Vocabulary.from_texts(["Vården ges vid Södertälje sjukhus i Södertälje."] * 3)
    repairer = Repairer(documents)
    # r read as f, j as i, ö and ä lost: four letters apart, two with the marks set aside.
    assert repairer.correct("Sodeftalie") == "Södertälje"
    # A damaged name as the first part of a compound that no document has.
    assert repairer.correct("Sodeftlliebor") == "Södertäljebor"
    assert documents.knows("södertäljebor")  # a last part of three letters


def test_normalise_cli_repairs_standard_input() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ingest.normalise"],
        input=DAMAGED.encode("utf-8"),
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    assert "7 800 kronor" in done.stdout.decode("utf-8")


def test_damaged_scan_alone_answers_in_correct_swedish(tmp_path: Path) -> None:
    """The issue's test: only the damaged sample file indexed, the payment rule asked for."""
    scan = tmp_path / "skannad.txt"
    scan.write_bytes((ROOT / "corpus" / "002_3410898c3f7dd624.txt").read_bytes())
    run = [sys.executable, "-m"]
    subprocess.run(
        [*run, "ingest", str(scan), "--index", str(tmp_path / "idx")],
        check=True,
        capture_output=True,
        timeout=900,
    )
    question = "Hur mycket ska kommunen betala per dygn för en utskrivningsklar patient?"
    done = subprocess.run(
        [*run, "answer", question, "--index", str(tmp_path / "idx"), "--json"],
        check=True,
        capture_output=True,
        timeout=300,
    )
    out = json.loads(done.stdout.decode("utf-8"))
    assert out["answered"] and "7 800 kronor" in out["answer"]
    cited = out["citations"][0]
    assert "7 800" in cited["quote"] and "7 8oo" in cited["raw_quote"] and cited["repaired"]
    shown = subprocess.run(
        [*run, "answer", question, "--index", str(tmp_path / "idx")],
        check=True,
        capture_output=True,
        timeout=300,
    ).stdout.decode("utf-8")
    assert "skannad text före reparation" in shown and "7 8oo" in shown
