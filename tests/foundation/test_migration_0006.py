"""Migration 0006: an incident labelled "novel" while no reference rows covered
its country and dates becomes "not checked" (NULL); a covered one stays novel.
SQLite and real PostgreSQL."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from storage import Database
from storage.db import alembic_config, current_revision, upgrade


def test_novel_without_coverage_becomes_not_checked(db: Database) -> None:
    command.downgrade(alembic_config(db.engine), "0003")
    assert current_revision(db.engine) == "0003"
    insert = text(
        "INSERT INTO incidents (id, status, event_date, event_date_end, country, match_label, "
        "date_precision, place_precision, figures_policy, victims, aggregate, confidence, "
        "new_evidence, locked_fields, created_at, updated_at, version) VALUES "
        "(:id, 'candidate', :day, :end, :country, :label, 'day', 'point', 'conservative', "
        "'[]', false, 0.5, false, '[]', '2024-05-01 00:00:00', '2024-05-01 00:00:00', 1)"
    )
    with db.engine.begin() as conn:
        for n, ref_day in enumerate(("2024-01-05", "2024-06-05")):
            conn.execute(
                text(
                    "INSERT INTO reference_events (id, dataset, external_id, event_date, country, "
                    "imported_at) VALUES (:id, 'acled', :ext, :day, 'ML', '2024-07-01 00:00:00')"
                ),
                {"id": n + 1, "ext": f"ML{n}", "day": ref_day},
            )
        rows: list[tuple[int, str | None, str | None, str, str | None]] = [
            (1, "2024-03-01", None, "ML", "novel"),  # covered: stays novel
            (2, "2024-03-01", None, "NE", "novel"),  # no rows for Niger
            (3, "2024-07-01", None, "ML", "novel"),  # after the last row
            (4, "2024-03-01", "2024-06-20", "ML", "novel"),  # its end is not covered
            (5, None, None, "ML", "novel"),  # no date: never compared
            (6, "2024-03-01", None, "NE", None),
        ]
        for iid, day, end, country, label in rows:
            conn.execute(
                insert, {"id": iid, "day": day, "end": end, "country": country, "label": label}
            )
    upgrade(db.engine)
    with db.engine.connect() as conn:
        labels: dict[int, str | None] = {
            int(row[0]): row[1]
            for row in conn.execute(text("SELECT id, match_label FROM incidents ORDER BY id"))
        }
    assert labels == {1: "novel", 2: None, 3: None, 4: None, 5: None, 6: None}
