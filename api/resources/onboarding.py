"""Onboarding: invitations (a one-time code by e-mail), accepting them, self-registration
and its approval by the hub.

Accepting an invitation and registering are the only writes open to callers
who are not signed in. Invitations and registrations answer 202 alike whether the
address (or the enterprise number) is known or not, and are counted per client address
(429 past the limit): the mail to the address tells its owner what happened.
"""
from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.auth import require_user
from api.db import db_session, mail_links, send_mail
from api.openapi import Blueprint
from api.schemas import (
    AcceptedOut,
    AcceptInvitationIn,
    InvitationIn,
    InvitationSentOut,
    OrganisationOut,
    RegistrationIn,
    RejectionIn,
    UserOut,
)
from api.throttle import refuse, throttle
from api.web.onboarding import reject, send_invitation, send_registration
from matchmaker import notifications, onboarding, scoping
from matchmaker.errors import NotFound, PermissionDenied
from models import Hub, Organisation, User

blp = Blueprint("onboarding", __name__, url_prefix="/api/v1",
                description="Invitations, self-registration and approval.")
PUBLIC = {"security": []}


@blp.route("/organisations/<int:organisation_id>/invitations")
class Invitations(MethodView):
    @blp.arguments(InvitationIn)
    @blp.response(202, InvitationSentOut)
    def post(self, data: dict[str, Any], organisation_id: int) -> dict[str, Any]:
        """Invite someone to an organisation you manage; the code goes by e-mail only (an
        address that has an account gets a mail saying so instead, and the same answer)."""
        session, user = db_session(), require_user()
        organisation = scoping.load(session, user, Organisation, organisation_id, manage=True)
        refuse(throttle().attempt(throttle().invitations))
        sent = onboarding.invite(session, user, organisation, data["email"])
        session.commit()
        send_invitation(sent, data.get("language") or notifications.language_of(organisation),
                        user)
        return {"email": sent.email, "organisation_id": organisation.id, "status": "sent"}


@blp.route("/invitations/acceptance")
class InvitationAcceptance(MethodView):
    @blp.arguments(AcceptInvitationIn)
    @blp.response(201, UserOut)
    @blp.doc(**PUBLIC)
    def post(self, data: dict[str, Any]) -> User:
        """Create your account with the code from the invitation e-mail."""
        session = db_session()
        user = onboarding.accept_invitation(session, data["token"], data["password"],
                                            data["display_name"])
        session.commit()
        return user


@blp.route("/registrations")
class Registrations(MethodView):
    @blp.arguments(RegistrationIn)
    @blp.response(202, AcceptedOut)
    @blp.doc(**PUBLIC)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Register an organisation; it waits for the hub's approval before anyone signs in.

        The answer is the same whatever happened; a mail to the address says whether the
        registration goes ahead, or the address has an account, or the enterprise number
        is registered already."""
        session = db_session()
        hub = session.get(Hub, data["hub_id"])
        if hub is None:  # hubs are public (the registration page lists them)
            raise NotFound(f"hub {data['hub_id']} not found")
        refuse(throttle().attempt(throttle().registrations))
        received = onboarding.register(session, hub, data["organisation"], data["email"],
                                       data["password"], data["display_name"])
        session.commit()
        send_registration(received)
        return {"status": "received", "detail": "the hub's facilitators check registrations; "
                "a mail to the address given says what happens next"}


@blp.route("/organisations/<int:organisation_id>/approval")
class Approval(MethodView):
    @blp.response(200, OrganisationOut)
    def post(self, organisation_id: int) -> Organisation:
        """Approve a pending organisation of your hub."""
        session, user = db_session(), require_user()
        organisation = scoping.load(session, user, Organisation, organisation_id, manage=True)
        if not scoping.facilitates(user, organisation.hub_id):
            raise PermissionDenied("only the hub's facilitators approve registrations")
        onboarding.approve(session, user, organisation)
        session.commit()
        send_mail(notifications.approval_mails(
            organisation, mail_links(), notifications.sender_of(organisation.hub, user)))
        return organisation


@blp.route("/organisations/<int:organisation_id>/rejection")
class Rejection(MethodView):
    @blp.arguments(RejectionIn)
    @blp.response(204)
    def post(self, data: dict[str, Any], organisation_id: int) -> None:
        """Reject a pending registration of your hub: the reason is mailed to the
        registrant, the registration's accounts and contacts are erased and the
        organisation is deleted (the audit log keeps who rejected it and why)."""
        session, user = db_session(), require_user()
        organisation = scoping.load(session, user, Organisation, organisation_id, manage=True)
        if not scoping.facilitates(user, organisation.hub_id):
            raise PermissionDenied("only the hub's facilitators reject registrations")
        reject(organisation, data["reason"], user)
