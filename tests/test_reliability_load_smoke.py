"""The load benchmark's smoke mode runs end to end: gunicorn, a client process, figures."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_load_benchmark_smoke_mode_serves_every_request_type_without_errors() -> None:
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_load.py"), "--smoke"],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["errors"] == 0, result["error_samples"]
    assert result["database_locked"] == 0 and result["server_errors_logged"] == 0
    assert result["clients"] == 4 and 4 <= result["seconds"] < 60
    assert {kind for kind, figures in result["by_type"].items() if figures["count"]} == {
        "read", "suggestions", "registration", "decision"}
    for figures in result["by_type"].values():
        assert figures["p50_ms"] <= figures["p95_ms"] <= figures["p99_ms"]
    # the workers say where a suggestion request's time went (Server-Timing), per stage
    assert {"refresh", "views", "serialisation", "total"} <= set(result["suggestion_stages"])
    total = result["suggestion_stages"]["total"]
    assert total["count"] == result["by_type"]["suggestions"]["count"]
    # everyone clicking at once is measured apart, and answered too
    assert result["burst"]["count"] == 4 and result["burst"]["errors"] == 0
    assert result["burst"]["p50_ms"] <= result["burst"]["max_ms"]
