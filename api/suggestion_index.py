"""The process's suggestion service, created on first use and shared by every request.

Under gunicorn the master creates and loads it before forking (`preload`): every worker
starts from that copy, whose pages the workers share until one of them changes them, and
refreshes from there what was written since.

A worker brings its index up to date after each response it sent (`install`), not in
the next suggestion request: what another worker wrote is read while this one would
otherwise wait for a connection, and a suggestion finds the index fresh.
"""
from __future__ import annotations

import threading

from flask import Flask, Response, current_app
from sqlalchemy.orm import Session

from api.db import db_session
from indexing.embedders import get_embedder
from matchmaker import stages
from matchmaker.config import Settings
from matchmaker.suggestions import SuggestionService
from matchmaker.training import active_scorer
from models import make_engine, make_session_factory

_KEY = "matchmaker.index"
_create_lock = threading.Lock()
# (settings, service) loaded by `preload` in this process or the one it was forked from
_preloaded: tuple[Settings, SuggestionService] | None = None


def _new_service(settings: Settings, session: Session) -> SuggestionService:
    return SuggestionService(
        get_embedder(settings.embedder, settings.embedder_model_path),
        max_per_organisation=settings.max_per_organisation,
        ann_threshold=settings.ann_threshold, snapshot_dir=settings.snapshot_dir,
        # a learned scorer only once `matchmaker train-scorer` found one that wins
        scorer=active_scorer(session))


def suggestion_service() -> SuggestionService:
    """This worker's service; the embedding model is loaded the first time it is asked for."""
    extensions = current_app.extensions
    if extensions.get(_KEY) is None:
        with _create_lock:
            if extensions.get(_KEY) is None:
                settings = extensions["matchmaker.settings"]
                if _preloaded is not None and _preloaded[0] == settings:
                    extensions[_KEY] = _preloaded[1]
                else:
                    extensions[_KEY] = _new_service(settings, db_session())
    return extensions[_KEY]


def preload(settings: Settings) -> SuggestionService:
    """Create and load the service for `settings` in this process, for the apps of the
    processes it forks (api/serve.py). Its database connections are closed before it
    returns: a pooled connection shared by forked processes would mix their traffic
    (SQLAlchemy's "Using Connection Pools with Multiprocessing or os.fork()")."""
    global _preloaded
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            service = _new_service(settings, session)
            service.warm_up(session)
    finally:
        engine.dispose()
    _preloaded = (settings, service)
    return service


def warm_up() -> None:
    """Get this worker's suggestions ready to answer at full speed (see `warm_up`)."""
    suggestion_service().warm_up(db_session())


def index_written(kind: str, item_ids: list[int]) -> None:
    """Store the vectors of items this request just committed, in their own transaction.

    Every worker then reads the stored vector instead of embedding the text again, and this
    worker's next suggestion already sees the change. The item itself is saved whatever
    happens here: should embedding fail, the next index refresh embeds it.
    """
    session = db_session()
    try:
        suggestion_service().index_items(session, kind, item_ids)
        session.commit()
    except Exception:  # the write the user asked for succeeded; indexing catches up later
        session.rollback()
        current_app.logger.exception("indexing %s %s failed; the next refresh retries",
                                     kind, item_ids)


def install(app: Flask) -> None:
    """Refresh this worker's suggestion index after a response is sent, when it is due.

    The refresh (reading what other workers wrote, loading it, updating the lexical and
    vector indexes) used to run inside the first suggestion request after a change: under
    load that was the suggestions' slowest 1% (benchmarks/bench_load.py). A request still
    refreshes itself when the index was not looked at for `refresh_seconds` (a worker
    that was idle), so what it answers is never older than before.
    """
    @app.after_request
    def _refresh_when_sent(response: Response) -> Response:
        service = current_app.extensions.get(_KEY)
        if service is not None and service.refresh_due():
            response.call_on_close(_refresher(current_app._get_current_object(), service))
        return response


def _refresher(app: Flask, service: SuggestionService):
    def refresh() -> None:
        # after the response: the request's app context and its session are gone, and
        # its Server-Timing record was sent
        stages.stop()
        try:
            with app.app_context():
                service.refresh(db_session())
        except Exception:  # noqa: BLE001 - the next request refreshes, or reports
            app.logger.exception("refreshing the suggestion index after a response failed")
    return refresh
