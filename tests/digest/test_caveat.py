"""The digest's headline totals say "candidate, unverified" beside machine figures,
not only in the footer; once reviewers confirmed every new incident, they do not."""

from __future__ import annotations

import re

from sqlalchemy import update

from digest.build import build_digest, resolve_period
from digest.profiles import Profile
from digest.render import Rendered, md_escape, render
from settings import Settings
from storage import Database
from storage.models import Incident
from tests.digest.scenario import NOW, populate


def _render(db: Database, settings: Settings, language: str = "en") -> Rendered:
    profile = Profile(language=language)
    with db.sessions() as session:
        period = resolve_period(session, profile, settings, now=NOW)
        return render(build_digest(session, settings, profile, period, now=NOW), names={})


def test_machine_totals_carry_the_caveat_in_every_format(
    sqlite_db: Database, settings: Settings
) -> None:
    with sqlite_db.sessions.begin() as session:
        populate(session)
    out = _render(sqlite_db, settings)
    # beside the killed total, before any incident is listed
    head = out.html_file.split("<h2>New candidate incidents", 1)[0]
    assert re.search(r'</td><td>killed <em class="unverified">\(candidate, unverified\)</em>', head)
    assert re.search(r"machine totals: \d+ of \d+ new incidents not yet confirmed", head)
    text_head = out.text.split("NEW CANDIDATE INCIDENTS", 1)[0]
    assert re.search(r"\d+ killed, \d+ injured, \d+ abducted \(candidate, unverified\)", text_head)
    assert md_escape("candidate, unverified") in out.markdown.split("## New candidate", 1)[0]
    fr = _render(sqlite_db, settings, "fr")
    assert "(candidats, non vérifiés)" in fr.text.split("NOUVEAUX INCIDENTS", 1)[0]

    with sqlite_db.sessions.begin() as session:
        session.execute(update(Incident).values(status="confirmed"))
    confirmed = _render(sqlite_db, settings)
    assert 'class="unverified"' not in confirmed.html_file
    assert "candidate, unverified" not in confirmed.text
