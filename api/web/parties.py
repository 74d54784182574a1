"""The parties' voice on the pages: a member marks a proposal "interested" or "not for us",
follows its matches with what the facilitator shared; the capacity's hub consents to an
introduction another hub prepares. Both call `matchmaker.parties`, as the API does."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from api.db import db_session
from api.suggestion_index import suggestion_service
from api.web.common import bp, signed_in
from api.web.items import MODELS
from matchmaker import parties, scoping, workflow
from matchmaker.errors import NotFound, ValidationError
from models import Capacity, Match, Stream


@bp.post("/<kind>/<int:item_id>/proposals/<int:other_id>/interest")
def voice_interest(kind: str, item_id: int, other_id: int) -> Response:
    if kind not in MODELS:
        raise NotFound(f"{kind} not found")
    session, user = db_session(), signed_in()
    item = scoping.load(session, user, MODELS[kind], item_id, manage=True)
    other = scoping.load(session, user, Capacity if kind == "streams" else Stream, other_id)
    stream, capacity = (item, other) if kind == "streams" else (other, item)
    interested = request.form.get("interested") == "1"
    reason = request.form.get("reason_code") or None
    try:
        parties.voice_interest(session, suggestion_service(), user, stream, capacity,
                               interested, None if interested else reason)
    except ValidationError:
        flash(_("Choose why it is not for you."))
        return redirect(url_for("web.proposals", kind=kind, item_id=item_id) + f"#p-{other_id}")
    session.commit()
    flash(_("Thank you: your hub's facilitator sees your answer.") if interested else
          _("Noted: your hub's facilitator sees that this is not for you."))
    return redirect(url_for("web.proposals", kind=kind, item_id=item_id) + f"#p-{other_id}")


@bp.post("/matches/<int:match_id>/consent")
def consent(match_id: int) -> Response:
    """The capacity's hub agrees that the stream's hub introduces its social enterprise."""
    session, user = db_session(), signed_in()
    match = scoping.load(session, user, Match, match_id)
    if workflow.partner_hub_id(match) is None or \
            not scoping.facilitates(user, workflow.partner_hub_id(match)):
        raise NotFound(f"match {match_id} not found")
    parties.consent(session, user, match, request.form.get("consent") == "1")
    session.commit()
    return redirect(url_for("web.match", match_id=match.id))
