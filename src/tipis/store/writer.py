"""Fast row writing: ``executemany`` on SQLite, ``COPY`` on PostgreSQL.

Both paths run inside the caller's transaction, so a load is all or nothing. Values go through
SQLAlchemy's own bind processors on SQLite, so what is written is what Core would write.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import psycopg
from sqlalchemy import Connection, Table, exc

from tipis.store.rows import Row

Processor = Callable[[Any], Any] | None


def write_rows(connection: Connection, table: Table, rows: Sequence[Row]) -> None:
    """Insert ``rows`` (tuples in the table's column order) into ``table``."""
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        _copy_postgresql(connection, table, rows)
    else:
        _executemany(connection, table, rows)


def _executemany(connection: Connection, table: Table, rows: Sequence[Row]) -> None:
    processors = [c.type.bind_processor(connection.dialect) for c in table.columns]
    names = ", ".join(c.name for c in table.columns)
    marks = ", ".join("?" for _ in table.columns)
    sql = f"INSERT INTO {table.name} ({names}) VALUES ({marks})"
    converted = [_convert(row, processors) for row in rows] if any(processors) else rows
    connection.exec_driver_sql(sql, list(converted))


def _convert(row: Row, processors: Sequence[Processor]) -> Row:
    return tuple(
        value if process is None or value is None else process(value)
        for value, process in zip(row, processors, strict=True)
    )


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
