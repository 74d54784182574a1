"""The offline coordinate plot: north up, distances and radii to one scale, no guessing."""
from __future__ import annotations

import pytest

from api.web.plot import CHAR_PX, FONT_PX, HEIGHT, WIDTH, Place, coordinate_plot

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
    assert all(0 <= d.x <= WIDTH and 0 <= d.y <= HEIGHT for d in plot.dots)


def test_items_without_coordinates_are_listed_not_placed():
    plot = coordinate_plot([Place("stream", "stream", *GENT),
                            Place("nowhere", "capacity", None, None, radius_km=10)])
    assert [d.place.label for d in plot.dots] == ["stream"]
    assert [p.label for p in plot.unplaced] == ["nowhere"]


def test_nothing_to_plot_without_any_position():
    assert coordinate_plot([Place("nowhere", "stream", None, None)]) is None


def test_borders_are_drawn_under_flemish_places_and_kept_small():
    plot = coordinate_plot([Place("stream", "stream", *GENT, name="Gent"),
                            Place("se", "capacity", *ANTWERPEN, radius_km=25, name="Antwerpen")])
    kinds = {kind for kind, _ in plot.borders}
    assert kinds == {"canton", "arrondissement"}   # Gent and Antwerpen lie in two
    assert all(d.startswith("M") for _, d in plot.borders)
    assert sum(len(d) for _, d in plot.borders) < 40_000   # bytes of path data on the page


def _boxes(plot):
    for label in plot.labels:
        width = len(label.text) * CHAR_PX
        left = label.x - {"start": 0, "middle": width / 2, "end": width}[label.anchor]
        yield (left, label.y - FONT_PX + 2, left + width, label.y + 3)


def test_labels_name_the_places_and_never_overlap_even_when_crowded():
    crowd = [Place(f"se {i}", "capacity", GENT[0] + 0.004 * (i % 4), GENT[1] + 0.006 * (i // 4),
                   name=f"Plaats {i}") for i in range(16)]
    plot = coordinate_plot([Place("stream", "stream", *GENT, name="Gent"), *crowd])
    boxes = list(_boxes(plot))
    assert plot.labels and len(plot.labels) < 17    # not all fit; the legend names them all
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])
        for dot in plot.dots:
            assert not (a[0] < dot.x + 6 and dot.x - 6 < a[2] and a[1] < dot.y + 6
                        and dot.y - 6 < a[3])
        assert 0 <= a[0] and a[2] <= WIDTH and 0 <= a[1] and a[3] <= HEIGHT


def test_dots_at_one_place_share_one_label():
    plot = coordinate_plot([Place("a", "stream", *GENT, name="Gent"),
                            Place("b", "capacity", *GENT, name="Gent"),
                            Place("c", "capacity", *ANTWERPEN, name="Antwerpen")])
    assert sorted(label.text for label in plot.labels) == ["Antwerpen 3", "Gent 1, 2"]
