"""What a reviewer of casualty data needs (issue 14), over HTTP: numbered claims
linked to their words, one claim per restated figure, approximations, victims as
written, dates, period totals in their own tab, labelled merge choices, limits
said before submitting, coding fields, the page snapshot, "not checked"."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from review.claimview import claim_value, group_claims, highlight_runs, victims_display
from settings import Settings
from storage import Database
from storage.models import Claim, Incident, Review
from tests.review.extra import SNAPSHOT_HTML, Extra, add_extra
from tests.review.seed import Seeded


@pytest.fixture
def extra(review_db: Database, seeded: Seeded, review_settings: Settings) -> Extra:
    with review_db.sessions.begin() as s:
        return add_extra(s, review_settings.data_dir)


@pytest.fixture
def client(app: Flask, extra: Extra) -> tuple[FlaskClient, str]:
    from tests.review.conftest import login

    c = app.test_client()
    return c, login(c, "rita")


def _page(client: FlaskClient, incident_id: int) -> str:
    response = client.get(f"/incidents/{incident_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _rows(html: str) -> list[str]:
    table = html.split('<table class="claims">', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<tr class="[^"]*" id="claim-\d+".*?</tr>', table, re.S)


def test_every_claim_is_numbered_and_linked_both_ways(
    client: tuple[FlaskClient, str], seeded: Seeded
) -> None:
    c, _ = client
    html = _page(c, seeded.mopti)
    with_span = 3  # the Mopti claims of three articles, each with its quote in the text
    rows = _rows(html)
    assert len(rows) == with_span
    for number, row in enumerate(rows, 1):
        claim_id = re.search(r'id="claim-(\d+)"', row).group(1)  # type: ignore[union-attr]
        assert f'<span class="claim-no">{number}</span>' in row
        # row -> its words
        assert f'href="#hl-{claim_id}"' in row
        # words -> the row, carrying the same number
        assert re.search(
            rf'<a class="hl-num" id="hl-{claim_id}" href="#claim-{claim_id}"[^>]*>{number}</a>',
            html,
        )


def test_a_headline_and_its_lead_are_one_numbered_claim(
    client: tuple[FlaskClient, str], extra: Extra
) -> None:
    c, _ = client
    html = _page(c, extra.menaka_market)
    rows = _rows(html)
    head, lead = extra.headline_claims
    assert len(rows) == 1 and f'id="claim-{head}"' in rows[0]
    assert "stated 2× in this article" in rows[0]
    # both statements are highlighted with the row's number, and both link to the row
    for cid in (head, lead):
        assert re.search(rf'<a class="hl-num" id="hl-{cid}" href="#claim-{head}"[^>]*>1</a>', html)
        assert f'href="#hl-{cid}"' in rows[0]


def test_approximations_are_marked(
    client: tuple[FlaskClient, str], seeded: Seeded, extra: Extra
) -> None:
    c, _ = client
    boni = _rows(_page(c, extra.boni))[0]
    assert '<td class="num">≈30</td>' in boni and "une trentaine" in boni
    mopti = _page(c, seeded.mopti)
    assert '<td class="num">≈18–22</td>' in mopti  # "une vingtaine"
    assert '<td class="num">≥19</td>' in mopti  # "at least": a bound, not an estimate
    assert '<td class="num">22</td>' in mopti


def test_victims_as_written_never_shows_a_bare_function_word(
    client: tuple[FlaskClient, str], extra: Extra
) -> None:
    c, _ = client
    row = _rows(_page(c, extra.boni))[0]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    victims_cell = cells[4]
    assert re.sub(r"<[^>]+>", "", victims_cell).strip() == "–"
    assert "extracted: “de”" in victims_cell  # what the extractor gave is in the tooltip
    assert victims_display("de") == ""
    assert victims_display("de civils") == "civils"
    assert victims_display("personnes ont été") == "personnes"
    assert victims_display("d'") == ""
    assert victims_display("civilians") == "civilians"


def test_claims_show_the_publication_date_and_the_event_date_apart(
    client: tuple[FlaskClient, str], seeded: Seeded
) -> None:
    c, _ = client
    html = _page(c, seeded.mopti)
    claims = html.split('<table class="claims">', 1)[1].split("</table>", 1)[0]
    assert "<th>published</th>" in claims and "<th>date</th>" not in claims
    assert re.search(r'id="claims-dates">Event date: <strong>2024-03-24</strong>', html)
    rows = _rows(html)
    assert all("<td>2024-03-25</td>" in r for r in rows)  # the articles' publication day


def test_period_totals_have_their_own_tab(client: tuple[FlaskClient, str], extra: Extra) -> None:
    c, _ = client
    events = c.get("/queue").get_data(as_text=True)
    ids = re.findall(r'<tr data-incident="(\d+)"', events)
    assert str(extra.quarterly) not in ids and len(ids) == 6
    assert re.search(r'data-tab="events"[^>]*aria-current="page"[^>]*>Events \(6\)', events)
    assert "Period totals (1)</a>" in events
    totals = c.get("/queue?kind=aggregates").get_data(as_text=True)
    assert re.findall(r'<tr data-incident="(\d+)"', totals) == [str(extra.quarterly)]
    # the API still lists both unless asked
    assert c.get("/queue?kind=nonsense").status_code == 200


def test_merge_and_split_choices_are_labelled(
    client: tuple[FlaskClient, str], seeded: Seeded
) -> None:
    c, _ = client
    html = _page(c, seeded.mopti_dup)
    radio = re.search(r'<input type="radio" name="into" value="(\d+)" id="(merge-into-\d+)">', html)
    assert radio is not None and radio.group(1) == str(seeded.mopti)
    assert f'<label class="choice" for="{radio.group(2)}">#{seeded.mopti} ' in html
    for cid in re.findall(r'name="claim_id" value="(\d+)" id="split-claim-(\d+)"', html):
        assert cid[0] == cid[1] and f'<label class="choice" for="split-claim-{cid[0]}">' in html


def test_the_reason_limit_is_said_before_and_the_error_says_it_again(
    client: tuple[FlaskClient, str], seeded: Seeded, review_db: Database
) -> None:
    c, token = client
    html = _page(c, seeded.menaka)
    assert "Reason (required, at most 2,000 characters)" in html
    assert 'data-limit="2000"' in html and 'data-keep="incident-' in html
    version = re.search(r'name="version" value="(\d+)"', html).group(1)  # type: ignore[union-attr]
    response = c.post(
        f"/incidents/{seeded.menaka}/reject",
        data={"csrf_token": token, "version": version, "reason": "x" * 2100},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "2,100 characters; at most 2,000" in page and "Nothing was saved" in page
    with review_db.sessions() as s:
        assert s.get(Incident, seeded.menaka).status == "candidate"  # type: ignore[union-attr]


def test_a_refused_post_points_back_to_the_form_and_success_releases_the_draft(
    client: tuple[FlaskClient, str], seeded: Seeded
) -> None:
    c, token = client
    html = _page(c, seeded.menaka)
    version = re.search(r'name="version" value="(\d+)"', html).group(1)  # type: ignore[union-attr]
    refused = c.post(
        f"/incidents/{seeded.menaka}/reject",
        data={"csrf_token": "stale", "version": version, "reason": "duplicate"},
    )
    assert refused.status_code == 400
    assert f'href="/incidents/{seeded.menaka}" id="back-to-form"' in refused.get_data(as_text=True)
    done = c.post(
        f"/incidents/{seeded.menaka}/reject",
        data={"csrf_token": token, "version": version, "reason": "duplicate"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert f'<meta name="civwatch-saved" content="incident-{seeded.menaka}-reject">' in done
    assert "flash-done" not in done


def test_coding_fields_are_edited_audited_locked_and_exported(
    client: tuple[FlaskClient, str], extra: Extra, review_db: Database
) -> None:
    c, token = client
    html = _page(c, extra.boni)
    version = re.search(r'name="version" value="(\d+)"', html).group(1)  # type: ignore[union-attr]
    assert '<optgroup label="Explosions/Remote violence">' in html
    form = {
        "csrf_token": token,
        "version": version,
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Remote explosive/landmine/IED",
        "deaths_civilians": "22",
        "deaths_security_forces": "8",
        "deaths_militants": "",
        "deaths_peacekeepers": "0",
        "deaths_best": "30",
        "notes": "Two sources; the army's figure excludes civilians.\nCheck OCHA.",
        "note": "coded from both reports",
    }
    bad = c.post(f"/incidents/{extra.boni}/code", data={**form, "sub_event_type": "Armed clash"})
    assert bad.status_code == 302
    with review_db.sessions() as s:
        assert s.get(Incident, extra.boni).event_type is None  # type: ignore[union-attr]
    ok = c.post(f"/incidents/{extra.boni}/code", data=form, follow_redirects=True)
    assert "Saved:" in ok.get_data(as_text=True)
    with review_db.sessions() as s:
        i = s.get(Incident, extra.boni)
        assert i is not None
        assert (i.event_type, i.sub_event_type) == (form["event_type"], form["sub_event_type"])
        assert (i.deaths_civilians, i.deaths_security_forces, i.deaths_militants) == (22, 8, None)
        assert (i.deaths_peacekeepers, i.deaths_best) == (0, 30)
        assert i.notes == form["notes"]
        assert {"event_type", "sub_event_type", "deaths_best", "notes"} <= set(i.locked_fields)
        review = s.scalars(
            select(Review).where(Review.incident_id == extra.boni).order_by(Review.id.desc())
        ).first()
        assert review is not None and review.action == "edit"
        assert review.after["deaths_civilians"] == 22 and review.before["event_type"] is None
        assert review.note == "coded from both reports"
    page = _page(c, extra.boni)
    assert "Explosions/Remote violence / Remote explosive/landmine/IED" in page
    assert "set by a reviewer" in page and "best estimate 30" in page
    csv_text = c.get("/export.csv?status=all").get_data(as_text=True)
    header, *lines = csv_text.splitlines()
    cols = header.split(",")
    assert "event_type" in cols and "sub_event_type" in cols and "deaths_best" in cols
    boni_row = next(line for line in lines if line.startswith(f"CW{extra.boni},"))
    values = dict(zip(cols, boni_row.split(","), strict=False))
    assert values["event_type"] == "Explosions/Remote violence"
    assert values["deaths_civilians"] == "22" and values["deaths_best"] == "30"
    record = next(r for r in c.get("/export.json?status=all").get_json() if r["id"] == extra.boni)
    assert record["deaths"] == {
        "civilians": 22,
        "security_forces": 8,
        "militants": None,
        "peacekeepers": 0,
        "best": 30,
    }
    assert record["sub_event_type"] == "Remote explosive/landmine/IED"


def test_notes_over_the_limit_are_refused(client: tuple[FlaskClient, str], extra: Extra) -> None:
    c, token = client
    html = _page(c, extra.boni)
    assert "Notes (kept on the incident, at most 5,000 characters)" in html
    version = re.search(r'name="version" value="(\d+)"', html).group(1)  # type: ignore[union-attr]
    response = c.post(
        f"/incidents/{extra.boni}/code",
        data={"csrf_token": token, "version": version, "notes": "n" * 5001},
        follow_redirects=True,
    )
    assert "The notes are too long (5001 characters; at most 5000)" in response.get_data(
        as_text=True
    )


def test_the_page_snapshot_is_served_as_plain_text_to_signed_in_users(
    app: Flask, client: tuple[FlaskClient, str], extra: Extra, seeded: Seeded
) -> None:
    c, _ = client
    html = _page(c, extra.boni)
    assert f'href="/articles/{extra.article_boni}/snapshot"' in html
    response = c.get(f"/articles/{extra.article_boni}/snapshot")
    assert response.status_code == 200
    assert response.data == SNAPSHOT_HTML
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.headers["Content-Disposition"].startswith("inline;")
    # an article without a snapshot, and nobody signed in
    assert c.get(f"/articles/{seeded.article_fr}/snapshot").status_code == 404
    anonymous = app.test_client().get(f"/articles/{extra.article_boni}/snapshot")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_already_in_acled_says_not_checked_without_coverage(
    client: tuple[FlaskClient, str], extra: Extra, seeded: Seeded
) -> None:
    c, _ = client
    html = _page(c, extra.boni)  # match_label NULL: never compared
    assert re.search(r'id="acled-match"><strong>not checked</strong>', html)
    queue = c.get("/queue?match=not_checked").get_data(as_text=True)
    ids = re.findall(r'<tr data-incident="(\d+)"', queue)
    assert str(extra.boni) in ids and str(seeded.mopti) not in ids
    assert re.search(r'value="not_checked"\s*selected>not checked \(\d+\)', queue)


def test_claim_view_helpers() -> None:
    text = "Gunmen killed 19 civilians in Bankass on Sunday."
    runs = highlight_runs(text, [(0, 48)], [(14, 26, 7), (0, 6, 8), (40, 999, 9)])
    assert "".join(r.text for r in runs) == text
    by_text = {r.text: r for r in runs}
    # a claim inside its evidence sentence is highlighted (it used to be swallowed)
    assert by_text["19 civilians"].claims == (7,) and by_text["19 civilians"].evidence
    assert by_text["19 civilians"].starts == (7,)
    assert by_text["Gunmen"].claims == (8,)
    assert highlight_runs("", [(0, 5)], []) == []
    a = Claim(id=1, kind="killed", min=20, max=None, origin="machine", article_id=5, incident_id=1)
    b = Claim(id=2, kind="killed", min=20, max=None, origin="machine", article_id=5, incident_id=1)
    b.victim_category = "civilians"
    other = Claim(
        id=3, kind="killed", min=21, max=None, origin="machine", article_id=5, incident_id=1
    )
    table = group_claims([a, b, other])
    assert [[c.id for c in g.claims] for g in table.groups] == [[1, 2], [3]]
    assert table.number == {1: 1, 2: 1, 3: 2} and table.row[2] == 1
    for qualifier, lo, hi, shown in (
        ("une trentaine", 30, 30, "≈30"),
        ("about", 30, 30, "≈30"),
        ("Des dizaines", 24, None, "≥24"),
        ("at least", 19, None, "≥19"),
        (None, 22, 22, "22"),
        ("environ", 18, 22, "≈18–22"),
    ):
        assert claim_value(Claim(min=lo, max=hi, qualifier=qualifier)) == shown
