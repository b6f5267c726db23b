"""Tests for tipis.standard.ages: completed years and the GLOTIP / CTDC age groups."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tipis.standard.ages import MAX_AGE, age_on, ctdc_age_band, glotip_age_group, is_minor
from tipis.standard.codes import codelist

ages = st.integers(min_value=0, max_value=MAX_AGE)


def _bounds(code: str) -> tuple[int, int | None]:
    bands = codelist("ctdc_age_band")
    low = bands.attr(code, "min_age")
    high = bands.attr(code, "max_age")
    assert low is not None
    return int(low), None if high is None else int(high)


@pytest.mark.parametrize(
    ("birth", "on", "years"),
    [
        (date(2000, 5, 10), date(2000, 5, 10), 0),
        (date(2000, 5, 10), date(2018, 5, 9), 17),
        (date(2000, 5, 10), date(2018, 5, 10), 18),
        (date(2000, 2, 29), date(2018, 2, 28), 17),
        (date(2000, 2, 29), date(2018, 3, 1), 18),
        (date(2000, 2, 29), date(2004, 2, 29), 4),
    ],
)
def test_age_on(birth: date, on: date, years: int) -> None:
    assert age_on(birth, on) == years


def test_age_on_rejects_a_date_before_birth() -> None:
    with pytest.raises(ValueError, match="before the birth date"):
        age_on(date(2000, 1, 2), date(2000, 1, 1))


@given(st.dates(max_value=date(2200, 1, 1)), st.integers(min_value=1, max_value=150))
def test_age_on_counts_completed_years(birth: date, years: int) -> None:
    if (birth.month, birth.day) == (2, 29):
        birth = birth - timedelta(days=1)
    birthday = birth.replace(year=birth.year + years)
    assert age_on(birth, birthday) == years
    assert age_on(birth, birthday - timedelta(days=1)) == years - 1


@pytest.mark.parametrize(
    ("age", "group", "band"),
    [
        (0, "0-17", "0--8"),
        (8, "0-17", "0--8"),
        (9, "0-17", "9--17"),
        (17, "0-17", "9--17"),
        (18, "18+", "18--20"),
        (29, "18+", "27--29"),
        (30, "18+", "30--38"),
        (47, "18+", "39--47"),
        (48, "18+", "48+"),
        (MAX_AGE, "18+", "48+"),
    ],
)
def test_groups_and_bands(age: int, group: str, band: str) -> None:
    assert glotip_age_group(age) == group
    assert ctdc_age_band(age) == band


def test_unknown_age() -> None:
    assert glotip_age_group(None) == "Unknown"
    assert ctdc_age_band(None) is None
    assert is_minor(None) is None


@pytest.mark.parametrize("age", [-1, MAX_AGE + 1, 1000])
def test_implausible_ages_raise(age: int) -> None:
    for func in (glotip_age_group, ctdc_age_band, is_minor):
        with pytest.raises(ValueError, match="outside the plausible range"):
            func(age)


@given(ages)
def test_glotip_group_and_ctdc_band_agree(age: int) -> None:
    group = glotip_age_group(age)
    band = ctdc_age_band(age)
    assert band is not None
    assert _holds(band, age)
    high = _bounds(band)[1]
    assert (age < 18) == (group == "0-17") == is_minor(age)
    assert (group == "0-17") == (high is not None and high < 18)
    assert codelist("glotip_age_group").lookup(group) == group


def _holds(code: str, age: int) -> bool:
    low, high = _bounds(code)
    return low <= age and (high is None or age <= high)


@given(ages)
def test_exactly_one_band_holds_each_age(age: int) -> None:
    holding = [code for code in codelist("ctdc_age_band").codes if _holds(code, age)]
    assert holding == [ctdc_age_band(age)]


def test_bands_partition_zero_to_max_age_without_gap_or_overlap() -> None:
    bounds = [_bounds(code) for code in codelist("ctdc_age_band").codes]
    assert bounds[0][0] == 0
    for (_, high), (next_low, _) in pairwise(bounds):
        assert high is not None and next_low == high + 1
    assert bounds[-1][1] is None
