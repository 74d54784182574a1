"""What a worker's refresh costs after another worker registered one stream.

In one process, on a SQLite file (or PostgreSQL): import a generated data set (benchmarks/bench_load.py's
generator), store its vectors, warm up a reader service, then repeat: a writer registers
a stream (committed, its vector stored as `index_written` does), the reader refreshes and
answers one suggestion request. Reports the refresh's p50/p99 and its stages per data
size: flat across sizes means the refresh costs the changed rows, not all rows. Every
`--queue-every` registrations it also asks for the review queue of the writer's hub (a
facilitator's page), first once before the loop (every stream of the hub ranked). The
embedder is a stand-in (vectors from a hash of the text; no model): the refresh must
not embed anyway, and the figure is about the rest. The last line is JSON.

    python benchmarks/bench_refresh.py --sizes 3000 15000 --edits 200
    python benchmarks/bench_refresh.py --sizes 15000 --edits 200 --queue-every 20
    python benchmarks/bench_refresh.py --sizes 15000 --database postgresql
"""
from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import numpy as np
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_load import database, generate_exchange  # noqa: E402

from matchmaker import stages  # noqa: E402
from matchmaker.exchange import import_exchange  # noqa: E402
from matchmaker.suggestions import SuggestionService  # noqa: E402
from models import (  # noqa: E402
    Capacity,
    Organisation,
    Stream,
    make_engine,
    make_session_factory,
    upgrade,
    utcnow,
)


class HashEmbedder:
    """Unit vectors drawn from a hash of the text: as fast as a lookup, no model."""

    name, dim = "bench-hash", 64

    def __init__(self) -> None:
        self.texts = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.texts += len(texts)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
            vector = np.random.default_rng(seed).standard_normal(self.dim)
            out[i] = vector / np.linalg.norm(vector)
        return out


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


def run(items: int, edits: int, queue_every: int = 0, kind: str = "sqlite") -> dict:
    streams, capacities = items * 2 // 3, items // 3
    with tempfile.TemporaryDirectory(prefix="bench-refresh-") as tmp, \
            database(kind, Path(tmp)) as url:
        upgrade(url)
        engine = make_engine(url)
        factory = make_session_factory(engine)
        embedder = HashEmbedder()
        started = time.perf_counter()
        with factory() as session:
            import_exchange(session, generate_exchange(max(10, items // 7), streams, capacities),
                            source="bench")
            session.commit()
            SuggestionService(embedder).build_index(session)
            # a service that has run a while: the import is not among the recent changes
            an_hour_ago = utcnow() - timedelta(hours=1)
            for model in (Organisation, Stream, Capacity):
                session.execute(sa.update(model).values(updated_at=an_hour_ago))
            session.commit()
        prepared = time.perf_counter() - started
        reader, writer = (SuggestionService(embedder, refresh_seconds=0) for _ in range(2))
        reader_session, writer_session = factory(), factory()
        started = time.perf_counter()
        reader.warm_up(reader_session)
        warm_up = time.perf_counter() - started
        organisation = writer_session.query(Organisation).filter(
            Organisation.kind == "company").first()
        asked = reader_session.query(Stream.id).first()[0]
        queue_cold, queue = None, []
        if queue_every:
            began = time.perf_counter()
            reader.hub_queue(reader_session, organisation.hub_id)
            queue_cold = time.perf_counter() - began
        embedded_before = embedder.texts
        refresh, suggest, records = [], [], []
        for i in range(edits):
            stream = Stream(organisation=organisation, status="published",
                            title=f"Gebruikte paletten {i}",
                            description=f"Partij {i}: houten paletten, ophaling gewenst.")
            writer_session.add(stream)
            writer_session.commit()
            writer.index_items(writer_session, "stream", [stream.id])
            writer_session.commit()
            reader_session.expire_all()
            record = stages.start()
            began = time.perf_counter()
            reader.refresh(reader_session, force=True)
            refresh.append(time.perf_counter() - began)
            began = time.perf_counter()
            reader.for_capacity(reader_session, 1, k=10)
            reader.for_stream(reader_session, asked, k=10)
            suggest.append(time.perf_counter() - began)
            records.append(record)
            if queue_every and i % queue_every == queue_every - 1:
                began = time.perf_counter()
                reader.hub_queue(reader_session, organisation.hub_id)
                queue.append(time.perf_counter() - began)
            stages.start()  # the writer's next stages are not the reader's
        reader_session.close()
        writer_session.close()
        engine.dispose()
    names = sorted({name for record in records for name in record})
    slowest = [records[i] for i in sorted(range(len(refresh)), key=refresh.__getitem__)
               [-max(1, len(refresh) // 100):]]
    return {"database": kind, "items": items, "edits": edits, "prepare_s": round(prepared, 1),
            "warm_up_s": round(warm_up, 2),
            "refresh_p50_ms": _percentile(refresh, 0.5), "refresh_p99_ms": _percentile(refresh, 0.99),
            "refresh_max_ms": round(1000 * max(refresh), 1),
            "two_suggestions_p50_ms": _percentile(suggest, 0.5),
            "two_suggestions_p99_ms": _percentile(suggest, 0.99),
            "embedded_by_reader": embedder.texts - embedded_before - edits,
            "hub_queue_first_s": None if queue_cold is None else round(queue_cold, 2),
            "hub_queue_after_registrations_p50_ms": _percentile(queue, 0.5) if queue else None,
            "hub_queue_after_registrations_max_ms": round(1000 * max(queue), 1) if queue
            else None,
            "stage_mean_ms": {name: round(1000 * statistics.fmean(r.get(name, 0.0)
                                                                  for r in records), 2)
                              for name in names},
            "slowest_1pct_stage_mean_ms": {
                name: round(1000 * statistics.fmean(r.get(name, 0.0) for r in slowest), 2)
                for name in names}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[3000, 15000],
                        help="items (two thirds streams, one third capacities)")
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--queue-every", type=int, default=0,
                        help="ask for the writer hub's review queue every N registrations")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite",
                        help="a SQLite file, or a fresh schema on TEST_DATABASE_URL")
    args = parser.parse_args()
    results = []
    for items in args.sizes:
        result = run(items, args.edits, args.queue_every, args.database)
        results.append(result)
        print(f"{items:>7,} items: refresh after one registration p50 "
              f"{result['refresh_p50_ms']} ms, p99 {result['refresh_p99_ms']} ms, max "
              f"{result['refresh_max_ms']} ms; two suggestions after it p50 "
              f"{result['two_suggestions_p50_ms']} ms; warm-up {result['warm_up_s']} s; "
              f"texts embedded by the reader {result['embedded_by_reader']}; "
              f"hub queue first {result['hub_queue_first_s']} s, after registrations p50 "
              f"{result['hub_queue_after_registrations_p50_ms']} ms, max "
              f"{result['hub_queue_after_registrations_max_ms']} ms; "
              f"stages (mean ms) {result['stage_mean_ms']}; slowest 1% "
              f"{result['slowest_1pct_stage_mean_ms']}", flush=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
