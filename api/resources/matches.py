"""Matches and their decisions: the facilitator's review lifecycle.

    GET  /api/v1/matches                    the matches you may see (filters, pages;
                                            assigned=me: the ones you took)
    POST /api/v1/matches                    take a suggestion (stream, capacity) into review
    GET  /api/v1/matches/<id>               with its decisions
    POST /api/v1/matches/<id>/decisions     one transition, with the version you saw
    POST /api/v1/matches/<id>/consent       the capacity's hub consents to a cross-hub pair
    POST /api/v1/interests                  a party: interested in a suggested pair, or not
    POST /api/v1/hubs/<id>/queue-decisions  take or reject several suggested pairs at once
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask.views import MethodView

from api.auth import require_user
from api.db import db_session, mail_links, send_mail
from api.listing import Shown, paginate
from api.openapi import Blueprint
from api.problems import show_existing
from api.schemas import (
    ConsentIn,
    DecisionIn,
    DecisionOut,
    InterestIn,
    MatchArgs,
    MatchIn,
    MatchOut,
    QueueDecisionIn,
    page_of,
)
from api.suggestion_index import suggestion_service
from matchmaker import parties, review_queue, scoping, workflow
from matchmaker.errors import PermissionDenied
from matchmaker.suggestions import decision_mails, take_pair
from models import Capacity, Decision, Hub, Match, Stream

blp = Blueprint("matches", __name__, url_prefix="/api/v1",
                description="Matches under review and the decisions taken on them.")
blp.before_request(lambda: require_user() and None)

# A pair the engine does not rank at all (a facilitator's own idea) is still taken.


def _shown(match: Match) -> Shown:
    user = require_user()
    hidden = scoping.hidden_fields(user, Decision)
    return Shown(match, may_decide=scoping.may_manage(db_session(), user, match),
                 partner_hub_id=workflow.partner_hub_id(match),
                 decisions=[Shown(d, hidden=hidden) for d in match.decisions])


# the pair taken twice: the 409 shows the match that exists
show_existing(Match, lambda match: MatchOut().dump(_shown(match)))


@blp.route("/matches")
class Matches(MethodView):
    @blp.arguments(MatchArgs, location="query")
    @blp.response(200, page_of(MatchOut, "MatchPage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List the matches you may see, newest first."""
        user = require_user()
        query = sa.select(Match).where(scoping.visible(user, Match)).order_by(Match.id.desc())
        for key, column in (("hub", Match.hub_id), ("status", Match.status),
                            ("stream", Match.stream_id), ("capacity", Match.capacity_id)):
            if key in args:
                query = query.where(column == args[key])
        if "interest" in args:
            query = query.where(review_queue.interest_is(args["interest"]))
        if args.get("assigned") == "me":
            query = query.where(review_queue.taken_by(user))
        if args["sort"] == "interest":
            query = query.order_by(None).order_by(review_queue.by_interest(), Match.id.desc())
        page = paginate(db_session(), query, args["page"], args["page_size"])
        return {**page, "items": [_shown(m) for m in page["items"]]}

    @blp.arguments(MatchIn)
    @blp.response(201, MatchOut)
    def post(self, data: dict[str, Any]) -> Shown:
        """Take a suggested pair into review as a proposed match (the stream's hub decides).

        The engine's score and features for the pair are stored with it, as they are now.
        A pair taken before (or at the same moment) is a 409 with that match in `existing`.
        """
        session, user = db_session(), require_user()
        stream = scoping.load(session, user, Stream, data["stream_id"])
        capacity = scoping.load(session, user, Capacity, data["capacity_id"])
        if not scoping.facilitates(user, stream.organisation.hub_id):
            raise PermissionDenied("only the facilitators of the stream's hub take its matches")
        match = take_pair(session, suggestion_service(), user, stream, capacity)
        session.commit()
        return _shown(match)


@blp.route("/matches/<int:match_id>")
class OneMatch(MethodView):
    @blp.response(200, MatchOut)
    def get(self, match_id: int) -> Shown:
        """One match with its decisions."""
        return _shown(scoping.load(db_session(), require_user(), Match, match_id))


@blp.route("/matches/<int:match_id>/decisions")
class Decisions(MethodView):
    @blp.arguments(DecisionIn)
    @blp.response(201, DecisionOut)
    def post(self, data: dict[str, Any], match_id: int) -> Decision:
        """Move the match to its next state; 409 with `allowed` when illegal or stale.

        Completing before the agreement period ended is a 400 on `confirm_early_completion`
        unless it is sent true.
        """
        session, user = db_session(), require_user()
        match = scoping.load(session, user, Match, match_id, manage=True)
        agreement = data.get("agreement")
        change = workflow.Transition(
            to_status=data["to_status"], expected_version=data["version"],
            reason_code=data.get("reason_code"), note=data["note"],
            note_to_parties=data["note_to_parties"],
            agreement=workflow.Agreement(**agreement) if agreement else None,
            completed_volume_kg=data.get("completed_volume_kg"),
            completed_amount=data.get("completed_amount"),
            confirm_early_completion=data["confirm_early_completion"])
        decision = workflow.decide(session, user, match, change)
        session.commit()
        send_mail(decision_mails(session, suggestion_service(), match, decision,
                                 mail_links()))
        return decision



@blp.route("/matches/<int:match_id>/consent")
class Consent(MethodView):
    @blp.arguments(ConsentIn)
    @blp.response(201, DecisionOut)
    def post(self, data: dict[str, Any], match_id: int) -> Decision:
        """The capacity's hub consents (or not) to the introduction another hub prepares."""
        session, user = db_session(), require_user()
        match = scoping.load(session, user, Match, match_id)
        decision = parties.consent(session, user, match, data["consent"])
        session.commit()
        return decision


@blp.route("/interests")
class Interests(MethodView):
    @blp.arguments(InterestIn)
    @blp.response(201, DecisionOut)
    def post(self, data: dict[str, Any]) -> Decision:
        """Say, for your organisation, whether a suggested pair interests you (`interested`
        false: not for us, with a reason code). The pair is taken into review if it was not;
        the stream's hub decides."""
        session, user = db_session(), require_user()
        stream = scoping.load(session, user, Stream, data["stream_id"])
        capacity = scoping.load(session, user, Capacity, data["capacity_id"])
        decision = parties.voice_interest(session, suggestion_service(), user, stream,
                                          capacity, data["interested"], data.get("reason_code"))
        session.commit()
        return decision


@blp.route("/hubs/<int:hub_id>/queue-decisions")
class QueueDecisions(MethodView):
    @blp.arguments(QueueDecisionIn)
    @blp.response(201, MatchOut(many=True))
    def post(self, data: dict[str, Any], hub_id: int) -> list[Shown]:
        """Take several suggested pairs of the hub's streams into review, or take and reject
        them with one reason, without opening them: all or none."""
        session, user = db_session(), require_user()
        hub = scoping.load(session, user, Hub, hub_id)
        if not scoping.facilitates(user, hub.id):
            raise PermissionDenied(f"only the facilitators of hub {hub_id} work its queue")
        pairs = [(scoping.load(session, user, Stream, pair["stream_id"]),
                  scoping.load(session, user, Capacity, pair["capacity_id"]))
                 for pair in data["pairs"]]
        matches = review_queue.decide_pairs(session, suggestion_service(), user, hub, pairs,
                                            data["to_status"], data.get("reason_code"),
                                            data["note"])
        session.commit()
        return [_shown(m) for m in matches]
