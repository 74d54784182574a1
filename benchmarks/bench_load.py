"""Load benchmark: the service under gunicorn, driven by a bounded client loop.

Generates a realistic data set (organisations, streams, capacities across hubs in
Dutch, French and English), imports it with `matchmaker import`, serves the app
with gunicorn on 127.0.0.1, and runs a separate client process: N concurrent
clients for S seconds mixing reads, suggestions, registrations and decisions.
Prints requests/s, p50/p95/p99 per request type and the errors; the last line is
one JSON object.

    python benchmarks/bench_load.py                        # SQLite, full size, 50 x 60 s
    python benchmarks/bench_load.py --think 0              # clients without pauses
    python benchmarks/bench_load.py --database postgresql  # on TEST_DATABASE_URL
    python benchmarks/bench_load.py --smoke                # small data, 4 clients, 5 s
    python benchmarks/bench_load.py --scale 0.2 --seconds 20   # a fifth of the data, 20 s
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# Centres of the hubs (lat, lon) and the language spoken there.
HUBS = (
    ("hub-gent", "Circulair Werk(t) Gent", 51.054, 3.717, "nl"),
    ("hub-antwerpen", "Circulair Werk(t) Antwerpen", 51.219, 4.402, "nl"),
    ("hub-limburg", "Circulair Werk(t) Limburg", 50.930, 5.338, "nl"),
    ("hub-brussel", "Circulair Werk(t) Brussel", 50.846, 4.352, "fr"),
    ("hub-kortrijk", "Circulair Werk(t) Zuid-West-Vlaanderen", 50.828, 3.265, "nl"),
)
# material id, ewc code, words per language
MATERIALS = (
    ("workwear", "20 01 10", {"nl": "gebruikte werkkledij", "fr": "vêtements de travail usagés",
                              "en": "used workwear"}),
    ("ict_equipment", "20 01 35*", {"nl": "afgeschreven laptops", "fr": "ordinateurs portables",
                                    "en": "written-off laptops"}),
    ("pallets", "15 01 03", {"nl": "houten paletten", "fr": "palettes en bois",
                             "en": "wooden pallets"}),
    ("food_surplus", "02 03 04", {"nl": "voedseloverschotten", "fr": "surplus alimentaires",
                                  "en": "food surplus"}),
    ("office_furniture", "20 03 07", {"nl": "kantoormeubilair", "fr": "mobilier de bureau",
                                      "en": "office furniture"}),
    ("bicycles", "", {"nl": "oude fietsen", "fr": "vieux vélos", "en": "old bicycles"}),
    ("banners_pvc", "", {"nl": "pvc-spandoeken", "fr": "bâches en pvc", "en": "pvc banners"}),
    ("coffee_grounds", "", {"nl": "koffiedik", "fr": "marc de café", "en": "coffee grounds"}),
)
SERVICES = ("collection", "sorting", "repair", "refurbishment", "dismantling", "data_wiping",
            "resale", "upcycling", "redistribution", "logistics")
STREAM_TEXT = {
    "nl": "Wij hebben elk jaar {amount} {unit} {what}. Wie kan dit ophalen en hergebruiken?",
    "fr": "Nous avons chaque année {amount} {unit} de {what}. Qui peut les reprendre ?",
    "en": "Every year we have {amount} {unit} of {what}. Who can collect and reuse them?",
}
CAPACITY_TEXT = {
    "nl": "Ons team verwerkt {what}: {services}. Ophaling in de regio.",
    "fr": "Notre équipe traite {what} : {services}. Collecte dans la région.",
    "en": "Our team handles {what}: {services}. Collection in the region.",
}


def generate_exchange(organisations: int, streams: int, capacities: int,
                      seed: int = 7) -> dict[str, Any]:
    """An exchange document of the given size, with free text in the hubs' languages."""
    records = generate_records(organisations, streams, capacities, seed)
    return {"format": "circular-match-exchange/1", "hubs": records["hubs"],
            "organisations": records["organisations"], "streams": list(records["streams"]),
            "capacities": list(records["capacities"])}


def generate_records(organisations: int, streams: int, capacities: int,
                     seed: int = 7) -> dict[str, Any]:
    """`generate_exchange`'s records with the streams and capacities as iterators made one
    record at a time (a million streams need not be held at once). The same seed gives
    the same records when the streams are consumed before the capacities."""
    rng = random.Random(seed)
    hubs = [{"id": hub_id, "name": name, "location": {"lat": lat, "lon": lon}}
            for hub_id, name, lat, lon, _ in HUBS]
    # Roughly a third of the organisations are social enterprises.
    enterprises, companies, orgs = [], [], []
    for i in range(organisations):
        hub_id, _, lat, lon, language = HUBS[i % len(HUBS)]
        social = i % 3 == 0
        org_id = f"org-{i:05d}"
        (enterprises if social else companies).append((org_id, language))
        orgs.append({
            "id": org_id, "kind": "social_enterprise" if social else "company",
            "name": f"{'Atelier' if social else 'Bedrijf'} {i} {rng.choice(['vzw', 'nv', 'bv'])}",
            "hub": hub_id, "language": language,
            "recognitions": ["maatwerkbedrijf"] if social else [],
            "location": {"lat": round(lat + rng.uniform(-0.2, 0.2), 4),
                         "lon": round(lon + rng.uniform(-0.3, 0.3), 4)},
            "contact": {"name": f"Contact {i}", "email": f"contact{i}@org{i}.example"}})

    def stream_records() -> Iterator[dict[str, Any]]:
        for i in range(streams):
            org_id, language = companies[i % len(companies)]
            material, ewc, words = rng.choice(MATERIALS)
            amount, unit = rng.choice(((2, "t"), (300, "kg"), (50, "units"), (12, "m3")))
            yield {
                "id": f"s-{i:06d}", "organisation": org_id, "language": language,
                "title": words[language].capitalize(),
                "description": STREAM_TEXT[language].format(amount=amount, unit=unit,
                                                            what=words[language]),
                # Half the streams come as free text only, as most forms are filled in.
                **({"materials": [material], "services_wanted": rng.sample(SERVICES, 2),
                    "quantity": {"amount": amount, "unit": unit, "per": "year"}}
                   if i % 2 else {}),
                **({"ewc_codes": [ewc]} if ewc and i % 4 == 1 else {})}

    def capacity_records() -> Iterator[dict[str, Any]]:
        for i in range(capacities):
            org_id, language = enterprises[i % len(enterprises)]
            material, _, words = rng.choice(MATERIALS)
            services = rng.sample(SERVICES, 3)
            yield {
                "id": f"c-{i:06d}", "organisation": org_id, "language": language,
                "title": f"{words[language].capitalize()}: {services[0]}",
                "description": CAPACITY_TEXT[language].format(what=words[language],
                                                              services=", ".join(services)),
                "services": services, "materials": [material],
                "capacity": {"amount": rng.choice((1, 5, 20)), "unit": "t", "per": "month"},
                "service_radius_km": rng.choice((20, 40, 80)),
                "target_group_fte": rng.randint(2, 60)}

    return {"hubs": hubs, "organisations": orgs, "streams": stream_records(),
            "capacities": capacity_records()}


# --- preparing a database ------------------------------------------------------------------

SMOKE_SIZES = (60, 200, 100)
FULL_SIZES = (2000, 10_000, 5000)
# Proportions a hub would see: mostly people looking, some asking for suggestions,
# a few registering and deciding.
MIX = (("read", 55), ("suggestions", 25), ("registration", 10), ("decision", 10))


def _env(database_url: str, home: Path) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "MATCHMAKER_HOME": str(home),
            "SECRET_KEY": "bench-load", "PYTHONPATH": str(ROOT)}


def _matchmaker(args: list[str], env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-c", "from api.cli import main; main()", *args],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def prepare(database_url: str, sizes: tuple[int, int, int], workdir: Path,
            matches_per_hub: int) -> dict[str, Any]:
    """Import and index a generated data set; accounts, tokens and proposed matches per hub.

    Returns the plan the clients follow: per hub a facilitator token, member tokens with
    their organisation, stream ids and matches waiting for a decision.
    """
    import sqlalchemy as sa

    from matchmaker import workflow
    from matchmaker.accounts import ensure_facilitator
    from matchmaker.tokens import create_api_token
    from models import Capacity, Hub, Organisation, Stream, User, make_engine, make_session_factory

    data = workdir / "data.json"
    data.write_text(json.dumps(generate_exchange(*sizes)), encoding="utf-8")
    env = _env(database_url, workdir / "home")
    started = time.perf_counter()
    _matchmaker(["import", str(data)], env)
    imported = time.perf_counter()
    _matchmaker(["index"], env)
    indexed = time.perf_counter()
    engine = make_engine(database_url)
    plan: dict[str, Any] = {"hubs": [], "timing_s": {"import": round(imported - started, 1),
                                                    "index": round(indexed - imported, 1)}}
    with make_session_factory(engine)() as session:
        for hub in session.scalars(sa.select(Hub).order_by(Hub.id)):
            facilitator = ensure_facilitator(session, f"fac.{hub.id}@bench.example", "bench-load-password",
                                             [hub])
            session.flush()
            members = []
            companies = session.scalars(sa.select(Organisation).where(
                Organisation.hub_id == hub.id, Organisation.kind == "company")
                .order_by(Organisation.id).limit(5)).all()
            for org in companies:
                member = User(email=f"member.{org.id}@bench.example", role="member",
                              organisation=org)
                session.add(member)
                session.flush()
                members.append([org.id, create_api_token(session, member, "bench")[1]])
            streams = session.scalars(sa.select(Stream).join(Organisation).where(
                Organisation.hub_id == hub.id).order_by(Stream.id)).all()
            capacities = session.scalars(sa.select(Capacity).order_by(Capacity.id)).all()
            matches = []
            for i, stream in enumerate(streams[:matches_per_hub]):
                match = workflow.take_suggestion(session, facilitator, stream,
                                                 capacities[i % len(capacities)], 0.5, {},
                                                 "bench")
                matches.append([match.id, match.version])
            plan["hubs"].append({
                "facilitator": create_api_token(session, facilitator, "bench")[1],
                "members": members, "streams": [s.id for s in streams], "matches": matches})
        session.commit()
    engine.dispose()
    plan["timing_s"]["accounts"] = round(time.perf_counter() - indexed, 1)
    return plan


# --- the client process ----------------------------------------------------------------------

class Client:
    """One simulated user: a keep-alive connection and the hub it works in."""

    def __init__(self, host: str, port: int, hub: dict[str, Any], decisions: queue.Queue,
                 rng: random.Random) -> None:
        self.connection = http.client.HTTPConnection(host, port, timeout=30)
        self.hub, self.decisions, self.rng = hub, decisions, rng
        # the server's stages of the last response (its Server-Timing header), in seconds
        self.stages: dict[str, float] = {}

    def request(self, method: str, path: str, token: str, body: Any = None) -> int:
        headers = {"Authorization": f"Bearer {token}"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            self.connection.request(method, path, body=payload, headers=headers)
            response = self.connection.getresponse()
        except (http.client.HTTPException, OSError):
            # gunicorn's sync workers close after each response: reconnect once.
            self.connection.close()
            self.connection.request(method, path, body=payload, headers=headers)
            response = self.connection.getresponse()
        response.read()
        self.stages = parse_server_timing(response.getheader("Server-Timing", ""))
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
        return response.status

    def one(self, kind: str) -> tuple[str, int, int]:
        """Send one request of `kind`; returns the kind really sent, the status, the expected."""
        hub, token = self.hub, self.hub["facilitator"]
        stream = self.rng.choice(hub["streams"])
        if kind == "decision":
            try:
                match_id, version = self.decisions.get_nowait()
            except queue.Empty:
                kind = "read"
            else:
                return kind, self.request("POST", f"/api/v1/matches/{match_id}/decisions", token,
                                          {"to_status": "accepted", "version": version}), 201
        if kind == "read":
            if self.rng.random() < 0.5:
                return kind, self.request("GET", f"/api/v1/streams/{stream}", token), 200
            page = self.rng.randint(1, 20)
            return kind, self.request("GET", f"/api/v1/streams?page={page}&page_size=20",
                                      token), 200
        if kind == "suggestions":
            return kind, self.request("GET", f"/api/v1/streams/{stream}/suggestions?k=10",
                                      token), 200
        org_id, member_token = self.rng.choice(hub["members"])
        material, _, words = self.rng.choice(MATERIALS)
        return kind, self.request("POST", f"/api/v1/organisations/{org_id}/streams",
                                  member_token, {
                                      "title": words["nl"].capitalize(),
                                      "description": f"Nieuwe partij {words['nl']}, ophaling "
                                                     "gewenst.",
                                      "materials": [material]}), 201


def parse_server_timing(header: str) -> dict[str, float]:
    """'refresh;dur=1.20, candidates;dur=3.40' -> {"refresh": 0.0012, ...} (seconds)."""
    out = {}
    for part in header.split(","):
        name, _, rest = part.strip().partition(";dur=")
        if name and rest:
            out[name] = float(rest) / 1000
    return out


def stage_summary(records: list[dict[str, float]]) -> dict[str, Any]:
    """Per stage of the suggestion requests: p50/p95/p99 and mean (a stage a request did not
    run counts as 0), and what the slowest 1% of requests (by server total) spent where."""
    if not records:
        return {}
    names = sorted({name for record in records for name in record})
    by_total = sorted(records, key=lambda r: r.get("total", 0.0))
    tail = by_total[int(0.99 * len(by_total)):] or by_total[-1:]
    out = {}
    for name in names:
        values = [r.get(name, 0.0) for r in records]
        out[name] = {**_summary(values),
                     "mean_ms": round(1000 * sum(values) / len(values), 2),
                     "tail_mean_ms": round(1000 * sum(r.get(name, 0.0) for r in tail)
                                           / len(tail), 2)}
    return out


def run_clients(base_url: str, plan: dict[str, Any], clients: int, seconds: float,
                think: float = 0.0, seed: int = 11) -> dict[str, Any]:
    """`clients` threads sending the MIX for `seconds`; latencies and errors per kind.

    Each client pauses a random time of mean `think` seconds before and between its
    requests, as a person reads a page before the next click (exponential pauses, so the
    first one puts the clients where a running service would find them); 0 sends back to
    back from the same instant (the server's saturation point, where latency is mostly
    time spent queueing)."""
    parsed = _loopback(base_url)
    pools = []
    for hub in plan["hubs"]:
        pool: queue.Queue = queue.Queue()
        for match in hub["matches"]:
            pool.put(tuple(match))
        pools.append(pool)
    kinds, weights = zip(*MIX, strict=True)
    latencies: dict[str, list[float]] = {kind: [] for kind in kinds}
    errors: list[str] = []
    stage_records: list[dict[str, float]] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def work(number: int) -> None:
        rng = random.Random(seed + number)
        hub_index = number % len(plan["hubs"])
        client = Client(parsed.hostname, parsed.port, plan["hubs"][hub_index],
                        pools[hub_index], rng)
        if think:
            # Start as if already reading a page: people do not click in unison. Without
            # this all clients fire in the same millisecond and the queue of that one burst
            # (50 requests on 3 workers, up to 250 ms) was the whole of the p99.
            time.sleep(rng.expovariate(1 / think))
        while time.monotonic() < deadline:
            wanted = rng.choices(kinds, weights)[0]
            started = time.perf_counter()
            try:
                kind, status, expected = client.one(wanted)
            except (http.client.HTTPException, OSError) as err:
                kind, status, expected = wanted, 0, -1
                message = f"{wanted}: {type(err).__name__}: {err}"
            else:
                message = f"{kind}: HTTP {status}"
            elapsed = time.perf_counter() - started
            with lock:
                latencies[kind].append(elapsed)
                if kind == "suggestions" and client.stages:
                    stage_records.append(client.stages)
                if status != expected:
                    errors.append(message)
            if think:
                time.sleep(min(rng.expovariate(1 / think), max(0.0, deadline - time.monotonic())))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    total = sum(len(v) for v in latencies.values())
    return {"clients": clients, "think_s": think, "seconds": round(wall, 1), "requests": total,
            "requests_per_s": round(total / wall, 1), "errors": len(errors),
            "error_samples": sorted(set(errors))[:10],
            "by_type": {kind: _summary(values) for kind, values in latencies.items()},
            "suggestion_stages": stage_summary(stage_records)}


def burst(base_url: str, plan: dict[str, Any], clients: int) -> dict[str, Any]:
    """`clients` reads sent in the same instant, as if everyone clicked at once: how long
    the last one waits while the workers work through the queue (no target; reported)."""
    parsed = _loopback(base_url)
    barrier = threading.Barrier(clients)
    latencies: list[float] = []
    failed: list[int] = []
    lock = threading.Lock()

    def one(number: int) -> None:
        rng = random.Random(number)
        hub = plan["hubs"][number % len(plan["hubs"])]
        client = Client(parsed.hostname, parsed.port, hub, queue.Queue(), rng)
        # an organisation, not a stream: the access log's read figures stay those of the run
        path = f"/api/v1/organisations/{rng.choice(hub['members'])[0]}"
        barrier.wait()
        started = time.perf_counter()
        status = client.request("GET", path, hub["facilitator"])
        with lock:
            latencies.append(time.perf_counter() - started)
            if status != 200:
                failed.append(status)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {**_summary(latencies), "max_ms": round(1000 * max(latencies), 1),
            "errors": len(failed)}


def _loopback(base_url: str) -> urllib.parse.SplitResult:
    parsed = urllib.parse.urlsplit(base_url)
    if parsed.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("the load benchmark only drives loopback addresses")
    return parsed


_LOGGED = re.compile(r'"(GET|POST|PATCH|DELETE) ([^ ?]+)[^"]*" (\d{3}) .* (\d+)ms$')


def _kind_of(method: str, path: str) -> str | None:
    if path.endswith("/suggestions"):
        return "suggestions"
    if method == "POST" and path.endswith("/decisions"):
        return "decision"
    if method == "POST" and path.endswith("/streams"):
        return "registration"
    if method == "GET" and path.startswith("/api/v1/streams"):
        return "read"
    return None


def server_times(log: str, since_line: int) -> dict[str, Any]:
    """p50/p95/p99 per request type as the workers measured them (gunicorn's access log,
    from line `since_line` on): the time spent in the server, without the client's."""
    times: dict[str, list[float]] = {kind: [] for kind, _ in MIX}
    for line in log.splitlines()[since_line:]:
        found = _LOGGED.search(line)
        kind = found and _kind_of(found.group(1), found.group(2))
        if kind:
            times[kind].append(int(found.group(4)) / 1000)
    return {kind: _summary(values) for kind, values in times.items()}


def _summary(seconds: list[float]) -> dict[str, Any]:
    if not seconds:
        return {"count": 0}
    ordered = sorted(seconds)

    def at(q: float) -> float:
        return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {"count": len(ordered), "p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99)}


# --- serving and orchestration ---------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_ready(base_url: str, workers: int, timeout: float = 600) -> None:
    """Until /readyz answers 200 often enough for every worker to have loaded its index."""
    deadline, ready = time.monotonic() + timeout, 0
    while ready < 4 * workers:
        if time.monotonic() > deadline:
            raise SystemExit(f"the server was not ready within {timeout:.0f} s")
        try:
            with urllib.request.urlopen(base_url + "/readyz", timeout=120) as response:
                ready += response.status == 200
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)


def _warm_up(base_url: str, plan: dict[str, Any], workers: int) -> None:
    """One registration, then suggestions until every worker has embedded it: a worker
    loads its embedding model the first time it must embed, which is not what a
    running service's requests cost."""
    parsed = urllib.parse.urlsplit(base_url)
    client = Client(parsed.hostname, parsed.port, plan["hubs"][0], queue.Queue(),
                    random.Random(0))
    client.one("registration")
    time.sleep(1)
    for _ in range(6 * workers):
        client.one("suggestions")


@contextmanager
def database(kind: str, workdir: Path) -> Iterator[str]:
    """A fresh SQLite file, or a fresh schema on TEST_DATABASE_URL dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'load.sqlite'}"
        return
    import sqlalchemy as sa

    from models import make_engine

    base = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    schema = f"bench_load_{os.getpid()}"
    admin = make_engine(base)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield sa.make_url(base).update_query_dict(
            {"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def benchmark(kind: str, sizes: tuple[int, int, int], clients: int, seconds: float,
              workers: int, think: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp, \
            database(kind, Path(tmp)) as url:
        workdir = Path(tmp)
        plan = prepare(url, sizes, workdir, matches_per_hub=max(50, int(clients * seconds / 10)))
        plan_path = workdir / "plan.json"
        plan_path.write_text(json.dumps(plan), encoding="utf-8")
        port = _free_port()
        log = (workdir / "gunicorn.log").open("w")
        server = subprocess.Popen(
            [sys.executable, "-c", "from api.cli import main; main()", "serve",
             "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
            cwd=ROOT, env=_env(url, workdir / "home"), stdout=log, stderr=subprocess.STDOUT)
        base_url = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(base_url, workers)
            _warm_up(base_url, plan, workers)
            log.flush()
            measured_from = len((workdir / "gunicorn.log").read_text(errors="replace")
                                .splitlines())
            # The clients run in a process of their own so their work is not the server's.
            client = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--client", base_url,
                 "--plan", str(plan_path), "--clients", str(clients), "--seconds", str(seconds),
                 "--think", str(think)],
                cwd=ROOT, env=_env(url, workdir / "home"), check=True, capture_output=True,
                text=True, timeout=seconds + 300)
        finally:
            server.terminate()
            server.wait(timeout=60)
            log.close()
        result = json.loads(client.stdout.strip().splitlines()[-1])
        server_log = (workdir / "gunicorn.log").read_text(errors="replace")
    return {"database": kind, "workers": workers,
            "data": dict(zip(("organisations", "streams", "capacities"), sizes, strict=True)),
            "prepare_s": plan["timing_s"], **result,
            "server_side": server_times(server_log, measured_from),
            "database_locked": server_log.count("database is locked"),
            "server_errors_logged": server_log.count("unhandled error")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean pause of a client between requests in seconds "
                             "(0: back to back)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="data size as a share of the full set (0.2: 400 organisations, "
                             "2,000 streams, 1,000 capacities)")
    parser.add_argument("--smoke", action="store_true",
                        help="a small data set, 4 clients for 5 s (to check the benchmark runs)")
    parser.add_argument("--client", metavar="BASE_URL", help=argparse.SUPPRESS)
    parser.add_argument("--plan", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        plan = json.loads(args.plan.read_text(encoding="utf-8"))
        result = run_clients(args.client, plan, args.clients, args.seconds, args.think)
        print(json.dumps({**result, "burst": burst(args.client, plan, args.clients)}))
        return
    if args.smoke:
        sizes, args.clients, args.seconds, args.think = SMOKE_SIZES, 4, 5, 0.05
    else:
        sizes = tuple(max(10, round(args.scale * n)) for n in FULL_SIZES)
    result = benchmark(args.database, sizes, args.clients, args.seconds, args.workers,
                       args.think)
    print(f"{result['database']}: {result['requests']} requests in {result['seconds']} s "
          f"({result['requests_per_s']}/s) from {result['clients']} clients "
          f"(think {result['think_s']} s), "
          f"{result['errors']} errors, {result['database_locked']} 'database is locked'")
    for kind, figures in result["by_type"].items():
        print(f"  {kind:13} client {figures}")
        print(f"  {'':13} server {result['server_side'][kind]}")
    print("  suggestion stages (server, ms; tail = mean over the slowest 1%):")
    for name, figures in result["suggestion_stages"].items():
        print(f"    {name:14} p50 {figures['p50_ms']:7} p99 {figures['p99_ms']:7} "
              f"mean {figures['mean_ms']:7} tail {figures['tail_mean_ms']:7}")
    print(f"  {result['clients']} reads at the same instant: {result['burst']}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
