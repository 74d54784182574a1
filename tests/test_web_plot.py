"""The offline coordinate plot: north up, distances and radii to one scale, no guessing."""
from __future__ import annotations

import pytest

from api.web.plot import SIZE, Place, coordinate_plot

GENT = (51.0543, 3.7174)
ANTWERPEN = (51.2194, 4.4025)


def test_plot_puts_north_up_and_draws_radii_to_the_scale_bar():
    plot = coordinate_plot([Place("stream", "stream", *GENT),
                            Place("se", "capacity", *ANTWERPEN, radius_km=25)])
    gent, antwerpen = plot.dots
    assert antwerpen.y < gent.y and antwerpen.x > gent.x  # north-east of Gent
    px_per_km = plot.scale_px / plot.scale_km
    assert antwerpen.r == pytest.approx(25 * px_per_km, rel=0.01)
    dx_km = (antwerpen.x - gent.x) / px_per_km
    dy_km = (gent.y - antwerpen.y) / px_per_km
    assert (dx_km ** 2 + dy_km ** 2) ** 0.5 == pytest.approx(52, abs=2)  # Gent-Antwerpen
    assert all(0 <= d.x <= SIZE and 0 <= d.y <= SIZE for d in plot.dots)


def test_items_without_coordinates_are_listed_not_placed():
    plot = coordinate_plot([Place("stream", "stream", *GENT),
                            Place("nowhere", "capacity", None, None, radius_km=10)])
    assert [d.place.label for d in plot.dots] == ["stream"]
    assert [p.label for p in plot.unplaced] == ["nowhere"]


def test_nothing_to_plot_without_any_position():
    assert coordinate_plot([Place("nowhere", "stream", None, None)]) is None
