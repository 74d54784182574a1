"""Import and export of exchange documents against SQLite and PostgreSQL."""
from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session
from test_exchange_validation import DEV_DATA, VALID

from matchmaker.errors import ValidationError
from matchmaker.exchange import export_exchange, import_exchange
from models import (
    Capacity,
    Contact,
    Hub,
    Organisation,
    Stream,
    make_engine,
    make_session_factory,
    read_index_version,
    upgrade,
)

TABLES = (Hub, Organisation, Contact, Stream, Capacity)
# Columns that depend on when and where a row was written, not on what it says.
_VOLATILE = {"id", "hub_id", "organisation_id", "created_at", "updated_at", "version",
             "last_active_at"}


def count(session: Session, model: type) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def contents(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows without keys and timestamps, comparable across databases."""
    snapshot = {}
    for model in TABLES:
        columns = [c for c in model.__table__.columns if c.name not in _VOLATILE]
        rows = session.execute(sa.select(*columns)).all()
        snapshot[model.__tablename__] = sorted(map(tuple, rows), key=repr)
    return snapshot


def stamps(session: Session) -> list[tuple[Any, ...]]:
    return [tuple(session.execute(sa.select(m.id, m.updated_at, m.version)).all())
            for m in (Stream, Capacity)] + [
        tuple(session.execute(sa.select(Organisation.id, Organisation.updated_at)).all())]


def test_import_creates_every_record_and_reports_counts(session: Session) -> None:
    report = import_exchange(session, VALID)
    assert (report.hubs.created, report.organisations.created, report.streams.created,
            report.capacities.created) == (1, 2, 1, 1)
    stream = session.scalars(sa.select(Stream)).one()
    assert (stream.source, stream.external_id, stream.organisation.name) == (
        "exchange", "s-1", "Schoonmaak nv")
    assert (stream.quantity_amount, stream.quantity_unit, stream.quantity_per) == (2, "t", "year")
    assert stream.ewc_codes == ["20 01 10"]
    assert str(stream.available_from) == "2026-01-01"
    org = session.scalars(sa.select(Organisation).where(Organisation.external_id == "org-1")).one()
    assert (org.enterprise_number, org.hub.name, org.municipality) == (
        "0456123989", "Circulair Werk(t) Gent", "Gent")
    assert read_index_version(session) > 0


def test_contact_goes_to_the_contact_table(session: Session) -> None:
    import_exchange(session, VALID)
    contact = session.scalars(sa.select(Contact)).one()
    assert (contact.name, contact.email, contact.organisation.external_id) == (
        "An", "an@draad.example", "org-1")


def test_item_without_location_keeps_it_empty(session: Session) -> None:
    import_exchange(session, VALID)
    capacity = session.scalars(sa.select(Capacity)).one()
    assert (capacity.lat, capacity.lon) == (None, None)


def test_reimport_changes_nothing(session: Session) -> None:
    import_exchange(session, VALID)
    before, version = stamps(session), read_index_version(session)
    report = import_exchange(session, copy.deepcopy(VALID))
    assert not report.changed
    assert (report.organisations.unchanged, report.streams.unchanged) == (2, 1)
    assert stamps(session) == before
    assert read_index_version(session) == version
    assert [count(session, m) for m in TABLES] == [1, 2, 1, 1, 1]


def test_reimport_updates_changed_records_only(session: Session) -> None:
    import_exchange(session, VALID)
    data = copy.deepcopy(VALID)
    data["streams"][0]["title"] = "Werkkledij en fleeces"
    del data["streams"][0]["quantity"]
    data["organisations"][0]["contact"]["phone"] = "09 765 43 21"
    version = read_index_version(session)
    report = import_exchange(session, data)
    assert (report.streams.updated, report.capacities.unchanged) == (1, 1)
    assert (report.organisations.updated, report.organisations.unchanged) == (1, 1)
    stream = session.scalars(sa.select(Stream)).one()
    assert (stream.title, stream.quantity_amount, stream.version) == (
        "Werkkledij en fleeces", None, 2)
    assert session.scalars(sa.select(Contact.phone)).one() == "09 765 43 21"
    assert read_index_version(session) > version


def test_file_with_one_bad_record_at_the_end_writes_nothing(session: Session) -> None:
    import_exchange(session, VALID)
    before = contents(session)
    data = copy.deepcopy(VALID)
    data["streams"][0]["title"] = "changed"
    data["streams"].append({**data["streams"][0], "id": "s-2", "materials": ["laptops"]})
    with pytest.raises(ValidationError) as raised:
        import_exchange(session, data)
    assert [str(e) for e in raised.value.errors] == [
        "streams[1].materials[0]: 'laptops' is not one of the material ids of the vocabulary"]
    assert contents(session) == before


def test_failure_while_writing_rolls_everything_back(session: Session) -> None:
    def fail_at_the_last_record(done: int, total: int) -> None:
        if done == total:
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        import_exchange(session, VALID, progress=fail_at_the_last_record)
    assert [count(session, m) for m in TABLES] == [0, 0, 0, 0, 0]


def test_progress_counts_every_record(session: Session) -> None:
    calls: list[tuple[int, int]] = []
    import_exchange(session, VALID, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(i, 5) for i in range(1, 6)]


def test_streams_may_refer_to_organisations_already_imported(session: Session) -> None:
    import_exchange(session, VALID)
    more = {"format": VALID["format"], "streams": [
        {"id": "s-9", "organisation": "org-2", "description": "Paletten"}]}
    assert import_exchange(session, more).streams.created == 1
    with pytest.raises(ValidationError, match="no organisation with id 'org-2'"):
        import_exchange(session, more, source="other-system")


def test_organisation_may_name_a_hub_imported_from_another_source(session: Session) -> None:
    import_exchange(session, {"format": VALID["format"], "hubs": VALID["hubs"]}, source="setup")
    data = {k: v for k, v in VALID.items() if k != "hubs"}
    import_exchange(session, data, source="crm")
    org = session.scalars(sa.select(Organisation).where(Organisation.external_id == "org-1")).one()
    assert (org.source, org.hub.source) == ("crm", "setup")


def test_same_ids_from_two_sources_are_kept_apart(session: Session) -> None:
    import_exchange(session, VALID, source="a")
    import_exchange(session, VALID, source="b")
    assert count(session, Stream) == 2


def test_round_trip_into_a_fresh_database_gives_the_same_contents(
    session: Session, tmp_path: Path
) -> None:
    import_exchange(session, VALID)
    exported = export_exchange(session)
    url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as fresh:
            import_exchange(fresh, exported)
            assert contents(fresh) == contents(session)
            assert export_exchange(fresh) == exported
    finally:
        engine.dispose()


def test_export_then_import_into_the_same_database_changes_nothing(session: Session) -> None:
    import_exchange(session, VALID)
    made_in_app = Organisation(name="Fietsatelier", kind="social_enterprise")
    made_in_app.streams.append(Stream(title="Oude fietsen", materials=["bicycles"]))
    session.add(made_in_app)
    session.commit()
    exported = export_exchange(session)
    assert {o["id"] for o in exported["organisations"]} == {
        "org-1", "org-2", f"org-{made_in_app.id}"}
    before = contents(session)
    report = import_exchange(session, exported)
    assert not report.changed
    assert contents(session) == before


def test_export_writes_the_exchange_format(session: Session) -> None:
    import_exchange(session, VALID)
    exported = export_exchange(session)
    org = next(o for o in exported["organisations"] if o["id"] == "org-1")
    assert org["enterprise_number"] == "0456.123.989"
    assert org["contact"] == VALID["organisations"][0]["contact"]
    assert exported["streams"] == VALID["streams"]


def test_export_without_contacts_leaves_out_personal_data(session: Session) -> None:
    import_exchange(session, VALID)
    exported = export_exchange(session, include_contacts=False)
    assert all("contact" not in o for o in exported["organisations"])
    assert not import_exchange(session, exported).changed


def test_export_of_one_hub_and_only_published_items(session: Session) -> None:
    data = copy.deepcopy(VALID)
    data["hubs"].append({"id": "hub-kempen", "name": "Kempen"})
    data["organisations"][1]["hub"] = "hub-kempen"
    import_exchange(session, data)
    session.scalars(sa.select(Capacity)).one().status = "withdrawn"
    session.commit()
    gent = session.scalars(sa.select(Hub.id).where(Hub.external_id == "hub-gent")).one()
    exported = export_exchange(session, hub_ids=[gent])
    assert ([h["id"] for h in exported["hubs"]], [o["id"] for o in exported["organisations"]],
            exported["streams"], exported["capacities"]) == (["hub-gent"], ["org-1"], [], [])


@pytest.mark.skipif(not DEV_DATA.exists(), reason="../shared/eval/dev is not available")
def test_dev_set_imports_and_reimports_unchanged(session: Session) -> None:
    data = json.loads(DEV_DATA.read_text(encoding="utf-8"))
    assert import_exchange(session, data).streams.created == len(data["streams"])
    assert not import_exchange(session, export_exchange(session)).changed
