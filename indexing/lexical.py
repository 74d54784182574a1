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

    Rows follow insertion order of the ids still present; ``ids`` gives them
    (after any pending refit) for callers building ``allowed`` masks.
    """

    def __init__(
        self,
        ngram_range: tuple[int, int] = (3, 5),
        analyzer: str = "char_wb",
        sublinear_tf: bool = True,
        min_df: int = 1,
    ) -> None:
        self.ngram_range = ngram_range
        self.analyzer = analyzer
        self.sublinear_tf = sublinear_tf
        self.min_df = min_df
        self._texts: dict[int, str] = {}
        self._dirty = True
        self._vectorizer = None
        self._matrix = None
        self._postings = None
        self._ids = np.zeros(0, dtype=np.int64)
        self._row_of: dict[int, int] = {}

    def fit(self, ids: Sequence[int], texts: Sequence[str]) -> LexicalIndex:
        """Replace the whole collection and fit on it."""
        self._texts = {}
        self.add(ids, texts)
        self._refit()
        return self

    def add(self, ids: Sequence[int], texts: Sequence[str]) -> None:
        """Add or replace texts; the vectorizer refits before the next query."""
        if len(ids) != len(texts):
            raise ValueError(f"{len(ids)} ids but {len(texts)} texts")
        for ident, text in zip(ids, texts, strict=True):
            self._texts[int(ident)] = normalise_text(text)
        self._dirty = True

    def remove(self, ids: Iterable[int]) -> int:
        """Remove ids (unknown ones ignored); returns how many were removed."""
        removed = sum(self._texts.pop(int(i), None) is not None for i in ids)
        if removed:
            self._dirty = True
        return removed

    def __len__(self) -> int:
        return len(self._texts)

    def __contains__(self, ident: object) -> bool:
        return isinstance(ident, int | np.integer) and int(ident) in self._texts

    @property
    def ids(self) -> np.ndarray:
        """The id stored in each row, in row order."""
        self._refit_if_dirty()
        return self._ids

    def search(self, text: str, k: int, allowed: RowMask = None) -> SearchResult:
        """Top-k ids by n-gram cosine to ``text``, sharing at least one n-gram with it.

        ``allowed`` masks rows as in ExactIndex.
        """
        self._refit_if_dirty()
        if not len(self._ids) or k <= 0:
            return empty_result()
        scores = self._scores_all(text)
        keep = scores > 0
        if allowed is not None:
            mask = np.asarray(allowed(self._ids) if callable(allowed) else allowed, dtype=bool)
            if mask.shape != self._ids.shape:
                raise ValueError(f"allowed mask has shape {mask.shape}, index has {len(self)} rows")
            keep &= mask
        return top_k(scores[keep], self._ids[keep], k)

    def similarity(self, query_text: str, ids: Iterable[int]) -> np.ndarray:
        """Cosine between ``query_text`` and each given id's text (KeyError if unknown)."""
        self._refit_if_dirty()
        try:
            rows = [self._row_of[int(i)] for i in ids]
        except KeyError as err:
            raise KeyError(f"id {err.args[0]} is not in the lexical index") from None
        if not rows:
            return np.zeros(0, dtype=np.float32)
        return self._scores(query_text, self._matrix[rows])

    def _scores(self, text: str, matrix) -> np.ndarray:
        if self._vectorizer is None:
            return np.zeros(matrix.shape[0], dtype=np.float32)
        query = self._vectorizer.transform([normalise_text(text)])
        return np.asarray((matrix @ query.T).toarray().ravel(), dtype=np.float32)

    def _scores_all(self, text: str) -> np.ndarray:
        # query x postings (n-gram -> rows) only visits the rows sharing an n-gram
        # with the query: about 5x faster than rows x query at 10k rows
        # (benchmarks/bench_rank.py)
        if self._vectorizer is None:
            return np.zeros(len(self._ids), dtype=np.float32)
        query = self._vectorizer.transform([normalise_text(text)])
        return np.asarray((query @ self._postings).toarray().ravel(), dtype=np.float32)

    def _refit_if_dirty(self) -> None:
        if self._dirty:
            self._refit()

    def _refit(self) -> None:
        from scipy.sparse import csr_matrix
        from sklearn.feature_extraction.text import TfidfVectorizer

        self._ids = np.fromiter(self._texts.keys(), dtype=np.int64, count=len(self._texts))
        self._row_of = {ident: row for row, ident in enumerate(self._ids.tolist())}
        self._dirty = False
        if not self._texts:
            self._vectorizer = self._matrix = None
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
        except ValueError:
            # every text is empty or shorter than the n-grams: nothing can match
            self._vectorizer = None
            self._matrix = csr_matrix((len(self._ids), 1), dtype=np.float32)
