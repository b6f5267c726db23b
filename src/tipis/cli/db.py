"""``tipis init``: create the key file (unless a key is configured) and the database schema."""

from __future__ import annotations

import typer

from tipis.cli.common import console, fail, open_store
from tipis.settings import Settings
from tipis.store.crypto import SecretKeyError, create_key_file
from tipis.store.engine import describe
from tipis.store.migrate import current_revision


def register(app: typer.Typer) -> None:
    app.command()(init)


def init() -> None:
    """Create the secret key file (mode 0600) and bring the database schema up to date.

    Safe to run again: an existing key is kept, and migrations only apply what is missing.
    """
    settings = Settings()
    if settings.secret_key is None:
        ensure_key_file(settings)
    store = open_store(settings)
    console.print(f"database  {describe(settings.url)}  (schema {current_revision(store.engine)})")


def ensure_key_file(settings: Settings) -> None:
    path = settings.key_file
    if path.exists():
        console.print(f"key file  {path}  (kept)")
        return
    try:
        create_key_file(path)
    except SecretKeyError as error:
        fail(str(error))
    console.print(
        f"key file  {path}  (created, mode 0600: back it up; without it personal "
        "fields cannot be read)"
    )
