"""The parallel synthetic loader writes exactly the cases the serial stream yields."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from tipis.store import tables as t
from tipis.store.cases import Store
from tipis.store.crypto import SecretKey
from tipis.store.engine import make_engine
from tipis.store.migrate import upgrade
from tipis.synthetic.bulk import PART_SIZE, load_synthetic, synthetic_cases
from tipis.synthetic.generator import demo_organisations

SEED = 11


def _fresh_store(path: Path, key: SecretKey) -> Store:
    store = Store(make_engine(f"sqlite:///{path}"), key)
    upgrade(store.engine)
    for organisation in demo_organisations(SEED):
        store.add_organisation(organisation)
    return store


def _contents(store: Store) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the record tables, sealed values left out (their nonces are random)."""
    with store.engine.connect() as connection:
        return {
            table.name: sorted(
                tuple(
                    v
                    for c, v in zip(table.columns, row, strict=True)
                    if c.name not in ("personal_sealed", "updated_at")
                )
                for row in connection.execute(sa.select(table))
            )
            for table in (t.cases, t.persons, t.victims, t.victim_codes, t.route_events)
        }


def test_parallel_and_serial_loads_write_the_same_cases(tmp_path: Path, key: SecretKey) -> None:
    n = PART_SIZE + 700  # two parts, so two workers really share the work
    parallel = _fresh_store(tmp_path / "parallel.db", key)
    serial = _fresh_store(tmp_path / "serial.db", key)
    organisations = demo_organisations(SEED)
    seen: list[int] = []
    assert load_synthetic(parallel, n, SEED, organisations, seen.append, workers=2) == n
    assert load_synthetic(serial, n, SEED, organisations, workers=1) == n
    assert sum(seen) == n
    assert _contents(parallel) == _contents(serial)
    expected_ids = {case.id for case in synthetic_cases(n, SEED, organisations)}
    assert {row[0] for row in _contents(serial)["cases"]} == expected_ids


def test_case_references_stay_unique_across_parts() -> None:
    organisations = demo_organisations(SEED)
    cases = list(synthetic_cases(2 * PART_SIZE, SEED, organisations))
    keys = [(case.organisation_id, case.reference) for case in cases]
    assert len(set(keys)) == len(keys)
