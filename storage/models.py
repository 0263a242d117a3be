"""SQLAlchemy 2.0 models: the whole civwatch domain (see DESIGN.md).

Times are stored as naive UTC and returned as aware UTC (``UTCDateTime``), so
SQLite and PostgreSQL behave alike. Status-like columns are short strings
checked by CHECK constraints rather than native enums, so adding a value is a
one-line migration on both databases.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
)
from sqlalchemy import (
    text as sql_text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

INCIDENT_STATUSES = ("candidate", "confirmed", "rejected", "merged")
DATE_PRECISIONS = ("day", "week", "month", "year", "unknown")
PLACE_PRECISIONS = ("point", "admin2", "admin1", "country", "region", "unresolved")
CLAIM_KINDS = ("killed", "injured", "abducted")
ACTOR_ROLES = ("perpetrator", "target")
ORIGINS = ("machine", "reviewer")
ROLES = ("reviewer", "admin")
GRADES = ("single_source", "corroborated", "contested")
# Column groups of an incident that reviewers edit (and lock) together.
INCIDENT_PLACE_FIELDS = (
    "place_name",
    "country",
    "admin1",
    "admin2",
    "lat",
    "lon",
    "geonames_id",
    "place_precision",
)
INCIDENT_DATE_FIELDS = ("event_date", "event_date_end", "date_precision")
# ACLED's event types and sub-event types (the coding a reviewer checks and corrects).
EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    "Violence against civilians": ("Attack", "Abduction/forced disappearance", "Sexual violence"),
    "Explosions/Remote violence": (
        "Air/drone strike",
        "Remote explosive/landmine/IED",
        "Shelling/artillery/missile attack",
        "Suicide bomb",
        "Grenade",
        "Chemical weapon",
    ),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Protests": (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}
# Deaths per side, each a reviewer's best estimate (UCDP codes deaths per side too).
DEATH_SIDES = ("civilians", "security_forces", "militants", "peacekeepers")
INCIDENT_CODING_FIELDS = (
    "event_type",
    "sub_event_type",
    *(f"deaths_{side}" for side in DEATH_SIDES),
    "deaths_best",
    "notes",
)
ARTICLE_STATUSES = ("new", "irrelevant", "foreign_language", "duplicate", "processed", "failed")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes in Python, naive UTC in the database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime(), dict[str, Any]: JSONType}


class Source(Base):
    """A configured source (mirrors an entry of the sources file) and its health."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    url: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8), default="auto")
    countries: Mapped[list[str]] = mapped_column(JSONType, default=list)
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # health
    last_run_at: Mapped[dt.datetime | None]
    last_success_at: Mapped[dt.datetime | None]
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    zero_article_runs: Mapped[int] = mapped_column(Integer, default=0)
    health: Mapped[str] = mapped_column(String(16), default="unknown")
    health_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint(_in("health", ("unknown", "ok", "warning", "failing")), name="health"),
    )


class SourceRun(Base):
    """What one crawl run did for one source."""

    __tablename__ = "source_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    job_run_id: Mapped[int | None] = mapped_column(ForeignKey("job_runs.id", ondelete="SET NULL"))
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
    requests: Mapped[int] = mapped_column(Integer, default=0)
    responses_by_status: Mapped[dict[str, Any]] = mapped_column(default=dict)
    articles_new: Mapped[int] = mapped_column(Integer, default=0)
    articles_duplicate: Mapped[int] = mapped_column(Integer, default=0)
    articles_irrelevant: Mapped[int] = mapped_column(Integer, default=0)
    articles_failed: Mapped[int] = mapped_column(Integer, default=0)
    dropped: Mapped[dict[str, Any]] = mapped_column(default=dict)  # reason -> count
    error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_source_runs_source_started", "source_id", "started_at"),)


class Article(Base):
    """A fetched and extracted page."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("sources.id", ondelete="SET NULL"), index=True
    )
    url: Mapped[str] = mapped_column(Text)
    canonical_url: Mapped[str] = mapped_column(String(2048), unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str | None] = mapped_column(String(8))
    published_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    fetched_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    near_dup_signature: Mapped[bytes | None] = mapped_column(LargeBinary)
    duplicate_of: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), index=True
    )
    relevance_score: Mapped[float | None] = mapped_column(Float)
    relevance_reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(24), default="new")
    status_reason: Mapped[str | None] = mapped_column(Text)
    nlp_version: Mapped[str | None] = mapped_column(String(32))
    processed_at: Mapped[dt.datetime | None]
    # a processing worker's lease (several workers on PostgreSQL): its owner is
    # the worker's ``host:pid:name``, renewed by its heartbeat while it lives
    lease_owner: Mapped[str | None] = mapped_column(String(128), index=True)
    lease_expires: Mapped[dt.datetime | None]
    # NLP failures so far: retried up to CIVWATCH_NLP_MAX_ATTEMPTS, then left
    nlp_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # evidence preservation: the fetched page as it was
    http_status: Mapped[int | None] = mapped_column(Integer)
    snapshot_sha256: Mapped[str | None] = mapped_column(String(64))
    snapshot_path: Mapped[str | None] = mapped_column(Text)

    source: Mapped[Source | None] = relationship()

    __table_args__ = (
        CheckConstraint(_in("status", ARTICLE_STATUSES), name="status"),
        Index("ix_articles_status_nlp", "status", "nlp_version"),
        # The seen-URL check looks URLs up before each request (migration 0003).
        Index("ix_articles_url", "url", postgresql_using="hash"),
        # The exact-duplicate check looks for the original with a text hash (0003).
        Index(
            "ix_articles_original_hash",
            "content_hash",
            sqlite_where=sql_text("duplicate_of IS NULL"),
            postgresql_where=sql_text("duplicate_of IS NULL"),
        ),
    )


class ReferenceEvent(Base):
    """A row of a human-coded dataset (ACLED, UCDP) for "already known?" matching."""

    __tablename__ = "reference_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    event_date: Mapped[dt.date] = mapped_column(Date, index=True)
    event_type: Mapped[str | None] = mapped_column(String(100))
    sub_event_type: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str | None] = mapped_column(String(2))
    admin1: Mapped[str | None] = mapped_column(String(200))
    admin2: Mapped[str | None] = mapped_column(String(200))
    location: Mapped[str | None] = mapped_column(String(200))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    actor1: Mapped[str | None] = mapped_column(Text)
    actor2: Mapped[str | None] = mapped_column(Text)
    fatalities: Mapped[int | None] = mapped_column(Integer)
    fatalities_low: Mapped[int | None] = mapped_column(Integer)
    fatalities_high: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    imported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("dataset", "external_id", name="uq_reference_events_dataset_id"),
        CheckConstraint(_in("dataset", ("acled", "ucdp")), name="dataset"),
    )


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16), default="reviewer")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None]
    # Set by an admin's password reset: the user must choose a new password first.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    password_changed_at: Mapped[dt.datetime | None]

    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)


class WebSession(Base):
    """A signed-in browser session, kept on the server so that it can be ended.

    The cookie carries a random token; only its SHA-256 is stored here. Logout,
    "sign out everywhere", disabling a user, a role or password change delete rows.
    """

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the token
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    address: Mapped[str | None] = mapped_column(String(64))


class SecurityEvent(Base):
    """Append-only log of sign-ins, failures, lockouts, user/role/token/password changes
    and exports (who, from where, about whom)."""

    __tablename__ = "security_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    event: Mapped[str] = mapped_column(String(32))
    # whom it is about (the account signing in, the user changed, the token's owner)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    username: Mapped[str | None] = mapped_column(String(64))
    # who did it, when someone else did (an admin); None: the user or the system
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    address: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ApiToken(Base):
    """A per-user token for the read-only JSON API; only its hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]


class Incident(Base):
    """A candidate incident: one violent event, or a flagged aggregate over a period."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="candidate", index=True)
    merged_into: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="SET NULL"), index=True
    )
    event_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    event_date_end: Mapped[dt.date | None] = mapped_column(Date)
    date_precision: Mapped[str] = mapped_column(String(8), default="unknown")
    # place as written, and its gazetteer resolution
    place_name: Mapped[str | None] = mapped_column(String(300))
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    admin1: Mapped[str | None] = mapped_column(String(200))
    admin2: Mapped[str | None] = mapped_column(String(200))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    geonames_id: Mapped[int | None] = mapped_column(Integer)
    place_precision: Mapped[str] = mapped_column(String(12), default="unresolved")
    # the records of one event (one per victim side) share this: the id of the first
    event_group: Mapped[int | None] = mapped_column(Integer, index=True)
    # every report read it as an earlier event recalled in passing (migration 0008)
    recalled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # figures computed from the claims under `figures_policy`
    figures_policy: Mapped[str] = mapped_column(String(16), default="conservative")
    killed_min: Mapped[int | None] = mapped_column(Integer)
    killed_max: Mapped[int | None] = mapped_column(Integer)
    injured_min: Mapped[int | None] = mapped_column(Integer)
    injured_max: Mapped[int | None] = mapped_column(Integer)
    abducted_min: Mapped[int | None] = mapped_column(Integer)
    abducted_max: Mapped[int | None] = mapped_column(Integer)
    civilians_killed: Mapped[int | None] = mapped_column(Integer)
    victims: Mapped[list[str]] = mapped_column(JSONType, default=list)
    aggregate: Mapped[bool] = mapped_column(Boolean, default=False)
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    grade: Mapped[str | None] = mapped_column(String(16))
    # coding: ACLED event type / sub-type (suggested by nlp.eventtypes, reviewer-editable),
    # deaths per side with a best estimate of the total, and the coder's free notes
    event_type: Mapped[str | None] = mapped_column(String(64))
    sub_event_type: Mapped[str | None] = mapped_column(String(64))
    deaths_civilians: Mapped[int | None] = mapped_column(Integer)
    deaths_security_forces: Mapped[int | None] = mapped_column(Integer)
    deaths_militants: Mapped[int | None] = mapped_column(Integer)
    deaths_peacekeepers: Mapped[int | None] = mapped_column(Integer)
    deaths_best: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    # "already known?" against reference events
    match_label: Mapped[str | None] = mapped_column(String(16))
    match_ref_id: Mapped[int | None] = mapped_column(
        ForeignKey("reference_events.id", ondelete="SET NULL")
    )
    match_score: Mapped[float | None] = mapped_column(Float)
    # review state
    new_evidence: Mapped[bool] = mapped_column(Boolean, default=False)
    locked_fields: Mapped[list[str]] = mapped_column(JSONType, default=list)
    reviewed_at: Mapped[dt.datetime | None]
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    claims: Mapped[list[Claim]] = relationship(back_populates="incident")
    actors: Mapped[list[IncidentActor]] = relationship(back_populates="incident")
    evidence: Mapped[list[EvidenceMention]] = relationship(back_populates="incident")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint(_in("status", INCIDENT_STATUSES), name="status"),
        CheckConstraint(_in("date_precision", DATE_PRECISIONS), name="date_precision"),
        CheckConstraint(_in("place_precision", PLACE_PRECISIONS), name="place_precision"),
        CheckConstraint(f"grade IS NULL OR {_in('grade', GRADES)}", name="grade"),
        CheckConstraint(
            "match_label IS NULL OR match_label IN ('novel', 'matches', 'conflicts')",
            name="match_label",
        ),
        CheckConstraint("status <> 'merged' OR merged_into IS NOT NULL", name="merged_target"),
        Index("ix_incidents_place_date", "country", "admin1", "event_date"),
    )


class Claim(Base):
    """One casualty figure as one claimant stated it, with its evidence span."""

    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(12))
    min: Mapped[int | None] = mapped_column(Integer)
    max: Mapped[int | None] = mapped_column(Integer)
    qualifier: Mapped[str | None] = mapped_column(String(100))
    victims_text: Mapped[str | None] = mapped_column(String(300))
    victim_category: Mapped[str | None] = mapped_column(String(32))
    claimant: Mapped[str | None] = mapped_column(String(300))
    quote: Mapped[str | None] = mapped_column(Text)
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)
    published_at: Mapped[dt.datetime | None]
    superseded: Mapped[bool] = mapped_column(Boolean, default=False)
    origin: Mapped[str] = mapped_column(String(10), default="machine")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    nlp_version: Mapped[str | None] = mapped_column(String(32))
    merge_score: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    incident: Mapped[Incident] = relationship(back_populates="claims")

    __table_args__ = (
        CheckConstraint(_in("kind", CLAIM_KINDS), name="kind"),
        CheckConstraint(_in("origin", ORIGINS), name="origin"),
        CheckConstraint("min IS NULL OR max IS NULL OR min <= max", name="range"),
        CheckConstraint("min IS NULL OR min >= 0", name="min_nonneg"),
        CheckConstraint(
            "origin = 'reviewer' OR article_id IS NOT NULL OR quote IS NULL",
            name="machine_has_article",
        ),
    )


class IncidentActor(Base):
    """An actor of an incident, normalised to the lexicon, with its role."""

    __tablename__ = "incident_actors"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(200))
    actor_type: Mapped[str | None] = mapped_column(String(32))
    as_written: Mapped[str | None] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(12))
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    origin: Mapped[str] = mapped_column(String(10), default="machine")

    incident: Mapped[Incident] = relationship(back_populates="actors")

    __table_args__ = (
        CheckConstraint(_in("role", ACTOR_ROLES), name="role"),
        CheckConstraint(_in("origin", ORIGINS), name="origin"),
    )


class EvidenceMention(Base):
    """A sentence of an article that supports an incident."""

    __tablename__ = "evidence_mentions"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    sentence: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    similarity: Mapped[float | None] = mapped_column(Float)  # merge score when attached by merging
    # why merging attached this article here: score, parts, what decided (merge.explain)
    merge_why: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    origin: Mapped[str] = mapped_column(String(10), default="machine")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    incident: Mapped[Incident] = relationship(back_populates="evidence")

    __table_args__ = (
        UniqueConstraint(
            "incident_id", "article_id", "start", "end", name="uq_evidence_mentions_span"
        ),
        CheckConstraint('"start" >= 0 AND "end" >= "start"', name="offsets"),
    )


class Review(Base):
    """Append-only audit trail: who did what to which incident, before and after."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(32))
    before: Mapped[dict[str, Any]] = mapped_column(default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(default=dict)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class JobRun(Base):
    """One run of a job (crawl, process, digest, health, maintenance)."""

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(64), index=True)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="running")
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    host: Mapped[str | None] = mapped_column(String(255))
    pid: Mapped[int | None] = mapped_column(Integer)
    # heartbeat of a running job: when its process was last known alive
    last_seen: Mapped[dt.datetime | None]

    __table_args__ = (
        CheckConstraint(
            _in("status", ("running", "ok", "failed", "interrupted", "skipped")), name="status"
        ),
        Index("ix_job_runs_job_started", "job", "started_at"),
    )


class Digest(Base):
    """A digest built for one profile and period; sent at most once unless resent."""

    __tablename__ = "digests"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile: Mapped[str] = mapped_column(String(64))
    period_start: Mapped[dt.datetime]
    period_end: Mapped[dt.datetime]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="built")
    recipients: Mapped[list[str]] = mapped_column(JSONType, default=list)
    incident_ids: Mapped[list[int]] = mapped_column(JSONType, default=list)
    path: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("profile", "period_start", "period_end", name="uq_digests_period"),
        CheckConstraint(_in("status", ("built", "sent", "failed")), name="status"),
    )


class Lock(Base):
    """A named lease held by one process (scheduler jobs across processes and hosts)."""

    __tablename__ = "locks"

    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    owner: Mapped[str] = mapped_column(String(255))
    acquired_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]


class AuditImmutableError(RuntimeError):
    """Raised when code tries to change or delete an audit or security-log row."""


@event.listens_for(Session, "before_flush")
def _audit_rows_are_append_only(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, Review) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditImmutableError("audit rows (reviews) are append-only")
        if isinstance(obj, SecurityEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditImmutableError("security log rows are append-only")
