"""Both real embedders load offline and put related texts next to each other."""

import numpy as np
import pytest

from indexing.embedders import (
    SENTENCE_TRANSFORMERS,
    USE_MULTILINGUAL,
    Embedder,
    get_embedder,
)

pytestmark = pytest.mark.slow

MULTILINGUAL_CANDIDATES = [
    "afgedankte werkkledij",
    "vêtements de travail usagés",
    "oude laptops",
    "wooden pallets",
    "voedseloverschotten van een bakkerij",
]


@pytest.fixture(scope="module")
def use() -> Embedder:
    return get_embedder(USE_MULTILINGUAL)


@pytest.fixture(scope="module")
def minilm() -> Embedder:
    return get_embedder(SENTENCE_TRANSFORMERS)


def _nearest(embedder: Embedder, query: str, candidates: list[str]) -> str:
    vectors = embedder.encode([query, *candidates])
    return candidates[int(np.argmax(vectors[1:] @ vectors[0]))]


@pytest.mark.parametrize("name", ["use", "minilm"])
def test_output_is_float32_unit_rows_and_empty_input_gives_zero_rows(request, name):
    embedder = request.getfixturevalue(name)
    vectors = embedder.encode(["gebruikte paletten", "used pallets", "palettes usagées"])
    assert isinstance(embedder, Embedder)
    assert vectors.dtype == np.float32 and vectors.shape == (3, embedder.dim)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    empty = embedder.encode([])
    assert empty.shape == (0, embedder.dim) and empty.dtype == np.float32


def test_embedders_are_loaded_once_per_process(use, minilm):
    assert get_embedder(USE_MULTILINGUAL) is use
    assert get_embedder(SENTENCE_TRANSFORMERS, "") is minilm
    assert use.name.startswith("use-multilingual-v3") and use.dim == 512
    assert minilm.name == "st:all-MiniLM-L6-v2" and minilm.dim == 384


def test_use_default_ignores_quantities(use):
    vectors = use.encode(["Oud ijzer: 1,5 ton per jaar", "Oud ijzer: 20 ton per jaar"])
    assert float(vectors[0] @ vectors[1]) > 0.999


def test_unknown_embedder_name_is_refused():
    with pytest.raises(ValueError, match="use-multilingual"):
        get_embedder("word2vec")


def test_batch_size_does_not_change_the_vectors(minilm):
    texts = ["oude laptops", "used laptops", "afgedankte werkkledij", "houten paletten"]
    np.testing.assert_allclose(
        minilm.encode(texts, batch_size=1), minilm.encode(texts, batch_size=64), atol=1e-5
    )


WORKWEAR = {"afgedankte werkkledij", "vêtements de travail usagés"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("afgedankte werkkledij", WORKWEAR),
        ("used workwear", WORKWEAR),
        ("ordinateurs portables usagés", {"oude laptops"}),
        ("houten paletten", {"wooden pallets"}),
        ("surplus de pain d'une boulangerie", {"voedseloverschotten van een bakkerij"}),
    ],
)
def test_use_puts_translations_nearest_across_languages(use, query, expected):
    candidates = [text for text in MULTILINGUAL_CANDIDATES if text != query]
    assert _nearest(use, query, candidates) in expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("used workwear", "second-hand work clothes"),
        ("old laptops", "refurbished notebook computers"),
        ("broken wooden pallets", "pallet repair"),
    ],
)
def test_minilm_finds_english_paraphrases(minilm, query, expected):
    candidates = [
        "second-hand work clothes",
        "refurbished notebook computers",
        "pallet repair",
        "surplus bread from a bakery",
    ]
    assert _nearest(minilm, query, candidates) == expected
