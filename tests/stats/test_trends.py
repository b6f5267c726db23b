"""Trends: clear changes are flagged, noise about as often as alpha says, intervals at both
ends, hidden and missing counts left untested."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats  # type: ignore[import-untyped]

from tipis.stats.table import Cell, CellStatus, StatTable
from tipis.stats.trends import Change, poisson_trend, trend, two_count_p_value, year_on_year

ALPHA = 0.05


def counts(
    series: dict[str, list[int | tuple[int, int]]],
    first_year: int = 2018,
    status: dict[tuple[str, str], CellStatus] | None = None,
) -> StatTable:
    """Counts by ("area", "year"): an int is exact, a pair an interval such as <5 (1, 4)."""
    cells = []
    for area, values in series.items():
        for offset, value in enumerate(values):
            low, high = value if isinstance(value, tuple) else (value, value)
            key = (area, str(first_year + offset))
            kind: CellStatus = "exact" if low == high else "interval"
            cells.append(Cell(key, low, high, (status or {}).get(key, kind)))
    return StatTable("victims", ("area", "year"), cells, {"title": "Detected victims"})


def change(table: StatTable, *key: str) -> Change:
    found: Change = table.metadata["changes"][key]
    return found


# -- The tests themselves -----------------------------------------------------------------------


def test_two_count_p_value_is_the_exact_binomial_split() -> None:
    assert two_count_p_value(0, 0) == 1.0
    assert two_count_p_value(10, 10) == pytest.approx(1.0)
    assert two_count_p_value(0, 6) == pytest.approx(2 * 0.5**6)
    assert two_count_p_value(50, 100) == pytest.approx(stats.binomtest(100, 150).pvalue)


def test_poisson_trend_recovers_a_doubling_slope() -> None:
    fit = poisson_trend([2019, 2020, 2021, 2022, 2023], [10, 20, 40, 80, 160])
    assert fit.slope == pytest.approx(math.log(2))
    assert fit.dispersion == 1.0
    assert fit.p_value < 1e-20


def test_poisson_trend_from_zero_has_an_infinite_slope_and_a_p_value() -> None:
    fit = poisson_trend([2020, 2021, 2022, 2023], [0, 0, 0, 12])
    assert fit.slope == math.inf
    assert fit.p_value < 0.01
    assert poisson_trend([1, 2, 3], [0, 0, 0]).p_value == 1.0
    with pytest.raises(ValueError):
        poisson_trend([1, 2], [3, 4])


def test_overdispersion_widens_the_test() -> None:
    """Counts swinging far more than Poisson noise: plain Poisson would call the drift
    certain; the quasi-Poisson correction does not."""
    fit = poisson_trend(range(6), [100, 250, 90, 260, 150, 280])
    assert fit.dispersion > 10
    assert fit.p_value > ALPHA
    deviance_drop = stats.f.isf(fit.p_value, 1, 4) * fit.dispersion
    assert stats.chi2.sf(deviance_drop, 1) < 1e-6  # what a Poisson-only test would say


# -- Year on year -------------------------------------------------------------------------------


def test_a_doubling_rises_and_a_halving_falls() -> None:
    table = year_on_year(counts({"DEU": [50, 100], "FRA": [80, 40], "ITA": [30, 33]}))
    assert table.dimensions == ("area", "year")
    assert table.indicator == "victims_change"
    assert table.cell("DEU", "2019") == Cell(("DEU", "2019"), 50, 50, "exact")
    assert change(table, "DEU", "2019").flag == "rising"
    assert change(table, "DEU", "2019").relative == (1.0, 1.0)
    assert change(table, "FRA", "2019").flag == "falling"
    assert change(table, "ITA", "2019").flag == "no clear change"
    assert change(table, "DEU", "2019").test == "exact Poisson (binomial)"


def test_every_consecutive_pair_of_years_is_compared() -> None:
    table = year_on_year(counts({"DEU": [10, 40, 45, 12]}))
    flags = [change(table, "DEU", year).flag for year in ("2019", "2020", "2021")]
    assert flags == ["rising", "no clear change", "falling"]
    assert [cell.lower for cell in table] == [30, 5, -33]


def test_equal_rates_are_flagged_in_about_alpha_of_cases() -> None:
    rng = np.random.default_rng(20240501)
    areas = 2000
    noise = counts({f"A{i}": rng.poisson(30, 2).tolist() for i in range(areas)})
    flags = [c.flag for c in year_on_year(noise).metadata["changes"].values()]
    flagged = sum(flag != "no clear change" for flag in flags) / areas
    # The exact test is slightly conservative (discrete), never above alpha beyond noise:
    assert 0.02 < flagged < ALPHA + 0.015
    assert flags.count("rising") == pytest.approx(flags.count("falling"), abs=30)
    adjusted = year_on_year(noise, adjust="fdr").metadata["changes"].values()
    assert sum(c.flag != "no clear change" for c in adjusted) <= 0.005 * areas


def test_an_interval_is_flagged_only_when_both_ends_agree() -> None:
    table = year_on_year(counts({"DEU": [(1, 4), 60], "FRA": [(1, 4), 9], "ITA": [(1, 4), (1, 4)]}))
    assert change(table, "DEU", "2019").flag == "rising"
    fra = change(table, "FRA", "2019")
    assert fra.p_value == pytest.approx((two_count_p_value(4, 9), two_count_p_value(1, 9)))
    assert fra.p_value is not None and fra.p_value[1] < ALPHA < fra.p_value[0]
    assert fra.flag == "no clear change"
    assert fra.relative == pytest.approx((9 / 4 - 1, 9 / 1 - 1))
    assert table.cell("FRA", "2019") == Cell(("FRA", "2019"), 5, 8, "interval")
    assert table.cell("ITA", "2019") == Cell(("ITA", "2019"), -3, 3, "interval")
    assert "both ends" in " ".join(table.metadata["notes"])


def test_hidden_and_missing_counts_are_not_tested() -> None:
    hidden: dict[tuple[str, str], CellStatus] = {("DEU", "2019"): "suppressed_primary"}
    table = year_on_year(counts({"DEU": [40, 3, 50], "FRA": [10, 20]}, status=hidden))
    assert table.cell("DEU", "2019") is not None
    assert table.cell("DEU", "2019").status == "suppressed_secondary"  # type: ignore[union-attr]
    assert table.cell("DEU", "2020").status == "suppressed_secondary"  # type: ignore[union-attr]
    assert change(table, "DEU", "2019").flag == "not tested"
    assert table.cell("FRA", "2020") == Cell(("FRA", "2020"), 0, 0, "missing")
    assert change(table, "FRA", "2020").flag == "not tested"


def test_year_may_be_any_dimension() -> None:
    cells = [
        Cell(("2020", "DEU", "Female"), 20, 20),
        Cell(("2021", "DEU", "Female"), 60, 60),
        Cell(("2020", "DEU", "Male"), 20, 20),
        Cell(("2021", "DEU", "Male"), 22, 22),
    ]
    table = year_on_year(StatTable("victims", ("year", "area", "sex"), cells))
    assert table.dimensions == ("year", "area", "sex")
    assert change(table, "2021", "DEU", "Female").flag == "rising"
    assert change(table, "2021", "DEU", "Male").flag == "no clear change"


# -- Multi-year trends ----------------------------------------------------------------------------


def test_a_steady_doubling_over_five_years_rises() -> None:
    table = trend(counts({"DEU": [20, 24, 28, 34, 40], "FRA": [40, 34, 28, 24, 20]}))
    deu = change(table, "DEU", "2018-2022")
    assert deu.flag == "rising"
    assert deu.test == "quasi-Poisson log-linear trend"
    assert deu.annual_rate_ratio is not None
    assert deu.annual_rate_ratio[0] == pytest.approx(2 ** (1 / 4), rel=0.02)
    assert table.cell("DEU", "2018-2022") == Cell(("DEU", "2018-2022"), 20, 20, "exact")
    assert change(table, "FRA", "2018-2022").flag == "falling"
    assert table.metadata["period"] == (2018, 2022)


def test_equal_rates_over_years_are_flagged_in_about_alpha_of_cases() -> None:
    rng = np.random.default_rng(7)
    areas = 1000
    noise = counts({f"A{i}": rng.poisson(25, 6).tolist() for i in range(areas)})
    changes = trend(noise).metadata["changes"].values()
    flagged = sum(c.flag != "no clear change" for c in changes) / areas
    # Flooring the dispersion at 1 makes the test a little conservative:
    assert 0.015 < flagged < ALPHA + 0.015


def test_overdispersed_series_is_not_flagged_where_poisson_would_be() -> None:
    table = trend(counts({"DEU": [100, 250, 90, 260, 150, 280]}))
    deu = change(table, "DEU", "2018-2023")
    assert deu.flag == "no clear change"
    assert deu.dispersion is not None and deu.dispersion[0] > 10


def test_trend_of_a_period_and_its_fallbacks() -> None:
    table = counts({"DEU": [5, 10, 20, 40, 80], "FRA": [50, 3, 30], "ITA": [7]})
    part = trend(table, first=2019, last=2021)
    assert part.cell("DEU", "2019-2021") == Cell(("DEU", "2019-2021"), 30, 30, "exact")
    assert change(part, "DEU", "2019-2021").flag == "rising"
    two_years = change(part, "FRA", "2019-2021")
    assert two_years.test == "exact Poisson (binomial)"
    assert two_years.flag == "rising"
    assert part.cell("FRA", "2019-2021") == Cell(("FRA", "2019-2021"), 0, 0, "missing")
    assert change(part, "ITA", "2019-2021").flag == "not tested"


def test_trend_with_intervals_needs_both_ends() -> None:
    lt5 = (1, 4)
    table = trend(counts({"DEU": [lt5, lt5, lt5, 6, 7], "FRA": [lt5, lt5, lt5, 30, 40]}))
    deu = change(table, "DEU", "2018-2022")
    assert deu.p_value is not None
    assert deu.p_value[1] < ALPHA < deu.p_value[0]  # rising only if the <5 were 1s
    assert deu.flag == "no clear change"
    assert deu.relative == pytest.approx((7 / 4 - 1, 7 / 1 - 1))
    assert change(table, "FRA", "2018-2022").flag == "rising"
    assert table.cell("DEU", "2018-2022") == Cell(("DEU", "2018-2022"), 3, 6, "interval")


def test_all_zero_series_shows_no_change() -> None:
    table = trend(counts({"DEU": [0, 0, 0, 0]}))
    assert change(table, "DEU", "2018-2021").flag == "no clear change"
