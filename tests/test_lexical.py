"""LexicalIndex: compounds, typos, accents, updates and masks."""

import numpy as np
import pytest

from indexing.lexical import LexicalIndex, normalise_text

TEXTS = {
    1: "Inzameling van textiel en kledij",
    2: "Inzameling van papier en karton",
    3: "Herstel van gebroken paletten",
    4: "Vêtements de travail usagés",
    5: "Refurbishment van oude laptops",
    6: "Sortering van metalen en schroot",
}


@pytest.fixture
def index() -> LexicalIndex:
    return LexicalIndex().fit(list(TEXTS), list(TEXTS.values()))


def test_normalise_text_lowercases_strips_accents_and_collapses_spaces():
    assert normalise_text("  Vêtements   de\tTRAVAIL\n usagés ") == "vetements de travail usages"


def test_dutch_compound_finds_its_split_form(index):
    assert index.search("textielinzameling", 1).ids.tolist() == [1]


def test_typo_still_finds_the_right_text(index):
    assert index.search("gebrkoen paletten", 1).ids.tolist() == [3]
    assert index.search("oude laptpos", 1).ids.tolist() == [5]


def test_missing_accents_match_accented_text(index):
    result = index.search("vetements de travail usages", 2)
    assert result.ids[0] == 4
    assert result.scores[0] == pytest.approx(1.0, abs=1e-5)


def test_unrelated_query_returns_nothing(index):
    assert len(index.search("xyzzy qqq", 5).ids) == 0


def test_similarity_scores_given_candidates_in_order(index):
    scores = index.similarity("textielinzameling", [2, 1, 6])
    assert scores.dtype == np.float32 and scores.shape == (3,)
    assert scores[1] > scores[0] > scores[2]
    assert scores[1] == pytest.approx(index.search("textielinzameling", 1).scores[0])


def test_similarity_of_unknown_id_raises_key_error(index):
    with pytest.raises(KeyError, match="77"):
        index.similarity("paletten", [77])


def test_add_and_remove_take_effect_on_next_query(index):
    index.add([7], ["Demontage van fietsen"])
    assert index.search("fietsdemontage", 1).ids.tolist() == [7]
    index.add([7], ["Inzameling van frituurolie"])
    assert index.search("frituurolie", 1).ids.tolist() == [7]
    assert index.remove([3, 999]) == 1
    assert 3 not in index
    assert 3 not in index.search("gebroken paletten", 10).ids.tolist()


def test_mask_restricts_rows(index):
    mask = np.isin(index.ids, [2, 6])
    result = index.search("inzameling van textiel", 5, allowed=mask)
    assert result.ids[0] == 2 and set(result.ids.tolist()) <= {2, 6}
    result = index.search("inzameling", 5, allowed=lambda ids: ids != 1)
    assert 1 not in result.ids.tolist() and 2 in result.ids.tolist()


def test_empty_and_degenerate_collections_answer_empty():
    assert len(LexicalIndex().search("paletten", 3).ids) == 0
    assert len(LexicalIndex().fit([1], [""]).search("paletten", 3).ids) == 0
    assert LexicalIndex().fit([1], [""]).similarity("paletten", [1]).tolist() == [0.0]


def test_ties_are_broken_by_ascending_id():
    index = LexicalIndex().fit([9, 4, 6], ["houten paletten"] * 3)
    assert index.search("paletten", 3).ids.tolist() == [4, 6, 9]


def _large_index(n: int = 400) -> LexicalIndex:
    materials = ["textiel", "paletten", "laptops", "matrassen", "fietsen", "glas", "karton"]
    services = ["inzameling", "herstel", "sortering", "demontage", "verkoop"]
    texts = [f"{services[i % 5]} van {materials[i % 7]} in regio {i}" for i in range(n)]
    return LexicalIndex().fit(list(range(n)), texts)


def test_an_edit_in_a_large_collection_is_searchable_without_refitting():
    index = _large_index()
    vectorizer = index._vectorizer
    index.add([1000], ["herstel van fietsen en paletten"])
    index.add([3], ["inzameling van glas"])            # replaces "demontage van glas"
    index.remove([4])
    hits = index.search("herstel fietsen paletten", 3).ids.tolist()
    assert index._vectorizer is vectorizer                  # appended, not refitted
    assert hits[0] == 1000
    assert 4 not in index.search("verkoop van matrassen regio 4", 50).ids.tolist()
    assert index.similarity("inzameling van glas", [3])[0] > index.similarity(
        "demontage van glas", [3])[0]
    assert 1000 in index and 4 not in index and len(index) == 400


def test_many_edits_trigger_a_refit_that_learns_new_ngrams():
    index = _large_index()
    vectorizer = index._vectorizer
    index.add(list(range(2000, 2030)), ["frituurolie inzamelen"] * 30)   # > 5% of 400
    assert index.search("frituurolie", 1).ids.tolist() == [2000]
    assert index._vectorizer is not vectorizer


def test_removed_then_added_again_counts_once():
    index = _large_index()
    index.remove([7])
    index.search("paletten", 1)
    index.add([7], ["herstel van paletten"])
    hits = index.search("herstel van paletten", 400).ids.tolist()
    assert hits.count(7) == 1


def test_query_vector_equals_what_the_fitted_vectorizer_computes(index):
    text = "Gebruikte werkkledij en textielinzameling (Gent)"
    columns, weights = index._query(text)
    reference = index._vectorizer.transform([normalise_text(text)]).toarray()[0]
    ours = np.zeros_like(reference)
    ours[columns] = weights
    np.testing.assert_allclose(ours, reference, rtol=1e-5, atol=1e-6)
    full = index._matrix @ reference
    np.testing.assert_allclose(index.similarity(text, index.ids), full, rtol=1e-5, atol=1e-6)
