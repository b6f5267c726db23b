"""Disclosure control: the attacker's LP cannot recover what ``publish`` hides.

The attack here is written independently of ``tipis.stats.disclosure``: the test states the
table's additive structure itself and solves its own LPs with scipy.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from tipis.stats.disclosure import (
    Constraint,
    InMemoryPrivacyBudget,
    PrivacyBudgetExceeded,
    additive_constraints,
    dp_counts,
    feasible_ranges,
    is_sensitive,
    k_anonymity,
    m49_hierarchy,
    publish,
    suppress_primary,
)
from tipis.stats.table import Cell, StatTable

Key = tuple[str, ...]
SEXES = ["Female", "Male", "Unknown"]
AGES = ["0-17", "18+", "Unknown"]
# The M49 structure, stated by hand: parent -> children.
AREAS = {
    "155": ["FRA", "DEU", "NLD"],
    "039": ["ITA", "ESP"],
    "202": ["NGA", "GHA"],
    "150": ["155", "039"],
    "002": ["202"],
    "WLD": ["150", "002"],
}


# --- building tables with their structure ---------------------------------------------------


def with_totals(
    leaves: Mapping[Key, int], groups: Sequence[Mapping[str, list[str]]]
) -> dict[Key, int]:
    """Leaves plus every total; ``groups[i]`` gives dimension i's parent -> children."""
    values = dict(leaves)
    for index, parents in enumerate(groups):
        for parent in _bottom_up(parents):
            for key in [k for k in values if k[index] == parents[parent][0]]:
                total = sum(values[_at(key, index, child)] for child in parents[parent])
                values[_at(key, index, parent)] = total
    return values


def _bottom_up(parents: Mapping[str, list[str]]) -> list[str]:
    done: list[str] = []
    while len(done) < len(parents):
        for parent, children in parents.items():
            if parent not in done and all(c not in parents or c in done for c in children):
                done.append(parent)
    return done


def _at(key: Key, index: int, value: str) -> Key:
    return (*key[:index], value, *key[index + 1 :])


def relations(
    values: Mapping[Key, int], groups: Sequence[Mapping[str, list[str]]]
) -> list[tuple[Key, list[Key]]]:
    """Every "total = sum of parts" the table shows, as the attacker knows them."""
    found = []
    for index, parents in enumerate(groups):
        for parent, children in parents.items():
            for key in (k for k in values if k[index] == parent):
                found.append((key, [_at(key, index, c) for c in children]))
    return found


def table_of(values: Mapping[Key, int], dimensions: tuple[str, ...]) -> StatTable:
    return StatTable("victims", dimensions, [Cell(k, v, v) for k, v in values.items()])


def sex_age_table() -> tuple[StatTable, list[tuple[Key, list[Key]]]]:
    leaves = {
        ("Female", "0-17"): 2,
        ("Female", "18+"): 40,
        ("Female", "Unknown"): 1,
        ("Male", "0-17"): 6,
        ("Male", "18+"): 35,
        ("Male", "Unknown"): 7,
        ("Unknown", "0-17"): 0,
        ("Unknown", "18+"): 9,
        ("Unknown", "Unknown"): 3,
    }
    groups = [{"Total": SEXES}, {"Total": AGES}]
    values = with_totals(leaves, groups)
    return table_of(values, ("sex", "age")), relations(values, groups)


def m49_table() -> tuple[StatTable, list[tuple[Key, list[Key]]]]:
    counts = {"FRA": (31, 3), "DEU": (55, 12), "NLD": (2, 8), "ITA": (19, 1), "ESP": (27, 14)}
    counts |= {"NGA": (60, 4), "GHA": (9, 22)}
    leaves = {
        (area, "2022", sex): n
        for area, pair in counts.items()
        for sex, n in zip(["Female", "Male"], pair, strict=True)
    }
    groups = [AREAS, {}, {"Total": ["Female", "Male"]}]
    values = with_totals(leaves, groups)
    return table_of(values, ("area", "year", "sex")), relations(values, groups)


# --- the attack -----------------------------------------------------------------------------


def attack(
    table: StatTable, known: Sequence[tuple[Key, list[Key]]]
) -> dict[Key, tuple[float, float]]:
    """Least and greatest value of each suppressed cell, given published cells and relations."""
    keys = [c.key for c in table.cells]
    index = {k: i for i, k in enumerate(keys)}
    bounds = [(0, None) if c.suppressed else (c.lower, c.upper) for c in table.cells]
    a_eq = np.zeros((len(known), len(keys)))
    for row, (total, parts) in enumerate(known):
        a_eq[row, index[total]] = 1
        for part in parts:
            a_eq[row, index[part]] -= 1
    ranges = {}
    for cell in (c for c in table.cells if c.suppressed):
        objective = np.zeros(len(keys))
        objective[index[cell.key]] = 1
        low = linprog(objective, A_eq=a_eq, b_eq=np.zeros(len(known)), bounds=bounds)
        high = linprog(-objective, A_eq=a_eq, b_eq=np.zeros(len(known)), bounds=bounds)
        assert low.status == 0
        ranges[cell.key] = (low.fun, math.inf if high.status == 3 else -high.fun)
    return ranges


def recovered(table: StatTable, known: Sequence[tuple[Key, list[Key]]]) -> dict[Key, float]:
    """The suppressed cells whose value the attack pins down exactly."""
    return {k: lo for k, (lo, hi) in attack(table, known).items() if math.isclose(lo, hi)}


@pytest.mark.parametrize("make", [sex_age_table, m49_table])
def test_primary_suppression_alone_gives_cells_away(make) -> None:
    table, known = make()
    hidden = suppress_primary(table)
    exact = recovered(hidden, known)
    assert exact, "the totals should give some primary cell away"
    truth = {c.key: c.lower for c in table.cells}
    assert all(math.isclose(value, truth[key]) for key, value in exact.items())


@pytest.mark.parametrize("make", [sex_age_table, m49_table])
def test_published_table_resists_the_attack(make) -> None:
    table, known = make()
    published = publish(table)
    assert any(c.status == "suppressed_secondary" for c in published.cells)
    assert recovered(published, known) == {}
    truth = {c.key: c for c in table.cells}
    for key, (low, high) in attack(published, known).items():
        if published.cell(*key).status == "suppressed_primary":  # the protection interval
            assert low <= 1e-6 and high >= truth[key].upper + 5 - 1e-6


@pytest.mark.parametrize("make", [sex_age_table, m49_table])
def test_no_published_cell_is_small(make) -> None:
    published = publish(make()[0])
    assert all(c.lower == 0 or c.lower >= 5 for c in published.published())


def test_publish_records_the_rules() -> None:
    table, _ = sex_age_table()
    rules = publish(table).metadata["disclosure"]
    assert rules["threshold"] == 5 and rules["protection"] == 5
    assert rules["suppressed_primary"] == 3
    assert rules["suppressed"] == rules["suppressed_primary"] + rules["suppressed_secondary"]
    assert "LP" in rules["method"]


def test_publish_after_dp_keeps_epsilon_on_record() -> None:
    table, _ = sex_age_table()
    noisy = dp_counts(table, 0.5, InMemoryPrivacyBudget({"d": 1.0}), dataset="d")
    rules = publish(noisy).metadata["disclosure"]
    assert rules["epsilon"] == 0.5 and rules["threshold"] == 5


def test_publish_keeps_values_and_statuses_of_other_cells() -> None:
    table, _ = m49_table()
    published = publish(table, threshold=3)
    for before, after in zip(table.cells, published.cells, strict=True):
        assert (before.key, before.lower, before.upper) == (after.key, after.lower, after.upper)
        assert after.status in {"exact", "suppressed_primary", "suppressed_secondary"}


def test_zeros_are_sensitive_only_when_asked() -> None:
    zero = Cell(("x",), 0, 0)
    assert not is_sensitive(zero)
    assert is_sensitive(zero, zeros_sensitive=True)


@pytest.mark.parametrize(
    ("lower", "upper", "sensitive"),
    [(1, 4, True), (3, 12, True), (0, 2, True), (5, 8, False), (0, 0, False), (7, 7, False)],
)
def test_interval_cells_that_may_be_small_are_sensitive(lower, upper, sensitive) -> None:
    status = "exact" if lower == upper else "interval"
    assert is_sensitive(Cell(("x",), lower, upper, status)) is sensitive


# --- relations the table shows --------------------------------------------------------------


def test_m49_hierarchy_uses_the_nearest_area_present() -> None:
    full = m49_hierarchy(["FRA", "ITA", "155", "039", "150", "WLD"])
    assert full == {"FRA": "155", "ITA": "039", "155": "150", "039": "150", "150": "WLD"}
    assert m49_hierarchy(["FRA", "Europe", "NGA", "001"]) == {
        "FRA": "Europe",
        "Europe": "001",
        "NGA": "001",
    }


def test_totals_over_missing_areas_are_inequalities() -> None:
    values = {("FRA",): 10, ("DEU",): 20, ("155",): 30, ("150",): 45, ("WLD",): 40}
    found = additive_constraints(table_of(values, ("area",)))
    assert Constraint(("155",), (("FRA",), ("DEU",)), "eq") in found
    assert Constraint(("150",), (("155",),), "ge") in found  # other European countries
    assert all(c.total != ("WLD",) for c in found)  # 40 < 45: sources disagree, dropped


def test_total_category_and_hierarchy_combine() -> None:
    table, known = m49_table()
    found = {(c.total, frozenset(c.parts)) for c in additive_constraints(table)}
    assert found == {(total, frozenset(parts)) for total, parts in known}


def test_intervals_missing_cells_and_partial_totals_stay_protected() -> None:
    # Germany's female count was published as "<5" (1..4), so its totals are intervals; the
    # Netherlands has no data; Europe also counts countries the table does not show.
    cells = [
        Cell(("FRA", "F"), 3, 3),
        Cell(("FRA", "M"), 20, 20),
        Cell(("FRA", "Total"), 23, 23),
        Cell(("DEU", "F"), 1, 4, "interval"),
        Cell(("DEU", "M"), 30, 30),
        Cell(("DEU", "Total"), 31, 34, "interval"),
        Cell(("NLD", "F"), 0, 0, "missing"),
        Cell(("155", "F"), 4, 7, "interval"),
        Cell(("155", "M"), 50, 50),
        Cell(("155", "Total"), 54, 57, "interval"),
        Cell(("150", "F"), 40, 40),
        Cell(("150", "M"), 90, 90),
        Cell(("150", "Total"), 130, 130),
    ]
    table = StatTable("victims", ("area", "sex"), cells)
    published = publish(table)
    assert {c.key for c in published.cells if c.status == "suppressed_primary"} == {
        ("FRA", "F"),
        ("DEU", "F"),
        ("155", "F"),
    }
    for low, high in feasible_ranges(published.cells, additive_constraints(table)).values():
        assert high - low >= 1


# --- property: random small tables ----------------------------------------------------------

small_counts = st.one_of(st.integers(0, 4), st.integers(5, 60))


@st.composite
def sex_age_tables(draw: st.DrawFn) -> tuple[StatTable, list[tuple[Key, list[Key]]]]:
    sexes = SEXES[: draw(st.integers(2, 3))]
    ages = AGES[: draw(st.integers(2, 3))]
    leaves = {(s, a): draw(small_counts) for s in sexes for a in ages}
    groups = [{"Total": sexes}, {"Total": ages}]
    values = with_totals(leaves, groups)
    return table_of(values, ("sex", "age")), relations(values, groups)


@st.composite
def area_tables(draw: st.DrawFn) -> tuple[StatTable, list[tuple[Key, list[Key]]]]:
    leaves = {
        (area, sex): draw(small_counts)
        for area in ["FRA", "DEU", "NLD", "ITA", "ESP", "NGA", "GHA"]
        for sex in ["Female", "Male"]
    }
    groups = [AREAS, {"Total": ["Female", "Male"]}]
    values = with_totals(leaves, groups)
    return table_of(values, ("area", "sex")), relations(values, groups)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(sex_age_tables(), area_tables()))
def test_no_suppressed_cell_is_ever_recoverable(
    case: tuple[StatTable, list[tuple[Key, list[Key]]]],
) -> None:
    table, known = case
    published = publish(table)
    assert recovered(published, known) == {}
    assert all(c.lower == 0 or c.lower >= 5 for c in published.published())


# --- k-anonymity ----------------------------------------------------------------------------


def test_k_anonymity_names_the_rare_combinations() -> None:
    rows = [{"sex": "Female", "age": "18+", "country": "FRA"}] * 12
    rows += [{"sex": "Male", "age": "0-17", "country": "FRA"}] * 3
    rows += [{"sex": "Female", "age": "0-17", "country": "NGA"}]
    report = k_anonymity(rows)
    assert report.attributes == ("sex", "age", "country")
    assert not report.satisfied
    assert report.rows == 16 and report.combinations == 3 and report.rows_affected == 4
    assert [(c.as_dict(), c.count) for c in report.offending] == [
        ({"sex": "Female", "age": "0-17", "country": "NGA"}, 1),
        ({"sex": "Male", "age": "0-17", "country": "FRA"}, 3),
    ]


def test_k_anonymity_over_chosen_attributes() -> None:
    rows = [{"sex": "Female", "id": str(i)} for i in range(11)]
    assert not k_anonymity(rows).satisfied  # every id is unique
    report = k_anonymity(rows, attributes=["sex"])
    assert report.satisfied and report.as_metadata()["k"] == 11


def test_k_anonymity_counts_missing_values_as_a_value() -> None:
    rows = [{"sex": "Female"}] * 2 + [{"sex": None}, {}]
    report = k_anonymity(rows, k=2)
    assert report.satisfied and report.combinations == 2
    with pytest.raises(ValueError):
        k_anonymity(rows, k=0)


# --- differential privacy -------------------------------------------------------------------


def test_budget_refuses_what_would_overspend() -> None:
    table, _ = sex_age_table()
    budget = InMemoryPrivacyBudget({"ctdc-2024": 1.0})
    dp_counts(table, 0.6, budget, dataset="ctdc-2024")
    with pytest.raises(PrivacyBudgetExceeded) as refused:
        dp_counts(table, 0.6, budget, dataset="ctdc-2024")
    message = str(refused.value)
    assert "ctdc-2024" in message and "ε=1" in message and "ε=0.6" in message
    assert budget.spent("ctdc-2024") == pytest.approx(0.6)
    assert len(budget.ledger) == 1


def test_datasets_without_a_budget_are_refused() -> None:
    table, _ = sex_age_table()
    with pytest.raises(PrivacyBudgetExceeded):
        dp_counts(table, 0.1, InMemoryPrivacyBudget(), dataset="unbudgeted")
    with pytest.raises(ValueError):
        dp_counts(table, 0.1, InMemoryPrivacyBudget(default_total=1.0))  # no dataset named


def test_dp_counts_records_epsilon_and_sensitivity() -> None:
    table, _ = sex_age_table()
    noisy = dp_counts(table, 0.5, InMemoryPrivacyBudget({"d": 1.0}), dataset="d")
    rules = noisy.metadata["disclosure"]
    assert rules["epsilon"] == 0.5 and rules["dataset"] == "d"
    assert rules["contributions"] == 4  # its own cell, its row, its column, the grand total
    assert rules["noise_scale"] == pytest.approx(8.0, rel=1e-6)
    assert all(c.exact and c.lower >= 0 for c in noisy.cells)
    assert [c.key for c in noisy.cells] == [c.key for c in table.cells]


def test_dp_noise_is_centred_with_the_calibrated_spread() -> None:
    # OpenDP samples from the OS CSPRNG and cannot be seeded, so check the distribution.
    cells = [Cell((str(i),), 1000, 1000) for i in range(4000)]
    table = StatTable("victims", ("id",), cells)
    noisy = dp_counts(table, 1.0, InMemoryPrivacyBudget({"d": 1.0}), dataset="d")
    noise = [c.lower - 1000 for c in noisy.cells]
    # Discrete Laplace with scale 1: variance 2e^{-1} / (1 - e^{-1})^2 ≈ 1.84.
    variance = 2 * math.exp(-1) / (1 - math.exp(-1)) ** 2
    assert abs(statistics.fmean(noise)) < 5 * math.sqrt(variance / len(noise))
    assert statistics.pvariance(noise) == pytest.approx(variance, rel=0.15)


def test_dp_refuses_interval_cells() -> None:
    table = StatTable("victims", ("area",), [Cell(("FRA",), 1, 4, "interval")])
    with pytest.raises(ValueError, match="interval"):
        dp_counts(table, 0.5, InMemoryPrivacyBudget({"d": 1.0}), dataset="d")
