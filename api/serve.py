"""Run the app under gunicorn (production) or Flask's development server (`--dev`)."""
from __future__ import annotations

import gc
import os
from collections.abc import Callable
from typing import Any

from flask import Flask

ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'


def default_workers() -> int:
    # gunicorn's rule of thumb (2 x cores + 1) oversubscribes a 2-core box once
    # ranking uses numpy; one worker per core plus one keeps latency flat.
    return (os.cpu_count() or 1) + 1


def run_gunicorn(factory: Callable[[], Flask], host: str, port: int, workers: int,
                 **options: Any) -> None:
    from gunicorn.app.base import BaseApplication

    class _Application(BaseApplication):
        def load_config(self) -> None:
            settings = {"bind": f"{host}:{port}", "workers": workers, "timeout": 120,
                        "accesslog": "-", "errorlog": "-",
                        # gunicorn's default line plus the time the worker spent, in ms
                        "access_log_format": ACCESS_LOG_FORMAT, **options}
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            # Each worker builds its own app (and database engine) after the fork.
            # One BLAS thread per worker: the workers already fill the cores, and a
            # second thread per ranking only added wake-up latency (p99 9.7 ms against
            # 7.2 ms at 10k capacities, benchmarks/bench_rank.py --blas-threads 2).
            from threadpoolctl import threadpool_limits

            threadpool_limits(1)
            app = factory()
            # Warm before accepting requests: loading the index, fitting the lexical
            # channel and loading the model take seconds at 10k items. A database that
            # is not there yet only delays it to the first /readyz.
            from api.suggestion_index import warm_up

            with app.app_context():
                try:
                    warm_up()
                except Exception:  # noqa: BLE001 - readyz reports and retries
                    app.logger.exception("warm-up failed; /readyz will retry")
            # The index is ~200k long-lived objects: a full garbage collection walking them
            # took ~150 ms (a request stalled behind it). Frozen, they are never walked.
            gc.freeze()
            return app

    _Application().run()
