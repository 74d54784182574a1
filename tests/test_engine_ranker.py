"""The ranker end to end on hand-made docs, with a word-hashing stand-in embedder
(these tests are about ranking, not about embeddings; see
test_engine_integration.py for the real one)."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from matchmaker.engine.candidates import CandidateSettings
from matchmaker.engine.documents import CapacityDoc, StreamDoc, enrich
from matchmaker.engine.features import FEATURES
from matchmaker.engine.ranker import Ranker
from matchmaker.errors import NotFound

GENT = (51.054, 3.717)


class WordHashEmbedder:
    """Bag of hashed words: texts sharing words get a positive cosine."""

    name = "word-hash"
    dim = 64

    def encode(self, texts, batch_size: int = 64) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)


def workwear_stream(**fields) -> StreamDoc:
    base = dict(id="s-1", organisation_id="org-company", title="Afgedankte werkkledij",
                language="nl", materials=("workwear",), services=("collection", "sorting"),
                quantity_amount=2, quantity_unit="t", quantity_per="year",
                lat=GENT[0], lon=GENT[1])
    return StreamDoc(**{**base, **fields})


def textile_capacity(id: str, organisation: str = "org-a", km_east: float = 0.0,
                     radius: float = 40, **fields) -> CapacityDoc:
    base = dict(id=id, organisation_id=organisation, title="Sortering van textiel en werkkledij",
                language="nl", materials=("textiles",), services=("collection", "sorting"),
                quantity_amount=5, quantity_unit="t", quantity_per="month",
                lat=GENT[0], lon=GENT[1] + km_east / 70.0, service_radius_km=radius,
                target_group_fte=14)
    return CapacityDoc(**{**base, **fields})


def pallet_capacity(id: str = "c-pallets") -> CapacityDoc:
    return CapacityDoc(id=id, organisation_id="org-p", title="Herstel van paletten",
                       language="nl", materials=("pallets",), services=("repair",),
                       lat=GENT[0], lon=GENT[1], service_radius_km=50)


@pytest.fixture
def ranker() -> Ranker:
    return Ranker.build(
        [workwear_stream()],
        [textile_capacity("c-near"), textile_capacity("c-far", organisation="org-b", km_east=60),
         pallet_capacity()],
        embedder=WordHashEmbedder())


def test_right_material_and_service_within_reach_ranks_first(ranker):
    ids = [s.target_id for s in ranker.suggest_for_stream(workwear_stream())]
    assert ids[0] == "c-near"


def test_near_miss_stays_in_the_list_with_a_negative_reason(ranker):
    suggestions = {s.target_id: s for s in ranker.suggest_for_stream(workwear_stream())}
    far = suggestions["c-far"]
    assert far.score > suggestions["c-pallets"].score
    negative = [r for r in far.reasons if r.polarity == "-"]
    assert [r.code for r in negative] == ["beyond_radius"]
    assert negative[0].text.startswith("Buiten werkgebied: 60 km, werkgebied 40 km")
    assert negative[0].contribution < 0


def test_suggestion_score_is_the_sum_of_its_contributions(ranker):
    for suggestion in ranker.suggest_for_stream(workwear_stream()):
        assert suggestion.score == pytest.approx(sum(suggestion.contributions.values()))


def test_reasons_in_dutch_french_and_english(ranker):
    texts = {}
    for language in ("nl", "fr", "en"):
        top = ranker.suggest_for_stream(workwear_stream(), language=language)[0]
        texts[language] = {r.code: r.text for r in top.reasons}
    assert texts["nl"]["material_covered"] == "Verwerkt textiel, waaronder dit materiaal"
    assert texts["nl"]["services_offered"] == "Biedt gevraagde diensten: ophaling, sortering"
    assert texts["fr"]["services_offered"] == "Offre les services demandés\u00a0: collecte, tri"
    assert texts["en"]["within_radius"] == "Within service area: 0 km of 40 km"
    assert texts["en"]["capacity_enough"] == "Capacity covers the volume"


def test_missing_certificate_and_partial_capacity_are_said(ranker):
    stream = workwear_stream(requirements=("certified_data_wiping",), quantity_amount=100,
                             quantity_per="month")
    top = {r.code: r for r in ranker.suggest_for_stream(stream)[0].reasons}
    assert top["certification_missing"].text == "Mist certificaat: gecertificeerde datawissing"
    assert top["capacity_partial"].text == "Capaciteit dekt ongeveer 5% van het volume"
    assert top["certification_missing"].polarity == "-"


def test_at_most_two_capacities_of_one_organisation_in_the_top():
    capacities = [textile_capacity(f"c-{i}", organisation="org-big") for i in range(4)]
    capacities += [textile_capacity("c-other", organisation="org-small", km_east=30)]
    capacities += [pallet_capacity()]
    ranker = Ranker.build([], capacities, embedder=WordHashEmbedder())
    top = ranker.suggest_for_stream(workwear_stream(), k=3)
    assert [s.organisation_id for s in top].count("org-big") == 2
    assert "c-other" in [s.target_id for s in top]
    ranker.max_per_organisation = 3
    top = ranker.suggest_for_stream(workwear_stream(), k=3)
    assert [s.organisation_id for s in top].count("org-big") == 3


def test_capped_organisation_fills_places_nobody_else_can(ranker):
    capacities = [textile_capacity(f"c-{i}", organisation="org-big") for i in range(4)]
    ranker = Ranker.build([], capacities, embedder=WordHashEmbedder())
    assert len(ranker.suggest_for_stream(workwear_stream(), k=4)) == 4


def test_suggest_for_capacity_ranks_streams(ranker):
    ranker.upsert([StreamDoc(id="s-glass", organisation_id="org-x", title="Glasscherven",
                             materials=("glass",), services=("collection",),
                             lat=GENT[0], lon=GENT[1])])
    suggestions = ranker.suggest_for_capacity(textile_capacity("c-near"))
    assert [s.target_id for s in suggestions][0] == "s-1"
    reasons = {r.code for r in suggestions[0].reasons}
    assert "services_offered" in reasons


def test_allowed_limits_the_capacities(ranker):
    ids = [s.target_id for s in ranker.suggest_for_stream(workwear_stream(),
                                                          allowed={"c-pallets"})]
    assert ids == ["c-pallets"]


def test_upsert_replaces_and_remove_forgets(ranker):
    ranker.upsert([pallet_capacity("c-near")])  # same id, now a pallet repairer
    assert ranker.get("capacity", "c-near").materials == ("pallets",)
    assert ranker.remove("capacity", ["c-far", "c-unknown"]) == 1
    ids = [s.target_id for s in ranker.suggest_for_stream(workwear_stream())]
    assert "c-far" not in ids and len(ids) == 2
    with pytest.raises(NotFound):
        ranker.get("capacity", "c-far")


def test_closed_capacities_are_not_suggested(ranker):
    ranker.upsert([textile_capacity("c-near", status="closed")])
    assert "c-near" not in [s.target_id for s in ranker.suggest_for_stream(workwear_stream())]


def test_many_streams_at_once(ranker):
    other = workwear_stream(id="s-2", materials=("pallets",), services=("repair",))
    queue = ranker.suggest_for_streams([workwear_stream(), other], k=1)
    assert queue["s-1"][0].target_id == "c-near"
    assert queue["s-2"][0].target_id == "c-pallets"


def test_enrich_fills_only_empty_fields_and_marks_them_inferred():
    entered = workwear_stream(services=(), description="We zoeken iemand die het komt ophalen.")
    enriched = enrich(entered)
    assert enriched.materials == ("workwear",)
    assert "materials" not in enriched.inferred
    assert "collection" in enriched.services
    assert 0 < enriched.inferred["services"] <= 1
    assert entered.services == ()


def test_candidates_include_blocked_material_even_without_text_overlap():
    capacities = [textile_capacity("c-text", title="Atelier"), pallet_capacity()]
    ranker = Ranker.build([], capacities, embedder=WordHashEmbedder(),
                          candidates=CandidateSettings(dense_k=0, lexical_k=0))
    assert ranker.candidate_ids(workwear_stream()) == ["c-text"]
    assert ranker.dense_index_name("capacity") == "ExactIndex"


def test_features_of_reviewed_pairs_match_the_suggestions(ranker):
    stream = workwear_stream()
    suggested = {s.target_id: s for s in ranker.suggest_for_stream(stream)}
    X = ranker.features_for_pairs([(stream, ranker.get("capacity", "c-far"))])
    assert X.shape == (1, len(FEATURES))
    assert X[0].tolist() == pytest.approx(
        [suggested["c-far"].features[name] for name in FEATURES])
    with pytest.raises(NotFound):
        ranker.features_for_pairs([(stream, pallet_capacity("c-unknown"))])
