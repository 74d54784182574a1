"""The ablation runs every variant once and leaves the ranker as it found it."""
from __future__ import annotations

import numpy as np

from matchmaker.engine.ablation import ablate, variants
from matchmaker.engine.documents import CapacityDoc, StreamDoc
from matchmaker.engine.features import FEATURES
from matchmaker.engine.ranker import Ranker


def _ranker() -> tuple[Ranker, StreamDoc]:
    capacities = [
        CapacityDoc(id="c-wood", organisation_id="o1", title="herstel van paletten",
                    materials=("pallets",), services=("repair",), lat=51.0, lon=4.0,
                    service_radius_km=30),
        CapacityDoc(id="c-text", organisation_id="o2", title="sortering van textiel",
                    materials=("textiles",), services=("sorting",), lat=51.0, lon=4.0,
                    service_radius_km=30),
    ]
    vectors = np.eye(2, 8, dtype=np.float32)
    stream = StreamDoc(id="s", organisation_id="o3", title="kapotte paletten",
                       materials=("pallets",), services=("repair",), lat=51.01, lon=4.01)
    return Ranker.build([], capacities, capacity_vectors=vectors), stream


def test_every_channel_and_feature_has_a_variant():
    names = set(variants(Ranker(dim=8).candidates))
    assert {"no dense channel", "no lexical channel", "no blocking"} <= names
    assert {f"without {f}" for f in FEATURES} <= names


def test_ablation_measures_each_variant_and_restores_the_ranker():
    ranker, stream = _ranker()
    vector = np.eye(1, 8, dtype=np.float32)[0]
    before = (ranker.candidates, ranker.scorer)
    top_score = ablate(ranker, lambda r: r.suggest_for_stream(stream, vector=vector)[0].score)
    assert (ranker.candidates, ranker.scorer) == before
    assert len(top_score) == len(variants(ranker.candidates))
    full = ranker.suggest_for_stream(stream, vector=vector)[0].score
    assert top_score["without material"] < full
