"""The lexical channel: character n-gram TF-IDF over normalised text.

Character n-grams inside words survive what defeats word matching in the
hubs' texts: Dutch compounds ("textielinzameling" shares most of its grams
with "inzameling van textiel"), typos ("gebrkoen paletten") and missing
accents ("vetements" = "vêtements"). Refitting the vectorizer is cheap at hub
scale (see docs/benchmarks.md), so add/remove only mark the index dirty and
the next query refits.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from indexing.vector_index import RowMask, SearchResult, empty_result, top_k

_SPACES = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Lowercase, accents stripped, whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", plain).strip()


class LexicalIndex:
    """TF-IDF over character n-grams; cosine scores, best first, ties by id.

    Edits are cheap: a new or changed text is transformed with the fitted
    vocabulary and appended as a row, a removed or replaced row is marked dead.
    The vectorizer is refitted from scratch (new n-grams, fresh IDF weights)
    only when the edits since the last fit exceed `refit_share` of the
    collection, or the collection is small enough that refitting costs less
    than a few milliseconds: a hub editing one stream does not pay for
    re-reading ten thousand texts on its next query.

    Rows follow insertion order and may include dead ones; ``ids`` gives the id
    of each row (after any pending update) for callers building ``allowed``
    masks, and dead rows never match.
    """

    def __init__(
        self,
        ngram_range: tuple[int, int] = (3, 5),
        analyzer: str = "char_wb",
        sublinear_tf: bool = True,
        min_df: int = 1,
        refit_share: float = 0.05,
        refit_below: int = 200,
    ) -> None:
        self.ngram_range = ngram_range
        self.analyzer = analyzer
        self.sublinear_tf = sublinear_tf
        self.min_df = min_df
        self.refit_share = refit_share
        self.refit_below = refit_below
        self._texts: dict[int, str] = {}
        self._pending: dict[int, str | None] = {}   # id -> new text, None = removed
        self._edits_since_fit = 0
        self._must_refit = True
        self._vectorizer = None
        self._matrix = None
        self._postings = None
        self._alive = np.zeros(0, dtype=bool)
        self._ids = np.zeros(0, dtype=np.int64)
        self._row_of: dict[int, int] = {}
        self._last_query: tuple[str, object] | None = None

    def fit(self, ids: Sequence[int], texts: Sequence[str]) -> LexicalIndex:
        """Replace the whole collection and fit on it."""
        self._texts = {}
        self.add(ids, texts)
        self._refit()
        return self

    def add(self, ids: Sequence[int], texts: Sequence[str]) -> None:
        """Add or replace texts; they are searchable from the next query on."""
        if len(ids) != len(texts):
            raise ValueError(f"{len(ids)} ids but {len(texts)} texts")
        for ident, text in zip(ids, texts, strict=True):
            normalised = normalise_text(text)
            if self._texts.get(int(ident)) != normalised:
                self._texts[int(ident)] = normalised
                self._pending[int(ident)] = normalised

    def remove(self, ids: Iterable[int]) -> int:
        """Remove ids (unknown ones ignored); returns how many were removed."""
        removed = 0
        for ident in ids:
            if self._texts.pop(int(ident), None) is not None:
                self._pending[int(ident)] = None
                removed += 1
        return removed

    def __len__(self) -> int:
        return len(self._texts)

    def __contains__(self, ident: object) -> bool:
        return isinstance(ident, int | np.integer) and int(ident) in self._texts

    @property
    def ids(self) -> np.ndarray:
        """The id stored in each row, in row order (dead rows included, never matched)."""
        self._sync()
        return self._ids

    def prepare(self) -> None:
        """Apply pending additions now (fitting the vocabulary the first time) instead of
        on the next query: a worker warming up pays it before its first request."""
        self._sync()

    def search(self, text: str, k: int, allowed: RowMask = None) -> SearchResult:
        """Top-k ids by n-gram cosine to ``text``, sharing at least one n-gram with it.

        ``allowed`` masks rows as in ExactIndex.
        """
        self._sync()
        if not len(self._ids) or k <= 0:
            return empty_result()
        scores = self._scores_all(text)
        keep = (scores > 0) & self._alive
        if allowed is not None:
            mask = np.asarray(allowed(self._ids) if callable(allowed) else allowed, dtype=bool)
            if mask.shape != self._ids.shape:
                raise ValueError(f"allowed mask has shape {mask.shape}, index has "
                                 f"{len(self._ids)} rows")
            keep &= mask
        return top_k(scores[keep], self._ids[keep], k)

    def similarity(self, query_text: str, ids: Iterable[int]) -> np.ndarray:
        """Cosine between ``query_text`` and each given id's text (KeyError if unknown)."""
        self._sync()
        try:
            rows = [self._row_of[int(i)] for i in ids]
        except KeyError as err:
            raise KeyError(f"id {err.args[0]} is not in the lexical index") from None
        if not rows:
            return np.zeros(0, dtype=np.float32)
        if self._vectorizer is None:
            return np.zeros(len(rows), dtype=np.float32)
        columns, weights = self._query(query_text)
        if not len(columns):
            return np.zeros(len(rows), dtype=np.float32)
        # rows x dense query vector: picking columns out of a CSR matrix costs more
        dense = np.zeros(self._matrix.shape[1], dtype=np.float32)
        dense[columns] = weights
        return np.asarray(self._matrix[rows] @ dense, dtype=np.float32)

    def _query(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The query's TF-IDF vector as (columns, unit weights).

        Computed here from the fitted vocabulary and IDF rather than by
        `vectorizer.transform`, whose input validation costs about 1 ms a call
        (the same numbers: tests/test_lexical.py). The ranker asks search() and
        similarity() about the same text in a row, so the last one is kept.
        """
        if self._last_query is None or self._last_query[0] != text:
            vocabulary = self._vectorizer.vocabulary_
            counts = Counter(vocabulary[g] for g in self._analyse(normalise_text(text))
                             if g in vocabulary)
            columns = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
            if self.sublinear_tf:
                tf = 1.0 + np.log(tf)
            weights = tf * self._vectorizer.idf_[columns]
            norm = float(np.linalg.norm(weights))
            weights = (weights / norm if norm else weights).astype(np.float32)
            self._last_query = (text, (columns, weights))
        return self._last_query[1]

    def _scores_all(self, text: str) -> np.ndarray:
        # query x postings (n-gram -> rows) only visits the rows sharing an n-gram
        # with the query: about 5x faster than rows x query at 10k rows
        # (benchmarks/bench_rank.py)
        if self._vectorizer is None:
            return np.zeros(len(self._ids), dtype=np.float32)
        columns, weights = self._query(text)
        if not len(columns):
            return np.zeros(len(self._ids), dtype=np.float32)
        return np.asarray(weights @ self._postings[columns], dtype=np.float32).ravel()

    def _sync(self) -> None:
        """Apply pending edits: append/kill rows, or refit when that is due."""
        if not self._pending and not self._must_refit:
            return
        edits = self._edits_since_fit + len(self._pending)
        if (self._must_refit or self._vectorizer is None or len(self._texts) < self.refit_below
                or edits > self.refit_share * len(self._texts)):
            self._refit()
            return
        from scipy.sparse import vstack

        pending, self._pending = self._pending, {}
        self._edits_since_fit = edits
        for ident in pending:
            row = self._row_of.pop(ident, None)
            if row is not None:
                self._alive[row] = False
        added = [(ident, text) for ident, text in pending.items() if text is not None]
        if added:
            first = len(self._ids)
            rows = self._vectorizer.transform([text for _, text in added])
            self._matrix = vstack([self._matrix, rows], format="csr")
            self._postings = self._matrix.T.tocsr()
            self._ids = np.concatenate([self._ids, np.array([i for i, _ in added], np.int64)])
            self._alive = np.concatenate([self._alive, np.ones(len(added), dtype=bool)])
            self._row_of.update((ident, first + n) for n, (ident, _) in enumerate(added))
        self._last_query = None

    def _refit(self) -> None:
        from scipy.sparse import csr_matrix
        from sklearn.feature_extraction.text import TfidfVectorizer

        self._pending, self._edits_since_fit, self._must_refit = {}, 0, False
        self._last_query = None
        self._ids = np.fromiter(self._texts.keys(), dtype=np.int64, count=len(self._texts))
        self._alive = np.ones(len(self._ids), dtype=bool)
        self._row_of = {ident: row for row, ident in enumerate(self._ids.tolist())}
        if not self._texts:
            self._vectorizer = self._matrix = self._postings = None
            return
        self._vectorizer = TfidfVectorizer(
            analyzer=self.analyzer,
            ngram_range=self.ngram_range,
            sublinear_tf=self.sublinear_tf,
            min_df=self.min_df,
            dtype=np.float32,
        )
        try:
            self._matrix = self._vectorizer.fit_transform(list(self._texts.values()))
            self._postings = self._matrix.T.tocsr()
            self._analyse = self._vectorizer.build_analyzer()
        except ValueError:
            # every text is empty or shorter than the n-grams: nothing can match
            self._vectorizer = None
            self._matrix = csr_matrix((len(self._ids), 1), dtype=np.float32)
            self._postings = None
