"""The lexical index under a stream of edits: fit, then edits one by one, each applied
and followed by a query. `--module FILE` measures another implementation of
`LexicalIndex` (e.g. an earlier revision's, `git show REV:indexing/lexical.py > FILE`),
in the same process and on the same texts. The last line is JSON.

    python benchmarks/bench_lexical_edits.py --texts 15000 --edits 1000
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_index import hub_texts  # noqa: E402

from indexing.lexical import LexicalIndex  # noqa: E402


def _load(path: Path) -> type:
    spec = importlib.util.spec_from_file_location("lexical_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.LexicalIndex


def measure(index_class: type, texts: list[str], edits: list[str]) -> dict:
    index = index_class()
    started = time.perf_counter()
    index.fit(range(len(texts)), texts)
    fit = time.perf_counter() - started
    queries, applied = [], []
    for i, text in enumerate(edits):
        started = time.perf_counter()
        index.search(text, 10)
        queries.append(time.perf_counter() - started)
        started = time.perf_counter()
        index.add([len(texts) + i], [text])
        index.prepare()
        applied.append(time.perf_counter() - started)
    q, e = 1000 * np.array(queries), 1000 * np.array(applied)
    return {"fit_s": round(fit, 2), "query_p50_ms": round(float(np.median(q)), 2),
            "query_p99_ms": round(float(np.percentile(q, 99)), 2),
            "edit_p50_ms": round(float(np.median(e)), 2),
            "edit_p99_ms": round(float(np.percentile(e, 99)), 2),
            "edit_max_ms": round(float(e.max()), 1),
            "edits_total_s": round(float(e.sum()) / 1000, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=15_000)
    parser.add_argument("--edits", type=int, default=1000)
    parser.add_argument("--module", type=Path, action="append", default=[],
                        help="another lexical.py to measure as well")
    args = parser.parse_args()
    texts, edits = hub_texts(args.texts, seed=2), hub_texts(args.edits, seed=3)
    results = {}
    for name, index_class in [("current", LexicalIndex),
                              *((str(path), _load(path)) for path in args.module)]:
        results[name] = measure(index_class, texts, edits)
        print(name, results[name], flush=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
