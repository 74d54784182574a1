"""Places: Belgian postal codes, municipalities and places as coordinates, offline.

`gazetteer()` holds the lookups (`gazetteer.py`), `geocode` applies them to organisations,
streams and capacities as they are written or imported, `borders` gives the outlines the maps
draw. The data is derived from Statbel, GeoNames and NGI by `build.py` (data/SOURCES.md).
"""
from .errors import PlaceError, PlaceProblem
from .gazetteer import EXACT, MUNICIPALITY, POSTCODE, PRECISIONS, Gazetteer, Location, gazetteer

__all__ = ["EXACT", "MUNICIPALITY", "POSTCODE", "PRECISIONS", "Gazetteer", "Location",
           "PlaceError", "PlaceProblem", "gazetteer"]
