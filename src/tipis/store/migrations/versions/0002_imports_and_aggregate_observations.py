"""imports and aggregate observations

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "import_batches",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("profile", sa.String(length=200), nullable=False),
        sa.Column("file_name", sa.String(length=400), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
    )
    op.create_table(
        "observations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("area", sa.String(length=3), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("indicator", sa.String(length=48), nullable=False),
        sa.Column("dimension", sa.String(length=48), nullable=False),
        sa.Column("category", sa.String(length=200), nullable=False),
        sa.Column("category_iso3", sa.String(length=3), nullable=True),
        sa.Column("sex", sa.String(length=10), nullable=False),
        sa.Column("age", sa.String(length=10), nullable=False),
        sa.Column("value_lower", sa.Integer(), nullable=False),
        sa.Column("value_upper", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("flags", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observations")),
    )
    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_observations_indicator_area_year"),
            ["indicator", "area", "year"],
            unique=False,
        )

    op.create_table(
        "import_records",
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("source_key", sa.String(length=64), nullable=False),
        sa.Column("record_type", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("batch_id", sa.Uuid(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batches.id"],
            name=op.f("fk_import_records_batch_id_import_batches"),
        ),
        sa.PrimaryKeyConstraint("source", "source_key", name=op.f("pk_import_records")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("import_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_records_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_import_records_record_id"), ["record_id"], unique=False
        )

    op.create_table(
        "quarantine",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("batch_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("source_key", sa.String(length=64), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("sealed_row", sa.LargeBinary(), nullable=False),
        sa.Column("problems", sa.Text(), nullable=False),
        sa.Column("resolved_by_batch", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batches.id"], name=op.f("fk_quarantine_batch_id_import_batches")
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_batch"],
            ["import_batches.id"],
            name=op.f("fk_quarantine_resolved_by_batch_import_batches"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarantine")),
    )
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quarantine_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_quarantine_source_source_key"), ["source", "source_key"], unique=False
        )

    op.create_table(
        "record_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("record_type", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("replaced_by_batch", sa.Uuid(), nullable=False),
        sa.Column("previous_batch", sa.Uuid(), nullable=True),
        sa.Column("previous_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("previous_row_number", sa.Integer(), nullable=False),
        sa.Column("sealed_content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["previous_batch"],
            ["import_batches.id"],
            name=op.f("fk_record_history_previous_batch_import_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["replaced_by_batch"],
            ["import_batches.id"],
            name=op.f("fk_record_history_replaced_by_batch_import_batches"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_history")),
    )
    with op.batch_alter_table("record_history", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_record_history_record_id"), ["record_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_record_history_replaced_by_batch"), ["replaced_by_batch"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("record_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_history_replaced_by_batch"))
        batch_op.drop_index(batch_op.f("ix_record_history_record_id"))

    op.drop_table("record_history")
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quarantine_source_source_key"))
        batch_op.drop_index(batch_op.f("ix_quarantine_batch_id"))

    op.drop_table("quarantine")
    with op.batch_alter_table("import_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_records_record_id"))
        batch_op.drop_index(batch_op.f("ix_import_records_batch_id"))

    op.drop_table("import_records")
    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_observations_indicator_area_year"))

    op.drop_table("observations")
    op.drop_table("import_batches")
