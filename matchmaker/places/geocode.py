"""Where organisations, streams and capacities are: their typed postcode and municipality as a
point, whenever they are written (pages, API, imports) and for rows stored before.

The columns involved are `postcode`, `municipality`, `lat`, `lon` and `location_precision`.
Coordinates given with a write always win (precision "exact"); otherwise a write that
touches the postcode or municipality, or a new row without coordinates, is geocoded, and a
row whose typed location is emptied loses its geocoded point (a stream or capacity then lies
at its organisation's place again). An unknown or contradictory location raises PlaceError. A typed name is stored as the gazetteer
spells it (accents, hyphens, capitals, a small typo corrected).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matchmaker.errors import FieldError, ValidationError
from models.base import UtcDateTime, utcnow

from .errors import PlaceError
from .gazetteer import EXACT, gazetteer

PLACE_FIELDS = ("postcode", "municipality")
POINT_FIELDS = ("lat", "lon")


def _given(values: Mapping[str, Any], name: str) -> bool:
    value = values.get(name)
    return value is not None and (not isinstance(value, str) or bool(value.strip()))


def place_columns(values: Mapping[str, Any], current: Any = None) -> dict[str, Any]:
    """`values` (the columns being written) with lat, lon and location_precision added where
    the location decides them; `current` is the stored row for an update, None for a new one.
    Raises PlaceError naming the `postcode` or `municipality` field."""
    values = dict(values)
    given = [name for name in POINT_FIELDS if _given(values, name)]
    if len(given) == 2:
        values["location_precision"] = EXACT
        return values
    if given:
        missing = "lon" if given == ["lat"] else "lat"
        raise ValidationError([FieldError(missing, "give lat and lon together")])
    typed = any(name in values for name in PLACE_FIELDS)
    cleared = any(name in values and values[name] is None for name in POINT_FIELDS)
    stored_precision = getattr(current, "location_precision", None)
    if current is not None and not typed and not cleared:
        return values   # the location is not part of this write
    if current is not None and not typed and stored_precision == EXACT:
        typed = True    # coordinates removed: fall back on the typed place, if any

    def now(name: str) -> Any:
        return values[name] if name in values else getattr(current, name, None)

    found = gazetteer().locate(now("postcode"), now("municipality"))
    if found is not None:
        values.update(lat=found.lat, lon=found.lon, location_precision=found.precision)
        if found.name and "municipality" in values:
            values["municipality"] = found.name   # "sint amandsberg" -> "Sint-Amandsberg"
    elif current is None or typed or cleared:
        values.update(lat=None, lon=None, location_precision=None)
    return values


@dataclass
class GeocodeReport:
    """What `geocode_stored` did, per table: rows given a point, and rows it could not place."""

    located: dict[str, int] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)


def geocode_stored(connection: sa.Connection | Session, *, refresh: bool = False) -> GeocodeReport:
    """Give every stored organisation, stream and capacity with a postcode or municipality
    but no coordinates its point (`refresh`: every geocoded one again, after a gazetteer
    update). Explicit coordinates are never touched. Works on plain tables, so the migration
    that adds the precision column can call it too."""
    report = GeocodeReport()
    for table in ("organisations", "streams", "capacities"):
        columns = sa.table(table, sa.column("id"), sa.column("postcode"),
                           sa.column("municipality"), sa.column("lat"), sa.column("lon"),
                           sa.column("location_precision"),
                           sa.column("updated_at", UtcDateTime()))
        wanted = sa.or_(columns.c.lat.is_(None), columns.c.lon.is_(None))
        if refresh:
            wanted = sa.or_(wanted, columns.c.location_precision.in_(("postcode", "municipality")))
        rows = connection.execute(sa.select(columns).where(
            sa.or_(columns.c.postcode.is_not(None), columns.c.municipality.is_not(None)),
            sa.or_(columns.c.location_precision.is_(None),
                   columns.c.location_precision != EXACT), wanted)).all()
        located = 0
        for row in rows:
            try:
                found = gazetteer().locate(row.postcode, row.municipality)
            except PlaceError as err:
                report.failed.append(f"{table} {row.id}: {err}")
                continue
            if found is None:
                continue
            connection.execute(sa.update(columns).where(columns.c.id == row.id).values(
                lat=found.lat, lon=found.lon, location_precision=found.precision,
                updated_at=utcnow()))
            located += 1
        report.located[table] = located
    if any(report.located.values()):
        # the workers' indexes hold the old points: tell them (models/vectors.py)
        version = sa.table("index_version", sa.column("id"), sa.column("version"))
        connection.execute(sa.update(version).where(version.c.id == 1)
                           .values(version=version.c.version + 1))
    return report
