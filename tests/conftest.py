"""Shared fixtures: every store test runs on SQLite and on PostgreSQL.

PostgreSQL comes from ``TIPIS_TEST_POSTGRES_URL`` (default: the local server's ``test``
database). Each test session gets its own schema, dropped at the end. Where no server answers,
PostgreSQL tests skip with the reason, unless ``TIPIS_REQUIRE_POSTGRES=1`` (set by ``.ci/run``)
makes that a failure.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from tipis.store.cases import Store
from tipis.store.crypto import SecretKey, key_from_text, new_key_text
from tipis.store.engine import make_engine
from tipis.store.migrate import upgrade

POSTGRES_URL = os.environ.get(
    "TIPIS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@contextmanager
def fresh_schema(label: str) -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a new schema, dropped afterwards."""
    schema = f"{label}_{secrets.token_hex(4)}"
    admin = make_engine(POSTGRES_URL)
    try:
        with admin.begin() as connection:
            connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
        sep = "&" if "?" in POSTGRES_URL else "?"
        yield f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
        with admin.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    finally:
        admin.dispose()


@contextmanager
def separate_database(
    backend: str, request: pytest.FixtureRequest, folder: Path, label: str
) -> Iterator[str]:
    """A database of its own on ``backend``, for module-scoped stores that tests share."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'tipis.db'}"
        return
    request.getfixturevalue("postgres_schema_url")  # skips (or fails) without a server
    with fresh_schema(label) as url:
        yield url


@pytest.fixture(scope="session")
def postgres_schema_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema of this test session."""
    try:
        schemas = fresh_schema("tipis_test")
        url = schemas.__enter__()
    except sa.exc.OperationalError as error:
        reason = f"PostgreSQL not reachable at {POSTGRES_URL}: {error.orig}"
        if os.environ.get("TIPIS_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    yield url
    schemas.__exit__(None, None, None)


@pytest.fixture
def key_text() -> str:
    return new_key_text()


@pytest.fixture
def key(key_text: str) -> SecretKey:
    return key_from_text(key_text)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tipis.db'}"
        return
    url: str = request.getfixturevalue("postgres_schema_url")
    engine = make_engine(url)
    yield url
    with engine.begin() as connection:  # leave the schema empty for the next test
        names = [
            r[0]
            for r in connection.execute(
                sa.text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            )
        ]
        if names:
            connection.execute(sa.text(f"DROP TABLE {', '.join(names)} CASCADE"))
    engine.dispose()


@pytest.fixture
def store(database_url: str, key: SecretKey) -> Iterator[Store]:
    store = Store(make_engine(database_url), key)
    upgrade(store.engine)
    yield store
    store.engine.dispose()
