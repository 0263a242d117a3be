"""ORM rows for tests, one helper per model.

Each helper adds its row and flushes, so the row has its id at once and a data
set names only the values it cares about: the digest scenario
(``tests/digest/scenario.py``), the review seed (``tests/review/seed.py``,
``extra.py``) and the incidents tests build their rows here. The defaults are
the values every one of them wrote out by hand; anything else is the caller's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from storage.models import (
    Article,
    Claim,
    EvidenceMention,
    Incident,
    IncidentActor,
    ReferenceEvent,
    Review,
    Source,
    User,
)

Row = TypeVar("Row")


@dataclass
class Rows:
    """Adds rows to ``session`` (flushing each; committing is the caller's)."""

    session: Session

    def add(self, row: Row) -> Row:
        self.session.add(row)
        self.session.flush()
        return row

    def source(self, key: str, name: str, url: str, *, kind: str = "feed", **values: Any) -> Source:
        return self.add(Source(key=key, name=name, kind=kind, url=url, **values))

    def user(
        self, username: str, *, role: str = "reviewer", password_hash: str = "x", **values: Any
    ) -> User:
        return self.add(User(username=username, password_hash=password_hash, role=role, **values))

    def article(
        self, url: str, *, source: Source | None = None, text: str = "", **values: Any
    ) -> Article:
        """An article at ``url`` (its canonical URL too unless given)."""
        values.setdefault("canonical_url", url)
        source_id = source.id if source is not None else None
        return self.add(Article(source_id=source_id, url=url, text=text, **values))

    def incident(self, **values: Any) -> Incident:
        return self.add(Incident(**values))

    def claim(
        self,
        incident: Incident,
        article: Article | None,
        kind: str,
        lo: int | None = None,
        hi: int | None = None,
        **values: Any,
    ) -> Claim:
        """A figure claimed by ``article`` (machine-made), or by a reviewer (no article)."""
        values.setdefault("origin", "machine" if article is not None else "reviewer")
        return self.add(
            Claim(
                incident_id=incident.id,
                article_id=article.id if article is not None else None,
                kind=kind,
                min=lo,
                max=hi,
                **values,
            )
        )

    def quoted_claim(
        self,
        incident: Incident,
        article: Article,
        kind: str,
        quote: str,
        lo: int | None = None,
        hi: int | None = None,
        **values: Any,
    ) -> Claim:
        """A claim whose words are ``quote`` in the article's text (offsets found
        there), and the evidence mention that quotes them."""
        start = article.text.index(quote)
        claim = self.claim(
            incident, article, kind, lo, hi, quote=quote, start=start, end=start + len(quote),
            **values,
        )  # fmt: skip
        self.evidence(incident, article, quote, start=start)
        return claim

    def evidence(
        self, incident: Incident, article: Article, sentence: str, *, start: int = 0
    ) -> EvidenceMention:
        """``sentence`` as evidence, at ``start`` in the article's text."""
        return self.add(
            EvidenceMention(
                incident_id=incident.id,
                article_id=article.id,
                sentence=sentence,
                start=start,
                end=start + len(sentence),
            )
        )

    def actor(
        self,
        incident: Incident,
        name: str,
        actor_type: str | None,
        role: str,
        *,
        article: Article | None = None,
        **values: Any,
    ) -> IncidentActor:
        article_id = article.id if article is not None else None
        return self.add(
            IncidentActor(
                incident_id=incident.id,
                article_id=article_id,
                actor=name,
                actor_type=actor_type,
                role=role,
                **values,
            )
        )

    def reference(
        self, external_id: str, *, dataset: str = "acled", **values: Any
    ) -> ReferenceEvent:
        return self.add(ReferenceEvent(dataset=dataset, external_id=external_id, **values))

    def review(
        self,
        incident: Incident,
        action: str,
        before: dict[str, Any],
        after: dict[str, Any],
        **values: Any,
    ) -> Review:
        """An audit row written directly (a fixed ``created_at``, a ``user_id``, a ``note``):
        otherwise what ``storage.audit.record`` writes."""
        return self.add(
            Review(incident_id=incident.id, action=action, before=before, after=after, **values)
        )
