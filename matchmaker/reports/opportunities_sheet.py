"""The opportunities nobody serves yet as a sheet, for the hub's and the programme's
workbooks: unserved streams by material and region, then capacities with room."""
from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from . import words
from .opportunities import Opportunities
from .sheets import INTEGER, header, put, widths


def opportunities_sheet(sheet: Worksheet, found: Opportunities | None, title: str,
                        language: str) -> None:
    """Unserved streams by material and region, then idle capacities; shared with the
    programme's workbook."""
    put(sheet, 1, 1, title)
    if found is None:
        put(sheet, 3, 1, words.text("not_computed", language))
        return
    row = 3
    put(sheet, row, 1, words.text("unserved_streams", language), bold=True)
    header(sheet, row + 1, [words.text(c, language) for c in (
        "material", "region", "stream", "organisation", "hub", "municipality", "kg_per_month",
        "nearest", "misses")])
    row += 2
    for gap in found.gaps:
        for stream in gap.streams:
            near = stream.nearest[0] if stream.nearest else None
            values = (words.material(gap.material, language), words.region(gap.region, language),
                      stream.title, stream.organisation, stream.hub, stream.municipality,
                      stream.kg_per_month,
                      f"{near.organisation}: {near.title}" if near else "",
                      ", ".join(words.shortfall(s, language) for s in near.shortfalls)
                      if near else "")
            for c, value in enumerate(values, start=1):
                put(sheet, row, c, value, INTEGER if c == 7 else None)
            row += 1
    if not found.gaps:
        put(sheet, row, 1, words.text("none_found", language))
        row += 1
    row += 1
    put(sheet, row, 1, words.text("idle_capacities", language), bold=True)
    header(sheet, row + 1, [words.text(c, language) for c in (
        "capacity", "organisation", "hub", "region", "materials", "kg_per_month",
        "spare_kg_per_month", "nearest", "misses")])
    row += 2
    for capacity in found.idle:
        near = capacity.nearest[0] if capacity.nearest else None
        values = (capacity.title, capacity.organisation, capacity.hub,
                  words.region(capacity.region, language),
                  ", ".join(words.material(m, language) for m in capacity.materials),
                  capacity.kg_per_month, capacity.spare_kg_per_month,
                  f"{near.organisation}: {near.title}" if near else "",
                  ", ".join(words.shortfall(s, language) for s in near.shortfalls)
                  if near else "")
        for c, value in enumerate(values, start=1):
            put(sheet, row, c, value, INTEGER if c in (6, 7) else None)
        row += 1
    if not found.idle:
        put(sheet, row, 1, words.text("none_found", language))
    widths(sheet, (28, 18, 32, 28, 16, 16, 14, 40, 36))
