"""articles lookup indexes for the crawl

The seen-URL check (pipelines/middlewares.py) asks, before every article
request, whether the URL is stored as a fetched or a canonical URL. Only the
canonical URL had an index (its unique constraint), so SQLite answered the
``url = ? OR canonical_url = ?`` query by scanning the articles table, texts
and all: ~1 ms per request with 1,000 articles in bench/bench_crawl.py, and
growing with the table. A hash index on PostgreSQL: equality is all it serves,
and a redirect target longer than a B-tree entry allows cannot break an insert.

The exact-duplicate check asks for the first original (``duplicate_of IS
NULL``) with a text hash. The plain hash index found every copy too and read
each row (past its text, on SQLite) to test ``duplicate_of``; a partial index
of originals answers from the index alone.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 15:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


ORIGINALS = "duplicate_of IS NULL"


def upgrade() -> None:
    op.create_index("ix_articles_url", "articles", ["url"], postgresql_using="hash")
    op.drop_index("ix_articles_content_hash", table_name="articles")
    op.create_index(
        "ix_articles_original_hash",
        "articles",
        ["content_hash"],
        sqlite_where=sa.text(ORIGINALS),
        postgresql_where=sa.text(ORIGINALS),
    )


def downgrade() -> None:
    op.drop_index("ix_articles_original_hash", table_name="articles")
    op.create_index("ix_articles_content_hash", "articles", ["content_hash"])
    op.drop_index("ix_articles_url", table_name="articles")
