"""Belgium's postal codes, municipalities and places, and turning what people type into a point.

Reads `data/places.json` (derived from Statbel and GeoNames by `build.py`; credits in
data/SOURCES.md) once per process. A postal code resolves to its 2025 municipality and to the
centre of the place it names; a name to a municipality (Dutch, French or English name) or to a
place people still write (deelgemeente, village: "Mariakerke", "Sint-Amandsberg"). Case,
accents, hyphens, "Sint"/"St." and small typos do not matter. Anything that cannot be resolved
raises `PlaceError` with the nearest known names as suggestions.
"""
from __future__ import annotations

import difflib
import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .errors import PlaceError, PlaceProblem
from .names import allowed_typos, key, typo_distance

DATA = Path(__file__).parent / "data" / "places.json"
POSTCODE = "postcode"          # precision: the centre of the postal code's place
MUNICIPALITY = "municipality"  # precision: the centre of the municipality (± gemeente)
EXACT = "exact"                # coordinates given with the record
PRECISIONS = (EXACT, POSTCODE, MUNICIPALITY)
SUGGESTIONS = 5

_POSTCODE_PREFIX = re.compile(r"^(?:BE|B)\s*-?\s*", re.IGNORECASE)
_FLEMISH_OR_BRUSSELS = ("02000", "04000")


@dataclass(frozen=True)
class Municipality:
    refnis: str
    nl: str
    fr: str
    other: tuple[str, ...]
    province: str
    region: str
    lat: float
    lon: float

    def name(self, language: str | None = None) -> str:
        """The name in `language` (French in French), else the one of its region."""
        if language == "fr" or (language not in ("nl", "en") and self.region == "03000"):
            return self.fr
        return self.nl

    @property
    def flemish_or_brussels(self) -> bool:
        return self.region in _FLEMISH_OR_BRUSSELS


@dataclass(frozen=True)
class Place:
    """A named place within one postal code (a deelgemeente, village or the town itself)."""

    name: str
    postcode: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Postcode:
    code: str
    municipalities: tuple[Municipality, ...]
    places: tuple[Place, ...]
    lat: float
    lon: float

    def label(self, language: str | None = None) -> str:
        """'9030 Mariakerke (Gent)': the code, its place and, when it differs, its municipality."""
        town = self.municipalities[0].name(language)
        place = self.places[0].name if len(self.places) == 1 else town
        return f"{self.code} {place}" + (f" ({town})" if key(place) != key(town) else "")


@dataclass(frozen=True)
class Location:
    """Where a typed postcode and/or name puts a record, and how precisely."""

    lat: float
    lon: float
    precision: str
    municipality: Municipality
    postcode: str | None = None
    place: str | None = None
    name: str | None = None   # the typed name, spelt as the gazetteer spells it


@dataclass(frozen=True)
class _Name:
    """One known way of writing a name: a municipality's, or a place's within a postcode."""

    text: str
    municipality: Municipality
    place: Place | None = None


class Gazetteer:
    """Lookups over the postal codes, municipalities and places; build it with `gazetteer()`."""

    def __init__(self, data: dict) -> None:
        self.municipalities = {
            refnis: Municipality(refnis, m["nl"], m["fr"], tuple(m["other"]), m["province"],
                                 m["region"], *m["centre"])
            for refnis, m in data["municipalities"].items()}
        self.postcodes: dict[str, Postcode] = {}
        names: dict[str, list[_Name]] = defaultdict(list)
        for code, p in data["postcodes"].items():
            towns = tuple(self.municipalities[r] for r in p["municipalities"])
            places = tuple(Place(name, code, lat, lon) for name, lat, lon in p["places"])
            centre = p["centre"] or (towns[0].lat, towns[0].lon)
            self.postcodes[code] = Postcode(code, towns, places, *centre)
            for place in places:
                # a place split over two municipalities (1040 Etterbeek) belongs to its first
                names[key(place.name)].append(_Name(place.name, towns[0], place))
        for town in self.municipalities.values():
            for text in {town.nl, town.fr, *town.other}:
                names[key(text)].append(_Name(text, town))
        self._names = dict(names)
        # typo search looks only at names of the same first letter and about the same length
        self._by_letter: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for known in self._names:
            self._by_letter[known[0]].append((known, len(known)))
        self._postcodes_of: dict[str, list[Postcode]] = defaultdict(list)
        for postcode in self.postcodes.values():
            for town in postcode.municipalities:
                self._postcodes_of[town.refnis].append(postcode)

    # --- lookups ---------------------------------------------------------------------------

    def postcode(self, code: str) -> Postcode | None:
        return self.postcodes.get(clean_postcode(code))

    def postcodes_of(self, town: Municipality) -> list[Postcode]:
        return self._postcodes_of[town.refnis]

    def names(self, text: str) -> list[_Name]:
        """Every municipality and place written `text` (spelling variants included), else
        those one or two typos away, nearest first."""
        wanted = key(text)
        if not wanted:
            return []
        if wanted in self._names:
            return self._names[wanted]
        limit = allowed_typos(wanted)
        if not limit:
            return []
        best, found = limit + 1, []
        # a typo in the first letter is rare, except two first letters swapped
        candidates = self._by_letter.get(wanted[0], []) + [
            (k, n) for k, n in self._by_letter.get(wanted[1:2], []) if k[:2] == wanted[1::-1]]
        for known, length in candidates:
            if abs(length - len(wanted)) > min(limit, best):
                continue
            distance = typo_distance(wanted, known, min(limit, best))
            if distance < best:
                best, found = distance, list(self._names[known])
            elif distance == best and distance <= limit:
                found += self._names[known]
        return found

    def nearest_place(self, lat: float, lon: float) -> Place | None:
        """The named place closest to a point (a label for a map dot given as coordinates)."""
        scale = math.cos(math.radians(lat)) ** 2
        places = (p for code in self.postcodes.values() for p in code.places)
        return min(places, default=None,
                   key=lambda p: (p.lat - lat) ** 2 + scale * (p.lon - lon) ** 2)

    def municipality_names(self, language: str | None = None) -> list[str]:
        """The 2025 municipalities' names in `language`, sorted: a form's list to choose from."""
        return sorted({m.name(language) for m in self.municipalities.values()}, key=key)

    # --- resolving -------------------------------------------------------------------------

    def locate(self, postcode: str | None, name: str | None) -> Location | None:
        """Where `postcode` and/or municipality `name` put a record; None when both are empty.
        Raises PlaceError for an unknown code or name, a code that is not in the named
        municipality, or a name several municipalities have."""
        postcode, name = (postcode or "").strip(), (name or "").strip()
        if postcode:
            return self._by_postcode(postcode, name)
        if name:
            return self._by_name(name)
        return None

    def _by_postcode(self, typed: str, name: str) -> Location:
        code = clean_postcode(typed)
        entry = self.postcodes.get(code)
        if entry is None:
            hint = self._postcodes_named(name) or self._nearby_postcodes(code)
            problem = "unknown_postcode" if code.isdigit() and len(code) == 4 else "not_a_postcode"
            raise PlaceError([PlaceProblem("postcode", problem, typed,
                                           [p.label() for p in hint])])
        town = entry.municipalities[0]
        if not name:
            return Location(entry.lat, entry.lon, POSTCODE, town, code)
        place, town, spelt = self._in_postcode(entry, name)
        if town is None:
            suggestions = [entry.label()] + [p.label() for p in self._postcodes_named(name)]
            raise PlaceError([PlaceProblem("municipality", "postcode_elsewhere", name,
                                           list(dict.fromkeys(suggestions))[:SUGGESTIONS],
                                           postcode=code)])
        if place is not None:
            return Location(place.lat, place.lon, POSTCODE, town, code, place.name, spelt)
        return Location(entry.lat, entry.lon, POSTCODE, town, code, name=spelt)

    def _in_postcode(self, entry: Postcode,
                     name: str) -> tuple[Place | None, Municipality | None, str | None]:
        """The place or municipality of `entry` that `name` means: same key, one of the words
        of a longer name ("Beveren" for "Beveren-Waas"), a typo away, or another place of the
        same municipality."""
        wanted = key(name)
        options = [(p.name, p, entry.municipalities[0]) for p in entry.places] + [
            (text, None, town) for town in entry.municipalities
            for text in (town.nl, town.fr, *town.other)]
        for text, place, town in options:
            known = key(text)
            if known == wanted:
                return place, town, text
            if _word_prefix(wanted, known) or _word_prefix(known, wanted):
                return place, town, name   # a shorter or longer form people write: kept
        limit = allowed_typos(wanted)
        for text, place, town in options:
            if limit and typo_distance(wanted, key(text), limit) <= limit:
                return place, town, text
        # another part of the same municipality ("9000 Mariakerke"): the postcode belongs to
        # the municipality meant, so it stands; only a postcode elsewhere is a contradiction
        for known in self.names(name):
            if known.municipality in entry.municipalities:
                return None, known.municipality, known.text
        return None, None, None

    def _by_name(self, name: str) -> Location:
        found = self.names(name)
        if not found:
            raise PlaceError([PlaceProblem("municipality", "unknown_municipality", name,
                                           self.similar_names(name))])
        towns = [n for n in found if n.place is None]
        if towns and len({n.municipality.refnis for n in towns}) == 1:
            town = towns[0].municipality
            return Location(town.lat, town.lon, MUNICIPALITY, town, name=towns[0].text)
        if len({n.municipality.refnis for n in found}) > 1:
            raise PlaceError([PlaceProblem("municipality", "ambiguous_municipality", name, [
                _place_label(n.place, n.municipality) if n.place else n.municipality.nl
                for n in found][:SUGGESTIONS])])
        places = [n.place for n in found if n.place is not None]
        codes = {p.postcode for p in places}
        town = found[0].municipality
        if len(codes) == 1:   # a deelgemeente's name says as much as its postal code
            return Location(places[0].lat, places[0].lon, POSTCODE, town, places[0].postcode,
                            places[0].name, places[0].name)
        return Location(town.lat, town.lon, MUNICIPALITY, town, name=found[0].text)

    # --- hints -----------------------------------------------------------------------------

    def _postcodes_named(self, name: str) -> list[Postcode]:
        """The postal codes of what `name` means, for a hint next to a wrong postal code."""
        if not name:
            return []
        codes: list[Postcode] = []
        for entry in self.names(name):
            if entry.place is not None:
                codes.append(self.postcodes[entry.place.postcode])
            else:
                codes += self.postcodes_of(entry.municipality)
        return list(dict.fromkeys(codes))[:SUGGESTIONS]

    def _nearby_postcodes(self, code: str) -> list[Postcode]:
        if not code.isdigit():
            return []
        number = int(code)
        return sorted(self.postcodes.values(),
                      key=lambda p: (abs(int(p.code) - number), p.code))[:SUGGESTIONS]

    def similar_names(self, name: str) -> list[str]:
        """Known names that look most like `name` (for "did you mean")."""
        close = difflib.get_close_matches(key(name), list(self._names), n=SUGGESTIONS,
                                          cutoff=0.6)
        return [self._names[k][0].text for k in close]


def clean_postcode(typed: str) -> str:
    """'B-9000', 'BE 9000', ' 9000 ' -> '9000'."""
    return _POSTCODE_PREFIX.sub("", typed.strip()).replace(" ", "")


def _place_label(place: Place, town: Municipality) -> str:
    """'8800 Beveren (Roeselare)'."""
    same = key(place.name) == key(town.nl) or key(place.name) == key(town.fr)
    return f"{place.postcode} {place.name}" + ("" if same else f" ({town.nl})")


def _word_prefix(short: str, long: str) -> bool:
    """'beveren' starts 'beveren waas': the first words of a longer name, whole words only."""
    return bool(short) and long.startswith(short + " ")


@cache
def gazetteer() -> Gazetteer:
    """The gazetteer, read once per process (about 0.1 s)."""
    return Gazetteer(json.loads(DATA.read_text("utf-8")))
