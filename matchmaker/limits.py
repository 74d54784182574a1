"""The ranges of every date and number people give the service (pages, API, imports).

A range is what the hub's work can mean, with room to spare: a stream of more than a
billion kilograms a month or an agreement for the year 9999 is a typing error, and beyond
such bounds arithmetic goes wrong (9999-12-31 plus the one day that makes a period's end
exclusive overflows; a sum of huge floats becomes infinite, which JSON cannot carry). The
API's schemas state these ranges in the OpenAPI document; the pages and the exchange
import check the same ones.
"""
from __future__ import annotations

import datetime as dt

# The KPI years run from 2000 to 2100; every day given lies in them.
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)
# Quantities per period, capacities, agreed and handled volumes, KPI targets.
MAX_AMOUNT = 1_000_000_000.0
MAX_FTE = 100_000.0
MAX_HOURS = 10_000_000.0
MAX_RADIUS_KM = 1_000.0
MAX_PARTICIPANTS = 100_000


def day_problem(day: dt.date) -> str | None:
    """Why `day` is refused, or None."""
    if FIRST_DAY <= day <= LAST_DAY:
        return None
    return f"must lie between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}"


def number_problem(value: float, maximum: float, minimum: float = 0.0) -> str | None:
    """Why `value` is refused (out of range, or not a finite number), or None."""
    if minimum <= value <= maximum:  # False for NaN as well
        return None
    return f"must lie between {minimum:g} and {maximum:g}"
