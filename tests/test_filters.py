"""Filters on passage metadata: one test, on the columns, for both sides of the search."""

import datetime as dt
from typing import Any

import numpy as np
import pytest

from index.filters import (
    DAY,
    Columns,
    Facets,
    FilterProblem,
    Filters,
    parse_day,
    parse_end_day,
    stored_day,
)
from index.search import top

SOCIAL = {"committee": "Socialnämnden", "municipality": "Botkyrka", DAY: 20191022}
ELDERLY = {"committee": "Äldrenämnden", "municipality": "Nacka", DAY: 20220427}
UNDATED = {"committee": "Socialnämnden", "municipality": "Botkyrka"}


def test_values_and_dates_admit_only_matching_passages() -> None:
    social = Filters(committee="Socialnämnden")
    assert social.admits(SOCIAL) and social.admits(UNDATED) and not social.admits(ELDERLY)
    since_2020 = Filters(date_from=dt.date(2020, 1, 1))
    assert since_2020.admits(ELDERLY) and not since_2020.admits(SOCIAL)
    assert not since_2020.admits(UNDATED)  # no date: cannot be shown to be in the period
    assert Filters().admits(UNDATED) and Filters().is_empty


def test_dates_are_read_as_people_write_them() -> None:
    assert parse_day("2020-03") == dt.date(2020, 3, 1)
    assert parse_end_day("2020-02") == dt.date(2020, 2, 29)
    assert parse_end_day("2021") == dt.date(2021, 12, 31)
    assert stored_day("2019-10-22") == 20191022 and stored_day(None) is None
    with pytest.raises(FilterProblem, match="ÅÅÅÅ-MM-DD"):
        parse_day("22 oktober 2019")


def test_facets_list_what_the_index_holds_and_resolve_spelling() -> None:
    facets = Facets.of([SOCIAL, ELDERLY, UNDATED])
    assert facets.committee == ("Socialnämnden", "Äldrenämnden")
    assert (facets.first_day, facets.last_day) == (dt.date(2019, 10, 22), dt.date(2022, 4, 27))
    assert facets.resolve("committee", " äldrenämnden ") == "Äldrenämnden"
    with pytest.raises(FilterProblem, match="Möjliga värden: Socialnämnden, Äldrenämnden"):
        facets.resolve("committee", "Kulturnämnden")
    with pytest.raises(FilterProblem, match="okänt filter"):
        facets.resolve("färg", "blå")


def test_the_column_test_admits_what_admits_admits() -> None:
    metas: list[dict[str, Any]] = [
        {"municipality": "Nacka", "committee": "Äldrenämnden", DAY: 20220427},
        {"municipality": "Nacka", "committee": "Socialnämnden", DAY: 20191022},
        {"municipality": "Botkyrka", "committee": "Socialnämnden"},
        {"committee": "Socialnämnden", "doc_type": "protokoll", DAY: 20210115},
        {},
    ]
    columns = Columns.of(metas)
    cases = [
        Filters(),
        Filters(committee="Socialnämnden"),
        Filters(municipality="Nacka", committee="Socialnämnden"),
        Filters(municipality="Järfälla"),
        Filters(date_from=dt.date(2020, 1, 1)),
        Filters(committee="Socialnämnden", date_to=dt.date(2020, 12, 31)),
        Filters(doc_type="protokoll", date_from=dt.date(2021, 1, 15), date_to=dt.date(2021, 1, 15)),
    ]
    for filters in cases:
        assert columns.admitted(filters).tolist() == [filters.admits(m) for m in metas], filters


def test_top_takes_the_best_positive_scores_ties_in_order() -> None:
    scores = np.array([0.0, 2.0, 1.0, 2.0, -1.0, 3.0, 1.0], dtype=np.float32)
    assert top(scores, 3).tolist() == [5, 1, 3]
    assert top(scores, 4).tolist() == [5, 1, 3, 2]
    assert top(scores, 10).tolist() == [5, 1, 3, 2, 6]
    assert top(np.zeros(4, dtype=np.float32), 3).tolist() == []
