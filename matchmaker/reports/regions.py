"""The province of a Belgian postcode: the region in which opportunities are grouped.

Belgian postcodes are handed out by province in fixed ranges (bpost), so the first digits
are enough; an address outside Belgium or without a postcode has region "" (unknown).
"""
from __future__ import annotations

import re

# (first postcode of a range, province code); each range runs up to the next one.
_RANGES: tuple[tuple[int, str], ...] = (
    (1000, "BRU"), (1300, "WBR"), (1500, "VBR"), (2000, "ANT"), (3000, "VBR"),
    (3500, "LIM"), (4000, "LIE"), (5000, "NAM"), (6000, "HAI"), (6600, "LUX"),
    (7000, "HAI"), (8000, "WVL"), (9000, "OVL"),
)
_POSTCODE = re.compile(r"^(?:B-?)?\s*(\d{4})$", re.IGNORECASE)


def province(postcode: str | None) -> str:
    """"9000" -> "OVL", "B-2018" -> "ANT"; "" when it is not a Belgian postcode."""
    found = _POSTCODE.match((postcode or "").strip())
    if not found:
        return ""
    number = int(found.group(1))
    code = ""
    for first, name in _RANGES:
        if number >= first:
            code = name
    return code
