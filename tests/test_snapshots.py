"""The stored suggestion index: a worker that loads it answers as one that built its index
from the database, sees what was written after it was stored, and never uses one made
for another database, model, analyser or format, or a damaged one.

On SQLite and PostgreSQL with the real model; the demo's vectors are stored once by
`build_index`, so no test embeds more than a text or two.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from indexing.embedders import get_embedder
from matchmaker import registration
from matchmaker.catalogue import MATCHABLE_STATUS
from matchmaker.demo import load_demo
from matchmaker.errors import NotFound
from matchmaker.exchange import import_exchange
from matchmaker.snapshots.files import CURRENT, MANIFEST
from matchmaker.suggestions import SuggestionService
from models import Capacity, Stream, User, make_engine, make_session_factory
from tests.test_reliability_restart import CountingEmbedder

SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture(scope="module")
def embedder():
    return get_embedder("use-multilingual")


def _index_demo(session, embedder) -> None:
    import_exchange(session, load_demo(), source="demo")
    SuggestionService(embedder).build_index(session)
    session.commit()


@pytest.fixture
def indexed(session, embedder):
    _index_demo(session, embedder)
    return session


def _top10(service: SuggestionService, session) -> dict[tuple[str, int], list[str]]:
    """The top-10 ids the service gives for every matchable stream and capacity."""
    out = {}
    for kind, model, ask in (("stream", Stream, service.for_stream),
                             ("capacity", Capacity, service.for_capacity)):
        for item_id in session.scalars(sa.select(model.id).where(
                model.status == MATCHABLE_STATUS).order_by(model.id)):
            out[(kind, item_id)] = [s.target_id for s in ask(session, item_id, k=10)]
    return out


def _agreement(answers: dict, truth: dict) -> float:
    """Share of the true top-10 ids that the answers hold too."""
    assert answers.keys() == truth.keys()
    same = sum(len(set(answers[key]) & set(ids)) for key, ids in truth.items())
    return same / max(sum(len(ids) for ids in truth.values()), 1)


def _by_external(session, model, external_id: str):
    return session.scalar(sa.select(model).where(model.external_id == external_id))


@pytest.mark.parametrize("ann_threshold", [10_000, 5], ids=["exact", "hnsw"])
def test_a_worker_loads_the_stored_index_and_answers_as_one_that_built_it(
        indexed, embedder, tmp_path, monkeypatch, ann_threshold) -> None:
    import matchmaker.suggestions as module

    writer = SuggestionService(embedder, ann_threshold=ann_threshold, snapshot_dir=tmp_path)
    writer.save_snapshot(indexed)
    written = _top10(writer, indexed)

    items_read = []
    real = module.load_items
    monkeypatch.setattr(module, "load_items",
                        lambda session, kind, ids: items_read.extend(ids) or real(session,
                                                                                  kind, ids))
    counting = CountingEmbedder(embedder)
    worker = SuggestionService(counting, ann_threshold=ann_threshold, snapshot_dir=tmp_path)
    worker.warm_up(indexed)
    loaded = _top10(worker, indexed)
    monkeypatch.undo()

    assert worker.loaded_from == tmp_path
    assert items_read == [] and counting.texts == 1   # the model warmed up, nothing embedded
    expected_index = "HnswIndex" if ann_threshold == 5 else "ExactIndex"
    assert {worker._ranker.dense_index_name(k) for k in ("stream", "capacity")} == {
        expected_index}
    assert loaded == written   # the very index the writer held
    built = _top10(SuggestionService(embedder, ann_threshold=ann_threshold), indexed)
    assert _agreement(loaded, built) >= 0.99
    if expected_index == "ExactIndex":
        assert loaded == built


def test_what_was_written_after_the_index_was_stored_is_seen_after_loading(
        indexed, session_factory, embedder, tmp_path) -> None:
    SuggestionService(embedder, snapshot_dir=tmp_path).save_snapshot(indexed)

    with session_factory() as writer_session:   # another process, after `matchmaker index`
        writer = SuggestionService(embedder)
        admin = User(email="admin@example.org", role="admin")
        writer_session.add(admin)
        company = _by_external(writer_session, Stream, "s-001").organisation
        added = registration.create_item(writer_session, admin, Stream, company, {
            "title": "Oude bureaustoelen", "description": "Een 40-tal bureaustoelen.",
            "materials": ["office_furniture"], "status": "published"})
        edited = _by_external(writer_session, Capacity, "c-021")
        edited.title = "Fietsherstel"
        closed = _by_external(writer_session, Capacity, "c-001")
        registration.set_item_status(writer_session, admin, closed, "closed")
        deleted = _by_external(writer_session, Capacity, "c-005")
        writer_session.delete(deleted)
        moved = _by_external(writer_session, Capacity, "c-002").organisation
        moved.name = "Kringwinkel onder een nieuwe naam"
        writer_session.flush()
        writer.index_items(writer_session, "stream", [added.id])
        writer.index_items(writer_session, "capacity", [edited.id])
        writer_session.commit()
        ids = {"added": added.id, "edited": edited.id, "closed": closed.id,
               "deleted": deleted.id, "moved": moved.id}

    indexed.expire_all()
    worker = SuggestionService(embedder, snapshot_dir=tmp_path)
    loaded = _top10(worker, indexed)

    assert worker.loaded_from == tmp_path
    ranker = worker._ranker
    assert ranker.get("stream", str(ids["added"])).title == "Oude bureaustoelen"
    assert ranker.get("capacity", str(ids["edited"])).title == "Fietsherstel"
    for gone in ("closed", "deleted"):
        with pytest.raises(NotFound):
            ranker.get("capacity", str(ids[gone]))
    assert any(doc.organisation_name == "Kringwinkel onder een nieuwe naam"
               for doc in ranker.capacities.docs)
    assert loaded == _top10(SuggestionService(embedder), indexed)


def test_warming_up_from_a_stored_index_compares_every_item_before_the_first_request(
        indexed, session_factory, embedder, tmp_path) -> None:
    """A row deleted by a statement that bumps nothing leaves no trace a timestamp or the
    index version could show; the warm-up (in the gunicorn master, before it forks)
    compares every item, so no request pays for it and the row is gone at once."""
    SuggestionService(embedder, snapshot_dir=tmp_path).save_snapshot(indexed)
    with session_factory() as other:
        gone = _by_external(other, Capacity, "c-005").id
        other.execute(sa.delete(Capacity).where(Capacity.id == gone))
        other.commit()

    indexed.expire_all()
    worker = SuggestionService(embedder, snapshot_dir=tmp_path, full_check_seconds=3600)
    worker.warm_up(indexed)
    assert worker.loaded_from == tmp_path
    with pytest.raises(NotFound):
        worker._ranker.get("capacity", str(gone))
    stream = _by_external(indexed, Stream, "s-001").id
    assert gone not in {int(s.target_id) for s in worker.for_stream(indexed, stream, k=50)}


def _edit_manifest(directory: Path, **identity) -> None:
    path = directory / CURRENT / MANIFEST
    manifest = json.loads(path.read_text())
    for key, value in identity.items():
        if key == "index_version":
            manifest[key] += value
        else:
            manifest["identity"][key] = value
    path.write_text(json.dumps(manifest))


class RenamedEmbedder(CountingEmbedder):
    """The real model under another name: another model as far as stored data go."""

    def __init__(self, embedder) -> None:
        super().__init__(embedder)
        self.name = "another-model"


@SQLITE_ONLY
@pytest.mark.parametrize("made_with", ["another model", "another analyser", "another format",
                                       "another ann threshold", "a later index version"])
def test_a_stored_index_made_with_something_else_is_not_used(
        indexed, embedder, tmp_path, caplog, made_with) -> None:
    SuggestionService(embedder, snapshot_dir=tmp_path).save_snapshot(indexed)
    worker_embedder, options = embedder, {}
    if made_with == "another model":
        worker_embedder = RenamedEmbedder(embedder)
    elif made_with == "another analyser":
        _edit_manifest(tmp_path, analyser="0-000000000000")
    elif made_with == "another format":
        _edit_manifest(tmp_path, format=0)
    elif made_with == "another ann threshold":
        options = {"ann_threshold": 5}
    else:   # a database restored from a copy older than the stored index
        _edit_manifest(tmp_path, index_version=1)

    worker = SuggestionService(worker_embedder, snapshot_dir=tmp_path, **options)
    stream = _by_external(indexed, Stream, "s-001")
    assert worker.for_stream(indexed, stream.id)
    assert worker.loaded_from is None
    assert "not used" in caplog.text


@SQLITE_ONLY
def test_a_stored_index_of_another_database_is_not_used(
        indexed, embedder, tmp_path, caplog, _migrated_sqlite_file) -> None:
    other_file = tmp_path / "other.sqlite"
    shutil.copyfile(_migrated_sqlite_file, other_file)
    engine = make_engine(f"sqlite:///{other_file}")
    try:
        with make_session_factory(engine)() as other:
            _index_demo(other, embedder)   # the same data, another database
            SuggestionService(embedder, snapshot_dir=tmp_path / "index").save_snapshot(other)
    finally:
        engine.dispose()

    worker = SuggestionService(embedder, snapshot_dir=tmp_path / "index")
    assert worker.for_stream(indexed, _by_external(indexed, Stream, "s-001").id)
    assert worker.loaded_from is None
    assert "database" in caplog.text and "not used" in caplog.text


def _damage(directory: Path, how: str) -> None:
    folder = directory / CURRENT
    if how == "truncated vectors":
        path = folder / "ranker" / "capacity" / "columns" / "vectors.npy"
        path.write_bytes(path.read_bytes()[:1000])
    elif how == "garbage pickle":
        (folder / "freshness" / "objects.pickle").write_bytes(b"not a pickle")
    elif how == "flipped graph byte":
        path = folder / "ranker" / "stream" / "dense" / "graph.hnsw"
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0xFF
        path.write_bytes(bytes(data))
    elif how == "manifest not json":
        (folder / MANIFEST).write_text("{")
    else:   # the folder `current` names is gone
        shutil.rmtree(folder.resolve())


@SQLITE_ONLY
@pytest.mark.parametrize("how", ["truncated vectors", "garbage pickle", "flipped graph byte",
                                 "manifest not json", "folder gone"])
def test_a_damaged_stored_index_is_not_used_and_the_worker_builds_its_own(
        indexed, embedder, tmp_path, caplog, how) -> None:
    writer = SuggestionService(embedder, ann_threshold=5, snapshot_dir=tmp_path)
    writer.save_snapshot(indexed)
    written = _top10(writer, indexed)
    _damage(tmp_path, how)

    worker = SuggestionService(embedder, ann_threshold=5, snapshot_dir=tmp_path)
    answers = _top10(worker, indexed)
    assert worker.loaded_from is None
    assert "could not be read" in caplog.text
    assert _agreement(answers, written) >= 0.99


@SQLITE_ONLY
def test_storing_again_replaces_the_current_index_and_keeps_the_one_before(
        indexed, embedder, tmp_path) -> None:
    service = SuggestionService(embedder, snapshot_dir=tmp_path)
    folders = [service.save_snapshot(indexed) for _ in range(3)]
    assert (tmp_path / CURRENT).resolve() == folders[-1]
    assert sorted(p for p in tmp_path.iterdir() if p.name.startswith("snapshot-")) == \
        sorted(folders[1:])
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_worker_forked_after_the_master_loaded_the_index_starts_from_it(
        indexed, db_url, embedder, tmp_path, monkeypatch) -> None:
    """As under gunicorn (api/serve.py): the master preloads, the forked worker's app uses
    that service and refreshes from there with connections of its own."""
    import api.suggestion_index as module
    from api.app import create_app
    from api.db import db_session
    from matchmaker.config import Settings

    settings = Settings(home=tmp_path / "home", database_url=db_url, secret_key="test",
                        index_dir=tmp_path / "index")
    SuggestionService(embedder, snapshot_dir=settings.snapshot_dir).save_snapshot(indexed)
    monkeypatch.setattr(module, "_preloaded", None)
    master = module.preload(settings)
    assert master.loaded_from == settings.snapshot_dir
    stream = _by_external(indexed, Stream, "s-001")
    stream.title = "Werkkledij, na het laden hernoemd"
    indexed.commit()

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:   # the worker
        try:
            app = create_app(settings)
            with app.app_context():
                module.warm_up()
                service = module.suggestion_service()
                seen = {"preloaded": service is master,
                        "title": service.doc(db_session(), "stream", stream.id).title,
                        "suggestions": len(service.for_stream(db_session(), stream.id))}
            app.extensions["matchmaker.engine"].dispose()
            os.write(write_end, json.dumps(seen).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        seen = json.loads(pipe.read() or "{}")
    os.waitpid(pid, 0)
    assert seen["preloaded"] and seen["suggestions"] > 0
    assert seen["title"] == "Werkkledij, na het laden hernoemd"


def test_storing_again_updates_the_stored_index_with_what_changed(
        indexed, session_factory, embedder, tmp_path) -> None:
    SuggestionService(embedder, snapshot_dir=tmp_path).save_snapshot(indexed)
    with session_factory() as writer_session:
        _by_external(writer_session, Capacity, "c-021").title = "Fietsherstel"
        writer_session.delete(_by_external(writer_session, Capacity, "c-005"))
        writer_session.commit()
    indexed.expire_all()
    indexer = SuggestionService(embedder, snapshot_dir=tmp_path)   # `matchmaker index` again
    indexer.save_snapshot(indexed)
    assert indexer.loaded_from == tmp_path

    worker = SuggestionService(embedder, snapshot_dir=tmp_path)
    loaded = _top10(worker, indexed)
    assert worker.loaded_from == tmp_path
    assert loaded == _top10(SuggestionService(embedder), indexed)
