"""Ranking metrics on plain ids with graded judgments (the dev set's definitions).

``grades`` maps an id to its grade (unlisted = 0). Per query:
nDCG@k uses gains 2^grade - 1 and a log2 discount against the ideal ordering
of the judgments; Recall@k, MRR and P@1 count ids with grade >= ``min_grade``.
Each returns None when the query has nothing to find, and ``evaluate``
averages over the queries where a metric is defined, like the judges' scorer.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence

Grades = Mapping[Hashable, int]


def _dedupe(ranked: Iterable[Hashable]) -> list[Hashable]:
    return list(dict.fromkeys(ranked))


def _dcg(gains: Iterable[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at_k(ranked: Sequence[Hashable], grades: Grades, k: int = 10) -> float | None:
    ideal = sorted((g for g in grades.values() if g > 0), reverse=True)
    if not ideal:
        return None
    gains = [grades.get(i, 0) for i in _dedupe(ranked)[:k]]
    return _dcg(gains) / _dcg(ideal[:k])


def recall_at_k(
    ranked: Sequence[Hashable], grades: Grades, k: int = 10, min_grade: int = 2
) -> float | None:
    relevant = {i for i, g in grades.items() if g >= min_grade}
    if not relevant:
        return None
    return len(relevant & set(_dedupe(ranked)[:k])) / len(relevant)


def mrr(ranked: Sequence[Hashable], grades: Grades, min_grade: int = 2) -> float | None:
    if not any(g >= min_grade for g in grades.values()):
        return None
    for position, ident in enumerate(_dedupe(ranked), start=1):
        if grades.get(ident, 0) >= min_grade:
            return 1.0 / position
    return 0.0


def precision_at_1(ranked: Sequence[Hashable], grades: Grades, min_grade: int = 2) -> float | None:
    if not any(g >= min_grade for g in grades.values()):
        return None
    return 1.0 if ranked and grades.get(ranked[0], 0) >= min_grade else 0.0


def evaluate(
    run: Mapping[Hashable, Sequence[Hashable]], qrels: Mapping[Hashable, Grades], k: int = 10
) -> dict[str, float]:
    """Mean nDCG@k, Recall@k, MRR and P@1 over the judged queries (missing run = empty)."""
    per_metric: dict[str, list[float]] = {"ndcg": [], "recall": [], "mrr": [], "p1": []}
    for query, grades in qrels.items():
        ranked = run.get(query, [])
        for name, value in (
            ("ndcg", ndcg_at_k(ranked, grades, k)),
            ("recall", recall_at_k(ranked, grades, k)),
            ("mrr", mrr(ranked, grades)),
            ("p1", precision_at_1(ranked, grades)),
        ):
            if value is not None:
                per_metric[name].append(value)
    means = {name: sum(v) / len(v) if v else 0.0 for name, v in per_metric.items()}
    means["n"] = float(len(qrels))
    return means
