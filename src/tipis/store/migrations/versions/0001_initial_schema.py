"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=400), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_log")),
    )
    op.create_table(
        "organisations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=48), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.Column("city", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
    )
    op.create_table(
        "persons",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("pseudonym", sa.String(length=32), nullable=False),
        sa.Column("gender", sa.String(length=48), nullable=False),
        sa.Column("citizenship", sa.String(length=3), nullable=True),
        sa.Column("other_citizenships", sa.String(length=64), nullable=False),
        sa.Column("personal_sealed", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_persons")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_persons_pseudonym"), ["pseudonym"], unique=True)

    op.create_table(
        "cases",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=48), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("country_of_identification", sa.String(length=3), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_cases_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cases_country_of_identification_opened_on"),
            ["country_of_identification", "opened_on"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_cases_organisation_id_opened_on"),
            ["organisation_id", "opened_on"],
            unique=False,
        )

    op.create_table(
        "perpetrators",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_perpetrators_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_perpetrators_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_perpetrators")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("perpetrators", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_perpetrators_case_id"), ["case_id"], unique=False)

    op.create_table(
        "referrals",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("from_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("to_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("referred_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=48), nullable=False),
        sa.Column("details", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_referrals_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["from_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_referrals_from_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["to_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_referrals_to_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("case_id", "position", name=op.f("pk_referrals")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "victims",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("trafficking_status", sa.String(length=48), nullable=False),
        sa.Column("status_decided_by", sa.String(length=48), nullable=True),
        sa.Column("age_when_trafficked", sa.SmallInteger(), nullable=True),
        sa.Column("age_at_identification", sa.SmallInteger(), nullable=True),
        sa.Column("relationship_to_trafficker", sa.String(length=48), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_victims_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_victims_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_victims")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("victims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_victims_case_id"), ["case_id"], unique=False)

    op.create_table(
        "consents",
        sa.Column("victim_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("scope", sa.String(length=48), nullable=False),
        sa.Column("given", sa.Boolean(), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["victim_id"],
            ["victims.id"],
            name=op.f("fk_consents_victim_id_victims"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("victim_id", "position", name=op.f("pk_consents")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "perpetrator_roles",
        sa.Column("perpetrator_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=48), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["perpetrator_id"],
            ["perpetrators.id"],
            name=op.f("fk_perpetrator_roles_perpetrator_id_perpetrators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("perpetrator_id", "role", name=op.f("pk_perpetrator_roles")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "route_events",
        sa.Column("victim_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("type", sa.String(length=48), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["victim_id"],
            ["victims.id"],
            name=op.f("fk_route_events_victim_id_victims"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("victim_id", "position", name=op.f("pk_route_events")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "services",
        sa.Column("victim_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("type", sa.String(length=48), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("planned_end_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["organisations.id"],
            name=op.f("fk_services_provider_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["victim_id"],
            ["victims.id"],
            name=op.f("fk_services_victim_id_victims"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("victim_id", "position", name=op.f("pk_services")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "victim_codes",
        sa.Column("victim_id", sa.Uuid(), nullable=False),
        sa.Column("list_name", sa.String(length=48), nullable=False),
        sa.Column("code", sa.String(length=48), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["victim_id"],
            ["victims.id"],
            name=op.f("fk_victim_codes_victim_id_victims"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("victim_id", "list_name", "code", name=op.f("pk_victim_codes")),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:

    op.drop_table("victim_codes")
    op.drop_table("services")
    op.drop_table("route_events")
    op.drop_table("perpetrator_roles")
    op.drop_table("consents")
    with op.batch_alter_table("victims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_victims_case_id"))

    op.drop_table("victims")
    op.drop_table("referrals")
    with op.batch_alter_table("perpetrators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_perpetrators_case_id"))

    op.drop_table("perpetrators")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_organisation_id_opened_on"))
        batch_op.drop_index(batch_op.f("ix_cases_country_of_identification_opened_on"))

    op.drop_table("cases")
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_persons_pseudonym"))

    op.drop_table("persons")
    op.drop_table("organisations")
    op.drop_table("access_log")
