"""The shape every statistic takes: a table of cells, each an interval with a status.

A cell's value is ``lower..upper``: equal for an exact count, apart where it sums published
``<5`` counts (1..4 each). Suppressed cells keep their value internally for checks but are
never written by exports. ``metadata`` says what the table is and which rules were applied.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

CellStatus = Literal["exact", "interval", "suppressed_primary", "suppressed_secondary", "missing"]
SUPPRESSED: frozenset[str] = frozenset({"suppressed_primary", "suppressed_secondary"})


@dataclass(frozen=True)
class Cell:
    """One value of a table: ``key`` holds one value per dimension of the table."""

    key: tuple[str, ...]
    lower: int
    upper: int
    status: CellStatus = "exact"

    @property
    def exact(self) -> bool:
        return self.lower == self.upper

    @property
    def suppressed(self) -> bool:
        return self.status in SUPPRESSED

    def with_status(self, status: CellStatus) -> Cell:
        return replace(self, status=status)


@dataclass
class StatTable:
    """Cells of one indicator over named dimensions, e.g. ("area", "year", "sex", "age").

    ``metadata`` keys used across TIPIS: ``indicator``, ``title``, ``unit``, ``sources``,
    ``coverage`` (areas and years with no data: not zero), ``disclosure`` (the rules applied,
    e.g. ``{"threshold": 5, "secondary": "...", "suppressed": 12}``), ``notes``.
    """

    indicator: str
    dimensions: tuple[str, ...]
    cells: list[Cell]
    metadata: dict[str, Any] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Cell]:
        return iter(self.cells)

    def cell(self, *key: str) -> Cell | None:
        for cell in self.cells:
            if cell.key == key:
                return cell
        return None

    def values(self, dimension: str) -> list[str]:
        """The distinct values of one dimension, in first-seen order."""
        index = self.dimensions.index(dimension)
        return list(dict.fromkeys(cell.key[index] for cell in self.cells))

    def published(self) -> list[Cell]:
        """The cells an export may show (suppressed ones are withheld)."""
        return [cell for cell in self.cells if not cell.suppressed]

    def with_cells(self, cells: Sequence[Cell], **metadata: Any) -> StatTable:
        return StatTable(self.indicator, self.dimensions, list(cells), self.metadata | metadata)
