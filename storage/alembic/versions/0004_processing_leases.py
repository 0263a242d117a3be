"""processing leases that follow the worker, job heartbeats, NLP attempts

* ``job_runs.last_seen``: a running job's heartbeat. A ``running`` row whose
  process is gone (same host, PID dead) or that has not been seen for longer
  than the lease expiry (another host) is shown and recorded ``interrupted``,
  with the time it was last seen.
* ``articles.nlp_attempts``: how many times the NLP failed on an article. A
  failed article is retried by the next runs up to CIVWATCH_NLP_MAX_ATTEMPTS,
  then left for an operator.
* ``ix_articles_lease_owner``: a starting worker looks up the owners of the
  leases held now (to reclaim those of dead workers of its host) at every
  claim; without the index that read scans the articles table, texts and all.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 14:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN on both databases (SQLite needs no table rebuild for it).
    op.add_column("job_runs", sa.Column("last_seen", UTCDateTime(), nullable=True))
    op.add_column(
        "articles", sa.Column("nlp_attempts", sa.Integer(), nullable=False, server_default="0")
    )
    op.create_index("ix_articles_lease_owner", "articles", ["lease_owner"])


def downgrade() -> None:
    op.drop_index("ix_articles_lease_owner", table_name="articles")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("nlp_attempts")
    with op.batch_alter_table("job_runs") as batch:
        batch.drop_column("last_seen")
