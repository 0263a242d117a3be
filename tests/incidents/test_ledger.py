"""The claims ledger: figures from claims under the two policies (values worked by hand)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from incidents.ledger import (
    ClaimSpread,
    FigureRange,
    PolicyError,
    compute_figures,
    ledger_claims,
    ledger_incident_ids,
    refresh_incident,
    spread,
)
from storage import Database
from storage.models import Article, Claim, Incident
from tests.factory import Rows


@dataclass
class C:
    kind: str
    min: int | None
    max: int | None
    origin: str = "machine"
    superseded: bool = False
    article_id: int | None = 1
    claimant: str | None = None
    victim_category: str | None = None
    id: int = 0
    created_at: dt.datetime | None = None


# Three outlets on one attack: 19 exact, 22 exact, "at least 20".
THREE = [
    C("killed", 19, 19, article_id=1),
    C("killed", 22, 22, article_id=2),
    C("killed", 20, None, article_id=3, claimant="local officials"),
]


def test_conservative_takes_lowest_min_and_open_ended_max() -> None:
    figs = compute_figures(THREE, "conservative")
    assert figs["killed"] == FigureRange(19, None, 19)
    assert figs["injured"] == FigureRange(None, None, None)


def test_conservative_closed_claims_give_highest_max() -> None:
    figs = compute_figures(THREE[:2], "conservative")
    assert figs["killed"] == FigureRange(19, 22, 19)


def test_best_policy_low_best_high() -> None:
    # points 19, 22, 20 -> median 20; highest stated 22; low 19
    assert compute_figures(THREE, "best")["killed"] == FigureRange(19, 22, 20)
    # a range claim 60..100 has point 80; with 50 and 90: median_low(50, 80, 90) = 80
    claims = [C("killed", 60, 100), C("killed", 50, 50), C("killed", 90, 90)]
    assert compute_figures(claims, "best")["killed"] == FigureRange(50, 100, 80)
    # even count: median_low picks a claimed value, not an average
    assert compute_figures(THREE[:2], "best")["killed"].best == 19


def test_up_to_claim_has_no_minimum() -> None:
    figs = compute_figures([C("injured", None, 30)], "conservative")
    assert figs["injured"] == FigureRange(None, 30, None)


def test_superseded_claims_are_ignored() -> None:
    claims = [C("killed", 95, 95, superseded=True), C("killed", 120, 120)]
    assert compute_figures(claims, "conservative")["killed"] == FigureRange(120, 120, 120)


def test_reviewer_claim_wins_most_recent() -> None:
    t0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    claims = [
        *THREE,
        C("killed", 25, 25, origin="reviewer", article_id=None, id=10, created_at=t0),
        C(
            "killed",
            21,
            21,
            origin="reviewer",
            article_id=None,
            id=11,
            created_at=t0 + dt.timedelta(hours=1),
        ),
        C("injured", 4, 4),
    ]
    for policy in ("conservative", "best"):
        figs = compute_figures(claims, policy)
        assert (figs["killed"].min, figs["killed"].max) == (21, 21)
        assert (figs["injured"].min, figs["injured"].max) == (4, 4)


def test_unknown_policy_is_named_error() -> None:
    with pytest.raises(PolicyError):
        compute_figures(THREE, "optimistic")


def test_spread_counts_sources_and_claimants() -> None:
    claims = [*THREE, C("killed", 21, 21, article_id=2, claimant="the army")]
    s = spread(claims, "killed")
    assert s == ClaimSpread(19, 22, 4, 3, ["local officials", "the army"])
    assert s.describe() == "claims: 19–22, 3 sources"
    assert spread(claims, "abducted").describe() == ""


def _article(session, n: int) -> Article:
    return Rows(session).article(f"http://x/{n}", text="t")


def test_refresh_incident_merged_claims_and_locks(db: Database) -> None:
    with db.sessions.begin() as s:
        a1, a2 = _article(s, 1), _article(s, 2)
        b = Incident(status="confirmed")
        a = Incident()
        s.add_all([a, b])
        s.flush()
        s.add_all(
            [
                Claim(
                    incident_id=b.id,
                    article_id=a1.id,
                    kind="killed",
                    min=12,
                    max=12,
                    victim_category="civilians",
                ),
                Claim(incident_id=b.id, article_id=a1.id, kind="injured", min=5, max=5),
                Claim(
                    incident_id=a.id,
                    article_id=a2.id,
                    kind="killed",
                    min=15,
                    max=None,
                    victim_category="soldiers",
                ),
            ]
        )
        s.flush()
        changed = refresh_incident(s, b, "conservative")
        assert changed["killed_min"] == [None, 12]
        assert (b.killed_min, b.killed_max, b.civilians_killed) == (12, 12, 12)
        assert b.victims == ["civilians"]
        # merge a into b: b's ledger now includes a's open-ended 15
        a.status, a.merged_into = "merged", b.id
        s.flush()
        changed = refresh_incident(s, b, "conservative")
        assert changed == {
            "killed_max": [12, None],
            "victims": [["civilians"], ["civilians", "soldiers"]],
        }
        # a reviewer locked the injured figure: it never moves
        b.locked_fields = ["injured"]
        s.add(Claim(incident_id=b.id, article_id=a2.id, kind="injured", min=2, max=9))
        s.flush()
        changed = refresh_incident(s, b, "conservative")
        assert changed == {}
        assert (b.injured_min, b.injured_max) == (5, 5)
        # nothing changes when refreshed twice
        assert refresh_incident(s, b, "conservative") == {}


def test_ledger_follows_merges_transitively(db: Database) -> None:
    # c was merged into a, then a into b: b's figures count all three reports;
    # a sibling merged elsewhere and a rejected incident pointing at b do not.
    with db.sessions.begin() as s:
        art = _article(s, 1)
        b, a, c, other, stray = (Incident() for _ in range(5))
        s.add_all([b, a, c, other, stray])
        s.flush()
        a.status, a.merged_into = "merged", b.id
        c.status, c.merged_into = "merged", a.id
        other.status, other.merged_into = "merged", stray.id
        stray.status, stray.merged_into = "rejected", b.id  # not a merge: left out
        for incident, killed in ((b, 3), (a, 5), (c, 9), (other, 40), (stray, 50)):
            s.add(Claim(incident_id=incident.id, article_id=art.id, kind="killed", min=killed))
        s.flush()
        assert ledger_incident_ids(s, b.id) == [b.id, *sorted((a.id, c.id))]
        assert sorted(claim.min or 0 for claim in ledger_claims(s, b)) == [3, 5, 9]
        assert ledger_incident_ids(s, c.id) == [c.id]
