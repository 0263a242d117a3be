"""why two reports were merged, and the records of one event linked

``evidence_mentions.merge_why``: when the processing stage attached an
article's reading to an incident another article created, the decision (the
score, each part of it with what it saw, and the parts that decided) is kept
with the evidence it added, for the reviewer (incident page) and the merge
evaluation. Evidence rows are replaced with the article's machine rows on
re-processing, so the explanation always describes the current merge.

``incidents.event_group``: the records of one event (one per victim side:
civilians, soldiers, attackers, peacekeepers) share it — the id of the group's
first incident. A plain integer, not a foreign key: the group keeps its label
when its first record is deleted by re-processing.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 15:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE on both databases: a batch copy of the incidents table on
    # SQLite would lose the review queue's expression indexes (migration 0002).
    op.add_column(
        "evidence_mentions",
        sa.Column("merge_why", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=True),
    )
    op.add_column("incidents", sa.Column("event_group", sa.Integer(), nullable=True))
    op.create_index("ix_incidents_event_group", "incidents", ["event_group"])


def downgrade() -> None:
    op.drop_index("ix_incidents_event_group", table_name="incidents")
    op.drop_column("incidents", "event_group")  # SQLite >= 3.35 drops columns natively
    op.drop_column("evidence_mentions", "merge_why")
