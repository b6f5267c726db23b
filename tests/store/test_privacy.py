"""Personal fields are unreadable at rest, in dumps and in logs; the key is never shown."""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests import factories
from tipis.store.cases import Store
from tipis.store.crypto import (
    DecryptionError,
    SecretKeyError,
    create_key_file,
    key_from_text,
    load_key_file,
    new_key_text,
)
from tipis.store.engine import make_engine

SECRETS = (factories.SECRET_GIVEN_NAME, factories.SECRET_FAMILY_NAME, factories.SECRET_ID_NUMBER)


def _stocked_with_one_case(store: Store) -> None:
    for organisation in factories.organisations():
        store.add_organisation(organisation)
    store.create_case(factories.case())


def _sql_dump(store: Store) -> str:
    """Every table's every value as text: what a dump would show."""
    if store.engine.dialect.name == "sqlite":
        raw = store.engine.raw_connection()
        try:
            return "\n".join(raw.driver_connection.iterdump())  # type: ignore[union-attr]
        finally:
            raw.close()
    url = store.engine.url
    if shutil.which("pg_dump"):
        schema = url.query["options"].split("=")[-1]
        result = subprocess.run(
            [
                "pg_dump",
                "-h",
                url.host or "127.0.0.1",
                "-p",
                str(url.port or 5432),
                "-U",
                url.username or "postgres",
                "-n",
                schema,
                "--data-only",
                url.database or "",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout
    with store.engine.connect() as connection:
        tables = sa.MetaData()
        tables.reflect(connection)
        return "\n".join(
            str(tuple(row))
            for table in tables.sorted_tables
            for row in connection.execute(sa.select(table))
        )


def test_personal_fields_are_not_in_a_sql_dump(store: Store) -> None:
    _stocked_with_one_case(store)
    dump = _sql_dump(store)
    assert "ATES-2024-0117" in dump  # the dump is real: non-personal values are there
    for secret in SECRETS:
        assert secret not in dump


def test_personal_fields_are_not_in_the_sqlite_file(tmp_path: Path, key: object) -> None:
    store = Store(make_engine(f"sqlite:///{tmp_path / 'tipis.db'}"), key)  # type: ignore[arg-type]
    from tipis.store.migrate import upgrade

    upgrade(store.engine)
    _stocked_with_one_case(store)
    store.engine.dispose()  # checkpoint the WAL into the file
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"ATES-2024-0117" in raw
    for secret in SECRETS:
        assert secret.encode() not in raw
        assert secret.encode("utf-16-le") not in raw


def test_personal_values_never_reach_the_logs(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.DEBUG)  # SQL and parameters
    try:
        _stocked_with_one_case(store)
        for case in store.list_cases():
            store.get_case(case.id, actor="test", purpose="log check")
    finally:
        logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    assert "ATES-2024-0117" in caplog.text  # logging really captured the statements
    for secret in SECRETS:
        assert secret not in caplog.text


def test_another_key_cannot_open_personal_details(store: Store) -> None:
    _stocked_with_one_case(store)
    intruder = Store(store.engine, key_from_text(new_key_text()))
    [summary] = intruder.list_cases()
    with pytest.raises(DecryptionError) as error:
        intruder.get_case(summary.id, actor="intruder")
    for secret in SECRETS:
        assert secret not in str(error.value)


def test_a_sealed_value_moved_to_another_row_does_not_open(key: object) -> None:
    sealed = key.seal(b"secret", b"row-1")  # type: ignore[attr-defined]
    with pytest.raises(DecryptionError):
        key.open(sealed, b"row-2")  # type: ignore[attr-defined]


def test_the_key_file_is_private_and_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "home" / "secret.key"
    create_key_file(path)
    assert path.stat().st_mode & 0o777 == 0o600
    load_key_file(path)
    with pytest.raises(SecretKeyError, match="refusing to replace"):
        create_key_file(path)
    path.chmod(0o644)
    with pytest.raises(SecretKeyError, match="chmod 600"):
        load_key_file(path)


def test_the_key_does_not_show_in_its_repr() -> None:
    text = new_key_text()
    assert text not in repr(key_from_text(text))
    assert "withheld" in repr(key_from_text(text))


def test_a_malformed_key_says_how_to_make_one() -> None:
    with pytest.raises(SecretKeyError, match="tipis init"):
        key_from_text("not base64 at all!!")
    with pytest.raises(SecretKeyError, match="32 bytes"):
        key_from_text("c2hvcnQ=")
