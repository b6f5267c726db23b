"""Every published table leaves TIPIS through here: CSV (with HXL), GLOTIP XLSX, SDMX, JSON.

- ``write_csv(table, path, hxl=False, lang="en")``: tidy CSV, one row per cell, metadata
  beside it in ``<file>.csv-metadata.json`` (``csv_export``);
- ``write_glotip_xlsx(tables, path)``: UNODC's GLOTIP layout, sheet ``data_glotip_1``, with a
  Notes sheet of metadata (``xlsx``);
- ``write_sdmx(table, folder)``: SDMX-ML 2.1 structure and data, and SDMX-CSV (``sdmx``);
- ``table_to_json(table)``: the dict the API returns.

The rules are the same in every format: suppressed cells are never written with a value, bound
or rule (primary or secondary: only "suppressed"); intervals are written as intervals (``<5``
for 1..4, else ``lower-upper``, with explicit bounds); the table's metadata goes with the data.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from tipis.stats.export.csv_export import (
    area_name,
    cell_bounds,
    cell_state,
    cell_text,
    metadata_json,
    write_csv,
)
from tipis.stats.table import StatTable

if TYPE_CHECKING:
    from tipis.stats.export.sdmx import SdmxFiles, sdmx_messages, write_sdmx
    from tipis.stats.export.xlsx import write_glotip_xlsx

__all__ = [
    "SdmxFiles",
    "area_name",
    "cell_state",
    "cell_text",
    "sdmx_messages",
    "table_to_json",
    "write_csv",
    "write_glotip_xlsx",
    "write_sdmx",
]

#: Imported on first use: sdmx1 brings pandas, which the API's JSON path does not need.
_LAZY = {
    "SdmxFiles": "sdmx",
    "sdmx_messages": "sdmx",
    "write_sdmx": "sdmx",
    "write_glotip_xlsx": "xlsx",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)


def table_to_json(table: StatTable) -> dict[str, Any]:
    """The table as JSON-ready data for the API.

    ``{"indicator", "dimensions", "metadata", "cells": [...]}``; each cell is
    ``{"key": {dimension: value}, "value", "lower", "upper", "text", "status"}`` where
    ``status`` is ``exact``, ``interval``, ``suppressed`` or ``missing``; ``value`` is the
    count of an exact cell and null otherwise; ``lower``/``upper`` are the published interval
    (null where suppressed or missing); ``text`` is the value as GLOTIP writes it (``12``,
    ``<5``, ``7-12``, or empty).
    """
    cells = []
    for cell in table.cells:
        bounds = cell_bounds(cell)
        state = cell_state(cell)
        cells.append(
            {
                "key": dict(zip(table.dimensions, cell.key, strict=True)),
                "value": cell.lower if state == "exact" else None,
                "lower": None if bounds is None else bounds[0],
                "upper": None if bounds is None else bounds[1],
                "text": cell_text(cell),
                "status": state,
            }
        )
    return {
        "indicator": table.indicator,
        "dimensions": list(table.dimensions),
        "metadata": metadata_json(table),
        "cells": cells,
    }
