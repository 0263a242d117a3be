"""Merge scoring: place, date window, sides, aggregates (values worked by hand)."""

from __future__ import annotations

import datetime as dt
import math

from incidents.merge import Draft, actor_score, date_score, fold, haversine_km, place_score, score
from settings import Settings
from storage import Database
from storage.models import Incident, IncidentActor


def _d(**kw: object) -> Draft:
    base: dict[str, object] = dict(
        event_date=dt.date(2024, 3, 10),
        date_precision="day",
        place_name="Bandiagara",
        country="ML",
        admin1="Mopti",
        lat=14.35005,
        lon=-3.61038,
        geonames_id=2460489,
        place_precision="point",
        killed_min=19,
        killed_max=19,
        victims=["civilians"],
    )
    base.update(kw)
    return Draft(**base)  # type: ignore[arg-type]


def test_haversine_and_fold() -> None:
    # one degree of latitude is ~111.2 km
    assert abs(haversine_km(14.0, -3.0, 15.0, -3.0) - 111.19) < 0.1
    assert fold("Ségou-Ville") == "segou ville"


def test_place_rules() -> None:
    s = Settings.from_env({})
    assert place_score(_d(), _d(), 25) == 1.0
    near = _d(geonames_id=None, lat=14.35005 + 0.09)  # ~10 km north
    got = place_score(_d(geonames_id=None), near, 25)
    assert got is not None and abs(got - (1 - 0.5 * 10.0 / 25)) < 0.01
    far = _d(geonames_id=2454674, lat=14.064, lon=-3.07539, place_name="Koro")
    assert place_score(_d(), far, s.merge_distance_km) is None
    # no coordinates: a spelling variant of the name still matches
    a = _d(geonames_id=None, lat=None, lon=None, place_precision="unresolved")
    b = _d(
        geonames_id=None, lat=None, lon=None, place_precision="unresolved", place_name="Bandiagara "
    )
    # (the same name folded, or a transliteration variant: 0.9; fuzzy only: 0.85)
    assert place_score(a, b, 25) == 0.9
    assert place_score(a, _d(**{**vars(b), "place_name": "Bandiagarra"}), 25) == 0.9
    assert place_score(a, _d(**{**vars(b), "place_name": "Bandjagara"}), 25) == 0.85
    assert place_score(_d(country="BF"), _d(), 25) is None


def test_date_window_widens_with_precision() -> None:
    assert date_score(_d(), _d(event_date=dt.date(2024, 3, 13)), 3) == 1 - 3 / 4
    assert date_score(_d(), _d(event_date=dt.date(2024, 3, 14)), 3) is None
    # "last week": a week's slack
    week = _d(event_date=dt.date(2024, 3, 16), date_precision="week")
    assert date_score(_d(), week, 3) == 1 - 6 / 11
    assert date_score(_d(), _d(event_date=None), 3) == 0.3


def test_vetoes() -> None:
    s = Settings.from_env({})
    assert score(_d(), [], _d(aggregate=True), [], s).score is None
    soldiers = _d(victims=["soldiers"])
    assert score(_d(), [], soldiers, [], s).reason == "victims on different sides"
    # women and children are civilians: same side
    assert score(_d(), [], _d(victims=["women", "children"]), [], s).score is not None


def test_same_event_scores_high_and_figures_matter_little() -> None:
    s = Settings.from_env({})
    same = score(_d(), ["JNIM"], _d(killed_min=22, killed_max=None), ["JNIM"], s)
    # place 1, date 1, actors 1, figures (19+1)/(22+1)
    expected = 0.45 + 0.30 + 0.15 + 0.10 * 20 / 23
    assert same.score is not None and abs(same.score - expected) < 1e-3


def test_lock_keys_near_points_share_a_cell() -> None:
    from incidents.merge import lock_keys

    s = Settings.from_env({})
    here = _d()
    near = _d(geonames_id=None, lat=14.35005 + 0.2, lon=-3.61038 + 0.1)  # ~24.5 km
    far = _d(geonames_id=2454674, lat=14.064, lon=-3.07539)  # Koro, 66 km
    assert haversine_km(here.lat, here.lon, near.lat, near.lon) < s.merge_distance_km  # type: ignore[arg-type]

    def conflict(a: Draft, b: Draft) -> bool:
        ka, kb = dict(lock_keys([a], s)), dict(lock_keys([b], s))
        return any(ka[k] or kb[k] for k in ka.keys() & kb.keys())

    assert conflict(here, near) and conflict(near, here)
    assert not conflict(here, far)
    assert ("country:ML", False) in lock_keys([here], s)
    # no point: the whole country, exclusively, before any cell
    mixed = lock_keys([here, _d(lat=None, lon=None, place_precision="admin1")], s)
    assert mixed[0] == ("country:ML", True) and all(k.startswith("cell:") for k, _ in mixed[1:])
    # a sweep of points at 0-24 km in every direction always conflicts
    for bearing in range(0, 360, 15):
        for km in (1, 8, 16, 24):
            rad = math.radians(bearing)
            other = _d(
                geonames_id=None,
                lat=here.lat + km / 111.19 * math.cos(rad),  # type: ignore[operator]
                lon=here.lon + km / (111.19 * math.cos(math.radians(14.35))) * math.sin(rad),  # type: ignore[operator]
            )
            assert conflict(here, other), (bearing, km)


def test_sahel_spelling_variants() -> None:
    from nlp.placevariants import close_variants, variant_key

    # ou/u, y/i, é/e, doubled consonants, "-ou"/"-u" endings, dropped hyphens
    assert variant_key("Bounty") == variant_key("Bounti") == "bunti"
    assert variant_key("Diallassagou") == variant_key("Dyalasagu")
    assert variant_key("Kani-Bonzon") == variant_key("Kanibonzon")
    assert variant_key("Ségou") == variant_key("Segu")
    assert close_variants("Fambita", "Fombita")  # one vowel off in a long name
    assert not close_variants("Gao", "Kao")  # short names: exact keys only
    assert not close_variants("Koro", "Kona")


def test_unresolved_variant_resolves_to_the_point_nearby() -> None:
    s = Settings.from_env({})
    village = _d(
        place_name="Fambita", country="NE", admin1="Tillabéri", lat=14.33393, lon=0.89936,
        geonames_id=2445141,
    )  # fmt: skip
    unresolved = _d(
        place_name="Fambéta", country=None, admin1=None, lat=None, lon=None, geonames_id=None,
        place_precision="unresolved",
    )  # fmt: skip
    # "Fambéta" is a gazetteer alternate of Fambita (2445141)
    assert place_score(village, unresolved, s.merge_distance_km) == 0.95
    assert place_score(village, _d(**{**vars(unresolved), "place_name": "Fombita"}), 25) == 0.9
    # a name that is neither: only "one side located"
    assert place_score(village, _d(**{**vars(unresolved), "place_name": "Tillia"}), 25) == 0.2


def test_undated_report_uses_its_publication_date() -> None:
    undated = _d(event_date=None, date_precision="unknown")
    event = _d()  # 2024-03-10
    # reported two days later: likely the same event
    assert date_score(undated, event, 3, a_reported=dt.date(2024, 3, 12)) == 0.8
    # reported two weeks later: possible, weaker
    assert date_score(undated, event, 3, a_reported=dt.date(2024, 3, 24)) == 0.5
    # a year later, or before the event happened: never the same event
    assert date_score(undated, event, 3, a_reported=dt.date(2025, 3, 12)) is None
    assert date_score(undated, event, 3, a_reported=dt.date(2024, 3, 1)) is None
    # both undated: their publication dates
    assert date_score(undated, undated, 3, dt.date(2024, 3, 12), dt.date(2024, 3, 13)) == 0.6
    assert date_score(undated, undated, 3, dt.date(2024, 3, 12), dt.date(2024, 6, 13)) is None


def test_sides_and_cross_year_vetoes_with_explanations() -> None:
    s = Settings.from_env({})
    civ = _d(victims=["civilians"])
    # unknown victims never veto a known side
    assert score(civ, [], _d(victims=["unknown"]), [], s).score is not None
    assert score(civ, [], _d(victims=["civilians", "unknown"]), [], s).score is not None
    vetoed = score(civ, [], _d(victims=["soldiers"]), [], s)
    assert vetoed.score is None and vetoed.reason == "victims on different sides"
    # ... but the same event for linking
    assert (score(civ, [], _d(victims=["soldiers"]), [], s, sides=False).score or 0) > 0.6
    # known dates a year apart at the same gazetteer entry: never
    later = score(civ, [], _d(event_date=dt.date(2025, 3, 10)), [], s)
    assert later.score is None and later.reason == "dates too far apart"
    same = score(civ, [], _d(), [], s)
    # place 1 x 0.45 + date 1 x 0.30 reach 0.6: those two decided
    assert same.decided_by() == ["place", "date"]
    why = same.explain()
    assert why["notes"]["place"] == "same gazetteer entry" and why["score"] == same.score


def test_best_match_links_other_sides_of_one_event_only(db: Database) -> None:
    from incidents.merge import best_match

    s_ = Settings.from_env({})
    with db.sessions.begin() as s:
        soldiers = Incident(
            status="candidate", event_date=dt.date(2024, 3, 10), date_precision="day",
            place_name="Bandiagara", country="ML", admin1="Mopti", lat=14.35005,
            lon=-3.61038, geonames_id=2460489, place_precision="point",
            killed_min=11, killed_max=11, victims=["soldiers"],
        )  # fmt: skip
        s.add(soldiers)
        s.flush()
        # two days later: could merge on the same side, too loose to link sides
        later = _d(event_date=dt.date(2024, 3, 12))
        assert best_match(s, later, s_) is None and later.event_group is None
        assert soldiers.event_group is None
        # the same day: civilians of the same attack, linked, not merged
        same = _d()
        assert best_match(s, same, s_) is None
        assert same.event_group == soldiers.id and soldiers.event_group == soldiers.id
        assert same.merge_why is None


def _kani_bonzon(**kw: object) -> Draft:
    values: dict[str, object] = dict(
        place_name="Kani-Bonzon", admin2="Bankass Cercle", lat=14.13548, lon=-3.63044,
        geonames_id=2455716, event_date=dt.date(2023, 2, 23), killed_min=13, killed_max=None,
        perpetrators=["unidentified gunmen"],
    )  # fmt: skip
    values.update(kw)
    return _d(**values)


def test_a_village_and_the_district_it_lies_in(db: Database) -> None:
    from incidents.merge import best_match

    settings = Settings.from_env({})
    # "a village in the Bankass Circle": the district's centroid is 53 km from Kani-Bonzon,
    # beyond the merge distance, yet the village lies in it.
    district = {
        "place_name": "Bankass Circle", "country": "ML", "admin1": "Mopti",
        "admin2": "Bankass Cercle", "lat": 13.65966, "lon": -3.60347, "geonames_id": 7701493,
        "place_precision": "admin2",
    }  # fmt: skip
    assert haversine_km(14.13548, -3.63044, 13.65966, -3.60347) > settings.merge_distance_km
    village = _kani_bonzon()
    assert place_score(village, _d(**district), settings.merge_distance_km) == 0.55
    # another district, or two districts: no such agreement
    elsewhere = {**district, "admin2": "Bandiagara Cercle"}
    assert place_score(village, _d(**elsewhere), settings.merge_distance_km) is None
    with db.sessions.begin() as s:
        stored = Incident(
            status="candidate", event_date=dt.date(2023, 2, 23), date_precision="day",
            killed_min=19, killed_max=None, victims=["civilians"], **district,
        )  # fmt: skip
        s.add(stored)
        s.flush()
        s.add(IncidentActor(incident_id=stored.id, role="perpetrator", actor="unidentified gunmen"))
        s.flush()
        # the same day, the same attackers: one event, found although out of the box
        found = best_match(s, _kani_bonzon(), settings)
        assert found is not None and found[0].id == stored.id
        # a village of the district a week later, by other attackers: not this event
        assert best_match(s, _kani_bonzon(event_date=dt.date(2023, 3, 2)), settings) is None


def test_a_report_that_says_nowhere_merges_on_the_same_day_toll_and_actors() -> None:
    settings = Settings.from_env({})
    located = _d(perpetrators=["JNIM"])
    nowhere = _d(
        place_name=None, admin1=None, lat=None, lon=None, geonames_id=None,
        place_precision="country",
    )  # fmt: skip
    # the same country, the same day, the same attackers and the same toll: one event
    same = score(nowhere, ["JNIM"], located, ["JNIM"], settings)
    assert same.score is not None and same.score >= 0.6
    # a toll of 19 in the same country is worth more than the country alone
    assert same.parts["place"] == 0.6
    assert same.notes["place"] == "only one side located, both in ML; the same toll of 19"
    # in no country at all, the place agrees even less
    stateless = _d(**{**vars(nowhere), "country": None})
    weaker = score(stateless, ["JNIM"], located, ["JNIM"], settings)
    assert weaker.parts["place"] == 0.2 and (weaker.score or 0) < (same.score or 0)
    # the same day and attackers but another toll (3 and 25): nothing ties them
    three = _d(**{**vars(nowhere), "killed_min": 3, "killed_max": 3})
    other = score(three, ["JNIM"], _d(killed_min=25, killed_max=25), ["JNIM"], settings)
    assert other.score is None and other.reason == "unlocated and other tolls"


def test_an_open_toll_and_a_count_just_above_it_tie_a_report_that_says_nowhere() -> None:
    # "at least 5 soldiers killed" at Nampala; another report, placed nowhere, counts
    # 6 (a wounded soldier died later): one toll told at two moments, one event
    settings = Settings.from_env({})
    located = _d(killed_min=5, killed_max=None, victims=["soldiers"])
    nowhere = _d(
        place_name=None, admin1=None, lat=None, lon=None, geonames_id=None,
        place_precision="country", killed_min=6, killed_max=None, victims=["soldiers"],
    )  # fmt: skip
    later = score(nowhere, [], located, [], settings)
    assert later.score is not None and later.score >= 0.6
    assert later.parts["place"] == 0.6
    assert (
        later.notes["place"]
        == "only one side located, both in ML; a toll of at least 5 and one of 6"
    )
    # a closed count of 5 against 6, or an open 5 against 9: other tolls, nothing ties them
    closed = _d(**{**vars(located), "killed_max": 5})
    assert (score(nowhere, [], closed, [], settings).score or 0) < 0.6
    nine = _d(**{**vars(nowhere), "killed_min": 9})
    assert (score(nine, [], located, [], settings).score or 0) < 0.6


def test_descriptors_of_the_attackers_neither_agree_nor_disagree() -> None:
    gunmen, jihadists = "unidentified gunmen", "suspected jihadists"
    # one report says "gunmen", another "jihadists" or "JNIM": no contradiction
    assert actor_score([gunmen], [jihadists]) == 0.5
    assert actor_score([jihadists], ["JNIM"]) == 0.5
    assert actor_score([gunmen], [gunmen]) == 1.0
    # named actors still agree or disagree, descriptors beside them aside
    assert actor_score(["JNIM", gunmen], ["JNIM"]) == 1.0
    assert actor_score(["JNIM"], ["Islamic State Sahel (ISSP/ISGS)"]) == 0.0
    assert actor_score([], ["JNIM"]) == 0.5
    # the same day and toll, one report placed only in the country: the descriptors of
    # the attackers no longer keep them apart
    settings = Settings.from_env({})
    nowhere = _d(
        place_name=None, admin1=None, lat=None, lon=None, geonames_id=None,
        place_precision="country",
    )  # fmt: skip
    same = score(nowhere, [gunmen], _d(), [jihadists], settings)
    assert same.score is not None and same.score >= 0.6


def test_a_weekday_misread_by_one_report_still_merges_at_the_same_place_and_tolls() -> None:
    settings = Settings.from_env({})  # a window of 3 days
    friday = _d(event_date=dt.date(2025, 3, 21), injured_min=13, injured_max=13)
    # "on Monday" read against the publication date: four days before the Friday
    monday = _d(**{**vars(friday), "event_date": dt.date(2025, 3, 17)})
    slipped = score(monday, [], friday, [], settings)
    assert slipped.score is not None and slipped.score >= 0.6
    assert slipped.notes["date"] == "4 days apart, but the same place and tolls"
    # another injured toll, or two windows and more apart: another attack
    other = _d(**{**vars(monday), "injured_min": 4, "injured_max": 4})
    assert score(other, [], friday, [], settings).reason == "dates too far apart"
    week = _d(**{**vars(friday), "event_date": dt.date(2025, 3, 14)})
    assert score(week, [], friday, [], settings).reason == "dates too far apart"
    # nor elsewhere: a town 60 km off with the same tolls four days apart
    elsewhere = _d(**{**vars(monday), "lat": 14.9, "lon": -3.6, "geonames_id": None})
    assert score(elsewhere, [], friday, [], settings).reason == "dates too far apart"


def test_a_small_toll_does_not_place_a_report_that_says_only_the_country() -> None:
    settings = Settings.from_env({})
    nowhere = _d(
        place_name=None, admin1=None, lat=None, lon=None, geonames_id=None,
        place_precision="country", killed_min=2, killed_max=2, event_date=None,
        published=dt.date(2024, 3, 11),
    )  # fmt: skip
    located = _d(killed_min=2, killed_max=2)
    # two killed the day after, somewhere in Mali: too common a toll to tie them
    small = score(nowhere, [], located, [], settings)
    assert small.parts["place"] == 0.3 and (small.score or 0) < 0.6
    # nineteen killed: the same event
    big = score(_d(**{**vars(nowhere), "killed_min": 19, "killed_max": 19}), [], _d(), [], settings)
    assert big.parts["place"] == 0.6 and big.score is not None and big.score >= 0.6


def test_an_undated_look_back_months_later_merges_only_at_the_same_place() -> None:
    settings = Settings.from_env({})
    event = _d(perpetrators=["JNIM"])  # Bandiagara, 2024-03-10, 19 killed
    # "Three months after Bandiagara (19 killed) …": an undated report 80 days later
    look_back = _d(event_date=None, date_precision="unknown", published=dt.date(2024, 5, 29))
    assert date_score(look_back, event, 3, a_reported=dt.date(2024, 5, 29)) == 0.1
    same = score(look_back, ["JNIM"], event, ["JNIM"], settings)
    assert same.score is not None and same.score >= 0.6
    # ten kilometres away it is another village's event
    near = _d(**{**vars(look_back), "geonames_id": None, "lat": 14.35005 + 0.09})
    other = score(near, ["JNIM"], event, ["JNIM"], settings)
    assert other.score is None and other.reason == "a look back elsewhere"
    # more than half a year later: never
    late = _d(**{**vars(look_back), "published": dt.date(2024, 10, 1)})
    assert score(late, ["JNIM"], event, ["JNIM"], settings).reason == "dates too far apart"


def test_an_undated_recalled_event_is_not_dated_by_its_report() -> None:
    settings = Settings.from_env({})
    event = _d()  # Bandiagara, 2024-03-10, 19 killed
    # "… as in the July attack, in which 12 were killed", published two days after
    # Bandiagara's: not that event, though at the same place within the report's days
    recalled = _d(
        event_date=None,
        date_precision="unknown",
        killed_min=12,
        killed_max=12,
        published=dt.date(2024, 3, 12),
        recalled=True,
    )
    result = score(recalled, [], event, [], settings)
    assert result.score is None and result.reason == "a recalled event, other place or toll"
    # read as news, the same record would have merged on place and report days alone
    news = _d(**{**vars(recalled), "recalled": False})
    merged = score(news, [], event, [], settings)
    assert merged.score is not None and merged.score >= 0.6
    # the same place and the same toll still tie a recalled record to its event
    same = _d(**{**vars(recalled), "killed_min": 19, "killed_max": 19})
    tied = score(same, [], event, [], settings)
    assert tied.score is not None and tied.score >= 0.6
    # either side of the comparison may be the recalled one
    assert score(event, [], recalled, [], settings).reason == (
        "a recalled event, other place or toll"
    )


def test_one_period_total_reprinted_with_two_areas_merges() -> None:
    s = Settings.from_env({})
    published = dt.date(2024, 12, 14)

    def total(**kw: object) -> Draft:
        fields: dict[str, object] = dict(
            aggregate=True,
            event_date=None,
            date_precision="unknown",
            place_name="Mali",
            geonames_id=2453866,
            lat=17.0,
            lon=-4.0,
            place_precision="country",
            admin1=None,
            killed_min=32,
            killed_max=None,
            published=published,
        )
        fields.update(kw)
        return _d(**fields)

    army = ["Malian Armed Forces (FAMa)", "Wagner Group"]
    north = total(place_name="nord du Mali", geonames_id=None, place_precision="area")
    got = score(total(), army, north, army, s)
    assert got.score is not None, got
    # another toll, other actors, or a vague actor only: still two totals
    assert score(total(killed_min=31), army, north, army, s).reason == "different aggregates"
    jihadists = ["JNIM"]
    assert score(total(), army, north, jihadists, s).reason == "different aggregates"
    vague = ["suspected jihadists"]
    assert score(total(), vague, north, vague, s).reason == "different aggregates"
