"""``tipis demo-data`` and ``tipis demo``: realistic synthetic data, loaded and summarised."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from tipis.cli.common import console, open_store
from tipis.cli.db import ensure_key_file
from tipis.ingest.profile import load_profile
from tipis.ingest.run import run_import
from tipis.settings import Settings
from tipis.standard.codes import codelist
from tipis.standard.geography import country
from tipis.store.cases import Store
from tipis.store.engine import describe
from tipis.store.summary import StoreSummary, summarise
from tipis.synthetic.bulk import load_synthetic as load_synthetic_cases
from tipis.synthetic.exports import ExportSet, write_agency_exports
from tipis.synthetic.generator import demo_organisations

Cases = Annotated[int, typer.Option(min=0, help="How many synthetic cases to generate.")]
Seed = Annotated[int, typer.Option(help="Same seed, same data.")]
ExportsDir = Annotated[
    Path | None,
    typer.Option(
        help="Where to write the demo agencies' own export files "
        "(default: $TIPIS_HOME/demo-exports)."
    ),
]


def register(app: typer.Typer) -> None:
    app.command("demo-data")(demo_data)
    app.command()(demo)


def demo_data(cases: Cases = 20_000, seed: Seed = 2026, exports: ExportsDir = None) -> None:
    """Generate realistic synthetic cases into the store, and the demo agencies' export files."""
    settings = Settings()
    store = open_store(settings)
    load_synthetic(store, cases, seed)
    folder = exports or settings.home / "demo-exports"
    written = write_agency_exports(folder, seed)
    console.print(f"agency exports in {folder}: " + ", ".join(p.name for p in written.exports))


def demo(cases: Cases = 20_000, seed: Seed = 2026) -> None:
    """Set up a store (key, schema), load synthetic demo data once, and print a summary."""
    settings = Settings()
    if settings.secret_key is None:
        ensure_key_file(settings)
    store = open_store(settings)
    console.print(f"database  {describe(settings.url)}")
    existing = store.count_cases()
    if existing:
        console.print(f"the store already holds {existing:,} cases: showing them, loading nothing")
    else:
        load_synthetic(store, cases, seed)
        written = write_agency_exports(settings.home / "demo-exports", seed)
        import_agency_exports(store, written)
    print_summary(summarise(store.engine))


def import_agency_exports(store: Store, exports: ExportSet) -> None:
    """Import the demo agencies' own files with their profiles, as a data manager would."""
    table = Table(title="Demo agencies' files imported with their profiles", title_justify="left")
    for column in ("file", "profile", "read", "created", "quarantined"):
        table.add_column(column)
    for path, profile in (
        (exports.police_csv, "policia_es"),
        (exports.ngo_xlsx, "ngo_shelter_en"),
        (exports.labour_json, "inspection_travail_fr"),
        (exports.hotline_jsonl, "hotline_es"),
    ):
        report = run_import(store, path, load_profile(profile), quarantine=True, actor="demo")
        table.add_row(
            str(path), profile, f"{report.read:,}", f"{report.created:,}", f"{report.quarantined:,}"
        )
    console.print(table)


def load_synthetic(store: Store, cases: int, seed: int) -> None:
    organisations = demo_organisations(seed)
    known = {o.id for o in store.organisations()}
    for organisation in organisations:
        if organisation.id not in known:
            store.add_organisation(organisation)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("generating and loading cases", total=cases)
        load_synthetic_cases(
            store, cases, seed, organisations, progress=lambda n: progress.advance(task, n)
        )


def print_summary(summary: StoreSummary) -> None:
    totals = Table(title="What the store holds", title_justify="left")
    totals.add_column("records")
    totals.add_column("count", justify="right")
    for label, value in (
        ("organisations", summary.organisations),
        ("cases", summary.cases),
        ("victims", summary.victims),
        ("perpetrators", summary.perpetrators),
        ("route legs", summary.route_legs),
        ("services received", summary.services),
    ):
        totals.add_row(label, f"{value:,}")
    console.print(totals)
    _print_counts(
        "Cases by country of identification", summary.by_country, lambda code: country(code).name()
    )
    _print_counts(
        "Victims by form of exploitation",
        summary.by_form,
        lambda code: codelist("exploitation_form").label(code),
    )
    _print_counts(
        "Victims by gender", summary.by_gender, lambda code: codelist("gender").label(code)
    )
    console.print(
        "[dim]Internal counts, not for publication: published statistics pass "
        "disclosure control.[/]"
    )


def _print_counts(title: str, rows: list[tuple[str, int]], label: Callable[[str], str]) -> None:
    table = Table(title=title, title_justify="left")
    table.add_column("")
    table.add_column("count", justify="right")
    for code, count in rows:
        table.add_row(label(code), f"{count:,}")
    console.print(table)
