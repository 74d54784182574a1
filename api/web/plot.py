"""An offline map of a stream and social enterprises: borders, dots, place names, service radii.

No map tiles exist offline, so the pages draw what the data holds: positions projected around
their mean latitude (equirectangular; exact enough at the scale of Flanders), the judicial
canton and arrondissement borders (NGI, `matchmaker.places.borders`) under them, radii to the
same scale, a scale bar, and each dot's place name where it fits without covering another
label or dot. Items without coordinates are listed, not guessed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from api.web.places import site as site_of
from matchmaker.catalogue import to_doc
from matchmaker.places import gazetteer
from matchmaker.places.borders import lines_within
from models import Capacity, Stream

WIDTH, HEIGHT = 640, 480
SIZE = HEIGHT   # the smaller side
MARGIN = 36
KM_PER_DEGREE_LAT = 110.57
KM_PER_DEGREE_LON_AT_EQUATOR = 111.32
MIN_SPAN_KM = 20.0
DOT_RADIUS = 6
FONT_PX = 12
CHAR_PX = 6.6     # an average character of the label font, for fitting labels
LINE_TOLERANCE_PX = 3.0   # points of a border closer than this are not drawn
CANTONS_UP_TO_KM = 60     # wider maps draw only the arrondissements: cantons would be a smudge


@dataclass(frozen=True)
class Place:
    label: str
    kind: str  # "stream" or "capacity"
    lat: float | None
    lon: float | None
    radius_km: float | None = None
    name: str | None = None         # the place shown next to the dot ("Gent")
    precision: str | None = None    # how the point was found (matchmaker.places)


@dataclass(frozen=True)
class Dot:
    number: int
    place: Place
    x: float
    y: float
    r: float | None


@dataclass(frozen=True)
class Label:
    text: str
    x: float
    y: float
    anchor: str   # SVG text-anchor: start, middle, end


@dataclass(frozen=True)
class Plot:
    dots: list[Dot]
    unplaced: list[Place]
    scale_km: int
    scale_px: float
    width: int = WIDTH
    height: int = HEIGHT
    labels: list[Label] = field(default_factory=list)
    borders: list[tuple[str, str]] = field(default_factory=list)  # (kind, SVG path)


def place_of(item: Stream | Capacity, label: str) -> Place:
    """Where the engine puts an item: its own position or its organisation's, and the
    service radius given or read from the text, so the map agrees with the reasons."""
    doc = to_doc(item)
    site = site_of(item)
    name = site.municipality or _nearest_name(doc.lat, doc.lon)
    return Place(label, "stream" if isinstance(item, Stream) else "capacity", doc.lat, doc.lon,
                 getattr(doc, "service_radius_km", None), name, site.location_precision)


def _nearest_name(lat: float | None, lon: float | None) -> str | None:
    if lat is None or lon is None:
        return None
    nearest = gazetteer().nearest_place(lat, lon)
    return nearest.name if nearest else None


def coordinate_plot(places: list[Place], borders: bool = True) -> Plot | None:
    """SVG coordinates in a WIDTH x HEIGHT box, or None when nothing has a position."""
    placed = [p for p in places if p.lat is not None and p.lon is not None]
    if not placed:
        return None
    lat0 = sum(p.lat for p in placed) / len(placed)
    lon0 = sum(p.lon for p in placed) / len(placed)
    km_per_lon = KM_PER_DEGREE_LON_AT_EQUATOR * math.cos(math.radians(lat0))
    km = [((p.lon - lon0) * km_per_lon, (p.lat - lat0) * KM_PER_DEGREE_LAT) for p in placed]
    half = max(MIN_SPAN_KM / 2, *(max(abs(x) * SIZE / WIDTH, abs(y)) for x, y in km))
    px_per_km = (SIZE / 2 - MARGIN) / half

    def project(lat: float, lon: float) -> tuple[float, float]:
        return (WIDTH / 2 + (lon - lon0) * km_per_lon * px_per_km,
                HEIGHT / 2 - (lat - lat0) * KM_PER_DEGREE_LAT * px_per_km)

    dots = []
    for i, p in enumerate(placed, start=1):
        x, y = project(p.lat, p.lon)
        dots.append(Dot(i, p, round(x, 1), round(y, 1),
                        None if not p.radius_km else round(p.radius_km * px_per_km, 1)))
    scale_km = _round_scale(half / 2)
    outline = []
    if borders:
        view_km = (WIDTH / 2 / px_per_km, HEIGHT / 2 / px_per_km)
        box = (lon0 - view_km[0] / km_per_lon, lat0 - view_km[1] / KM_PER_DEGREE_LAT,
               lon0 + view_km[0] / km_per_lon, lat0 + view_km[1] / KM_PER_DEGREE_LAT)
        outline = [(kind, _path([project(lat, lon) for lon, lat in points]))
                   for kind, points in lines_within(box)
                   if kind == "arrondissement" or half <= CANTONS_UP_TO_KM]
    return Plot(dots, [p for p in places if p not in placed], scale_km,
                round(scale_km * px_per_km, 1), labels=place_labels(dots),
                borders=[(kind, d) for kind, d in outline if d])


def _path(points: list[tuple[float, float]]) -> str:
    """An SVG path of a polyline, thinned to what shows at this scale."""
    kept = [points[0]]
    for x, y in points[1:-1]:
        if math.hypot(x - kept[-1][0], y - kept[-1][1]) >= LINE_TOLERANCE_PX:
            kept.append((x, y))
    kept.append(points[-1])
    if len(kept) < 2:
        return ""
    return "M" + "L".join(f"{x:.0f} {y:.0f}" for x, y in kept)


# --- labels ------------------------------------------------------------------------------------

Box = tuple[float, float, float, float]   # x0, y0, x1, y1

# where a label may go around its dot: (dx, dy of the text's anchor point, text-anchor)
_POSITIONS = ((9, 4, "start"), (-9, 4, "end"), (0, -10, "middle"), (0, 17, "middle"),
              (8, -7, "start"), (-8, -7, "end"), (8, 14, "start"), (-8, 14, "end"))


def place_labels(dots: list[Dot]) -> list[Label]:
    """One label per place: its name and the numbers of the dots there ("Gent 1, 4"), put
    where it covers no dot, no other label and stays on the map; left out where nothing fits
    (the legend still names every dot)."""
    groups: list[tuple[str, list[Dot]]] = []
    for dot in dots:
        name = dot.place.name or ""
        for text, members in groups:
            if text == name and all(math.hypot(dot.x - m.x, dot.y - m.y) < 14 for m in members):
                members.append(dot)
                break
        else:
            groups.append((name, [dot]))
    taken: list[Box] = [(d.x - DOT_RADIUS, d.y - DOT_RADIUS, d.x + DOT_RADIUS, d.y + DOT_RADIUS)
                        for d in dots]
    labels = []
    for name, members in groups:
        numbers = ", ".join(str(d.number) for d in members)
        text = f"{name} {numbers}".strip()
        x = sum(d.x for d in members) / len(members)
        y = sum(d.y for d in members) / len(members)
        width = len(text) * CHAR_PX
        for dx, dy, anchor in _POSITIONS:
            left = x + dx - (width if anchor == "end" else width / 2 if anchor == "middle" else 0)
            box = (left, y + dy - FONT_PX + 2, left + width, y + dy + 3)
            if box[0] < 2 or box[2] > WIDTH - 2 or box[1] < 2 or box[3] > HEIGHT - 24:
                continue
            if any(_overlap(box, other) for other in taken):
                continue
            taken.append(box)
            labels.append(Label(text, round(x + dx, 1), round(y + dy, 1), anchor))
            break
    return labels


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _round_scale(km: float) -> int:
    """1, 2, 5, 10, 20, 50... km: a scale bar with a round length."""
    step = 10 ** math.floor(math.log10(max(km, 1)))
    return int(max(s for s in (step, 2 * step, 5 * step) if s <= max(km, 1)))
