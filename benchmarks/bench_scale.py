"""Scale benchmark (issue 17): the whole service at N streams, with its own commands.

For each size N it generates N streams, N/10 capacities and N/5 organisations with
bench_load's generator, then runs in subprocesses, as an operator would:

- `matchmaker import` (records/s: hubs + organisations + streams + capacities);
- `matchmaker index` (items/s: streams + capacities), next to the bare model's
  texts/s on a sample of the same texts on one BLAS thread (the ceiling it aims at);
- `matchmaker serve --workers W`: seconds until /readyz first answers 200 and until each
  worker is ready (it answers and its CPU time has stopped growing: a worker spends CPU
  only on loading until requests come), then RSS and PSS (/proc/<pid>/smaps_rollup) of
  the master and of each worker; PSS shares a page between the processes mapping it, so
  the PSS sum is what the machine really holds;
- sequential suggestion requests over HTTP with an API token (p50/p99), as bench_load.

`--in-memory-only` measures what needs no database, up to 1M streams: a capacity's top
10 streams through the ranker on one BLAS thread (p50/p99, generated unit vectors around
each stream's material), and the stored index: saved as `matchmaker index` saves it and
loaded in a new process as a worker loads it. Prints a table; the last line is one JSON object.

    python benchmarks/bench_scale.py --sizes 10000 100000
    python benchmarks/bench_scale.py --sizes 10000 --database postgresql --workers 3
    python benchmarks/bench_scale.py --in-memory-only --sizes 1000000
"""
from __future__ import annotations

import argparse
import functools
import http.client
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_load import (  # noqa: E402
    _env,
    _free_port,
    _summary,
    database,
    generate_exchange,
    generate_records,
    stage_summary,
)

MODEL_SAMPLE = 2000
READY_TIMEOUT_S = 3600
# a worker whose CPU time has not moved for this long has finished loading
IDLE_S = 2.0


def sizes_for(streams: int) -> tuple[int, int, int]:
    """(organisations, streams, capacities): a tenth as many capacities, a fifth as many
    organisations (bench_load's full set has one organisation for five streams)."""
    return max(10, streams // 5), streams, max(5, streams // 10)


def _matchmaker(args: list[str], env: dict[str, str], log: Path) -> tuple[float, float]:
    """Run one `matchmaker` command; its wall-clock seconds and the CPU seconds of it and
    its own subprocesses (on a shared machine the CPU time is the steadier figure)."""
    started, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    with log.open("a") as out:
        subprocess.run([sys.executable, "-c", "from api.cli import main; main()", *args],
                       cwd=ROOT, env=env, check=True, stdout=out, stderr=subprocess.STDOUT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return time.perf_counter() - started, cpu


def model_rate(texts: list[str]) -> tuple[float, float]:
    """Texts/s and CPU ms a text of the configured embedder alone on one BLAS thread (the
    model loaded first)."""
    from threadpoolctl import threadpool_limits

    from indexing.embedders import get_embedder
    from matchmaker.config import Settings

    settings = Settings.from_env()
    embedder = get_embedder(settings.embedder, settings.embedder_model_path)
    with threadpool_limits(1, user_api="blas"):
        embedder.encode(texts[:10])
        started, cpu = time.perf_counter(), time.process_time()
        embedder.encode(texts)
        return (len(texts) / (time.perf_counter() - started),
                1000 * (time.process_time() - cpu) / len(texts))


def api_token(database_url: str) -> tuple[str, list[int]]:
    """A facilitator's API token and the ids of the published streams."""
    import sqlalchemy as sa

    from matchmaker.accounts import ensure_facilitator
    from matchmaker.tokens import create_api_token
    from models import Hub, Stream, make_engine, make_session_factory

    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            hubs = session.scalars(sa.select(Hub)).all()
            facilitator = ensure_facilitator(session, "fac@bench-scale.example",
                                             "bench-scale-password", list(hubs))
            session.flush()
            secret = create_api_token(session, facilitator, "bench-scale")[1]
            stream_ids = session.scalars(sa.select(Stream.id).where(
                Stream.status == "published")).all()
            session.commit()
    finally:
        engine.dispose()
    return secret, list(stream_ids)


def memory_kb(pid: int) -> dict[str, int]:
    """Rss and Pss of a process in kB (smaps_rollup: one read, summed by the kernel)."""
    out = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("Rss", "Pss"):
            out[name.lower()] = int(rest.split()[0])
    return out


def _readyz(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(base_url + "/readyz", timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def wait_for_workers(server: subprocess.Popen, base_url: str, workers: int
                     ) -> dict[str, Any]:
    """Seconds from the start until /readyz first answers, and until each worker is ready
    (it answered, or another did, and its CPU time has stayed flat for IDLE_S)."""
    import psutil

    started = time.monotonic()
    master = psutil.Process(server.pid)
    first_ready: float | None = None
    cpu: dict[int, tuple[float, float]] = {}   # pid -> (cpu seconds, when it last grew)
    while True:
        now = time.monotonic() - started
        if now > READY_TIMEOUT_S or server.poll() is not None:
            raise SystemExit("the server did not get ready (see the log in the work folder)")
        if first_ready is None and _readyz(base_url):
            first_ready = time.monotonic() - started
        for child in master.children():
            try:
                times = child.cpu_times()
            except psutil.NoSuchProcess:
                continue
            spent = times.user + times.system
            if child.pid not in cpu or spent > cpu[child.pid][0]:
                cpu[child.pid] = (spent, now)
        ready = [grew for _, grew in cpu.values() if now - grew >= IDLE_S]
        if first_ready is not None and len(cpu) >= workers and len(ready) == len(cpu):
            return {"first_ready_s": round(first_ready, 1),
                    "worker_ready_s": sorted(round(max(grew, first_ready), 1)
                                             for _, grew in cpu.values())}
        time.sleep(0.25)


def suggestion_latency(base_url: str, token: str, stream_ids: list[int], requests: int,
                       seed: int = 3) -> dict[str, Any]:
    """Sequential GET /streams/<id>/suggestions?k=10 on one keep-alive connection."""
    rng = random.Random(seed)
    host, port = base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=120)
    headers = {"Authorization": f"Bearer {token}"}

    def one(stream_id: int) -> float:
        started = time.perf_counter()
        try:
            connection.request("GET", f"/api/v1/streams/{stream_id}/suggestions?k=10",
                               headers=headers)
            response = connection.getresponse()
        except (http.client.HTTPException, OSError):
            connection.close()   # a sync worker closed it: once more on a new one
            connection.request("GET", f"/api/v1/streams/{stream_id}/suggestions?k=10",
                               headers=headers)
            response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"suggestions for stream {stream_id}: HTTP {response.status}")
        return time.perf_counter() - started

    for stream_id in rng.sample(stream_ids, min(10, len(stream_ids))):
        one(stream_id)   # each worker's first request loads what it loads lazily
    return _summary([one(rng.choice(stream_ids)) for _ in range(requests)])


def serve(url: str, env: dict[str, str], workdir: Path, workers: int, requests: int,
          token: str, stream_ids: list[int]) -> dict[str, Any]:
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    with (workdir / "serve.log").open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-c", "from api.cli import main; main()", "serve",
             "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            ready = wait_for_workers(server, base_url, workers)
            import psutil

            master = memory_kb(server.pid)
            children = [memory_kb(c.pid) for c in psutil.Process(server.pid).children()]
            latency = suggestion_latency(base_url, token, stream_ids, requests)
        finally:
            server.terminate()
            server.wait(timeout=120)
    pss_total = master["pss"] + sum(c["pss"] for c in children)
    return {**ready, "master_kb": master, "workers_kb": children,
            "pss_total_mb": round(pss_total / 1024, 1),
            "rss_total_mb": round((master["rss"] + sum(c["rss"] for c in children)) / 1024, 1),
            # What the issue's target compares: all the processes' memory (PSS counts a
            # shared page once) against one worker's whole memory (its RSS, shared pages in).
            # Against a worker's own PSS the ratio grows with the sharing it measures.
            "pss_total_per_worker_rss": round(
                pss_total / max(c["rss"] for c in children), 2),
            "pss_total_per_worker_pss": round(
                pss_total / max(c["pss"] for c in children), 2),
            "suggestions": latency}


def run_size(streams: int, kind: str, workers: int, requests: int) -> dict[str, Any]:
    organisations, streams, capacities = sizes_for(streams)
    data = generate_exchange(organisations, streams, capacities)
    records = sum(len(data[name]) for name in ("hubs", "organisations", "streams",
                                                "capacities"))
    texts = [f"{s['title']}. {s['description']}" for s in data["streams"][:MODEL_SAMPLE]]
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp, \
            database(kind, Path(tmp)) as url:
        workdir = Path(tmp)
        path = workdir / "data.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        del data
        env = _env(url, workdir / "home")
        log = workdir / "commands.log"
        _matchmaker(["migrate"], env, log)
        import_s, import_cpu_s = _matchmaker(["import", str(path)], env, log)
        index_s, index_cpu_s = _matchmaker(["index"], env, log)
        index_steps = _index_steps(log.read_text(encoding="utf-8", errors="replace"))
        os.environ.update({k: env[k] for k in ("DATABASE_URL", "MATCHMAKER_HOME")})
        model, model_cpu_ms = model_rate(texts)
        token, stream_ids = api_token(url)
        served = serve(url, env, workdir, workers, requests, token, stream_ids)
    items = streams + capacities
    return {"streams": streams, "capacities": capacities, "organisations": organisations,
            "database": kind, "workers": workers, "records": records,
            "import_s": round(import_s, 1), "import_records_per_s": round(records / import_s),
            "import_cpu_ms_per_record": round(1000 * import_cpu_s / records, 2),
            "index_s": round(index_s, 1), "index_items_per_s": round(items / index_s),
            "index_cpu_ms_per_item": round(1000 * index_cpu_s / items, 2), **index_steps,
            "model_texts_per_s": round(model), "model_cpu_ms_per_text": round(model_cpu_ms, 2),
            "index_share_of_model": round(items / index_s / model, 2),
            "load_average": round(os.getloadavg()[0], 1), **served}


def _index_steps(log: str) -> dict[str, float | None]:
    """The two steps of `matchmaker index` as it reports them: embedding (with the
    analysis beside it) and building and storing the suggestion index, in seconds."""
    embedded = re.findall(r"items embedded in ([0-9.]+) s", log)
    stored = re.findall(r"index stored in .*, ([0-9.]+) s\)", log)
    return {"index_embed_s": float(embedded[-1]) if embedded else None,
            "index_store_s": float(stored[-1]) if stored else None}


# --- in memory: the ranker at up to 1M streams, no database ----------------------------------

def stream_docs(streams: int, seed: int = 5) -> tuple[list, np.ndarray, list]:
    """Stream docs from the generator's records (analysed like the service does, each
    distinct text once), unit vectors around their material, and capacity docs. The
    records are made and turned into docs one at a time: at 1M streams the records
    themselves would hold gigabytes."""
    from matchmaker.analysis import analyse
    from matchmaker.engine.documents import CapacityDoc, StreamDoc, enrich

    organisations, streams, capacities = sizes_for(streams)
    data = generate_records(organisations, streams, capacities, seed=seed)
    places = {o["id"]: (o["hub"], o["location"]) for o in data["organisations"]}
    cached = functools.lru_cache(maxsize=None)(
        lambda text, language, role: analyse(text, language, role=role))
    rng = np.random.default_rng(seed)
    centroids: dict[str, np.ndarray] = {}

    def vector(materials: tuple[str, ...]) -> np.ndarray:
        key = materials[0] if materials else ""
        if key not in centroids:
            centroids[key] = rng.standard_normal(512)
        return centroids[key] + rng.standard_normal(512) * 0.6

    def common(record: dict) -> dict:
        hub, location = places[record["organisation"]]
        return {"id": record["id"], "organisation_id": record["organisation"], "hub_id": hub,
                "title": record["title"], "description": record["description"],
                "language": record["language"], "materials": tuple(record.get("materials", ())),
                "lat": location["lat"], "lon": location["lon"]}

    def analysed(role):
        return lambda text, language=None, role=role, **_: cached(text, language, role)

    docs, vectors = [], np.empty((streams, 512), dtype=np.float32)
    for i, record in enumerate(data["streams"]):
        quantity = record.get("quantity") or {}
        doc = enrich(StreamDoc(**common(record), services=tuple(record.get("services_wanted", ())),
                               quantity_amount=quantity.get("amount"),
                               quantity_unit=quantity.get("unit"),
                               quantity_per=quantity.get("per")), analyse=analysed("stream"))
        docs.append(doc)
        vectors[i] = vector(doc.materials)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    queries = [enrich(CapacityDoc(**common(r), services=tuple(r["services"]),
                                  service_radius_km=r["service_radius_km"]),
                      analyse=analysed("capacity")) for r in data["capacities"]]
    return docs, vectors, queries


def stored_index(ranker) -> dict[str, float]:
    """The ranker stored as `matchmaker index` stores it (`Ranker.save`, what a
    matchmaker.snapshots folder holds) and loaded in a new process, as a worker loads it:
    seconds to save, to load, and the size on disk."""
    from bench_snapshot import _disk_mb, load_in_fresh_process

    with tempfile.TemporaryDirectory(prefix="bench-scale-index-") as tmp:
        folder = Path(tmp) / "ranker"
        started = time.perf_counter()
        ranker.save(folder)
        save_s = time.perf_counter() - started
        loaded = load_in_fresh_process(folder, 0, "save")
        return {"save_s": round(save_s, 3), "load_s": round(loaded["load_s"], 3),
                "disk_mb": round(_disk_mb(folder), 1)}


def run_in_memory(streams: int, queries: int) -> dict[str, Any]:
    from threadpoolctl import threadpool_limits

    from matchmaker import stages
    from matchmaker.engine.ranker import Ranker

    started = time.perf_counter()
    docs, vectors, capacities = stream_docs(streams)
    generated_s = time.perf_counter() - started
    _phase(f"{streams:,} stream docs and vectors made in {generated_s:.0f} s")
    with threadpool_limits(1):
        started = time.perf_counter()
        ranker = Ranker.build(docs, [], stream_vectors=vectors)
        del docs, vectors   # the ranker holds its own
        ranker.prepare()
        build_s = time.perf_counter() - started
        _phase(f"ranker built in {build_s:.0f} s ({ranker.dense_index_name('stream')})")
        rng = np.random.default_rng(9)
        latencies, records = [], []
        for capacity in random.Random(9).choices(capacities, k=queries + 5):
            vector = rng.standard_normal(512).astype(np.float32)
            vector /= np.linalg.norm(vector)
            record = stages.start()
            begun = time.perf_counter()
            ranker.suggest_for_capacity(capacity, k=10, vector=vector)
            latencies.append(time.perf_counter() - begun)
            records.append({**record, "total": latencies[-1]})
        stages.stop()
    return {"streams": streams, "in_memory": True, "generate_s": round(generated_s, 1),
            "ranker_build_s": round(build_s, 1),
            "dense_index": ranker.dense_index_name("stream"),
            "capacity_top10": _summary(latencies[5:]),
            # where a query's time goes: the candidates' channels, features, explanation
            "capacity_top10_stages": stage_summary(records[5:]),
            "stored_index": stored_index(ranker),
            # the most this process held at once (generation, build, the queries)
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "load_average": round(os.getloadavg()[0], 1)}


def _phase(message: str) -> None:
    """A line on stderr between the long steps (the 1M size runs for most of an hour)."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _mb(kb: dict[str, int]) -> str:
    return f"{kb['rss'] / 1024:6.0f} / {kb['pss'] / 1024:6.0f}"


def print_table(results: list[dict[str, Any]]) -> None:
    for r in results:
        if r.get("in_memory"):
            print(f"{r['streams']:>9} streams in memory: ranker built in {r['ranker_build_s']} s "
                  f"({r['dense_index']}), capacity top 10 {r['capacity_top10']}, stored index "
                  f"{r['stored_index']}, peak RSS {r['peak_rss_mb']} MB, load average "
                  f"{r['load_average']}")
            print("    a query's stages, p50 / p99 / mean over the slowest 1% (ms): " + "; ".join(
                f"{name} {v['p50_ms']} / {v['p99_ms']} / {v['tail_mean_ms']}"
                for name, v in r["capacity_top10_stages"].items()))
            continue
        print(f"{r['streams']:>9} streams + {r['capacities']} capacities ({r['database']}, "
              f"{r['workers']} workers, load average {r['load_average']})")
        print(f"    import {r['import_s']:7} s  {r['import_records_per_s']:6} records/s  "
              f"CPU {r['import_cpu_ms_per_record']} ms a record")
        print(f"    index  {r['index_s']:7} s  {r['index_items_per_s']:6} items/s  "
              f"CPU {r['index_cpu_ms_per_item']} ms an item (model alone "
              f"{r['model_texts_per_s']} texts/s, CPU {r['model_cpu_ms_per_text']} ms a text; "
              f"{r['index_share_of_model']:.0%} of its rate); embedding {r['index_embed_s']} s, "
              f"storing the suggestion index {r['index_store_s']} s")
        print(f"    /readyz first {r['first_ready_s']} s, workers ready {r['worker_ready_s']} s")
        print(f"    memory MB RSS / PSS: master {_mb(r['master_kb'])}; workers "
              + "; ".join(_mb(w) for w in r["workers_kb"])
              + f"; PSS total {r['pss_total_mb']} MB = {r['pss_total_per_worker_rss']}x one "
                "worker's RSS")
        s = r["suggestions"]
        print(f"    suggestions over HTTP: p50 {s['p50_ms']} ms, p99 {s['p99_ms']} ms "
              f"({s['count']} sequential)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000],
                        help="numbers of streams (capacities: a tenth)")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200,
                        help="sequential suggestion requests over HTTP")
    parser.add_argument("--in-memory-only", action="store_true",
                        help="only the ranker's latency (and the stored index's load), "
                             "no database: for 1M streams")
    parser.add_argument("--queries", type=int, default=200,
                        help="capacities asked for their top 10 in --in-memory-only")
    args = parser.parse_args()
    results = []
    for size in args.sizes:
        results.append(run_in_memory(size, args.queries) if args.in_memory_only
                       else run_size(size, args.database, args.workers, args.requests))
        print_table(results[-1:])
    print(json.dumps({"results": results}))


if __name__ == "__main__":
    main()
