"""What every command shares: settings, the store, and printing problems without secrets."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from tipis.settings import Settings
from tipis.store.cases import Store
from tipis.store.crypto import SecretKeyError

console = Console()
errors = Console(stderr=True)


def open_store(settings: Settings | None = None) -> Store:
    settings = settings or Settings()
    try:
        key = settings.load_key()
    except SecretKeyError as error:
        fail(str(error))
    return Store.open(settings.url, key)


def fail(message: str, code: int = 1) -> NoReturn:
    errors.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)
