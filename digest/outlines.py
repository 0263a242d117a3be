"""The map outlines shipped with the digest, and their one loader.

``data/outlines.json`` holds Natural Earth country and admin1 boundaries and
country label points (public domain; built by ``data/build_outlines.py``): a
detailed layer for the configured region and a coarse world layer. The
digest's map (``pictures.py``), its country names (``render.py``) and the
review UI's offline map read the file through :meth:`Outlines.load`. No
matplotlib here, so the review UI can use it without the plotting stack.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

OUTLINES_FILE = Path(__file__).resolve().parent / "data" / "outlines.json"


@dataclass(frozen=True)
class Outlines:
    """Boundary polylines ([[lon, lat], ...]) and country label points."""

    region: tuple[float, float, float, float]
    region_layers: dict[str, list[list[list[float]]]]
    world_layers: dict[str, list[list[list[float]]]]
    labels: list[dict[str, Any]]
    attribution: str

    @classmethod
    def load(cls, path: Path = OUTLINES_FILE) -> Outlines:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            region=tuple(data["region"]),
            region_layers=data["region_layers"],
            world_layers=data["world_layers"],
            labels=data["labels"],
            attribution=data["attribution"],
        )
