"""``tipis schema``, ``tipis codes`` and ``tipis country``: the data standard, for people."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from tipis.cli.common import console, fail
from tipis.standard.codes import LANGUAGES, codelist, codelist_names
from tipis.standard.records import json_schemas
from tipis.standard.resolver import resolve_country


def register(app: typer.Typer) -> None:
    app.command()(schema)
    app.command()(codes)
    app.command()(country)


def schema(
    out: Annotated[Path | None, typer.Option(help="Write to this file instead of stdout.")] = None,
) -> None:
    """Export the JSON Schema of the record models (Organisation, Case and all they contain)."""
    text = json.dumps(json_schemas(), indent=2, ensure_ascii=False)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
        console.print(f"wrote {out}")


def codes(
    name: Annotated[str | None, typer.Argument(help="A code list; omit to list them all.")] = None,
    lang: Annotated[str, typer.Option(help=f"Label language: {', '.join(LANGUAGES)}.")] = "en",
) -> None:
    """Show the code lists, or one list's codes with labels in a language."""
    if lang not in LANGUAGES:
        fail(f"unknown language '{lang}'; choose one of {', '.join(LANGUAGES)}")
    if name is None:
        for list_name in codelist_names():
            console.print(f"{list_name}  ({len(codelist(list_name))} codes)")
        return
    if name not in codelist_names():
        fail(f"no code list '{name}'; `tipis codes` lists them")
    table = Table(title=name, title_justify="left")
    table.add_column("code")
    table.add_column(f"label ({lang})")
    for code in codelist(name):
        table.add_row(code.code, code.label(lang))
    console.print(table)


def country(
    texts: Annotated[list[str], typer.Argument(help="Country names, codes or demonyms.")],
) -> None:
    """Resolve what people type ("Rumania", "M�XICO", "Romanian") to ISO 3166 alpha-3."""
    table = Table()
    for column in ("text", "ISO3", "how", "note"):
        table.add_column(column)
    for text in texts:
        found = resolve_country(text)
        note = found.reason or ""
        if found.candidates and not found.resolved:
            note += f" (candidates: {', '.join(found.candidates)})"
        table.add_row(text, found.iso3 or "—", found.method or "", note)
    console.print(table)
