"""What every command shares: settings, the store, and printing problems without secrets."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console
from rich.table import Table

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
    errors.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def problems_table(title: str, problems: list[dict[str, str]]) -> Table:
    table = Table(title=title, title_justify="left")
    for column in ("field", "value", "problem"):
        table.add_column(column, overflow="fold")
    for problem in problems:
        table.add_row(problem["field"], problem["value"], problem["problem"])
    return table
