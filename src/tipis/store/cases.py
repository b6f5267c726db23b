"""Saving, reading, updating and listing cases. Every write is one transaction.

``Store`` wraps an engine and the secret key. Reads that open personal details write an
``access_log`` row in the same transaction; reads without personal details need no key use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import Connection, Engine, Select, Table, delete, func, insert, select

from tipis.standard.records import Case, Organisation
from tipis.store import tables as t
from tipis.store.crypto import SecretKey
from tipis.store.engine import make_engine, set_sqlite_bulk_mode
from tipis.store.migrate import upgrade
from tipis.store.rows import (
    INSERT_ORDER,
    CaseRows,
    RowBatch,
    case_from_rows,
    person_from_row,
)
from tipis.store.writer import drop_constraints, restore_constraints, timestamp, write_rows

MAX_PAGE_SIZE = 1000
#: Cases per batch when loading many: bounds memory, not transactions (a load is one).
LOAD_BATCH = 2000


class NotFound(LookupError):
    """No record with that identifier."""


class Conflict(RuntimeError):
    """The record changed since it was read (optimistic concurrency)."""


class UnknownReference(ValueError):
    """A record names an organisation the store does not hold."""


@dataclass(frozen=True)
class CaseSummary:
    """One line of a case list: no personal data."""

    id: UUID
    organisation_id: UUID
    reference: str | None
    status: str
    opened_on: date
    country_of_identification: str
    version: int
    victim_count: int


AnySelect = TypeVar("AnySelect", bound=Select[*tuple[Any, ...]])


@dataclass(frozen=True)
class CaseFilter:
    """What a case list may be narrowed to. ``None`` means no condition."""

    organisation_id: UUID | None = None
    country: str | None = None
    status: str | None = None
    opened_from: date | None = None
    opened_to: date | None = None

    def apply(self, query: AnySelect) -> AnySelect:
        c = t.cases.c
        if self.organisation_id is not None:
            query = query.where(c.organisation_id == self.organisation_id)
        if self.country is not None:
            query = query.where(c.country_of_identification == self.country)
        if self.status is not None:
            query = query.where(c.status == self.status)
        if self.opened_from is not None:
            query = query.where(c.opened_on >= self.opened_from)
        if self.opened_to is not None:
            query = query.where(c.opened_on <= self.opened_to)
        return query


class Store:
    """The case store over one database. Create with ``Store.open(url, key)``.

    Args:
        engine: a SQLAlchemy engine (``tipis.store.engine.make_engine``).
        key: the secret key that seals personal details.
    """

    def __init__(self, engine: Engine, key: SecretKey) -> None:
        self.engine = engine
        self._key = key

    @classmethod
    def open(cls, url: str, key: SecretKey, migrate: bool = True) -> Store:
        store = cls(make_engine(url), key)
        if migrate:
            upgrade(store.engine)
        return store

    # Organisations -------------------------------------------------------------------------

    def add_organisation(self, organisation: Organisation) -> UUID:
        with self.engine.begin() as connection:
            connection.execute(insert(t.organisations).values(**organisation.model_dump()))
        return organisation.id

    def organisations(self) -> list[Organisation]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(t.organisations).order_by(t.organisations.c.name))
            return [Organisation.model_validate(dict(row._mapping)) for row in rows]

    # Cases ---------------------------------------------------------------------------------

    def create_case(self, case: Case) -> UUID:
        """Save a new, validated case. Raises ``Conflict`` if its id is taken."""
        with self.engine.begin() as connection:
            if _case_version(connection, case.id) is not None:
                raise Conflict(f"case {case.id} already exists; update it instead")
            self._insert(connection, [case])
        return case.id

    def load_cases(
        self, cases: Iterable[Case], progress: Callable[[int], None] | None = None
    ) -> int:
        """Save many new cases in one transaction; ``progress`` gets each batch's size."""
        return self.load_rows(self._row_batches(cases), progress)

    def row_builder(self, updated_at: datetime | None = None) -> CaseRows:
        """An empty ``CaseRows`` sealing with this store's key (for loads built elsewhere)."""
        moment = updated_at or datetime.now(UTC)
        return CaseRows(self._key, timestamp(self.engine.dialect.name, moment))

    def load_rows(
        self,
        batches: Iterable[RowBatch],
        progress: Callable[[int], None] | None = None,
        *,
        large: bool = False,
    ) -> int:
        """Write batches of rows made by ``row_builder`` (possibly in other processes).

        All batches are one transaction: if any fails, or the iterable raises, nothing stays.
        ``large`` says the load is big next to what the tables hold: secondary indexes are
        then built once at the end and foreign keys checked once (by a join) instead of row by
        row, inside the same transaction. It locks the case tables for the duration.
        """
        with self.engine.connect() as connection, _checks_deferred(connection, large):
            total = 0
            with connection.begin():
                if large:
                    drop_constraints(connection, INSERT_ORDER)
                for batch in batches:
                    for table in INSERT_ORDER:
                        write_rows(connection, table, batch.rows.get(table.name, []))
                    total += batch.case_count
                    if progress is not None and batch.case_count:
                        progress(batch.case_count)
                if large:
                    restore_constraints(connection, INSERT_ORDER)
        return total

    def _row_batches(self, cases: Iterable[Case]) -> Iterator[RowBatch]:
        rows = self.row_builder()
        for case in cases:
            rows.add(case)
            if rows.case_count >= LOAD_BATCH:
                yield rows.take()
        yield rows.take()

    def get_case(
        self, case_id: UUID, *, actor: str, purpose: str | None = None, personal: bool = True
    ) -> Case:
        """Read one case. Opening personal details is logged against ``actor``."""
        with self.engine.begin() as connection:
            if personal and _has_personal_details(connection, case_id):
                _log_access(connection, actor, "read_personal", "case", str(case_id), purpose)
            return self._read_case(connection, case_id, personal)

    def _read_case(self, connection: Connection, case_id: UUID, personal: bool) -> Case:
        case_row = connection.execute(select(t.cases).where(t.cases.c.id == case_id)).first()
        if case_row is None:
            raise NotFound(f"no case with id {case_id}")
        related = _related_rows(connection, case_id)
        key = self._key if personal else None
        people = {row["id"]: person_from_row(row, key) for row in _person_rows(connection, related)}
        return case_from_rows(case_row._mapping, related, people)

    def case_version(self, case_id: UUID) -> int:
        with self.engine.connect() as connection:
            version = _case_version(connection, case_id)
        if version is None:
            raise NotFound(f"no case with id {case_id}")
        return version

    def update_case(self, case: Case, expected_version: int | None = None) -> int:
        """Replace a case's content; returns the new version.

        With ``expected_version``, refuses (``Conflict``) if someone saved it meanwhile.
        """
        with self.engine.begin() as connection:
            version = _case_version(connection, case.id)
            if version is None:
                raise NotFound(f"no case with id {case.id}")
            if expected_version is not None and version != expected_version:
                raise Conflict(
                    f"case {case.id} is at version {version}, not {expected_version}: "
                    "someone saved it since you read it; reload and apply your change again"
                )
            _delete_case(connection, case.id)
            self._insert(connection, [case], version=version + 1)
        return version + 1

    def list_cases(
        self, where: CaseFilter | None = None, limit: int = 50, offset: int = 0
    ) -> list[CaseSummary]:
        """A page of case summaries, newest first. ``limit`` is capped at ``MAX_PAGE_SIZE``."""
        if not 1 <= limit <= MAX_PAGE_SIZE:
            raise ValueError(f"limit must be between 1 and {MAX_PAGE_SIZE} (got {limit})")
        if offset < 0:
            raise ValueError(f"offset must not be negative (got {offset})")
        victim_count = (
            select(func.count())
            .where(t.victims.c.case_id == t.cases.c.id)
            .scalar_subquery()
            .label("victim_count")
        )
        query = select(
            t.cases.c.id,
            t.cases.c.organisation_id,
            t.cases.c.reference,
            t.cases.c.status,
            t.cases.c.opened_on,
            t.cases.c.country_of_identification,
            t.cases.c.version,
            victim_count,
        )
        query = (where or CaseFilter()).apply(query)
        query = query.order_by(t.cases.c.opened_on.desc(), t.cases.c.id).limit(limit).offset(offset)
        with self.engine.connect() as connection:
            return [CaseSummary(**row._mapping) for row in connection.execute(query)]

    def count_cases(self, where: CaseFilter | None = None) -> int:
        query = (where or CaseFilter()).apply(select(func.count()).select_from(t.cases))
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    # Internals -----------------------------------------------------------------------------

    def _insert(self, connection: Connection, cases: Sequence[Case], version: int = 1) -> None:
        rows = CaseRows(self._key, timestamp(connection.dialect.name, datetime.now(UTC)))
        for case in cases:
            _check_organisations(connection, case)
            rows.add(case, version=version)
        batch = rows.take()
        for table in INSERT_ORDER:
            write_rows(connection, table, batch.rows.get(table.name, []))


@contextmanager
def _checks_deferred(connection: Connection, large: bool) -> Iterator[None]:
    """SQLite's bulk mode (``set_sqlite_bulk_mode``) around a large load, restored after."""
    sqlite = large and connection.dialect.name == "sqlite"
    if sqlite:
        set_sqlite_bulk_mode(connection, enabled=True)
    try:
        yield
    finally:
        if sqlite:
            set_sqlite_bulk_mode(connection, enabled=False)


def _check_organisations(connection: Connection, case: Case) -> None:
    named = {("organisation_id", case.organisation_id)}
    named |= {("referrals", r.from_organisation_id) for r in case.referrals}
    named |= {("referrals", r.to_organisation_id) for r in case.referrals}
    named |= {
        ("services", s.provider_id)
        for v in case.victims
        for s in v.services
        if s.provider_id is not None
    }
    ids = {org_id for _, org_id in named}
    query = select(t.organisations.c.id).where(t.organisations.c.id.in_(ids))
    missing = ids - set(connection.execute(query).scalars())
    for field, org_id in sorted(named, key=str):
        if org_id in missing:
            raise UnknownReference(
                f"case {case.reference or case.id}: {field} names organisation {org_id}, "
                "which is not registered; add the organisation first"
            )


def _case_version(connection: Connection, case_id: UUID) -> int | None:
    query = select(t.cases.c.version).where(t.cases.c.id == case_id)
    version = connection.execute(query).scalar_one_or_none()
    return None if version is None else int(version)


def _related_rows(connection: Connection, case_id: UUID) -> dict[Table, list[Any]]:
    """Every row that belongs to the case, each table in its entries' order."""
    victim_ids = select(t.victims.c.id).where(t.victims.c.case_id == case_id)
    perpetrator_ids = select(t.perpetrators.c.id).where(t.perpetrators.c.case_id == case_id)
    roles = t.perpetrator_roles
    queries = {
        t.victims: select(t.victims).where(t.victims.c.case_id == case_id),
        t.perpetrators: select(t.perpetrators).where(t.perpetrators.c.case_id == case_id),
        t.referrals: select(t.referrals).where(t.referrals.c.case_id == case_id),
        roles: select(roles)
        .where(roles.c.perpetrator_id.in_(perpetrator_ids))
        .order_by(roles.c.perpetrator_id),
        t.victim_codes: select(t.victim_codes)
        .where(t.victim_codes.c.victim_id.in_(victim_ids))
        .order_by(t.victim_codes.c.victim_id, t.victim_codes.c.list_name),
    }
    for table in (t.route_events, t.services, t.consents):
        queries[table] = select(table).where(table.c.victim_id.in_(victim_ids))
    return {
        table: [row._mapping for row in connection.execute(query.order_by(table.c.position))]
        for table, query in queries.items()
    }


def _has_personal_details(connection: Connection, case_id: UUID) -> bool:
    people = (
        select(t.victims.c.person_id)
        .where(t.victims.c.case_id == case_id)
        .union_all(select(t.perpetrators.c.person_id).where(t.perpetrators.c.case_id == case_id))
    )
    query = select(t.persons.c.id).where(
        t.persons.c.id.in_(people), t.persons.c.personal_sealed.is_not(None)
    )
    return connection.execute(query.limit(1)).first() is not None


def _person_rows(connection: Connection, related: dict[Table, list[Any]]) -> list[Any]:
    ids = [row["person_id"] for row in related[t.victims] + related[t.perpetrators]]
    if not ids:
        return []
    rows = connection.execute(select(t.persons).where(t.persons.c.id.in_(ids)))
    return [row._mapping for row in rows]


def _delete_case(connection: Connection, case_id: UUID) -> None:
    person_ids = [
        *connection.execute(select(t.victims.c.person_id).where(t.victims.c.case_id == case_id)),
        *connection.execute(
            select(t.perpetrators.c.person_id).where(t.perpetrators.c.case_id == case_id)
        ),
    ]
    victim_ids = select(t.victims.c.id).where(t.victims.c.case_id == case_id)
    perpetrator_ids = select(t.perpetrators.c.id).where(t.perpetrators.c.case_id == case_id)
    for table in (t.victim_codes, t.route_events, t.services, t.consents):
        connection.execute(delete(table).where(table.c.victim_id.in_(victim_ids)))
    connection.execute(
        delete(t.perpetrator_roles).where(t.perpetrator_roles.c.perpetrator_id.in_(perpetrator_ids))
    )
    for table in (t.victims, t.perpetrators, t.referrals):
        connection.execute(delete(table).where(table.c.case_id == case_id))
    connection.execute(delete(t.persons).where(t.persons.c.id.in_([r[0] for r in person_ids])))
    connection.execute(delete(t.cases).where(t.cases.c.id == case_id))


def _log_access(
    connection: Connection,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    purpose: str | None,
) -> None:
    connection.execute(
        insert(t.access_log).values(
            at=datetime.now(UTC),
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            purpose=purpose,
        )
    )


__all__ = ["CaseFilter", "CaseSummary", "Conflict", "NotFound", "Store", "UnknownReference"]
