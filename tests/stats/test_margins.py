"""Margins add up cell by cell, intervals end by end, and make secondary suppression bite."""

from __future__ import annotations

from tipis.stats.disclosure import publish
from tipis.stats.margins import with_totals
from tipis.stats.table import Cell, StatTable


def _table() -> StatTable:
    cells = [
        Cell(("ESP", "2024", "Female", "0-17"), 3, 3),
        Cell(("ESP", "2024", "Female", "18+"), 40, 40),
        Cell(("ESP", "2024", "Male", "0-17"), 1, 4, "interval"),
        Cell(("ESP", "2024", "Male", "18+"), 25, 25),
    ]
    return StatTable("detected_victims", ("area", "year", "sex", "age"), cells)


def test_totals_over_each_combination() -> None:
    table = with_totals(_table(), ("sex", "age"))
    assert table.cell("ESP", "2024", "Total", "Total") == Cell(
        ("ESP", "2024", "Total", "Total"), 69, 72, "interval"
    )
    assert table.cell("ESP", "2024", "Female", "Total") == Cell(
        ("ESP", "2024", "Female", "Total"), 43, 43, "exact"
    )
    assert table.cell("ESP", "2024", "Total", "0-17") == Cell(
        ("ESP", "2024", "Total", "0-17"), 4, 7, "interval"
    )
    assert len(table.cells) == 4 + 2 + 2 + 1


def test_published_with_margins_hides_more_than_the_small_cells() -> None:
    published = publish(with_totals(_table(), ("sex", "age")))
    hidden = {cell.key for cell in published.cells if cell.suppressed}
    assert ("ESP", "2024", "Female", "0-17") in hidden
    assert len(hidden) > 2  # secondary suppression: the margins would give the small cells away
