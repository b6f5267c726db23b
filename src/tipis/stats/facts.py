"""Facts: the store's records, read once into an in-memory DuckDB that every indicator queries.

Owns ``load_facts`` and the shape of the tables it builds:

- ``cases`` (case_id, organisation_id, year, country): every case record, whatever its victims;
  the merge rule of ``tipis.stats.indicators`` asks which countries and years have any.
- ``victims``: one row per victim whose trafficking status is not ``NotAVictimOfTrafficking``:
  victim_id, case_id, organisation_id, year (the year the case was opened), country (of
  detection: the case's country of identification), citizenship (primary, ISO3 or NULL),
  sex (GLOTIP's, from the person's gender), age_group (``0-17`` / ``18+`` / ``Unknown``, from
  the age at identification, else the age when trafficked), form_group, forms (the victim's
  exploitation forms, in recorded order), recruitment_country and exploitation_country (the
  first leg of that type on the route).
- ``route_legs`` (victim_id, position, type, country, started_on).
- ``observations``: the store's aggregate observations as they are.
- ``areas`` (iso3, subregion_code, subregion_name, region_code, region_name): UN M49.

``form_group`` is the GLOTIP group of the victim's forms: one group gives that group; forms in
several groups give ``OtherForms``, because GLOTIP counts victims of mixed forms under "other
forms of exploitation"; no recorded form gives ``Unknown``.

Data moves as plain columns: SQLAlchemy streams each query in chunks, each chunk becomes a
pyarrow record batch, and DuckDB copies the arrow table. No DuckDB extension is used (they are
downloaded at run time, which fails offline). Per-victim classifications are joins with small
mapping tables built from the code lists, so Python never touches a victim row twice.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]  # pyarrow ships no type hints
from sqlalchemy import ColumnElement, Connection, Select, String, cast, func, select

from tipis.standard.ages import MAX_AGE, glotip_age_group
from tipis.standard.codes import codelist, glotip_form_group, glotip_sex
from tipis.standard.geography import countries
from tipis.store import tables as t
from tipis.store.cases import Store

__all__ = ["NOT_A_VICTIM", "PREFIX", "load_facts"]

#: Intermediate tables share this prefix (as Splink's ``__splink__``); they are dropped.
PREFIX = "__tipis_"
NOT_A_VICTIM = "NotAVictimOfTrafficking"
#: Rows fetched per round trip and turned into one arrow record batch.
CHUNK_ROWS = 100_000

_Columns = Sequence[tuple[str, pa.DataType]]


def load_facts(store: Store) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB holding the store's facts (see the module docstring).

    Example::

        facts = load_facts(store)
        facts.sql("SELECT sex, count(*) FROM victims GROUP BY sex").fetchall()
    """
    facts = duckdb.connect(":memory:")
    with store.engine.connect() as connection:
        for name, query, columns in _raw_queries():
            facts.register(f"{PREFIX}arrow", _read_arrow(connection, query, columns))
            facts.execute(f"CREATE TABLE {PREFIX}{name} AS SELECT * FROM {PREFIX}arrow")
            facts.unregister(f"{PREFIX}arrow")
    _add_mappings(facts)
    for statement in (
        _cases_sql(),
        _route_legs_sql(),
        _victims_sql(),
        _observations_sql(),
        _areas_sql(),
    ):
        facts.execute(statement)
    _add_population(facts)
    _drop_intermediate(facts)
    return facts


# --- reading the store -----------------------------------------------------------------------


def _id_text(column: ColumnElement[Any]) -> ColumnElement[str]:
    """A UUID as 32 hex digits on both backends (SQLite stores it so; PostgreSQL adds dashes)."""
    return func.replace(cast(column, String), "-", "")


def _text(column: ColumnElement[Any]) -> ColumnElement[str]:
    """A column as text, so no per-value conversion happens in Python (dates as ISO text)."""
    return cast(column, String)


def _raw_queries() -> list[tuple[str, Select[Any], _Columns]]:
    """(table name, query, arrow columns) of each table read from the store."""
    c, v, p = t.cases.c, t.victims.c, t.persons.c
    victims = (
        select(
            _id_text(v.id),
            _id_text(v.case_id),
            _id_text(c.organisation_id),
            _text(c.opened_on),
            c.country_of_identification,
            p.citizenship,
            p.gender,
            v.age_at_identification,
            v.age_when_trafficked,
        )
        .join_from(t.victims, t.cases, c.id == v.case_id)
        .join(t.persons, p.id == v.person_id)
        .where(v.trafficking_status != NOT_A_VICTIM)
    )
    codes = t.victim_codes.c
    forms = select(_id_text(codes.victim_id), codes.code, codes.position).where(
        codes.list_name == "exploitation_form"
    )
    r = t.route_events.c
    legs = select(_id_text(r.victim_id), r.position, r.type, r.country, _text(r.started_on))
    cases = select(
        _id_text(c.id), _id_text(c.organisation_id), _text(c.opened_on), c.country_of_identification
    )
    o = t.observations.c
    observations = select(
        _id_text(o.id), o.area, o.year, o.indicator, o.dimension, o.category, o.category_iso3,
        o.sex, o.age, o.value_lower, o.value_upper, o.status, o.unit, o.source, o.flags,
    )  # fmt: skip
    s, i = pa.string(), pa.int32()
    return [
        ("raw_victims", victims, _columns(
            "victim_id case_id organisation_id opened_on country citizenship gender", s,
            "age_at_identification age_when_trafficked", i,
        )),
        ("raw_forms", forms, _columns("victim_id form", s, "position", i)),
        ("raw_legs", legs, _columns("victim_id", s, "position", i, "type country started_on", s)),
        ("raw_cases", cases, _columns("case_id organisation_id opened_on country", s)),
        ("raw_observations", observations, _columns(
            "id area", s, "year", i, "indicator dimension category category_iso3 sex age", s,
            "value_lower value_upper", pa.int64(), "status unit source flags", s,
        )),
    ]  # fmt: skip


def _columns(*names_and_types: str | pa.DataType) -> _Columns:
    """``("a b", string, "c", int32)`` → [("a", string), ("b", string), ("c", int32)]."""
    pairs = zip(names_and_types[::2], names_and_types[1::2], strict=True)
    return [(name, kind) for names, kind in pairs for name in str(names).split()]


def _read_arrow(connection: Connection, query: Select[Any], columns: _Columns) -> pa.Table:
    schema = pa.schema([pa.field(name, kind) for name, kind in columns])
    return pa.Table.from_batches(list(_record_batches(connection, query, schema)), schema=schema)


def _record_batches(
    connection: Connection, query: Select[Any], schema: pa.Schema
) -> Iterator[pa.RecordBatch]:
    streamed = connection.execution_options(stream_results=True, yield_per=CHUNK_ROWS)
    for rows in streamed.execute(query).partitions():
        columns = list(zip(*rows, strict=True))
        arrays = [pa.array(values, type=f.type) for values, f in zip(columns, schema, strict=True)]
        yield pa.RecordBatch.from_arrays(arrays, schema=schema)


# --- classifications, as mapping tables --------------------------------------------------------


def _add_mappings(facts: duckdb.DuckDBPyConnection) -> None:
    """Small tables that turn codes into GLOTIP groups (the code lists own the rules)."""
    genders = [code.code for code in codelist("gender")]
    forms = [code.code for code in codelist("exploitation_form")]
    ages = list(range(MAX_AGE + 1))
    mappings = {
        "map_sex": {"gender": genders, "sex": [glotip_sex(g) for g in genders]},
        "map_form": {"form": forms, "form_group": [glotip_form_group(f) for f in forms]},
        "map_age": {"age": ages, "age_group": [glotip_age_group(a) for a in ages]},
    }
    for name, columns in mappings.items():
        facts.register(f"{PREFIX}arrow", pa.table(columns))
        facts.execute(f"CREATE TABLE {PREFIX}{name} AS SELECT * FROM {PREFIX}arrow")
        facts.unregister(f"{PREFIX}arrow")


def _cases_sql() -> str:
    return f"""
        CREATE TABLE cases AS
        SELECT case_id, organisation_id, year(CAST(opened_on AS DATE)) AS year, country
        FROM {PREFIX}raw_cases"""


def _route_legs_sql() -> str:
    return f"""
        CREATE TABLE route_legs AS
        SELECT victim_id, position, type, country, CAST(started_on AS DATE) AS started_on
        FROM {PREFIX}raw_legs"""


def _victims_sql() -> str:
    # A form code missing from the list (none should be) still counts, as an other form.
    return f"""
        CREATE TABLE victims AS
        WITH forms AS (
            SELECT f.victim_id,
                   list(f.form ORDER BY f.position) AS forms,
                   count(DISTINCT coalesce(m.form_group, 'OtherForms')) AS group_count,
                   min(coalesce(m.form_group, 'OtherForms')) AS first_group
            FROM {PREFIX}raw_forms f LEFT JOIN {PREFIX}map_form m ON m.form = f.form
            GROUP BY f.victim_id
        ), legs AS (
            SELECT victim_id,
                   arg_min(country, position) FILTER (WHERE type = 'Recruitment')
                       AS recruitment_country,
                   arg_min(country, position) FILTER (WHERE type = 'Exploitation')
                       AS exploitation_country
            FROM route_legs
            GROUP BY victim_id
        )
        SELECT v.victim_id, v.case_id, v.organisation_id,
               year(CAST(v.opened_on AS DATE)) AS year,
               v.country, v.citizenship,
               coalesce(s.sex, 'Unknown') AS sex,
               coalesce(a.age_group, 'Unknown') AS age_group,
               CASE WHEN f.group_count IS NULL THEN 'Unknown'
                    WHEN f.group_count = 1 THEN f.first_group
                    ELSE 'OtherForms' END AS form_group,
               coalesce(f.forms, []::VARCHAR[]) AS forms,
               l.recruitment_country, l.exploitation_country
        FROM {PREFIX}raw_victims v
        LEFT JOIN {PREFIX}map_sex s ON s.gender = v.gender
        LEFT JOIN {PREFIX}map_age a
            ON a.age = coalesce(v.age_at_identification, v.age_when_trafficked)
        LEFT JOIN forms f ON f.victim_id = v.victim_id
        LEFT JOIN legs l ON l.victim_id = v.victim_id"""


def _add_population(facts: duckdb.DuckDBPyConnection) -> None:
    """A ``population`` table from imported population observations, if there are any.

    Rates per 100,000 are computed only where it exists (``indicators``); TIPIS ships none.
    """
    found = facts.execute(
        "SELECT count(*) FROM observations WHERE indicator = 'population'"
    ).fetchall()
    if found[0][0]:
        facts.execute(
            "CREATE TABLE population AS SELECT area AS iso3, year, value_lower AS population "
            "FROM observations WHERE indicator = 'population' AND status = 'exact'"
        )


def _observations_sql() -> str:
    return f"CREATE TABLE observations AS SELECT * FROM {PREFIX}raw_observations"


def _areas_sql() -> str:
    rows = [
        (
            c.iso3,
            c.subregion.code if c.subregion else None,
            c.subregion.name() if c.subregion else None,
            c.region.code if c.region else None,
            c.region.name() if c.region else None,
        )
        for c in countries()
    ]
    values = ",\n".join("(" + ", ".join(_literal(v) for v in row) + ")" for row in rows)
    return f"""
        CREATE TABLE areas (iso3 VARCHAR PRIMARY KEY, subregion_code VARCHAR,
                            subregion_name VARCHAR, region_code VARCHAR, region_name VARCHAR);
        INSERT INTO areas VALUES {values}"""


def _literal(value: str | None) -> str:
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


def _drop_intermediate(facts: duckdb.DuckDBPyConnection) -> None:
    names = facts.execute(
        "SELECT table_name FROM information_schema.tables WHERE starts_with(table_name, ?)",
        [PREFIX],
    ).fetchall()
    for (name,) in names:
        facts.execute(f'DROP TABLE "{name}"')
