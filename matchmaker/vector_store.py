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
from models import Embedding

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

    `complete=False`: `items` are only some of the items, so the others' vectors stay
    (and only the rows of these items are read).
    """
    wanted = {item_id: text for item_id, text in items}
    model = embedder.name
    stored = stored_rows(session, model, kind, None if complete else wanted)
    gone = [row for item_id, row in stored.items() if item_id not in wanted] if complete else []
    for row in gone:
        session.delete(row)
    todo = [
        (item_id, text) for item_id, text in wanted.items()
        if rebuild or item_id not in stored or stored[item_id].text_hash != text_hash(text)
    ]
    done = 0
    if progress:
        progress(0, len(todo))
    for start in range(0, len(todo), BATCH):
        batch = todo[start:start + BATCH]
        vectors = embedder.encode([text for _, text in batch])
        store_vectors(session, model, kind, ((item_id, text, vector) for (item_id, text), vector
                                             in zip(batch, vectors, strict=True)), stored)
        done += len(batch)
        if progress:
            progress(done, len(todo))
    session.flush()
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
