"""A synthetic backlog for the worker tests and the benchmark: several outlets
(English and French) reporting each of a series of attacks in different towns,
on different days, plus articles with no incident. Written for civwatch.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# Towns of the shipped gazetteer, pairwise more than 25 km apart.
TOWNS = [
    "Bandiagara",
    "Koro",
    "Douentza",
    "Djenné",
    "Niono",
    "Ménaka",
    "Ansongo",
    "Tenenkou",
    "Bankass",
    "Hombori",
    "Youwarou",
    "Diafarabé",
]
WEEKDAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
WEEKDAYS_FR = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]

REPORTS = [
    (
        "en",
        "Gunmen killed {n} civilians in an attack on {town} on {day_en}, local officials "
        "said. Residents said the attackers arrived on motorbikes.",
    ),
    (
        "fr",
        "{n} civils ont été tués {day_fr} lors d'une attaque contre {town}, selon des "
        "sources locales. Les assaillants sont arrivés à moto.",
    ),
    (
        "en",
        "At least {m} civilians were killed when armed men stormed {town} on {day_en}, a "
        "security source told reporters.",
    ),
]
NOISE = [
    (
        "en",
        "The ministry of education announced that schools in the capital will reopen "
        "next month after the holidays.",
    ),
    ("fr", "Le gouvernement a présenté mercredi son projet de budget pour l'année prochaine."),
]


@dataclass(frozen=True)
class Report:
    url: str
    lang: str
    text: str
    published: dt.date
    event: int  # index of the event it reports, -1 for no incident


def backlog(
    events: int,
    *,
    noise: int = 0,
    start: dt.date = dt.date(2024, 1, 3),
    spacing_days: int = 6,
    tag: str = "",
) -> list[Report]:
    """``events`` attacks (3 reports each) in rotating towns, ``spacing_days`` apart."""
    out: list[Report] = []
    for e in range(events):
        day = start + dt.timedelta(days=spacing_days * e)
        published = day + dt.timedelta(days=1)
        town = TOWNS[e % len(TOWNS)]
        n = 5 + (e * 7) % 40
        values = {
            "n": n,
            "m": n + 2,
            "town": town,
            "day_en": WEEKDAYS_EN[day.weekday()],
            "day_fr": WEEKDAYS_FR[day.weekday()],
        }
        for r, (lang, template) in enumerate(REPORTS):
            out.append(
                Report(
                    f"http://outlet{r}.test/{tag}event-{e}",
                    lang,
                    template.format(**values),
                    published,
                    e,
                )
            )
    for i in range(noise):
        lang, text = NOISE[i % len(NOISE)]
        out.append(
            Report(
                f"http://outlet9.test/{tag}noise-{i}", lang, text, start + dt.timedelta(days=i), -1
            )
        )
    return out
