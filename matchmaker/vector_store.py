"""Embeddings kept in the database: embed only what is new or changed.

Each vector is stored with the model that made it and a hash of the text it
was made from. Syncing compares hashes, embeds the difference in batches
(with a progress callback for the CLI) and drops vectors of items that are
gone. A different model simply has no rows yet, so everything is embedded
again for it; `rebuild=True` forces that for the current model too.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session

from indexing.embedders import Embedder
from models import Embedding, utcnow

Progress = Callable[[int, int], None]
BATCH = 256


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SyncReport:
    embedded: int
    unchanged: int
    removed: int


def stored_rows(session: Session, model: str, kind: str,
                ids: Iterable[int] | None = None) -> dict[int, Embedding]:
    """The stored vectors of `kind` for `model` by item id: all, or only those of `ids`."""
    query = sa.select(Embedding).where(Embedding.item_kind == kind, Embedding.model == model)
    if ids is not None:
        query = query.where(Embedding.item_id.in_(list(ids)))
    return {row.item_id: row for row in session.scalars(query)}


def store_vectors(session: Session, model: str, kind: str,
                  items: Iterable[tuple[int, str, np.ndarray]],
                  stored: dict[int, Embedding]) -> None:
    """Insert or overwrite the vectors of (id, text, vector); `stored` holds the existing
    rows of those ids (from `stored_rows`)."""
    for item_id, text, vector in items:
        payload = np.asarray(vector, dtype="<f4").tobytes()
        row = stored.get(item_id)
        if row is None:
            session.add(Embedding(item_kind=kind, item_id=item_id, model=model,
                                  text_hash=text_hash(text), dim=len(vector), vector=payload))
        else:
            row.text_hash, row.dim, row.vector = text_hash(text), len(vector), payload


def stored_hashes(session: Session, model: str, kind: str) -> dict[int, tuple[int, str]]:
    """item id -> (row id, text hash) of every stored vector of `kind` for `model`; the
    vectors themselves are not read (at 100k items they are 200 MB a sync does not need)."""
    table = Embedding.__table__
    rows = session.execute(sa.select(table.c.item_id, table.c.id, table.c.text_hash)
                           .where(table.c.item_kind == kind, table.c.model == model))
    return {item_id: (row_id, hashed) for item_id, row_id, hashed in rows}


def write_vectors(session: Session, model: str, kind: str,
                  items: Iterable[tuple[int, str, np.ndarray]],
                  stored: dict[int, tuple[int, str]]) -> None:
    """Insert or overwrite the vectors of (id, text, vector) in two statements, one row
    of parameters each (`stored`: the existing rows, from `stored_hashes`); no ORM
    objects, which cost more than the statements at this size."""
    table = Embedding.__table__
    now = utcnow()
    new, changed = [], []
    for item_id, text, vector in items:
        values = {"text_hash": text_hash(text), "dim": len(vector), "updated_at": now,
                  "vector": np.asarray(vector, dtype="<f4").tobytes()}
        if item_id in stored:
            changed.append({"row_id": stored[item_id][0], **values})
        else:
            new.append({"item_kind": kind, "item_id": item_id, "model": model, **values})
    if new:
        session.execute(sa.insert(table), new)
    if changed:
        session.execute(
            sa.update(table).where(table.c.id == sa.bindparam("row_id"))
            .values({name: sa.bindparam(name) for name in ("text_hash", "dim", "vector",
                                                            "updated_at")}),
            changed)


def sync_vectors(
    session: Session,
    embedder: Embedder,
    kind: str,
    items: Iterable[tuple[int, str]],
    *,
    rebuild: bool = False,
    progress: Progress | None = None,
    complete: bool = True,
) -> SyncReport:
    """Make the stored vectors of `kind` under `embedder.name` match `items` (id, text).

    `complete=False`: `items` are only some of the items, so the others' vectors stay.
    Each batch of BATCH texts is embedded and written before the next, so memory stays
    flat however many items there are.
    """
    wanted = {item_id: text for item_id, text in items}
    model = embedder.name
    stored = stored_hashes(session, model, kind)
    gone = [row_id for item_id, (row_id, _) in stored.items()
            if item_id not in wanted] if complete else []
    table = Embedding.__table__
    for start in range(0, len(gone), 500):   # within every backend's parameter limit
        session.execute(sa.delete(table).where(table.c.id.in_(gone[start:start + 500])))
    todo = [
        (item_id, text) for item_id, text in wanted.items()
        if rebuild or item_id not in stored or stored[item_id][1] != text_hash(text)
    ]
    done = 0
    if progress:
        progress(0, len(todo))
    for start in range(0, len(todo), BATCH):
        batch = todo[start:start + BATCH]
        vectors = embedder.encode([text for _, text in batch])
        write_vectors(session, model, kind, ((item_id, text, vector) for (item_id, text), vector
                                             in zip(batch, vectors, strict=True)), stored)
        done += len(batch)
        if progress:
            progress(done, len(todo))
    return SyncReport(embedded=len(todo), unchanged=len(wanted) - len(todo), removed=len(gone))


def load_vectors(session: Session, model: str, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """All stored vectors of `kind` for `model` as (ids int64, matrix float32)."""
    rows = session.execute(
        sa.select(Embedding.item_id, Embedding.vector, Embedding.dim)
        .where(Embedding.item_kind == kind, Embedding.model == model)
        .order_by(Embedding.item_id)
    ).all()
    if not rows:
        return np.empty(0, dtype=np.int64), np.empty((0, 0), dtype=np.float32)
    ids = np.fromiter((r.item_id for r in rows), dtype=np.int64, count=len(rows))
    matrix = np.frombuffer(b"".join(r.vector for r in rows), dtype="<f4").reshape(len(rows), -1)
    return ids, matrix.astype(np.float32, copy=True)
