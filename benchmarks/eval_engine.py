"""Ranking quality of the engine on a judged set (the dev set by default).

    python benchmarks/eval_engine.py [--data DIR] [--ablate] [--learned] [--worst N]
                                     [--max-per-organisation N] [--no-enrich]
                                     [--free-text streams|both]

Loads data.json + qrels.json from DIR (default: ../shared/eval/dev next to the
repository), enriches every stream and capacity from its text, embeds with
USE multilingual and ranks every judged stream against all capacities.
Prints nDCG@10, Recall@10, MRR and P@1 overall and per stream language (a
stream without a language gets the detected one), the candidate recall of
grade >= 2 capacities, and with --ablate the same metrics with each channel
and each feature removed in turn. --learned adds the learned scorer, trained
and scored by leave-group-out folds over streams. The last line printed is
one JSON object.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from indexing.embedders import get_embedder  # noqa: E402
from indexing.metrics import evaluate  # noqa: E402
from matchmaker.engine.ablation import ablate, configured  # noqa: E402
from matchmaker.engine.documents import enrich  # noqa: E402
from matchmaker.engine.features import FEATURES  # noqa: E402
from matchmaker.engine.loader import docs_from_exchange  # noqa: E402
from matchmaker.engine.ranker import Ranker  # noqa: E402
from matchmaker.engine.scorer import (  # noqa: E402
    DefaultScorer,
    LabelledPairs,
    LearnedScorer,
    mean_ndcg,
)

DEFAULT_DATA = REPO.parent / "shared" / "eval" / "dev"


def load(path: Path):
    data_file, qrels_file = path / "data.json", path / "qrels.json"
    if not data_file.is_file() or not qrels_file.is_file():
        sys.exit(f"judged set not found: expected data.json and qrels.json in {path}")
    data = json.loads(data_file.read_text(encoding="utf-8"))
    qrels = json.loads(qrels_file.read_text(encoding="utf-8"))
    return data, qrels


def free_text_only(doc):
    return dataclasses.replace(doc, materials=(), services=(), ewc_codes=(), language=None)


def metrics(run: dict, qrels: dict, languages: dict[str, str]) -> dict:
    out = {"all": evaluate(run, qrels)}
    for language in sorted(set(languages.values())):
        subset = {s: g for s, g in qrels.items() if languages[s] == language}
        out[language] = evaluate(run, subset)
    return out


def rank_all(ranker: Ranker, streams, qrels, k: int = 10) -> dict[str, list[str]]:
    return {s.id: [x.target_id for x in ranker.suggest_for_stream(s, k=k)]
            for s in streams if s.id in qrels}


def candidate_recall(ranker: Ranker, streams, qrels) -> tuple[float, float]:
    """(share of grade>=2 capacities among the candidates, mean candidates per stream)."""
    found = total = size = 0
    for s in streams:
        if s.id not in qrels:
            continue
        ids = set(ranker.candidate_ids(s))
        relevant = {c for c, g in qrels[s.id].items() if g >= 2}
        found += len(relevant & ids)
        total += len(relevant)
        size += len(ids)
    return found / max(total, 1), size / max(len(qrels), 1)


def labelled_pairs(ranker: Ranker, streams, qrels) -> LabelledPairs:
    """Features of every (judged stream, capacity) pair, grade 0 when unjudged."""
    X, y, groups = [], [], []
    everything = len(ranker.capacities)
    for s in streams:
        if s.id not in qrels:
            continue
        for suggestion in ranker.suggest_for_stream(s, k=everything):
            X.append([suggestion.features[name] for name in FEATURES])
            y.append(qrels[s.id].get(suggestion.target_id, 0))
            groups.append(s.id)
    return LabelledPairs(np.array(X), np.array(y, dtype=float), np.array(groups))


def learned_by_folds(pairs: LabelledPairs, folds: int = 5) -> tuple[float, float]:
    """(learned, default) mean nDCG@10 over leave-streams-out folds."""
    streams = np.unique(pairs.groups)
    rng = np.random.default_rng(0)
    fold_of = dict(zip(streams, rng.permutation(len(streams)) % folds, strict=True))
    fold = np.array([fold_of[g] for g in pairs.groups])
    learned, default = [], []
    for f in range(folds):
        train, test = pairs.subset(fold != f), pairs.subset(fold == f)
        learned.append(mean_ndcg(LearnedScorer().fit(train.X, train.y), test))
        default.append(mean_ndcg(DefaultScorer(), test))
    return float(np.mean(learned)), float(np.mean(default))


def print_metrics(title: str, result: dict) -> None:
    parts = "  ".join(f"{lang} nDCG {m['ndcg']:.3f} R {m['recall']:.3f} (n={int(m['n'])})"
                      for lang, m in result.items() if lang != "all")
    m = result["all"]
    print(f"{title:<28} nDCG@10 {m['ndcg']:.3f}  Recall@10 {m['recall']:.3f}  "
          f"MRR {m['mrr']:.3f}  P@1 {m['p1']:.3f}  | {parts}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--ablate", action="store_true")
    parser.add_argument("--learned", action="store_true")
    parser.add_argument("--no-enrich", action="store_true")
    parser.add_argument("--free-text", choices=("streams", "both"),
                        help="drop materials, services, EWC codes and language first, "
                             "as if only the free text had been filled in")
    parser.add_argument("--worst", type=int, default=0, help="print the N worst streams")
    parser.add_argument("--max-per-organisation", type=int, default=None,
                        help="diversity cap (default: the ranker's; 0 = no cap)")
    args = parser.parse_args()

    data, qrels = load(args.data)
    streams, capacities = docs_from_exchange(data)
    if args.free_text:
        streams = [free_text_only(d) for d in streams]
        if args.free_text == "both":
            capacities = [free_text_only(d) for d in capacities]
    started = time.perf_counter()
    embedder = get_embedder("use-multilingual")
    if not args.no_enrich:
        streams = [enrich(d) for d in streams]
        capacities = [enrich(d) for d in capacities]
    ranker = Ranker.build(streams, capacities, embedder=embedder)
    if args.max_per_organisation is not None:
        ranker.max_per_organisation = args.max_per_organisation
    prep_s = time.perf_counter() - started
    languages = {s.id: s.language or "unknown" for s in streams if s.id in qrels}

    run = rank_all(ranker, streams, qrels)
    result = metrics(run, qrels, languages)
    print(f"{len(qrels)} judged streams, {len(capacities)} capacities; "
          f"enrich+embed {prep_s:.1f} s")
    print_metrics("engine (default scorer)", result)
    recall, size = candidate_recall(ranker, streams, qrels)
    print(f"candidate recall (grade>=2): {recall:.3f}, {size:.1f} candidates per stream")
    summary = {"ndcg10": result["all"]["ndcg"], "recall10": result["all"]["recall"],
               "mrr": result["all"]["mrr"], "p1": result["all"]["p1"],
               "per_language": {k: v["ndcg"] for k, v in result.items() if k != "all"},
               "candidate_recall": recall}

    if args.worst:
        from indexing.metrics import ndcg_at_k
        scored = sorted((ndcg_at_k(run[s], g) or 0.0, s) for s, g in qrels.items())
        by_id = {s.id: s for s in streams}
        for value, sid in scored[: args.worst]:
            s = by_id[sid]
            top = ", ".join(f"{c}:{qrels[sid].get(c, 0)}" for c in run[sid][:5])
            wanted = ", ".join(f"{c}:{g}" for c, g in sorted(qrels[sid].items(), key=lambda x: -x[1]))
            print(f"  {sid} nDCG {value:.2f} [{s.language}] {s.title or s.description[:60]!r} "
                  f"m={list(s.materials)} s={list(s.services)} inferred={sorted(s.inferred)}\n"
                  f"      top5 {top}\n      judged {wanted}")

    if args.ablate:
        ablation = ablate(ranker, lambda r: metrics(rank_all(r, streams, qrels), qrels, languages))
        for name, result in ablation.items():
            print_metrics(name, result)
        channel_recall = {}
        base = ranker.candidates
        # At 55 capacities the union holds almost everything, so each channel
        # alone with a small K shows what it contributes to recall.
        for name, settings in {
            "dense top-10 only": dataclasses.replace(base, lexical_k=0, max_blocked=0, dense_k=10),
            "lexical top-10 only": dataclasses.replace(base, dense_k=0, max_blocked=0, lexical_k=10),
            "blocking only": dataclasses.replace(base, dense_k=0, lexical_k=0),
            "union, K=10": dataclasses.replace(base, dense_k=10, lexical_k=10),
        }.items():
            with configured(ranker, settings, ranker.scorer):
                recall, size = candidate_recall(ranker, streams, qrels)
            channel_recall[name] = recall
            print(f"candidate recall, {name:<20} {recall:.3f} ({size:.1f} per stream)")
        summary["ablation"] = {k: v["all"]["ndcg"] for k, v in ablation.items()}
        summary["candidate_recall_by_channel"] = channel_recall

    if args.learned:
        pairs = labelled_pairs(ranker, streams, qrels)
        learned, default = learned_by_folds(pairs)
        print(f"5-fold by stream: learned nDCG@10 {learned:.3f}, default {default:.3f}")
        summary["learned_cv_ndcg10"], summary["default_cv_ndcg10"] = learned, default

    print(json.dumps(summary, sort_keys=True))


if __name__ == "__main__":
    main()
