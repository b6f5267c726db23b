"""Saving, reading, updating and listing cases, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest
import sqlalchemy as sa

from tests import factories
from tipis.standard.records import Case
from tipis.store import tables as t
from tipis.store.cases import CaseFilter, Conflict, NotFound, Store, UnknownReference


@pytest.fixture
def stocked(store: Store) -> Store:
    for organisation in factories.organisations():
        store.add_organisation(organisation)
    return store


def test_a_case_reads_back_exactly_as_saved(stocked: Store) -> None:
    saved = factories.case()
    stocked.create_case(saved)
    assert stocked.get_case(saved.id, actor="test", purpose="round trip") == saved


def test_reading_without_personal_details_leaves_them_sealed(stocked: Store) -> None:
    saved = factories.case()
    stocked.create_case(saved)
    read = stocked.get_case(saved.id, actor="analyst", personal=False)
    assert read.victims[0].person.personal is None
    assert read.victims[0].exploitation_forms == ["SexualExploitation"]


def test_opening_personal_details_is_logged_and_not_opening_is_not(stocked: Store) -> None:
    saved = factories.case()
    stocked.create_case(saved)
    stocked.get_case(saved.id, actor="analyst", personal=False)
    stocked.get_case(saved.id, actor="caseworker-7", purpose="referral to shelter")
    with stocked.engine.connect() as connection:
        log = connection.execute(sa.select(t.access_log)).mappings().all()
    assert [(r["actor"], r["action"], r["object_id"], r["purpose"]) for r in log] == [
        ("caseworker-7", "read_personal", str(saved.id), "referral to shelter")
    ]


def test_an_unknown_case_is_not_found(stocked: Store) -> None:
    with pytest.raises(NotFound):
        stocked.get_case(uuid4(), actor="test")


def test_a_case_id_cannot_be_created_twice(stocked: Store) -> None:
    saved = factories.case()
    stocked.create_case(saved)
    with pytest.raises(Conflict):
        stocked.create_case(saved)


def test_update_replaces_content_and_counts_versions(stocked: Store) -> None:
    saved = factories.case()
    stocked.create_case(saved)
    changed = saved.model_copy(deep=True)
    changed.status = "FollowUp"
    changed.victims[0].exploitation_forms.append("ForcedCriminalActivity")
    changed.perpetrators = []
    assert stocked.update_case(changed, expected_version=1) == 2
    assert stocked.get_case(saved.id, actor="test") == changed
    with stocked.engine.connect() as connection:
        persons = connection.execute(sa.select(sa.func.count()).select_from(t.persons))
        assert persons.scalar_one() == 1  # the dropped perpetrator's person row went too


def test_update_refuses_a_stale_version(stocked: Store) -> None:
    saved = factories.case()
    stocked.create_case(saved)
    stocked.update_case(saved, expected_version=1)
    with pytest.raises(Conflict, match="version 2, not 1"):
        stocked.update_case(saved, expected_version=1)


def test_list_filters_and_pages(stocked: Store) -> None:
    cases = [
        factories.case(opened_on=f"2024-01-{day:02d}", reference=f"R{day}") for day in range(1, 11)
    ]
    cases.append(factories.case(opened_on="2023-05-01", country_of_identification="FRA"))
    stocked.load_cases(cases)
    assert stocked.count_cases() == 11
    spain = CaseFilter(country="ESP")
    first = stocked.list_cases(spain, limit=4)
    second = stocked.list_cases(spain, limit=4, offset=4)
    assert [c.reference for c in first] == ["R10", "R9", "R8", "R7"]
    assert [c.reference for c in second] == ["R6", "R5", "R4", "R3"]
    assert all(c.victim_count == 1 for c in first)
    assert stocked.count_cases(CaseFilter(opened_to=date(2023, 12, 31))) == 1
    assert stocked.count_cases(CaseFilter(organisation_id=factories.NGO_ID)) == 0


def test_list_refuses_absurd_page_sizes(stocked: Store) -> None:
    with pytest.raises(ValueError, match="limit"):
        stocked.list_cases(limit=100_000)


def test_a_load_that_fails_midway_writes_nothing(stocked: Store) -> None:
    def cases_then_failure() -> object:
        for i in range(3000):  # more than one internal batch is flushed before the failure
            yield factories.case(reference=f"ok-{i}")
        raise RuntimeError("source file ended unexpectedly")

    with pytest.raises(RuntimeError):
        stocked.load_cases(cases_then_failure())  # type: ignore[arg-type]
    assert stocked.count_cases() == 0
    with stocked.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(t.persons)).scalar() == 0


def test_a_case_with_an_unknown_organisation_is_refused_whole(stocked: Store) -> None:
    orphan = factories.case(organisation_id=str(uuid4()))
    with pytest.raises(UnknownReference, match="ATES-2024-0117: organisation_id names"):
        stocked.create_case(orphan)
    with pytest.raises(sa.exc.IntegrityError):  # the bulk path relies on the foreign keys
        stocked.load_cases([orphan])
    assert stocked.count_cases() == 0


def test_case_without_victims_or_personal_details_round_trips(stocked: Store) -> None:
    minimal = Case.model_validate(
        {
            "organisation_id": str(factories.POLICE_ID),
            "opened_on": "2020-01-01",
            "country_of_identification": "ESP",
        }
    )
    stocked.create_case(minimal)
    assert stocked.get_case(minimal.id, actor="test") == minimal


def test_a_large_load_keeps_every_constraint(stocked: Store) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from tipis.store.tables import metadata

    rows = stocked.row_builder()
    for i in range(5):
        rows.add(factories.case(reference=f"L{i}"))
    assert stocked.load_rows([rows.take()], large=True) == 5
    assert stocked.count_cases() == 5
    orphan = stocked.row_builder()
    orphan.add(factories.case(organisation_id=str(uuid4())))
    with pytest.raises(sa.exc.IntegrityError):  # checked when the foreign keys come back
        stocked.load_rows([orphan.take()], large=True)
    assert stocked.count_cases() == 5
    with stocked.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
        if connection.dialect.name == "sqlite":  # the pooled connection is back to normal
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
