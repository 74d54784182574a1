"""What every command needs: a migrated database session, the configured embedder, a bar."""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session
from tqdm import tqdm

from indexing.embedders import Embedder, get_embedder
from matchmaker.config import Settings
from models import make_engine, make_session_factory, upgrade

if TYPE_CHECKING:
    from matchmaker.suggestions import SuggestionService

PLURAL = {"stream": "streams", "capacity": "capacities"}


@contextmanager
def database_session(settings: Settings, *, migrate: bool = True) -> Iterator[Session]:
    """A session on the configured database, brought to the latest schema first."""
    if migrate:
        upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


def configured_embedder(settings: Settings) -> Embedder:
    return get_embedder(settings.embedder, settings.embedder_model_path)


def stored_index_service(settings: Settings) -> SuggestionService:
    """A service that writes the index the web workers load (settings as theirs)."""
    from matchmaker.suggestions import SuggestionService

    return SuggestionService(configured_embedder(settings),
                             max_per_organisation=settings.max_per_organisation,
                             ann_threshold=settings.ann_threshold,
                             snapshot_dir=settings.snapshot_dir)


@contextmanager
def progress_bar(description: str, unit: str = "item") -> Iterator[Callable[[int, int], None]]:
    """A tqdm bar on stderr, fed with (done, total); silent when stderr is not a terminal."""
    with tqdm(desc=description, unit=unit, file=sys.stderr, disable=None) as bar:
        def update(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        yield update
