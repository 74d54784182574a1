"""ExactIndex and HnswIndex: ordering, ties, updates, masks, recall."""

import importlib.util

import numpy as np
import pytest

from indexing.vector_index import ExactIndex, RowIndex, SearchResult, make_index, top_k

HAS_HNSWLIB = importlib.util.find_spec("hnswlib") is not None


def _unit(rng: np.random.Generator, n: int, dim: int) -> np.ndarray:
    v = rng.normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _brute_force(vectors: np.ndarray, ids: np.ndarray, q: np.ndarray, k: int) -> list[int]:
    scores = vectors @ (q / np.linalg.norm(q))
    order = sorted(range(len(ids)), key=lambda r: (-scores[r], ids[r]))
    return [int(ids[r]) for r in order[:k]]


def _index_kinds() -> list:
    kinds = [pytest.param(ExactIndex, id="exact")]
    if HAS_HNSWLIB:
        from indexing.hnsw_index import HnswIndex

        kinds.append(pytest.param(HnswIndex, id="hnsw"))
    return kinds


@pytest.fixture(params=_index_kinds())
def index_cls(request) -> type[RowIndex]:
    return request.param


def test_exact_search_matches_brute_force_on_random_data():
    rng = np.random.default_rng(7)
    vectors = _unit(rng, 2000, 48)
    ids = rng.permutation(10_000)[:2000]
    index = ExactIndex()
    index.add(ids, vectors)
    for q in _unit(rng, 20, 48):
        result = index.search(q, 15)
        assert result.ids.tolist() == _brute_force(vectors, ids, q, 15)
        np.testing.assert_allclose(result.scores, np.sort(vectors @ q)[::-1][:15], rtol=1e-5)


def test_batch_queries_give_the_same_answers_as_single_queries():
    rng = np.random.default_rng(8)
    index = ExactIndex()
    index.add(np.arange(500), _unit(rng, 500, 16))
    queries = _unit(rng, 40, 16)
    batch = index.search(queries, 5)
    assert len(batch) == 40
    for q, result in zip(queries, batch, strict=True):
        assert result.ids.tolist() == index.search(q, 5).ids.tolist()


def test_ties_are_broken_by_ascending_id(index_cls):
    index = index_cls()
    same = np.tile(np.array([[1.0, 0.0, 0.0]], dtype=np.float32), (6, 1))
    index.add([50, 3, 41, 7, 12, 9], same)
    index.add([100], np.array([[0.0, 1.0, 0.0]]))
    result = index.search(np.array([1.0, 0.0, 0.0]), 6)
    assert result.ids.tolist() == [3, 7, 9, 12, 41, 50]


def test_exact_ties_at_the_cut_keep_the_smallest_ids():
    index = ExactIndex()
    same = np.tile(np.array([[1.0, 0.0, 0.0]], dtype=np.float32), (6, 1))
    index.add([50, 3, 41, 7, 12, 9], same)
    assert index.search(np.array([1.0, 0.0, 0.0]), 4).ids.tolist() == [3, 7, 9, 12]


def test_ties_at_the_cut_do_not_depend_on_partition_order():
    scores = np.array([0.5, 0.9, 0.5, 0.5, 0.1, 0.5], dtype=np.float32)
    ids = np.array([60, 10, 40, 20, 5, 30])
    assert top_k(scores, ids, 3).ids.tolist() == [10, 20, 30]


def test_k_larger_than_index_returns_everything(index_cls):
    rng = np.random.default_rng(1)
    index = index_cls()
    index.add([1, 2, 3], _unit(rng, 3, 8))
    result = index.search(_unit(rng, 1, 8)[0], 10)
    assert sorted(result.ids.tolist()) == [1, 2, 3]
    assert list(result.scores) == sorted(result.scores, reverse=True)


def test_empty_index_returns_empty_result(index_cls):
    result = index_cls(dim=4).search(np.ones(4), 5)
    assert isinstance(result, SearchResult)
    assert result.ids.shape == (0,) and result.scores.shape == (0,)
    assert result.ids.dtype == np.int64


def test_removed_ids_are_never_returned_and_rows_stay_consistent(index_cls):
    rng = np.random.default_rng(2)
    vectors = _unit(rng, 300, 12)
    index = index_cls()
    index.add(np.arange(300), vectors)
    assert index.remove([0, 17, 299, 1234]) == 3
    assert len(index) == 297
    assert 17 not in index and 18 in index
    result = index.search(vectors[17], 297)
    assert not {0, 17, 299} & set(result.ids.tolist())
    rows = index.rows_for([5, 298, 100])
    assert index.ids[rows].tolist() == [5, 298, 100]


def test_upsert_replaces_vectors_in_place_and_adds_new_ids(index_cls):
    index = index_cls()
    index.add([1, 2], np.array([[1.0, 0.0], [0.0, 1.0]]))
    index.upsert([1, 3], np.array([[0.0, 1.0], [1.0, 0.0]]))
    assert len(index) == 3
    assert index.search(np.array([1.0, 0.0]), 1).ids.tolist() == [3]
    assert index.search(np.array([0.0, 1.0]), 2).ids.tolist() == [1, 2]


def test_add_refuses_known_ids_and_duplicates(index_cls):
    index = index_cls()
    index.add([1], np.ones((1, 3)))
    with pytest.raises(ValueError, match="already"):
        index.add([1], np.ones((1, 3)))
    with pytest.raises(ValueError, match="duplicate"):
        index.add([2, 2], np.ones((2, 3)))
    with pytest.raises(ValueError, match="dimension"):
        index.add([3], np.ones((1, 4)))


def test_re_adding_a_removed_id_works(index_cls):
    index = index_cls()
    index.add([1, 2], np.array([[1.0, 0.0], [0.0, 1.0]]))
    index.remove([1])
    index.add([1], np.array([[0.6, 0.8]]))
    assert index.search(np.array([0.6, 0.8]), 1).ids.tolist() == [1]


def test_growth_keeps_earlier_vectors_intact():
    rng = np.random.default_rng(3)
    vectors = _unit(rng, 1000, 8)
    index = ExactIndex()
    for start in range(0, 1000, 7):
        index.add(np.arange(start, min(start + 7, 1000)), vectors[start : start + 7])
    np.testing.assert_allclose(index.vectors, vectors, rtol=1e-6)


def test_scores_are_cosines_even_for_unnormalised_input(index_cls):
    index = index_cls()
    index.add([1], np.array([[3.0, 4.0]]))
    result = index.search(np.array([10.0, 0.0]), 1)
    assert result.scores[0] == pytest.approx(0.6, abs=1e-5)


@pytest.mark.parametrize("share", [0.05, 0.6])
def test_boolean_mask_restricts_results(index_cls, share):
    rng = np.random.default_rng(4)
    vectors = _unit(rng, 400, 16)
    index = index_cls()
    index.add(np.arange(1000, 1400), vectors)
    hub = rng.random(400) < share
    result = index.search(vectors[0], 10, allowed=hub)
    allowed_ids = set(index.ids[hub].tolist())
    assert set(result.ids.tolist()) <= allowed_ids
    assert result.ids.tolist() == _brute_force(vectors[hub], np.arange(1000, 1400)[hub],
                                               vectors[0], 10)


def test_callable_mask_gets_row_aligned_ids(index_cls):
    rng = np.random.default_rng(5)
    index = index_cls()
    index.add(np.arange(50), _unit(rng, 50, 8))
    index.remove([4, 9])
    result = index.search(_unit(rng, 1, 8)[0], 50, allowed=lambda ids: ids % 2 == 0)
    assert sorted(result.ids.tolist()) == [i for i in range(0, 50, 2) if i != 4]


def test_mask_for_allows_exactly_the_given_ids(index_cls):
    rng = np.random.default_rng(6)
    index = index_cls()
    index.add(np.arange(20), _unit(rng, 20, 4))
    result = index.search(np.ones(4), 20, allowed=index.mask_for([3, 11, 999]))
    assert sorted(result.ids.tolist()) == [3, 11]
    assert len(index.search(np.ones(4), 5, allowed=np.zeros(20, dtype=bool)).ids) == 0


def test_mask_of_wrong_length_is_refused():
    index = ExactIndex()
    index.add([1, 2], np.eye(2))
    with pytest.raises(ValueError, match="mask"):
        index.search(np.ones(2), 1, allowed=np.ones(3, dtype=bool))


def test_rows_for_unknown_id_raises_key_error():
    index = ExactIndex()
    index.add([1], np.ones((1, 2)))
    with pytest.raises(KeyError, match="42"):
        index.rows_for([42])


def test_make_index_picks_hnsw_only_above_threshold():
    assert isinstance(make_index(1_000, threshold=0), ExactIndex)
    assert isinstance(make_index(1_000, threshold=50_000), ExactIndex)
    if HAS_HNSWLIB:
        from indexing.hnsw_index import HnswIndex

        assert isinstance(make_index(60_000, threshold=50_000, dim=8), HnswIndex)


def _clustered(rng: np.random.Generator, n: int, dim: int, centres: int) -> np.ndarray:
    centroids = _unit(rng, centres, dim)
    points = centroids[rng.integers(0, centres, n)] + 0.35 * _unit(rng, n, dim)
    return points / np.linalg.norm(points, axis=1, keepdims=True)


@pytest.mark.skipif(not HAS_HNSWLIB, reason="hnswlib not installed")
def test_hnsw_recall_at_10_on_clustered_data():
    from indexing.hnsw_index import HnswIndex

    rng = np.random.default_rng(9)
    vectors = _clustered(rng, 5000, 64, 50)
    queries = _clustered(rng, 100, 64, 50)
    exact, approx = ExactIndex(), HnswIndex()
    exact.add(np.arange(5000), vectors)
    approx.add(np.arange(5000), vectors)
    hits = sum(
        len(set(e.ids.tolist()) & set(a.ids.tolist()))
        for e, a in zip(exact.search(queries, 10), approx.search(queries, 10), strict=True)
    )
    assert hits / (10 * len(queries)) >= 0.97
