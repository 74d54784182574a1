"""The suggestion service on a real database with the real multilingual model.

Two services on one database stand for two worker processes: what one writes,
the other must see within its refresh interval.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from indexing.embedders import get_embedder
from matchmaker.demo import load_demo
from matchmaker.exchange import import_exchange
from matchmaker.suggestions import SuggestionService
from models import Capacity, Hub, Match, Stream


@pytest.fixture(scope="module")
def embedder():
    return get_embedder("use-multilingual")


@pytest.fixture
def demo_session(session, embedder):
    import_exchange(session, load_demo(), source="demo")
    SuggestionService(embedder).build_index(session)
    session.commit()
    return session


def _by_external(session, model, external_id):
    return session.scalar(sa.select(model).where(model.external_id == external_id))


def _external_ids(session, suggestions):
    ids = [int(s.target_id) for s in suggestions]
    found = dict(session.execute(sa.select(Capacity.id, Capacity.external_id)
                                 .where(Capacity.id.in_(ids))).all())
    return [found[i] for i in ids]


def test_workwear_stream_gets_the_two_workwear_sorters_first_with_reasons(demo_session, embedder):
    service = SuggestionService(embedder)
    stream = _by_external(demo_session, Stream, "s-001")
    suggestions = service.for_stream(demo_session, stream.id, k=5, language="nl")
    # c-021 is free text only ("Wij sorteeren ... werkkledij ... Ophalen"): inferred, not entered
    assert set(_external_ids(demo_session, suggestions)[:2]) == {"c-001", "c-021"}
    texts = [r.text for r in suggestions[0].reasons]
    assert any("werkkledij" in t.lower() for t in texts), texts
    assert suggestions == sorted(suggestions, key=lambda s: -s.score)


def test_free_text_laptop_stream_finds_the_data_wiping_capacities(demo_session, embedder):
    stream = _by_external(demo_session, Stream, "s-007")   # no structured fields at all
    top = _external_ids(demo_session, SuggestionService(embedder).for_stream(
        demo_session, stream.id, k=3))
    assert {"c-003", "c-017"} & set(top[:2]), top


def test_other_direction_gives_streams_for_a_capacity(demo_session, embedder):
    capacity = _by_external(demo_session, Capacity, "c-005")   # bicycle repair
    suggestions = SuggestionService(embedder).for_capacity(demo_session, capacity.id, k=3)
    streams = dict(demo_session.execute(sa.select(Stream.id, Stream.external_id)).all())
    assert {streams[int(s.target_id)] for s in suggestions[:2]} == {"s-012", "s-018"}


def test_a_change_by_another_worker_shows_after_refresh(demo_session, session_factory, embedder):
    reader = SuggestionService(embedder, refresh_seconds=0)
    stream = _by_external(demo_session, Stream, "s-001")
    before = _external_ids(demo_session, reader.for_stream(demo_session, stream.id, k=10))
    assert "c-001" in before

    with session_factory() as writer_session:
        writer = SuggestionService(embedder)
        capacity = _by_external(writer_session, Capacity, "c-001")
        capacity.status = "closed"
        writer_session.flush()
        writer.index_items(writer_session, "capacity", [capacity.id])
        writer_session.commit()

    demo_session.expire_all()
    after = _external_ids(demo_session, reader.for_stream(demo_session, stream.id, k=10))
    assert "c-001" not in after


def test_an_edit_is_seen_at_once_by_the_writing_process(demo_session, embedder):
    service = SuggestionService(embedder)
    stream = _by_external(demo_session, Stream, "s-012")   # bicycles
    service.refresh(demo_session, force=True)
    capacity = _by_external(demo_session, Capacity, "c-021")
    capacity.title = "Fietsherstel en verkoop van tweedehands fietsen"
    capacity.description = "Wij herstellen en verkopen gevonden en achtergelaten fietsen."
    capacity.materials, capacity.services = ["bicycles"], ["repair", "resale"]
    demo_session.flush()
    service.index_items(demo_session, "capacity", [capacity.id])
    top = _external_ids(demo_session, service.for_stream(demo_session, stream.id, k=5))
    assert "c-021" in top


def test_hub_queue_leaves_out_pairs_already_taken_into_review(demo_session, embedder):
    service = SuggestionService(embedder)
    hub = _by_external(demo_session, Hub, "hub-gent")
    queue = service.hub_queue(demo_session, hub.id, k=10)
    assert queue and queue == sorted(queue, key=lambda q: -q.suggestion.score)
    first = queue[0]
    stream = demo_session.get(Stream, first.stream_id)
    demo_session.add(Match(stream_id=first.stream_id, capacity_id=first.capacity_id,
                           hub_id=stream.organisation.hub_id, score=first.suggestion.score,
                           scorer_version=service.scorer_version))
    demo_session.commit()
    again = service.hub_queue(demo_session, hub.id, k=10)
    assert (first.stream_id, first.capacity_id) not in {(q.stream_id, q.capacity_id) for q in again}
    assert all(demo_session.get(Stream, q.stream_id).organisation.hub_id == hub.id for q in again)


def test_suggestions_can_be_narrowed_to_hubs_and_organisations(demo_session, embedder):
    service = SuggestionService(embedder)
    stream = _by_external(demo_session, Stream, "s-001")
    kempen = _by_external(demo_session, Hub, "hub-kempen")
    narrowed = service.for_stream(demo_session, stream.id, k=10, hub_ids=[kempen.id])
    assert narrowed
    assert all(demo_session.get(Capacity, int(s.target_id)).organisation.hub_id == kempen.id
               for s in narrowed)
    workshop = _by_external(demo_session, Capacity, "c-001")
    only = service.for_stream(demo_session, stream.id, k=10,
                              organisation_ids=[workshop.organisation_id])
    assert {int(s.target_id) for s in only} == {
        c.id for c in workshop.organisation.capacities if c.status == "published"}
    assert service.for_stream(demo_session, stream.id, hub_ids=[]) == []


def test_one_pair_is_scored_and_explained_even_far_down_the_list(demo_session, embedder):
    service = SuggestionService(embedder)
    stream = _by_external(demo_session, Stream, "s-001")          # workwear
    compost = _by_external(demo_session, Capacity, "c-014")       # composting: unrelated
    pair = service.for_pair(demo_session, stream.id, compost.id, language="en")
    assert pair is not None and int(pair.target_id) == compost.id
    top = service.for_stream(demo_session, stream.id, k=1)[0]
    assert pair.score < top.score
    assert any(r.polarity == "-" for r in pair.reasons)
    compost.status = "closed"
    demo_session.flush()
    service.index_items(demo_session, "capacity", [compost.id])
    assert service.for_pair(demo_session, stream.id, compost.id) is None


def test_repeated_questions_are_answered_from_the_cache_until_the_data_changes(
        demo_session, embedder):
    service = SuggestionService(embedder)
    stream = _by_external(demo_session, Stream, "s-001")
    first = service.for_stream(demo_session, stream.id, k=5)
    calls = []
    ranker = service._ranker
    original = ranker.suggest_for_stream
    ranker.suggest_for_stream = lambda *a, **kw: calls.append(a) or original(*a, **kw)
    assert service.for_stream(demo_session, stream.id, k=5) == first and calls == []
    capacity = _by_external(demo_session, Capacity, "c-001")
    capacity.status = "closed"
    demo_session.flush()
    service.index_items(demo_session, "capacity", [capacity.id])
    after = service.for_stream(demo_session, stream.id, k=5)
    assert len(calls) == 1 and capacity.id not in {int(s.target_id) for s in after}


def test_a_new_stream_keeps_the_streams_cached_lists_and_every_answer_stays_fresh(
        demo_session, session_factory, embedder):
    """A stream's capacities do not depend on other streams: after another worker adds a
    stream, the hub queue's lists are not computed again; the capacities' lists are, and
    every answer after edits on both sides equals that of a service built afresh."""
    reader = SuggestionService(embedder, refresh_seconds=0)
    streams = demo_session.scalars(sa.select(Stream.id).where(
        Stream.status == "published")).all()
    capacities = demo_session.scalars(sa.select(Capacity.id).where(
        Capacity.status == "published")).all()
    hub = demo_session.scalars(sa.select(Hub.id)).first()
    reader.hub_queue(demo_session, hub)
    for capacity_id in capacities:
        reader.for_capacity(demo_session, capacity_id, k=5)
    computed = []
    ranker = reader._ranker
    for name in ("suggest_for_stream", "suggest_for_capacity"):
        original = getattr(ranker, name)
        setattr(ranker, name, lambda *a, _f=original, _n=name, **kw:
                computed.append((_n, a[0].id)) or _f(*a, **kw))

    with session_factory() as writer_session:
        organisation = _by_external(writer_session, Stream, "s-001").organisation
        added = Stream(organisation=organisation, status="published",
                       title="Houten paletten", description="Elke week 40 paletten.")
        writer_session.add(added)
        writer_session.commit()
        writer = SuggestionService(embedder)
        writer.index_items(writer_session, "stream", [added.id])
        writer_session.commit()
        added_id = added.id
    demo_session.expire_all()
    reader.hub_queue(demo_session, hub)
    assert [n for n, _ in computed if n == "suggest_for_stream"] in (
        [], ["suggest_for_stream"])   # at most the new stream's own, when it is in this hub
    reader.for_capacity(demo_session, capacities[0], k=5)
    assert ("suggest_for_capacity", str(capacities[0])) in computed

    with session_factory() as writer_session:
        closed = _by_external(writer_session, Capacity, "c-001")
        closed.status = "closed"
        edited = _by_external(writer_session, Stream, "s-002")
        edited.title = "Afgeschreven laptops"
        writer_session.commit()
        writer.index_items(writer_session, "stream", [edited.id])   # as the app does
        writer_session.commit()
    demo_session.expire_all()
    fresh = SuggestionService(embedder)
    for stream_id in [*streams, added_id]:
        assert (_ranked(reader.for_stream(demo_session, stream_id, k=5))
                == _ranked(fresh.for_stream(demo_session, stream_id, k=5)))
    for capacity_id in capacities:
        if capacity_id != closed.id:
            assert (_ranked(reader.for_capacity(demo_session, capacity_id, k=5))
                    == _ranked(fresh.for_capacity(demo_session, capacity_id, k=5)))


def _ranked(suggestions):
    """What a person sees of a list: which items, in which order, with which reasons
    (features may hold NaN, which equals nothing, and the lexical weights of an edited
    index agree with a rebuilt one to 1e-6)."""
    return [(s.target_id, pytest.approx(s.score, abs=1e-5), [r.text for r in s.reasons])
            for s in suggestions]


def _capacity_ids(service, session, stream_id):
    return {int(s.target_id) for s in service.for_stream(session, stream_id, k=50)}


def test_changes_by_another_worker_are_found_without_reading_every_item(
        demo_session, session_factory, embedder, monkeypatch):
    import matchmaker.suggestions as module

    reader = SuggestionService(embedder, refresh_seconds=0, full_check_seconds=3600)
    stream = _by_external(demo_session, Stream, "s-001")
    assert _by_external(demo_session, Capacity, "c-001").id in _capacity_ids(
        reader, demo_session, stream.id)
    full_reads = []
    real = module.change_marks
    monkeypatch.setattr(module, "change_marks",
                        lambda session, kind: full_reads.append(kind) or real(session, kind))

    with session_factory() as writer_session:
        closed = _by_external(writer_session, Capacity, "c-001")
        closed.status = "closed"
        edited = _by_external(writer_session, Capacity, "c-021")
        edited.title = "Fietsherstel"
        writer_session.commit()
        closed_id, edited_id = closed.id, edited.id

    demo_session.expire_all()
    assert closed_id not in _capacity_ids(reader, demo_session, stream.id)
    assert reader._ranker.get("capacity", str(edited_id)).title == "Fietsherstel"
    assert full_reads == []


def test_a_deleted_row_and_a_late_commit_are_caught_by_the_count(
        demo_session, session_factory, embedder, monkeypatch):
    from datetime import timedelta

    import matchmaker.suggestions as module
    from models import Organisation, utcnow

    # The demo was imported a moment ago: date it back, so that "recent" means something,
    # and the organisation that will receive a late row further back still.
    now = utcnow()
    for model in (Organisation, Stream, Capacity):
        demo_session.execute(sa.update(model).values(updated_at=now - timedelta(hours=3)))
    organisation_id = _by_external(demo_session, Capacity, "c-001").organisation_id
    demo_session.execute(sa.update(Organisation).where(Organisation.id == organisation_id)
                         .values(updated_at=now - timedelta(hours=5)))
    demo_session.commit()
    reader = SuggestionService(embedder, refresh_seconds=0, full_check_seconds=3600,
                               count_check_seconds=0)
    stream = _by_external(demo_session, Stream, "s-001")
    held = _capacity_ids(reader, demo_session, stream.id)
    full_reads = []
    real = module.change_marks
    monkeypatch.setattr(module, "change_marks",
                        lambda session, kind: full_reads.append(kind) or real(session, kind))

    with session_factory() as writer_session:
        gone = _by_external(writer_session, Capacity, "c-001")
        gone_id = gone.id
        writer_session.delete(gone)
        writer_session.commit()
    demo_session.expire_all()
    assert gone_id in held and gone_id not in _capacity_ids(reader, demo_session, stream.id)
    assert full_reads == ["capacity"]

    with session_factory() as writer_session:
        # stamped before the newest change the reader holds, committed now: a long
        # transaction that the timestamps cannot show
        four_hours_ago = now - timedelta(hours=4)
        late = Capacity(organisation_id=organisation_id, title="Sorteren van werkkledij",
                        description="Wij sorteren gebruikte werkkledij en fleeces.",
                        materials=["workwear"], services=["sorting"],
                        created_at=four_hours_ago, updated_at=four_hours_ago)
        writer_session.add(late)
        writer_session.commit()
        late_id = late.id
    demo_session.expire_all()
    _capacity_ids(reader, demo_session, stream.id)
    assert reader._ranker.get("capacity", str(late_id)) is not None
    assert full_reads == ["capacity", "capacity"]


def test_warm_up_loads_the_index_fits_the_lexical_channel_and_the_model(demo_session, embedder):
    from tests.test_reliability_restart import CountingEmbedder

    counting = CountingEmbedder(embedder)
    service = SuggestionService(counting)
    service.warm_up(demo_session)
    assert service.loaded
    for lexical in service._ranker._lexical.values():
        assert len(lexical.ids) and not lexical._pending
    assert counting.texts == 1   # the model ran once; every item's vector was stored
    service.warm_up(demo_session)
    assert counting.texts == 1


def test_a_worker_leaves_embedding_a_new_item_to_its_writer(
        demo_session, session_factory, embedder, monkeypatch):
    import matchmaker.suggestions as module
    from tests.test_reliability_restart import CountingEmbedder

    counting = CountingEmbedder(embedder)
    reader = SuggestionService(counting, refresh_seconds=0)
    stream = _by_external(demo_session, Stream, "s-001")
    reader.for_stream(demo_session, stream.id)
    with session_factory() as writer_session:
        writer = SuggestionService(embedder)
        organisation_id = _by_external(writer_session, Capacity, "c-001").organisation_id
        new = Capacity(organisation_id=organisation_id, status="published",
                       title="Sorteren van werkkledij",
                       description="Wij sorteren gebruikte werkkledij en fleeces.")
        writer_session.add(new)
        writer_session.commit()     # committed; its vector is stored just after
        demo_session.expire_all()
        _capacity_ids(reader, demo_session, stream.id)
        assert counting.texts == 0 and reader._awaiting["capacity"] == {new.id}
        writer.index_items(writer_session, "capacity", [new.id])
        writer_session.commit()
        new_id = new.id
    demo_session.expire_all()
    assert new_id in _capacity_ids(reader, demo_session, stream.id)
    assert counting.texts == 0 and not reader._awaiting["capacity"]

    # a writer that never stores the vector: the worker embeds the item after the grace
    monkeypatch.setattr(module, "VECTOR_GRACE", module.timedelta(0))
    with session_factory() as writer_session:
        lost = Capacity(organisation_id=organisation_id, status="published",
                        title="Herstel van fietsen", description="Wij herstellen fietsen.")
        writer_session.add(lost)
        writer_session.commit()
        lost_id = lost.id
    demo_session.expire_all()
    reader.refresh(demo_session, force=True)
    assert reader._ranker.get("capacity", str(lost_id)) is not None and counting.texts == 1
