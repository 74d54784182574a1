"""Ranking metrics follow the judges' definitions."""

import importlib.util
import math
import random
from pathlib import Path

import pytest

from indexing.metrics import evaluate, mrr, ndcg_at_k, precision_at_1, recall_at_k

SCORER = Path(__file__).resolve().parents[2] / "shared" / "eval" / "score.py"


def test_perfect_ranking_has_ndcg_one_and_full_recall():
    grades = {"a": 3, "b": 1, "c": 2}
    assert ndcg_at_k(["a", "c", "b"], grades) == pytest.approx(1.0)
    assert recall_at_k(["a", "c", "b"], grades) == 1.0
    assert mrr(["a"], grades) == 1.0 and precision_at_1(["a"], grades) == 1.0


def test_ndcg_uses_exponential_gain_and_log_discount():
    grades = {"a": 3, "b": 1}
    expected = (1 / math.log2(2) + 7 / math.log2(3)) / (7 / math.log2(2) + 1 / math.log2(3))
    assert ndcg_at_k(["b", "a"], grades) == pytest.approx(expected)


def test_only_grade_two_and_up_counts_for_recall_mrr_and_p1():
    grades = {"a": 1, "b": 2}
    assert recall_at_k(["a"], grades) == 0.0
    assert mrr(["x", "a", "b"], grades) == pytest.approx(1 / 3)
    assert precision_at_1(["a", "b"], grades) == 0.0


def test_duplicates_keep_their_first_position():
    grades = {"b": 2}
    assert mrr(["a", "a", "b"], grades) == pytest.approx(1 / 2)


def test_queries_without_relevant_items_are_left_out_of_the_mean():
    qrels = {"s1": {"a": 1}, "s2": {"b": 3}}
    means = evaluate({"s1": ["a"], "s2": ["x", "b"]}, qrels)
    assert means["recall"] == 1.0 and means["mrr"] == 0.5
    assert ndcg_at_k([], {"a": 0}) is None and recall_at_k([], {"a": 1}) is None


@pytest.mark.skipif(not SCORER.is_file(), reason="../shared/eval/score.py not available")
def test_evaluate_agrees_with_the_judges_scorer_on_random_runs():
    spec = importlib.util.spec_from_file_location("judges_score", SCORER)
    judges = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(judges)
    rng = random.Random(3)
    items = [f"c{i}" for i in range(30)]
    qrels = {f"s{q}": {c: rng.randint(0, 3) for c in rng.sample(items, 6)} for q in range(25)}
    run = {q: rng.sample(items, 15) for q in list(qrels)[:-2]}
    ours, theirs = evaluate(run, qrels), judges.score(qrels, run)
    for name in ("ndcg", "recall", "mrr", "p1"):
        assert ours[name] == pytest.approx(theirs[name])
