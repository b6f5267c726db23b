"""XLSX in UNODC's GLOTIP layout, so that a TIPIS table drops in where GLOTIP data goes.

Sheet ``data_glotip_1``: two banner rows (who published it, and when with the source and the
reading of values), then the GLOTIP header and one row per cell, in GLOTIP's wording
(indicator names, ``by form of exploitation``, ``0 to 17 years``, ``18 years or over``).
``txtVALUE`` is text as in GLOTIP: ``<5`` for 1..4, ``lower-upper`` for other intervals.
The layout has no status column: suppressed cells are rows with an empty ``txtVALUE``
(explained in the banner and on the Notes sheet), and missing cells (no data) are left out,
as GLOTIP leaves out what it has no data for. A ``Notes`` sheet carries every table's metadata.

Only what GLOTIP can express is written: dimensions ``area``, ``year``, ``sex``, ``age`` and at
most one of ``form``, ``citizenship``, ``country_of_repatriation``; ``form`` in GLOTIP's three
groups. Anything else is a ``ValueError`` naming it, never a silently different table.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from tipis.standard.aggregates import GLOTIP_DIMENSIONS, GLOTIP_INDICATORS
from tipis.standard.codes import codelist
from tipis.standard.geography import Area, area, countries_in, country, is_country
from tipis.stats.export.csv_export import area_name, cell_state, cell_text, metadata_json, unit_of
from tipis.stats.table import StatTable

__all__ = ["GLOTIP_HEADER", "GLOTIP_SHEET", "glotip_rows", "write_glotip_xlsx"]

GLOTIP_SHEET = "data_glotip_1"
GLOTIP_HEADER: tuple[str, ...] = (
    "Iso3_code",
    "Country",
    "Region",
    "Subregion",
    "Indicator",
    "Dimension",
    "Category",
    "Sex",
    "Age",
    "Year",
    "Unit of measurement",
    "txtVALUE",
    "Source",
)
NOTES_SHEET = "Notes"
SOURCE = "TIPIS"
TOTAL = "Total"

_INDICATOR_WORDING: dict[str, str] = {code: wording for wording, code in GLOTIP_INDICATORS.items()}
_DIMENSION_WORDING: dict[str, str] = {code: wording for wording, code in GLOTIP_DIMENSIONS.items()}
#: Table dimension → GLOTIP dimension code (``tipis.standard.aggregates.Dimension``).
_CATEGORY_DIMENSIONS = {
    "form": "form_of_exploitation",
    "citizenship": "citizenship",
    "country_of_repatriation": "country_of_repatriation",
}
_KNOWN = frozenset({"area", "year", "sex", "age", *_CATEGORY_DIMENSIONS})
_SEXES = frozenset({"Total", "Female", "Male", "Other", "Unknown"})
_READING = (
    "txtVALUE: '<5' is a count of 1 to 4; 'a-b' a count between a and b; "
    "empty: withheld by disclosure control."
)


def glotip_rows(table: StatTable) -> list[tuple[Any, ...]]:
    """The ``data_glotip_1`` rows of one table (missing cells left out), in table order."""
    _check(table)
    indicator = _INDICATOR_WORDING[table.indicator]
    unit = unit_of(table)
    category_dimension = next((d for d in table.dimensions if d in _CATEGORY_DIMENSIONS), None)
    rows: list[tuple[Any, ...]] = []
    for cell in table.cells:
        if cell_state(cell) == "missing":
            continue
        values = dict(zip(table.dimensions, cell.key, strict=True))
        code = values["area"]
        dimension, category = _dimension_category(category_dimension, values)
        rows.append(
            (
                code,
                *_place(code),
                indicator,
                dimension,
                category,
                _sex(values.get("sex", TOTAL)),
                _age(values.get("age", TOTAL)),
                int(values["year"]),
                unit,
                cell_text(cell),
                SOURCE,
            )
        )
    return rows


def write_glotip_xlsx(
    tables: StatTable | Iterable[StatTable],
    path: Path | str,
    *,
    title: str = "Trafficking in Persons Information System (TIPIS)",
    released: date | None = None,
) -> Path:
    """Write tables to one workbook in the GLOTIP layout, with a Notes sheet of their metadata.

    ``released`` is the date in the second banner row (today unless given).
    """
    path = Path(path)
    items = [tables] if isinstance(tables, StatTable) else list(tables)
    rows = [row for table in items for row in glotip_rows(table)]
    when = released or date.today()
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = GLOTIP_SHEET
    sheet.append([SOURCE, title])
    sheet.append(
        [
            when.strftime("%d/%m/%Y"),
            f"Source: {_sources(items)}. {_READING} Metadata: see the {NOTES_SHEET} sheet.",
        ]
    )
    sheet.append(list(GLOTIP_HEADER))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    sheet.freeze_panes = "A4"
    _notes(book.create_sheet(NOTES_SHEET), items, when)
    book.save(path)
    return path


def _check(table: StatTable) -> None:
    if table.indicator not in _INDICATOR_WORDING:
        raise ValueError(f"GLOTIP has no indicator {table.indicator!r}")
    unknown = [d for d in table.dimensions if d not in _KNOWN]
    if unknown:
        raise ValueError(f"the GLOTIP layout cannot express dimension(s) {', '.join(unknown)}")
    categories = [d for d in table.dimensions if d in _CATEGORY_DIMENSIONS]
    if len(categories) > 1:
        raise ValueError(f"GLOTIP has one category dimension per row, not {categories}")
    for needed in ("area", "year"):
        if needed not in table.dimensions:
            raise ValueError(f"a GLOTIP row needs a {needed!r} dimension")


def _dimension_category(dimension: str | None, values: dict[str, str]) -> tuple[str, str]:
    if dimension is None:
        return TOTAL, TOTAL
    value = values[dimension]
    if value == TOTAL:
        return TOTAL, TOTAL
    wording = _DIMENSION_WORDING[_CATEGORY_DIMENSIONS[dimension]]
    if dimension == "form":
        return wording, _form(value)
    return wording, area_name(value, "en") or value


def _place(code: str) -> tuple[str, str, str]:
    """Country (or area) name, region and sub-region, in English as GLOTIP writes them."""
    if is_country(code):
        found = country(code)
        region = found.region.name("en") if found.region else ""
        subregion = found.subregion.name("en") if found.subregion else ""
        return found.name("en"), region, subregion
    name = area_name(code, "en")
    if not name:
        raise ValueError(f"{code!r} is neither an ISO3 country nor an M49 area")
    where = area("001" if code == "WLD" else code)
    if where.level == "region":
        return name, name, ""
    if where.level == "subregion":
        return name, _region_of(where), name
    return name, "", ""


def _region_of(subregion: Area) -> str:
    members = countries_in(subregion)
    region = members[0].region if members else None
    return region.name("en") if region else ""


def _sex(value: str) -> str:
    if value not in _SEXES:
        raise ValueError(f"GLOTIP has no sex {value!r}")
    return value


def _age(value: str) -> str:
    if value == TOTAL:
        return TOTAL
    wording = codelist("glotip_age_group").attr(value, "glotip")
    if wording is None:
        raise ValueError(f"GLOTIP has no age group {value!r}")
    return wording


def _form(value: str) -> str:
    groups = codelist("glotip_form_group")
    if value not in groups:
        raise ValueError(f"GLOTIP groups forms as {', '.join(groups.codes)}, not {value!r}")
    return groups.attr(value, "glotip") or groups.label(value, "en")


def _sources(tables: Sequence[StatTable]) -> str:
    found: list[str] = []
    for table in tables:
        sources = table.metadata.get("sources") or []
        for source in [sources] if isinstance(sources, str) else sources:
            text = source if isinstance(source, str) else json.dumps(source, default=str)
            if text not in found:
                found.append(text)
    return "; ".join(found) or SOURCE


def _notes(sheet: Any, tables: Sequence[StatTable], released: date) -> None:
    sheet.append(["Table", "Key", "Value"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(["", "released", released.isoformat()])
    sheet.append(["", "txtVALUE", _READING])
    for number, table in enumerate(tables, start=1):
        suppressed = sum(1 for cell in table.cells if cell.suppressed)
        sheet.append([number, "dimensions", ", ".join(table.dimensions)])
        sheet.append([number, "suppressed cells", suppressed])
        for key, value in metadata_json(table).items():
            text = value if isinstance(value, str | int | float) else _text(value)
            sheet.append([number, key, text])
    sheet.column_dimensions["B"].width = 20
    sheet.column_dimensions["C"].width = 100


def _text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
