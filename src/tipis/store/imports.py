"""The store's side of imports: one transaction per import, a ledger of what each row became.

``ImportSession`` writes records, their source rows' keys and fingerprints, history of what an
update replaced, and quarantined rows — all in the import's single transaction, so a killed
import leaves the store exactly as it was. ``rollback_import`` undoes a batch.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal
from uuid import UUID

from sqlalchemy import Connection, delete, insert, select, update

from tipis.standard.aggregates import Observation
from tipis.standard.ids import new_id
from tipis.standard.records import Case
from tipis.store import tables as t
from tipis.store.cases import Store, _delete_case, _log_access
from tipis.store.crypto import SecretKey

RecordType = Literal["case", "observation"]
#: Built once: a fresh ``insert().values()`` per row costs more than the insert itself.
_INSERT_OBSERVATION = insert(t.observations)


@dataclass(frozen=True)
class KnownRow:
    """What an earlier import made of a source row."""

    record_type: RecordType
    record_id: UUID
    fingerprint: str
    batch_id: UUID
    row_number: int


@dataclass(frozen=True)
class BatchInfo:
    id: UUID
    source: str
    profile: str
    file_name: str
    file_sha256: str
    actor: str
    started_at: datetime
    finished_at: datetime
    status: str
    counts: dict[str, int]


@dataclass(frozen=True)
class QuarantinedRow:
    id: int
    batch_id: UUID
    source: str
    row_number: int
    problems: list[dict[str, Any]]
    resolved_by_batch: UUID | None


class RollbackRefused(RuntimeError):
    """A batch cannot be rolled back (a later batch changed its records, or it is gone)."""


class ImportSession:
    """The writes of one import batch, inside its transaction."""

    def __init__(self, store: Store, connection: Connection, batch_id: UUID) -> None:
        self.store = store
        self.connection = connection
        self.batch_id = batch_id
        self.counts: dict[str, int] = {}  # what the batch row records when the import commits
        self._key: SecretKey = store._key
        # One read per source instead of one per row: what earlier imports made of its rows,
        # and which of its rows wait in quarantine.
        self._known: dict[str, dict[str, KnownRow]] = {}
        self._quarantined: dict[str, set[str]] = {}

    def known(self, source: str, source_key: str) -> KnownRow | None:
        return self._known_rows(source).get(source_key)

    def _known_rows(self, source: str) -> dict[str, KnownRow]:
        if source not in self._known:
            r = t.import_records.c
            query = select(
                r.source_key, r.record_type, r.record_id, r.fingerprint, r.batch_id, r.row_number
            ).where(r.source == source)
            self._known[source] = {
                row[0]: KnownRow(*row[1:]) for row in self.connection.execute(query)
            }
            q = t.quarantine.c
            waiting = select(q.source_key).where(q.source == source, q.resolved_by_batch.is_(None))
            self._quarantined[source] = set(self.connection.execute(waiting).scalars())
        return self._known[source]

    def add(
        self, record: Case | Observation, source: str, source_key: str, fingerprint: str, row: int
    ) -> UUID:
        record_id = self._insert(record)
        self.connection.execute(
            insert(t.import_records).values(
                source=source,
                source_key=source_key,
                record_type=_type_of(record),
                record_id=record_id,
                fingerprint=fingerprint,
                batch_id=self.batch_id,
                row_number=row,
            )
        )
        self._resolve_quarantine(source, source_key)
        return record_id

    def replace(
        self,
        known: KnownRow,
        record: Case | Observation,
        source: str,
        source_key: str,
        fingerprint: str,
        row: int,
    ) -> None:
        """Update the record a source row made earlier; its previous version goes to history."""
        previous = self._content(known)
        self.connection.execute(
            insert(t.record_history).values(
                record_type=known.record_type,
                record_id=known.record_id,
                replaced_by_batch=self.batch_id,
                previous_batch=known.batch_id,
                previous_fingerprint=known.fingerprint,
                previous_row_number=known.row_number,
                sealed_content=self._key.seal(previous, known.record_id.bytes),
            )
        )
        _remove_record(self.connection, known.record_type, known.record_id)
        self._insert(_with_id(record, known.record_id))
        self.connection.execute(
            update(t.import_records)
            .where(t.import_records.c.source == source, t.import_records.c.source_key == source_key)
            .values(fingerprint=fingerprint, batch_id=self.batch_id, row_number=row)
        )
        self._known_rows(source)[source_key] = KnownRow(
            known.record_type, known.record_id, fingerprint, self.batch_id, row
        )
        self._resolve_quarantine(source, source_key)

    def quarantine(
        self,
        source: str,
        source_key: str,
        row: int,
        values: Mapping[str, object],
        problems: list[dict[str, Any]],
    ) -> None:
        """Set a row aside with its problems; the row is sealed (it may hold personal data)."""
        plain = json.dumps(values, default=str, ensure_ascii=False).encode()
        self.connection.execute(
            insert(t.quarantine).values(
                batch_id=self.batch_id,
                source=source,
                source_key=source_key,
                row_number=row,
                sealed_row=self._key.seal(plain, self.batch_id.bytes + row.to_bytes(8, "big")),
                problems=json.dumps(problems, ensure_ascii=False),
            )
        )

    def ensure_organisation(self, name: str, type_: str, country: str, city: str | None) -> UUID:
        """The id of the organisation with this name and country, registering it if new."""
        c = t.organisations.c
        query = select(c.id).where(c.name == name, c.country == country)
        found = self.connection.execute(query).scalar_one_or_none()
        if found is not None:
            return UUID(str(found))
        organisation_id = new_id()
        self.connection.execute(
            insert(t.organisations).values(
                id=organisation_id, name=name, type=type_, country=country, city=city
            )
        )
        return organisation_id

    def _insert(self, record: Case | Observation) -> UUID:
        if isinstance(record, Case):
            self.store._insert(self.connection, [record])
            return record.id
        observation_id = new_id()
        values = record.model_dump()
        values["flags"] = json.dumps(values["flags"], ensure_ascii=False)
        self.connection.execute(_INSERT_OBSERVATION, {"id": observation_id, **values})
        return observation_id

    def _content(self, known: KnownRow) -> bytes:
        if known.record_type == "case":
            _log_access(
                self.connection,
                f"import {self.batch_id}",
                "read_personal",
                "case",
                str(known.record_id),
                "keep the replaced version in history",
            )
            case = self.store._read_case(self.connection, known.record_id, personal=True)
            return case.model_dump_json().encode()
        row = (
            self.connection.execute(
                select(t.observations).where(t.observations.c.id == known.record_id)
            )
            .mappings()
            .one()
        )
        return json.dumps({k: v for k, v in row.items() if k != "id"}, default=str).encode()

    def _resolve_quarantine(self, source: str, source_key: str) -> None:
        self._known_rows(source)
        if source_key not in self._quarantined[source]:
            return
        self._quarantined[source].discard(source_key)
        q = t.quarantine.c
        self.connection.execute(
            update(t.quarantine)
            .where(q.source == source, q.source_key == source_key, q.resolved_by_batch.is_(None))
            .values(resolved_by_batch=self.batch_id)
        )


def _remove_record(connection: Connection, record_type: str, record_id: UUID) -> None:
    """Delete a case (with everything it holds) or an observation."""
    if record_type == "case":
        _delete_case(connection, record_id)
    else:
        connection.execute(delete(t.observations).where(t.observations.c.id == record_id))


def _type_of(record: Case | Observation) -> RecordType:
    return "case" if isinstance(record, Case) else "observation"


def _with_id(record: Case | Observation, record_id: UUID) -> Case | Observation:
    return record.model_copy(update={"id": record_id}) if isinstance(record, Case) else record


@contextmanager
def import_batch(
    store: Store,
    *,
    source: str,
    profile: str,
    file_name: str,
    file_sha256: str,
    actor: str,
) -> Iterator[ImportSession]:
    """One import in one transaction; the batch row gets the session's ``counts`` at the end.

    If the body raises (or the process dies), nothing of the import remains.
    """
    started = datetime.now(UTC)
    batch_id = new_id()
    with store.engine.begin() as connection:
        connection.execute(
            insert(t.import_batches).values(
                id=batch_id,
                source=source,
                profile=profile,
                file_name=file_name,
                file_sha256=file_sha256,
                actor=actor,
                started_at=started,
                finished_at=started,
                status="running",
                counts="{}",
            )
        )
        session = ImportSession(store, connection, batch_id)
        yield session
        connection.execute(
            update(t.import_batches)
            .where(t.import_batches.c.id == batch_id)
            .values(
                finished_at=datetime.now(UTC), status="loaded", counts=json.dumps(session.counts)
            )
        )


def list_batches(store: Store) -> list[BatchInfo]:
    query = select(t.import_batches).order_by(t.import_batches.c.started_at.desc())
    with store.engine.connect() as connection:
        return [
            BatchInfo(**{**row, "counts": json.loads(row["counts"])})
            for row in connection.execute(query).mappings()
        ]


def list_quarantine(
    store: Store, batch_id: UUID | None = None, include_resolved: bool = False
) -> list[QuarantinedRow]:
    q = t.quarantine.c
    query = select(q.id, q.batch_id, q.source, q.row_number, q.problems, q.resolved_by_batch)
    if batch_id is not None:
        query = query.where(q.batch_id == batch_id)
    if not include_resolved:
        query = query.where(q.resolved_by_batch.is_(None))
    with store.engine.connect() as connection:
        return [
            QuarantinedRow(**{**row, "problems": json.loads(row["problems"])})
            for row in connection.execute(query.order_by(q.batch_id, q.row_number)).mappings()
        ]


def quarantined_rows(store: Store, batch_id: UUID) -> list[tuple[int, dict[str, Any]]]:
    """The quarantined rows of a batch as they were read, for a person to fix and re-import."""
    q = t.quarantine.c
    query = select(q.row_number, q.sealed_row).where(
        q.batch_id == batch_id, q.resolved_by_batch.is_(None)
    )
    with store.engine.begin() as connection:
        _log_access(
            connection,
            "import",
            "read_personal",
            "quarantine",
            str(batch_id),
            "export quarantined rows for correction",
        )
        return [
            (row, json.loads(store._key.open(sealed, batch_id.bytes + row.to_bytes(8, "big"))))
            for row, sealed in connection.execute(query.order_by(q.row_number))
        ]


def rollback_import(store: Store, batch_id: UUID) -> dict[str, int]:
    """Undo a batch: remove what it created, restore what it replaced. One transaction."""
    with store.engine.begin() as connection:
        batch = connection.execute(
            select(t.import_batches.c.status).where(t.import_batches.c.id == batch_id)
        ).scalar_one_or_none()
        if batch is None:
            raise RollbackRefused(f"no import batch {batch_id}; `tipis import list` shows them")
        if batch != "loaded":
            raise RollbackRefused(f"batch {batch_id} is {batch}, not loaded")
        _refuse_if_superseded(connection, batch_id)
        restored = _restore_replaced(store, connection, batch_id)
        removed = _remove_created(connection, batch_id)
        q = t.quarantine.c
        connection.execute(delete(t.quarantine).where(q.batch_id == batch_id))
        connection.execute(
            update(t.quarantine)
            .where(q.resolved_by_batch == batch_id)
            .values(resolved_by_batch=None)
        )
        connection.execute(
            update(t.import_batches)
            .where(t.import_batches.c.id == batch_id)
            .values(status="rolled_back")
        )
    return {"removed": removed, "restored": restored}


def _refuse_if_superseded(connection: Connection, batch_id: UUID) -> None:
    h = t.record_history.c
    later = connection.execute(
        select(h.replaced_by_batch).where(h.previous_batch == batch_id).limit(1)
    ).scalar_one_or_none()
    if later is not None:
        raise RollbackRefused(
            f"batch {later} changed records of batch {batch_id} afterwards; roll back {later} first"
        )


def _restore_replaced(store: Store, connection: Connection, batch_id: UUID) -> int:
    h = t.record_history.c
    rows = (
        connection.execute(select(t.record_history).where(h.replaced_by_batch == batch_id))
        .mappings()
        .all()
    )
    for row in rows:
        plain = store._key.open(row["sealed_content"], row["record_id"].bytes)
        _remove_record(connection, row["record_type"], row["record_id"])
        if row["record_type"] == "case":
            store._insert(connection, [Case.model_validate_json(plain)])
        else:
            values = json.loads(plain)
            connection.execute(insert(t.observations).values(id=row["record_id"], **values))
        connection.execute(
            update(t.import_records)
            .where(t.import_records.c.record_id == row["record_id"])
            .values(
                fingerprint=row["previous_fingerprint"],
                batch_id=row["previous_batch"],
                row_number=row["previous_row_number"],
            )
        )
        connection.execute(delete(t.record_history).where(h.id == row["id"]))
    return len(rows)


def _remove_created(connection: Connection, batch_id: UUID) -> int:
    r = t.import_records.c
    created = connection.execute(
        select(r.record_type, r.record_id).where(r.batch_id == batch_id)
    ).all()
    for record_type, record_id in created:
        _remove_record(connection, record_type, record_id)
    connection.execute(delete(t.import_records).where(r.batch_id == batch_id))
    return len(created)
