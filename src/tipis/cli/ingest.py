"""``tipis import ...`` and ``tipis profile ...``: bring agencies' files in, and map them."""

from __future__ import annotations

import csv
import dataclasses
import os
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from typer import _click  # the click that Typer vendors
from typer.core import TyperGroup

from tipis.cli.common import console, fail, open_store
from tipis.ingest.infer import infer_profile
from tipis.ingest.problems import FileProblem
from tipis.ingest.profile import Profile, builtin_profiles, dump_profile, load_profile
from tipis.ingest.run import ImportReport, run_import
from tipis.store.imports import (
    RollbackRefused,
    list_batches,
    list_quarantine,
    quarantined_rows,
    rollback_import,
)

#: Problems printed after an import; the table of reasons counts them all.
SHOWN_PROBLEMS = 20


class _FileOrCommand(TyperGroup):
    """``tipis import FILE`` imports a file; ``tipis import list`` etc. are commands."""

    def parse_args(self, ctx: _click.Context, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["file", *args]
        return super().parse_args(ctx, args)


imports = typer.Typer(
    cls=_FileOrCommand,
    help="Import a file (`tipis import FILE --profile NAME`), list imports, roll one back, "
    "or review quarantined rows.",
    no_args_is_help=True,
)
profiles = typer.Typer(
    help="Mapping profiles: list, show, and draft one from a file.", no_args_is_help=True
)


@imports.command("file", hidden=True)
def import_file(
    path: Annotated[Path, typer.Argument(help="CSV, XLSX, JSON or JSON Lines file.")],
    profile: Annotated[str, typer.Option(help="Built-in profile name or a .yaml path.")],
    dry_run: Annotated[bool, typer.Option(help="Check and count; write nothing.")] = False,
    quarantine: Annotated[
        bool, typer.Option(help="Load good rows; set bad rows aside with their problems.")
    ] = False,
    source: Annotated[
        str | None, typer.Option(help="Name of the source (default: the profile's name).")
    ] = None,
    file_format: Annotated[
        str | None, typer.Option("--format", help="Override the profile: csv, xlsx, json, jsonl.")
    ] = None,
    delimiter: Annotated[str | None, typer.Option(help="Override the CSV delimiter.")] = None,
    encoding: Annotated[str | None, typer.Option(help="Override the encoding.")] = None,
) -> None:
    """Import FILE with a mapping profile. All or nothing unless --quarantine.

    --format, --delimiter and --encoding read a variant of the profile's layout, e.g. a file
    exported from quarantine (UTF-8, comma-separated) for a profile that reads cp1252 with ';'.
    """
    chosen = _with_overrides(
        _profile(profile), format=file_format, delimiter=delimiter, encoding=encoding
    )
    store = open_store()
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,} rows"),
        TimeElapsedColumn(),
    )
    try:
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task(f"importing {path.name}", total=None)
            report = run_import(
                store,
                path,
                chosen,
                source=source,
                dry_run=dry_run,
                quarantine=quarantine,
                actor=os.environ.get("USER", "cli"),
                progress=lambda n: bar.advance(task, n),
            )
    except FileProblem as error:
        fail(str(error.problem))
    except FileNotFoundError:
        fail(f"{path}: no such file")
    _print_report(report)
    if report.refused:
        raise typer.Exit(1)


def _with_overrides(profile: Profile, **overrides: str | None) -> Profile:
    given = {name: value for name, value in overrides.items() if value is not None}
    if not given:
        return profile
    try:
        read = dataclasses.replace(profile.read, **given)  # type: ignore[arg-type]
    except ValueError as error:
        fail(str(error))
    return profile.model_copy(update={"read": read})


def _profile(name: str) -> Profile:
    try:
        return load_profile(name)
    except FileProblem as error:
        fail(str(error.problem))
    except FileNotFoundError:
        fail(f"{name}: no such profile file")


def _print_report(report: ImportReport) -> None:
    title = f"{report.file} with profile {report.profile}"
    if report.dry_run:
        title += " (dry run: nothing written)"
    table = Table(title=title, title_justify="left")
    table.add_column("rows")
    table.add_column("count", justify="right")
    for label, value in report.counts.items():
        table.add_row(label, f"{value:,}")
    console.print(table)
    for note in report.notes:
        console.print(f"  note: {note}", highlight=False, markup=False, soft_wrap=True)
    if report.reasons:
        reasons = Table(title="Problems by reason", title_justify="left")
        reasons.add_column("column: rule", overflow="fold")
        reasons.add_column("rows", justify="right")
        for reason, count in report.reasons.most_common(20):
            reasons.add_row(reason, f"{count:,}")
        console.print(reasons)
        for problem in report.problems[:SHOWN_PROBLEMS]:
            console.print(f"  {problem}", highlight=False, markup=False, soft_wrap=True)
        if len(report.problems) > SHOWN_PROBLEMS:
            console.print(f"  ... and {sum(report.reasons.values()) - SHOWN_PROBLEMS:,} more")
    if report.refused:
        console.print(
            "[bold red]Nothing was written.[/] Fix the rows above, or import with "
            "--quarantine to load the good rows and set these aside."
        )
    elif report.batch_id is not None:
        console.print(
            f"batch {report.batch_id}  (undo with `tipis import rollback {report.batch_id}`)"
        )


@imports.command("list")
def list_imports() -> None:
    """The import batches, newest first."""
    table = Table()
    for column in (
        "batch",
        "when",
        "file",
        "profile",
        "status",
        "created",
        "updated",
        "unchanged",
        "quarantined",
    ):
        table.add_column(column)
    for batch in list_batches(open_store()):
        counts = batch.counts
        table.add_row(
            str(batch.id),
            f"{batch.finished_at:%Y-%m-%d %H:%M}",
            batch.file_name,
            batch.profile,
            batch.status,
            *(f"{counts.get(k, 0):,}" for k in ("created", "updated", "unchanged", "quarantined")),
        )
    console.print(table)


@imports.command("rollback")
def rollback(batch: UUID) -> None:
    """Undo an import batch: remove what it created and restore what it changed."""
    try:
        result = rollback_import(open_store(), batch)
    except RollbackRefused as error:
        fail(str(error))
    console.print(
        f"rolled back {batch}: {result['removed']:,} records removed, "
        f"{result['restored']:,} restored to their previous version"
    )


@imports.command("quarantine")
def show_quarantine(
    batch: Annotated[UUID | None, typer.Option(help="Only this batch's rows.")] = None,
    export: Annotated[
        Path | None,
        typer.Option(help="Write the batch's quarantined rows to this CSV, to fix and re-import."),
    ] = None,
) -> None:
    """Rows set aside by imports, with their problems. Fix them and import again."""
    store = open_store()
    if export is not None:
        if batch is None:
            fail("--export needs --batch: the rows of one import are exported together")
        profile = next((b.profile for b in list_batches(store) if b.id == batch), "PROFILE")
        _export_quarantine(quarantined_rows(store, batch), export, profile)
        return
    rows = list_quarantine(store, batch)
    for row in rows:
        for problem in row.problems:
            value = "" if problem["value"] is None else f", value {problem['value']!r}"
            console.print(
                f"{row.batch_id} row {row.row_number}, column {problem['column']!r}{value}: "
                f"{problem['rule']}. Fix: {problem['fix']}",
                highlight=False,
                markup=False,
                soft_wrap=True,
            )
    console.print(f"{len(rows):,} rows in quarantine")


def _export_quarantine(rows: list[tuple[int, dict[str, Any]]], path: Path, profile: str) -> None:
    columns: dict[str, None] = {}
    for _, values in rows:
        columns.update(dict.fromkeys(values))
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns))
        writer.writeheader()
        for _, values in rows:
            writer.writerow(values)
    console.print(
        f"wrote {len(rows):,} rows to {path}: it holds personal data, keep it safe "
        "and delete it once re-imported"
    )


@profiles.command("list")
def list_profiles() -> None:
    """The built-in mapping profiles."""
    for name, profile in builtin_profiles().items():
        console.print(f"{name}  {profile.title}", highlight=False)


@profiles.command("show")
def show_profile(name: str) -> None:
    """Print a profile as YAML (copy it to start your own)."""
    typer.echo(dump_profile(_profile(name)))


@profiles.command("infer")
def infer(
    path: Annotated[Path, typer.Argument(help="The file to draft a profile for.")],
    out: Annotated[Path | None, typer.Option(help="Write the draft here.")] = None,
    name: Annotated[str | None, typer.Option(help="The profile's name.")] = None,
) -> None:
    """Draft a profile from a file's header and values, for a person to review."""
    try:
        draft = infer_profile(path, name=name)
    except FileProblem as error:
        fail(str(error.problem))
    text = draft.comments + dump_profile(draft.profile)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text, encoding="utf-8")
        console.print(f"wrote {out}: review every field before importing with it")
