"""Approximate cosine search with hnswlib, behind the same interface as ExactIndex.

Used from DEFAULT_ANN_THRESHOLD vectors on (indexing/vector_index.py); hnswlib is
imported on first use. Ids must be non-negative
(hnswlib labels are unsigned). Deletes use hnswlib's mark_deleted and the
freed slots are reused by later inserts. Results are ordered like ExactIndex
(score, then id), but which of several equal-scored entries make the cut is
up to the graph walk.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from indexing.vector_index import (
    RowIndex,
    RowMask,
    SearchResult,
    empty_result,
    headroom,
    top_k,
)

_GRAPH_FILE = "graph.hnsw"

# Below this many allowed rows a masked query is answered exactly from the
# stored vectors: a graph walk that must skip most nodes loses recall and time.
_EXACT_BELOW = 4096


class HnswIndex(RowIndex):
    """HNSW graph (hnswlib, cosine space) with row bookkeeping for masks."""

    def __init__(
        self,
        dim: int | None = None,
        max_elements: int = 1024,
        m: int = 16,
        ef_construction: int = 200,
        ef_search: int = 256,
        threads: int = -1,
    ) -> None:
        super().__init__(dim)
        self.max_elements = max_elements
        self.m = m
        self.ef_construction = ef_construction
        self.ef_search = ef_search
        self.threads = threads
        self._graph = None

    def _new_graph(self):
        try:
            import hnswlib
        except ImportError as err:
            raise ImportError(
                "The approximate index needs hnswlib: pip install hnswlib==0.8.0"
            ) from err
        return hnswlib.Index(space="cosine", dim=self._dim)

    def _state(self, directory: Path) -> dict[str, Any]:
        # hnswlib writes the graph with its vectors and deletion marks in its own format
        if self._graph is not None:
            path = directory / _GRAPH_FILE
            self._graph.save_index(str(path))
            if not path.exists():   # hnswlib says nothing when it cannot write
                raise OSError(f"hnswlib could not write {path}")
        return {"settings": {"max_elements": self.max_elements, "m": self.m,
                             "ef_construction": self.ef_construction,
                             "ef_search": self.ef_search, "threads": self.threads}}

    @classmethod
    def _loaded(cls, directory: Path, state: dict[str, Any]) -> HnswIndex:
        index = super()._loaded(directory, state)
        path = directory / _GRAPH_FILE
        if len(index) and not path.exists():
            raise ValueError(f"{path} is missing")
        if path.exists():
            index._graph = index._new_graph()
            # the freed slots of deleted items are reused only when asked for at load too
            index._graph.load_index(str(path), max_elements=headroom(len(index)),
                                    allow_replace_deleted=True)
        return index

    def _ensure_graph(self, extra: int):
        if self._graph is None:
            self._graph = self._new_graph()
            self._graph.init_index(
                max_elements=max(self.max_elements, extra, 1),
                M=self.m,
                ef_construction=self.ef_construction,
                random_seed=100,
                allow_replace_deleted=True,
            )
        needed = self._graph.get_current_count() + extra
        if needed > self._graph.get_max_elements():
            self._graph.resize_index(max(needed, self._graph.get_max_elements() * 3 // 2))
        return self._graph

    def _append(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if (ids < 0).any():
            raise ValueError("HnswIndex ids must be non-negative")
        graph = self._ensure_graph(len(ids))
        graph.add_items(vectors, ids, num_threads=self.threads, replace_deleted=True)
        self._rows.append(ids)

    def _replace(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        # hnswlib updates an existing label's vector and relinks its neighbours
        self._ensure_graph(0).add_items(vectors, ids, num_threads=self.threads)

    def _on_removed(self, ident: int, row: int, last: int) -> None:
        self._graph.mark_deleted(ident)

    def search(
        self, query: np.ndarray, k: int, allowed: RowMask = None
    ) -> SearchResult | list[SearchResult]:
        q, single = self._queries(query)
        mask = self._resolve_mask(allowed)
        n_allowed = len(self) if mask is None else int(mask.sum())
        k = min(k, n_allowed)
        if k <= 0:
            results = [empty_result() for _ in q]
        elif mask is not None and n_allowed < _EXACT_BELOW:
            results = [self._exact(row, k, self.ids[mask]) for row in q]
        else:
            results = self._walk(q, k, mask)
        return results[0] if single else results

    def _walk(self, q: np.ndarray, k: int, mask: np.ndarray | None) -> list[SearchResult]:
        graph = self._graph
        graph.set_ef(max(self.ef_search, k))
        keep = None
        if mask is not None:
            keep = set(self.ids[mask].tolist()).__contains__
        try:
            labels, distances = graph.knn_query(q, k=k, num_threads=self.threads, filter=keep)
        except RuntimeError:
            # hnswlib could not find k reachable entries; the exact answer is always defined
            allowed_ids = self.ids if mask is None else self.ids[mask]
            return [self._exact(row, k, allowed_ids) for row in q]
        scores = (1.0 - distances).astype(np.float32)
        return [top_k(s, lab.astype(np.int64), k) for s, lab in zip(scores, labels, strict=True)]

    def _exact(self, q: np.ndarray, k: int, allowed_ids: np.ndarray) -> SearchResult:
        vectors = np.asarray(self._graph.get_items(allowed_ids), dtype=np.float32)
        return top_k(vectors @ q, allowed_ids, k)
