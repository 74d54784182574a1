"""Ablation: the engine with each channel or feature taken out in turn.

Shared by `benchmarks/eval_engine.py` and the ranking notebook, so the
figures in docs/quality.md and the notebook's chart come from one definition.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from matchmaker.engine.candidates import CandidateSettings
from matchmaker.engine.features import FEATURES
from matchmaker.engine.ranker import Ranker
from matchmaker.engine.scorer import DEFAULT_WEIGHTS, DefaultScorer

T = TypeVar("T")


def variants(base: CandidateSettings) -> dict[str, tuple[CandidateSettings, DefaultScorer]]:
    """name -> (candidate settings, scorer) for every channel and feature removed alone."""
    out = {
        "no dense channel": (dataclasses.replace(base, dense_k=0), DefaultScorer()),
        "no lexical channel": (dataclasses.replace(base, lexical_k=0), DefaultScorer()),
        "no blocking": (dataclasses.replace(base, max_blocked=0), DefaultScorer()),
    }
    for feature in FEATURES:
        out[f"without {feature}"] = (base, DefaultScorer({**DEFAULT_WEIGHTS, feature: 0.0}))
    return out


@contextmanager
def configured(ranker: Ranker, candidates: CandidateSettings,
               scorer: DefaultScorer) -> Iterator[Ranker]:
    """The ranker with other settings for the duration of a block, restored afterwards."""
    saved = ranker.candidates, ranker.scorer
    ranker.candidates, ranker.scorer = candidates, scorer
    try:
        yield ranker
    finally:
        ranker.candidates, ranker.scorer = saved


def ablate(ranker: Ranker, measure: Callable[[Ranker], T]) -> dict[str, T]:
    """`measure(ranker)` under every variant; the ranker is left as it was."""
    results = {}
    for name, (candidates, scorer) in variants(ranker.candidates).items():
        with configured(ranker, candidates, scorer):
            results[name] = measure(ranker)
    return results
