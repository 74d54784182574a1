"""Stage one: a cheap, high-recall candidate set for one query doc.

The union of three channels over the allowed rows of the other side:
the dense top-K (cosine of unit vectors: an exact scan, or HNSW beyond the
ranker's ANN threshold), the lexical top-K (character n-grams) and structured
blocking (any related material in the tree, or any wanted service when the
query names no material). The cosine of every candidate comes back with it:
it is the semantic feature.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from indexing.lexical import LexicalIndex
from indexing.vector_index import RowIndex
from matchmaker.engine.columns import Block, Columns
from matchmaker.engine.features import MATERIAL_MATRIX
from matchmaker.stages import stage


@dataclass
class CandidateSettings:
    dense_k: int = 50
    lexical_k: int = 50
    # Blocking can match a large share of a big collection; beyond this many
    # rows the blocked ones with the best material level and most shared
    # services are kept.
    max_blocked: int = 300


def _material_levels(query: Block, query_is_stream: bool) -> np.ndarray:
    """Per material column, its best relation level to the query's materials (0 = none)."""
    chosen = query.materials[0]
    related = MATERIAL_MATRIX[chosen] if query_is_stream else MATERIAL_MATRIX[:, chosen].T
    return related.max(axis=0, initial=0.0)


def blocked_rows(query: Block, side: Block, query_is_stream: bool
                 ) -> tuple[np.ndarray, np.ndarray]:
    """(bool per row: shares a related material, or a service when no material is known;
    the row's structured prior: best material level plus the number of shared services).

    Gathering the few relevant columns, once per level, beats a product over every
    row and column (no BLAS for bool; at 100k rows a third of them may be blocked).
    """
    n = side.materials.shape[0]
    prior = np.zeros(n)
    wanted_services = np.flatnonzero(query.services[0])
    if query.materials.any():
        levels = _material_levels(query, query_is_stream)
        blocked = np.zeros(n, dtype=bool)
        for level in np.unique(levels[levels > 0]):  # ascending: higher levels overwrite
            hit = side.materials[:, np.flatnonzero(levels == level)].any(axis=1)
            prior[hit] = level
            blocked |= hit
    elif len(wanted_services):
        blocked = side.services[:, wanted_services].any(axis=1)
    else:
        return np.zeros(n, dtype=bool), prior
    if len(wanted_services):
        prior += side.services[:, wanted_services].sum(axis=1)
    return blocked, prior


def find_candidates(
    query: Block, query_vector: np.ndarray, query_text: str, columns: Columns,
    dense: RowIndex, lexical: LexicalIndex, allowed: np.ndarray, query_is_stream: bool,
    settings: CandidateSettings,
) -> tuple[np.ndarray, np.ndarray]:
    """(candidate rows, their cosine to the query), rows ascending.

    `dense` holds the same docs as `columns`, keyed by `columns.keys`.
    """
    n_allowed = int(allowed.sum())
    chosen = np.zeros(len(columns), dtype=bool)
    k = min(settings.dense_k, n_allowed)
    if k:
        # an all-True mask would only slow the index down (hnswlib filters in Python)
        with stage("dense"):
            mask = None if n_allowed == len(columns) else _index_mask(columns, dense, allowed)
            hits = dense.search(query_vector, k, allowed=mask)
            chosen[[columns.row_of_key[key] for key in hits.ids.tolist()]] = True
    with stage("blocking"):
        blocked, prior = blocked_rows(query, columns.block, query_is_stream)
        blocked &= allowed
        if blocked.sum() > settings.max_blocked:
            # too many: keep those with the best material level and most shared services
            rows = np.flatnonzero(blocked)
            keep = rows[np.argpartition(-prior[rows], settings.max_blocked - 1)
                        [: settings.max_blocked]]
            blocked = np.zeros_like(blocked)
            blocked[keep] = True
        chosen |= blocked
    if settings.lexical_k and query_text:
        with stage("lexical"):
            # Filtering the hits afterwards avoids building a key-ordered mask per query.
            hits = lexical.search(query_text, settings.lexical_k * 2)
            rows = np.array([columns.row_of_key[key] for key in hits.ids.tolist()],
                            dtype=np.int64)
            rows = rows[allowed[rows]][: settings.lexical_k]
            chosen[rows] = True
    rows = np.flatnonzero(chosen)
    return rows, columns.vectors[rows] @ query_vector


def _index_mask(columns: Columns, dense: RowIndex, allowed: np.ndarray) -> np.ndarray:
    """`allowed` (in column rows) re-ordered into the dense index's rows."""
    return allowed[[columns.row_of_key[key] for key in dense.ids.tolist()]]
