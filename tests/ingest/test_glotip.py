"""Importing the real UNODC GLOTIP release (../shared/data/glotip) with the ``glotip`` profile.

Every expectation is computed here from the raw file with plain ``csv`` (or ``openpyxl``) and
``pycountry``, never with TIPIS code, then compared with what the import reports and with SQL
counts over the store. The figures of the 30 May 2023 release are pinned as well, so that a
change in the engine or the resolver that moves them is seen.

A full import takes 40-100 s on each backend, so the CSV is imported once per backend (a
module-scoped store) and every test reads that import; what the tests import after it (the
XLSX twin, the CSV again) changes nothing, and the changed copy is rolled back. The dry run
rehearses the changed copy's import. Tests skip, saying why, where the files are absent.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pycountry
import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from tests.conftest import separate_database
from tests.shared import GLOTIP_CSV, shared_file
from tipis.ingest.profile import Profile, load_profile
from tipis.ingest.run import ImportReport, run_import
from tipis.store import tables as t
from tipis.store.cases import Store
from tipis.store.crypto import SecretKey, key_from_text, new_key_text
from tipis.store.engine import make_engine
from tipis.store.imports import list_batches, list_quarantine, rollback_import
from tipis.store.migrate import upgrade

pytestmark = pytest.mark.shared_data

GLOTIP_XLSX = "glotip/data_glotip_UNODC_release_2023-05-30.xlsx"
COLUMNS = (
    "Iso3_code", "Country", "Region", "Subregion", "Indicator", "Dimension", "Category", "Sex",
    "Age", "Year", "Unit of measurement", "txtVALUE", "Source",
)  # fmt: skip
KEY = ("Iso3_code", "Indicator", "Dimension", "Category", "Sex", "Age", "Year")
COUNTRY_DIMENSIONS = ("by citizenship", "by country of repatriation")
MAX_PLAUSIBLE = 100_000  # the profile's max for txtVALUE
ARTEFACT = "6,112,019"

# The release of 30 May 2023, as measured (and as the independent counts below find it).
RELEASE = {
    "read": 46_556,
    "created": 45_049,
    "updated": 0,
    "unchanged": 221,
    "quarantined": 1_286,
    "flagged": 547,
}
REGIONAL_ROWS, NO_CODE_ROWS, OTHER_NON_ISO_ROWS, DUPLICATE_ROWS = 956, 26, 1, 303

REGIONAL = "Iso3_code: 'UNODC regional aggregate' matches no country name, code, alias or demonym"
NO_CODE = "Iso3_code: area is required"
DUPLICATE = f"{', '.join(KEY)}: duplicate"


# --- the raw file, read without TIPIS --------------------------------------------------------


@dataclass
class Expected:
    """What an import of a GLOTIP file must do, worked out from its raw rows."""

    rows: list[dict[str, str]]
    status: list[str] = field(default_factory=list)  # created / unchanged / quarantined
    regional: int = 0  # a three-letter code that is not an ISO 3166-1 country
    no_code: int = 0  # an empty Iso3_code
    other_non_iso: int = 0  # anything else that is no ISO code
    duplicates: int = 0  # a key seen before, with different values

    def count(self, status: str) -> int:
        return self.status.count(status)

    def loaded(self) -> Iterator[dict[str, str]]:
        """The rows that become observations."""
        return (row for row, s in zip(self.rows, self.status, strict=True) if s == "created")


def _is_iso3(code: str) -> bool:
    return pycountry.countries.get(alpha_3=code) is not None


def classify(rows: list[dict[str, str]]) -> Expected:
    """The engine's rules, restated: the first row of a key loads if its area is a country;
    a repeat of the key is unchanged when the whole row is the same, else a problem."""
    expected = Expected(rows)
    first: dict[tuple[str, ...], dict[str, str]] = {}
    for row in rows:
        key = tuple(row[column] for column in KEY)
        if key in first:
            same = first[key] == row
            expected.duplicates += not same
            expected.status.append("unchanged" if same else "quarantined")
            continue
        first[key] = row
        code = row["Iso3_code"]
        if _is_iso3(code):
            expected.status.append("created")
            continue
        expected.status.append("quarantined")
        if not code:
            expected.no_code += 1
        elif len(code) == 3 and code.isalpha() and code.isupper():
            expected.regional += 1
        else:
            expected.other_non_iso += 1
    return expected


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == COLUMNS
        return list(reader)


def read_xlsx(path: Path) -> list[dict[str, str]]:
    book = load_workbook(path, read_only=True)
    try:
        cells = book["data_glotip_1"].iter_rows(min_row=3, values_only=True)
        header = tuple(next(cells))
        assert header == COLUMNS  # rows 1-2 are UNODC's banner
        return [
            {
                name: "" if value is None else str(value)
                for name, value in zip(COLUMNS, row, strict=True)
            }
            for row in cells
            if any(value is not None for value in row)
        ]
    finally:
        book.close()


def count_value(text: str) -> int:
    """A published count as a number: '1,234' is 1234, '<5' counts as 0 here."""
    return 0 if text == "<5" else int(text.replace(",", ""))


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def profile() -> Profile:
    return load_profile("glotip")


@pytest.fixture(scope="module")
def csv_path() -> Path:
    return shared_file(GLOTIP_CSV)


@pytest.fixture(scope="module")
def expected(csv_path: Path) -> Expected:
    return classify(read_csv(csv_path))


@dataclass
class Loaded:
    """The store after one import of the GLOTIP CSV, and that import's report."""

    store: Store
    report: ImportReport


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def loaded(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    csv_path: Path,
    profile: Profile,
) -> Iterator[Loaded]:
    """The CSV imported once per backend, in a database of this module's own.

    PostgreSQL gets a schema of its own: the function-scoped ``store`` fixture empties the
    session's schema after each test, which must not touch this import.
    """
    key: SecretKey = key_from_text(new_key_text())
    folder = tmp_path_factory.mktemp("glotip")
    with separate_database(request.param, request, folder, "tipis_glotip") as url:
        store = Store(make_engine(url), key)
        upgrade(store.engine)
        report = run_import(store, csv_path, profile, quarantine=True)
        yield Loaded(store, report)
        store.engine.dispose()


def scalar(store: Store, sql: str, **params: object) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(sa.text(sql), params).scalar_one() or 0)


def count_rows(store: Store, table: sa.Table) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def assert_accounted(report: ImportReport, expected: Expected, *, again: bool = False) -> None:
    """Every row of the file is created, unchanged or quarantined, with the expected reasons.

    ``again``: the store already holds these cells, so rows that would be created are
    unchanged instead.
    """
    created = expected.count("created")
    assert report.counts == {
        "read": len(expected.rows),
        "created": 0 if again else created,
        "updated": 0,
        "unchanged": expected.count("unchanged") + (created if again else 0),
        "quarantined": expected.count("quarantined"),
        "flagged": RELEASE["flagged"],
    }
    assert report.created + report.unchanged + report.quarantined == len(expected.rows)
    assert {k: report.reasons[k] for k in (REGIONAL, NO_CODE, DUPLICATE)} == {
        REGIONAL: expected.regional,
        NO_CODE: expected.no_code,
        DUPLICATE: expected.duplicates,
    }
    others = {k: n for k, n in report.reasons.items() if k not in (REGIONAL, NO_CODE, DUPLICATE)}
    assert all(k.startswith("Iso3_code: ") for k in others), others
    assert sum(others.values()) == expected.other_non_iso


# --- 1. every row accounted for ----------------------------------------------------------------


def test_the_raw_release_is_what_these_tests_expect(expected: Expected) -> None:
    assert {
        "read": len(expected.rows),
        "created": expected.count("created"),
        "unchanged": expected.count("unchanged"),
        "quarantined": expected.count("quarantined"),
    } == {k: RELEASE[k] for k in ("read", "created", "unchanged", "quarantined")}
    assert (
        expected.regional,
        expected.no_code,
        expected.other_non_iso,
        expected.duplicates,
    ) == (REGIONAL_ROWS, NO_CODE_ROWS, OTHER_NON_ISO_ROWS, DUPLICATE_ROWS)


def test_csv_every_row_is_accounted_for(loaded: Loaded, expected: Expected) -> None:
    report, store = loaded.report, loaded.store
    assert not report.refused and report.batch_id is not None
    assert_accounted(report, expected)
    assert count_rows(store, t.observations) == expected.count("created")
    assert count_rows(store, t.import_records) == expected.count("created")
    quarantined = list_quarantine(store, report.batch_id)
    assert len(quarantined) == expected.count("quarantined")
    status = dict(enumerate(expected.status, start=2))  # CSV row 1 is the header
    assert {q.row_number for q in quarantined} == {
        n for n, s in status.items() if s == "quarantined"
    }
    batch = next(b for b in list_batches(store) if b.id == report.batch_id)
    assert (batch.status, batch.counts) == ("loaded", report.counts)


def test_xlsx_twin_holds_the_very_same_cells(
    loaded: Loaded, expected: Expected, profile: Profile
) -> None:
    """The workbook (two banner rows, years as numbers) is the CSV's twin, cell for cell.

    Imported over the CSV's import, each of its rows finds the record its CSV twin made, with
    the same content: nothing is created or updated, the same rows are set aside.
    """
    path = shared_file(GLOTIP_XLSX)
    from_xlsx = classify(read_xlsx(path))
    assert from_xlsx.rows == expected.rows
    store = loaded.store
    before = count_rows(store, t.observations)
    report = run_import(store, path, profile, quarantine=True)
    assert_accounted(report, from_xlsx, again=True)
    assert count_rows(store, t.observations) == before
    assert count_rows(store, t.record_history) == 0
    quarantined = list_quarantine(store, report.batch_id)
    status = dict(enumerate(from_xlsx.status, start=4))  # the header is on row 3
    assert {q.row_number for q in quarantined} == {
        n for n, s in status.items() if s == "quarantined"
    }


# --- 2. values ---------------------------------------------------------------------------------


def test_counts_below_five_are_intervals_and_separators_parse(
    loaded: Loaded, expected: Expected
) -> None:
    store = loaded.store
    values = [row["txtVALUE"] for row in expected.loaded()]
    below = sum(v == "<5" for v in values)
    exact = [count_value(v) for v in values if v != "<5"]
    separated = [v for v in values if "," in v]
    assert below > 20_000 and len(separated) > 400  # the release has both, in numbers
    q = "SELECT count(*) FROM observations WHERE status = 'below_threshold'"
    assert scalar(store, q) == below
    assert scalar(store, q + " AND value_lower = 1 AND value_upper = 4") == below
    assert scalar(store, "SELECT count(*) FROM observations WHERE value_upper = 0") == sum(
        n == 0 for n in exact
    )  # a zero is only ever a published 0, never a '<5'
    q = "SELECT count(*), sum(value_lower) FROM observations WHERE status = 'exact'"
    with store.engine.connect() as connection:
        n, total = connection.execute(sa.text(q)).one()
    assert (n, total) == (len(exact), sum(exact))
    q = "SELECT count(*) FROM observations WHERE value_lower >= 1000"
    assert scalar(store, q) == sum(n >= 1000 for n in exact) == len(separated)


#: Flags are stored as a JSON list of sentences; a category flag opens the list.
ISO3_FLAG = '["category_iso3: %'


def test_flags_keep_unresolved_citizenships(loaded: Loaded, expected: Expected) -> None:
    store = loaded.store
    assert loaded.report.flagged == RELEASE["flagged"]
    assert (
        scalar(store, "SELECT count(*) FROM observations WHERE flags <> '[]'") == RELEASE["flagged"]
    )
    # No value in this release is implausible, so every flag is a category that names no
    # single country; such a row keeps its category as published and has no category_iso3.
    assert not [r for r in expected.loaded() if count_value(r["txtVALUE"]) > MAX_PLAUSIBLE]
    q = "SELECT count(*) FROM observations WHERE flags <> '[]' AND {}"
    assert scalar(store, q.format(f"flags NOT LIKE '{ISO3_FLAG}'")) == 0
    assert scalar(store, q.format("(category_iso3 IS NOT NULL OR category = '')")) == 0
    assert (
        scalar(store, q.format("dimension NOT IN ('citizenship', 'country_of_repatriation')")) == 0
    )

    in_dimensions = [r for r in expected.loaded() if r["Dimension"] in COUNTRY_DIMENSIONS]
    # Independently: words that are plainly no country are flagged, every time ...
    placeholders = {"unknown", "abroad", "n/a", "stateless", "0"}
    plain = sum(r["Category"].casefold() in placeholders for r in in_dimensions)
    q = "SELECT count(*) FROM observations WHERE lower(category) IN ('unknown', 'abroad', 'n/a', "
    q += "'stateless', '0') AND dimension IN ('citizenship', 'country_of_repatriation')"
    assert plain > 400 and scalar(store, q + f" AND flags LIKE '{ISO3_FLAG}'") == plain
    # ... 'Nationals' is no country either, but says which: no flag ...
    nationals = sum(r["Category"] == "Nationals" for r in in_dimensions)
    q = "SELECT count(*) FROM observations WHERE category = 'Nationals'"
    assert nationals > 200 and scalar(store, q + " AND category_iso3 IS NULL") == nationals
    assert scalar(store, q + " AND flags <> '[]'") == 0
    # ... and a category that is a country's ISO name resolves to that country, unflagged.
    names = {c.name: c.alpha_3 for c in pycountry.countries}
    named = Counter(names[r["Category"]] for r in in_dimensions if r["Category"] in names)
    with store.engine.connect() as connection:
        rows = connection.execute(
            sa.select(t.observations.c.category, t.observations.c.category_iso3).where(
                t.observations.c.category.in_(list(names)),
                t.observations.c.dimension.in_(["citizenship", "country_of_repatriation"]),
                t.observations.c.flags == "[]",
            )
        ).all()
    assert sum(named.values()) > 5_000
    assert Counter(iso3 for category, iso3 in rows if iso3 == names[category]) == named


# --- 3. re-imports, history and rollback --------------------------------------------------------


def test_reimporting_the_release_changes_nothing(
    loaded: Loaded, expected: Expected, csv_path: Path, profile: Profile
) -> None:
    store = loaded.store
    before = count_rows(store, t.observations)
    report = run_import(store, csv_path, profile, quarantine=True)
    assert_accounted(report, expected, again=True)  # quarantined rows are set aside again
    assert count_rows(store, t.observations) == before
    assert count_rows(store, t.record_history) == 0


def _changed_copy(expected: Expected, path: Path) -> tuple[Path, dict[int, str]]:
    """The release up to the last changed row, with four values changed.

    A prefix keeps every key's first row before its repeats, as in the release. Changed rows
    are loaded rows whose key occurs once: '<5' becomes 7, a number grows by 1, a number with
    a thousands separator grows by 1000, and one becomes a questionnaire artefact.
    """
    keys = Counter(tuple(row[c] for c in KEY) for row in expected.rows)
    candidates = [
        (i, row["txtVALUE"])
        for i, (row, status) in enumerate(zip(expected.rows, expected.status, strict=True))
        if status == "created" and keys[tuple(row[c] for c in KEY)] == 1
    ]
    below = next(i for i, v in candidates if v == "<5")
    plain = next(i for i, v in candidates if v.isdigit() and i != below)
    separated = next(i for i, v in candidates if "," in v)
    artefact = next(i for i, v in candidates if v not in ("<5",) and i not in (plain, separated))
    changes = {
        below: "7",
        plain: str(count_value(expected.rows[plain]["txtVALUE"]) + 1),
        separated: f"{count_value(expected.rows[separated]['txtVALUE']) + 1000:,}",
        artefact: ARTEFACT,
    }
    end = max(changes) + 1
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for i, row in enumerate(expected.rows[:end]):
            writer.writerow({**row, "txtVALUE": changes.get(i, row["txtVALUE"])})
    return path, changes


def _values(store: Store) -> dict[tuple[str, ...], tuple[int, int, str, str]]:
    o = t.observations.c
    query = sa.select(
        o.area, o.year, o.indicator, o.dimension, o.category, o.sex, o.age,
        o.value_lower, o.value_upper, o.status, o.flags,
    )  # fmt: skip
    with store.engine.connect() as connection:
        return {
            tuple(str(v) for v in row[:7]): (row[7], row[8], row[9], row[10])
            for row in connection.execute(query)
        }


def test_a_changed_copy_updates_those_cells_keeps_history_and_rolls_back(
    loaded: Loaded, expected: Expected, profile: Profile, tmp_path: Path
) -> None:
    store = loaded.store
    path, changes = _changed_copy(expected, tmp_path / "glotip_changed.csv")
    prefix = expected.status[: max(changes) + 1]
    before = _values(store)
    batches = len(list_batches(store))
    rehearsal = run_import(store, path, profile, quarantine=True, dry_run=True)
    assert rehearsal.batch_id is None
    assert _values(store) == before and len(list_batches(store)) == batches
    assert count_rows(store, t.record_history) == 0

    report = run_import(store, path, profile, quarantine=True)

    assert report.counts == rehearsal.counts  # the dry run said what the import would do
    assert report.reasons == rehearsal.reasons
    assert report.counts == {
        "read": len(prefix),
        "created": 0,
        "updated": len(changes),
        "unchanged": prefix.count("created") - len(changes) + prefix.count("unchanged"),
        "quarantined": prefix.count("quarantined"),
        "flagged": report.flagged,
    }
    after = _values(store)
    differing = {k for k in before if before[k] != after[k]}
    assert len(differing) == len(changes) and set(after) == set(before)
    new_values = sorted(after[k][:3] for k in differing)
    assert new_values == sorted(
        (7, 7, "exact") if v == "7" else (count_value(v), count_value(v), "exact")
        for v in changes.values()
    )
    artefact = next(k for k in differing if after[k][0] == count_value(ARTEFACT))
    assert json.loads(after[artefact][3]) == [
        f"value: {ARTEFACT} is implausibly large for value (over {MAX_PLAUSIBLE:,})"
    ]  # loaded as published, flagged for a person to check
    h = t.record_history.c
    with store.engine.connect() as connection:
        history = connection.execute(
            sa.select(sa.func.count()).where(h.replaced_by_batch == report.batch_id)
        ).scalar_one()
    assert history == len(changes)

    assert report.batch_id is not None
    assert rollback_import(store, report.batch_id) == {"removed": 0, "restored": len(changes)}
    assert _values(store) == before
    assert count_rows(store, t.record_history) == 0
