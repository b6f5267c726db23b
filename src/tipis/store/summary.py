"""Counts that describe what a store holds, for ``tipis demo`` and health checks.

Not statistics for publication: those come from ``tipis.stats`` with disclosure control.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Column, ColumnElement, Engine, Table, func, select

from tipis.store import tables as t


@dataclass(frozen=True)
class StoreSummary:
    organisations: int
    cases: int
    victims: int
    perpetrators: int
    route_legs: int
    services: int
    by_country: list[tuple[str, int]]
    by_form: list[tuple[str, int]]
    by_gender: list[tuple[str, int]]


def summarise(engine: Engine, top: int = 10) -> StoreSummary:
    with engine.connect() as connection:

        def count(table: Table) -> int:
            return int(connection.execute(select(func.count()).select_from(table)).scalar_one())

        def grouped(column: Column[str], *where: ColumnElement[bool]) -> list[tuple[str, int]]:
            n = func.count().label("n")
            query = select(column, n).where(*where).group_by(column).order_by(n.desc()).limit(top)
            return [(str(value), int(total)) for value, total in connection.execute(query)]

        return StoreSummary(
            organisations=count(t.organisations),
            cases=count(t.cases),
            victims=count(t.victims),
            perpetrators=count(t.perpetrators),
            route_legs=count(t.route_events),
            services=count(t.services),
            by_country=grouped(t.cases.c.country_of_identification),
            by_form=grouped(
                t.victim_codes.c.code, t.victim_codes.c.list_name == "exploitation_form"
            ),
            by_gender=grouped(
                t.persons.c.gender, t.persons.c.id.in_(select(t.victims.c.person_id))
            ),
        )
