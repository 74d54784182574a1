"""Embeddings kept in the database: embed only what is new or changed.

Each vector is stored with the model that made it and a hash of the text it
was made from. Syncing compares hashes, embeds the difference in batches
(with a progress callback for the CLI) and drops vectors of items that are
gone. A different model simply has no rows yet, so everything is embedded
again for it; `rebuild=True` forces that for the current model too.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session
from threadpoolctl import threadpool_limits

from indexing.embedders import Embedder
from models import Embedding, utcnow

Progress = Callable[[int, int], None]
# texts a batch gives to the other process and back: the model's time, not the hand-over
Helper = Callable[[list[str]], "Future[np.ndarray]"]
BATCH = 256
# batches handed to the helper and not yet back: one to embed, one waiting behind it, so
# it never waits for this process to hand it the next
HELPER_DEPTH = 2
logger = logging.getLogger(__name__)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SyncReport:
    embedded: int
    unchanged: int
    removed: int
    # of `embedded`, how many the helper process embedded
    elsewhere: int = 0


def encode_on_one_thread(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    """`embedder.encode` on one BLAS thread: what a helper process runs (module level, so
    another process can be sent it)."""
    with threadpool_limits(1, user_api="blas"):
        return embedder.encode(texts)


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
    helper: Helper | None = None,
) -> SyncReport:
    """Make the stored vectors of `kind` under `embedder.name` match `items` (id, text).

    `complete=False`: `items` are only some of the items, so the others' vectors stay.
    Each batch of BATCH texts is embedded and written before the next, so memory stays
    flat however many items there are. `helper` embeds batches in another process (the
    same model there): it takes batches from the end while this process works from the
    start, so a second core shares the model's work.
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
    batches = [todo[start:start + BATCH] for start in range(0, len(todo), BATCH)]
    done, elsewhere = 0, 0
    if progress:
        progress(0, len(todo))

    def write(batch: list[tuple[int, str]], vectors: np.ndarray) -> None:
        nonlocal done
        write_vectors(session, model, kind, ((item_id, text, vector) for (item_id, text), vector
                                             in zip(batch, vectors, strict=True)), stored)
        done += len(batch)
        if progress:
            progress(done, len(todo))

    # This process embeds from the front, the helper from the back, until they meet.
    lent: list[tuple[list[tuple[int, str]], Future]] = []
    front, back = 0, len(batches)
    try:
        while front < back:
            while helper is not None and len(lent) < HELPER_DEPTH and back - front > 1:
                back -= 1
                lent.append((batches[back], helper(_texts(batches[back]))))
            write(batches[front], embedder.encode(_texts(batches[front])))
            front += 1
            while lent and lent[0][1].done():
                elsewhere += _collect(embedder, *lent.pop(0), write)
        while lent:
            elsewhere += _collect(embedder, *lent.pop(0), write)
    finally:
        for _, future in lent:
            future.cancel()
    return SyncReport(embedded=len(todo), unchanged=len(wanted) - len(todo), removed=len(gone),
                      elsewhere=elsewhere)


def _texts(batch: list[tuple[int, str]]) -> list[str]:
    return [text for _, text in batch]


def _collect(embedder: Embedder, batch: list[tuple[int, str]], future: Future,
             write: Callable[[list[tuple[int, str]], np.ndarray], None]) -> int:
    """Write a batch the helper embedded (waiting for it); if the helper failed, embed it
    here. Returns how many texts the helper embedded."""
    try:
        vectors = future.result()
    except Exception:  # noqa: BLE001 - e.g. the process stopped: this one carries on
        logger.warning("the embedding helper failed; embedding its batch here", exc_info=True)
        write(batch, embedder.encode(_texts(batch)))
        return 0
    write(batch, vectors)
    return len(batch)


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
