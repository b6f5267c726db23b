"""M49 roll-ups of the real GLOTIP release equal the sums of its published country rows.

The GLOTIP CSV (../shared/data/glotip) is imported with the ``glotip`` profile; every
sub-region, region and world total TIPIS computes, per indicator, year, sex and age (dimension
Total), must equal the sum computed here with plain ``csv`` over the raw file, as an interval
where ``<5`` occurs (lower counts each ``<5`` as 1, upper as 4).

The expectation keeps the rows the import loads, restated independently: rows whose
``Iso3_code`` is a real ISO 3166-1 country (pycountry), which drops UNODC's regional aggregate
codes (CAR, CAS, EEU, ...) and rows with no code; and one row per key (Iso3_code, Indicator,
Dimension, Category, Sex, Age, Year): the release repeats some keys, and the import keeps the
first row of a key (a repeat with other values is quarantined). Rows are placed in areas by the
file's own Region and Subregion columns, not by TIPIS's geography.

The release is imported once per backend (SQLite and PostgreSQL, 20-45 s each), into a
database of this module's own.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pycountry
import pytest

from tests.conftest import separate_database
from tests.shared import GLOTIP_CSV, shared_file
from tipis.ingest.profile import load_profile
from tipis.ingest.run import run_import
from tipis.stats.facts import load_facts
from tipis.stats.indicators import INDICATORS as SPECS
from tipis.stats.indicators import compute
from tipis.store.cases import Store
from tipis.store.crypto import key_from_text, new_key_text
from tipis.store.engine import make_engine
from tipis.store.migrate import upgrade

pytestmark = pytest.mark.shared_data

KEY = ("Iso3_code", "Indicator", "Dimension", "Category", "Sex", "Age", "Year")
INDICATORS = {
    "Detected trafficking victims": "detected_victims",
    "Persons brought into formal contact": "persons_formal_contact",
    "Persons prosecuted": "persons_prosecuted",
    "Persons convicted": "persons_convicted",
    "Offences of trafficking in persons": "offences",
}
AGES = {"Total": "Total", "0 to 17 years": "0-17", "18 years or over": "18+", "Unknown": "Unknown"}
REGIONS = {"Africa": "002", "Americas": "019", "Asia": "142", "Europe": "150", "Oceania": "009"}
SUBREGIONS = {
    "Northern Africa": "015",
    "Sub-Saharan Africa": "202",
    "Latin America and the Caribbean": "419",
    "Northern America": "021",
    "Central Asia": "143",
    "Eastern Asia": "030",
    "South-eastern Asia": "035",
    "Southern Asia": "034",
    "Western Asia": "145",
    "Eastern Europe": "151",
    "Northern Europe": "154",
    "Southern Europe": "039",
    "Western Europe": "155",
    "Australia and New Zealand": "053",
    "Melanesia": "054",
    "Micronesia": "057",
    "Polynesia": "061",
}
AREAS = ("WLD", *REGIONS.values(), *SUBREGIONS.values())
#: (indicator, area, year, sex, age) → (lower, upper)
Sums = dict[tuple[str, str, str, str, str], tuple[int, int]]


def loaded_rows(path: Path) -> Iterator[dict[str, str]]:
    """The file's rows that the import loads: a real country, the first row of each key."""
    seen: set[tuple[str, ...]] = set()
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            key = tuple(row[column] for column in KEY)
            if key in seen:
                continue
            seen.add(key)
            if pycountry.countries.get(alpha_3=row["Iso3_code"]) is not None:
                yield row


def published_value(text: str) -> tuple[int, int]:
    """'<5' is 1..4; '1,234' is 1234."""
    if text == "<5":
        return 1, 4
    value = int(text.replace(",", ""))
    return value, value


def expected_sums(path: Path) -> Sums:
    sums: dict[tuple[str, str, str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for row in loaded_rows(path):
        if row["Dimension"] != "Total":
            continue
        lower, upper = published_value(row["txtVALUE"])
        areas = ["WLD"]
        if row["Region"]:
            areas.append(REGIONS[row["Region"]])
        if row["Subregion"]:
            areas.append(SUBREGIONS[row["Subregion"]])
        for area in areas:
            total = sums[
                (INDICATORS[row["Indicator"]], area, row["Year"], row["Sex"], AGES[row["Age"]])
            ]
            total[0] += lower
            total[1] += upper
    return {key: (low, high) for key, (low, high) in sums.items()}


@pytest.fixture(scope="module")
def csv_path() -> Path:
    return shared_file(GLOTIP_CSV)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def facts(
    request: pytest.FixtureRequest, csv_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[duckdb.DuckDBPyConnection]:
    folder = tmp_path_factory.mktemp("glotip_rollup")
    with separate_database(request.param, request, folder, "tipis_rollup") as url:
        store = Store(make_engine(url), key_from_text(new_key_text()))
        upgrade(store.engine)
        run_import(store, csv_path, load_profile("glotip"), quarantine=True)
        yield load_facts(store)
        store.engine.dispose()


@pytest.fixture(scope="module")
def expected(csv_path: Path) -> Sums:
    return expected_sums(csv_path)


def tipis_sums(facts: duckdb.DuckDBPyConnection, indicator: str) -> Sums:
    """Every area's cells of one indicator, with Total where a breakdown is not asked for."""
    sums: Sums = {}
    for by in ((), ("sex",), ("age",), ("sex", "age")):
        if not set(by) <= set(SPECS[indicator].breakdowns):  # offences: total only
            continue
        for area in AREAS:
            table = compute(facts, indicator, by=by, area=area)
            for cell in table:
                values = dict(zip(table.dimensions, cell.key, strict=True))
                sex, age = values.get("sex", "Total"), values.get("age", "Total")
                key = (indicator, area, values["year"], sex, age)
                assert key not in sums
                assert cell.status == ("exact" if cell.lower == cell.upper else "interval")
                sums[key] = (cell.lower, cell.upper)
    return sums


@pytest.mark.parametrize("indicator", list(INDICATORS.values()))
def test_area_totals_equal_sums_of_published_country_rows(
    facts: duckdb.DuckDBPyConnection, expected: Sums, indicator: str
) -> None:
    published = {k: v for k, v in expected.items() if k[0] == indicator}
    assert published, "the release publishes every indicator"
    found = tipis_sums(facts, indicator)
    assert sorted(set(found) ^ set(published)) == []  # no cell added, none lost
    wrong = {k: (found[k], published[k]) for k in published if found[k] != published[k]}
    assert wrong == {}
    assert any(low < high for low, high in found.values()), "<5 cells make intervals"
