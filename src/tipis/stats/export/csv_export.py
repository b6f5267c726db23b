"""Tidy CSV, optionally with an HXL hashtag row, and the conventions every export shares.

One row per cell of the table: the indicator, one column per dimension (with the area's name
in the chosen language beside each area-like code), then ``value``, ``value_lower``,
``value_upper``, ``status`` and ``unit``.

How a cell is written, in every format (``cell_text``, ``cell_state``):

- exact count: the number; ``status`` ``exact``;
- interval ``lower < upper``: GLOTIP's ``<5`` where the interval is 1..4, else
  ``lower-upper``; ``status`` ``interval``; the bounds in ``value_lower``/``value_upper``;
- suppressed (primary or secondary alike, so that the flag does not point at the small
  cells): empty value and empty bounds; ``status`` ``suppressed``;
- missing (no data, which is not zero): empty value; ``status`` ``missing``.

The table's ``metadata`` does not go into the CSV (a ``#`` comment block breaks CSV readers,
and per-row attribute columns cannot carry nested rules such as ``disclosure``): it is written
beside it as ``<file>.csv-metadata.json``, the name CSV on the Web (W3C CSVW) looks for, a CSVW
table description whose ``notes`` hold the metadata unchanged.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from tipis.standard.geography import area, country, is_country
from tipis.stats.table import Cell, StatTable

__all__ = [
    "AREA_DIMENSIONS",
    "CellState",
    "area_name",
    "cell_state",
    "cell_text",
    "hxl_tags",
    "metadata_json",
    "tidy_columns",
    "write_csv",
]

CellState = Literal["exact", "interval", "suppressed", "missing"]

#: Dimensions whose values are areas: ISO3 countries, M49 area codes, or ``WLD``.
AREA_DIMENSIONS: frozenset[str] = frozenset({"area", "citizenship", "origin", "destination"})
#: GLOTIP publishes counts of 1 to 4 as ``<5``.
_BELOW_FIVE = (1, 4)
_WORLD = "WLD"
_WORLD_M49 = "001"

# HXL 1.1 (hxlstandard.org): core hashtags and attributes where they exist; the tidy layout has
# one row per sex and age, so sex and age are columns of their own (extension hashtags ``#x_``),
# not the +f/+m/+children attributes that a wide table would put on a value column.
_HXL_DIMENSIONS: dict[str, str] = {
    "year": "#date+year",
    "sex": "#x_sex+code",
    "age": "#x_age+code",
    "form": "#x_exploitation+code",
    "flow_type": "#x_flow+type",
}
_HXL_AREAS: dict[str, str] = {
    "citizenship": "+nationality",
    "origin": "+origin",
    "destination": "+dest",
}


def cell_state(cell: Cell) -> CellState:
    """What an export may say about a cell: never which suppression rule hid it."""
    if cell.suppressed:
        return "suppressed"
    if cell.status == "missing":
        return "missing"
    return "exact" if cell.exact else "interval"


def cell_text(cell: Cell) -> str:
    """The value as text: ``12``, ``<5`` (1..4), ``7-12``; empty where withheld or missing."""
    state = cell_state(cell)
    if state in ("suppressed", "missing"):
        return ""
    if state == "exact":
        return str(cell.lower)
    if (cell.lower, cell.upper) == _BELOW_FIVE:
        return "<5"
    return f"{cell.lower}-{cell.upper}"


def cell_bounds(cell: Cell) -> tuple[int, int] | None:
    """The interval an export may show, or None where the cell is withheld or missing."""
    if cell_state(cell) in ("suppressed", "missing"):
        return None
    return cell.lower, cell.upper


def area_name(code: str, lang: str = "en") -> str:
    """The name of an ISO3 country, an M49 area (``"002"``) or ``WLD``; empty if none."""
    if is_country(code):
        return country(code).name(lang)
    if code == _WORLD:
        return area(_WORLD_M49).name(lang)
    if code.isdigit():
        try:
            return area(code).name(lang)
        except ValueError:
            return ""
    return ""


def tidy_columns(table: StatTable) -> list[str]:
    """The CSV header: indicator, dimensions (area-like ones followed by ``<dim>_name``), value."""
    columns = ["indicator"]
    for dimension in table.dimensions:
        columns.append(dimension)
        if dimension in AREA_DIMENSIONS:
            columns.append(f"{dimension}_name")
    return [*columns, "value", "value_lower", "value_upper", "status", "unit"]


def hxl_tags(table: StatTable, lang: str = "en") -> list[str]:
    """The HXL hashtag row that goes under ``tidy_columns(table)``."""
    tags = ["#indicator+code"]
    for dimension in table.dimensions:
        if dimension in AREA_DIMENSIONS:
            base = _area_hashtag(table, dimension) + _HXL_AREAS.get(dimension, "")
            tags += [f"{base}+code", f"{base}+name+i_{lang}"]
        else:
            tags.append(_HXL_DIMENSIONS.get(dimension, f"#x_{_hxl_word(dimension)}+code"))
    return [
        *tags,
        "#indicator+value",  # text: may be "<5" or "7-12"
        "#indicator+value+num+min",
        "#indicator+value+num+max",
        "#meta+status",
        "#indicator+unit",
    ]


def metadata_json(table: StatTable) -> dict[str, Any]:
    """The table's metadata as JSON-ready data (sets become sorted lists, dates text)."""
    converted = json.loads(json.dumps(table.metadata, default=_jsonable, ensure_ascii=False))
    result: dict[str, Any] = {"indicator": table.indicator, **converted}
    result.setdefault("unit", unit_of(table))
    return result


def unit_of(table: StatTable) -> str:
    """The unit of measurement: ``metadata["unit"]``, else GLOTIP's ``Counts``."""
    return str(table.metadata.get("unit") or "Counts")


def write_csv(table: StatTable, path: Path | str, *, hxl: bool = False, lang: str = "en") -> Path:
    """Write ``table`` as tidy CSV (UTF-8) and its metadata beside it; returns the CSV's path.

    ``hxl`` adds the HXL hashtag row under the header; ``lang`` (one of the six UN languages)
    chooses the language of area names. The metadata goes to ``<path>-metadata.json``.
    """
    path = Path(path)
    area_name("WLD", lang)  # fail early on an unknown language
    unit = unit_of(table)
    names: dict[str, str] = {}
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(tidy_columns(table))
        if hxl:
            writer.writerow(hxl_tags(table, lang))
        for cell in table.cells:
            row = [table.indicator]
            for dimension, value in zip(table.dimensions, cell.key, strict=True):
                row.append(value)
                if dimension in AREA_DIMENSIONS:
                    if value not in names:
                        names[value] = area_name(value, lang)
                    row.append(names[value])
            bounds = cell_bounds(cell)
            lower, upper = ("", "") if bounds is None else (str(bounds[0]), str(bounds[1]))
            row += [cell_text(cell), lower, upper, cell_state(cell), unit]
            writer.writerow(row)
    sidecar = path.with_name(path.name + "-metadata.json")
    sidecar.write_text(
        json.dumps(_csvw(table, path.name, hxl), ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8",
    )
    return path


def _csvw(table: StatTable, filename: str, hxl: bool) -> dict[str, Any]:
    metadata = metadata_json(table)
    columns: list[dict[str, Any]] = []
    for column in tidy_columns(table):
        entry: dict[str, Any] = {"name": column, "titles": column, "datatype": "string"}
        if column in ("value_lower", "value_upper"):
            entry["datatype"] = "integer"
        if column in ("value", "value_lower", "value_upper"):
            entry["null"] = ""
        columns.append(entry)
    return {
        "@context": "http://www.w3.org/ns/csvw",
        "url": filename,
        "dc:title": str(metadata.get("title") or table.indicator),
        "dialect": {"encoding": "utf-8", "headerRowCount": 2 if hxl else 1},
        "tableSchema": {
            "columns": columns,
            "primaryKey": ["indicator", *table.dimensions],
        },
        "notes": [
            {
                "type": "tipis:metadata",
                "description": (
                    "value: the count, '<5' for 1 to 4, 'lower-upper' for other intervals; "
                    "empty where status is 'suppressed' (withheld by disclosure control) or "
                    "'missing' (no data: not zero)"
                ),
                "metadata": metadata,
            }
        ],
    }


def _area_hashtag(table: StatTable, dimension: str) -> str:
    codes = table.values(dimension)
    if codes and all(is_country(code) for code in codes):
        return "#country"
    if codes and all(code == _WORLD or code.isdigit() for code in codes):
        return "#region"
    return "#loc"


def _hxl_word(dimension: str) -> str:
    return "".join(ch for ch in dimension.lower() if ch.isalnum()) or "dimension"


def _jsonable(value: object) -> Any:
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, Mapping):
        return dict(value)
    return str(value)
