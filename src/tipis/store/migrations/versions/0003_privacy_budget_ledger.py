"""privacy budget ledger

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "privacy_budgets",
        sa.Column("dataset", sa.String(length=200), nullable=False),
        sa.Column("epsilon_total", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("dataset", name=op.f("pk_privacy_budgets")),
    )
    op.create_table(
        "privacy_spending",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dataset", sa.String(length=200), nullable=False),
        sa.Column("epsilon", sa.Float(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String(length=400), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset"],
            ["privacy_budgets.dataset"],
            name=op.f("fk_privacy_spending_dataset_privacy_budgets"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_spending")),
    )
    with op.batch_alter_table("privacy_spending", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_privacy_spending_dataset"), ["dataset"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("privacy_spending", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_privacy_spending_dataset"))

    op.drop_table("privacy_spending")
    op.drop_table("privacy_budgets")
