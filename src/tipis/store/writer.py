"""Fast row writing: ``executemany`` on SQLite, ``COPY`` on PostgreSQL.

Both paths run inside the caller's transaction, so a load is all or nothing. Rows arrive as
plain values in the form SQLAlchemy itself stores them (see ``tipis.store.rows``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import psycopg
from sqlalchemy import Connection, Table, exc
from sqlalchemy.schema import AddConstraint, CreateIndex, DropConstraint, DropIndex

from tipis.store.rows import Row


def timestamp(dialect_name: str, moment: datetime) -> str:
    """``moment`` as text the backend stores in a ``DateTime(timezone=True)`` column."""
    if dialect_name == "postgresql":
        return moment.isoformat()
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")  # SQLAlchemy's SQLite form


def write_rows(connection: Connection, table: Table, rows: Sequence[Row]) -> None:
    """Insert ``rows`` (tuples in the table's column order) into ``table``."""
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        _copy_postgresql(connection, table, rows)
    else:
        _executemany(connection, table, rows)


def _executemany(connection: Connection, table: Table, rows: Sequence[Row]) -> None:
    names = ", ".join(c.name for c in table.columns)
    marks = ", ".join("?" for _ in table.columns)
    connection.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)


def _copy_postgresql(connection: Connection, table: Table, rows: Sequence[Row]) -> None:
    names = ", ".join(c.name for c in table.columns)
    raw = connection.connection.driver_connection
    assert raw is not None
    statement = f"COPY {table.name} ({names}) FROM STDIN"
    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    except psycopg.IntegrityError as error:  # same exception as the SQLite path raises
        raise exc.IntegrityError(statement, None, error) from None


def drop_constraints(connection: Connection, tables: Sequence[Table]) -> None:
    """Drop secondary indexes and (PostgreSQL) foreign keys of ``tables``, in a transaction.

    On SQLite the caller switches foreign keys off instead (``PRAGMA foreign_keys``).
    """
    for table in tables:
        for index in table.indexes:
            connection.execute(DropIndex(index))
        if connection.dialect.name == "postgresql":
            for constraint in table.foreign_key_constraints:
                connection.execute(DropConstraint(constraint))


def restore_constraints(connection: Connection, tables: Sequence[Table]) -> None:
    """Recreate what ``drop_constraints`` dropped; a violated foreign key fails the load."""
    for table in tables:
        for index in table.indexes:
            connection.execute(CreateIndex(index))
    if connection.dialect.name == "postgresql":
        for table in tables:
            for constraint in table.foreign_key_constraints:
                connection.execute(AddConstraint(constraint))
        return
    violation = connection.exec_driver_sql("PRAGMA foreign_key_check").first()
    if violation is not None:
        table, _, parent, _ = violation
        raise exc.IntegrityError(
            "PRAGMA foreign_key_check",
            None,
            ValueError(f"a row of {table} refers to a missing row of {parent}"),
        )
