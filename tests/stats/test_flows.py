"""Flows and routes: hand-built facts with known answers, the GLOTIP classes, the min_count
rule keeping totals, and flows over a synthetic store adding up to its victims."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import duckdb
import pytest
import sqlalchemy as sa

from tipis.standard import geography
from tipis.stats.flows import (
    OTHER,
    UNKNOWN,
    Level,
    flow_type_shares,
    flows,
    origin_shares,
    routes,
    shares_within,
    top,
)
from tipis.stats.table import StatTable
from tipis.store.cases import Store

VICTIM_COLUMNS = """victim_id VARCHAR, case_id VARCHAR, organisation_id VARCHAR, year INTEGER,
    country VARCHAR, citizenship VARCHAR, sex VARCHAR, age_group VARCHAR, form_group VARCHAR,
    forms VARCHAR[], recruitment_country VARCHAR, exploitation_country VARCHAR"""
LEG_COLUMNS = "victim_id VARCHAR, position INTEGER, type VARCHAR, country VARCHAR, started_on DATE"
AREA_COLUMNS = """iso3 VARCHAR PRIMARY KEY, subregion_code VARCHAR, subregion_name VARCHAR,
    region_code VARCHAR, region_name VARCHAR"""


@dataclass
class Victims:
    """``count`` victims alike: detected in ``country`` in ``year``, moved along ``legs``."""

    count: int
    country: str
    citizenship: str | None
    year: int = 2020
    legs: Sequence[tuple[str, str]] = field(default_factory=tuple)  # (type, country)


def make_facts(groups: Iterable[Victims]) -> duckdb.DuckDBPyConnection:
    """Facts with the tables and columns of ``load_facts``, holding exactly these victims."""
    facts = duckdb.connect(":memory:")
    facts.execute(f"CREATE TABLE victims ({VICTIM_COLUMNS})")
    facts.execute(f"CREATE TABLE route_legs ({LEG_COLUMNS})")
    facts.execute(f"CREATE TABLE areas ({AREA_COLUMNS})")
    facts.executemany("INSERT INTO areas VALUES (?, ?, ?, ?, ?)", list(_area_rows()))
    ids = itertools.count()
    for group in groups:
        recruited = next((c for kind, c in group.legs if kind == "Recruitment"), None)
        exploited = next((c for kind, c in group.legs if kind == "Exploitation"), None)
        for _ in range(group.count):
            victim = f"v{next(ids)}"
            facts.execute(
                "INSERT INTO victims VALUES (?, 'c', 'o', ?, ?, ?, 'Female', '18+', 'Sexual',"
                " [], ?, ?)",
                [victim, group.year, group.country, group.citizenship, recruited, exploited],
            )
            for position, (kind, country) in enumerate(group.legs):
                facts.execute(
                    "INSERT INTO route_legs VALUES (?, ?, ?, ?, NULL)",
                    [victim, position, kind, country],
                )
    return facts


def _area_rows() -> Iterable[tuple[str, str | None, str | None, str | None, str | None]]:
    for c in geography.countries():
        sub, region = c.subregion, c.region
        yield (
            c.iso3,
            sub.code if sub else None,
            sub.name() if sub else None,
            region.code if region else None,
            region.name() if region else None,
        )


ROUTE_ROU = (
    ("Recruitment", "ROU"),
    ("Transit", "HUN"),
    ("Transit", "AUT"),
    ("Exploitation", "DEU"),
)
ROUTE_NGA = (
    ("Recruitment", "NGA"),
    ("Transit", "NER"),
    ("Transit", "LBY"),
    ("Transit", "LBY"),
    ("Exploitation", "ITA"),
)
ROUTE_DEU = (("Recruitment", "DEU"), ("Transit", "DEU"), ("Exploitation", "DEU"))
ROUTE_FRA = (("Recruitment", "FRA"), ("Exploitation", "DEU"))

# 30 victims: DEU detects 19 (2 of unknown citizenship), ITA 11.
KNOWN = [
    Victims(6, "DEU", "DEU", legs=ROUTE_DEU),  # domestic
    Victims(5, "DEU", "ROU", legs=ROUTE_ROU),  # regional (Eastern → Western Europe)
    Victims(2, "DEU", "FRA", legs=ROUTE_FRA),  # subregional (both Western Europe)
    Victims(3, "DEU", "NGA"),  # transregional
    Victims(1, "DEU", "POL"),  # regional
    Victims(2, "DEU", None),  # unknown
    Victims(7, "ITA", "NGA", year=2021, legs=ROUTE_NGA),  # transregional
    Victims(4, "ITA", "UKR"),  # regional (Eastern → Southern Europe)
]


@pytest.fixture
def facts() -> duckdb.DuckDBPyConnection:
    return make_facts(KNOWN)


def as_dict(table: StatTable) -> dict[tuple[str, ...], int]:
    assert all(cell.exact for cell in table), "facts give exact counts"
    return {cell.key: cell.lower for cell in table}


def total(table: StatTable) -> int:
    return sum(cell.lower for cell in table)


def test_flows_by_country_fold_small_flows_per_destination_and_type(
    facts: duckdb.DuckDBPyConnection,
) -> None:
    table = flows(facts)
    assert table.dimensions == ("origin", "destination", "flow_type")
    assert as_dict(table) == {
        ("DEU", "DEU", "domestic"): 6,
        ("ROU", "DEU", "regional"): 5,
        (OTHER, "DEU", "subregional"): 2,
        (OTHER, "DEU", "regional"): 1,
        (OTHER, "DEU", "transregional"): 3,
        (UNKNOWN, "DEU", UNKNOWN): 2,
        ("NGA", "ITA", "transregional"): 7,
        (OTHER, "ITA", "regional"): 4,
    }
    assert table.metadata["folded_flows"] == 4  # FRA, NGA and POL into DEU; UKR into ITA
    assert table.metadata["folded_victims"] == 10
    assert table.metadata["min_count"] == 5
    assert total(table) == 30


def test_cells_are_ordered_by_destination_type_then_size(facts: duckdb.DuckDBPyConnection) -> None:
    keys = [cell.key for cell in flows(facts)]
    assert keys[:3] == [("DEU", "DEU", "domestic"), (OTHER, "DEU", "subregional"),
                        ("ROU", "DEU", "regional")]  # fmt: skip
    assert keys[-2:] == [(OTHER, "ITA", "regional"), ("NGA", "ITA", "transregional")]


def test_min_count_one_shows_every_flow(facts: duckdb.DuckDBPyConnection) -> None:
    table = flows(facts, min_count=1)
    assert table.metadata["folded_flows"] == 0
    assert as_dict(table)[("POL", "DEU", "regional")] == 1
    assert len(table.cells) == 8


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        (
            "subregion",
            {
                ("155", "155", "domestic"): 6,
                ("151", "155", "regional"): 6,  # ROU 5 + POL 1: shown together
                (OTHER, "155", "subregional"): 2,
                (OTHER, "155", "transregional"): 3,
                (UNKNOWN, "155", UNKNOWN): 2,
                ("202", "039", "transregional"): 7,
                (OTHER, "039", "regional"): 4,
            },
        ),
        (
            "region",
            {
                ("150", "150", "domestic"): 6,
                ("150", "150", "regional"): 10,
                (OTHER, "150", "subregional"): 2,
                ("002", "150", "transregional"): 10,
                (UNKNOWN, "150", UNKNOWN): 2,
            },
        ),
    ],
)
def test_flows_roll_up_to_m49_areas_keeping_the_country_class(
    facts: duckdb.DuckDBPyConnection, level: Level, expected: dict[tuple[str, ...], int]
) -> None:
    table = flows(facts, level=level)
    assert as_dict(table) == expected
    assert total(table) == 30


@pytest.mark.parametrize(
    ("area", "destinations", "victims"),
    [("DEU", {"DEU"}, 19), ("039", {"ITA"}, 11), ("Southern Europe", {"ITA"}, 11),
     ("150", {"DEU", "ITA"}, 30), ("WLD", {"DEU", "ITA"}, 30), ("002", set(), 0)],
)  # fmt: skip
def test_area_keeps_the_flows_into_it(
    facts: duckdb.DuckDBPyConnection, area: str, destinations: set[str], victims: int
) -> None:
    table = flows(facts, area=area)
    assert set(table.values("destination")) == destinations
    assert total(table) == victims


def test_unknown_area_is_refused(facts: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(geography.UnknownArea):
        flows(facts, area="Atlantis")


def test_years_select_victims_by_year(facts: duckdb.DuckDBPyConnection) -> None:
    assert total(flows(facts, years=[2021])) == 7
    assert total(flows(facts, years=range(2019, 2021))) == 23
    assert flows(facts, years=[2021]).metadata["years"] == [2021]
    assert flows(facts, years=[]).cells == []


def test_recruitment_and_exploitation_as_origin_and_destination(
    facts: duckdb.DuckDBPyConnection,
) -> None:
    table = flows(facts, origin="recruitment", destination="exploitation")
    assert as_dict(table) == {
        ("DEU", "DEU", "domestic"): 6,
        ("ROU", "DEU", "regional"): 5,
        (OTHER, "DEU", "subregional"): 2,
        ("NGA", "ITA", "transregional"): 7,
        (UNKNOWN, UNKNOWN, UNKNOWN): 10,  # no route recorded
    }
    assert table.metadata["origin"] == "recruitment"


def test_flow_type_sql_agrees_with_geography() -> None:
    rnd = random.Random(7)
    codes = [*rnd.sample([c.iso3 for c in geography.countries()], 40), "ATA", "DEU", "AUT"]
    pairs = list(itertools.product(codes, codes))
    facts = make_facts(Victims(1, d, o) for o, d in pairs)
    table = flows(facts, min_count=0)
    assert {cell.key: cell.key[2] for cell in table} == {
        (o, d, geography.flow_type(o, d)): geography.flow_type(o, d) for o, d in pairs
    }
    assert {cell.key[2] for cell in table} == {
        "domestic", "subregional", "regional", "transregional"
    }  # fmt: skip


@pytest.mark.parametrize("min_count", [0, 2, 5, 10, 50])
@pytest.mark.parametrize("level", ["country", "subregion", "region"])
def test_folding_keeps_totals_per_destination_and_type(min_count: int, level: Level) -> None:
    rnd = random.Random(min_count)
    destinations = ["DEU", "FRA", "POL", "ROU", "NGA", "ITA", "THA", "MEX", "USA"]
    origins: list[str | None] = [*destinations, None]
    groups = [
        Victims(rnd.randint(1, 12), rnd.choice(destinations), rnd.choice(origins))
        for _ in range(60)
    ]
    facts = make_facts(groups)
    shown = flows(facts, level=level, min_count=min_count)
    every = flows(facts, level=level, min_count=0)
    assert _sum(shown, (1, 2)) == _sum(every, (1, 2))
    assert total(shown) == sum(group.count for group in groups)
    small = [c for c in shown if c.lower < min_count and c.key[0] not in (OTHER, UNKNOWN)]
    assert small == []
    folded = [c for c in every if c.lower < min_count and c.key[0] != UNKNOWN]
    assert shown.metadata["folded_flows"] == len(folded)
    assert shown.metadata["folded_victims"] == sum(c.lower for c in folded)


def _sum(table: StatTable, positions: Sequence[int]) -> dict[tuple[str, ...], int]:
    sums: Counter[tuple[str, ...]] = Counter()
    for cell in table:
        sums[tuple(cell.key[i] for i in positions)] += cell.lower
    return dict(sums)


def test_top_flows_origins_and_destinations(facts: duckdb.DuckDBPyConnection) -> None:
    assert [c.key for c in top(facts, "flows")] == [
        ("NGA", "ITA", "transregional"),
        ("DEU", "DEU", "domestic"),
        ("ROU", "DEU", "regional"),
    ]
    origins = top(facts, "origins", n=2)
    assert origins.dimensions == ("origin",)
    assert as_dict(origins) == {("NGA",): 10, ("DEU",): 6}
    assert origins.metadata["tie_at_cutoff"] is False
    assert as_dict(top(facts, "destinations")) == {("DEU",): 17, ("ITA",): 11}
    assert top(facts, "origins", n=1, min_count=1).metadata["tie_at_cutoff"] is False
    tied = top(make_facts([Victims(5, "DEU", "FRA"), Victims(5, "DEU", "POL")]), "origins", n=1)
    assert tied.metadata["tie_at_cutoff"] is True
    assert [c.key for c in tied] == [("FRA",)]


def test_origin_shares_for_each_area_of_detection(facts: duckdb.DuckDBPyConnection) -> None:
    table = origin_shares(facts)  # regions of origin for each region of detection
    assert table.dimensions == ("destination", "origin")
    assert as_dict(table) == {("150", "150"): 18, ("150", "002"): 10, ("150", UNKNOWN): 2}
    assert table.metadata["shares"] == pytest.approx(
        {("150", "150"): 18 / 28, ("150", "002"): 10 / 28}
    )
    by_country = origin_shares(facts, level="country", origin_level="subregion")
    assert by_country.metadata["shares"][("ITA", "202")] == pytest.approx(7 / 11)


def test_flow_type_shares_per_destination(facts: duckdb.DuckDBPyConnection) -> None:
    table = flow_type_shares(facts)
    assert as_dict(table) == {
        ("DEU", "domestic"): 6,
        ("DEU", "subregional"): 2,
        ("DEU", "regional"): 6,
        ("DEU", "transregional"): 3,
        ("DEU", UNKNOWN): 2,
        ("ITA", "regional"): 4,
        ("ITA", "transregional"): 7,
    }
    assert table.metadata["shares"][("DEU", "domestic")] == pytest.approx(6 / 17)
    assert table.metadata["cross_border_shares"] == pytest.approx({"DEU": 11 / 17, "ITA": 1.0})


def test_shares_within_any_dimension() -> None:
    table = StatTable("t", ("a", "b"), [])
    assert shares_within(table, "b") == {}


def test_routes_through_transit_countries(facts: duckdb.DuckDBPyConnection) -> None:
    table = routes(facts)
    assert table.dimensions == ("origin", "transit", "destination", "flow_type")
    assert as_dict(table) == {
        ("DEU", "direct", "DEU", "domestic"): 6,  # a transit leg at home is no transit
        ("ROU", "HUN>AUT", "DEU", "regional"): 5,
        (OTHER, OTHER, "DEU", "subregional"): 2,
        ("NGA", "NER>LBY", "ITA", "transregional"): 7,  # two legs in Libya: one stop
        (UNKNOWN, "direct", UNKNOWN, UNKNOWN): 10,
    }
    assert table.metadata["folded_routes"] == 1
    assert table.metadata["folded_victims"] == 2


def test_routes_at_subregion_level_drop_stops_in_the_origin_or_destination_area(
    facts: duckdb.DuckDBPyConnection,
) -> None:
    table = routes(facts, level="subregion", min_count=0)
    assert as_dict(table) == {
        ("155", "direct", "155", "domestic"): 6,
        ("151", "direct", "155", "regional"): 5,  # HUN in 151, AUT in 155
        ("155", "direct", "155", "subregional"): 2,
        ("202", "015", "039", "transregional"): 7,  # NER in 202; LBY in Northern Africa
        (UNKNOWN, "direct", UNKNOWN, UNKNOWN): 10,
    }


def test_routes_split_flows_of_one_pair_by_way_taken() -> None:
    via_hun = (("Recruitment", "ROU"), ("Transit", "HUN"), ("Exploitation", "DEU"))
    via_aut = (("Recruitment", "ROU"), ("Transit", "AUT"), ("Exploitation", "DEU"))
    facts = make_facts(
        [
            Victims(5, "DEU", "ROU", legs=via_hun),
            Victims(6, "DEU", "ROU", legs=via_aut),
            Victims(3, "DEU", "ROU", legs=via_hun[::2]),  # no transit
        ]
    )
    assert as_dict(routes(facts)) == {
        ("ROU", "AUT", "DEU", "regional"): 6,
        ("ROU", "HUN", "DEU", "regional"): 5,
        (OTHER, OTHER, "DEU", "regional"): 3,
    }
    assert as_dict(flows(facts, origin="recruitment")) == {("ROU", "DEU", "regional"): 14}


# -- Integration: facts loaded from a store, on SQLite and PostgreSQL ------------------------


def test_flows_of_a_synthetic_store_add_up_to_its_victims(store: Store) -> None:
    from tipis.stats.facts import NOT_A_VICTIM, load_facts
    from tipis.store import tables as t
    from tipis.synthetic.bulk import load_synthetic
    from tipis.synthetic.generator import demo_organisations

    organisations = demo_organisations(3)
    for organisation in organisations:
        store.add_organisation(organisation)
    load_synthetic(store, 300, 3, organisations, workers=1)

    v, c, p = t.victims.c, t.cases.c, t.persons.c
    counted = (
        sa.select(c.country_of_identification, sa.func.count())
        .join_from(t.victims, t.cases, c.id == v.case_id)
        .where(v.trafficking_status != NOT_A_VICTIM)
        .group_by(c.country_of_identification)
    )
    no_citizenship = (
        sa.select(sa.func.count())
        .join_from(t.victims, t.persons, p.id == v.person_id)
        .where(v.trafficking_status != NOT_A_VICTIM, p.citizenship.is_(None))
    )
    with store.engine.connect() as connection:
        by_country = {str(k): int(n) for k, n in connection.execute(counted)}
        unknown_origin = int(connection.execute(no_citizenship).scalar_one())
    assert sum(by_country.values()) > 0

    facts = load_facts(store)
    levels: tuple[Level, ...] = ("country", "region")
    for level in levels:
        table = flows(facts, level=level)
        assert total(table) == sum(by_country.values())
        assert total(flows(facts, level=level, origin="recruitment")) == total(table)
    per_destination = _sum(flows(facts), (1,))
    assert per_destination == {(k,): n for k, n in by_country.items()}
    unknown = sum(c.lower for c in flows(facts) if c.key[0] == UNKNOWN)
    assert unknown == unknown_origin
    assert total(routes(facts)) == sum(by_country.values())
    assert all(c.lower >= 5 for c in flows(facts) if c.key[0] not in (OTHER, UNKNOWN))
