"""The bundled demo pages served by the tests' local HTTP server, with optional slowness."""

from __future__ import annotations

import datetime as dt

from ops.demo import DEMO_DIR, render_demo
from tests.localserver import LocalServer

ARTICLES = sorted(p.relative_to(DEMO_DIR).as_posix() for p in DEMO_DIR.glob("*/*.html"))


def serve_demo(server: LocalServer, *, prefix: str = "", page_delay: float = 0.0) -> dict[str, str]:
    """Serve the demo feeds and pages under ``prefix``; returns {source key: feed URL}."""
    today = dt.date.today()
    base = server.base + prefix
    server.add(prefix + "/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    for rel in ARTICLES:
        body = render_demo((DEMO_DIR / rel).read_text(encoding="utf-8"), base, today)
        server.add(
            f"{prefix}/{rel}", body, content_type="text/html; charset=utf-8", delay=page_delay
        )
    feeds = {}
    for lang in ("en", "fr"):
        body = render_demo((DEMO_DIR / lang / "feed.xml").read_text(encoding="utf-8"), base, today)
        feeds[f"demo_{lang}"] = server.add(
            f"{prefix}/{lang}/feed.xml", body, content_type="application/rss+xml"
        )
    return feeds
