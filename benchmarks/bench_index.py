"""Vector index speed: ExactIndex vs bare numpy, and HNSW recall/latency, on clustered data.

    python benchmarks/bench_index.py --n 100000
    python benchmarks/bench_index.py --n 10000 100000 1000000 --queries 200

Vectors are a 512-d gaussian mixture around a few hundred centroids,
normalised, which is closer to sentence embeddings than uniform noise (and
harder for HNSW). Queries are fresh draws from the same mixture. The last
line printed is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_embed import hub_texts  # noqa: E402

from indexing.lexical import LexicalIndex  # noqa: E402
from indexing.vector_index import ExactIndex  # noqa: E402


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def clustered(rng: np.random.Generator, n: int, centroids: np.ndarray, spread: float) -> np.ndarray:
    """n unit vectors around randomly chosen centroids, built in chunks to bound memory."""
    out = np.empty((n, centroids.shape[1]), dtype=np.float32)
    for start in range(0, n, 50_000):
        stop = min(start + 50_000, n)
        chunk = rng.standard_normal((stop - start, centroids.shape[1]), dtype=np.float32)
        chunk *= spread / np.sqrt(centroids.shape[1])
        chunk += centroids[rng.integers(0, len(centroids), stop - start)]
        chunk /= np.linalg.norm(chunk, axis=1, keepdims=True)
        out[start:stop] = chunk
    return out


def bare_top_k(matrix: np.ndarray, q: np.ndarray, k: int) -> np.ndarray:
    scores = matrix @ q
    best = np.argpartition(scores, -k)[-k:]
    return best[np.argsort(-scores[best])]


def percentiles_ms(samples: list[float]) -> tuple[float, float]:
    arr = np.array(samples) * 1000
    return float(np.percentile(arr, 50)), float(np.percentile(arr, 99))


def bench_exact(vectors: np.ndarray, queries: np.ndarray, k: int, hub_share: float) -> dict:
    before = rss_mb()
    start = time.perf_counter()
    index = ExactIndex()
    index.add(np.arange(len(vectors)), vectors)
    build_s = time.perf_counter() - start
    mem_mb = rss_mb() - before
    matrix = index.vectors
    ours, bare = [], []
    for i, q in enumerate(queries):
        # alternate who goes first so cache warmth favours neither
        order = (0, 1) if i % 2 else (1, 0)
        for who in order:
            t = time.perf_counter()
            if who == 0:
                index.search(q, k)
                ours.append(time.perf_counter() - t)
            else:
                bare_top_k(matrix, q, k)
                bare.append(time.perf_counter() - t)
    hub = np.random.default_rng(1).random(len(index)) < hub_share
    masked = []
    for q in queries:
        t = time.perf_counter()
        index.search(q, k, allowed=hub)
        masked.append(time.perf_counter() - t)
    truth = [set(r.ids.tolist()) for r in index.search(queries, k)]
    ours_p50, ours_p99 = percentiles_ms(ours)
    bare_p50, bare_p99 = percentiles_ms(bare)
    masked_p50, _ = percentiles_ms(masked)
    return {
        "build_s": build_s,
        "bytes_per_vector": mem_mb * 2**20 / len(vectors),
        "p50_ms": ours_p50,
        "p99_ms": ours_p99,
        "bare_p50_ms": bare_p50,
        "bare_p99_ms": bare_p99,
        "speed_ratio_vs_bare": bare_p50 / ours_p50,
        "masked_p50_ms": masked_p50,
        "hub_share": hub_share,
        "_truth": truth,
    }


def bench_hnsw(vectors: np.ndarray, queries: np.ndarray, k: int, truth: list[set],
               efs: list[int], ef_construction: int, m: int) -> dict:
    from indexing.hnsw_index import HnswIndex

    before = rss_mb()
    start = time.perf_counter()
    index = HnswIndex(max_elements=len(vectors), m=m, ef_construction=ef_construction)
    index.add(np.arange(len(vectors)), vectors)
    build_s = time.perf_counter() - start
    mem_mb = rss_mb() - before
    runs = {}
    for ef in efs:
        index.ef_search = ef
        lat, hits = [], 0
        for q, expected in zip(queries, truth, strict=True):
            t = time.perf_counter()
            result = index.search(q, k)
            lat.append(time.perf_counter() - t)
            hits += len(expected & set(result.ids.tolist()))
        p50, p99 = percentiles_ms(lat)
        runs[str(ef)] = {"p50_ms": p50, "p99_ms": p99, "recall_at_10": hits / (k * len(queries))}
    return {"build_s": build_s, "bytes_per_vector": mem_mb * 2**20 / len(vectors),
            "m": m, "ef_construction": ef_construction, "by_ef": runs}


def bench_lexical(n_texts: int, n_queries: int, k: int) -> dict:
    """Full fit of the character n-gram index, query latency, and the first query after
    one edit (taken incrementally: the edited rows and the rows sharing their n-grams)."""
    texts, queries = hub_texts(n_texts, seed=2), hub_texts(n_queries, seed=3)
    index = LexicalIndex()
    start = time.perf_counter()
    index.fit(range(n_texts), texts)
    refit_s = time.perf_counter() - start
    lat, after_edit = [], []
    for i, q in enumerate(queries):
        t = time.perf_counter()
        index.search(q, k)
        lat.append(time.perf_counter() - t)
        index.add([n_texts + i], [q])
        t = time.perf_counter()
        index.search(q, k)
        after_edit.append(time.perf_counter() - t)
    p50, p99 = percentiles_ms(lat)
    edit_p50, edit_p99 = percentiles_ms(after_edit)
    return {"texts": n_texts, "refit_s": refit_s, "p50_ms": p50, "p99_ms": p99,
            "after_one_edit_p50_ms": edit_p50, "after_one_edit_p99_ms": edit_p99}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[100_000])
    parser.add_argument("--dim", type=int, default=512)
    parser.add_argument("--centroids", type=int, default=300)
    parser.add_argument("--spread", type=float, default=1.0,
                        help="noise norm relative to the unit centroid")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--hub-share", type=float, default=1 / 12)
    parser.add_argument("--ef", type=int, nargs="+", default=[32, 64, 128, 256])
    parser.add_argument("--ef-construction", type=int, default=200)
    parser.add_argument("--m", type=int, default=16)
    parser.add_argument("--no-hnsw", action="store_true")
    parser.add_argument("--lexical-texts", type=int, default=10_000,
                        help="texts for the lexical refit figure (0 = skip)")
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    centroids = clustered(rng, args.centroids, np.zeros((1, args.dim), np.float32), 1.0)
    summary = {"dim": args.dim, "centroids": args.centroids, "spread": args.spread,
               "queries": args.queries, "k": args.k, "sizes": {}}
    for n in args.n:
        vectors = clustered(rng, n, centroids, args.spread)
        queries = clustered(rng, args.queries, centroids, args.spread)
        exact = bench_exact(vectors, queries, args.k, args.hub_share)
        truth = exact.pop("_truth")
        print(f"n={n:,} dim={args.dim}")
        print(f"  exact  build {exact['build_s']:.2f}s  {exact['bytes_per_vector']:.0f} B/vector  "
              f"top-{args.k} p50 {exact['p50_ms']:.2f} ms p99 {exact['p99_ms']:.2f} ms")
        print(f"  bare   numpy p50 {exact['bare_p50_ms']:.2f} ms p99 {exact['bare_p99_ms']:.2f} ms"
              f"  (bare/ours speed ratio {exact['speed_ratio_vs_bare']:.2f})")
        print(f"  exact  with a {args.hub_share:.0%} row mask p50 {exact['masked_p50_ms']:.2f} ms")
        result = {"exact": exact}
        if not args.no_hnsw:
            hnsw = bench_hnsw(vectors, queries, args.k, truth, args.ef,
                              args.ef_construction, args.m)
            print(f"  hnsw   build {hnsw['build_s']:.1f}s  {hnsw['bytes_per_vector']:.0f} B/vector"
                  f"  (M={args.m}, ef_construction={args.ef_construction})")
            for ef, run in hnsw["by_ef"].items():
                print(f"  hnsw   ef={ef:>4}  p50 {run['p50_ms']:.2f} ms  p99 {run['p99_ms']:.2f} ms"
                      f"  recall@{args.k} {run['recall_at_10']:.3f}")
            result["hnsw"] = hnsw
        summary["sizes"][str(n)] = result
        del vectors
    if args.lexical_texts:
        lexical = bench_lexical(args.lexical_texts, args.queries, args.k)
        print(f"lexical: refit {lexical['texts']:,} texts {lexical['refit_s']:.2f}s, "
              f"top-{args.k} p50 {lexical['p50_ms']:.2f} ms p99 {lexical['p99_ms']:.2f} ms; "
              f"first query after one edit p50 {lexical['after_one_edit_p50_ms']:.2f} ms "
              f"p99 {lexical['after_one_edit_p99_ms']:.2f} ms")
        summary["lexical"] = lexical
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
