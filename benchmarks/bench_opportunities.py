"""Opportunities nobody serves yet on generated hubs with known gaps: found, missed, false
alarms, and the time to compute them.

    python benchmarks/bench_opportunities.py [--hubs 12] [--copies 1 4] [--embedder NAME]

`benchmarks/gap_world.py` plants, per hub and copy, 7 published streams (2 served, 5 gaps
of known kinds) and 8 capacities (6 without a good stream, one of them full). Each size
runs in a fresh SQLite database through the service's own path: the suggestion index
built from the stored vectors, then `reports.opportunities.find` for every hub at once
(cold: the first request of a worker, which loads the index from the stored vectors;
warm: again, the suggestions cached) and for one hub (cold). Medians of `--repeats`.
The same run times the reports made of that data: one hub's yearly report (its KPIs, a
year earlier and twelve months) and its workbook, the programme's view of every hub and
its workbook. Figures per size, then one JSON object on the last line.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks import gap_world  # noqa: E402
from indexing.embedders import get_embedder  # noqa: E402
from matchmaker.reports import opportunities  # noqa: E402
from matchmaker.suggestions import SuggestionService  # noqa: E402
from models import make_engine, make_session_factory, upgrade  # noqa: E402


def run(hubs: int, copies: int, embedder, repeats: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'gaps.sqlite'}"
        upgrade(url)
        engine = make_engine(url)
        sessions = make_session_factory(engine)
        with sessions() as session:
            truth = gap_world.build(session, hubs=hubs, copies=copies)
            session.commit()
            started = time.perf_counter()
            SuggestionService(embedder).build_index(session)
            session.commit()
            index_s = time.perf_counter() - started
        with sessions() as session:
            cold, warm, one_hub = [], [], []
            for _ in range(repeats):
                service = SuggestionService(embedder)  # a worker's first request
                started = time.perf_counter()
                found = opportunities.find(session, service, None, "nl")
                cold.append(time.perf_counter() - started)
                started = time.perf_counter()  # again: the suggestions are cached
                opportunities.find(session, service, None, "nl")
                warm.append(time.perf_counter() - started)
                started = time.perf_counter()
                opportunities.find(session, SuggestionService(embedder), [truth.hubs[0]], "nl")
                one_hub.append(time.perf_counter() - started)
            timings = _reports(session, truth, found, repeats)
        engine.dispose()
    figures = gap_world.score(found, truth)
    return {**figures, "hubs": hubs, "copies": copies, "index_s": round(index_s, 2),
            "all_hubs_cold_median_s": round(statistics.median(cold), 3),
            "all_hubs_warm_median_s": round(statistics.median(warm), 3),
            "one_hub_cold_median_s": round(statistics.median(one_hub), 3),
            **timings,
            "gap_recall": round(figures["gaps_found"] / figures["gaps_planted"], 4),
            "idle_recall": round(figures["idle_found"] / figures["idle_planted"], 4)}


def _reports(session, truth, found, repeats: int) -> dict[str, float]:
    """Median seconds to build the reports of the generated world and write their files."""
    import datetime as dt

    from matchmaker.config import Settings
    from matchmaker.reports import hub_report, programme, programme_workbook, workbook
    from matchmaker.reports.periods import Period

    period = Period.year(dt.date.today().year)
    steps = {
        "hub_report_s": lambda: hub_report.build(session, truth.hubs[0], period, found),
        "programme_view_s": lambda: programme.view(session, period, Settings().weights),
    }
    made = {name: step() for name, step in steps.items()}
    steps["hub_workbook_s"] = lambda: workbook.hub_workbook(made["hub_report_s"], "nl")
    steps["programme_workbook_s"] = lambda: programme_workbook.programme_workbook(
        made["programme_view_s"], found, "nl")
    timings = {}
    for name, step in steps.items():
        runs = []
        for _ in range(repeats):
            started = time.perf_counter()
            step()
            runs.append(time.perf_counter() - started)
        timings[name] = round(statistics.median(runs), 3)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hubs", type=int, default=12)
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--embedder", default="use-multilingual")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    embedder = get_embedder(args.embedder)
    results = []
    for copies in args.copies:
        result = run(args.hubs, copies, embedder, args.repeats)
        results.append(result)
        print(f"{args.hubs} hubs x {copies}: {result['streams']} streams, "
              f"{result['capacities']} capacities | gaps {result['gaps_found']}/"
              f"{result['gaps_planted']} found, {result['gaps_missed']} missed, "
              f"{result['served_reported_as_gaps']} served reported | near miss right "
              f"{result['near_miss_right']} | idle {result['idle_found']}/"
              f"{result['idle_planted']}, {result['busy_reported_idle']} busy reported | "
              f"all hubs cold {result['all_hubs_cold_median_s']} s, warm "
              f"{result['all_hubs_warm_median_s']} s, one hub cold "
              f"{result['one_hub_cold_median_s']} s | hub report {result['hub_report_s']} s, "
              f"workbook {result['hub_workbook_s']} s | programme view "
              f"{result['programme_view_s']} s, workbook {result['programme_workbook_s']} s",
              flush=True)
    print(json.dumps({"benchmark": "opportunities", "embedder": args.embedder,
                      "load_average": os.getloadavg()[0], "results": results}))


if __name__ == "__main__":
    main()
