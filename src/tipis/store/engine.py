"""Database engines: SQLite (a file in WAL mode, the default) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url


def normalise_url(url: str | URL) -> URL:
    """Use the psycopg 3 driver for plain ``postgresql://`` URLs."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str | URL, **options: Any) -> Engine:
    parsed = normalise_url(url)
    engine = create_engine(parsed, **options)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", _begin_sqlite)
    return engine


def _configure_sqlite(connection: Any, _record: Any) -> None:
    # Take transactions out of the sqlite3 module's hands (it would not begin one before DDL,
    # so a dropped index would outlive a rollback); ``_begin_sqlite`` begins every one.
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers don't block the writer
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable in WAL mode at commit boundaries
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB of pages: random-key indexes stay hot
    cursor.close()


def _begin_sqlite(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


def set_sqlite_bulk_mode(connection: Any, enabled: bool) -> None:
    """Switch SQLite into (or out of) its mode for one very large transaction.

    Foreign keys are then checked once at the end by the caller, and the journal is a
    rollback journal instead of the WAL: the WAL would receive every new page and then copy
    them all into the database again at the checkpoint. Both pragmas only work outside a
    transaction; if another connection holds the database, the journal stays WAL (still safe).
    """
    raw = connection.connection.driver_connection
    raw.execute(f"PRAGMA foreign_keys={'OFF' if enabled else 'ON'}")
    raw.execute(f"PRAGMA journal_mode={'DELETE' if enabled else 'WAL'}")


def describe(url: str | URL) -> str:
    """The URL with any password hidden, for messages."""
    return normalise_url(url).render_as_string(hide_password=True)
