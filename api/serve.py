"""Run the app under gunicorn (production) or Flask's development server (`--dev`)."""
from __future__ import annotations

import gc
import logging
import os
from typing import Any

from matchmaker.config import Settings

ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
logger = logging.getLogger(__name__)


def default_workers() -> int:
    # gunicorn's rule of thumb (2 x cores + 1) oversubscribes a 2-core box once
    # ranking uses numpy; one worker per core plus one keeps latency flat.
    return (os.cpu_count() or 1) + 1


def run_gunicorn(settings: Settings, host: str, port: int, workers: int,
                 **options: Any) -> None:
    from gunicorn.app.base import BaseApplication
    from threadpoolctl import threadpool_limits

    # imported before the fork: the workers share the modules instead of each importing them
    from api.app import create_app
    from api.suggestion_index import preload, warm_up

    class _Application(BaseApplication):
        def load_config(self) -> None:
            config = {"bind": f"{host}:{port}", "workers": workers, "timeout": 120,
                      "accesslog": "-", "errorlog": "-",
                      # gunicorn's default line plus the time the worker spent, in ms
                      "access_log_format": ACCESS_LOG_FORMAT, **options}
            for key, value in config.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            # Each worker builds its own app (database engine, mail queue) after the fork.
            threadpool_limits(1)   # see below
            app = create_app(settings)
            # Warm before accepting requests: the suggestion index the master loaded only
            # needs what changed since (without it: loading everything, seconds at 10k
            # items). A database that is not there yet only delays it to the first /readyz.
            with app.app_context():
                try:
                    warm_up()
                except Exception:  # noqa: BLE001 - readyz reports and retries
                    app.logger.exception("warm-up failed; /readyz will retry")
            # The index is ~200k long-lived objects: a full garbage collection walking them
            # took ~150 ms (a request stalled behind it). Frozen, they are never walked.
            gc.freeze()
            return app

    # One BLAS thread per process: the workers already fill the cores, and a second
    # thread per ranking only added wake-up latency (p99 9.7 ms against 7.2 ms at 10k
    # capacities, benchmarks/bench_rank.py --blas-threads 2).
    threadpool_limits(1)
    # what the service logs before gunicorn's own logging starts (the stored index
    # loaded or refused), in the format Flask's handler gives the app's lines
    logging.basicConfig(format="[%(asctime)s] %(levelname)s in %(module)s: %(message)s")
    logging.getLogger("matchmaker").setLevel(logging.INFO)
    # The master loads the index and the model once; the workers it forks share those
    # pages copy-on-write instead of each loading its own copy.
    try:
        preload(settings)
    except Exception:  # noqa: BLE001 - then each worker loads its own, as /readyz retries
        logger.exception("the suggestion index could not be loaded before forking")
    # Frozen, the collector never writes into the objects the workers share.
    gc.freeze()
    _Application().run()
