"""Ranking an exchange file end to end, the way the service does, and scoring it.

`rank_exchange` imports the file into a fresh temporary SQLite database,
embeds and indexes it, and asks the suggestion service for every stream:
the same path a hub's data takes, so its figures are the service's figures.
"""
from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from indexing.embedders import Embedder
from indexing.metrics import evaluate
from models import Capacity, Stream, make_engine, make_session_factory, upgrade

from .exchange import import_exchange
from .suggestions import SuggestionService

SOURCE = "exchange"


@dataclass(frozen=True)
class RankRun:
    """Ranked capacity ids (exchange ids, best first) per stream, and each stream's language."""

    ranking: dict[str, list[str]]
    languages: dict[str, str]
    # stream -> [(capacity, features)] in rank order: what a learned scorer trains on
    features: dict[str, list[tuple[str, dict[str, float]]]]


def rank_exchange(data: dict, embedder: Embedder, *, top: int = 10,
                  max_per_organisation: int = 2,
                  progress: Callable[[int, int], None] | None = None) -> RankRun:
    with tempfile.TemporaryDirectory(prefix="matchmaker-rank-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'rank.sqlite'}"
        upgrade(url)
        engine = make_engine(url)
        try:
            with make_session_factory(engine)() as session:
                import_exchange(session, data, source=SOURCE)
                service = SuggestionService(embedder, max_per_organisation=max_per_organisation)
                service.build_index(session)
                session.commit()
                service.refresh(session, force=True)
                capacity_ids = dict(session.execute(sa.select(Capacity.id, Capacity.external_id)).all())
                streams = session.execute(
                    sa.select(Stream.id, Stream.external_id).order_by(Stream.id)).all()
                ranking, languages, features = {}, {}, {}
                for done, (stream_id, external_id) in enumerate(streams, start=1):
                    suggestions = service.for_stream(session, stream_id, k=top)
                    ranking[external_id] = [capacity_ids[int(s.target_id)] for s in suggestions]
                    features[external_id] = [(capacity_ids[int(s.target_id)], s.features)
                                             for s in suggestions]
                    languages[external_id] = service.language_of("stream", stream_id) or "nl"
                    if progress:
                        progress(done, len(streams))
        finally:
            engine.dispose()
    return RankRun(ranking=ranking, languages=languages, features=features)


def score_run(run: RankRun, qrels: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, float]]:
    """Metrics overall and per stream language ("all", "nl", "fr", "en", ...)."""
    out = {"all": evaluate(run.ranking, qrels)}
    for language in sorted(set(run.languages.values())):
        subset = {sid: g for sid, g in qrels.items() if run.languages.get(sid) == language}
        if subset:
            out[language] = evaluate(run.ranking, subset)
    return out
