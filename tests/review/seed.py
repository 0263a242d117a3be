"""A small, realistic review data set built through the ORM.

An attack on a village in Mopti reported by three outlets with different
figures (one in French), a second report of the same attack filed as its own
candidate (to merge), an incident in Ménaka, and an article whose crawled text
and title are hostile HTML. All texts are written for these tests.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from sqlalchemy.orm import Session

from storage.models import Article, Claim, Incident, User
from storage.users import hash_password
from tests.factory import Rows

PASSWORD = "correct horse battery"
UTC = dt.UTC

TEXT_EN1 = (
    "Gunmen attacked the village of Ogossagou-Peul in the Mopti region on Sunday. "
    "At least 19 civilians were killed, according to local officials. "
    "Several houses were burned."
)
TEXT_EN2 = (
    "A mayor in central Mali said 22 people died when an armed group stormed "
    "Ogossagou-Peul on Sunday morning. Relatives said women and children were among the dead."
)
TEXT_FR = (
    "Une vingtaine de villageois ont été tués dimanche à Ogossagou-Peul, dans la région "
    "de Mopti, selon des sources locales. L'attaque est attribuée à des hommes armés."
)
TEXT_DUP = (
    "Residents of Ogossagou-Peul buried 21 victims on Monday after an attack by gunmen "
    "on Sunday, a local elected official said."
)
TEXT_MENAKA = (
    "Four civilians were abducted near Ménaka on Tuesday by suspected militants, "
    "a humanitarian source said. Two others were injured."
)
HOSTILE_TITLE = "Breaking <script>alert('title')</script> news"
HOSTILE_TEXT = (
    "Officials said <script>document.title='pwned'</script> 7 people were killed "
    'near Gao. <img src=x onerror="alert(1)"> More at <a href="javascript:alert(2)">this link</a>.'
)


@dataclass
class Seeded:
    reviewer: int
    reviewer2: int
    admin: int
    mopti: int
    mopti_dup: int
    menaka: int
    hostile: int
    article_fr: int
    article_en1: int
    claim_fr: int


@functools.cache
def _password_hash() -> str:
    # One real argon2 hash per test run: sign-in still verifies it for real, but
    # seeding does not pay for three hashes in every test.
    return hash_password(PASSWORD)


def seed(session: Session) -> Seeded:
    """Insert the data set; returns the ids tests refer to."""
    rows = Rows(session)

    def user(username: str, role: str) -> User:
        return rows.user(username, role=role, password_hash=_password_hash(), active=True)

    reviewer = user("rita", "reviewer")
    reviewer2 = user("bob", "reviewer")
    admin = user("ada", "admin")
    src = {
        key: rows.source(key, name, f"http://127.0.0.1/{key}", lang=lang)
        for key, name, lang in (
            ("wire_en", "Wire (EN)", "en"),
            ("daily_en", "Daily (EN)", "en"),
            ("journal_fr", "Journal (FR)", "fr"),
            ("gao_news", "Gao News", "en"),
        )
    }
    published = dt.datetime(2024, 3, 25, 9, 0, tzinfo=UTC)

    def article(key: str, n: int, title: str, text: str, lang: str) -> Article:
        return rows.article(
            f"http://127.0.0.1/{key}/{n}.html",
            source=src[key],
            title=title,
            text=text,
            language=lang,
            published_at=published,
            status="processed",
        )

    a_en1 = article("wire_en", 1, "Gunmen kill villagers in central Mali", TEXT_EN1, "en")
    a_en2 = article("daily_en", 1, "Mayor: 22 dead in Ogossagou-Peul", TEXT_EN2, "en")
    a_fr = article("journal_fr", 1, "Une attaque fait une vingtaine de morts", TEXT_FR, "fr")
    a_dup = article("daily_en", 2, "Village buries its dead", TEXT_DUP, "en")
    a_men = article("wire_en", 2, "Civilians abducted near Ménaka", TEXT_MENAKA, "en")
    a_bad = article("gao_news", 1, HOSTILE_TITLE, HOSTILE_TEXT, "en")
    a_bad.url = "javascript:alert(3)"
    session.flush()

    ref = rows.reference(
        "MLI99001",
        event_date=dt.date(2024, 3, 24),
        event_type="Violence against civilians",
        sub_event_type="Attack",
        country="ML",
        admin1="Mopti",
        location="Ogossagou",
        lat=14.35,
        lon=-3.98,
        actor1="Unidentified Armed Group (Mali)",
        actor2="Civilians (Mali)",
        fatalities=19,
    )

    def incident(**kw: object) -> Incident:
        kw.setdefault("victims", [])
        return rows.incident(
            status="candidate",
            date_precision="day",
            place_precision="point",
            locked_fields=[],
            **kw,
        )

    mopti = incident(
        event_date=dt.date(2024, 3, 24),
        place_name="Ogossagou-Peul",
        country="ML",
        admin1="Mopti",
        admin2="Bankass",
        lat=14.35,
        lon=-3.98,
        killed_min=19,
        killed_max=22,
        civilians_killed=19,
        victims=["civilians"],
        confidence=0.82,
        match_label="matches",
        match_ref_id=ref.id,
        match_score=0.91,
    )
    dup = incident(
        event_date=dt.date(2024, 3, 24),
        place_name="Ogossagou",
        country="ML",
        admin1="Mopti",
        lat=14.36,
        lon=-3.97,
        killed_min=21,
        killed_max=21,
        confidence=0.6,
        match_label="novel",
    )
    menaka = incident(
        event_date=dt.date(2024, 3, 26),
        place_name="Ménaka",
        country="ML",
        admin1="Ménaka",
        lat=15.92,
        lon=2.4,
        abducted_min=4,
        abducted_max=4,
        injured_min=2,
        injured_max=2,
        confidence=0.7,
        match_label="novel",
    )
    hostile = incident(
        event_date=dt.date(2024, 3, 20),
        place_name="Gao <b>bold</b>",
        country="ML",
        admin1="Gao",
        lat=16.27,
        lon=-0.04,
        killed_min=7,
        killed_max=7,
        confidence=0.4,
    )

    def claim(
        inc: Incident,
        art: Article,
        kind: str,
        lo: int | None,
        hi: int | None,
        quote: str,
        **kw: object,
    ) -> Claim:
        return rows.quoted_claim(inc, art, kind, quote, lo, hi, published_at=published, **kw)

    claim(
        mopti,
        a_en1,
        "killed",
        19,
        None,
        "At least 19 civilians were killed",
        qualifier="at least",
        victims_text="civilians",
        victim_category="civilians",
        claimant="local officials",
    )
    claim(
        mopti, a_en2, "killed", 22, 22, "22 people died", victims_text="people", claimant="a mayor"
    )
    c_fr = claim(
        mopti,
        a_fr,
        "killed",
        18,
        22,
        "Une vingtaine de villageois ont été tués",
        qualifier="une vingtaine",
        victims_text="villageois",
        victim_category="civilians",
        claimant="sources locales",
    )
    claim(
        dup,
        a_dup,
        "killed",
        21,
        21,
        "buried 21 victims",
        victims_text="victims",
        claimant="a local elected official",
    )
    claim(
        menaka,
        a_men,
        "abducted",
        4,
        4,
        "Four civilians were abducted",
        victims_text="civilians",
        victim_category="civilians",
    )
    claim(menaka, a_men, "injured", 2, 2, "Two others were injured")
    claim(hostile, a_bad, "killed", 7, 7, "7 people were killed")
    for inc, art, actor, kind, role, written in (
        (mopti, a_en1, "Unidentified armed group", "armed_group", "perpetrator", "Gunmen"),
        (mopti, a_en1, "Civilians", "civilians", "target", "civilians"),
        (mopti, a_fr, "Unidentified armed group", "armed_group", "perpetrator", "hommes armés"),
        (menaka, a_men, "JNIM", "armed_group", "perpetrator", "suspected militants"),
    ):
        rows.actor(inc, actor, kind, role, article=art, as_written=written)
    return Seeded(
        reviewer=reviewer.id,
        reviewer2=reviewer2.id,
        admin=admin.id,
        mopti=mopti.id,
        mopti_dup=dup.id,
        menaka=menaka.id,
        hostile=hostile.id,
        article_fr=a_fr.id,
        article_en1=a_en1.id,
        claim_fr=c_fr.id,
    )
