"""Worker start and memory under gunicorn (issue 17): time to /readyz, and PSS.

    python benchmarks/bench_worker_start.py [--streams 20000] [--capacities 2000]
        [--workers 1 3] [--code PATH]

Generates an exchange file as benchmarks/bench_load.py does, imports it and runs
`matchmaker index` (timed), then serves it with gunicorn once per worker count and
measures: the time from the start to the first /readyz answering 200, the time until
every worker has finished loading (its CPU time stops growing for a second), the time
until a worker killed with SIGKILL is replaced by a loaded one, and the
proportional set size (PSS, /proc/<pid>/smaps_rollup: shared pages divided among the
processes sharing them, so the sum over processes is the memory they take together)
of the master and each worker, after the start and after 200 suggestion requests.
`--code` serves and indexes with another checkout (e.g. the code before the stored
index) against the same kind of data. The last line printed is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_load import _free_port, generate_exchange  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _env(code: Path, database_url: str, home: Path) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "MATCHMAKER_HOME": str(home),
            "SECRET_KEY": "bench-worker-start", "PYTHONPATH": str(code)}


def _matchmaker(code: Path, args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "from api.cli import main; main()", *args],
                   cwd=code, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def store_random_vectors(session) -> None:
    """A random unit vector for every item, stored as the model's for the item's current
    text: `matchmaker index` then finds nothing to embed (what a worker loads does not
    depend on the vectors' values, and the model needs ~15 min for 110k texts here)."""
    import numpy as np
    import sqlalchemy as sa

    from indexing.embedders import get_embedder
    from matchmaker.catalogue import change_marks, load_items, to_doc
    from matchmaker.engine.documents import embed_text
    from matchmaker.vector_store import text_hash
    from models import Embedding

    embedder = get_embedder("use-multilingual")
    rng = np.random.default_rng(7)
    for kind in ("stream", "capacity"):
        ids = sorted(change_marks(session, kind))
        for start in range(0, len(ids), 2000):
            docs = [to_doc(item) for item in load_items(session, kind, ids[start:start + 2000])]
            vectors = rng.standard_normal((len(docs), embedder.dim)).astype("<f4")
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            session.execute(sa.insert(Embedding), [
                {"item_kind": kind, "item_id": int(doc.id), "model": embedder.name,
                 "text_hash": text_hash(embed_text(doc)), "dim": embedder.dim,
                 "vector": vector.tobytes()} for doc, vector in zip(docs, vectors, strict=True)])
            session.expunge_all()
    session.commit()


def prepare(code: Path, database_url: str, workdir: Path, streams: int,
            capacities: int, random_vectors: bool) -> dict[str, Any]:
    """Import and index the data; an admin token and the stream ids to ask about."""
    import sqlalchemy as sa

    from matchmaker.tokens import create_api_token
    from models import Stream, User, make_engine, make_session_factory

    data = workdir / "data.json"
    data.write_text(json.dumps(generate_exchange(max(streams // 5, 10), streams, capacities)),
                    encoding="utf-8")
    env = _env(code, database_url, workdir / "home")
    timing = {"import_s": _matchmaker(code, ["import", str(data)], env)}
    engine = make_engine(database_url)
    if random_vectors:
        with make_session_factory(engine)() as session:
            store_random_vectors(session)
    timing["index_s"] = _matchmaker(code, ["index"], env)
    # nothing changed since: what a nightly `matchmaker index` costs on quiet data
    timing["index_again_s"] = _matchmaker(code, ["index"], env)
    with make_session_factory(engine)() as session:
        admin = User(email="admin@bench.example", role="admin")
        session.add(admin)
        session.flush()
        token = create_api_token(session, admin, "bench")[1]
        stream_ids = session.scalars(sa.select(Stream.id).where(
            Stream.status == "published")).all()
        session.commit()
    engine.dispose()
    return {**timing, "token": token, "stream_ids": list(stream_ids)}


def pss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no Pss in /proc/{pid}/smaps_rollup")


def _workers(master: int) -> list[int]:
    import psutil

    return sorted(p.pid for p in psutil.Process(master).children())


def _cpu_s(pid: int) -> float:
    import psutil

    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def _settled(master: int, workers: int) -> list[int]:
    """The workers' pids once every one has finished loading: all forked, and none of them
    busy for a second."""
    while True:
        pids = _workers(master)
        before = [_cpu_s(p) for p in pids]
        time.sleep(1.0)
        if len(pids) == workers and all(_cpu_s(p) - b < 0.05
                                        for p, b in zip(pids, before, strict=True)):
            return pids


def _ready(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(base_url + "/readyz", timeout=120) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def serve(code: Path, database_url: str, workdir: Path, workers: int, plan: dict[str, Any],
          requests: int) -> dict[str, Any]:
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = (workdir / f"gunicorn-{workers}.log").open("w")
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-c", "from api.cli import main; main()", "serve", "--host",
         "127.0.0.1", "--port", str(port), "--workers", str(workers)],
        cwd=code, env=_env(code, database_url, workdir / "home"), stdout=log,
        stderr=subprocess.STDOUT)
    try:
        while not _ready(base_url):
            if server.poll() is not None or time.perf_counter() - started > 1800:
                raise SystemExit(f"the server did not become ready; see {log.name}")
            time.sleep(0.2)
        first_ready = time.perf_counter() - started
        pids = _settled(server.pid, workers)
        all_ready = time.perf_counter() - started - 1.0
        at_start = {"master": pss_mb(server.pid), "workers": [pss_mb(p) for p in pids]}
        rng = random.Random(1)
        latencies = []
        for _ in range(requests):
            stream_id = rng.choice(plan["stream_ids"])
            request = urllib.request.Request(
                f"{base_url}/api/v1/streams/{stream_id}/suggestions?k=10",
                headers={"Authorization": f"Bearer {plan['token']}"})
            t0 = time.perf_counter()
            with urllib.request.urlopen(request, timeout=120) as response:
                response.read()
            latencies.append(time.perf_counter() - t0)
        after_requests = {"master": pss_mb(server.pid), "workers": [pss_mb(p) for p in pids]}
        # a worker that crashed (or that gunicorn recycles): the master forks a new one
        killed = time.perf_counter()
        os.kill(pids[0], signal.SIGKILL)
        while pids[0] in _workers(server.pid) or len(_workers(server.pid)) < workers:
            time.sleep(0.05)
        _settled(server.pid, workers)
        replaced_ready = time.perf_counter() - killed - 1.0
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()
    latencies.sort()
    return {"workers": workers, "first_ready_s": first_ready, "all_ready_s": all_ready,
            "replaced_worker_ready_s": replaced_ready,
            "pss_mb_at_start": at_start, "pss_mb_after_requests": after_requests,
            "total_pss_mb_at_start": at_start["master"] + sum(at_start["workers"]),
            "total_pss_mb_after_requests": after_requests["master"]
            + sum(after_requests["workers"]),
            "suggestion_p50_ms": 1000 * latencies[len(latencies) // 2],
            "suggestion_p99_ms": 1000 * latencies[int(len(latencies) * 0.99)]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=20_000)
    parser.add_argument("--capacities", type=int, default=2_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--random-vectors", action="store_true",
                        help="store random vectors instead of embedding (large sizes)")
    parser.add_argument("--code", type=Path, default=ROOT,
                        help="the checkout that indexes and serves [default: this one]")
    args = parser.parse_args()
    code = args.code.resolve()
    with tempfile.TemporaryDirectory(prefix="bench-worker-start-") as tmp:
        workdir = Path(tmp)
        url = f"sqlite:///{workdir / 'bench.sqlite'}"
        plan = prepare(code, url, workdir, args.streams, args.capacities, args.random_vectors)
        runs = [serve(code, url, workdir, n, plan, args.requests) for n in args.workers]
    one = next((r for r in runs if r["workers"] == 1), None)
    for r in runs:
        ratio = (r["total_pss_mb_after_requests"] / one["total_pss_mb_after_requests"]
                 if one else None)
        r["memory_vs_one_worker"] = ratio
        print(f"{r['workers']} worker(s): first /readyz {r['first_ready_s']:.1f} s, all "
              f"ready {r['all_ready_s']:.1f} s, a killed worker replaced and ready in "
              f"{r['replaced_worker_ready_s']:.1f} s; PSS master "
              f"{r['pss_mb_after_requests']['master']:.0f} MB + workers "
              + " + ".join(f"{w:.0f}" for w in r["pss_mb_after_requests"]["workers"])
              + f" MB = {r['total_pss_mb_after_requests']:.0f} MB after {args.requests} "
              f"suggestion requests ({r['total_pss_mb_at_start']:.0f} MB at start)"
              + (f", {ratio:.2f}x one worker" if ratio else "")
              + f"; suggestions p50 {r['suggestion_p50_ms']:.0f} ms "
              f"p99 {r['suggestion_p99_ms']:.0f} ms")
    print(f"import {plan['import_s']:.1f} s, index {plan['index_s']:.1f} s, index again "
          f"(nothing changed) {plan['index_again_s']:.1f} s "
          f"({args.streams} streams, {args.capacities} capacities)")
    print(json.dumps({"benchmark": "worker_start", "code": str(code), "streams": args.streams,
                      "random_vectors": args.random_vectors,
                      "capacities": args.capacities, "import_s": plan["import_s"],
                      "index_s": plan["index_s"], "index_again_s": plan["index_again_s"],
                      "runs": runs}))


if __name__ == "__main__":
    main()
