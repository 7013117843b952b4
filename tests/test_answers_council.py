"""The council answer measurement: every question asked of a real index of the documents,
each answerable one again of a copy without the documents that answer it."""

from __future__ import annotations

from pathlib import Path

from bench.answers_council import markdown, run
from bench.council_data import load


def test_questions_are_judged_with_and_without_the_documents_that_answer(
    council_folder: Path, tmp_path: Path
) -> None:
    data = load(council_folder)
    results = run(tmp_path / "work", data)
    one, everything = results.scores
    assert one.group == "A" and everything.group == "all"
    assert (one.answerable, one.to_decline) == (1, 2)  # Kalmar's grant, and Växjö's removed
    assert one.declined == 2  # neither is answered from what is left
    assert everything == type(one)("all", 1, one.right, 2, 2)
    table = "\n".join(markdown(results))
    assert "| A | " in table and "(2/2)" in table
    assert "never saw it" in table  # the selector learned from these: its unseen figures too
