"""The text analysis of an item, made once when the item is written and stored with it.

`analyse` reads a title and description in about a millisecond; every worker used to read
every item again when it loaded or refreshed its index. The result is now stored on the
row (`analysis`) with the key it was made for (`analysis_key`: the analyser's version, the
item's role and language, and the text), written by a flush hook whenever the text
changes, so any process that writes an item stores it. A reader uses the stored one when
the key still matches and analyses the text itself otherwise (a row written before this,
by an older analyser, or by `matchmaker import`, which leaves it for later):
`matchmaker index` stores those, in another process while it embeds.

Only what `enrich` uses is kept: ids, confidences and numbers, not the words they rest on.
"""
from __future__ import annotations

import hashlib
import logging
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from importlib import resources
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from models import Capacity, Stream

from .analysis import Analysis, Suggestion, analyse
from .engine.documents import join_text
from .quantities import QuantitySuggestion

logger = logging.getLogger(__name__)
# Bump when `analyse` reads differently; changes to its data files are caught by their digest.
ANALYSER_VERSION = "1"
# Below this many rows starting another process costs more than it saves.
BACKGROUND_MIN_ROWS = 2000
ANALYSIS_CHUNK = 1000


def _data_digest() -> str:
    digest = hashlib.sha256()
    for name in sorted(f.name for f in resources.files("matchmaker.data").iterdir()
                       if f.name.endswith(".json")):
        digest.update(resources.files("matchmaker.data").joinpath(name).read_bytes())
    return digest.hexdigest()[:12]


VERSION = f"{ANALYSER_VERSION}-{_data_digest()}"
_ROLES = {Stream: "stream", Capacity: "capacity"}


def analysis_key(text: str, language: str | None, role: str) -> str:
    return hashlib.sha256("\0".join((VERSION, role, language or "", text))
                          .encode("utf-8")).hexdigest()


def _key_of(item: Stream | Capacity) -> tuple[str, str]:
    text = join_text(item.title or "", item.description or "")
    return text, analysis_key(text, item.language, _ROLES[type(item)])


def to_json(result: Analysis) -> dict[str, Any]:
    def listed(suggestions: list[Suggestion]) -> list[list[Any]]:
        return [[s.id, s.confidence] for s in suggestions]

    quantity = result.quantity
    return {"language": result.language, "materials": listed(result.materials),
            "services": listed(result.services),
            "certifications": listed(result.certifications),
            "ewc_codes": listed(result.ewc_codes),
            "quantity": None if quantity is None else [quantity.amount, quantity.unit,
                                                       quantity.per, quantity.confidence],
            "service_radius_km": result.service_radius_km,
            "target_group_fte": result.target_group_fte}


def from_json(data: dict[str, Any]) -> Analysis:
    def listed(name: str) -> list[Suggestion]:
        return [Suggestion(id_, confidence, "") for id_, confidence in data[name]]

    quantity = data["quantity"]
    return Analysis(
        language=data["language"], materials=listed("materials"), services=listed("services"),
        certifications=listed("certifications"), ewc_codes=listed("ewc_codes"),
        quantity=None if quantity is None else QuantitySuggestion(*quantity, evidence=""),
        service_radius_km=data["service_radius_km"], target_group_fte=data["target_group_fte"])


def stored_analysis(item: Stream | Capacity) -> Analysis | None:
    """The item's stored analysis when it was made for its current text, else None."""
    if item.analysis is None or item.analysis_key != _key_of(item)[1]:
        return None
    return from_json(item.analysis)


def _analysed(text: str, language: str | None, role: str, what: object
              ) -> tuple[dict[str, Any] | None, str | None]:
    """(analysis, key) to store for a text; (None, None) when the analyser fails, as the
    write must not fail for its cache: readers analyse the text themselves then."""
    try:
        return (to_json(analyse(text, language, role=role)),
                analysis_key(text, language, role))
    except Exception:
        logger.exception("analysing %s failed; stored without its analysis", what)
        return None, None


def _store(item: Stream | Capacity) -> None:
    text, key = _key_of(item)
    if item.analysis_key != key or item.analysis is None:
        item.analysis, item.analysis_key = _analysed(
            text, item.language, _ROLES[type(item)], f"{type(item).__name__} {item.id}")


def add_analysis(rows: list[dict[str, Any]], model: type[Stream] | type[Capacity]) -> None:
    """Put into the column values of new rows of `model` the analysis the flush hook
    would store: for rows written by a bulk INSERT, which the hook does not see."""
    role = _ROLES[model]
    for row in rows:
        row["analysis"], row["analysis_key"] = _analysed(
            join_text(row.get("title") or "", row.get("description") or ""),
            row.get("language"), role, f"{model.__name__} {row.get('external_id')}")


@event.listens_for(Session, "before_flush")
def _analyse_written_items(session: Session, flush_context: Any, instances: Any) -> None:
    for item in (*session.new, *session.dirty):
        if type(item) in _ROLES:
            _store(item)


def _stale(session: Session, model: type[Stream] | type[Capacity]) -> list[tuple[int, str, str | None]]:
    """(id, text, language) of the rows whose stored analysis is missing or stale."""
    table, role = model.__table__, _ROLES[model]
    rows = session.execute(sa.select(table.c.id, table.c.title, table.c.description,
                                     table.c.language, table.c.analysis_key))
    stale = []
    for row in rows:
        text = join_text(row.title or "", row.description or "")
        if row.analysis_key != analysis_key(text, row.language, role):
            stale.append((row.id, text, row.language))
    return stale


def analysed(rows: list[tuple[int, str, str | None]], role: str) -> list[dict[str, Any]]:
    """The stored analysis of each (id, text, language) as parameters of `_write`; a plain
    function of its arguments, so another process can run it."""
    updates = []
    for row_id, text, language in rows:
        result, key = _analysed(text, language, role, f"{role} {row_id}")
        updates.append({"row_id": row_id, "analysis": result, "analysis_key": key})
    return updates


def _write(session: Session, model: type[Stream] | type[Capacity],
           updates: list[dict[str, Any]]) -> None:
    # updated_at and version set to themselves: without that the columns' onupdate would
    # move them, and a worker would reload every item for nothing
    table = model.__table__
    if updates:
        session.execute(
            sa.update(table).where(table.c.id == sa.bindparam("row_id"))
            .values(analysis=sa.bindparam("analysis"), analysis_key=sa.bindparam("analysis_key"),
                    updated_at=table.c.updated_at, version=table.c.version),
            updates)


def store_missing(session: Session, model: type[Stream] | type[Capacity]) -> int:
    """Store the analysis of every row of `model` whose stored one is missing or stale;
    returns how many. Neither the rows' timestamps nor the index version move: what a
    worker holds does not change, it only no longer has to read the text itself."""
    stale = _stale(session, model)
    _write(session, model, analysed(stale, _ROLES[model]))
    return len(stale)


@contextmanager
def analysis_pool() -> Iterator[ProcessPoolExecutor]:
    """One process for `missing_stored_meanwhile`, started at its first use; spawned, not
    forked, as the caller holds a database connection and BLAS threads."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield pool


@contextmanager
def missing_stored_meanwhile(session: Session, model: type[Stream] | type[Capacity],
                             pool: Executor | None,
                             progress: Callable[[int, int], None] | None = None) -> Iterator[None]:
    """`store_missing` while the caller's block runs: `pool` (another process) analyses
    the texts, the results are written in this session when the block ends. The analysis
    is pure Python, ~0.5-1 ms an item; beside the embedding it costs no wall-clock time
    when a second core is free. Without a pool, or for a few rows, it runs here first."""
    stale, role = _stale(session, model), _ROLES[model]
    if progress:
        progress(0, len(stale))
    if pool is None or len(stale) < BACKGROUND_MIN_ROWS:
        _write(session, model, analysed(stale, role))
        if progress:
            progress(len(stale), len(stale))
        yield
        return
    chunks = [stale[start:start + ANALYSIS_CHUNK]
              for start in range(0, len(stale), ANALYSIS_CHUNK)]
    futures = [pool.submit(analysed, chunk, role) for chunk in chunks]
    if progress:
        analysed_so_far = [0]

        def tick(future: Future) -> None:  # in the pool's thread, as each chunk comes back
            if not future.cancelled() and future.exception() is None:
                analysed_so_far[0] += len(future.result())
                progress(analysed_so_far[0], len(stale))

        for future in futures:
            future.add_done_callback(tick)
    try:
        yield
        for chunk, future in zip(chunks, futures, strict=True):
            try:
                updates = future.result()
            except BrokenProcessPool:  # e.g. a script without a __main__ guard, run again
                logger.warning("the analysis process stopped; analysing here instead")
                updates = analysed(chunk, role)
            _write(session, model, updates)
    finally:
        for future in futures:
            future.cancel()
