"""The lexical channel: character n-gram TF-IDF over normalised text.

Character n-grams inside words survive what defeats word matching in the
hubs' texts: Dutch compounds ("textielinzameling" shares most of its grams
with "inzameling van textiel"), typos ("gebrkoen paletten") and missing
accents ("vetements" = "vêtements").

The index gives the scores a TF-IDF fitted on the current collection would
give (scikit-learn's smooth IDF, sublinear TF, L2 norm; tests/test_lexical.py
checks it to float32 precision, 5e-6, after any sequence of edits), yet an edit costs what the
edited rows touch, not a refit. Two facts make that possible:

- A cosine is (sum over shared grams of tf_q idf tf_d idf) / (|q| |d|), so
  the raw sublinear TFs can be stored and the IDF applied to the query's
  few grams when it is asked.
- A row's squared norm is sum tf^2 (a - b_g)^2 with a = ln(1 + N) + 1 and
  b_g = ln(1 + df_g), i.e. a^2 S0 - 2a S1 + S2 with S0 = sum tf^2,
  S1 = sum tf^2 b_g, S2 = sum tf^2 b_g^2 kept per row. N changing moves
  only `a` (nothing to update); df_g changing updates S1/S2 of the rows
  holding g, through its postings.

Rows live in a base matrix built at the last compaction plus a small matrix
of rows added since, merged at query time; removed rows are marked dead.
When the recent rows pass `compact_share` of the base, both are merged
(amortised O(1) a row).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, vstack

from indexing.state_files import load_state, save_state
from indexing.vector_index import RowMask, SearchResult, empty_result, top_k

_SPACES = re.compile(r"\s+")
# the TFs are stored in single precision: half the memory read by a query's products
_STORED = np.float32


def normalise_text(text: str) -> str:
    """Lowercase, accents stripped, whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", plain).strip()


def _grown(array: np.ndarray, size: int) -> np.ndarray:
    if size <= len(array):
        return array
    out = np.zeros(max(size, 2 * len(array), 64), dtype=array.dtype)
    out[: len(array)] = array
    return out


def _csr(rows: Sequence[tuple[np.ndarray, np.ndarray]], n_columns: int) -> csr_matrix:
    """A CSR matrix of (columns, values) rows."""
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(c) for c, _ in rows])
    indices = np.concatenate([c for c, _ in rows]) if rows else np.zeros(0, np.int64)
    data = np.concatenate([v for _, v in rows]) if rows else np.zeros(0, _STORED)
    return csr_matrix((data, indices, indptr), shape=(len(rows), n_columns))


class LexicalIndex:
    """TF-IDF over character n-grams; cosine scores, best first, ties by id.

    Rows follow insertion order and may include dead ones; ``ids`` gives the id
    of each row (after any pending update) for callers building ``allowed``
    masks, and dead rows never match. Edits are applied on the next query or
    `prepare`; a batch larger than `rebuild_share` of the collection is applied
    by rebuilding everything in bulk, which is cheaper than row by row.
    """

    def __init__(
        self,
        ngram_range: tuple[int, int] = (3, 5),
        analyzer: str = "char_wb",
        sublinear_tf: bool = True,
        compact_share: float = 0.1,
        rebuild_share: float = 0.25,
    ) -> None:
        from sklearn.feature_extraction.text import CountVectorizer

        self.ngram_range = ngram_range
        self.analyzer = analyzer
        self.sublinear_tf = sublinear_tf
        self.compact_share = compact_share
        self.rebuild_share = rebuild_share
        self._counter = CountVectorizer(analyzer=analyzer, ngram_range=ngram_range,
                                        lowercase=False, dtype=np.float64)
        self._analyse = self._counter.build_analyzer()
        self._texts: dict[int, str] = {}
        self._pending: dict[int, str | None] = {}   # id -> new text, None = removed
        self._clear()

    def _clear(self) -> None:
        self._vocabulary: dict[str, int] = {}
        self._df = np.zeros(0)                    # alive rows holding each gram
        self._base = csr_matrix((0, 0))           # rows x grams, sublinear tf
        self._base_postings = csr_matrix((0, 0))  # grams x rows of the base
        self._recent: list[tuple[np.ndarray, np.ndarray]] = []
        self._recent_matrix: csr_matrix | None = None
        self._recent_postings: csr_matrix | None = None
        self._ids = np.zeros(0, dtype=np.int64)
        self._alive = np.zeros(0, dtype=bool)
        self._sums = np.zeros((0, 3))             # per row: S0, S1, S2 (see module)
        self._rows = 0
        self._row_of: dict[int, int] = {}
        self._last_query: tuple[str, object] | None = None

    # -- editing ------------------------------------------------------------
    def fit(self, ids: Sequence[int], texts: Sequence[str]) -> LexicalIndex:
        """Replace the whole collection."""
        self._texts = {}
        self.add(ids, texts)
        self._rebuild()
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
        return self._ids[: self._rows]

    def prepare(self) -> None:
        """Apply pending edits now instead of on the next query (a worker warming up, or
        refreshing, pays it before a request asks)."""
        self._sync()

    # -- storing ------------------------------------------------------------
    def save(self, directory: Path) -> None:
        """Store the index, its pending edits applied, in `directory` (see `load`)."""
        self._sync()
        state = {"settings": {"ngram_range": self.ngram_range, "analyzer": self.analyzer,
                              "sublinear_tf": self.sublinear_tf,
                              "compact_share": self.compact_share,
                              "rebuild_share": self.rebuild_share},
                 "texts": self._texts, "vocabulary": self._vocabulary, "recent": self._recent,
                 "rows": self._rows, "df": self._df, "ids": self._ids, "alive": self._alive,
                 "sums": self._sums}
        for name in ("base", "base_postings"):
            matrix = getattr(self, f"_{name}")
            state |= {f"{name}_data": matrix.data, f"{name}_indices": matrix.indices,
                      f"{name}_indptr": matrix.indptr, f"{name}_shape": np.array(matrix.shape)}
        save_state(directory, state)

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        """The index as `save` left it: the same rows, so the same scores to the last bit."""
        state = load_state(directory)
        index = cls(**state["settings"])
        index._texts, index._vocabulary = state["texts"], state["vocabulary"]
        index._recent, index._rows = state["recent"], state["rows"]
        index._df, index._ids, index._alive = state["df"], state["ids"], state["alive"]
        index._sums = state["sums"]
        index._base, index._base_postings = (
            csr_matrix((state[f"{name}_data"], state[f"{name}_indices"],
                        state[f"{name}_indptr"]), shape=tuple(state[f"{name}_shape"].tolist()))
            for name in ("base", "base_postings"))
        rows = np.flatnonzero(index._alive[: index._rows])
        index._row_of = dict(zip(index._ids[rows].tolist(), rows.tolist(), strict=True))
        return index

    # -- asking -------------------------------------------------------------
    def search(self, text: str, k: int, allowed: RowMask = None) -> SearchResult:
        """Top-k ids by n-gram cosine to ``text``, sharing at least one n-gram with it.

        ``allowed`` masks rows as in ExactIndex.
        """
        self._sync()
        ids = self._ids[: self._rows]
        if not len(ids) or k <= 0:
            return empty_result()
        scores = self._scores_all(text)
        keep = (scores > 0) & self._alive[: self._rows]
        if allowed is not None:
            mask = np.asarray(allowed(ids) if callable(allowed) else allowed, dtype=bool)
            if mask.shape != ids.shape:
                raise ValueError(f"allowed mask has shape {mask.shape}, index has "
                                 f"{len(ids)} rows")
            keep &= mask
        return top_k(scores[keep].astype(np.float32), ids[keep], k)

    def similarity(self, query_text: str, ids: Iterable[int]) -> np.ndarray:
        """Cosine between ``query_text`` and each given id's text (KeyError if unknown)."""
        self._sync()
        try:
            rows = np.array([self._row_of[int(i)] for i in ids], dtype=np.int64)
        except KeyError as err:
            raise KeyError(f"id {err.args[0]} is not in the lexical index") from None
        if not len(rows):
            return np.zeros(0, dtype=np.float32)
        columns, weights = self._query(query_text)
        if not len(columns):
            return np.zeros(len(rows), dtype=np.float32)
        dense = np.zeros(len(self._vocabulary), dtype=_STORED)
        dense[columns] = weights
        base_rows = self._base.shape[0]
        numerators = np.zeros(len(rows))
        old = rows < base_rows
        if old.any():
            numerators[old] = self._base[rows[old]] @ dense[: self._base.shape[1]]
        if not old.all():
            recent = self._recent_rows()
            numerators[~old] = recent[rows[~old] - base_rows] @ dense[: recent.shape[1]]
        return self._cosines(numerators, rows).astype(np.float32)

    def _query(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The query's grams as (columns, tf_q idf^2 / |q|): a row's TF times these, summed,
        over the row's norm, is the cosine. The ranker asks search() and similarity() about
        the same text in a row, so the last one is kept (until the next edit)."""
        if self._last_query is None or self._last_query[0] != text:
            counts = Counter(self._vocabulary.get(g) for g in self._analyse(normalise_text(text)))
            counts.pop(None, None)
            columns = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            columns = columns[self._df[columns] > 0]
            tf = np.array([counts[c] for c in columns.tolist()], dtype=np.float64)
            if self.sublinear_tf:
                tf = 1.0 + np.log(tf)
            idf = self._idf(columns)
            weights = tf * idf
            norm = float(np.linalg.norm(weights))
            weights = weights / norm * idf if norm else weights
            self._last_query = (text, (columns, weights.astype(_STORED)))
        return self._last_query[1]

    def _idf(self, columns: np.ndarray) -> np.ndarray:
        alive = int(self._alive[: self._rows].sum())
        return np.log((1.0 + alive) / (1.0 + self._df[columns])) + 1.0

    def _cosines(self, numerators: np.ndarray, rows: np.ndarray | slice) -> np.ndarray:
        a = np.log(1.0 + int(self._alive[: self._rows].sum())) + 1.0
        s0, s1, s2 = self._sums[rows].T
        norms = np.sqrt(np.maximum(a * a * s0 - 2.0 * a * s1 + s2, 0.0))
        out = np.zeros_like(numerators)
        np.divide(numerators, norms, out=out, where=norms > 0)
        return out

    def _scores_all(self, text: str) -> np.ndarray:
        # query x postings (n-gram -> rows) only visits the rows sharing an n-gram
        # with the query: about 5x faster than rows x query at 10k rows
        # (benchmarks/bench_rank.py)
        numerators = np.zeros(self._rows)
        columns, weights = self._query(text)
        if not len(columns):
            return numerators
        base_rows, base_columns = self._base.shape
        inside = columns < base_columns
        if inside.any() and base_rows:
            numerators[:base_rows] = weights[inside] @ self._base_postings[columns[inside]]
        if self._rows > base_rows:
            postings = self._recent_postings_matrix()
            inside = columns < postings.shape[0]
            numerators[base_rows:] = weights[inside] @ postings[columns[inside]]
        return self._cosines(numerators, slice(0, self._rows))

    # -- keeping the rows ---------------------------------------------------
    def _recent_rows(self) -> csr_matrix:
        if self._recent_matrix is None:
            self._recent_matrix = _csr(self._recent, len(self._vocabulary))
        return self._recent_matrix

    def _recent_postings_matrix(self) -> csr_matrix:
        if self._recent_postings is None:
            self._recent_postings = self._recent_rows().T.tocsr()
        return self._recent_postings

    def _row(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        base_rows = self._base.shape[0]
        if row < base_rows:
            start, end = self._base.indptr[row], self._base.indptr[row + 1]
            return self._base.indices[start:end], self._base.data[start:end]
        return self._recent[row - base_rows]

    def _counts(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(columns, sublinear tf) of a text, new grams getting new columns."""
        counts = Counter(self._analyse(text))
        vocabulary = self._vocabulary
        columns = np.fromiter((vocabulary.setdefault(g, len(vocabulary)) for g in counts),
                              dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        order = np.argsort(columns)
        tf = (1.0 + np.log(tf[order])) if self.sublinear_tf else tf[order]
        # the sums are taken of what is stored, as a rebuild takes them
        return columns[order], tf.astype(_STORED)

    def _sync(self) -> None:
        """Apply pending edits (see the module docstring)."""
        if not self._pending:
            return
        if (not self._base.shape[0] and not self._recent) or \
                len(self._pending) > self.rebuild_share * max(len(self._texts), 1):
            self._rebuild()
            return
        pending, self._pending = self._pending, {}
        self._last_query = None
        change = Counter()
        for ident in pending:
            row = self._row_of.pop(ident, None)
            if row is not None:
                self._alive[row] = False
                change.update(dict.fromkeys(self._row(row)[0].tolist(), -1))
        added = [(ident, self._counts(text)) for ident, text in pending.items()
                 if text is not None]
        for _, (columns, _) in added:
            change.update(columns.tolist())
        self._df = _grown(self._df, len(self._vocabulary))
        touched = np.fromiter(change.keys(), dtype=np.int64, count=len(change))
        steps = np.fromiter(change.values(), dtype=np.float64, count=len(change))
        before = np.log1p(self._df[touched])
        self._df[touched] += steps
        after = np.log1p(self._df[touched])
        self._shift_sums(touched, after - before, after * after - before * before)
        self._append(added)
        if len(self._recent) > max(64, self.compact_share * self._base.shape[0]):
            self._compact()
        elif self._recent:
            self._recent_postings_matrix()

    def _shift_sums(self, columns: np.ndarray, d1: np.ndarray, d2: np.ndarray) -> None:
        """S1 += sum tf^2 d1, S2 += sum tf^2 d2 over the given grams, for every row that
        holds them (the rows reached through those grams' postings only)."""
        base_rows, base_columns = self._base.shape
        deltas = np.column_stack([d1, d2])
        inside = columns < base_columns
        if inside.any() and base_rows:
            part = self._base_postings[columns[inside]].astype(np.float64)
            part.data = part.data ** 2
            self._sums[:base_rows, 1:] += part.T @ deltas[inside]
        if self._recent:
            postings = self._recent_postings_matrix()
            inside = columns < postings.shape[0]
            if inside.any():
                part = postings[columns[inside]].astype(np.float64)
                part.data = part.data ** 2
                self._sums[base_rows:self._rows, 1:] += part.T @ deltas[inside]

    def _append(self, added: list[tuple[int, tuple[np.ndarray, np.ndarray]]]) -> None:
        if not added:
            return
        size = self._rows + len(added)
        self._ids, self._alive = _grown(self._ids, size), _grown(self._alive, size)
        if len(self._sums) < size:
            sums = np.zeros((max(size, 2 * len(self._sums), 64), 3))
            sums[: self._rows] = self._sums[: self._rows]
            self._sums = sums
        for ident, (columns, tf) in added:
            row = self._rows
            b = np.log1p(self._df[columns])
            squares = tf.astype(np.float64) ** 2
            self._sums[row] = (squares.sum(), squares @ b, squares @ (b * b))
            self._ids[row], self._alive[row], self._row_of[ident] = ident, True, row
            self._recent.append((columns, tf))
            self._rows += 1
        self._recent_matrix = self._recent_postings = None

    def _compact(self) -> None:
        """Merge the recent rows into the base and drop dead rows."""
        n_columns = len(self._vocabulary)
        base = self._base
        base = csr_matrix((base.data, base.indices, base.indptr), shape=(base.shape[0], n_columns))
        merged = vstack([base, self._recent_rows()], format="csr")
        alive = np.flatnonzero(self._alive[: self._rows])
        self._base = merged[alive]
        self._base_postings = self._base.T.tocsr()
        self._ids = self._ids[alive].copy()
        self._sums = self._sums[alive].copy()
        self._alive = np.ones(len(alive), dtype=bool)
        self._rows = len(alive)
        self._row_of = {ident: row for row, ident in enumerate(self._ids.tolist())}
        self._recent, self._recent_matrix, self._recent_postings = [], None, None

    def _rebuild(self) -> None:
        """Everything from the texts at once (the first fit, or a large batch)."""
        self._pending = {}
        self._clear()
        ids = np.fromiter(self._texts.keys(), dtype=np.int64, count=len(self._texts))
        try:
            counts = self._counter.fit_transform(list(self._texts.values())).tocsr()
            self._vocabulary = {g: int(c) for g, c in self._counter.vocabulary_.items()}
        except ValueError:  # every text is empty or shorter than the n-grams
            counts = csr_matrix((len(ids), 0))
        counts.sort_indices()
        if self.sublinear_tf:
            counts.data = 1.0 + np.log(counts.data)
        counts = counts.astype(_STORED)
        self._df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float64)
        b = np.log1p(self._df)
        squares = counts.astype(np.float64)
        squares.data **= 2
        self._sums = np.column_stack([squares @ np.ones(len(b)), squares @ b, squares @ (b * b)])
        self._base, self._base_postings = counts, counts.T.tocsr()
        self._ids, self._alive, self._rows = ids, np.ones(len(ids), dtype=bool), len(ids)
        self._row_of = {ident: row for row, ident in enumerate(ids.tolist())}
