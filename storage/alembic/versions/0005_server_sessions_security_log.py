"""server-side web sessions, the security log, password-reset columns, folded usernames

* ``web_sessions``: one row per signed-in browser session (the cookie holds a
  random token, the row its SHA-256), so logout, "sign out everywhere", disabling
  a user and a role or password change end sessions on the server at once.
* ``security_events``: the append-only log of sign-ins, failures, lockouts,
  user/role/token/password changes and exports.
* ``users.must_change_password`` (an admin's reset) and ``password_changed_at``.
* Usernames are now NFKC-normalised and case-folded (storage/users.py). Existing
  names are folded here when the folded name is free and in the allowed set;
  a name that would collide with another (``Bob`` beside ``bob``) is left as it
  is and still signs in by its exact spelling, for an admin to sort out.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 14:30:00
"""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import storage.models

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "must_change_password",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
            )
        )
        batch_op.add_column(
            sa.Column("password_changed_at", storage.models.UTCDateTime(), nullable=True)
        )
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", storage.models.UTCDateTime(), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_web_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
    )
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_sessions_user_id"), ["user_id"], unique=False)
    op.create_table(
        "security_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.Column(
            "detail",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_security_events_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_security_events_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_events")),
    )
    with op.batch_alter_table("security_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_security_events_created_at"), ["created_at"], unique=False
        )
    _fold_usernames()


# The rule of storage/users.py at this revision, copied so that the migration
# keeps doing what it did when that rule changes.
_ALLOWED = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")


def _folded(name: str) -> str | None:
    folded = unicodedata.normalize("NFKC", name).casefold().strip()
    return folded if _ALLOWED.fullmatch(folded) else None


def _fold_usernames() -> None:
    bind = op.get_bind()
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("username", sa.String))
    rows = list(bind.execute(sa.select(users.c.id, users.c.username)))
    taken = {name for _id, name in rows}
    for user_id, name in rows:
        folded = _folded(name)
        if folded is None or folded == name or folded in taken:
            continue
        bind.execute(users.update().where(users.c.id == user_id).values(username=folded))
        taken.discard(name)
        taken.add(folded)


def downgrade() -> None:
    with op.batch_alter_table("security_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_security_events_created_at"))
    op.drop_table("security_events")
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_sessions_user_id"))
    op.drop_table("web_sessions")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("password_changed_at")
        batch_op.drop_column("must_change_password")
