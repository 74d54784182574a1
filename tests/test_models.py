"""The ORM's guarantees, on SQLite and PostgreSQL: constraints, cascades,
optimistic locking, the append-only audit log, the index version and JSON lists.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from models import (
    AuditEntry,
    AuditLogIsAppendOnly,
    Capacity,
    Contact,
    Embedding,
    Hub,
    KpiTarget,
    Match,
    Organisation,
    Stream,
    User,
    bump_index_version,
    normalise_enterprise_number,
    read_index_version,
)


def _organisation(session: Session, **fields: object) -> Organisation:
    organisation = Organisation(name="Textielatelier De Draad vzw", kind="social_enterprise")
    for name, value in fields.items():
        setattr(organisation, name, value)
    session.add(organisation)
    session.flush()
    return organisation


def _stream(session: Session, organisation: Organisation, **fields: object) -> Stream:
    stream = Stream(organisation=organisation, title="Afgedankte werkkledij", **fields)
    session.add(stream)
    session.flush()
    return stream


def _capacity(session: Session, organisation: Organisation, **fields: object) -> Capacity:
    capacity = Capacity(organisation=organisation, title="Sortering van textiel", **fields)
    session.add(capacity)
    session.flush()
    return capacity


def test_reimport_key_is_unique_per_source(session: Session) -> None:
    organisation = _organisation(session)
    _stream(session, organisation, source="hub-gent", external_id="s-042")
    _stream(session, organisation, source="hub-antwerpen", external_id="s-042")
    _stream(session, organisation)
    _stream(session, organisation)
    with pytest.raises(sa.exc.IntegrityError):
        _stream(session, organisation, source="hub-gent", external_id="s-042")


def test_organisation_reimport_key_is_unique_per_source(session: Session) -> None:
    _organisation(session, source="hub-gent", external_id="org-017")
    with pytest.raises(sa.exc.IntegrityError):
        _organisation(session, source="hub-gent", external_id="org-017")


def test_foreign_keys_are_enforced(session: Session) -> None:
    session.add(Stream(organisation_id=987654, title="Paletten"))
    with pytest.raises(sa.exc.IntegrityError):
        session.flush()


def test_deleting_an_organisation_deletes_its_streams_capacities_and_contacts(
    session: Session,
) -> None:
    organisation = _organisation(session)
    stream = _stream(session, organisation)
    capacity = _capacity(session, _organisation(session, name="Kringwinkel"))
    session.add(Contact(organisation=organisation, name="An", email="an@example.org"))
    session.add(Match(stream=stream, capacity=capacity, score=0.8, scorer_version="default-1"))
    session.commit()

    session.delete(organisation)
    session.commit()

    assert session.scalar(sa.select(sa.func.count()).select_from(Stream)) == 0
    assert session.scalar(sa.select(sa.func.count()).select_from(Contact)) == 0
    assert session.scalar(sa.select(sa.func.count()).select_from(Match)) == 0
    assert session.scalar(sa.select(sa.func.count()).select_from(Capacity)) == 1


def test_database_cascades_when_an_organisation_is_deleted_without_the_orm(
    session: Session,
) -> None:
    organisation = _organisation(session)
    _stream(session, organisation)
    _capacity(session, organisation)
    session.commit()

    session.execute(sa.delete(Organisation).where(Organisation.id == organisation.id))
    session.commit()

    assert session.scalars(sa.select(Stream)).all() == []
    assert session.scalars(sa.select(Capacity)).all() == []


def test_one_match_per_stream_and_capacity(session: Session) -> None:
    organisation = _organisation(session)
    stream, capacity = _stream(session, organisation), _capacity(session, organisation)
    session.add(Match(stream=stream, capacity=capacity, score=0.5, scorer_version="v1"))
    session.flush()
    session.add(Match(stream=stream, capacity=capacity, score=0.6, scorer_version="v1"))
    with pytest.raises(sa.exc.IntegrityError):
        session.flush()


def test_status_outside_its_vocabulary_is_refused(session: Session) -> None:
    organisation = _organisation(session)
    session.add(Stream(organisation=organisation, title="Paletten", status="sold"))
    with pytest.raises(sa.exc.IntegrityError):
        session.flush()


def test_savepoint_is_undone_with_the_outer_transaction(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory() as session:
        with session.begin_nested():
            session.add(Hub(name="Gent"))
        with pytest.raises(sa.exc.IntegrityError), session.begin_nested():
            session.add(Hub(name="Gent", source="import", external_id="hub-gent"))
            session.add(Hub(name="Gent bis", source="import", external_id="hub-gent"))
            session.flush()
        assert session.scalars(sa.select(Hub.name)).all() == ["Gent"]
        session.rollback()
    with session_factory() as session:
        assert session.scalars(sa.select(Hub)).all() == []


def test_stale_edit_raises_stale_data_error(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as setup:
        stream = _stream(setup, _organisation(setup))
        setup.commit()
    with session_factory() as first, session_factory() as second:
        mine, theirs = first.get(Stream, stream.id), second.get(Stream, stream.id)
        assert mine.version == theirs.version == 1
        mine.title = "Werkkledij, 2 ton per jaar"
        first.commit()
        theirs.title = "Werkkledij, 3 ton per jaar"
        with pytest.raises(StaleDataError):
            second.commit()
    with session_factory() as check:
        assert check.get(Stream, stream.id).version == 2


def test_stale_match_decision_raises_stale_data_error(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory() as setup:
        organisation = _organisation(setup)
        match = Match(
            stream=_stream(setup, organisation),
            capacity=_capacity(setup, organisation),
            score=0.7,
            scorer_version="v1",
        )
        setup.add(match)
        setup.commit()
    with session_factory() as first, session_factory() as second:
        mine, theirs = first.get(Match, match.id), second.get(Match, match.id)
        mine.status = "accepted"
        first.commit()
        theirs.status = "rejected"
        with pytest.raises(StaleDataError):
            second.commit()


def test_audit_entry_cannot_be_changed_through_the_orm(session: Session) -> None:
    entry = AuditEntry(action="create", entity="stream", entity_id=1, after={"title": "x"})
    session.add(entry)
    session.commit()
    entry.action = "delete"
    with pytest.raises(AuditLogIsAppendOnly):
        session.flush()


def test_audit_entry_cannot_be_deleted_through_the_orm(session: Session) -> None:
    entry = AuditEntry(action="create", entity="stream", entity_id=1)
    session.add(entry)
    session.commit()
    session.delete(entry)
    with pytest.raises(AuditLogIsAppendOnly):
        session.flush()


@pytest.mark.parametrize(
    "statement",
    [
        sa.update(AuditEntry).values(action="tampered"),
        sa.delete(AuditEntry),
    ],
    ids=["update", "delete"],
)
def test_database_refuses_to_change_the_audit_log(
    session: Session, statement: sa.Executable
) -> None:
    session.add(AuditEntry(action="create", entity="stream", entity_id=1))
    session.commit()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        session.execute(statement)
    session.rollback()
    assert session.scalars(sa.select(AuditEntry.action)).all() == ["create"]


def test_index_version_is_bumped_in_the_writers_transaction(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory() as writer, session_factory() as reader:
        assert read_index_version(writer) == 0
        bump_index_version(writer)
        assert read_index_version(writer) == 1
        writer.rollback()
        assert read_index_version(reader) == 0
        bump_index_version(writer)
        bump_index_version(writer)
        writer.commit()
        reader.rollback()
        assert read_index_version(reader) == 2


def test_flushing_a_changed_stream_bumps_the_index_version(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory() as session:
        stream = _stream(session, _organisation(session))
        session.commit()
        created = read_index_version(session)
        session.add(AuditEntry(action="read", entity="stream", entity_id=stream.id))
        session.commit()
        assert read_index_version(session) == created
        stream.title = "Paletten, 40 per week"
        session.commit()
        assert read_index_version(session) == created + 1
        session.delete(stream)
        session.commit()
        assert read_index_version(session) == created + 2
    assert created >= 1


def test_json_lists_round_trip_and_track_in_place_edits(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory() as session:
        stream = _stream(
            session,
            _organisation(session),
            materials=["workwear"],
            ewc_codes=["20 01 10"],
            services_wanted=["collection", "sorting"],
        )
        session.commit()
        stream.materials.append("textiles")
        session.commit()
    with session_factory() as session:
        loaded = session.get(Stream, stream.id)
        assert loaded.materials == ["workwear", "textiles"]
        assert loaded.ewc_codes == ["20 01 10"]
        assert loaded.services_wanted == ["collection", "sorting"]
        assert loaded.requirements == []


def test_timestamps_come_back_as_aware_utc(session_factory: sessionmaker[Session]) -> None:
    brussels_summer = timezone(timedelta(hours=2))
    with session_factory() as session:
        organisation = _organisation(session)
        session.add(
            Contact(
                organisation=organisation,
                name="An",
                last_active_at=datetime(2026, 6, 1, 14, 0, tzinfo=brussels_summer),
            )
        )
        session.commit()
    with session_factory() as session:
        contact = session.scalars(sa.select(Contact)).one()
        assert contact.last_active_at == datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
        assert contact.last_active_at.utcoffset() == timedelta(0)
        assert contact.created_at.tzinfo is not None


def test_enterprise_number_is_stored_as_ten_digits(session: Session) -> None:
    organisation = _organisation(session, enterprise_number="BE 456.123.987")
    assert organisation.enterprise_number == "0456123987"
    assert normalise_enterprise_number("0456.123.987") == "0456123987"
    with pytest.raises(ValueError, match="10 digits"):
        normalise_enterprise_number("12345")


def test_embedding_vector_round_trips_as_float32(session_factory: sessionmaker[Session]) -> None:
    vector = np.linspace(-1, 1, 512, dtype="<f4")
    with session_factory() as session:
        session.add(
            Embedding(
                item_kind="stream",
                item_id=7,
                model="use-multilingual-v3",
                text_hash="0" * 64,
                dim=512,
                vector=vector.tobytes(),
            )
        )
        session.commit()
    with session_factory() as session:
        stored = session.scalars(sa.select(Embedding)).one()
        assert np.array_equal(np.frombuffer(stored.vector, dtype="<f4"), vector)


def test_one_embedding_per_item_and_model(session: Session) -> None:
    for model in ("use-multilingual-v3", "use-multilingual-v3"):
        session.add(
            Embedding(
                item_kind="capacity", item_id=1, model=model, text_hash="a", dim=1, vector=b"0000"
            )
        )
    with pytest.raises(sa.exc.IntegrityError):
        session.flush()


def test_kpi_target_is_unique_per_hub_year_and_kpi(session: Session) -> None:
    hub = Hub(name="Circulair Werk(t) Gent")
    session.add(hub)
    session.add(KpiTarget(hub=hub, year=2026, kpi="matches_agreed", target=12))
    session.flush()
    session.add(KpiTarget(hub=hub, year=2026, kpi="matches_agreed", target=15))
    with pytest.raises(sa.exc.IntegrityError):
        session.flush()


def test_facilitator_can_serve_several_hubs(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        gent, kortrijk = Hub(name="Gent"), Hub(name="Kortrijk")
        session.add(User(email="f@example.org", role="facilitator", hubs=[gent, kortrijk]))
        session.commit()
    with session_factory() as session:
        user = session.scalars(sa.select(User)).one()
        assert sorted(hub.name for hub in user.hubs) == ["Gent", "Kortrijk"]
        assert [u.email for u in user.hubs[0].facilitators] == ["f@example.org"]
