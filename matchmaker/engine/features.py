"""Named features of (stream, capacity) pairs, computed for all candidates at once.

`pair_features(stream, capacity, semantic, lexical)` takes two Blocks of which
one has a single row (the query) and broadcasts it against the other. Every
feature is a float column named in FEATURES; "unknown" (a field empty on either
side) always gives the neutral value 0, so a missing field neither helps nor
hurts. Raw measures a facilitator reads (distance, radius, volume share) come
back alongside in `details`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matchmaker import taxonomy
from matchmaker.engine.columns import MATERIAL_IDS, Block

FEATURES: tuple[str, ...] = (
    "semantic",  # cosine of the two embedded texts
    "lexical",  # character n-gram TF-IDF cosine
    "material",  # best material relation, see MATERIAL_LEVELS
    "material_mismatch",  # both sides name materials and none relate
    "ewc",  # a shared EURAL code
    "service",  # share of the wanted services offered
    "service_mismatch",  # both sides name services and none is offered
    "within_radius",  # the stream lies inside the capacity's service radius
    "beyond_radius",  # how far outside, as a share of the radius (capped)
    "capacity_short",  # share of the stream's volume the capacity cannot take
    "certification_missing",  # share of the required certifications not held
    "social_impact",  # target-group jobs, log-scaled to [0, 1]
    "availability_conflict",  # both sides give dates and they do not overlap
)

# Material relation (stream material vs capacity material) -> level. A parent
# covers its children, so a capacity for "textiles" takes "workwear" almost as
# well as one for "workwear"; a capacity for only a child of the stream's
# material takes part of it; siblings share know-how only.
MATERIAL_LEVELS: dict[str | None, float] = {
    "same": 1.0, "child": 0.9, "parent": 0.7, "sibling": 0.35, None: 0.0,
}
MAX_BEYOND_RATIO = 2.0
# A reach beyond which nobody in Flanders drives for a pick-up; used when a
# capacity states no radius.
DEFAULT_RADIUS_KM = 40.0
SOCIAL_FTE_SCALE = 100.0
EARTH_RADIUS_KM = 6371.0


def _material_matrix() -> np.ndarray:
    n = len(MATERIAL_IDS)
    levels = np.zeros((n, n), dtype=np.float32)
    for i, a in enumerate(MATERIAL_IDS):
        for j, b in enumerate(MATERIAL_IDS):
            # relation of the stream's material a to the capacity's material b
            levels[i, j] = MATERIAL_LEVELS[taxonomy.material_relation(a, b)]
    return levels


MATERIAL_MATRIX = _material_matrix()


@dataclass
class FeatureMatrix:
    """values[:, j] is feature FEATURES[j]; details hold raw measures by name."""

    values: np.ndarray
    details: dict[str, np.ndarray]

    def column(self, name: str) -> np.ndarray:
        return self.values[:, FEATURES.index(name)]


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in km; NaN where a coordinate is unknown."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def material_level(stream_materials: np.ndarray, capacity_materials: np.ndarray) -> np.ndarray:
    """Best MATERIAL_LEVELS value over all material pairs; one side has one row."""
    if stream_materials.shape[0] == 1:
        best_for = MATERIAL_MATRIX[stream_materials[0]].max(axis=0, initial=0.0)
        return (capacity_materials * best_for).max(axis=1, initial=0.0)
    best_for = MATERIAL_MATRIX[:, capacity_materials[0]].max(axis=1, initial=0.0)
    return (stream_materials * best_for).max(axis=1, initial=0.0)


def coverage(required: np.ndarray, held: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(share of required items held, whether anything is required)."""
    wanted = required.sum(axis=1)
    covered = (required & held).sum(axis=1)
    share = np.divide(covered, wanted, out=np.zeros(np.broadcast(covered, wanted).shape),
                      where=wanted > 0)
    return share, np.broadcast_to(wanted > 0, share.shape)


def capacity_share(stream_kg: np.ndarray, capacity_kg: np.ndarray) -> np.ndarray:
    """Share of the stream's kg/month the capacity takes, in [0, 1]; NaN if unknown."""
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(stream_kg > 0, capacity_kg / stream_kg, np.nan)
    return np.minimum(share, 1.0)


def social_impact(fte: np.ndarray) -> np.ndarray:
    """log1p(fte) / log1p(SOCIAL_FTE_SCALE), capped at 1; 0 when unknown."""
    scaled = np.log1p(np.nan_to_num(fte, nan=0.0).clip(min=0)) / np.log1p(SOCIAL_FTE_SCALE)
    return np.minimum(scaled, 1.0)


def dates_conflict(s: Block, c: Block) -> np.ndarray:
    """Both sides give dates and the windows cannot overlap."""
    with np.errstate(invalid="ignore"):
        stream_late = s.available_from > c.available_until
        capacity_late = c.available_from > s.available_until
    return (stream_late | capacity_late).astype(np.float64)


def pair_features(
    s: Block, c: Block, semantic: np.ndarray, lexical: np.ndarray
) -> FeatureMatrix:
    """Features of every (stream row, capacity row) pair; one of the blocks has one row."""
    n = max(s.lat.shape[0], c.lat.shape[0])
    material = material_level(s.materials, c.materials)
    both_materials = s.materials.any(axis=1) & c.materials.any(axis=1)
    service, wants = coverage(s.services, c.services)
    both_services = wants & c.services.any(axis=1)
    certs_held, requires = coverage(s.certifications, c.certifications)
    ewc = (s.ewc & c.ewc).any(axis=1) if s.ewc.shape[1] else np.zeros(n, dtype=bool)

    distance = haversine_km(s.lat, s.lon, c.lat, c.lon)
    radius = np.where(np.isnan(c.radius_km), DEFAULT_RADIUS_KM, c.radius_km)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = distance / np.maximum(radius, 1.0)
    known_distance = ~np.isnan(distance)
    within = known_distance & (ratio <= 1.0)
    beyond = np.where(known_distance & (ratio > 1.0), np.minimum(ratio - 1.0, MAX_BEYOND_RATIO), 0)

    share = capacity_share(s.kg_per_month, c.kg_per_month)
    short = np.where(np.isnan(share), 0.0, 1.0 - np.nan_to_num(share, nan=1.0))

    columns = {
        "semantic": semantic,
        "lexical": lexical,
        "material": material,
        "material_mismatch": both_materials & (material == 0),
        "ewc": ewc,
        "service": service,
        "service_mismatch": both_services & (service == 0),
        "within_radius": within,
        "beyond_radius": beyond,
        "capacity_short": short,
        "certification_missing": np.where(requires, 1.0 - certs_held, 0.0),
        "social_impact": social_impact(c.target_group_fte),
        "availability_conflict": dates_conflict(s, c),
    }
    values = np.empty((n, len(FEATURES)), dtype=np.float64)
    for j, name in enumerate(FEATURES):
        values[:, j] = np.broadcast_to(columns[name], (n,))
    details = {
        "distance_km": np.broadcast_to(distance, (n,)),
        "radius_km": np.broadcast_to(radius, (n,)),
        "radius_known": np.broadcast_to(~np.isnan(c.radius_km), (n,)),
        "capacity_share": np.broadcast_to(share, (n,)),
    }
    return FeatureMatrix(values, details)
