"""What every command shares: settings, the store, and printing problems without secrets."""

from __future__ import annotations

import sys
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from tipis.settings import Settings
from tipis.store.cases import Store
from tipis.store.crypto import SecretKeyError

#: Piped output (scripts, logs, CI) gets whole lines rather than an 80-column fold.
_PIPED_WIDTH = None if sys.stdout.isatty() else 200
console = Console(width=_PIPED_WIDTH)
errors = Console(stderr=True, width=_PIPED_WIDTH)


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
