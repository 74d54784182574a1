"""Scorers: feature matrix -> scores, always as a sum of named contributions.

`DefaultScorer` is a hand-set linear model (weights below, tuned on the dev
set with benchmarks/eval_engine.py); `LearnedScorer` fits the same linear
form on facilitators' graded decisions, so its score splits into the same
named parts and the explanation stays the score itself. `choose_scorer`
keeps the learned one only when it beats the default on held-out streams.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from indexing.metrics import ndcg_at_k
from matchmaker.engine.features import FEATURES
from matchmaker.errors import FieldError, ValidationError

# Hard mismatches (wrong material, wrong service, far outside the radius,
# missing certificate) cost a lot but stay finite: "right partner, 20 km too
# far" must remain visible below the good matches, above the unrelated ones.
DEFAULT_WEIGHTS: dict[str, float] = {
    "semantic": 1.0,
    "lexical": 0.8,
    "material": 1.0,
    "material_mismatch": -0.8,
    "ewc": 0.2,
    "service": 1.0,
    "service_mismatch": -0.6,
    "within_radius": 0.3,
    "beyond_radius": -0.5,
    "capacity_short": -0.4,
    "certification_missing": -0.5,
    "social_impact": 0.1,
    "availability_conflict": -0.3,
}


def contributions_of(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """(n, F) contributions; their row sums (plus any intercept) are the scores."""
    return values * weights[None, :]


@dataclass
class DefaultScorer:
    """The transparent linear scorer; `weights` maps feature name -> weight."""

    weights: dict[str, float] | None = None
    version: str = "default-1"

    def weight_vector(self) -> np.ndarray:
        weights = {**DEFAULT_WEIGHTS, **(self.weights or {})}
        return np.array([weights[name] for name in FEATURES], dtype=np.float64)

    @property
    def intercept(self) -> float:
        return 0.0

    def contributions(self, values: np.ndarray) -> np.ndarray:
        return contributions_of(values, self.weight_vector())

    def score(self, values: np.ndarray) -> np.ndarray:
        return self.contributions(values).sum(axis=1)


class LearnedScorer:
    """Ridge regression of grades on the features (scikit-learn contract).

    `fit(X, y)` returns self; learned state ends in `_`. The model is linear
    so contributions are coef_ * x, exactly like the default scorer.
    """

    version = "learned-ridge-1"

    def __init__(self, alpha: float = 1.0) -> None:
        self.alpha = alpha

    def get_params(self, deep: bool = True) -> dict:
        return {"alpha": self.alpha}

    def set_params(self, **params) -> LearnedScorer:
        for name, value in params.items():
            setattr(self, name, value)
        return self

    def fit(self, X: np.ndarray, y: Sequence[float]) -> LearnedScorer:
        from sklearn.linear_model import Ridge

        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != len(FEATURES) or len(X) != len(y):
            raise ValidationError([FieldError("X", f"expected (n, {len(FEATURES)}) features "
                                                   f"and n grades, got {X.shape} and {y.shape}")])
        model = Ridge(alpha=self.alpha).fit(X, y)
        self.coef_ = model.coef_.astype(np.float64)
        self.intercept_ = float(model.intercept_)
        self.n_samples_ = len(y)
        return self

    @property
    def intercept(self) -> float:
        return self.intercept_

    def contributions(self, values: np.ndarray) -> np.ndarray:
        return contributions_of(values, self.coef_)

    def score(self, values: np.ndarray) -> np.ndarray:
        return self.contributions(values).sum(axis=1) + self.intercept_

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.score(np.asarray(X, dtype=np.float64))

    def to_bytes(self) -> bytes:
        """JSON with the version and the feature names, for storing in the database."""
        return json.dumps({
            "version": self.version, "features": list(FEATURES), "alpha": self.alpha,
            "coef": self.coef_.tolist(), "intercept": self.intercept_,
            "n_samples": self.n_samples_,
        }).encode("utf-8")

    @classmethod
    def from_bytes(cls, raw: bytes) -> LearnedScorer:
        state = json.loads(raw.decode("utf-8"))
        if state.get("version") != cls.version or state.get("features") != list(FEATURES):
            raise ValidationError([FieldError(
                "scorer", f"stored scorer {state.get('version')!r} does not fit this engine")])
        scorer = cls(alpha=state["alpha"])
        scorer.coef_ = np.array(state["coef"], dtype=np.float64)
        scorer.intercept_ = float(state["intercept"])
        scorer.n_samples_ = int(state["n_samples"])
        return scorer


@dataclass
class LabelledPairs:
    """Judged pairs: features, grade (0-3) and the stream each pair belongs to."""

    X: np.ndarray
    y: np.ndarray
    groups: np.ndarray

    def subset(self, mask: np.ndarray) -> LabelledPairs:
        return LabelledPairs(self.X[mask], self.y[mask], self.groups[mask])


# A match's furthest status -> training grade (the judgments' 0-3 scale):
# agreed work is a grade-3 match, an accepted one at least "can do the work".
STATUS_GRADES: dict[str, int] = {
    "completed": 3, "agreed": 3, "introduced": 2, "accepted": 2,
}
# Why a facilitator rejected -> grade: a near miss (right material and
# service, one shortfall) or the right material for another service is
# "related work" (1); a declining party says nothing against the match.
REJECTION_GRADES: dict[str, int] = {
    "wrong_material": 0, "wrong_service": 1, "too_far": 1, "not_enough_capacity": 1,
    "certification_missing": 1, "party_declined": 2, "other": 0,
}


def decision_grade(status: str, reason_code: str | None = None) -> int | None:
    """Training grade of a reviewed match; None when it teaches nothing
    (still proposed, withdrawn, or rejected as a duplicate)."""
    if status == "rejected":
        return REJECTION_GRADES.get(reason_code or "other")
    return STATUS_GRADES.get(status)


def split_by_stream(pairs: LabelledPairs, heldout_share: float = 0.3,
                    seed: int = 0) -> tuple[LabelledPairs, LabelledPairs]:
    """Train / held-out split that never puts one stream on both sides."""
    streams = np.unique(pairs.groups)
    rng = np.random.default_rng(seed)
    heldout = rng.choice(streams, size=max(1, round(len(streams) * heldout_share)), replace=False)
    mask = np.isin(pairs.groups, heldout)
    return pairs.subset(~mask), pairs.subset(mask)


def mean_ndcg(scorer, pairs: LabelledPairs, k: int = 10) -> float:
    """Mean nDCG@k over the streams of `pairs`, ranking each stream's pairs by score."""
    scores = scorer.score(pairs.X)
    values = []
    for stream in np.unique(pairs.groups):
        rows = np.flatnonzero(pairs.groups == stream)
        ranked = rows[np.lexsort((rows, -scores[rows]))].tolist()
        value = ndcg_at_k(ranked, {int(r): int(pairs.y[r]) for r in rows}, k)
        if value is not None:
            values.append(value)
    return float(np.mean(values)) if values else 0.0


def choose_scorer(default: DefaultScorer, learned: LearnedScorer | None,
                  heldout: LabelledPairs, min_gain: float = 0.01) -> tuple[object, dict]:
    """The learned scorer if it beats the default by `min_gain` nDCG@10 on held-out streams.

    Returns (scorer, report); the report is meant to be recorded with the choice.
    """
    report = {
        "default_version": default.version,
        "default_ndcg10": mean_ndcg(default, heldout),
        "heldout_streams": int(len(np.unique(heldout.groups))),
        "heldout_pairs": int(len(heldout.y)),
    }
    if learned is None or not hasattr(learned, "coef_"):
        return default, {**report, "chosen": default.version, "reason": "no trained scorer"}
    report["learned_version"] = learned.version
    report["learned_ndcg10"] = mean_ndcg(learned, heldout)
    if report["learned_ndcg10"] >= report["default_ndcg10"] + min_gain:
        return learned, {**report, "chosen": learned.version, "reason": "beats the default"}
    return default, {**report, "chosen": default.version,
                     "reason": f"does not beat the default by {min_gain}"}
