"""Storing and loading the ranker in memory (issue 17): build, save, load, and compare.

    python benchmarks/bench_snapshot.py [--streams 100000] [--capacities 10000]

Generates synthetic streams and capacities with clustered 512-d vectors as
benchmarks/bench_rank.py does, builds a `Ranker` as a worker does (HNSW from
DEFAULT_ANN_THRESHOLD items on), stores it with `Ranker.save` and loads it in a fresh
process (imports not counted; the files are in the page cache, as on a host where
`matchmaker index` just wrote them). Reports the size on disk, save and load times,
the load with plain pickle of the whole ranker for comparison, the loading process's
memory, and the top-10 agreement of the loaded ranker with the one that was saved
(both directions). The last line printed is one JSON object.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_rank import Generator  # noqa: E402
from indexing.vector_index import DEFAULT_ANN_THRESHOLD  # noqa: E402
from matchmaker.engine.ranker import Ranker  # noqa: E402


def generate(streams: int, capacities: int, seed: int):
    generator = Generator(seed)
    capacity_docs, capacity_vectors = generator.capacities(capacities)
    stream_docs, stream_vectors = [], np.empty((streams, capacity_vectors.shape[1]), np.float32)
    for i in range(streams):
        doc, stream_vectors[i] = generator.stream(i)
        stream_docs.append(dataclasses.replace(doc, organisation_id=f"company-{i // 4}"))
    return stream_docs, stream_vectors, capacity_docs, capacity_vectors


def _rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def _disk_mb(directory: Path) -> float:
    return sum(p.stat().st_size for p in directory.rglob("*") if p.is_file()) / 2**20


def top10(ranker: Ranker, queries: int) -> list[list[str]]:
    """Top-10 ids for the first `queries` streams and capacities the ranker holds."""
    out = []
    for side, ask in ((ranker.streams, ranker.suggest_for_stream),
                      (ranker.capacities, ranker.suggest_for_capacity)):
        for row in range(min(queries, len(side))):
            out.append([s.target_id for s in ask(side.docs[row], k=10)])
    return out


def load_in_fresh_process(path: Path, queries: int, how: str) -> dict:
    """The ranker stored at `path` loaded in a new process (`how`: "save" for Ranker.load,
    "pickle" for pickle.load), timed after the imports, with its top 10s."""
    code = ("import json; from benchmarks.bench_snapshot import loaded; "
            f"print(json.dumps(loaded({str(path)!r}, {queries}, {how!r})))")
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                          text=True, cwd=Path(__file__).resolve().parents[1])
    return json.loads(done.stdout.strip().splitlines()[-1])


def loaded(path: str, queries: int, how: str) -> dict:
    from indexing.hnsw_index import HnswIndex
    from indexing.lexical import LexicalIndex

    LexicalIndex(), HnswIndex(4)._new_graph()   # the imports they make, not timed
    with threadpool_limits(1):
        rss_before = _rss_mb()
        started = time.perf_counter()
        if how == "save":
            ranker = Ranker.load(Path(path))
        else:
            with open(path, "rb") as file:
                ranker = pickle.load(file)
        load_s = time.perf_counter() - started
        rss_loaded = _rss_mb()
        started = time.perf_counter()
        answers = top10(ranker, queries)
        first_queries_s = time.perf_counter() - started
    return {"load_s": load_s, "rss_added_by_load_mb": rss_loaded - rss_before,
            "rss_after_queries_mb": _rss_mb() - rss_before,
            "queries_s": first_queries_s, "answers": answers}


def run(streams: int, capacities: int, queries: int, seed: int, ann_threshold: int) -> dict:
    stream_docs, stream_vectors, capacity_docs, capacity_vectors = generate(
        streams, capacities, seed)
    with threadpool_limits(1):
        started = time.perf_counter()
        ranker = Ranker.build(stream_docs, capacity_docs, stream_vectors=stream_vectors,
                              capacity_vectors=capacity_vectors, ann_threshold=ann_threshold)
        ranker.prepare()
        build_s = time.perf_counter() - started
        before = top10(ranker, queries)
    with tempfile.TemporaryDirectory(prefix="bench-snapshot-") as tmp:
        directory = Path(tmp) / "ranker"
        started = time.perf_counter()
        ranker.save(directory)
        save_s = time.perf_counter() - started
        disk_mb = _disk_mb(directory)
        fresh = load_in_fresh_process(directory, queries, "save")
        started = time.perf_counter()
        with open(Path(tmp) / "ranker.pickle", "wb") as file:
            pickle.dump(ranker, file, protocol=pickle.HIGHEST_PROTOCOL)
        pickle_dump_s = time.perf_counter() - started
        pickle_mb = (Path(tmp) / "ranker.pickle").stat().st_size / 2**20
        pickled = load_in_fresh_process(Path(tmp) / "ranker.pickle", queries, "pickle")
    after = fresh.pop("answers")
    same = sum(len(set(a) & set(b)) for a, b in zip(after, before, strict=True))
    pickled_same = sum(len(set(a) & set(b))
                       for a, b in zip(pickled.pop("answers"), before, strict=True))
    return {"streams": streams, "capacities": capacities, "ann_threshold": ann_threshold,
            "dense": {k: ranker.dense_index_name(k) for k in ("stream", "capacity")},
            "build_s": build_s, "save_s": save_s, "disk_mb": disk_mb, **fresh,
            "pickle_mb": pickle_mb, "pickle_dump_s": pickle_dump_s,
            "pickle": pickled, "queries": len(before),
            "top10_agreement_pickled_vs_saved": pickled_same / sum(len(b) for b in before),
            "top10_agreement_loaded_vs_saved": same / sum(len(b) for b in before),
            "identical_lists": sum(a == b for a, b in zip(after, before, strict=True))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=100_000)
    parser.add_argument("--capacities", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200,
                        help="per direction, for the agreement")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--ann-threshold", type=int, default=DEFAULT_ANN_THRESHOLD)
    args = parser.parse_args()
    result = run(args.streams, args.capacities, args.queries, args.seed, args.ann_threshold)
    print(f"{result['streams']} streams + {result['capacities']} capacities "
          f"({result['dense']['stream']}/{result['dense']['capacity']}): build "
          f"{result['build_s']:.1f} s, save {result['save_s']:.1f} s ({result['disk_mb']:.0f} MB); "
          f"load in a new process {result['load_s']:.2f} s (+{result['rss_added_by_load_mb']:.0f} "
          f"MB RSS, {result['rss_after_queries_mb']:.0f} MB after {result['queries']} queries); "
          f"plain pickle {result['pickle_mb']:.0f} MB, dump {result['pickle_dump_s']:.1f} s, "
          f"load {result['pickle']['load_s']:.2f} s "
          f"(+{result['pickle']['rss_added_by_load_mb']:.0f} MB RSS); top-10 agreement loaded vs saved "
          f"{result['top10_agreement_loaded_vs_saved']:.4f} "
          f"({result['identical_lists']}/{result['queries']} lists identical)")
    print(json.dumps({"benchmark": "snapshot", **result}))


if __name__ == "__main__":
    main()
