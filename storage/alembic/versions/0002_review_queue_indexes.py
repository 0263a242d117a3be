"""review queue indexes

The review queue sorts candidates by priority and counts them per filter
(review/queries.py). With 50,000 incidents these two indexes bring the queue's
p95 under 150 ms (bench/bench_review.py). The priority index is on an
expression, which SQLAlchemy models cannot declare portably, so it lives here
only and env.py leaves it out of autogenerate comparisons.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 14:10:00
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    nulls = "" if op.get_bind().dialect.name == "sqlite" else " NULLS LAST"
    op.execute("CREATE INDEX ix_incidents_counts ON incidents (status, match_label, country)")
    op.execute(
        "CREATE INDEX ix_incidents_queue ON incidents (status, new_evidence DESC, "
        "coalesce(civilians_killed, killed_min, 0) DESC, confidence DESC, "
        f"event_date DESC{nulls}, id DESC)"
    )


def downgrade() -> None:
    op.execute("DROP INDEX ix_incidents_queue")
    op.execute("DROP INDEX ix_incidents_counts")
