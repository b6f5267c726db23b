"""Areas: which countries an area holds, and roll-ups through UN M49 as SQL.

Owns the names statistics use for areas — ``WLD`` for the world, ISO 3166-1 alpha-3 for a
country, the three-digit M49 code for a region or sub-region — and the roll-up from countries to
sub-regions, regions and the world. Counts are intervals, so a roll-up sums the lower bounds
and the upper bounds separately: three ``<5`` cells (1..4 each) add up to 3..12.

The SQL reads the ``areas`` table of ``tipis.stats.facts``. A country with no M49 sub-region
or region (Antarctica) belongs to the world only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from tipis.standard import geography

__all__ = [
    "WORLD",
    "AreaRef",
    "area_members_sql",
    "countries_of",
    "resolve_area",
    "roll_up_sql",
]

WORLD = "WLD"
AreaKind = Literal["world", "region", "subregion", "country"]


@dataclass(frozen=True)
class AreaRef:
    """An area as statistics name it: ``code`` is WLD, an M49 code or an ISO3 code."""

    code: str
    kind: AreaKind
    name: str


def resolve_area(area: str) -> AreaRef:
    """The area named by ``WLD``, an ISO3 code, an M49 code ("150", "39") or an M49 name.

    Raises ``geography.UnknownArea`` for anything else.
    """
    text = area.strip()
    if text.upper() == WORLD:
        return AreaRef(WORLD, "world", "World")
    if len(text) == 3 and text.isalpha() and geography.is_country(text.upper()):
        found = geography.country(text.upper())
        return AreaRef(found.iso3, "country", found.name())
    m49 = geography.area(text)
    if m49.level == "world":
        return AreaRef(WORLD, "world", m49.name())
    return AreaRef(m49.code, m49.level, m49.name())


def countries_of(area: AreaRef) -> tuple[str, ...]:
    """The ISO3 codes of the countries in an area, sorted."""
    if area.kind == "country":
        return (area.code,)
    if area.kind == "world":
        return tuple(c.iso3 for c in geography.countries())
    return tuple(c.iso3 for c in geography.countries_in(geography.area(area.code)))


def area_members_sql() -> str:
    """(iso3, area, kind): each country with itself, its sub-region, its region and WLD."""
    return f"""
        SELECT iso3, iso3 AS area, 'country' AS kind FROM areas
        UNION ALL SELECT iso3, subregion_code, 'subregion' FROM areas
            WHERE subregion_code IS NOT NULL
        UNION ALL SELECT iso3, region_code, 'region' FROM areas WHERE region_code IS NOT NULL
        UNION ALL SELECT iso3, '{WORLD}', 'world' FROM areas"""


def roll_up_sql(cells: str, keys: Sequence[str], area: AreaRef | None = None) -> str:
    """Sum country cells up to one area, or to every area when ``area`` is None.

    Args:
        cells: a table or CTE with ``iso3``, the ``keys`` columns, ``lower`` and ``upper``.
        keys: the columns that identify a cell besides its area (e.g. year, sex, age).
        area: the one area wanted; None gives each country, sub-region, region and the world.
    """
    key_list = "".join(f", c.{key}" for key in keys)
    where = "" if area is None else f"WHERE m.area = '{_checked_code(area.code)}'"
    return f"""
        SELECT m.area{key_list}, sum(c.lower) AS lower, sum(c.upper) AS upper
        FROM {cells} c JOIN ({area_members_sql()}) m ON m.iso3 = c.iso3
        {where}
        GROUP BY m.area{key_list}"""


def _checked_code(code: str) -> str:
    # Codes come from resolve_area; this keeps anything else out of the SQL text.
    if not code.isalnum():
        raise ValueError(f"not an area code: {code!r}")
    return code
