"""``tipis cases ...``: add, show, update, list and count cases from the command line."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer
from rich.table import Table

from tipis.cli.common import console, fail, open_store
from tipis.standard.records import Case, RecordError, validate_case
from tipis.store.cases import CaseFilter, Conflict, NotFound

app = typer.Typer(help="Add, show, update and list cases.", no_args_is_help=True)

CaseFile = Annotated[Path, typer.Argument(help="A case as JSON (see `tipis schema`).")]


def _read_case_file(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        fail(f"{path}: no such file")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        fail(
            f"{path}: not valid UTF-8 JSON ({type(error).__name__} at {_where(error)}); "
            "save the file as UTF-8 JSON"
        )
    if not isinstance(data, dict):
        fail(f"{path}: expected one case as a JSON object, found {type(data).__name__}")
    return data


def _where(error: Exception) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"line {error.lineno}, column {error.colno}"
    return "an undecodable byte"


def _validated(path: Path) -> Case:
    try:
        return validate_case(_read_case_file(path), source=str(path))
    except RecordError as error:
        fail(f"{error}\nNot saved: nothing was written. Fix the fields above and run again.")


@app.command()
def add(path: CaseFile) -> None:
    """Validate a case from a JSON file and save it (nothing is written if any field is wrong)."""
    case = _validated(path)
    try:
        case_id = open_store().create_case(case)
    except Conflict as error:
        fail(str(error))
    console.print(f"saved case {case_id}")


@app.command("update")
def update_case(
    path: CaseFile,
    expected_version: Annotated[
        int | None, typer.Option(help="Refuse if the stored case is no longer at this version.")
    ] = None,
) -> None:
    """Replace a stored case with the content of a JSON file (same id)."""
    case = _validated(path)
    try:
        version = open_store().update_case(case, expected_version)
    except (NotFound, Conflict) as error:
        fail(str(error))
    console.print(f"updated case {case.id} to version {version}")


@app.command()
def show(
    case_id: UUID,
    personal: Annotated[
        bool, typer.Option("--personal", help="Open personal details (the read is logged).")
    ] = False,
    purpose: Annotated[str | None, typer.Option(help="Why you open personal details.")] = None,
    actor: Annotated[str, typer.Option(envvar="USER", help="Who is reading.")] = "cli",
) -> None:
    """Print one case as JSON; personal details only with --personal and a --purpose."""
    if personal and not purpose:
        fail("say why you open personal details: --purpose '...'")
    try:
        case = open_store().get_case(case_id, actor=actor, purpose=purpose, personal=personal)
    except NotFound as error:
        fail(str(error))
    typer.echo(case.model_dump_json(indent=2, exclude_none=True))


def _filter(
    organisation: UUID | None,
    country: str | None,
    status: str | None,
    opened_from: date | None,
    opened_to: date | None,
) -> CaseFilter:
    return CaseFilter(
        organisation_id=organisation,
        country=country.upper() if country else None,
        status=status,
        opened_from=opened_from,
        opened_to=opened_to,
    )


Organisation = Annotated[UUID | None, typer.Option(help="Only this organisation's cases.")]
Country = Annotated[str | None, typer.Option(help="Country of identification (ISO3).")]
Status = Annotated[str | None, typer.Option(help="Case status code, e.g. Active.")]


@app.command("list")
def list_cases(
    organisation: Organisation = None,
    country: Country = None,
    status: Status = None,
    opened_from: Annotated[
        str | None, typer.Option("--from", help="Opened on or after (YYYY-MM-DD).")
    ] = None,
    opened_to: Annotated[
        str | None, typer.Option("--to", help="Opened on or before (YYYY-MM-DD).")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 20,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """List cases, newest first, without personal data."""
    where = _filter(organisation, country, status, _date(opened_from), _date(opened_to))
    store = open_store()
    rows = store.list_cases(where, limit=limit, offset=offset)
    if as_json:
        for row in rows:
            typer.echo(json.dumps(asdict(row), default=str))
        return
    table = Table(title=f"{store.count_cases(where)} cases", title_justify="left")
    for column in ("id", "reference", "opened", "country", "status", "victims", "version"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            str(row.id),
            row.reference or "",
            str(row.opened_on),
            row.country_of_identification,
            row.status,
            str(row.victim_count),
            str(row.version),
        )
    console.print(table)


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"'{text}' is not a date; write it as YYYY-MM-DD, e.g. 2024-03-31")
