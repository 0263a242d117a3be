"""incident coding fields; "novel" only where reference data covers the incident

Adds what a casualty coder records on an incident: ACLED's event type and
sub-event type (suggested by ``nlp.eventtypes``, editable), deaths per side
(civilians, security forces, militants, peacekeepers) with a best estimate of
the total, and free notes.

"Already in ACLED?" said ``novel`` for every incident processed while no
reference data was imported. ``novel`` now means "compared, and not found": an
incident whose country and dates no imported reference rows cover goes back to
NULL, which every view shows as "not checked" (see incidents/matching.py).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 14:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INTEGER_COLUMNS = (
    "deaths_civilians",
    "deaths_security_forces",
    "deaths_militants",
    "deaths_peacekeepers",
    "deaths_best",
)

# The same rule as incidents.matching.ReferenceCoverage: reference rows of the
# incident's country on or before its first day and on or after its last day.
NOT_COVERED = """
UPDATE incidents SET match_label = NULL, match_ref_id = NULL, match_score = NULL
WHERE match_label = 'novel' AND (
    country IS NULL OR event_date IS NULL
    OR NOT EXISTS (SELECT 1 FROM reference_events r
                   WHERE r.country = incidents.country AND r.event_date <= incidents.event_date)
    OR NOT EXISTS (SELECT 1 FROM reference_events r
                   WHERE r.country = incidents.country
                     AND r.event_date >= coalesce(incidents.event_date_end, incidents.event_date))
)
"""


def upgrade() -> None:
    op.add_column("incidents", sa.Column("event_type", sa.String(length=64), nullable=True))
    op.add_column("incidents", sa.Column("sub_event_type", sa.String(length=64), nullable=True))
    for name in INTEGER_COLUMNS:
        op.add_column("incidents", sa.Column(name, sa.Integer(), nullable=True))
    op.add_column("incidents", sa.Column("notes", sa.Text(), nullable=True))
    op.execute(NOT_COVERED)
    # The queue's filter counts now also group by event vs period total (its tabs):
    # with `aggregate` in the index they are still read from the index alone.
    op.execute("DROP INDEX ix_incidents_counts")
    op.execute(
        "CREATE INDEX ix_incidents_counts ON incidents (status, match_label, country, aggregate)"
    )


def downgrade() -> None:
    # The NULL labels stay NULL: "not checked" is the honest reading either way.
    op.execute("DROP INDEX ix_incidents_counts")
    op.execute("CREATE INDEX ix_incidents_counts ON incidents (status, match_label, country)")
    op.drop_column("incidents", "notes")
    for name in reversed(INTEGER_COLUMNS):
        op.drop_column("incidents", name)
    op.drop_column("incidents", "sub_event_type")
    op.drop_column("incidents", "event_type")
