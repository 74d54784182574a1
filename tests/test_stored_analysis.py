"""The analysis of an item's text is stored when it is written and reused by readers."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import matchmaker.analysis
from matchmaker import stored_analysis
from matchmaker.catalogue import to_doc
from matchmaker.demo import load_demo
from matchmaker.engine.documents import enrich
from matchmaker.exchange import import_exchange
from models import Capacity, Stream, read_index_version


@pytest.fixture
def demo(session):
    import_exchange(session, load_demo(), source="demo")
    session.commit()
    return session


def _fresh(item):
    from matchmaker.catalogue import capacity_doc, stream_doc

    return enrich(stream_doc(item) if isinstance(item, Stream) else capacity_doc(item))


def _no_analysis(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the text was analysed again")
    monkeypatch.setattr(matchmaker.analysis, "analyse", refuse)


@pytest.mark.parametrize("model", [Stream, Capacity])
def test_written_items_carry_their_analysis_and_readers_reuse_it(demo, model, monkeypatch):
    items = demo.scalars(sa.select(model)).all()
    assert items and all(i.analysis is not None and i.analysis_key for i in items)
    fresh = [_fresh(i) for i in items]
    _no_analysis(monkeypatch)
    assert [to_doc(i) for i in items] == fresh


def test_an_edited_text_is_analysed_again_when_written(demo, monkeypatch):
    stream = demo.scalars(sa.select(Stream).where(Stream.external_id == "s-001")).one()
    stream.materials = []
    stream.title, stream.description = "Oude fietsen", "Wij hebben 40 oude fietsen staan."
    demo.flush()
    assert "bicycles" in [m for m, _ in stream.analysis["materials"]]
    fresh = _fresh(stream)
    _no_analysis(monkeypatch)
    assert to_doc(stream) == fresh and "bicycles" in to_doc(stream).materials


def test_a_stale_analysis_is_not_used_and_index_stores_it_without_moving_anything(
        demo, monkeypatch):
    table = Capacity.__table__
    demo.execute(sa.update(table).values(analysis_key="old"))   # another analyser's
    capacity = demo.scalars(sa.select(Capacity).where(Capacity.external_id == "c-021")).one()
    demo.refresh(capacity)
    assert stored_analysis.stored_analysis(capacity) is None
    assert to_doc(capacity) == _fresh(capacity)
    stamps = demo.execute(sa.select(table.c.id, table.c.updated_at, table.c.version)).all()
    version = read_index_version(demo)
    assert stored_analysis.store_missing(demo, Capacity) == len(stamps)
    assert stored_analysis.store_missing(demo, Capacity) == 0
    assert demo.execute(sa.select(table.c.id, table.c.updated_at, table.c.version)).all() \
        == stamps
    assert read_index_version(demo) == version
    demo.refresh(capacity)
    fresh = _fresh(capacity)
    _no_analysis(monkeypatch)
    assert to_doc(capacity) == fresh


def test_an_item_is_written_even_when_its_analysis_fails(demo, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("analyser down")
    monkeypatch.setattr(stored_analysis, "analyse", broken)
    stream = demo.scalars(sa.select(Stream).where(Stream.external_id == "s-001")).one()
    stream.description = "Wij hebben 40 oude fietsen staan."
    demo.commit()
    assert stream.analysis is None and stream.analysis_key is None
    monkeypatch.undo()
    assert to_doc(stream) == _fresh(stream)
