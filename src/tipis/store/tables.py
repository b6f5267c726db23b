"""Tables of the store (SQLAlchemy Core). Alembic migrations in ``migrations/`` create them.

Multi-valued code fields of a victim (forms of exploitation, means of control, ...) live in one
narrow table ``victim_codes`` (victim, list, code) so statistics can count them with plain SQL.
Personal details are one sealed column, ``persons.personal_sealed``. Record tables are
SQLite ``WITHOUT ROWID`` tables: they are reached by key only, and keeping each row inside
its key's B-tree halves the work of an insert.

Indexes come with the queries that need them: each costs every insert (on 1M cases an index
on ``victim_codes (list_name, code)`` alone took a quarter of a bulk load), so tables carry
only their keys and what ``tipis.store`` queries filter or join on.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    Uuid,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

CODE = 48  # longest machine code in the code lists, with room to grow
ISO3 = 3

organisations = Table(
    "organisations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("type", String(CODE), nullable=False),
    Column("country", String(ISO3), nullable=False),
    Column("city", String(200)),
)

cases = Table(
    "cases",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organisation_id", Uuid, ForeignKey("organisations.id"), nullable=False),
    Column("reference", String(200)),
    Column("status", String(CODE), nullable=False),
    Column("opened_on", Date, nullable=False),
    Column("closed_on", Date),
    Column("country_of_identification", String(ISO3), nullable=False),
    Column("version", Integer, nullable=False, default=1),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index(None, "organisation_id", "opened_on"),
    Index(None, "country_of_identification", "opened_on"),
    sqlite_with_rowid=False,
)

persons = Table(
    "persons",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("pseudonym", String(32), nullable=False),
    Column("gender", String(CODE), nullable=False),
    Column("citizenship", String(ISO3)),
    Column("other_citizenships", String(64), nullable=False, default=""),
    Column("personal_sealed", LargeBinary),
    Index(None, "pseudonym", unique=True),
    sqlite_with_rowid=False,
)

victims = Table(
    "victims",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("case_id", Uuid, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    Column("person_id", Uuid, ForeignKey("persons.id"), nullable=False),
    Column("position", SmallInteger, nullable=False),
    Column("trafficking_status", String(CODE), nullable=False),
    Column("status_decided_by", String(CODE)),
    Column("age_when_trafficked", SmallInteger),
    Column("age_at_identification", SmallInteger),
    Column("relationship_to_trafficker", String(CODE)),
    Index(None, "case_id"),
    sqlite_with_rowid=False,
)

victim_codes = Table(
    "victim_codes",
    metadata,
    Column("victim_id", Uuid, ForeignKey("victims.id", ondelete="CASCADE"), primary_key=True),
    Column("list_name", String(CODE), primary_key=True),
    Column("code", String(CODE), primary_key=True),
    Column("position", SmallInteger, nullable=False),
    sqlite_with_rowid=False,
)

route_events = Table(
    "route_events",
    metadata,
    Column("victim_id", Uuid, ForeignKey("victims.id", ondelete="CASCADE"), primary_key=True),
    Column("position", SmallInteger, primary_key=True),
    Column("type", String(CODE), nullable=False),
    Column("country", String(ISO3), nullable=False),
    Column("place", String(200)),
    Column("started_on", Date),
    Column("ended_on", Date),
    Column("description", Text),
    sqlite_with_rowid=False,
)

services = Table(
    "services",
    metadata,
    Column("victim_id", Uuid, ForeignKey("victims.id", ondelete="CASCADE"), primary_key=True),
    Column("position", SmallInteger, primary_key=True),
    Column("type", String(CODE), nullable=False),
    Column("provider_id", Uuid, ForeignKey("organisations.id")),
    Column("started_on", Date),
    Column("planned_end_on", Date),
    Column("ended_on", Date),
    sqlite_with_rowid=False,
)

consents = Table(
    "consents",
    metadata,
    Column("victim_id", Uuid, ForeignKey("victims.id", ondelete="CASCADE"), primary_key=True),
    Column("position", SmallInteger, primary_key=True),
    Column("scope", String(CODE), nullable=False),
    Column("given", Boolean, nullable=False),
    Column("recorded_on", Date, nullable=False),
    Column("withdrawn_on", Date),
    sqlite_with_rowid=False,
)

perpetrators = Table(
    "perpetrators",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("case_id", Uuid, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    Column("person_id", Uuid, ForeignKey("persons.id"), nullable=False),
    Column("position", SmallInteger, nullable=False),
    Index(None, "case_id"),
    sqlite_with_rowid=False,
)

perpetrator_roles = Table(
    "perpetrator_roles",
    metadata,
    Column(
        "perpetrator_id", Uuid, ForeignKey("perpetrators.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("role", String(CODE), primary_key=True),
    Column("position", SmallInteger, nullable=False),
    sqlite_with_rowid=False,
)

referrals = Table(
    "referrals",
    metadata,
    Column("case_id", Uuid, ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("position", SmallInteger, primary_key=True),
    Column("from_organisation_id", Uuid, ForeignKey("organisations.id"), nullable=False),
    Column("to_organisation_id", Uuid, ForeignKey("organisations.id"), nullable=False),
    Column("referred_on", Date, nullable=False),
    Column("reason", String(CODE), nullable=False),
    Column("details", Text),
    sqlite_with_rowid=False,
)

access_log = Table(
    "access_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(40), nullable=False),
    Column("object_type", String(40), nullable=False),
    Column("object_id", String(64), nullable=False),
    Column("purpose", String(400)),
)

# Imports -------------------------------------------------------------------------------------

import_batches = Table(
    "import_batches",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("source", String(200), nullable=False),
    Column("profile", String(200), nullable=False),
    Column("file_name", String(400), nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    Column("status", String(20), nullable=False),
    Column("counts", Text, nullable=False),
)

#: Which record each source row became: makes re-imports idempotent and rollbacks possible.
import_records = Table(
    "import_records",
    metadata,
    Column("source", String(200), primary_key=True),
    Column("source_key", String(64), primary_key=True),
    Column("record_type", String(20), nullable=False),
    Column("record_id", Uuid, nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("batch_id", Uuid, ForeignKey("import_batches.id"), nullable=False),
    Column("row_number", Integer, nullable=False),
    Index(None, "batch_id"),
    Index(None, "record_id"),
    sqlite_with_rowid=False,
)

#: Earlier versions of records an import replaced, sealed (they may hold personal details).
record_history = Table(
    "record_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("record_type", String(20), nullable=False),
    Column("record_id", Uuid, nullable=False),
    Column("replaced_by_batch", Uuid, ForeignKey("import_batches.id"), nullable=False),
    Column("previous_batch", Uuid, ForeignKey("import_batches.id")),
    Column("previous_fingerprint", String(64), nullable=False),
    Column("previous_row_number", Integer, nullable=False),
    Column("sealed_content", LargeBinary, nullable=False),
    Index(None, "record_id"),
    Index(None, "replaced_by_batch"),
)

#: Rows an import set aside, with their problems; the row itself is sealed.
quarantine = Table(
    "quarantine",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("batch_id", Uuid, ForeignKey("import_batches.id"), nullable=False),
    Column("source", String(200), nullable=False),
    Column("source_key", String(64), nullable=False),
    Column("row_number", Integer, nullable=False),
    Column("sealed_row", LargeBinary, nullable=False),
    Column("problems", Text, nullable=False),
    Column("resolved_by_batch", Uuid, ForeignKey("import_batches.id")),
    Index(None, "batch_id"),
    Index(None, "source", "source_key"),
)

# Aggregate observations (GLOTIP layout) ----------------------------------------------------

observations = Table(
    "observations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("area", String(ISO3), nullable=False),
    Column("year", SmallInteger, nullable=False),
    Column("indicator", String(CODE), nullable=False),
    Column("dimension", String(CODE), nullable=False),
    Column("category", String(200), nullable=False),
    Column("category_iso3", String(ISO3)),
    Column("sex", String(10), nullable=False),
    Column("age", String(10), nullable=False),
    Column("value_lower", Integer, nullable=False),
    Column("value_upper", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("unit", String(40), nullable=False),
    Column("source", String(200), nullable=False),
    Column("flags", Text, nullable=False),  # a JSON list of sentences
    Index(None, "indicator", "area", "year"),
)

# Differential privacy: each dataset's epsilon budget and what releases spent of it -----------

privacy_budgets = Table(
    "privacy_budgets",
    metadata,
    Column("dataset", String(200), primary_key=True),
    Column("epsilon_total", Float, nullable=False),
)

privacy_spending = Table(
    "privacy_spending",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dataset", String(200), ForeignKey("privacy_budgets.dataset"), nullable=False),
    Column("epsilon", Float, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("note", String(400), nullable=False),
    Index(None, "dataset"),
)
