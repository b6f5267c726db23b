"""The indicator engine against counts made directly in the store, on SQLite and PostgreSQL.

Every expectation is an SQLAlchemy Core query over the store's tables, written here with the
GLOTIP rules restated (sex from gender, age groups, form groups), never with ``tipis.stats``
or the code lists' mappings. About 3,000 synthetic cases are loaded once per backend.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any
from uuid import uuid4

import duckdb
import pytest
import sqlalchemy as sa

from tests.conftest import separate_database
from tests.factories import case, organisations
from tipis.stats.facts import load_facts
from tipis.stats.indicators import INDICATORS, compute
from tipis.stats.table import StatTable
from tipis.store import tables as t
from tipis.store.cases import Store
from tipis.store.crypto import key_from_text, new_key_text
from tipis.store.engine import make_engine
from tipis.store.migrate import upgrade
from tipis.synthetic.bulk import load_synthetic
from tipis.synthetic.generator import demo_organisations

CASES = 3_000
SEED = 11

# --- GLOTIP's rules, restated for the independent counts -------------------------------------

SEX_OF_GENDER = {
    "Feminine": "Female",
    "Masculine": "Male",
    "TransgenderFeminine": "Other",
    "TransgenderMasculine": "Other",
    "NonConforming": "Other",
}  # anything else, "NonSpecifiedUnknown" included, is Unknown
SEXUAL_FORMS = ("SexualExploitation",)
LABOUR_FORMS = ("ForcedLabour", "ChildLabour", "Servitude")  # the rest are "other forms"
WESTERN_EUROPE = ("AUT", "BEL", "CHE", "DEU", "FRA", "LIE", "LUX", "MCO", "NLD")  # M49 155

v, c, p, codes = t.victims.c, t.cases.c, t.persons.c, t.victim_codes.c
YEAR = sa.extract("year", c.opened_on)
SEX = sa.case(SEX_OF_GENDER, value=p.gender, else_="Unknown")
_AGE = sa.func.coalesce(v.age_at_identification, v.age_when_trafficked)
AGE = sa.case((_AGE.is_(None), "Unknown"), (_AGE < 18, "0-17"), else_="18+")
_GROUP = sa.case(
    (codes.code.in_(SEXUAL_FORMS), "SexualExploitation"),
    (codes.code.in_(LABOUR_FORMS), "ForcedLabour"),
    else_="OtherForms",
)
_GROUPS = (
    sa.select(
        codes.victim_id,
        sa.case(
            (sa.func.count(sa.distinct(_GROUP)) == 1, sa.func.min(_GROUP)), else_="OtherForms"
        ).label("form_group"),
    )
    .where(codes.list_name == "exploitation_form")
    .group_by(codes.victim_id)
    .subquery()
)
FORM_GROUP = sa.func.coalesce(_GROUPS.c.form_group, "Unknown")
_FORMS = t.victim_codes.alias("forms")
FORM = _FORMS.c.code
CITIZENSHIP = sa.func.coalesce(p.citizenship, "Unknown")
NATIONALITY = sa.case(
    (p.citizenship.is_(None), "Unknown"),
    (p.citizenship == c.country_of_identification, "Nationals"),
    else_="Foreigners",
)
COLUMNS: dict[str, Any] = {
    "sex": SEX,
    "age": AGE,
    "form_group": FORM_GROUP,
    "form": FORM,
    "citizenship": CITIZENSHIP,
    "nationality": NATIONALITY,
}

Counts = dict[tuple[str, ...], int]


def direct_counts(
    store: Store,
    by: Sequence[str],
    *,
    other_forms_only: bool = False,
    countries: Sequence[str] = (),
) -> Counts:
    """Victims per (year, *by), counted straight from the store's tables."""
    columns = [COLUMNS[name] for name in by]
    joined = (
        t.victims.join(t.cases, c.id == v.case_id)
        .join(t.persons, p.id == v.person_id)
        .outerjoin(_GROUPS, _GROUPS.c.victim_id == v.id)
    )
    if "form" in by:
        joined = joined.join(
            _FORMS, sa.and_(_FORMS.c.victim_id == v.id, _FORMS.c.list_name == "exploitation_form")
        )
    query = (
        sa.select(YEAR, *columns, sa.func.count())
        .select_from(joined)
        .where(v.trafficking_status != "NotAVictimOfTrafficking")
        .group_by(YEAR, *columns)
    )
    if other_forms_only:
        query = query.where(FORM_GROUP == "OtherForms")
    if countries:
        query = query.where(c.country_of_identification.in_(countries))
    with store.engine.connect() as connection:
        return {
            (str(int(year)), *(str(k) for k in keys)): int(n)
            for year, *keys, n in connection.execute(query)
        }


def table_counts(table: StatTable, area: str) -> Counts:
    assert all(cell.key[0] == area for cell in table)
    assert all(cell.lower == cell.upper and cell.status == "exact" for cell in table)
    return {cell.key[1:]: cell.lower for cell in table}


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def synthetic_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    """About 3,000 synthetic cases, loaded once per backend into a database of its own."""
    folder = tmp_path_factory.mktemp("stats")
    with separate_database(request.param, request, folder, "tipis_stats") as url:
        store = Store(make_engine(url), key_from_text(new_key_text()))
        upgrade(store.engine)
        organisations = demo_organisations(SEED)
        for organisation in organisations:
            store.add_organisation(organisation)
        load_synthetic(store, CASES, SEED, organisations, workers=1)
        yield store
        store.engine.dispose()


@pytest.fixture(scope="module")
def facts(synthetic_store: Store) -> duckdb.DuckDBPyConnection:
    return load_facts(synthetic_store)


# --- every breakdown equals the direct count ---------------------------------------------------

VICTIM_BREAKDOWNS = [
    (),
    ("sex",),
    ("age",),
    ("sex", "age"),
    ("form_group",),
    ("form_group", "sex", "age"),
    ("form",),
    ("citizenship",),
    ("nationality",),
    ("nationality", "sex"),
]


@pytest.mark.parametrize("by", VICTIM_BREAKDOWNS, ids=lambda by: "-".join(by) or "total")
def test_detected_victims_equal_direct_counts(
    synthetic_store: Store, facts: duckdb.DuckDBPyConnection, by: tuple[str, ...]
) -> None:
    expected = direct_counts(synthetic_store, by)
    assert expected, "the synthetic data must give something to compare"
    table = compute(facts, "detected_victims", by=by)
    assert table.dimensions == ("area", "year", *by)
    assert table_counts(table, "WLD") == expected
    assert table.metadata["rates"].startswith("not computed: no population table")


@pytest.mark.parametrize("by", [("form",), ("form", "sex", "age"), ()], ids=str)
def test_other_forms_by_form_equal_direct_counts(
    synthetic_store: Store, facts: duckdb.DuckDBPyConnection, by: tuple[str, ...]
) -> None:
    expected = direct_counts(synthetic_store, by, other_forms_only=True)
    table = compute(facts, "detected_victims_other_forms", by=by)
    assert table_counts(table, "WLD") == expected


@pytest.mark.parametrize(("area", "countries"), [("USA", ("USA",)), ("155", WESTERN_EUROPE)])
def test_areas_count_their_countries_only(
    synthetic_store: Store,
    facts: duckdb.DuckDBPyConnection,
    area: str,
    countries: tuple[str, ...],
) -> None:
    expected = direct_counts(synthetic_store, ("sex", "age"), countries=countries)
    assert expected
    table = compute(facts, "detected_victims", by=("sex", "age"), area=area)
    assert table_counts(table, area) == expected


def test_years_bound_the_table_and_the_coverage(
    synthetic_store: Store, facts: duckdb.DuckDBPyConnection
) -> None:
    every_year = direct_counts(synthetic_store, ())
    first, last = sorted(every_year)[1][0], sorted(every_year)[-2][0]
    table = compute(facts, "detected_victims", years=(int(first), int(last)))
    assert table_counts(table, "WLD") == {
        k: n for k, n in every_year.items() if first <= k[0] <= last
    }
    assert sorted(table.metadata["coverage"]["missing"]) == [
        str(y) for y in range(int(first), int(last) + 1)
    ]


def test_victim_facts_hold_every_victim_once(
    synthetic_store: Store, facts: duckdb.DuckDBPyConnection
) -> None:
    with synthetic_store.engine.connect() as connection:
        victims = connection.execute(
            sa.select(sa.func.count()).where(v.trafficking_status != "NotAVictimOfTrafficking")
        ).scalar_one()
        legs = connection.execute(sa.select(sa.func.count()).select_from(t.route_events))
        leg_count = legs.scalar_one()
    assert facts.execute("SELECT count(DISTINCT victim_id) FROM victims").fetchall() == [(victims,)]
    assert facts.execute("SELECT count(*) FROM victims").fetchall() == [(victims,)]
    assert facts.execute("SELECT count(*) FROM route_legs").fetchall() == [(leg_count,)]


def test_unknown_indicator_and_breakdown_are_refused(facts: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ValueError, match="unknown indicator"):
        compute(facts, "victims")
    with pytest.raises(ValueError, match="cannot be broken down"):
        compute(facts, "offences", by=("sex",))


# --- the merge rule with observations ----------------------------------------------------------


def add_observation(store: Store, area: str, year: int, value: str, **fields: str | None) -> None:
    """One published count; ``<5`` becomes 1..4 as the GLOTIP import stores it."""
    below_five = value == "<5"
    lower, upper = (1, 4) if below_five else (int(value), int(value))
    row = {
        "indicator": "detected_victims",
        "dimension": "total",
        "category": "Total",
        "category_iso3": None,
        "sex": "Total",
        "age": "Total",
        "unit": "Counts",
        "source": "test",
        "flags": "[]",
    } | fields
    with store.engine.begin() as connection:
        connection.execute(
            sa.insert(t.observations).values(
                id=uuid4(),
                area=area,
                year=year,
                value_lower=lower,
                value_upper=upper,
                status="below_threshold" if below_five else "exact",
                **row,
            )
        )


@pytest.fixture
def merged(store: Store) -> duckdb.DuckDBPyConnection:
    """ESP 2024 has a case record and observations; AUT 2024 and BEL 2024 only observations."""
    for organisation in organisations():
        store.add_organisation(organisation)
    store.create_case(case())  # one victim: ESP 2024, Female, 18+
    add_observation(store, "ESP", 2024, "250")  # ignored: ESP 2024 has case records
    add_observation(store, "AUT", 2024, "12")
    add_observation(store, "BEL", 2024, "<5")
    add_observation(store, "BEL", 2024, "<5", sex="Female", age="18+")
    add_observation(store, "ESP", 2024, "40", indicator="persons_prosecuted")
    add_observation(store, "AUT", 2024, "<5", indicator="persons_prosecuted")
    return load_facts(store)


def test_case_records_win_and_below_five_is_an_interval(
    merged: duckdb.DuckDBPyConnection,
) -> None:
    table = compute(merged, "detected_victims")
    cell = table.cell("WLD", "2024")
    assert cell is not None
    assert (cell.lower, cell.upper, cell.status) == (1 + 12 + 1, 1 + 12 + 4, "interval")
    assert table.metadata["sources"] == {
        "cases": {"2024": ["ESP"]},
        "observations": {"2024": ["AUT", "BEL"]},
    }
    europe = compute(merged, "detected_victims", area="155")  # Western Europe: AUT, BEL
    assert [(c.key, c.lower, c.upper) for c in europe] == [(("155", "2024"), 13, 16)]


def test_indicators_without_case_records_come_from_observations(
    merged: duckdb.DuckDBPyConnection,
) -> None:
    table = compute(merged, "persons_prosecuted", area="150")
    assert [(c.key, c.lower, c.upper, c.status) for c in table] == [
        (("150", "2024"), 41, 44, "interval")
    ]


def test_countries_without_data_are_missing_not_zero(merged: duckdb.DuckDBPyConnection) -> None:
    table = compute(merged, "detected_victims", area="155")
    missing = table.metadata["coverage"]["missing"]["2024"]
    assert "AUT" not in missing and "BEL" not in missing
    assert {"DEU", "FRA", "NLD"} <= set(missing)
    by_sex = compute(merged, "detected_victims", by=("sex", "age"), area="155")
    assert [(c.key, c.lower, c.upper) for c in by_sex] == [(("155", "2024", "Female", "18+"), 1, 4)]
    assert "AUT" in by_sex.metadata["coverage"]["missing"]["2024"]


def test_rates_need_a_population_table(merged: duckdb.DuckDBPyConnection) -> None:
    merged.execute(
        "CREATE TABLE population AS SELECT * FROM (VALUES "
        "('ESP', 2024, 47000000), ('AUT', 2024, 9000000), ('BEL', 2024, 11500000)) "
        "AS p(iso3, year, population)"
    )
    table = compute(merged, "detected_victims")
    low, high = table.metadata["rates_per_100000"]["WLD|2024"]
    assert low == pytest.approx(14 * 100_000 / 67_500_000)
    assert high == pytest.approx(17 * 100_000 / 67_500_000)


def test_every_glotip_indicator_is_defined() -> None:
    glotip = {"persons_formal_contact", "persons_prosecuted", "persons_convicted", "offences"}
    assert {"detected_victims", *glotip} <= set(INDICATORS)
    assert all(INDICATORS[name].measure is None for name in glotip)  # observations only


def test_citizenship_observations_name_nationals_foreigners_and_unknown(
    merged: duckdb.DuckDBPyConnection, store: Store
) -> None:
    by_citizenship = {"dimension": "citizenship"}
    add_observation(store, "AUT", 2024, "5", category="Nationals", **by_citizenship)
    add_observation(
        store, "AUT", 2024, "7", category="Romania", category_iso3="ROU", **by_citizenship
    )
    add_observation(
        store, "AUT", 2024, "<5", category="Unknown", flags='["category_iso3: unknown"]',
        **by_citizenship,
    )  # fmt: skip
    facts = load_facts(store)
    nationality = compute(facts, "detected_victims", by=("nationality",))
    assert {c.key[2]: (c.lower, c.upper) for c in nationality} == {
        "Foreigners": (7 + 1, 7 + 1),  # the ESP case's victim is Romanian
        "Nationals": (5, 5),
        "Unknown": (1, 4),
    }
    citizenship = compute(facts, "detected_victims", by=("citizenship",), area="AUT")
    assert {c.key[2]: (c.lower, c.upper) for c in citizenship} == {
        "AUT": (5, 5),
        "ROU": (7, 7),
        "Unknown": (1, 4),
    }
