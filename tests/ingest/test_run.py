"""Running imports: all or nothing, quarantine, exactly once, history, rollback, dry run, kill -9.

Every test runs on SQLite and PostgreSQL (the ``store`` fixture).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from tipis.ingest.problems import FileProblem
from tipis.ingest.profile import Profile, parse_profile
from tipis.ingest.run import run_import
from tipis.store import tables as t
from tipis.store.cases import Store
from tipis.store.imports import (
    RollbackRefused,
    list_batches,
    list_quarantine,
    quarantined_rows,
    rollback_import,
)

PROFILE = """
name: test_police
produces: cases
read: {format: csv, delimiter: ";"}
organisation: {name: Policía de prueba, type: LawEnforcement, country: ESP}
key: [Atestado]
fields:
  - {target: reference, column: Atestado, required: true}
  - {target: opened_on, column: Fecha, type: date, formats: ["%d/%m/%Y"], required: true}
  - {target: "victims[0].person.gender", column: Sexo, codelist: gender,
     map: {H: Masculine, M: Feminine}}
  - {target: "victims[0].age_at_identification", column: Edad, type: int}
  - {target: "victims[0].person.citizenships", column: Nacionalidad, type: country}
  - {target: "victims[0].exploitation_forms", column: Explotacion, codelist: exploitation_form,
     split: ","}
  - {target: "victims[0].person.personal.given_name", column: Nombre}
"""
HEADER = "Atestado;Fecha;Sexo;Edad;Nacionalidad;Explotacion;Nombre"
GOOD = [
    "A-1;02/03/2024;M;23;Rumanía;explotación sexual;Zephyrina",
    "A-2;15/04/2024;H;31;Marruecos;trabajo forzoso, mendicidad;Quillon",
    "A-3;01/05/2024;M;17;COLOMBIA;Explotación sexual;Yarrowmir",
]
BAD = "A-4;31/02/2024;Q;doce;Atlantis;explotacion sexuall;Vesperine"


@pytest.fixture
def profile() -> Profile:
    return parse_profile(PROFILE, "test_police.yaml")


def _csv(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="cp1252")
    return path


def _count(store: Store, table: sa.Table) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def test_a_clean_file_loads_and_each_case_knows_its_source(
    store: Store, profile: Profile, tmp_path: Path
) -> None:
    report = run_import(store, _csv(tmp_path / "police.csv", GOOD), profile)
    assert (report.read, report.created, report.refused) == (3, 3, False)
    assert store.count_cases() == 3
    with store.engine.connect() as connection:
        rows = connection.execute(sa.select(t.import_records.c.row_number)).scalars().all()
    assert sorted(rows) == [2, 3, 4]  # spreadsheet rows: the header is row 1
    [summary] = [c for c in store.list_cases() if c.reference == "A-2"]
    case = store.get_case(summary.id, actor="test", purpose="check import")
    victim = case.victims[0]
    assert victim.person.gender == "Masculine"
    assert victim.person.citizenships == ["MAR"]
    assert victim.exploitation_forms == ["ForcedLabour", "ForcedBegging"]
    assert case.country_of_identification == "ESP"


def test_one_bad_row_stops_the_whole_import_and_says_where(
    store: Store, profile: Profile, tmp_path: Path
) -> None:
    report = run_import(store, _csv(tmp_path / "police.csv", [*GOOD, BAD]), profile)
    assert report.refused and report.batch_id is None
    assert store.count_cases() == 0 and list_batches(store) == []
    where = {(p.row, p.column) for p in report.problems}
    assert {
        (5, "Fecha"),
        (5, "Sexo"),
        (5, "Edad"),
        (5, "Nacionalidad"),
        (5, "Explotacion"),
    } <= where
    messages = "\n".join(str(p) for p in report.problems)
    assert "police.csv, row 5, column 'Sexo', value 'Q'" in messages
    assert "did you mean SexualExploitation" in messages
    assert "Vesperine" not in messages  # a personal value is never echoed


def test_quarantine_loads_good_rows_and_keeps_bad_ones_sealed(
    store: Store, profile: Profile, tmp_path: Path
) -> None:
    report = run_import(
        store, _csv(tmp_path / "police.csv", [*GOOD, BAD]), profile, quarantine=True
    )
    assert (report.created, report.quarantined) == (3, 1)
    [held] = list_quarantine(store)
    assert held.row_number == 5 and {p["column"] for p in held.problems} >= {"Sexo", "Edad"}
    with store.engine.connect() as connection:
        sealed = connection.execute(sa.select(t.quarantine.c.sealed_row)).scalar_one()
    assert b"Vesperine" not in sealed
    assert report.batch_id is not None
    [(row, values)] = quarantined_rows(store, report.batch_id)
    assert row == 5 and values["Nombre"] == "Vesperine"


def test_a_fixed_row_reimported_leaves_quarantine(
    store: Store, profile: Profile, tmp_path: Path
) -> None:
    run_import(store, _csv(tmp_path / "police.csv", [*GOOD, BAD]), profile, quarantine=True)
    fixed = "A-4;28/02/2024;M;12;Albania;explotacion sexual;Vesperine"
    report = run_import(store, _csv(tmp_path / "fixed.csv", [fixed]), profile)
    assert report.created == 1
    assert list_quarantine(store) == []
    assert store.count_cases() == 4


def test_reimporting_the_same_file_creates_nothing(
    store: Store, profile: Profile, tmp_path: Path
) -> None:
    path = _csv(tmp_path / "police.csv", GOOD)
    run_import(store, path, profile)
    again = run_import(store, path, profile)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert store.count_cases() == 3


def test_a_newer_overlapping_export_updates_changed_rows_and_keeps_history(
    store: Store, profile: Profile, tmp_path: Path
) -> None:
    first = run_import(store, _csv(tmp_path / "jan.csv", GOOD), profile)
    changed = GOOD[1].replace(";31;", ";32;")
    newer = [GOOD[0], changed, "A-9;01/06/2024;M;40;Nigeria;explotación sexual;Ulmara"]
    second = run_import(store, _csv(tmp_path / "feb.csv", newer), profile)
    assert (second.created, second.updated, second.unchanged) == (1, 1, 1)
    assert store.count_cases() == 4
    assert _count(store, t.record_history) == 1
    ages = _ages(store)
    assert ages["A-2"] == 32
    assert second.batch_id is not None and first.batch_id is not None
    with pytest.raises(RollbackRefused, match="roll back"):
        rollback_import(store, first.batch_id)  # the second batch changed its records since
    assert rollback_import(store, second.batch_id) == {"removed": 1, "restored": 1}
    assert _ages(store) == {"A-1": 23, "A-2": 31, "A-3": 17}
    assert _count(store, t.record_history) == 0
    assert rollback_import(store, first.batch_id) == {"removed": 3, "restored": 0}
    assert store.count_cases() == 0


def _ages(store: Store) -> dict[str, int | None]:
    ages = {}
    for summary in store.list_cases():
        case = store.get_case(summary.id, actor="test", personal=False)
        ages[summary.reference or ""] = case.victims[0].age_at_identification
    return ages


def test_a_dry_run_counts_exactly_and_writes_nothing(
    store: Store, profile: Profile, tmp_path: Path
) -> None:
    report = run_import(store, _csv(tmp_path / "police.csv", GOOD), profile, dry_run=True)
    assert (report.created, report.batch_id) == (3, None)
    assert store.count_cases() == 0 and list_batches(store) == []
    assert store.organisations() == []


def test_duplicate_keys_with_different_content_are_problems(
    store: Store, profile: Profile, tmp_path: Path
) -> None:
    clash = GOOD[0].replace(";23;", ";24;")
    report = run_import(
        store, _csv(tmp_path / "police.csv", [*GOOD, GOOD[0], clash]), profile, quarantine=True
    )
    assert (report.created, report.quarantined) == (3, 1)
    assert "duplicate: row 2" in report.problems[0].rule


def test_missing_columns_are_named(store: Store, profile: Profile, tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("Atestado;Fecha\nA-1;02/03/2024\n", encoding="utf-8")
    with pytest.raises(FileProblem, match="Edad, Explotacion, Nacionalidad, Nombre, Sexo"):
        run_import(store, path, profile)


def test_killing_an_import_midway_leaves_the_store_as_before(
    store: Store, profile: Profile, tmp_path: Path, key_text: str
) -> None:
    rows = [
        f"K-{i};02/03/2024;M;{18 + i % 40};Rumanía;explotación sexual;Nombre{i}"
        for i in range(6000)
    ]
    path = _csv(tmp_path / "big.csv", rows)
    (tmp_path / "profile.yaml").write_text(PROFILE, encoding="utf-8")
    env = {
        **os.environ,
        "TIPIS_DATABASE_URL": store.engine.url.render_as_string(False),
        "TIPIS_SECRET_KEY": key_text,
        "TIPIS_HOME": str(tmp_path),
    }
    command = [
        sys.executable,
        "-m",
        "tipis.cli",
        "import",
        str(path),
        "--profile",
        str(tmp_path / "profile.yaml"),
    ]
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _wait_until_writing(store, child)
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL
    assert store.count_cases() == 0 and list_batches(store) == []
    report = run_import(store, path, profile)  # running again completes
    assert report.created == 6000 and store.count_cases() == 6000


def _wait_until_writing(store: Store, child: subprocess.Popen[bytes]) -> None:
    """Give the child time to open its transaction and write some rows, then return."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise AssertionError(f"import ended before it could be killed: {child.stderr}")
        if _organisation_is_being_written(store):
            time.sleep(1.0)
            return
        time.sleep(0.1)
    raise AssertionError("the import never started writing")


def _organisation_is_being_written(store: Store) -> bool:
    """The child registers its organisation first; on PostgreSQL we see its lock, not its row."""
    with store.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            locks = connection.execute(
                sa.text(
                    "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                    "WHERE c.relname = 'cases' AND l.pid <> pg_backend_pid()"
                )
            )
            return int(locks.scalar_one()) > 0
    wal = Path(str(store.engine.url.database) + "-wal")
    return wal.exists() and wal.stat().st_size > 100_000


def test_a_row_position_key_keeps_identical_rows_apart(
    store: Store, profile: Profile, tmp_path: Path
) -> None:
    by_position = profile.model_copy(update={"key": ["#row"]})
    path = _csv(tmp_path / "police.csv", [GOOD[0], GOOD[0], GOOD[1]])
    report = run_import(store, path, by_position)
    assert (report.read, report.created) == (3, 3)
    again = run_import(store, path, by_position)
    assert (again.created, again.unchanged) == (0, 3)
