"""The whole engine with the real USE multilingual embedder on a small nl/fr/en
set of free-text docs (no structured fields: enrichment has to find them)."""

from __future__ import annotations

import pytest

from indexing.embedders import get_embedder
from matchmaker.engine.documents import CapacityDoc, StreamDoc, enrich
from matchmaker.engine.ranker import Ranker

pytestmark = pytest.mark.slow

GENT, KORTRIJK, LEUVEN = (51.054, 3.717), (50.828, 3.265), (50.879, 4.700)

CAPACITIES = [
    CapacityDoc(id="c-ict", organisation_id="org-1", language="nl",
                title="Refurbishing van laptops en pc's",
                description="Wij wissen gegevens gecertificeerd en maken computers opnieuw "
                            "klaar voor gebruik. Ophaling binnen 50 km.",
                lat=GENT[0], lon=GENT[1]),
    CapacityDoc(id="c-textile", organisation_id="org-2", language="fr",
                title="Tri et collecte de vêtements de travail",
                description="Notre entreprise sociale collecte et trie les textiles usagés "
                            "dans un rayon de 40 km.",
                lat=KORTRIJK[0], lon=KORTRIJK[1]),
    CapacityDoc(id="c-pallets", organisation_id="org-3", language="en",
                title="Pallet repair",
                description="We repair broken wooden pallets and sell them again. "
                            "We collect within 30 km.",
                lat=LEUVEN[0], lon=LEUVEN[1]),
]
STREAMS = [
    StreamDoc(id="s-laptops", organisation_id="org-9", title="Ordinateurs portables usagés",
              description="Nous remplaçons 40 ordinateurs portables. Les données doivent être "
                          "effacées.", lat=GENT[0], lon=GENT[1]),
    StreamDoc(id="s-workwear", organisation_id="org-9", title="Afgedankte werkkledij",
              description="Jaarlijks 2 ton gebruikte werkkledij die opgehaald en gesorteerd "
                          "moet worden.", lat=KORTRIJK[0], lon=KORTRIJK[1]),
    StreamDoc(id="s-pallets", organisation_id="org-9", title="Broken pallets",
              description="Every week about 50 broken pallets need to be picked up and repaired.",
              lat=LEUVEN[0], lon=LEUVEN[1]),
]


@pytest.fixture(scope="module")
def ranker() -> Ranker:
    embedder = get_embedder("use-multilingual")
    return Ranker.build([enrich(s) for s in STREAMS], [enrich(c) for c in CAPACITIES],
                        embedder=embedder)


@pytest.mark.parametrize(("stream_id", "expected"), [
    ("s-laptops", "c-ict"), ("s-workwear", "c-textile"), ("s-pallets", "c-pallets"),
])
def test_free_text_streams_find_their_capacity_across_languages(ranker, stream_id, expected):
    stream = ranker.get("stream", stream_id)
    assert ranker.suggest_for_stream(stream)[0].target_id == expected


def test_enrichment_fills_the_fields_ranking_needs(ranker):
    laptops = ranker.get("stream", "s-laptops")
    assert laptops.language == "fr"
    assert "ict_equipment" in laptops.materials
    assert set(laptops.inferred) >= {"language", "materials"}
    assert ranker.get("capacity", "c-pallets").service_radius_km == 30


def test_reasons_follow_the_stream_language(ranker):
    top = ranker.suggest_for_stream(ranker.get("stream", "s-laptops"))[0]
    material = next(r for r in top.reasons if r.code.startswith("material"))
    assert material.text.startswith(("Même matériau", "Traite"))


def test_capacity_finds_its_stream(ranker):
    capacity = ranker.get("capacity", "c-textile")
    assert ranker.suggest_for_capacity(capacity)[0].target_id == "s-workwear"
