"""Suggestions (computed, never stored) and text analysis.

    GET  /api/v1/streams/<id>/suggestions       capacities of every hub for a stream
    GET  /api/v1/capacities/<id>/suggestions    streams of every hub for a capacity
    GET  /api/v1/hubs/<id>/suggestion-queue     the hub's unreviewed suggestions
    POST /api/v1/analysis                       materials, services, quantity from free text

Suggested items of other organisations show their non-personal fields only.
"""
from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Response, g
from flask.views import MethodView

from api.auth import require_user
from api.db import db_session
from api.openapi import Blueprint
from api.schemas import AnalysisIn, AnalysisOut, QueueArgs, SuggestionArgs, SuggestionOut
from api.suggestion_index import suggestion_service
from matchmaker import review_queue, scoping, stages
from matchmaker.analysis import Analysis, analyse
from matchmaker.engine.ranker import Suggestion
from matchmaker.errors import PermissionDenied
from models import Capacity, Hub, Match, Organisation, Stream

blp = Blueprint("suggestions", __name__, url_prefix="/api/v1",
                description="Suggested partners with their reasons, and free-text analysis.")
blp.before_request(lambda: require_user() and None)


@blp.before_request
def _start_timing() -> None:
    g.stages, g.started = stages.start(), time.perf_counter()


@blp.after_request
def _send_timing(response: Response) -> Response:
    # what follows the view (the schema's dump, JSON) is the serialisation
    if "stages" in g:
        now = time.perf_counter()
        if "view_done" in g:
            stages.add("serialisation", now - g.view_done)
        stages.add("total", now - g.started)
        response.headers["Server-Timing"] = stages.server_timing(g.stages)
        # the worker's next request (of any kind) starts without this record
        stages.stop()
    return response


def _timed(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = view(*args, **kwargs)
        g.view_done = time.perf_counter()
        return result
    return wrapper


def _views(pairs: list[tuple[int, int, Suggestion]], target: type[Stream] | type[Capacity]
           ) -> list[dict[str, Any]]:
    """(stream id, capacity id, suggestion) -> what the API shows, in one query per table."""
    with stages.stage("views"):
        return _read_views(pairs, target)


def _read_views(pairs: list[tuple[int, int, Suggestion]], target: type[Stream] | type[Capacity]
                ) -> list[dict[str, Any]]:
    session = db_session()
    ids = [c if target is Capacity else s for s, c, _ in pairs]
    rows = {row.id: row for row in session.execute(
        sa.select(target.id, target.title, Organisation.id.label("organisation_id"),
                  Organisation.name, Organisation.hub_id)
        .join(Organisation, target.organisation_id == Organisation.id)
        .where(target.id.in_(ids)))}
    # only a match the caller may open: its id would tell that the hub reviews the pair
    taken = dict(((m.stream_id, m.capacity_id), m.id) for m in session.execute(
        sa.select(Match.stream_id, Match.capacity_id, Match.id).where(sa.tuple_(
            Match.stream_id, Match.capacity_id).in_([(s, c) for s, c, _ in pairs]),
            scoping.visible(require_user(), Match)))
        ) if pairs else {}
    out = []
    for (stream_id, capacity_id, s), item_id in zip(pairs, ids, strict=True):
        row = rows.get(item_id)
        if row is None:
            continue
        out.append({"stream_id": stream_id, "capacity_id": capacity_id, "title": row.title,
                    "organisation_id": row.organisation_id, "organisation_name": row.name,
                    "hub_id": row.hub_id, "score": s.score, "features": _finite(s.features),
                    "contributions": _finite(s.contributions), "reasons": s.reasons,
                    "match_id": taken.get((stream_id, capacity_id))})
    return out


def _finite(values: dict[str, float]) -> dict[str, float | None]:
    # NaN (a feature without data, e.g. no coordinates) is not JSON: it is shown as null.
    return {k: v if math.isfinite(v) else None for k, v in values.items()}


def _language(args: dict[str, Any]) -> str:
    return args.get("language") or require_user().language or "nl"


@blp.route("/streams/<int:stream_id>/suggestions")
class StreamSuggestions(MethodView):
    @blp.arguments(SuggestionArgs, location="query")
    @blp.response(200, SuggestionOut(many=True))
    @_timed
    def get(self, args: dict[str, Any], stream_id: int) -> list[dict[str, Any]]:
        """The best capacities of every hub for a stream you manage, best first."""
        session = db_session()
        scoping.load(session, require_user(), Stream, stream_id, manage=True)
        found = suggestion_service().for_stream(session, stream_id, args["k"], _language(args))
        return _views([(stream_id, int(s.target_id), s) for s in found], Capacity)


@blp.route("/capacities/<int:capacity_id>/suggestions")
class CapacitySuggestions(MethodView):
    @blp.arguments(SuggestionArgs, location="query")
    @blp.response(200, SuggestionOut(many=True))
    @_timed
    def get(self, args: dict[str, Any], capacity_id: int) -> list[dict[str, Any]]:
        """The best streams of every hub for a capacity you manage, best first."""
        session = db_session()
        scoping.load(session, require_user(), Capacity, capacity_id, manage=True)
        found = suggestion_service().for_capacity(session, capacity_id, args["k"],
                                                  _language(args))
        return _views([(int(s.target_id), capacity_id, s) for s in found], Stream)


@blp.route("/hubs/<int:hub_id>/suggestion-queue")
class HubQueue(MethodView):
    @blp.arguments(QueueArgs, location="query")
    @blp.response(200, SuggestionOut(many=True))
    @_timed
    def get(self, args: dict[str, Any], hub_id: int) -> list[dict[str, Any]]:
        """Suggestions for the hub's streams that nobody has taken into review yet."""
        session, user = db_session(), require_user()
        hub = scoping.load(session, user, Hub, hub_id)
        if not scoping.facilitates(user, hub.id):
            raise PermissionDenied(f"only the facilitators of hub {hub_id} see its queue")
        queue = suggestion_service().hub_queue(session, hub.id, args["k"], args["per_stream"],
                                               _language(args))
        chosen = review_queue.QueueFilter(args["material"], args["service"],
                                          args["municipality"], args["q"],
                                          args.get("max_km"), args.get("min_score"))
        if chosen != review_queue.QueueFilter():
            streams = {s.id: s for s in session.scalars(sa.select(Stream).where(
                Stream.id.in_({q.stream_id for q in queue})))}
            capacities = {c.id: c for c in session.scalars(sa.select(Capacity).where(
                Capacity.id.in_({q.capacity_id for q in queue})))}
            queue = [q for q in queue if q.stream_id in streams and q.capacity_id in capacities
                     and chosen.keeps(streams[q.stream_id], capacities[q.capacity_id],
                                      q.suggestion)]
        return _views([(q.stream_id, q.capacity_id, q.suggestion) for q in queue], Capacity)


@blp.route("/analysis")
class TextAnalysis(MethodView):
    @blp.arguments(AnalysisIn)
    @blp.response(200, AnalysisOut)
    def post(self, data: dict[str, Any]) -> Analysis:
        """What a title and description speak of: suggestions to fill in a form."""
        text = "\n".join(t for t in (data["title"], data["description"]) if t)
        return analyse(text, data.get("language"), role=data["role"])

