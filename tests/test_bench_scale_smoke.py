"""The scale benchmark runs end to end on a tiny data set, through the service's own
commands and real HTTP, and its JSON line carries every figure; so does its in-memory mode."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> dict:
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_scale.py"), *args],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])["results"][0]


def test_bench_scale_imports_indexes_serves_and_reports_every_figure() -> None:
    result = _run("--sizes", "100", "--workers", "1", "--requests", "10")
    assert (result["streams"], result["capacities"], result["workers"]) == (100, 10, 1)
    assert result["records"] == 5 + 20 + 100 + 10   # hubs, organisations, streams, capacities
    assert result["import_records_per_s"] > 0 and result["index_items_per_s"] > 0
    assert result["import_cpu_ms_per_record"] > 0 and result["index_cpu_ms_per_item"] > 0
    assert result["model_texts_per_s"] > 0
    # the index command's two steps, as it reports them, within its whole time
    assert 0 < result["index_embed_s"] and 0 < result["index_store_s"]
    assert result["index_embed_s"] + result["index_store_s"] <= result["index_s"]
    assert 0 < result["first_ready_s"] <= result["worker_ready_s"][-1]
    assert len(result["worker_ready_s"]) == len(result["workers_kb"]) == 1
    for process in (result["master_kb"], *result["workers_kb"]):
        assert 0 < process["pss"] <= process["rss"]
    assert result["pss_total_per_worker_pss"] > 1 and result["pss_total_per_worker_rss"] > 0
    assert result["suggestions"]["count"] == 10
    assert 0 < result["suggestions"]["p50_ms"] <= result["suggestions"]["p99_ms"]


def test_bench_scale_in_memory_mode_ranks_for_capacities() -> None:
    result = _run("--in-memory-only", "--sizes", "500", "--queries", "10")
    assert result["streams"] == 500 and result["in_memory"]
    assert result["capacity_top10"]["count"] == 10
    assert 0 < result["capacity_top10"]["p50_ms"] <= result["capacity_top10"]["p99_ms"]
    stored = result["stored_index"]   # saved and loaded in another process, as a worker does
    assert stored["save_s"] > 0 and stored["load_s"] > 0 and stored["disk_mb"] > 0
    assert result["peak_rss_mb"] > 0
    # where a query's time goes, the candidates' three channels apart
    assert {"dense", "blocking", "lexical", "features", "explanation", "total"} <= set(
        result["capacity_top10_stages"])
