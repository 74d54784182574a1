"""Regression guard: the engine keeps its quality on the dev set (skipped when
../shared/eval/dev is not next to the repository)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexing.embedders import get_embedder
from indexing.metrics import evaluate
from matchmaker.engine.documents import enrich
from matchmaker.engine.loader import docs_from_exchange
from matchmaker.engine.ranker import Ranker

pytestmark = pytest.mark.slow

DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev"


@pytest.fixture(scope="module")
def dev_run() -> tuple[dict, dict, dict]:
    if not (DEV / "data.json").is_file() or not (DEV / "qrels.json").is_file():
        pytest.skip(f"dev set not found at {DEV}")
    data = json.loads((DEV / "data.json").read_text(encoding="utf-8"))
    qrels = json.loads((DEV / "qrels.json").read_text(encoding="utf-8"))
    streams, capacities = docs_from_exchange(data)
    streams = [enrich(s) for s in streams]
    ranker = Ranker.build(streams, [enrich(c) for c in capacities],
                          embedder=get_embedder("use-multilingual"))
    run = {s.id: [x.target_id for x in ranker.suggest_for_stream(s)]
           for s in streams if s.id in qrels}
    languages = {s.id: s.language for s in streams if s.id in qrels}
    return run, qrels, languages


def test_dev_ndcg_and_recall_reach_the_targets(dev_run):
    run, qrels, _ = dev_run
    metrics = evaluate(run, qrels)
    assert metrics["ndcg"] >= 0.85
    assert metrics["recall"] >= 0.90


def test_no_language_falls_below_the_floor(dev_run):
    run, qrels, languages = dev_run
    assert None not in languages.values()  # detected when the stream gives none
    for language in set(languages.values()):
        subset = {s: g for s, g in qrels.items() if languages[s] == language}
        assert evaluate(run, subset)["ndcg"] >= 0.80, language
