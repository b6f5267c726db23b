"""Totals ("margins") of a table, so tables are published with the sums people compare.

A table by sex and age gets "Total" rows for each sex, each age and both: the cells an
attacker would subtract from. Publishing cells and margins together lets disclosure control
protect the small cells against exactly those sums.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from itertools import combinations

from tipis.stats.table import Cell, StatTable

TOTAL = "Total"


def with_totals(table: StatTable, dimensions: Sequence[str]) -> StatTable:
    """``table`` plus "Total" cells over every combination of ``dimensions``.

    Intervals add up end by end; a sum over any interval cell is itself an interval.
    """
    indexes = [table.dimensions.index(d) for d in dimensions]
    sums: dict[tuple[str, ...], tuple[int, int, bool]] = defaultdict(lambda: (0, 0, True))
    for cell in table.cells:
        if cell.status == "missing" or any(cell.key[i] == TOTAL for i in indexes):
            continue
        for size in range(1, len(indexes) + 1):
            for chosen in combinations(indexes, size):
                key = tuple(TOTAL if i in chosen else v for i, v in enumerate(cell.key))
                lower, upper, exact = sums[key]
                sums[key] = (lower + cell.lower, upper + cell.upper, exact and cell.exact)
    existing = {cell.key for cell in table.cells}
    totals = [
        Cell(key, lower, upper, "exact" if exact else "interval")
        for key, (lower, upper, exact) in sums.items()
        if key not in existing
    ]
    return table.with_cells([*table.cells, *totals], margins=list(dimensions))
