"""The process's suggestion service, created on first use and shared by every request."""
from __future__ import annotations

import threading

from flask import current_app

from api.db import db_session
from indexing.embedders import get_embedder
from matchmaker.suggestions import SuggestionService
from matchmaker.training import active_scorer

_KEY = "matchmaker.index"
_create_lock = threading.Lock()


def suggestion_service() -> SuggestionService:
    """This worker's service; the embedding model is loaded the first time it is asked for."""
    extensions = current_app.extensions
    if extensions.get(_KEY) is None:
        with _create_lock:
            if extensions.get(_KEY) is None:
                settings = extensions["matchmaker.settings"]
                extensions[_KEY] = SuggestionService(
                    get_embedder(settings.embedder, settings.embedder_model_path),
                    max_per_organisation=settings.max_per_organisation,
                    ann_threshold=settings.ann_threshold,
                    # a learned scorer only once `matchmaker train-scorer` found one that wins
                    scorer=active_scorer(db_session()))
    return extensions[_KEY]


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
