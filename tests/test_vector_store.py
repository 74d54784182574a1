"""The vector store embeds only new or changed texts and follows model changes."""
from __future__ import annotations

import hashlib

import numpy as np
import pytest
import sqlalchemy as sa

from matchmaker.vector_store import load_vectors, sync_vectors
from models import Embedding


class CountingEmbedder:
    """A deterministic stand-in: this test is about what gets embedded, not how."""

    dim = 8

    def __init__(self, name: str = "counting-v1") -> None:
        self.name = name
        self.seen: list[str] = []

    def encode(self, texts, batch_size: int = 64) -> np.ndarray:
        self.seen.extend(texts)
        rows = []
        for text in texts:
            seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "little")
            v = np.random.default_rng(seed).normal(size=self.dim).astype(np.float32)
            rows.append(v / np.linalg.norm(v))
        return np.array(rows, dtype=np.float32).reshape(len(texts), self.dim)


def test_second_sync_embeds_only_changed_and_new_items(session):
    embedder = CountingEmbedder()
    first = sync_vectors(session, embedder, "stream", [(1, "oude paletten"), (2, "werkkledij")])
    assert (first.embedded, first.unchanged, first.removed) == (2, 0, 0)

    embedder.seen.clear()
    second = sync_vectors(session, embedder, "stream",
                          [(1, "oude paletten"), (2, "gebruikte werkkledij"), (3, "laptops")])
    assert (second.embedded, second.unchanged) == (2, 1)
    assert embedder.seen == ["gebruikte werkkledij", "laptops"]


def test_items_that_are_gone_lose_their_vectors(session):
    embedder = CountingEmbedder()
    sync_vectors(session, embedder, "capacity", [(1, "a"), (2, "b")])
    report = sync_vectors(session, embedder, "capacity", [(2, "b")])
    assert report.removed == 1
    ids, matrix = load_vectors(session, embedder.name, "capacity")
    assert ids.tolist() == [2] and matrix.shape == (1, 8)


def test_a_new_model_re_embeds_everything_and_keeps_the_old_vectors_apart(session):
    sync_vectors(session, CountingEmbedder("model-a"), "stream", [(1, "x"), (2, "y")])
    other = CountingEmbedder("model-b")
    report = sync_vectors(session, other, "stream", [(1, "x"), (2, "y")])
    assert report.embedded == 2 and sorted(other.seen) == ["x", "y"]
    assert session.scalar(sa.select(sa.func.count()).select_from(Embedding)) == 4


def test_rebuild_embeds_unchanged_texts_again(session):
    embedder = CountingEmbedder()
    sync_vectors(session, embedder, "stream", [(1, "x")])
    assert sync_vectors(session, embedder, "stream", [(1, "x")], rebuild=True).embedded == 1


def test_loaded_vectors_equal_what_the_embedder_returned(session):
    embedder = CountingEmbedder()
    calls: list[tuple[int, int]] = []
    sync_vectors(session, embedder, "stream", [(5, "x"), (3, "y")],
                 progress=lambda done, total: calls.append((done, total)))
    session.commit()
    ids, matrix = load_vectors(session, embedder.name, "stream")
    assert ids.tolist() == [3, 5]
    np.testing.assert_array_equal(matrix, embedder.encode(["y", "x"]))
    assert matrix.dtype == np.float32 and calls[0] == (0, 2) and calls[-1] == (2, 2)


def test_empty_store_loads_as_empty_arrays(session):
    ids, matrix = load_vectors(session, "nothing", "stream")
    assert ids.shape == (0,) and matrix.size == 0


@pytest.mark.parametrize("kind", ["stream", "capacity", "organisation"])
def test_every_item_kind_can_be_stored(session, kind):
    assert sync_vectors(session, CountingEmbedder(), kind, [(1, "t")]).embedded == 1
