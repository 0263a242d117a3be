"""The digest's pictures: a map of the period's incidents and a 30-day trend chart.

Both are drawn with matplotlib's object API on the Agg canvas (no pyplot, so no
global figure state and no display needed) and returned as PNG bytes. The map's
outlines are Natural Earth country and admin1 boundaries shipped in
``digest/data/outlines.json`` (read by ``digest.outlines``), so nothing is
fetched at run time.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from digest.content import IncidentEntry, TrendDay
from digest.outlines import Outlines

RED = "#c0392b"
GREY = "#7f8c8d"
MIN_SPAN = 6.0  # degrees shown at least, so one incident still shows its region
WIDTH_IN, HEIGHT_IN, DPI = 7.2, 4.6, 100


def one_line_place(place: str | None, killed: int) -> str:
    """A short label; ``$`` escaped so matplotlib never reads a name as mathtext."""
    name = " ".join((place or "").split())
    if len(name) > 28:
        name = name[:27] + "…"
    return f"{name} ({killed})".strip().replace("$", r"\$")


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    # no timestamp or software metadata: the same digest gives the same bytes
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def _extent(points: Sequence[tuple[float, float]], region: tuple[float, ...]) -> list[float]:
    """[lon0, lon1, lat0, lat1] around the points, at least MIN_SPAN wide, map-shaped."""
    if not points:
        x0, y0, x1, y1 = region
        return [x0, x1, y0, y1]
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    cx, cy = (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2
    span_x = max(max(lons) - min(lons) + 2.0, MIN_SPAN)
    span_y = max(max(lats) - min(lats) + 2.0, MIN_SPAN * 0.6)
    # keep the picture's aspect (degrees of longitude shrink with latitude)
    aspect = (WIDTH_IN / HEIGHT_IN) / max(math.cos(math.radians(cy)), 0.2)
    if span_x / span_y < aspect:
        span_x = span_y * aspect
    else:
        span_y = span_x / aspect
    return [cx - span_x / 2, cx + span_x / 2, max(cy - span_y / 2, -85), min(cy + span_y / 2, 85)]


def map_png(
    incidents: Sequence[IncidentEntry],
    outlines: Outlines,
    *,
    title: str = "",
    no_points_text: str = "",
) -> bytes:
    """The period's located incidents as circles sized by people killed."""
    located: list[IncidentEntry] = []
    points: list[tuple[float, float]] = []
    for e in incidents:
        # a broken coordinate is left off the map rather than stretching it
        if (
            e.lat is not None
            and e.lon is not None
            and math.isfinite(e.lat)
            and math.isfinite(e.lon)
            and -90 <= e.lat <= 90
            and -180 <= e.lon <= 180
        ):
            located.append(e)
            points.append((e.lon, e.lat))
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN))
    ax = fig.add_axes((0.01, 0.06, 0.98, 0.88 if title else 0.93))
    x0, x1, y0, y1 = _extent(points, outlines.region)
    rx0, ry0, rx1, ry1 = outlines.region
    inside_region = x0 >= rx0 - 5 and x1 <= rx1 + 5 and y0 >= ry0 - 5 and y1 <= ry1 + 5
    layers = outlines.region_layers if inside_region else outlines.world_layers
    ax.set_facecolor("#eef3f7")
    styles = {
        "coast": {"colors": "#5d7d99", "linewidths": 0.8},
        "admin1": {"colors": "#b5b5b5", "linewidths": 0.5, "linestyles": "dotted"},
        "admin0": {"colors": "#555555", "linewidths": 1.0},
    }
    for name in ("coast", "admin1", "admin0"):
        lines = [
            line
            for line in layers.get(name, [])
            if any(x0 - 1 <= x <= x1 + 1 and y0 - 1 <= y <= y1 + 1 for x, y in line)
        ]
        if lines:
            ax.add_collection(LineCollection(lines, zorder=1, **styles[name]))
    for label in outlines.labels:
        if x0 < label["lon"] < x1 and y0 < label["lat"] < y1:
            ax.text(
                label["lon"],
                label["lat"],
                label["name"].upper(),
                fontsize=8,
                color="#8a8a8a",
                ha="center",
                va="center",
                zorder=2,
            )
    if located:
        killed = [e.best("killed") or 0 for e in located]
        sizes = [18 + 28 * math.sqrt(k) for k in killed]
        colours = [RED if k > 0 else GREY for k in killed]
        order = sorted(range(len(located)), key=lambda i: -killed[i])  # small ones on top
        ax.scatter(
            [points[i][0] for i in order],
            [points[i][1] for i in order],
            s=[sizes[i] for i in order],
            c=[colours[i] for i in order],
            alpha=0.6,
            edgecolors="#402020",
            linewidths=0.6,
            zorder=3,
        )
        placed: list[tuple[float, float, int]] = []
        near_x, near_y = (x1 - x0) / 8, (y1 - y0) / 14
        for i in order[:12]:  # name the most severe; more would clutter
            if killed[i] > 0:
                px, py = points[i]
                # a label near an earlier one goes to the next free slot (above/below)
                taken = {
                    slot
                    for qx, qy, slot in placed
                    if abs(qx - px) < near_x and abs(qy - py) < near_y
                }
                slot = next(s for s in range(len(placed) + 1) if s not in taken)
                placed.append((px, py, slot))
                dy = [4, -11, 15, -22][slot % 4]
                ax.annotate(
                    one_line_place(located[i].place, killed[i]),
                    points[i],
                    xytext=(6, dy),
                    textcoords="offset points",
                    fontsize=7,
                    color="#222222",
                    zorder=4,
                )
    elif no_points_text:
        ax.text(
            0.5, 0.5, no_points_text, transform=ax.transAxes, ha="center", va="center", fontsize=11
        )
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        fig.text(0.01, 0.965, title, fontsize=11, weight="bold", va="center")
    fig.text(0.99, 0.02, "Natural Earth (public domain)", fontsize=6, color="#777", ha="right")
    return _png(fig)


def trend_png(
    trend: Sequence[TrendDay],
    *,
    title: str = "",
    incidents_label: str = "incidents",
    killed_label: str = "killed",
) -> bytes:
    """Incidents per day (bars) and people killed per day (line) over the trend days."""
    fig = Figure(figsize=(WIDTH_IN, 2.8))
    ax = fig.add_axes((0.07, 0.12, 0.86, 0.68 if title else 0.82))
    xs = list(range(len(trend)))
    ax.bar(xs, [d.incidents for d in trend], color="#95a5a6", width=0.8, label=incidents_label)
    ax.set_ylabel(incidents_label, fontsize=8)
    ax.tick_params(labelsize=7)
    ax.set_xlim(-0.6, max(len(trend) - 0.4, 0.6))
    ax.set_ylim(0, max([d.incidents for d in trend] + [1]) * 1.15)
    ax2 = ax.twinx()
    ax2.plot(xs, [d.killed for d in trend], color=RED, marker="o", markersize=2.5, linewidth=1.5)
    ax2.set_ylabel(killed_label, fontsize=8, color=RED)
    ax2.tick_params(labelsize=7, colors=RED)
    ax2.set_ylim(0, max([d.killed for d in trend] + [1]) * 1.15)
    step = max(len(trend) // 6, 1)
    ticks = xs[::step]
    ax.set_xticks(ticks)
    ax.set_xticklabels([trend[i].day.strftime("%d.%m") for i in ticks])
    for spine in ("top",):
        ax.spines[spine].set_visible(False)
        ax2.spines[spine].set_visible(False)
    if title:
        fig.text(0.01, 0.94, title, fontsize=11, weight="bold", va="center")
    return _png(fig)
