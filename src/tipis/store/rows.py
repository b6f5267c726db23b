"""Translation between record models and table rows, in both directions.

``CaseRows`` flattens validated ``Case`` records into per-table row tuples (sealing personal
details on the way); ``case_from_rows`` rebuilds a ``Case`` from what the tables hold.

Rows hold plain values both backends take as they are (UUIDs as 32 hex digits, dates as ISO
text, as SQLAlchemy stores them on SQLite), so bulk loads skip per-value conversion and rows
can cross process boundaries cheaply.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Table

from tipis.standard.records import Case, Perpetrator, Person, PersonalDetails, Victim
from tipis.store import tables as t
from tipis.store.crypto import SecretKey

#: Victim fields holding lists of codes, stored in ``victim_codes`` under these list names.
VICTIM_CODE_FIELDS: Mapping[str, str] = {
    "exploitation_forms": "exploitation_form",
    "sexual_exploitation_types": "sexual_exploitation_type",
    "labour_industries": "labour_industry",
    "means_of_control": "means_of_control",
    "recruitment_methods": "recruitment_method",
    "online_platforms": "online_platform",
    "vulnerabilities": "vulnerability",
}
_FIELD_OF_LIST = {list_name: field for field, list_name in VICTIM_CODE_FIELDS.items()}

#: Tables in the order rows must be inserted (parents before children).
INSERT_ORDER: tuple[Table, ...] = (
    t.cases,
    t.persons,
    t.victims,
    t.victim_codes,
    t.route_events,
    t.services,
    t.consents,
    t.perpetrators,
    t.perpetrator_roles,
    t.referrals,
)

Row = tuple[Any, ...]


_ROLE_KINDS = {"victim": 1, "perpetrator": 2}


def role_id(case_id: UUID, kind: str, position: int) -> UUID:
    """Stable id of a victim or perpetrator entry within its case.

    The case id with its last 32 bits replaced, so a case's entries sort next to it.
    """
    return UUID(int=(case_id.int >> 32 << 32) | _ROLE_KINDS[kind] << 24 | position)


@dataclass(frozen=True)
class RowBatch:
    """Rows of ``case_count`` cases keyed by table name: plain data that pickles cheaply."""

    case_count: int
    rows: dict[str, list[Row]]


def _u(value: UUID | None) -> str | None:
    return None if value is None else value.hex


def _d(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


class CaseRows:
    """Accumulates the rows of many cases, table by table, in each table's column order.

    Args:
        key: seals personal details and derives pseudonyms.
        updated_at: the write's timestamp, as the backend stores it (``writer.timestamp``).
    """

    def __init__(self, key: SecretKey, updated_at: str) -> None:
        self._key = key
        self._updated_at = updated_at
        self.rows: dict[Table, list[Row]] = defaultdict(list)
        self.case_count = 0

    def add(self, case: Case, version: int = 1) -> None:
        self.case_count += 1
        self.rows[t.cases].append(
            (
                case.id.hex,
                case.organisation_id.hex,
                case.reference,
                case.status,
                case.opened_on.isoformat(),
                _d(case.closed_on),
                case.country_of_identification,
                version,
                self._updated_at,
            )
        )
        for position, victim in enumerate(case.victims):
            self._add_victim(case.id, position, victim)
        for position, perpetrator in enumerate(case.perpetrators):
            self._add_perpetrator(case.id, position, perpetrator)
        for position, r in enumerate(case.referrals):
            self.rows[t.referrals].append(
                (
                    case.id.hex,
                    position,
                    r.from_organisation_id.hex,
                    r.to_organisation_id.hex,
                    r.referred_on.isoformat(),
                    r.reason,
                    r.details,
                )
            )

    def _add_person(self, person: Person) -> None:
        sealed = None
        if person.personal is not None:
            sealed = self._key.seal(person.personal.model_dump_json().encode(), person.id.bytes)
        self.rows[t.persons].append(
            (
                person.id.hex,
                self._key.pseudonym(person.id.bytes),
                person.gender,
                person.citizenship,
                " ".join(person.citizenships[1:]),
                sealed,
            )
        )

    def _add_victim(self, case_id: UUID, position: int, victim: Victim) -> None:
        victim_id = role_id(case_id, "victim", position).hex
        self._add_person(victim.person)
        self.rows[t.victims].append(
            (
                victim_id,
                case_id.hex,
                victim.person.id.hex,
                position,
                victim.trafficking_status,
                victim.status_decided_by,
                victim.age_when_trafficked,
                victim.age_at_identification,
                victim.relationship_to_trafficker,
            )
        )
        codes = self.rows[t.victim_codes]
        for field, list_name in VICTIM_CODE_FIELDS.items():
            values = getattr(victim, field)
            if values:  # most lists of most victims are empty
                codes += [
                    (victim_id, list_name, code, i) for i, code in enumerate(dict.fromkeys(values))
                ]
        for i, e in enumerate(victim.route):
            self.rows[t.route_events].append(
                (
                    victim_id,
                    i,
                    e.type,
                    e.country,
                    e.place,
                    _d(e.started_on),
                    _d(e.ended_on),
                    e.description,
                )
            )
        for i, s in enumerate(victim.services):
            self.rows[t.services].append(
                (
                    victim_id,
                    i,
                    s.type,
                    _u(s.provider_id),
                    _d(s.started_on),
                    _d(s.planned_end_on),
                    _d(s.ended_on),
                )
            )
        for i, c in enumerate(victim.consents):
            self.rows[t.consents].append(
                (victim_id, i, c.scope, c.given, c.recorded_on.isoformat(), _d(c.withdrawn_on))
            )

    def _add_perpetrator(self, case_id: UUID, position: int, perpetrator: Perpetrator) -> None:
        perpetrator_id = role_id(case_id, "perpetrator", position).hex
        self._add_person(perpetrator.person)
        row = (perpetrator_id, case_id.hex, perpetrator.person.id.hex, position)
        self.rows[t.perpetrators].append(row)
        for i, role in enumerate(dict.fromkeys(perpetrator.roles)):
            self.rows[t.perpetrator_roles].append((perpetrator_id, role, i))

    def take(self) -> RowBatch:
        """The rows gathered so far, leaving this builder empty."""
        # str(): table names are str subclasses, which marshal (see synthetic.bulk) refuses
        batch = RowBatch(
            self.case_count, {str(table.name): rows for table, rows in self.rows.items()}
        )
        self.rows = defaultdict(list)
        self.case_count = 0
        return batch


def person_from_row(row: Mapping[Any, Any], key: SecretKey | None) -> dict[str, Any]:
    """A person as plain data; personal details are opened only when a key is given."""
    citizenships = [row["citizenship"]] if row["citizenship"] else []
    citizenships += row["other_citizenships"].split()
    person: dict[str, Any] = {
        "id": row["id"],
        "gender": row["gender"],
        "citizenships": citizenships,
    }
    if key is not None and row["personal_sealed"] is not None:
        plain = key.open(row["personal_sealed"], row["id"].bytes)
        person["personal"] = PersonalDetails.model_validate_json(plain)
    return person


def case_from_rows(
    case_row: Mapping[Any, Any],
    related: Mapping[Table, Sequence[Mapping[str, Any]]],
    people: Mapping[UUID, dict[str, Any]],
) -> Case:
    """Rebuild a ``Case`` from its row and its related rows (each list in position order)."""
    by_victim = {
        table: _group(related[table], "victim_id")
        for table in (t.victim_codes, t.route_events, t.services, t.consents)
    }
    roles = _group(related[t.perpetrator_roles], "perpetrator_id")
    victims = [_victim_data(row, people[row["person_id"]], by_victim) for row in related[t.victims]]
    perpetrators = [
        {
            "person": people[row["person_id"]],
            "roles": [r["role"] for r in roles.get(row["id"], [])],
        }
        for row in related[t.perpetrators]
    ]
    referrals = [
        _columns(row, t.referrals, skip={"case_id", "position"}) for row in related[t.referrals]
    ]
    data = _columns(case_row, t.cases, skip={"version", "updated_at"})
    data |= {"victims": victims, "perpetrators": perpetrators, "referrals": referrals}
    return Case.model_validate(data)


def _victim_data(
    row: Mapping[str, Any],
    person: dict[str, Any],
    by_victim: Mapping[Table, Mapping[Any, list[Mapping[str, Any]]]],
) -> dict[str, Any]:
    victim_id = row["id"]
    data = _columns(row, t.victims, skip={"id", "case_id", "person_id", "position"})
    data["person"] = person
    for field in VICTIM_CODE_FIELDS:
        data[field] = []
    for code_row in by_victim[t.victim_codes].get(victim_id, []):
        data[_FIELD_OF_LIST[code_row["list_name"]]].append(code_row["code"])
    child_skip = {"victim_id", "position"}
    for table, field in (
        (t.route_events, "route"),
        (t.services, "services"),
        (t.consents, "consents"),
    ):
        data[field] = [_columns(r, table, child_skip) for r in by_victim[table].get(victim_id, [])]
    return data


def _columns(row: Mapping[str, Any], table: Table, skip: Iterable[str]) -> dict[str, Any]:
    excluded = set(skip)
    return {c.name: row[c.name] for c in table.columns if c.name not in excluded}


def _group(rows: Iterable[Mapping[str, Any]], key: str) -> dict[Any, list[Mapping[str, Any]]]:
    groups: dict[Any, list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row[key]].append(row)
    return groups
