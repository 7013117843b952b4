"""OCR repair of Swedish: numbers, the lexicon with compounds, the damage score, the corrector,
and the damaged sample scan answered in correct Swedish."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

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
