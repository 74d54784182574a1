"""A restarted worker loads the suggestion index `matchmaker index` stored, brings it up
to date from the database alone and answers exactly as the worker before it (and as one
that built its index from the database): same capacities and streams, scores, reasons."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from indexing.embedders import get_embedder
from matchmaker import registration
from matchmaker.catalogue import MATCHABLE_STATUS
from matchmaker.demo import load_demo
from matchmaker.exchange import import_exchange
from matchmaker.suggestions import SuggestionService
from models import Capacity, Organisation, Stream, User


class CountingEmbedder:
    """The real embedder, counting the texts it is asked to embed."""

    def __init__(self, embedder) -> None:
        self._embedder = embedder
        self.name, self.dim = embedder.name, embedder.dim
        self.texts = 0

    def encode(self, texts):
        self.texts += len(texts)
        return self._embedder.encode(texts)


@pytest.fixture(scope="module")
def embedder():
    return get_embedder("use-multilingual")


def _answers(service: SuggestionService, session) -> dict:
    """Every suggestion the service gives for the items it holds, as plain values."""
    def plain(suggestions):
        return [(s.target_id, s.organisation_id, s.score,
                 [(r.code, r.polarity, r.text, r.contribution) for r in s.reasons])
                for s in suggestions]

    out = {}
    for stream_id in session.scalars(sa.select(Stream.id).where(
            Stream.status == MATCHABLE_STATUS).order_by(Stream.id)):
        out[("stream", stream_id)] = plain(service.for_stream(session, stream_id, k=10))
    for capacity_id in session.scalars(sa.select(Capacity.id).where(
            Capacity.status == MATCHABLE_STATUS).order_by(Capacity.id)):
        out[("capacity", capacity_id)] = plain(service.for_capacity(session, capacity_id, k=10))
    return out


def _assert_same(before: dict, after: dict) -> None:
    assert before.keys() == after.keys()
    for key, old in before.items():
        new = after[key]
        assert [s[:2] for s in new] == [s[:2] for s in old], key
        for (*_, score_old, reasons_old), (*_, score_new, reasons_new) in zip(old, new,
                                                                              strict=True):
            assert score_new == pytest.approx(score_old, abs=1e-6), key
            assert [r[:3] for r in reasons_new] == [r[:3] for r in reasons_old], key
            # Contributions are shown rounded to 4 decimals; rows read back in another order
            # (PostgreSQL after an update) sum in another order, which may flip the last digit.
            assert [r[3] for r in reasons_new] == pytest.approx(
                [r[3] for r in reasons_old], abs=1.01e-4), key


def test_restarted_worker_gives_the_same_suggestions_without_embedding_again(
        session, embedder, tmp_path) -> None:
    import_exchange(session, load_demo(), source="demo")
    indexer = SuggestionService(embedder, snapshot_dir=tmp_path)   # as `matchmaker index`
    indexer.build_index(session)
    session.commit()
    indexer.save_snapshot(session)
    worker = SuggestionService(embedder, snapshot_dir=tmp_path)
    worker.for_stream(session, session.scalars(sa.select(Stream.id)).first())
    # The old worker's own writes since it started: a new stream, a closed capacity.
    admin = User(email="admin@example.org", role="admin")
    session.add(admin)
    company = session.scalars(sa.select(Organisation).where(
        Organisation.kind == "company").order_by(Organisation.id)).first()
    stream = registration.create_item(session, admin, Stream, company, {
        "title": "Oude bureaustoelen", "description": "Een 40-tal bureaustoelen, deels kapot.",
        "materials": ["office_furniture"], "status": "published"})
    closed = session.scalars(sa.select(Capacity).order_by(Capacity.id)).first()
    registration.set_item_status(session, admin, closed, "closed")
    session.flush()
    worker.index_items(session, "stream", [stream.id])
    worker.index_items(session, "capacity", [closed.id])
    session.commit()
    before = _answers(worker, session)

    counting = CountingEmbedder(embedder)
    restarted = SuggestionService(counting, snapshot_dir=tmp_path)
    after = _answers(restarted, session)

    assert restarted.loaded_from == tmp_path, "the restarted worker should load the stored index"
    assert counting.texts == 0, "the restarted worker should read stored vectors"
    _assert_same(before, after)
    _assert_same(_answers(SuggestionService(embedder), session), after)
    assert all(s[0] != str(closed.id) for s in after[("stream", stream.id)])
    assert any(after[key] for key in after if key[0] == "stream")


def test_stream_registered_over_http_is_stored_with_its_vector(http, world, session_factory,
                                                               embedder) -> None:
    from models import Embedding

    status, _, stream = http.post(f"/api/v1/organisations/{world.ids['org_co_a']}/streams",
                                  json={"title": "Oude bureaustoelen",
                                        "materials": ["office_furniture"]},
                                  token=world.tokens["co_a"])
    assert status == 201, stream
    with session_factory() as session:
        assert session.scalar(sa.select(Embedding.id).where(
            Embedding.item_kind == "stream", Embedding.item_id == stream["id"],
            Embedding.model == embedder.name)) is not None
