"""`build_index` (texts read as columns, analysis in another process, vectors written in
bulk) stores exactly what the per-item path stores: the flush hook's analysis and
`index_items`' vectors and text hashes."""
from __future__ import annotations

import numpy as np
import pytest
import sqlalchemy as sa

from indexing.embedders import get_embedder
from matchmaker import stored_analysis, vector_store
from matchmaker.demo import load_demo
from matchmaker.exchange import import_exchange
from matchmaker.suggestions import SuggestionService
from models import Capacity, Embedding, Stream, read_index_version

TABLES = {"stream": Stream.__table__, "capacity": Capacity.__table__}


@pytest.fixture(scope="module")
def embedder():
    return get_embedder("use-multilingual")


def _analyses(session) -> dict:
    return {(kind, row.id): (row.analysis, row.analysis_key) for kind, table in TABLES.items()
            for row in session.execute(sa.select(table.c.id, table.c.analysis,
                                                 table.c.analysis_key))}


def _vectors(session) -> dict:
    table = Embedding.__table__
    return {(row.item_kind, row.item_id): (row.model, row.text_hash, row.dim, row.vector)
            for row in session.execute(sa.select(table))}


def test_bulk_index_stores_the_same_analysis_vectors_and_hashes_as_the_per_item_path(
        session, embedder, monkeypatch):
    import_exchange(session, load_demo(), source="demo")   # the flush hook analyses each item
    session.execute(sa.update(Stream.__table__).where(Stream.external_id == "s-002")
                    .values(status="closed"))            # not matchable: no vector either way
    service = SuggestionService(embedder)
    for kind, table in TABLES.items():
        service.index_items(session, kind, session.scalars(sa.select(table.c.id)).all())
    session.commit()
    per_item_analyses, per_item_vectors = _analyses(session), _vectors(session)
    assert ("stream", session.scalar(sa.select(Stream.id).where(Stream.external_id == "s-002"))
            ) not in per_item_vectors

    for table in TABLES.values():
        session.execute(sa.update(table).values(analysis=None, analysis_key=None))
    session.execute(sa.delete(Embedding.__table__))
    # the demo is small: send it to the analysis process all the same, and in batches
    # small enough that the process embeds some of them once it has analysed
    monkeypatch.setattr(stored_analysis, "BACKGROUND_MIN_ROWS", 1)
    monkeypatch.setattr(stored_analysis, "ANALYSIS_CHUNK", 10)
    monkeypatch.setattr(vector_store, "BATCH", 4)
    steps: list[tuple[str, str, int, int]] = []

    def progress(step: str, kind: str):
        return lambda done, total: steps.append((step, kind, done, total))

    reports = service.build_index(session, progress=progress)
    session.commit()

    assert _analyses(session) == per_item_analyses
    bulk_vectors = _vectors(session)
    assert bulk_vectors.keys() == per_item_vectors.keys()
    for key, (model, hashed, dim, vector) in bulk_vectors.items():
        per_model, per_hash, per_dim, per_vector = per_item_vectors[key]
        assert (model, hashed, dim) == (per_model, per_hash, per_dim), key
        # equal up to float rounding: which texts share a micro-batch of the model, and
        # its BLAS threads, move the last bits
        np.testing.assert_allclose(np.frombuffer(vector, "<f4"), np.frombuffer(per_vector, "<f4"),
                                   atol=1e-6, err_msg=str(key))
    assert {kind: r.embedded for kind, r in reports.items()} == {
        kind: sum(1 for k, _ in per_item_vectors if k == kind) for kind in TABLES}
    # the other process embedded some (its vectors are among those compared above), and
    # this one the rest
    assert all(0 < r.elsewhere < r.embedded for r in reports.values()), reports
    assert ("analysis", "capacity", 22, 22) in steps
    assert ("embedding", "stream", 25, 25) in steps

    again = service.build_index(session)
    assert all(r.embedded == 0 and r.removed == 0 for r in again.values())
    assert stored_analysis.store_missing(session, Stream) == 0


def test_import_leaving_the_analysis_to_index_ends_with_what_the_flush_hook_stores(session):
    demo = load_demo()
    import_exchange(session, demo, source="analysed")
    before = read_index_version(session)
    import_exchange(session, demo, source="deferred", store_analysis=False)
    assert read_index_version(session) > before     # the bulk insert bumps it as a flush would

    def by_source(source: str) -> dict:
        return {(kind, row.external_id): (row.analysis, row.analysis_key, row.version)
                for kind, table in TABLES.items()
                for row in session.execute(sa.select(table).where(table.c.source == source))}

    deferred = by_source("deferred")
    assert len(deferred) == len(demo["streams"]) + len(demo["capacities"])
    assert all(analysis is None and version == 1 for analysis, _, version in deferred.values())
    assert stored_analysis.store_missing(session, Stream) == len(demo["streams"])
    assert stored_analysis.store_missing(session, Capacity) == len(demo["capacities"])
    assert by_source("deferred") == by_source("analysed")


def test_a_failed_helper_leaves_its_batches_to_this_process(session, embedder, monkeypatch):
    """The helper process fails (it stopped, say): every text is embedded all the same,
    here, and stored as this process would store it."""
    from concurrent.futures import Future

    monkeypatch.setattr(vector_store, "BATCH", 2)
    handed: list[list[str]] = []

    def broken(texts: list[str]) -> Future:
        handed.append(texts)
        future: Future = Future()
        future.set_exception(RuntimeError("the helper process stopped"))
        return future

    items = [(i, f"Houten paletten, partij {word}") for i, word in
             enumerate(("een", "twee", "drie", "vier", "vijf", "zes", "zeven"), start=1)]
    report = vector_store.sync_vectors(session, embedder, "stream", items, helper=broken)
    assert handed and report.embedded == len(items) and report.elsewhere == 0
    stored = vector_store.stored_rows(session, embedder.name, "stream")
    assert sorted(stored) == [i for i, _ in items]
    expected = embedder.encode([text for _, text in items])
    for row, (item_id, text) in enumerate(items):
        assert stored[item_id].text_hash == vector_store.text_hash(text)
        np.testing.assert_allclose(np.frombuffer(stored[item_id].vector, "<f4"), expected[row],
                                   atol=1e-6)
