"""A plain coordinate plot of a stream and social enterprises with their service radius.

No map tiles exist offline, so the pages draw what the data holds: positions projected
around their mean latitude (equirectangular; exact enough at the scale of Flanders), radii
to the same scale, and a scale bar. Items without coordinates are listed, not guessed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from matchmaker.catalogue import to_doc
from models import Capacity, Stream

SIZE = 400
MARGIN = 30
KM_PER_DEGREE_LAT = 110.57
KM_PER_DEGREE_LON_AT_EQUATOR = 111.32
MIN_SPAN_KM = 20.0


@dataclass(frozen=True)
class Place:
    label: str
    kind: str  # "stream" or "capacity"
    lat: float | None
    lon: float | None
    radius_km: float | None = None


@dataclass(frozen=True)
class Dot:
    number: int
    place: Place
    x: float
    y: float
    r: float | None


@dataclass(frozen=True)
class Plot:
    dots: list[Dot]
    unplaced: list[Place]
    scale_km: int
    scale_px: float


def place_of(item: Stream | Capacity, label: str) -> Place:
    """Where the engine puts an item: its own position or its organisation's, and the
    service radius given or read from the text, so the plot agrees with the reasons."""
    doc = to_doc(item)
    return Place(label, "stream" if isinstance(item, Stream) else "capacity", doc.lat, doc.lon,
                 getattr(doc, "service_radius_km", None))


def coordinate_plot(places: list[Place]) -> Plot | None:
    """SVG coordinates in a SIZE x SIZE box, or None when nothing has a position."""
    placed = [p for p in places if p.lat is not None and p.lon is not None]
    if not placed:
        return None
    lat0 = sum(p.lat for p in placed) / len(placed)
    lon0 = sum(p.lon for p in placed) / len(placed)
    km_per_lon = KM_PER_DEGREE_LON_AT_EQUATOR * math.cos(math.radians(lat0))
    km = [((p.lon - lon0) * km_per_lon, (p.lat - lat0) * KM_PER_DEGREE_LAT) for p in placed]
    half = max(MIN_SPAN_KM / 2, *(max(abs(x), abs(y)) for x, y in km))
    px_per_km = (SIZE / 2 - MARGIN) / half
    dots = [Dot(i, p, round(SIZE / 2 + x * px_per_km, 1), round(SIZE / 2 - y * px_per_km, 1),
                None if not p.radius_km else round(p.radius_km * px_per_km, 1))
            for i, (p, (x, y)) in enumerate(zip(placed, km, strict=True), start=1)]
    scale_km = _round_scale(half / 2)
    return Plot(dots, [p for p in places if p not in placed], scale_km,
                round(scale_km * px_per_km, 1))


def _round_scale(km: float) -> int:
    """1, 2, 5, 10, 20, 50... km: a scale bar with a round length."""
    step = 10 ** math.floor(math.log10(max(km, 1)))
    return int(max(s for s in (step, 2 * step, 5 * step) if s <= max(km, 1)))
