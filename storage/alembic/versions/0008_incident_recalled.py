"""incidents every report read as an earlier event recalled in passing

``incidents.recalled``: the NLP read the record as an earlier event its article
recalls ("two weeks after 33 people were killed", "as in the July attack"), not
the news it reports. Such a record without a date of its own is not matched by
its report's days: merging asks the same place and the same toll
(``incidents/merge.py``). A report that tells the event as news clears it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE on both databases (see 0007: a batch copy on SQLite would lose
    # the review queue's expression indexes).
    op.add_column(
        "incidents",
        sa.Column("recalled", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_column("incidents", "recalled")
