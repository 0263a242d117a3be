"""The one home of civwatch's configuration.

Two kinds of setting live here:

* ``Settings`` — civwatch's own configuration, a frozen dataclass built from the
  environment by :meth:`Settings.from_env`. Every field has a documented default
  and an environment variable that overrides it (``CIVWATCH_<FIELD>`` unless
  noted). Secrets (ACLED credentials, SMTP password, web secret key) have no
  default: they come only from the environment, or from a file named by
  ``<VAR>_FILE`` (systemd credentials, Docker secrets).
  Components receive a ``Settings`` through their constructor or
  ``from_crawler``; nothing reads a global instance.

* The upper-case module constants at the bottom — Scrapy's settings module
  (``scrapy.cfg`` points here). They are static politeness defaults; the crawl
  command adds the civwatch values per run.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_type_hints

ROOT = Path(__file__).resolve().parent
DEFAULT_SOURCES = ROOT / "sources.yaml"
# The countries watched when neither a source nor the caller names any (Mali,
# Burkina Faso, Niger). The one definition: ``Settings.focus_countries``, the
# NLP components' defaults and ``civwatch analyze --focus`` all read it.
DEFAULT_FOCUS: tuple[str, ...] = ("ML", "BF", "NE")


class SettingsError(ValueError):
    """A configuration value is present but unusable (one clear line)."""


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "civwatch"


def _env(name: str, doc: str, *, secret: bool = False) -> dict[str, Any]:
    return {"env": name, "doc": doc, "secret": secret}


@dataclass(frozen=True)
class Settings:
    """civwatch configuration. Build with ``Settings.from_env()``."""

    # --- storage -----------------------------------------------------------
    data_dir: Path = field(
        default_factory=_default_data_dir,
        metadata=_env(
            "CIVWATCH_DATA_DIR",
            "Where the SQLite database, page snapshots, digests and logs live. "
            "Default: $XDG_DATA_HOME/civwatch (~/.local/share/civwatch).",
        ),
    )
    database_url: str = field(
        default="",
        metadata=_env(
            "CIVWATCH_DATABASE_URL",
            "SQLAlchemy URL. Default: sqlite:///<data_dir>/civwatch.sqlite3. "
            "PostgreSQL: postgresql+psycopg://user@host/db.",
        ),
    )
    sources: Path = field(
        default=DEFAULT_SOURCES,
        metadata=_env(
            "CIVWATCH_SOURCES",
            "The sources YAML file. Default: sources.yaml shipped beside this file.",
        ),
    )

    # --- what we watch -----------------------------------------------------
    languages: tuple[str, ...] = field(
        default=("en", "fr"),
        metadata=_env(
            "CIVWATCH_LANGUAGES",
            "Languages sent to NLP (comma-separated ISO 639-1). Others are stored, flagged.",
        ),
    )
    focus_countries: tuple[str, ...] = field(
        default=DEFAULT_FOCUS,
        metadata=_env(
            "CIVWATCH_FOCUS_COUNTRIES",
            "ISO alpha-2 countries watched when a source names none (comma-separated).",
        ),
    )

    # --- crawling ----------------------------------------------------------
    contact: str = field(
        default="https://github.com/civwatch/civwatch",
        metadata=_env(
            "CIVWATCH_CONTACT",
            "Contact (URL or e-mail) put in the crawler's User-Agent so sites can reach us.",
        ),
    )
    crawl_window_days: int = field(
        default=7,
        metadata=_env(
            "CIVWATCH_CRAWL_WINDOW_DAYS",
            "Items older than this many days are not fetched unless --since widens it.",
        ),
    )
    http_cache: bool = field(
        default=False,
        metadata=_env(
            "CIVWATCH_HTTP_CACHE",
            "Scrapy's HTTP cache (under data_dir/httpcache), for development.",
        ),
    )
    download_maxsize: int = field(
        default=10 * 1024 * 1024,
        metadata=_env("CIVWATCH_DOWNLOAD_MAXSIZE", "Largest response body accepted, bytes."),
    )
    download_timeout: int = field(
        default=30,
        metadata=_env("CIVWATCH_DOWNLOAD_TIMEOUT", "Seconds before a request is abandoned."),
    )
    extract_workers: int = field(
        default=0,
        metadata=_env(
            "CIVWATCH_EXTRACT_WORKERS",
            "Extraction processes during a crawl (0: extract in the crawl process). On "
            "two free cores, 2 about double pages/s (bench/README.md).",
        ),
    )
    reliefweb_appname: str = field(
        default="",
        metadata=_env(
            "CIVWATCH_RELIEFWEB_APPNAME",
            "ReliefWeb API appname (ReliefWeb requires a pre-approved one). "
            "Empty: reliefweb sources are skipped with a message.",
        ),
    )
    acled_username: str = field(
        default="",
        metadata=_env("CIVWATCH_ACLED_USERNAME", "ACLED account e-mail (API access).", secret=True),
    )
    acled_password: str = field(
        default="",
        metadata=_env("CIVWATCH_ACLED_PASSWORD", "ACLED account password.", secret=True),
    )

    # --- processing --------------------------------------------------------
    nlp_batch_size: int = field(
        default=16,
        metadata=_env(
            "CIVWATCH_NLP_BATCH_SIZE",
            "Articles a processing worker leases and analyses together. The NLP pipes "
            "4 texts at a time whatever this is, so a bigger batch is not faster; a "
            "small one leases only what will be processed soon (fewer articles wait "
            "for the lease expiry when a worker of another host dies).",
        ),
    )
    process_lease_seconds: int = field(
        default=90,
        metadata=_env(
            "CIVWATCH_PROCESS_LEASE_SECONDS",
            "How long a processing worker's lease on its articles lasts without renewal. "
            "A live worker renews it every few seconds (and per article); the articles of "
            "a worker on another host that died are taken by the next run after this. "
            "A dead worker of the same host is reclaimed at once, without waiting. Also how "
            "long a running job (process, crawl) of another host may go unseen before "
            "`status` shows it interrupted.",
        ),
    )
    nlp_max_attempts: int = field(
        default=3,
        metadata=_env(
            "CIVWATCH_NLP_MAX_ATTEMPTS",
            "Processing runs that may fail on one article (an NLP error) before it is "
            "left for an operator (`civwatch status`, `doctor`; `process --reprocess` "
            "tries it again).",
        ),
    )
    figures_policy: str = field(
        default="conservative",
        metadata=_env(
            "CIVWATCH_FIGURES_POLICY",
            "How an incident's figures are computed from its claims: conservative | best.",
        ),
    )
    merge_window_days: int = field(
        default=3,
        metadata=_env(
            "CIVWATCH_MERGE_WINDOW_DAYS",
            "Reports this many days apart may describe the same event (widened for "
            "imprecise dates).",
        ),
    )
    merge_distance_km: float = field(
        default=25.0,
        metadata=_env(
            "CIVWATCH_MERGE_DISTANCE_KM",
            "Resolved places closer than this may be one event.",
        ),
    )

    # --- e-mail and digest -------------------------------------------------
    smtp_host: str = field(
        default="", metadata=_env("CIVWATCH_SMTP_HOST", "SMTP server. Empty: files only.")
    )
    smtp_port: int = field(
        default=587,
        metadata=_env(
            "CIVWATCH_SMTP_PORT", "SMTP port (587 submission with STARTTLS, 465 for ssl)."
        ),
    )
    smtp_user: str = field(
        default="",
        metadata=_env("CIVWATCH_SMTP_USER", "SMTP login name; empty: no authentication."),
    )
    smtp_password: str = field(
        default="", metadata=_env("CIVWATCH_SMTP_PASSWORD", "SMTP password (secret).", secret=True)
    )
    smtp_tls: str = field(
        default="starttls",
        metadata=_env("CIVWATCH_SMTP_TLS", "Transport security: starttls | ssl | none."),
    )
    digest_from: str = field(
        default="civwatch@localhost",
        metadata=_env("CIVWATCH_DIGEST_FROM", "From: address of digests."),
    )
    digest_to: tuple[str, ...] = field(
        default=(),
        metadata=_env("CIVWATCH_DIGEST_TO", "Recipients of the default digest profile."),
    )
    digest_profiles: str = field(
        default="",
        metadata=_env(
            "CIVWATCH_DIGEST_PROFILES",
            "YAML file of digest profiles (recipients, country/admin1 filter, thresholds, "
            "language). Empty: one profile 'default' sent to CIVWATCH_DIGEST_TO.",
        ),
    )
    timezone: str = field(
        default="UTC",
        metadata=_env("CIVWATCH_TIMEZONE", "Time zone of schedules and digest days (IANA name)."),
    )

    # --- scheduler (`civwatch schedule`) -----------------------------------
    crawl_interval: int = field(
        default=3600,
        metadata=_env(
            "CIVWATCH_CRAWL_INTERVAL",
            "Seconds between crawls of sources without a group of their own.",
        ),
    )
    crawl_group_intervals: tuple[str, ...] = field(
        default=(),
        metadata=_env(
            "CIVWATCH_CRAWL_GROUP_INTERVALS",
            "Per-group crawl intervals, GROUP=SECONDS comma-separated (a source's `group` "
            "option); a group not listed uses CIVWATCH_CRAWL_INTERVAL.",
        ),
    )
    crawl_timeout: int = field(
        default=1800,
        metadata=_env(
            "CIVWATCH_CRAWL_TIMEOUT",
            "Wall-clock seconds one crawl subprocess may run before it is stopped.",
        ),
    )
    process_interval: int = field(
        default=900,
        metadata=_env(
            "CIVWATCH_PROCESS_INTERVAL",
            "Seconds between processing runs (a crawl that stored articles also triggers one).",
        ),
    )
    stage_timeout: int = field(
        default=3600,
        metadata=_env(
            "CIVWATCH_STAGE_TIMEOUT",
            "Wall-clock seconds a process or digest subprocess may run.",
        ),
    )
    digest_schedule: tuple[str, ...] = field(
        default=(),
        metadata=_env(
            "CIVWATCH_DIGEST_SCHEDULE",
            "Overrides of when digest profiles are built and sent, PROFILE=HH:MM (local "
            "time in CIVWATCH_TIMEZONE) or PROFILE=every:SECONDS, comma-separated. "
            "Default: each profile's send_at.",
        ),
    )
    health_interval: int = field(
        default=900,
        metadata=_env("CIVWATCH_HEALTH_INTERVAL", "Seconds between health checks."),
    )
    maintenance_time: str = field(
        default="03:30",
        metadata=_env(
            "CIVWATCH_MAINTENANCE_TIME",
            "Daily database vacuum/analyse and retention, HH:MM local time.",
        ),
    )
    snapshot_retention_days: int = field(
        default=0,
        metadata=_env(
            "CIVWATCH_SNAPSHOT_RETENTION_DAYS",
            "Page snapshots of articles with no incident older than this are deleted; "
            "0 keeps every snapshot (evidence preservation).",
        ),
    )
    httpcache_retention_days: int = field(
        default=14,
        metadata=_env(
            "CIVWATCH_HTTPCACHE_RETENTION_DAYS",
            "Files of Scrapy's HTTP cache older than this are deleted by maintenance.",
        ),
    )
    min_free_disk_mb: int = field(
        default=1024,
        metadata=_env(
            "CIVWATCH_MIN_FREE_DISK_MB",
            "Health check warns below this much free space in the data directory.",
        ),
    )
    stop_grace: int = field(
        default=60,
        metadata=_env(
            "CIVWATCH_STOP_GRACE",
            "Seconds a running job gets to finish after SIGTERM before it is killed; keep "
            "below systemd's TimeoutStopSec.",
        ),
    )

    # --- web ---------------------------------------------------------------
    secret_key: str = field(
        default="",
        metadata=_env(
            "CIVWATCH_SECRET_KEY",
            "Signs review-UI sessions and CSRF tokens. Required by `civwatch serve`.",
            secret=True,
        ),
    )
    base_url: str = field(
        default="http://127.0.0.1:8000",
        metadata=_env("CIVWATCH_BASE_URL", "Public address of the review UI, for digest links."),
    )
    session_lifetime: int = field(
        default=12 * 3600,
        metadata=_env(
            "CIVWATCH_SESSION_LIFETIME",
            "Seconds a review-UI sign-in lasts at most, however active (absolute lifetime).",
        ),
    )
    session_idle_timeout: int = field(
        default=3600,
        metadata=_env(
            "CIVWATCH_SESSION_IDLE_TIMEOUT",
            "Seconds without a request after which a review-UI session ends.",
        ),
    )
    trusted_proxies: tuple[str, ...] = field(
        default=(),
        metadata=_env(
            "CIVWATCH_TRUSTED_PROXIES",
            "Addresses or networks of reverse proxies whose X-Forwarded-For is believed "
            "(comma-separated, e.g. 127.0.0.1,::1). Empty: the peer's address is the "
            "client's, and X-Forwarded-For is ignored.",
        ),
    )

    # --- derived -----------------------------------------------------------
    @property
    def db_url(self) -> str:
        """The database URL, defaulting to SQLite in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'civwatch.sqlite3'}"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from ``environ`` (default ``os.environ``) plus keyword overrides."""
        env = os.environ if environ is None else environ
        hints = get_type_hints(cls)
        values: dict[str, Any] = {}
        for f in fields(cls):
            name = f.metadata["env"]
            raw = env.get(name)
            file_name = env.get(f"{name}_FILE")
            if raw is None and file_name and f.metadata["secret"]:
                try:
                    raw = Path(file_name).read_text(encoding="utf-8").strip()
                except OSError as exc:
                    raise SettingsError(f"{name}_FILE: cannot read {file_name}: {exc}") from exc
            if raw is None or raw == "":
                continue
            values[f.name] = _parse(name, raw, hints[f.name])
        values.update(overrides)
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        """Refuse values that would fail later in a less clear way."""
        if self.smtp_tls not in ("starttls", "ssl", "none"):
            raise SettingsError(
                f"CIVWATCH_SMTP_TLS must be starttls, ssl or none, not {self.smtp_tls!r}"
            )
        if self.figures_policy not in ("conservative", "best"):
            raise SettingsError(
                f"CIVWATCH_FIGURES_POLICY must be conservative or best, not {self.figures_policy!r}"
            )
        if self.nlp_batch_size < 1:
            raise SettingsError("CIVWATCH_NLP_BATCH_SIZE must be at least 1")
        if self.process_lease_seconds < 3:
            raise SettingsError("CIVWATCH_PROCESS_LEASE_SECONDS must be at least 3")
        if self.nlp_max_attempts < 1:
            raise SettingsError("CIVWATCH_NLP_MAX_ATTEMPTS must be at least 1")
        if self.extract_workers < 0:
            raise SettingsError("CIVWATCH_EXTRACT_WORKERS must be 0 or more")
        if self.session_lifetime < 60 or self.session_idle_timeout < 60:
            raise SettingsError(
                "CIVWATCH_SESSION_LIFETIME and CIVWATCH_SESSION_IDLE_TIMEOUT must be "
                "at least 60 seconds"
            )
        for proxy in self.trusted_proxies:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError as exc:
                raise SettingsError(f"CIVWATCH_TRUSTED_PROXIES: {proxy!r}: {exc}") from exc

    def describe(self) -> list[tuple[str, str, str]]:
        """(env var, current value with secrets masked, doc) for every setting."""
        rows = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.metadata["secret"]:
                shown = "(set)" if value else "(unset)"
            elif isinstance(value, tuple):
                shown = ",".join(value)
            else:
                shown = str(value)
            rows.append((f.metadata["env"], shown, f.metadata["doc"]))
        return rows


def _parse(name: str, raw: str, kind: Any) -> Any:
    text = raw.strip()
    try:
        if kind is Path:
            return Path(text).expanduser()
        if kind is bool:
            lowered = text.lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off"):
                return False
            raise ValueError("expected true/false")
        if kind is int:
            return int(text)
        if kind is float:
            return float(text)
        if kind == tuple[str, ...]:
            return tuple(part.strip() for part in text.split(",") if part.strip())
    except ValueError as exc:
        raise SettingsError(f"{name}={raw!r}: {exc}") from exc
    return text


# ---------------------------------------------------------------------------
# Scrapy settings (scrapy.cfg: [settings] default = settings).
# Static politeness defaults; `civwatch crawl` overrides per run from Settings.
# ---------------------------------------------------------------------------
BOT_NAME = "civwatch"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
USER_AGENT = "civwatch/0.1 (+https://github.com/civwatch/civwatch)"
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 10
# 429 is retried too: RetryAfterMiddleware waits what Retry-After asks (up to
# CIVWATCH_RETRY_AFTER_MAX seconds), else CIVWATCH_RETRY_BACKOFF × 2^attempt.
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
CIVWATCH_RETRY_BACKOFF = 2.0
CIVWATCH_RETRY_AFTER_MAX = 120.0
DOWNLOADER_MIDDLEWARES = {
    # before robots.txt (100): a stored URL needs neither robots.txt nor a fetch
    "crawling.middlewares.SeenUrlMiddleware": 90,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawling.middlewares.RetryAfterMiddleware": 550,
    "crawling.middlewares.ConditionalGetMiddleware": 560,
    # after RedirectMiddleware (600): sees a 3xx before it is followed
    "crawling.middlewares.RedirectLoopMiddleware": 650,
}
SPIDER_MIDDLEWARES = {
    "crawling.middlewares.SeenItemFilter": 950,
}
EXTENSIONS = {
    "crawling.health.SourceHealth": 500,
    "crawling.gctuning.CollectorTuning": 900,
}
ITEM_PIPELINES = {
    "pipelines.canonical.CanonicalUrlPipeline": 100,
    "pipelines.extraction.ExtractionPipeline": 200,
    "pipelines.language.LanguagePipeline": 300,
    "pipelines.dedup.DuplicatePipeline": 400,
    "pipelines.relevance.RelevancePipeline": 500,
    "pipelines.store.StorePipeline": 600,
}
# Extraction worker processes (0: extract on the reactor thread). A pool lets a
# second core extract while the reactor keeps fetching. `civwatch crawl` sets it
# from Settings.extract_workers (CIVWATCH_EXTRACT_WORKERS in the environment).
CIVWATCH_EXTRACT_WORKERS = 0
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"


def from_scrapy_settings(scrapy_settings: Any) -> Settings:
    """The civwatch ``Settings`` a crawl was started with.

    ``civwatch crawl`` puts its ``Settings`` object under ``CIVWATCH_SETTINGS`` in
    the crawler's settings; a bare ``scrapy crawl`` builds one from the environment.
    Used by ``from_crawler`` of civwatch's Scrapy components.
    """
    value = scrapy_settings.get("CIVWATCH_SETTINGS")
    if isinstance(value, Settings):
        return value
    return Settings.from_env()
