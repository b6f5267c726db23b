"""Trafficking flows and routes, counted the way UNODC's Global Report counts them.

Owns origin → destination flows of detected victims (origin: citizenship, or the country of
recruitment; destination: the country of detection, or of exploitation), their GLOTIP class
(domestic, sub-regional, regional, transregional: the rule of ``standard.geography.flow_type``,
rendered here as SQL over the ``areas`` table), roll-ups to UN M49 sub-regions and regions, the
Global Report's rule that a flow of fewer than 5 detected victims is not shown on its own, top-n
lists, shares by area of origin and by flow type, and routes through transit countries.

Reads the DuckDB facts of ``tipis.stats.facts.load_facts`` (tables ``victims``, ``route_legs``,
``areas``); every result is a ``StatTable``. Keys hold ISO3 codes at country level and M49 codes
(``"155"``) at sub-region and region level, plus the lower-case labels below, which no code uses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import duckdb

from tipis.stats.areas import WORLD, resolve_area
from tipis.stats.table import Cell, StatTable

__all__ = [
    "DIRECT",
    "FLOW_TYPES",
    "OTHER",
    "UNKNOWN",
    "Destination",
    "FlowSpec",
    "Level",
    "Origin",
    "flow_counts_sql",
    "flow_spec",
    "flow_type_shares",
    "flow_type_sql",
    "flows",
    "fold_small",
    "origin_shares",
    "route_counts_sql",
    "routes",
    "shares_within",
    "top",
    "victim_flows_sql",
]

Origin = Literal["citizenship", "recruitment"]
Destination = Literal["detection", "exploitation"]
Level = Literal["country", "subregion", "region"]

OTHER = "other"  # flows folded together because each had fewer than ``min_count`` victims
UNKNOWN = "unknown"  # origin or destination not recorded; such victims are counted, not classed
DIRECT = "direct"  # a route with no transit country
FLOW_TYPES: tuple[str, ...] = ("domestic", "subregional", "regional", "transregional", UNKNOWN)

_ORIGIN_COLUMN: dict[Origin, str] = {
    "citizenship": "citizenship",
    "recruitment": "recruitment_country",
}
_DESTINATION_COLUMN: dict[Destination, str] = {
    "detection": "country",
    "exploitation": "exploitation_country",
}
_AREA_COLUMN: dict[Level, str | None] = {
    "country": None,
    "subregion": "subregion_code",
    "region": "region_code",
}
_TYPE_ORDER = {name: index for index, name in enumerate(FLOW_TYPES)}

FlowRow = tuple[tuple[str, ...], int]


@dataclass(frozen=True)
class FlowSpec:
    """Which flows to count: the choice of origin, destination, level and filters.

    Args:
        origin: the victim's citizenship (the Global Report's choice) or country of recruitment.
        destination: the country of detection (the Global Report's) or of exploitation.
        level: count between countries, M49 sub-regions or M49 regions.
        origin_level: a different level for origins (e.g. shares by region of origin for each
            country of detection); ``None``: the same as ``level``.
        area: only flows whose destination lies in this country (ISO3) or M49 area (code).
        years: only victims detected in these years.
    """

    origin: Origin = "citizenship"
    destination: Destination = "detection"
    level: Level = "country"
    origin_level: Level | None = None
    area: str | None = None
    years: tuple[int, ...] | None = None

    @property
    def origin_column(self) -> str:
        return _ORIGIN_COLUMN[self.origin]

    @property
    def destination_column(self) -> str:
        return _DESTINATION_COLUMN[self.destination]

    def metadata(self) -> dict[str, object]:
        return {
            "origin": self.origin,
            "destination": self.destination,
            "level": self.level,
            "origin_level": self.origin_level or self.level,
            "area": self.area,
            "years": list(self.years) if self.years is not None else None,
        }


def flow_spec(
    *,
    origin: Origin = "citizenship",
    destination: Destination = "detection",
    level: Level = "country",
    origin_level: Level | None = None,
    area: str | None = None,
    years: Iterable[int] | None = None,
) -> FlowSpec:
    """A ``FlowSpec`` with its area resolved (``WLD``, ISO3, M49 code or name: see
    ``areas.resolve_area``) and its years sorted."""
    return FlowSpec(
        origin=origin,
        destination=destination,
        level=level,
        origin_level=origin_level,
        area=_area_code(area) if area is not None else None,
        years=tuple(sorted({int(year) for year in years})) if years is not None else None,
    )


def _area_code(code: str) -> str | None:
    """ISO3 or M49 code of an area; ``None`` for the world (no filter)."""
    found = resolve_area(code)  # raises UnknownArea for anything else
    return None if found.code == WORLD else found.code


# -- SQL ------------------------------------------------------------------------------------


def _area_sql(alias: str, column: str, level: Level) -> str:
    """The country in ``column`` at ``level``; a country with no M49 area (Antarctica) stands
    for itself, and a missing country is ``'unknown'``."""
    area_column = _AREA_COLUMN[level]
    place = column if area_column is None else f"{alias}.{area_column}, {column}"
    return f"coalesce({place}, '{UNKNOWN}')"


def flow_type_sql(origin: str, destination: str) -> str:
    """GLOTIP's flow class of two country columns joined to ``areas`` as ``ao`` and ``ad``."""
    return (
        f"CASE WHEN {origin} IS NULL OR {destination} IS NULL THEN '{UNKNOWN}'"
        f" WHEN {origin} = {destination} THEN 'domestic'"
        " WHEN ao.subregion_code = ad.subregion_code THEN 'subregional'"
        " WHEN ao.region_code = ad.region_code THEN 'regional'"
        " ELSE 'transregional' END"
    )


def _filters_sql(spec: FlowSpec) -> str:
    filters = ["TRUE"]
    if spec.years is not None:
        years = ", ".join(str(int(year)) for year in spec.years) or "NULL"
        filters.append(f"v.year IN ({years})")
    if spec.area is not None:  # normalised by flow_spec to an ISO3 or M49 code: safe to inline
        area = spec.area.replace("'", "''")
        filters.append(f"'{area}' IN (ad.iso3, ad.subregion_code, ad.region_code)")
    return " AND ".join(filters)


def victim_flows_sql(spec: FlowSpec) -> str:
    """One row per victim: ``victim_id, year, origin, destination, flow_type`` at the levels."""
    o, d = f"v.{spec.origin_column}", f"v.{spec.destination_column}"
    return f"""SELECT v.victim_id, v.year,
    {_area_sql("ao", o, spec.origin_level or spec.level)} AS origin,
    {_area_sql("ad", d, spec.level)} AS destination,
    {flow_type_sql(o, d)} AS flow_type
FROM victims AS v
LEFT JOIN areas AS ao ON ao.iso3 = {o}
LEFT JOIN areas AS ad ON ad.iso3 = {d}
WHERE {_filters_sql(spec)}"""


def flow_counts_sql(spec: FlowSpec) -> str:
    """Victims per ``origin, destination, flow_type``, before the ``min_count`` rule."""
    return f"""WITH __tipis_flows_victims AS (
{victim_flows_sql(spec)}
)
SELECT origin, destination, flow_type, count(*) AS victims
FROM __tipis_flows_victims
GROUP BY origin, destination, flow_type"""


def route_counts_sql(spec: FlowSpec) -> str:
    """Victims per ``origin, transit, destination, flow_type``.

    ``transit`` lists the places of the victim's Transit legs in the order of their position,
    at the level of the spec, joined with ``>``; places equal to the route's origin or
    destination are left out and repeats in a row counted once (two legs in one country are
    one stop); ``'direct'`` where none is left.
    """
    level = spec.origin_level or spec.level
    return f"""WITH __tipis_routes_victims AS (
{victim_flows_sql(spec)}
), __tipis_routes_legs AS (
    SELECT r.victim_id, r.position, {_area_sql("ap", "r.country", level)} AS place
    FROM route_legs AS r
    LEFT JOIN areas AS ap ON ap.iso3 = r.country
    WHERE r.type = 'Transit'
), __tipis_routes_stops AS (
    SELECT l.victim_id, l.position, l.place,
        l.place IS DISTINCT FROM lag(l.place) OVER (
            PARTITION BY l.victim_id ORDER BY l.position) AS moved
    FROM __tipis_routes_legs AS l
    JOIN __tipis_routes_victims AS f ON f.victim_id = l.victim_id
    WHERE l.place NOT IN (f.origin, f.destination, '{UNKNOWN}')
), __tipis_routes_transits AS (
    SELECT victim_id, string_agg(place, '>' ORDER BY position) AS transit
    FROM __tipis_routes_stops
    WHERE moved
    GROUP BY victim_id
)
SELECT f.origin, coalesce(t.transit, '{DIRECT}') AS transit, f.destination, f.flow_type,
    count(*) AS victims
FROM __tipis_routes_victims AS f
LEFT JOIN __tipis_routes_transits AS t ON t.victim_id = f.victim_id
GROUP BY ALL"""


def _rows(facts: duckdb.DuckDBPyConnection, sql: str) -> list[FlowRow]:
    """Rows of a counting query: every column but the last is the key, the last the count."""
    return [
        (tuple(str(v) for v in row[:-1]), int(row[-1])) for row in facts.execute(sql).fetchall()
    ]


# -- The min_count rule -----------------------------------------------------------------------


def fold_small(
    rows: Sequence[FlowRow], min_count: int, positions: Sequence[int]
) -> tuple[list[FlowRow], int, int]:
    """Fold rows under ``min_count`` into ``'other'`` rows, so totals stay right.

    The values at ``positions`` (origin, and transit for routes) of each small row become
    ``'other'``; the rest of the key (destination, flow type) is kept, so the other-origins rows
    keep each destination's total and its split by flow type. Rows of unknown origin name no
    origin and are kept as they are. Returns the rows, and how many rows and victims were folded.
    """
    merged: dict[tuple[str, ...], int] = defaultdict(int)
    folded = folded_victims = 0
    for key, count in rows:
        if count < min_count and key[positions[0]] != UNKNOWN:
            folded, folded_victims = folded + 1, folded_victims + count
            key = tuple(OTHER if index in positions else value for index, value in enumerate(key))
        merged[key] += count
    return list(merged.items()), folded, folded_victims


def _sort_key(row: FlowRow) -> tuple[str, int, bool, bool, int, tuple[str, ...]]:
    """By destination, flow type, then largest first; other and unknown origins last."""
    key, count = row
    origin, destination, flow = key[0], key[-2], key[-1]
    return (destination, _TYPE_ORDER.get(flow, 99), origin == OTHER, origin == UNKNOWN, -count, key)


def _cells(rows: Iterable[FlowRow]) -> list[Cell]:
    return [Cell(key, count, count) for key, count in rows]


# -- Flows ----------------------------------------------------------------------------------


def flows(
    facts: duckdb.DuckDBPyConnection,
    *,
    origin: Origin = "citizenship",
    destination: Destination = "detection",
    level: Level = "country",
    area: str | None = None,
    years: Iterable[int] | None = None,
    min_count: int = 5,
) -> StatTable:
    """Detected victims by origin → destination, each flow classed domestic … transregional.

    Flows of fewer than ``min_count`` victims are not shown on their own (the Global Report's
    rule): per destination and flow type they are summed into one ``'other'`` origin, and
    ``metadata`` says how many were folded. Victims with no recorded origin (or destination)
    are kept as ``'unknown'``, so the cells add up to every victim selected.

    Args:
        facts: a connection from ``load_facts``.
        origin, destination, level, area, years: see ``FlowSpec``.
        min_count: the smallest flow shown on its own; 0 or 1 shows every flow.

    Example: ``flows(facts, level="region", years=range(2020, 2023))``.
    """
    spec = flow_spec(origin=origin, destination=destination, level=level, area=area, years=years)
    rows, folded, folded_victims = fold_small(_rows(facts, flow_counts_sql(spec)), min_count, [0])
    return StatTable(
        "flows",
        ("origin", "destination", "flow_type"),
        _cells(sorted(rows, key=_sort_key)),
        {
            "title": "Detected victims by flow",
            "unit": "victims",
            **spec.metadata(),
            "min_count": min_count,
            "folded_flows": folded,
            "folded_victims": folded_victims,
            "notes": [
                f"Flows of fewer than {min_count} victims are summed per destination and flow "
                f"type as origin '{OTHER}'.",
                f"'{UNKNOWN}': origin or destination not recorded.",
            ],
        },
    )


def top(
    facts: duckdb.DuckDBPyConnection,
    what: Literal["flows", "origins", "destinations"] = "flows",
    n: int = 10,
    *,
    origin: Origin = "citizenship",
    destination: Destination = "detection",
    level: Level = "country",
    area: str | None = None,
    years: Iterable[int] | None = None,
    min_count: int = 5,
) -> StatTable:
    """The ``n`` largest flows, origins or destinations, largest first.

    Unknown origins and destinations are left out, and so are entries under ``min_count``
    (never shown on their own). Ties are broken by code; ``metadata["tie_at_cutoff"]`` says
    whether the first entry left out has as many victims as the last one shown.
    """
    spec = flow_spec(origin=origin, destination=destination, level=level, area=area, years=years)
    rows = _rows(facts, flow_counts_sql(spec))
    positions = {"flows": (0, 1, 2), "origins": (0,), "destinations": (1,)}[what]
    totals: dict[tuple[str, ...], int] = defaultdict(int)
    for key, count in rows:
        if key[0] != UNKNOWN and key[1] != UNKNOWN:
            totals[tuple(key[i] for i in positions)] += count
    ranked = sorted(
        ((k, c) for k, c in totals.items() if c >= min_count), key=lambda r: (-r[1], r[0])
    )
    dimensions = ("origin", "destination", "flow_type")
    return StatTable(
        f"top_{what}",
        tuple(dimensions[i] for i in positions),
        _cells(ranked[:n]),
        {
            "title": f"Top {n} {what} by detected victims",
            "unit": "victims",
            **spec.metadata(),
            "min_count": min_count,
            "tie_at_cutoff": len(ranked) > n > 0 and ranked[n][1] == ranked[n - 1][1],
        },
    )


# -- Shares ---------------------------------------------------------------------------------


def shares_within(
    table: StatTable, dimension: str, exclude: Iterable[str] = (UNKNOWN,)
) -> dict[tuple[str, ...], float]:
    """Each cell's share of the cells that differ from it only in ``dimension``.

    Cells whose ``dimension`` value is in ``exclude`` get no share and are not in the total
    (shares of victims whose origin is known, as the Global Report gives them). Interval cells
    count at their midpoint.
    """
    index, left_out = table.dimensions.index(dimension), set(exclude)
    included = [cell for cell in table.cells if cell.key[index] not in left_out]
    totals: dict[tuple[str, ...], float] = defaultdict(float)
    for cell in included:
        totals[cell.key[:index] + cell.key[index + 1 :]] += (cell.lower + cell.upper) / 2
    shares = {}
    for cell in included:
        total = totals[cell.key[:index] + cell.key[index + 1 :]]
        shares[cell.key] = (cell.lower + cell.upper) / 2 / total if total else 0.0
    return shares


def _sum_over(rows: Iterable[FlowRow], positions: Sequence[int]) -> list[FlowRow]:
    totals: dict[tuple[str, ...], int] = defaultdict(int)
    for key, count in rows:
        totals[tuple(key[i] for i in positions)] += count
    return sorted(totals.items(), key=lambda r: (r[0][0], -r[1], r[0]))


def origin_shares(
    facts: duckdb.DuckDBPyConnection,
    *,
    origin: Origin = "citizenship",
    destination: Destination = "detection",
    level: Level = "region",
    origin_level: Level = "region",
    area: str | None = None,
    years: Iterable[int] | None = None,
) -> StatTable:
    """Victims by area of origin for each area of detection, with ``metadata["shares"]``.

    Cells are counts with dimensions ``("destination", "origin")``; shares are of the victims
    whose origin is known. No ``min_count`` folding: areas are usually large, and small cells
    are for ``disclosure`` to judge.
    """
    spec = flow_spec(
        origin=origin,
        destination=destination,
        level=level,
        origin_level=origin_level,
        area=area,
        years=years,
    )
    rows = _sum_over(_rows(facts, flow_counts_sql(spec)), (1, 0))
    table = StatTable("origin_shares", ("destination", "origin"), _cells(rows))
    return table.with_cells(
        table.cells,
        title="Detected victims by area of origin, for each area of detection",
        unit="victims",
        **spec.metadata(),
        shares=shares_within(table, "origin"),
        notes=[f"Shares are of victims whose origin is known; '{UNKNOWN}' has no share."],
    )


def flow_type_shares(
    facts: duckdb.DuckDBPyConnection,
    *,
    origin: Origin = "citizenship",
    destination: Destination = "detection",
    level: Level = "country",
    area: str | None = None,
    years: Iterable[int] | None = None,
) -> StatTable:
    """Victims by flow type (domestic … transregional) for each destination, with shares.

    Dimensions ``("destination", "flow_type")``; ``metadata["shares"]`` are of classified
    victims, and ``metadata["cross_border_shares"]`` gives each destination's share of
    victims from another country (every class but domestic).
    """
    spec = flow_spec(origin=origin, destination=destination, level=level, area=area, years=years)
    rows = _sum_over(_rows(facts, flow_counts_sql(spec)), (1, 2))
    rows.sort(key=lambda r: (r[0][0], _TYPE_ORDER[r[0][1]]))
    table = StatTable("flow_type_shares", ("destination", "flow_type"), _cells(rows))
    shares = shares_within(table, "flow_type")
    cross_border: dict[str, float] = defaultdict(float)
    for (place, kind), share in shares.items():
        cross_border[place] += share if kind != "domestic" else 0.0
    return table.with_cells(
        table.cells,
        title="Detected victims by flow type, for each destination",
        unit="victims",
        **spec.metadata(),
        shares=shares,
        cross_border_shares=dict(cross_border),
        notes=[f"Shares are of victims whose flow type is known; '{UNKNOWN}' has no share."],
    )


# -- Routes ---------------------------------------------------------------------------------


def routes(
    facts: duckdb.DuckDBPyConnection,
    *,
    origin: Origin = "recruitment",
    destination: Destination = "exploitation",
    level: Level = "country",
    area: str | None = None,
    years: Iterable[int] | None = None,
    min_count: int = 5,
) -> StatTable:
    """Victims by route: origin → transit place(s) → destination, from the route legs.

    Dimensions ``("origin", "transit", "destination", "flow_type")``; ``transit`` is e.g.
    ``"HUN>AUT"`` or ``'direct'`` (see ``route_counts_sql``). By default a route runs from the
    country of recruitment to that of exploitation, where the legs say where victims went;
    ``origin``/``destination`` choose as in ``flows``. Routes of fewer than ``min_count``
    victims are summed per destination and flow type as origin and transit ``'other'``.
    """
    spec = flow_spec(origin=origin, destination=destination, level=level, area=area, years=years)
    counted = _rows(facts, route_counts_sql(spec))
    rows, folded, folded_victims = fold_small(counted, min_count, [0, 1])
    return StatTable(
        "routes",
        ("origin", "transit", "destination", "flow_type"),
        _cells(sorted(rows, key=_sort_key)),
        {
            "title": "Detected victims by route",
            "unit": "victims",
            **spec.metadata(),
            "min_count": min_count,
            "folded_routes": folded,
            "folded_victims": folded_victims,
            "notes": [
                f"Routes of fewer than {min_count} victims are summed per destination and flow "
                f"type as origin and transit '{OTHER}'.",
                f"Transit places in order of the route legs; '{DIRECT}': none recorded.",
            ],
        },
    )
