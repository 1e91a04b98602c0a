"""Submissions record the date they were made on (submit --on), so status on a date counts only what existed then.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: submissions stored before this revision have only the clock time they were recorded at.
    with op.batch_alter_table("submissions") as batch:
        batch.add_column(sa.Column("submitted_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("submissions") as batch:
        batch.drop_column("submitted_on")
