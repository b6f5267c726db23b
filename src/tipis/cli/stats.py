"""``tipis stats ...``: indicators, flows, trends, published tables and their exports.

Every table shown or written by default has passed disclosure control (``--raw`` shows the
internal counts, for people entitled to them). Exports carry the rules applied.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.table import Table

from tipis.cli.common import console, fail, open_store
from tipis.stats.disclosure import PrivacyBudgetExceeded, dp_counts, publish
from tipis.stats.export import table_to_json
from tipis.stats.export.csv_export import cell_text, write_csv
from tipis.stats.facts import load_facts
from tipis.stats.flows import Destination, Level, Origin
from tipis.stats.flows import flows as flow_table
from tipis.stats.indicators import BREAKDOWNS, INDICATORS, compute
from tipis.stats.margins import with_totals
from tipis.stats.table import StatTable
from tipis.stats.trends import trend, year_on_year
from tipis.store.privacy import BudgetExhausted, StorePrivacyBudget

app = typer.Typer(
    help="Statistics: indicators, flows, trends; published and exported.", no_args_is_help=True
)

Indicator = Annotated[str, typer.Argument(help=f"One of: {', '.join(INDICATORS)}.")]
By = Annotated[str, typer.Option(help=f"Breakdowns, comma-separated: {', '.join(BREAKDOWNS)}.")]
Area = Annotated[str, typer.Option(help="WLD, an ISO3 country, or an M49 region/sub-region code.")]
First = Annotated[int | None, typer.Option("--from", help="First year.")]
Last = Annotated[int | None, typer.Option("--to", help="Last year.")]
Threshold = Annotated[int, typer.Option(help="Hide counts below this (GLOTIP: 5).")]
Raw = Annotated[bool, typer.Option(help="Internal counts, without disclosure control.")]
ExportFormat = Literal["csv", "xlsx", "sdmx", "json"]


def _years(first: int | None, last: int | None) -> tuple[int, int] | None:
    if first is None and last is None:
        return None
    return (first or 1900, last or 2100)


def _indicator(
    indicator: str, by: str, area: str, first: int | None, last: int | None
) -> StatTable:
    if indicator not in INDICATORS:
        fail(f"no indicator '{indicator}'; choose one of {', '.join(INDICATORS)}")
    breakdowns = tuple(b.strip() for b in by.split(",") if b.strip())
    try:
        return compute(
            load_facts(open_store()), indicator, by=breakdowns, area=area, years=_years(first, last)
        )
    except (KeyError, ValueError) as error:
        fail(str(error).strip("'\""))


def _shown(table: StatTable, raw: bool, threshold: int) -> StatTable:
    return table if raw else _published(table, threshold)


def _published(table: StatTable, threshold: int) -> StatTable:
    """Cells with their margins, through disclosure control: the sums are protected too."""
    breakdowns = [d for d in table.dimensions if d not in ("area", "year")]
    return publish(with_totals(table, breakdowns), threshold=threshold)


def print_table(table: StatTable) -> None:
    title = table.metadata.get("title") or table.indicator
    view = Table(title=str(title), title_justify="left")
    for dimension in table.dimensions:
        view.add_column(dimension)
    view.add_column("value", justify="right")
    for cell in table.cells:
        text = "suppressed" if cell.suppressed else cell_text(cell)
        view.add_row(*cell.key, text)
    console.print(view)
    for key in ("disclosure", "coverage", "notes"):
        if table.metadata.get(key):
            console.print(
                f"{key}: {json.dumps(table.metadata[key], default=str)[:600]}",
                highlight=False,
                markup=False,
                soft_wrap=True,
            )


@app.command()
def indicators(
    indicator: Indicator = "detected_victims",
    by: By = "",
    area: Area = "WLD",
    first: First = None,
    last: Last = None,
    threshold: Threshold = 5,
    raw: Raw = False,
) -> None:
    """One indicator for an area and years, by the breakdowns asked for."""
    print_table(_shown(_indicator(indicator, by, area, first, last), raw, threshold))


@app.command()
def flows(
    origin: Annotated[Origin, typer.Option(help="Citizenship or country of recruitment.")] = (
        "citizenship"
    ),
    destination: Annotated[
        Destination, typer.Option(help="Country of detection or of exploitation.")
    ] = "detection",
    level: Annotated[Level, typer.Option(help="Countries, M49 sub-regions or regions.")] = (
        "country"
    ),
    area: Annotated[str | None, typer.Option(help="Only flows into this area.")] = None,
    first: First = None,
    last: Last = None,
    min_count: Annotated[int, typer.Option(help="Smaller flows are folded (GLOTIP: 5).")] = 5,
) -> None:
    """Origin -> destination flows: domestic, sub-regional, regional or trans-regional."""
    span = _years(first, last)
    try:
        table = flow_table(
            load_facts(open_store()),
            origin=origin,
            destination=destination,
            level=level,
            area=area,
            years=None if span is None else range(span[0], span[1] + 1),
            min_count=min_count,
        )
    except (KeyError, ValueError) as error:
        fail(str(error).strip("'\""))
    print_table(table)


@app.command()
def trends(
    indicator: Indicator = "detected_victims",
    by: By = "",
    area: Area = "WLD",
    first: First = None,
    last: Last = None,
) -> None:
    """Year-on-year and multi-year change, flagged where unlikely to be noise."""
    counts = _indicator(indicator, by, area, first, last)
    for result in (year_on_year(counts), trend(counts)):
        print_table(result)
        for key, change in list(result.metadata.get("changes", {}).items())[:40]:
            console.print(f"  {' / '.join(key)}: {change.flag}", highlight=False)


@app.command("publish")
def publish_command(
    indicator: Indicator = "detected_victims",
    by: By = "sex,age",
    area: Area = "WLD",
    first: First = None,
    last: Last = None,
    threshold: Threshold = 5,
) -> None:
    """The table as it may be published, with the disclosure rules applied."""
    print_table(_published(_indicator(indicator, by, area, first, last), threshold))


@app.command()
def export(
    indicator: Indicator,
    out: Annotated[Path, typer.Option(help="File (csv, xlsx, json) or folder (sdmx).")],
    file_format: Annotated[str, typer.Option("--format", help="csv, xlsx, sdmx or json")] = "csv",
    by: By = "sex,age",
    area: Area = "WLD",
    first: First = None,
    last: Last = None,
    threshold: Threshold = 5,
    hxl: Annotated[bool, typer.Option(help="CSV: add the HXL hashtag row.")] = False,
    lang: Annotated[str, typer.Option(help="Area names: ar, en, es, fr, ru, zh.")] = "en",
    epsilon: Annotated[
        float | None, typer.Option(help="Add differential-privacy noise spending this ε.")
    ] = None,
    dataset: Annotated[str, typer.Option(help="Budget ledger name for --epsilon.")] = "cases",
) -> None:
    """Publish an indicator table (disclosure control, optional DP noise) and write it."""
    table = _indicator(indicator, by, area, first, last)
    if epsilon is not None:
        try:
            table = dp_counts(table, epsilon, StorePrivacyBudget(open_store()), dataset=dataset)
        except (PrivacyBudgetExceeded, BudgetExhausted, ValueError) as error:
            fail(str(error))
    published = _published(table, threshold)
    writers: dict[str, Callable[[], object]] = {
        "csv": lambda: write_csv(published, out, hxl=hxl, lang=lang),
        "xlsx": lambda: _write_xlsx(published, out),
        "sdmx": lambda: _write_sdmx(published, out),
        "json": lambda: out.write_text(
            json.dumps(table_to_json(published), indent=2, ensure_ascii=False, default=str)
        ),
    }
    if file_format not in writers:
        fail(f"unknown format '{file_format}'; choose csv, xlsx, sdmx or json")
    writers[file_format]()
    suppressed = published.metadata.get("disclosure", {}).get("suppressed", 0)
    console.print(f"wrote {out} ({len(published.cells)} cells, {suppressed} suppressed)")


def _write_xlsx(table: StatTable, out: Path) -> None:
    from tipis.stats.export.xlsx import write_glotip_xlsx

    write_glotip_xlsx(table, out)


def _write_sdmx(table: StatTable, out: Path) -> None:
    from tipis.stats.export.sdmx import write_sdmx

    files = write_sdmx(table, out)
    console.print(f"SDMX: {files.structure_xml}, {files.data_xml}, {files.data_csv}")
