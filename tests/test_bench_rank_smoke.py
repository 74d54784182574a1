"""The ranking benchmark runs end to end on a small collection, through the HNSW path the
service takes from its threshold on, and its JSON line carries every figure."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bench_rank_small_run_reports_latency_stages_and_agreement_with_exact() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_rank.py"), "--sizes", "3000",
         "--queries", "30", "--ann-threshold", "1000", "--compare-exact", "--stages"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])["results"][0]
    assert result["dense_index"] == "HnswIndex"
    assert 0 < result["p50_ms"] <= result["p99_ms"]
    # at 3,000 vectors the graph walk finds what the exact scan finds
    assert result["top10_agreement_with_exact"] >= 0.95
    assert {"candidates (all)", "features", "reasons"} <= set(result["stages_ms"])
