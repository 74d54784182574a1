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
