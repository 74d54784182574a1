"""Teaching the ranker: facilitators' decisions, the parties' interest (and graded judgments)
-> a learned scorer.

A match stores the features it had when it was proposed; its outcome becomes a
grade on the same 0-3 scale as the judgments in the exchange format. The
learned scorer is trained on some streams and compared with the default on
the others; every training run is recorded as a versioned `ScorerModel`, and
only one that beat the default is made active.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Match, ScorerModel, utcnow

from .engine.features import FEATURES
from .engine.scorer import (
    DefaultScorer,
    LabelledPairs,
    LearnedScorer,
    choose_scorer,
    split_by_stream,
)

# A match that led to an agreement is what a grade 3 means; an accepted or
# introduced one could do the work; a rejection's reason says how far off it was.
STATUS_GRADES: dict[str, int] = {"completed": 3, "agreed": 3, "introduced": 2, "accepted": 2}
REJECTION_GRADES: dict[str, int | None] = {
    "wrong_material": 0, "wrong_service": 0, "other": 0,
    "too_far": 1, "not_enough_capacity": 1, "certification_missing": 1,
    "party_declined": 2,   # the pair was right; the party said no
    "duplicate": None,     # says nothing about the pair
}
MIN_STREAMS = 10


# Before the facilitator decides, the parties' voices teach: both interested is what an
# accepted match means, one side interested (the other silent) a little less; "not for
# us" grades like a rejection with the party's reason. The facilitator's decision wins.
MUTUAL_INTEREST_GRADE = 2
ONE_SIDE_INTEREST_GRADE = 1


def _interest_grade(match: Match) -> int | None:
    said = (match.stream_interest, match.capacity_interest)
    if False in said:
        declined = next((d for d in reversed(match.decisions) if d.to_status == "not_for_us"),
                        None)
        return REJECTION_GRADES.get(declined.reason_code if declined else "other", 0)
    if said == (True, True):
        return MUTUAL_INTEREST_GRADE
    return ONE_SIDE_INTEREST_GRADE if True in said else None


def grade_of(match: Match) -> int | None:
    """The grade a decided match teaches (or, undecided, its parties' voices), None when it
    teaches nothing."""
    if match.status in STATUS_GRADES:
        return STATUS_GRADES[match.status]
    if match.status == "rejected":
        rejection = next((d for d in reversed(match.decisions) if d.to_status == "rejected"), None)
        return REJECTION_GRADES.get(rejection.reason_code if rejection else "other", 0)
    return _interest_grade(match) if match.status == "proposed" else None


def _vector(features: Mapping[str, float] | None) -> np.ndarray | None:
    if not features or any(name not in features for name in FEATURES):
        return None   # proposed by an older engine with other features
    return np.array([float(features[name]) for name in FEATURES], dtype=np.float64)


def pairs_from_decisions(session: Session) -> LabelledPairs:
    rows, grades, groups = [], [], []
    for match in session.scalars(sa.select(Match).order_by(Match.id)):
        grade, vector = grade_of(match), _vector(match.features)
        if grade is not None and vector is not None:
            rows.append(vector)
            grades.append(grade)
            groups.append(f"match-stream-{match.stream_id}")
    return _pairs(rows, grades, groups)


def pairs_from_judgments(suggestions: Mapping[str, list[tuple[str, Mapping[str, float]]]],
                         qrels: Mapping[str, Mapping[str, int]]) -> LabelledPairs:
    """Pairs from graded judgments: each stream's suggested (capacity, features), unjudged = 0."""
    rows, grades, groups = [], [], []
    for stream_id, judged in qrels.items():
        for capacity_id, features in suggestions.get(stream_id, []):
            vector = _vector(features)
            if vector is not None:
                rows.append(vector)
                grades.append(int(judged.get(capacity_id, 0)))
                groups.append(f"judged-{stream_id}")
    return _pairs(rows, grades, groups)


def _pairs(rows: list, grades: list, groups: list) -> LabelledPairs:
    X = np.array(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))
    return LabelledPairs(X, np.array(grades, dtype=np.float64), np.array(groups, dtype=object))


def combine(*parts: LabelledPairs) -> LabelledPairs:
    return LabelledPairs(np.vstack([p.X for p in parts]), np.concatenate([p.y for p in parts]),
                         np.concatenate([p.groups for p in parts]))


@dataclass(frozen=True)
class TrainingResult:
    version: str
    active: bool
    report: dict


def train_scorer(session: Session, pairs: LabelledPairs, *, seed: int = 0) -> TrainingResult:
    """Fit, compare on held-out streams, record the run; activate it only when it wins."""
    n_streams = len(np.unique(pairs.groups))
    if n_streams < MIN_STREAMS:
        from .errors import FieldError, ValidationError

        raise ValidationError([FieldError("decisions", (
            f"{n_streams} streams with decided matches; at least {MIN_STREAMS} are needed "
            "to train and to hold some out"))])
    train, heldout = split_by_stream(pairs, seed=seed)
    learned = LearnedScorer().fit(train.X, train.y)
    chosen, report = choose_scorer(DefaultScorer(), learned, heldout)
    report = {**report, "train_pairs": int(len(train.y)), "seed": seed}
    version = f"{learned.version}-{utcnow():%Y%m%dT%H%M%S%f}"
    active = chosen is learned
    if active:
        session.execute(sa.update(ScorerModel).values(active=False))
    session.add(ScorerModel(version=version, kind="ridge", metrics=report,
                            blob=learned.to_bytes(), active=active))
    session.flush()
    return TrainingResult(version=version, active=active, report=report)


def active_scorer(session: Session) -> LearnedScorer | None:
    """The learned scorer in use, None when the default is (no run has beaten it)."""
    row = session.scalar(sa.select(ScorerModel).where(ScorerModel.active.is_(True))
                         .order_by(ScorerModel.created_at.desc()))
    return LearnedScorer.from_bytes(row.blob) if row is not None else None
