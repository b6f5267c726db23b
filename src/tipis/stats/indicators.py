"""Indicators: one declarative definition per GLOTIP indicator, rendered as DuckDB SQL.

Owns the ``IndicatorSpec`` of each indicator (what case records count, which observations
publish it, the breakdowns it allows, its filters), the SQL they render, and ``compute``, which
runs that SQL over the facts of ``tipis.stats.facts`` and returns a ``StatTable``.

Merge rule (case records and imported observations): for each country, year and indicator,
TIPIS counts the store's case records when it holds any case record for that country and year
(a case opened that year, identified in that country), and otherwise the imported observations
of that country and year — never both, so nothing is counted twice. Persons brought into
formal contact, prosecuted and convicted, and offences, come only from observations: case
records do not hold them yet. An observation published as ``<5`` contributes 1..4, so a sum
that includes one is an interval (status ``interval``): never 0 and never 5 silently.
Countries of the area with no data for a year are listed in ``metadata["coverage"]``: missing,
not zero. Rates per 100,000 (SDG 16.2.2) need a ``population`` table (iso3, year, population)
in the facts; TIPIS ships none and invents none, so without it the rate is skipped and
``metadata["rates"]`` says why.

Breakdowns (``by``): ``sex`` (Female, Male, Other, Unknown) and ``age`` (0-17, 18+, Unknown);
``form_group`` (GLOTIP's three groups, ``Unknown`` when no form is recorded); ``form`` (each
recorded form: a victim of several forms counts once under each, so these cells do not add up
to the total; case records only); ``citizenship`` (ISO3, ``Unknown``); ``nationality``
(Nationals, Foreigners, Unknown). Observations give each breakdown from the GLOTIP dimension
that publishes it; a combination GLOTIP does not publish (e.g. citizenship by sex) has no
observations, and the country-years that would need them are listed as missing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import duckdb

from tipis.standard.codes import codelist
from tipis.stats.areas import AreaRef, area_members_sql, countries_of, resolve_area, roll_up_sql
from tipis.stats.facts import PREFIX
from tipis.stats.table import Cell, StatTable

__all__ = [
    "BREAKDOWNS",
    "INDICATORS",
    "MERGE_RULE",
    "Breakdown",
    "IndicatorSpec",
    "case_cells_sql",
    "compute",
    "country_cells_sql",
    "observed_cells_sql",
]

MERGE_RULE = (
    "per country, year and indicator: case records where the store holds any case record for "
    "that country and year, else imported observations; never both"
)
POPULATION_TABLE = "population"
Measure = Literal["victims"]


@dataclass(frozen=True)
class Breakdown:
    """One dimension a count can be broken down by, read from case records and observations.

    Args:
        name: the dimension's name in ``by`` and in the table.
        case_sql: its value for a victim (alias ``v`` of the ``victims`` facts).
        observation_sql: its value for an observation (alias ``o``); None when GLOTIP does
            not publish it.
        observation_dimension: the GLOTIP dimension whose rows carry it; None when it is a
            column of every row (sex, age), which reads ``Total`` when not broken down.
        unnest_forms: count each victim once per recorded form.
    """

    name: str
    case_sql: str
    observation_sql: str | None
    observation_dimension: str | None = None
    unnest_forms: bool = False


def _quoted(text: str) -> str:
    return text.replace("'", "''")


def _form_group_of_category_sql() -> str:
    """GLOTIP's wording of a form group (an observation's category) → the group's code."""
    groups = codelist("glotip_form_group")
    whens = " ".join(
        f"WHEN '{_quoted(g.attrs['glotip'])}' THEN '{g.code}'"
        for g in groups
        if "glotip" in g.attrs
    )
    return f"CASE o.category {whens} ELSE 'Unknown' END"


# An observation "by citizenship" names the reporting country's own nationals by a category
# that resolves to that country, or by a wording of "Nationals" that the import keeps without a
# country and without a flag (one it could not resolve carries a flag; ``flags`` is a JSON
# list, ``[]`` when empty, or space-joined text, empty, in older stores). Unresolved categories
# ("Unknown", "Abroad", "Kosovo", regions) count as Unknown.
_NO_FLAG = "o.flags IN ('', '[]')"
_OBSERVED_NATIONALS = (
    f"(o.category_iso3 = o.area OR (o.category_iso3 IS NULL AND {_NO_FLAG} AND o.category <> ''))"
)

BREAKDOWNS: Mapping[str, Breakdown] = {
    b.name: b
    for b in (
        Breakdown("sex", "v.sex", "o.sex"),
        Breakdown("age", "v.age_group", "o.age"),
        Breakdown(
            "form_group", "v.form_group", _form_group_of_category_sql(), "form_of_exploitation"
        ),
        Breakdown("form", "v.form", None, unnest_forms=True),
        Breakdown(
            "citizenship",
            "coalesce(v.citizenship, 'Unknown')",
            f"CASE WHEN {_OBSERVED_NATIONALS} THEN o.area "
            "ELSE coalesce(o.category_iso3, 'Unknown') END",
            "citizenship",
        ),
        Breakdown(
            "nationality",
            "CASE WHEN v.citizenship IS NULL THEN 'Unknown' "
            "WHEN v.citizenship = v.country THEN 'Nationals' ELSE 'Foreigners' END",
            f"CASE WHEN {_OBSERVED_NATIONALS} THEN 'Nationals' "
            "WHEN o.category_iso3 IS NOT NULL THEN 'Foreigners' ELSE 'Unknown' END",
            "citizenship",
        ),
    )
}
#: Columns of every observation that read ``Total`` unless the row is broken down by them.
_OBSERVATION_COLUMNS = {"sex": "o.sex", "age": "o.age"}


@dataclass(frozen=True)
class IndicatorSpec:
    """One indicator: what it counts, where, and the breakdowns it may have.

    Args:
        name: the indicator's code (``compute(facts, name, ...)``).
        title: its English title.
        breakdowns: the dimensions of ``BREAKDOWNS`` it may be broken down by.
        measure: what case records count for it; None when they do not hold it.
        observed_as: the ``observations.indicator`` code that publishes it; None if none does.
        filters: SQL conditions on the victims counted (alias ``v``).
        rate_per_100000: whether a rate per 100,000 population is asked for (SDG 16.2.2).
    """

    name: str
    title: str
    breakdowns: tuple[str, ...]
    measure: Measure | None = None
    observed_as: str | None = None
    filters: tuple[str, ...] = ()
    rate_per_100000: bool = False

    def check(self, by: Sequence[str]) -> None:
        """Raise ``ValueError`` for a breakdown this indicator does not have."""
        unknown = [b for b in by if b not in self.breakdowns]
        if unknown or len(set(by)) != len(by):
            allowed = ", ".join(self.breakdowns) or "none"
            raise ValueError(f"{self.name} cannot be broken down by {list(by)}: allowed {allowed}")


_SEX_AGE = ("sex", "age")
INDICATORS: Mapping[str, IndicatorSpec] = {
    spec.name: spec
    for spec in (
        IndicatorSpec(
            "detected_victims",
            "Detected trafficking victims",
            (*_SEX_AGE, "form_group", "form", "citizenship", "nationality"),
            measure="victims",
            observed_as="detected_victims",
            rate_per_100000=True,
        ),
        IndicatorSpec(
            "detected_victims_other_forms",
            "Detected victims of other forms of exploitation, by form",
            ("form", *_SEX_AGE),
            measure="victims",
            filters=("v.form_group = 'OtherForms'",),
        ),
        IndicatorSpec(
            "persons_formal_contact",
            "Persons brought into formal contact",
            _SEX_AGE,
            observed_as="persons_formal_contact",
        ),
        IndicatorSpec(
            "persons_prosecuted", "Persons prosecuted", _SEX_AGE, observed_as="persons_prosecuted"
        ),
        IndicatorSpec(
            "persons_convicted",
            "Persons convicted",
            (*_SEX_AGE, "form_group", "citizenship", "nationality"),
            observed_as="persons_convicted",
        ),
        IndicatorSpec("offences", "Offences of trafficking in persons", (), observed_as="offences"),
    )
}

Years = tuple[int, int] | None


# --- SQL -------------------------------------------------------------------------------------


def case_cells_sql(spec: IndicatorSpec, by: Sequence[str], years: Years) -> str | None:
    """Country cells counted from case records (iso3, year, keys, lower, upper), or None."""
    if spec.measure is None:
        return None
    breakdowns = [BREAKDOWNS[name] for name in by]
    source = "victims"
    if any(b.unnest_forms for b in breakdowns):
        source = "(SELECT *, unnest(forms) AS form FROM victims)"
    keys = "".join(f", {b.case_sql} AS {b.name}" for b in breakdowns)
    conditions = [*spec.filters, *_years_sql("v.year", years)]
    return f"""
        SELECT v.country AS iso3, v.year{keys}, count(*) AS lower, count(*) AS upper
        FROM {source} v
        {_where_sql(conditions)}
        GROUP BY ALL"""


def observed_cells_sql(spec: IndicatorSpec, by: Sequence[str], years: Years) -> str | None:
    """Country cells from observations, where case records do not cover the country-year."""
    dimension = _observation_dimension(by)
    if spec.observed_as is None or dimension is None:
        return None
    breakdowns = [BREAKDOWNS[name] for name in by]
    keys = "".join(f", {b.observation_sql} AS {b.name}" for b in breakdowns)
    conditions = [
        f"o.indicator = '{_quoted(spec.observed_as)}'",
        f"o.dimension = '{dimension}'",
        *(["o.category = 'Total'"] if dimension == "total" else []),
        *(
            f"{column} {'<>' if name in by else '='} 'Total'"
            for name, column in _OBSERVATION_COLUMNS.items()
        ),
        *_years_sql("o.year", years),
    ]
    if spec.measure is not None:  # the merge rule: case records win where they exist
        conditions.append(
            "NOT EXISTS (SELECT 1 FROM cases c WHERE c.country = o.area AND c.year = o.year)"
        )
    return f"""
        SELECT o.area AS iso3, o.year{keys},
               sum(o.value_lower) AS lower, sum(o.value_upper) AS upper
        FROM observations o
        {_where_sql(conditions)}
        GROUP BY ALL"""


def country_cells_sql(spec: IndicatorSpec, by: Sequence[str], area: AreaRef, years: Years) -> str:
    """Country cells of the area from both sources, each tagged with its ``source``."""
    keys = "".join(f", {name}" for name in by)
    parts = [
        f"SELECT '{source}' AS source, iso3, year{keys}, lower, upper FROM ({sql})"
        for source, sql in (
            ("cases", case_cells_sql(spec, by, years)),
            ("observations", observed_cells_sql(spec, by, years)),
        )
        if sql is not None
    ]
    if not parts:  # nothing can give this breakdown: an empty table of the right shape
        parts = [_no_cells_sql(by)]
    members = f"SELECT iso3 FROM ({area_members_sql()}) WHERE area = '{area.code}'"
    return f"""
        SELECT * FROM ({" UNION ALL ".join(parts)})
        WHERE iso3 IN ({members})"""


def _no_cells_sql(by: Sequence[str]) -> str:
    keys = "".join(f", NULL::VARCHAR AS {name}" for name in by)
    return (
        "SELECT NULL::VARCHAR AS source, NULL::VARCHAR AS iso3, NULL::INTEGER AS year"
        f"{keys}, 0::BIGINT AS lower, 0::BIGINT AS upper WHERE false"
    )


def _observation_dimension(by: Sequence[str]) -> str | None:
    """The GLOTIP dimension that publishes this breakdown, or None if none does."""
    breakdowns = [BREAKDOWNS[name] for name in by]
    if any(b.observation_sql is None for b in breakdowns):
        return None
    dimensions = {b.observation_dimension for b in breakdowns} - {None}
    if len(dimensions) > 1:
        return None
    return dimensions.pop() if dimensions else "total"


def _years_sql(column: str, years: Years) -> list[str]:
    if years is None:
        return []
    first, last = (int(year) for year in years)
    return [f"{column} BETWEEN {first} AND {last}"]


def _where_sql(conditions: Sequence[str]) -> str:
    return f"WHERE {' AND '.join(conditions)}" if conditions else ""


# --- running it ------------------------------------------------------------------------------


def compute(
    facts: duckdb.DuckDBPyConnection,
    indicator: str,
    *,
    by: Sequence[str] = (),
    area: str = "WLD",
    years: Years = None,
) -> StatTable:
    """One indicator for one area, by year and the given breakdowns.

    Args:
        facts: the connection ``tipis.stats.facts.load_facts`` returned.
        indicator: a key of ``INDICATORS``, e.g. ``"detected_victims"``.
        by: breakdowns, e.g. ``("sex", "age")``; the table's dimensions are
            ``("area", "year", *by)``.
        area: ``WLD``, an ISO3 country code, or an M49 region or sub-region code.
        years: first and last year, inclusive; None for every year with data.

    Example::

        compute(facts, "detected_victims", by=("sex", "age"), area="150", years=(2019, 2021))
    """
    spec = _spec(indicator)
    spec.check(by)
    where = resolve_area(area)
    cursor = facts.cursor()  # temporary tables stay on this cursor
    try:
        cells_table = f"{PREFIX}country_cells"
        cursor.execute(
            f"CREATE TEMP TABLE {cells_table} AS {country_cells_sql(spec, by, where, years)}"
        )
        keys = ("year", *by)
        rows = cursor.execute(
            f"SELECT * FROM ({roll_up_sql(cells_table, keys, where)}) "
            f"ORDER BY {', '.join(str(i) for i in range(1, len(keys) + 2))}"
        ).fetchall()
        reporting = cursor.execute(
            f"SELECT DISTINCT source, iso3, year FROM {cells_table}"
        ).fetchall()
        rates = _rates(cursor, spec, rows, reporting)
    finally:
        cursor.close()
    cells = [_cell(row) for row in rows]
    return StatTable(
        spec.name,
        ("area", *keys),
        cells,
        _metadata(spec, by, where, years, reporting, rates),
    )


def _spec(indicator: str) -> IndicatorSpec:
    try:
        return INDICATORS[indicator]
    except KeyError:
        raise ValueError(
            f"unknown indicator {indicator!r}: expected one of {', '.join(INDICATORS)}"
        ) from None


def _cell(row: tuple[Any, ...]) -> Cell:
    *key, lower, upper = row
    lower, upper = int(lower), int(upper)
    return Cell(tuple(str(k) for k in key), lower, upper, "exact" if lower == upper else "interval")


def _metadata(
    spec: IndicatorSpec,
    by: Sequence[str],
    where: AreaRef,
    years: Years,
    reporting: Sequence[tuple[Any, ...]],
    rates: dict[str, Any],
) -> dict[str, Any]:
    sources: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for source, iso3, year in sorted(reporting, key=lambda r: (r[0], r[2], r[1])):
        sources[source][str(year)].append(iso3)
    return {
        "indicator": spec.name,
        "title": spec.title,
        "unit": "Counts",
        "area": where.code,
        "area_name": where.name,
        "by": list(by),
        "years": list(years) if years is not None else None,
        "merge_rule": MERGE_RULE,
        "sources": {s: dict(by_year) for s, by_year in sources.items()},
        "coverage": _coverage(where, years, reporting),
        **rates,
    }


def _coverage(where: AreaRef, years: Years, reporting: Sequence[tuple[Any, ...]]) -> dict[str, Any]:
    """The area's countries with no data, per year: missing, not zero."""
    reported: dict[int, set[str]] = defaultdict(set)
    for _source, iso3, year in reporting:
        reported[int(year)].add(iso3)
    if years is not None:
        span = range(years[0], years[1] + 1)
    elif reported:
        span = range(min(reported), max(reported) + 1)
    else:
        span = range(0)
    countries = countries_of(where)
    return {
        "countries": len(countries),
        "missing": {str(y): [c for c in countries if c not in reported[y]] for y in span},
    }


def _rates(
    cursor: duckdb.DuckDBPyConnection,
    spec: IndicatorSpec,
    rows: Sequence[tuple[Any, ...]],
    reporting: Sequence[tuple[Any, ...]],
) -> dict[str, Any]:
    """Rates per 100,000 inhabitants of the countries that reported, where all are known.

    The denominator is the whole population, also for cells of one sex or age group.
    """
    if not spec.rate_per_100000:
        return {}
    found = cursor.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [POPULATION_TABLE]
    ).fetchall()
    if not found[0][0]:
        return {"rates": "not computed: no population table in the facts (TIPIS ships none)"}
    population = dict(
        ((iso3, int(year)), int(people))
        for iso3, year, people in cursor.execute(
            f"SELECT iso3, year, population FROM {POPULATION_TABLE}"
        ).fetchall()
    )
    # A year's rate needs the population of every country that reported that year.
    people_by_year: dict[int, int] = defaultdict(int)
    unknown_years: set[int] = set()
    for _source, iso3, year in reporting:
        people = population.get((iso3, int(year)))
        if people is None:
            unknown_years.add(int(year))
        people_by_year[int(year)] += people or 0
    for year in unknown_years:
        del people_by_year[year]
    per_cell: dict[str, list[float]] = {}
    for row in rows:
        *key, lower, upper = row
        people = people_by_year.get(int(key[1]), 0)
        if people:
            per_cell["|".join(str(k) for k in key)] = [
                lower * 100_000 / people,
                upper * 100_000 / people,
            ]
    return {
        "rates": "per 100,000 inhabitants (all ages and sexes) of the countries that reported",
        "rates_per_100000": per_cell,
    }
