"""The ranking engine in memory: candidates -> features -> scorer -> explain.

A `Ranker` keeps the streams and the capacities of a hub (or of all hubs) as
`Columns` (unit vectors plus structured arrays) and a lexical index per side,
and answers both directions: the best capacities for a stream and the best
streams for a capacity. Docs are stored as given: enrich them first
(`documents.enrich`) if their structured fields may be empty.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from indexing.lexical import LexicalIndex
from indexing.vector_index import DEFAULT_ANN_THRESHOLD, RowIndex, load_index, make_index
from matchmaker.engine.candidates import CandidateSettings, find_candidates
from matchmaker.engine.columns import Columns
from matchmaker.engine.documents import CapacityDoc, Doc, StreamDoc, embed_text
from matchmaker.engine.explain import Reason, explain
from matchmaker.engine.features import FEATURES, FeatureMatrix, pair_features
from matchmaker.engine.scorer import DefaultScorer
from matchmaker.errors import NotFound
from matchmaker.stages import stage

DEFAULT_MAX_PER_ORGANISATION = 2
# Lexical scores are computed for this many candidates per requested suggestion.
RERANK_PER_K = 5
MIN_RERANK = 50


@dataclass(frozen=True)
class Scope:
    """Which docs of the other side may be suggested: by hub and by organisation.

    `None` means no restriction on that field; pass a Scope as `allowed`.
    """

    hubs: Collection[str] | None = None
    organisations: Collection[str] | None = None
    exclude_organisations: Collection[str] = ()


@dataclass
class Suggestion:
    """One ranked doc of the other side, with the parts of its score."""

    target_id: str
    organisation_id: str
    score: float
    features: dict[str, float]
    contributions: dict[str, float]
    reasons: list[Reason] = field(default_factory=list)


class Ranker:
    """In-memory two-sided index with a scorer; see the module docstring."""

    def __init__(self, embedder=None, scorer=None, dim: int | None = None,
                 max_per_organisation: int = DEFAULT_MAX_PER_ORGANISATION,
                 candidates: CandidateSettings | None = None,
                 ann_threshold: int = DEFAULT_ANN_THRESHOLD) -> None:
        if embedder is None and dim is None:
            raise ValueError("a Ranker needs an embedder or the dimension of given vectors")
        self.embedder = embedder
        self.scorer = scorer or DefaultScorer()
        self.max_per_organisation = max_per_organisation
        self.candidates = candidates or CandidateSettings()
        self.ann_threshold = ann_threshold
        dim = dim or embedder.dim
        self.streams, self.capacities = Columns(dim), Columns(dim)
        self._lexical = {"stream": LexicalIndex(), "capacity": LexicalIndex()}
        # made on the first upsert of each kind, when its size is known
        self._dense: dict[str, RowIndex] = {}

    @classmethod
    def build(cls, streams: Sequence[StreamDoc], capacities: Sequence[CapacityDoc],
              embedder=None, stream_vectors: np.ndarray | None = None,
              capacity_vectors: np.ndarray | None = None, **options) -> Ranker:
        """A ranker holding the given docs (vectors computed with `embedder` if not given)."""
        dim = next((v.shape[1] for v in (stream_vectors, capacity_vectors) if v is not None), None)
        ranker = cls(embedder=embedder, dim=dim, **options)
        ranker.upsert(streams, stream_vectors)
        ranker.upsert(capacities, capacity_vectors)
        return ranker

    def save(self, directory: Path) -> None:
        """Store what the ranker holds (docs, vectors, lexical and dense indexes) in
        `directory`, its pending lexical edits applied; `load` gives it back."""
        for kind in ("stream", "capacity"):
            self._side(kind).save(directory / kind / "columns")
            self._lexical[kind].save(directory / kind / "lexical")
            if kind in self._dense:
                self._dense[kind].save(directory / kind / "dense")

    @classmethod
    def load(cls, directory: Path, embedder=None, **options) -> Ranker:
        """A ranker holding what `save` stored, with these settings (the same
        `ann_threshold` as the stored one's, or the dense indexes differ)."""
        streams = Columns.load(directory / "stream" / "columns")
        ranker = cls(embedder=embedder, dim=streams.dim, **options)
        ranker.streams = streams
        ranker.capacities = Columns.load(directory / "capacity" / "columns")
        for kind in ("stream", "capacity"):
            ranker._lexical[kind] = LexicalIndex.load(directory / kind / "lexical")
            if (directory / kind / "dense").exists():
                ranker._dense[kind] = load_index(directory / kind / "dense")
        return ranker

    def _side(self, doc_or_kind: Doc | str) -> Columns:
        kind = doc_or_kind if isinstance(doc_or_kind, str) else doc_or_kind.kind
        return self.streams if kind == "stream" else self.capacities

    def embed(self, docs: Sequence[Doc]) -> np.ndarray:
        if self.embedder is None:
            raise ValueError("this Ranker has no embedder: pass vectors with the docs")
        return self.embedder.encode([embed_text(d) for d in docs])

    def upsert(self, docs: Sequence[Doc], vectors: np.ndarray | None = None) -> None:
        """Add or replace docs (streams, capacities or both)."""
        if not docs:
            return
        vectors = self.embed(docs) if vectors is None else np.asarray(vectors, np.float32)
        keys: dict[str, list[int]] = {"stream": [], "capacity": []}
        for doc, vector in zip(docs, vectors, strict=True):
            key = self._side(doc).upsert(doc, vector)
            keys[doc.kind].append(key)
            self._lexical[doc.kind].add([key], [embed_text(doc)])
        for kind, kind_keys in keys.items():
            if kind_keys:
                kind_keys = list(dict.fromkeys(kind_keys))
                side = self._side(kind)
                dense = self._dense.get(kind)
                if dense is None:
                    dense = self._dense[kind] = make_index(len(kind_keys), self.ann_threshold,
                                                           side.dim)
                dense.upsert(kind_keys, side.vectors[[side.row_of_key[k] for k in kind_keys]])

    def remove(self, kind: str, ids: Iterable[str]) -> int:
        """Remove docs of one kind by id; unknown ids are ignored."""
        side, removed = self._side(kind), []
        for doc_id in ids:
            key = side.remove(doc_id)
            if key is not None:
                removed.append(key)
        self._lexical[kind].remove(removed)
        if kind in self._dense:
            self._dense[kind].remove(removed)
        return len(removed)

    def prepare(self) -> None:
        """Do now the work the next query would do (the lexical indexes' fitting)."""
        for lexical in self._lexical.values():
            lexical.prepare()

    def vector(self, kind: str, doc_id: str) -> np.ndarray | None:
        """The unit vector held for a doc, None when the doc is not held."""
        side = self._side(kind)
        row = side.row_of.get(doc_id)
        return None if row is None else side.vectors[row]

    def get(self, kind: str, doc_id: str) -> Doc:
        side = self._side(kind)
        if doc_id not in side.row_of:
            raise NotFound(f"{kind} {doc_id!r} is not in the ranker")
        return side.docs[side.row_of[doc_id]]

    def suggest_for_stream(self, stream: StreamDoc, k: int = 10,
                           allowed: Scope | Collection[str] | None = None,
                           language: str | None = None,
                           vector: np.ndarray | None = None) -> list[Suggestion]:
        """The best capacities for a stream; `allowed` limits them to these capacity ids
        or to a Scope of hubs and organisations."""
        return self._suggest(stream, k, allowed, language, vector)

    def suggest_for_capacity(self, capacity: CapacityDoc, k: int = 10,
                             allowed: Scope | Collection[str] | None = None,
                             language: str | None = None,
                             vector: np.ndarray | None = None) -> list[Suggestion]:
        """The best streams for a capacity; `allowed` limits them to these stream ids
        or to a Scope of hubs and organisations."""
        return self._suggest(capacity, k, allowed, language, vector)

    def suggest_for_streams(self, streams: Sequence[StreamDoc], k: int = 10,
                            allowed: Collection[str] | None = None,
                            language: str | None = None) -> dict[str, list[Suggestion]]:
        """Suggestions for many streams at once (the hub review queue)."""
        return {s.id: self.suggest_for_stream(s, k, allowed, language) for s in streams}

    def candidate_ids(self, query: Doc, allowed: Collection[str] | None = None) -> list[str]:
        """Ids of the other side's candidates for `query` (stage one only, unordered)."""
        other_kind = "capacity" if isinstance(query, StreamDoc) else "stream"
        other = self._side(other_kind)
        mask = self._allowed(other, allowed)
        if not mask.any():
            return []
        rows, _ = find_candidates(
            other.query_block(query), self._query_vector(query, None), embed_text(query), other,
            self._dense[other_kind], self._lexical[other_kind], mask,
            isinstance(query, StreamDoc), self.candidates)
        return [other.docs[r].id for r in rows]

    def features_for_pairs(self, pairs: Sequence[tuple[StreamDoc, CapacityDoc]]) -> np.ndarray:
        """(n, len(FEATURES)) features of given pairs, e.g. reviewed matches to train
        a LearnedScorer on; each capacity must be in the ranker."""
        rows = []
        for stream, capacity in pairs:
            side = self.capacities
            row = side.row_of.get(capacity.id)
            if row is None:
                raise NotFound(f"capacity {capacity.id!r} is not in the ranker")
            text = embed_text(stream)
            semantic = side.vectors[row : row + 1] @ self._query_vector(stream, None)
            lexical = self._lexical["capacity"].similarity(text, side.keys[row : row + 1])
            matrix = pair_features(side.query_block(stream), side.block.take(np.array([row])),
                                   semantic, lexical)
            rows.append(matrix.values[0])
        return np.array(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))

    def dense_index_name(self, kind: str) -> str:
        """Which vector index serves the dense channel of one side ("ExactIndex", ...)."""
        index = self._dense.get(kind)
        return type(index).__name__ if index is not None else "none"

    def _query_vector(self, doc: Doc, vector: np.ndarray | None) -> np.ndarray:
        if vector is not None:
            return np.asarray(vector, dtype=np.float32)
        own = self._side(doc)
        row = own.row_of.get(doc.id)
        if row is not None and own.docs[row] == doc:
            return own.vectors[row]
        return self.embed([doc])[0]

    def _allowed(self, side: Columns, allowed: Scope | Collection[str] | None) -> np.ndarray:
        mask = side.active[: len(side)].copy()
        if isinstance(allowed, Scope):
            # one pass over the interned metadata arrays, folded into the single
            # mask that the candidate search applies while it scans
            n = len(side)
            for names, column in ((allowed.hubs, side.hub), (allowed.organisations,
                                                              side.organisation)):
                if names is not None:
                    mask &= np.isin(column[:n], side.interned(names))
            if allowed.exclude_organisations:
                mask &= ~np.isin(side.organisation[:n],
                                 side.interned(allowed.exclude_organisations))
        elif allowed is not None:
            permitted = np.zeros(len(side), dtype=bool)
            permitted[[side.row_of[i] for i in allowed if i in side.row_of]] = True
            mask &= permitted
        return mask

    def _suggest(self, query: Doc, k: int, allowed: Scope | Collection[str] | None,
                 language: str | None, vector: np.ndarray | None) -> list[Suggestion]:
        is_stream = isinstance(query, StreamDoc)
        other = self.capacities if is_stream else self.streams
        mask = self._allowed(other, allowed)
        if not mask.any() or k <= 0:
            return []
        query_block = other.query_block(query)
        text = embed_text(query)
        other_kind = "capacity" if is_stream else "stream"
        with stage("candidates"):
            rows, semantic = find_candidates(
                query_block, self._query_vector(query, vector), text, other,
                self._dense[other_kind], self._lexical[other_kind], mask, is_stream,
                self.candidates)
        with stage("features"):
            side_block = other.block.take(rows)
            s_block, c_block = ((query_block, side_block) if is_stream
                                else (side_block, query_block))
            matrix = pair_features(s_block, c_block, semantic, np.zeros(len(rows)))
            self._add_lexical(matrix, rows, text, other, self._lexical[other_kind], k)
            contributions = self.scorer.contributions(matrix.values)
            scores = contributions.sum(axis=1) + self.scorer.intercept
            order = self._diverse_order(rows, scores, other, k)
        with stage("explanation"):
            return self._explained(query, other, rows, order, matrix, contributions, scores,
                                   language or query.language or "nl")

    def _explained(self, query: Doc, other: Columns, rows: np.ndarray, order: list[int],
                   matrix: FeatureMatrix, contributions: np.ndarray, scores: np.ndarray,
                   language: str) -> list[Suggestion]:
        is_stream = isinstance(query, StreamDoc)
        out = []
        for i in order:
            target = other.docs[rows[i]]
            stream, capacity = (query, target) if is_stream else (target, query)
            details = {name: float(values[i]) for name, values in matrix.details.items()}
            contrib = dict(zip(FEATURES, contributions[i].tolist(), strict=True))
            out.append(Suggestion(
                target_id=target.id, organisation_id=target.organisation_id,
                score=float(scores[i]),
                features={**dict(zip(FEATURES, matrix.values[i].tolist(), strict=True)),
                          **details},
                contributions=contrib,
                reasons=explain(stream, capacity, contrib, details, language)))
        return out

    def _add_lexical(self, matrix: FeatureMatrix, rows: np.ndarray, text: str, side: Columns,
                     lexical: LexicalIndex, k: int) -> None:
        """Fill the lexical feature of the candidates that can still reach the top k.

        Scoring the n-grams of every candidate costs more than all other
        features together, so it is done for the best RERANK_PER_K * k by the
        other features (and at least MIN_RERANK); the rest keep 0.
        """
        column = FEATURES.index("lexical")
        size = min(len(rows), max(MIN_RERANK, RERANK_PER_K * k))
        if size < len(rows):
            partial = self.scorer.contributions(matrix.values).sum(axis=1)
            chosen = np.argpartition(-partial, size - 1)[:size]
        else:
            chosen = np.arange(len(rows))
        matrix.values[chosen, column] = lexical.similarity(text, side.keys[rows[chosen]])

    def _diverse_order(self, rows: np.ndarray, scores: np.ndarray, side: Columns,
                       k: int) -> list[int]:
        """Best first (ties by id), at most `max_per_organisation` per organisation
        in the top k; when the cap leaves places empty, capped ones fill them."""
        cap = self.max_per_organisation or k
        # A shortlist is enough unless one organisation fills most of it.
        for size in (min(len(rows), 4 * k), len(rows)):
            shortlist = (np.argpartition(-scores, size - 1)[:size] if size < len(rows)
                         else np.arange(len(rows)))
            order = sorted(shortlist.tolist(), key=lambda i: (-scores[i], side.docs[rows[i]].id))
            organisations = side.organisation[rows[order]].tolist()
            taken: dict[int, int] = {}
            chosen, demoted = [], []
            for i, org in zip(order, organisations, strict=True):
                if taken.get(org, 0) < cap:
                    taken[org] = taken.get(org, 0) + 1
                    chosen.append(i)
                    if len(chosen) == k:
                        return chosen
                else:
                    demoted.append(i)
        return (chosen + demoted)[:k]
