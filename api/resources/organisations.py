"""Hubs and the organisations in them.

Contacts (personal data) are shown only to those `scoping.may_see_contacts`
allows; for everyone else the field is absent.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask.views import MethodView

from api.auth import require_user
from api.db import db_session
from api.listing import Shown, contains_text, paginate
from api.openapi import Blueprint
from api.schemas import (
    HubIn,
    HubOut,
    OrganisationArgs,
    OrganisationIn,
    OrganisationOut,
    PageArgs,
    page_of,
)
from matchmaker import registration, scoping
from matchmaker.errors import PermissionDenied
from models import Hub, Organisation

blp = Blueprint("organisations", __name__, url_prefix="/api/v1",
                description="Hubs and organisations (companies, social enterprises, ...).")
blp.before_request(lambda: require_user() and None)


def _shown(organisation: Organisation) -> Shown:
    session, user = db_session(), require_user()
    if scoping.may_see_contacts(session, user, organisation):
        contacts = [c for c in organisation.contacts if c.erased_at is None]
        return Shown(organisation, contacts=contacts)
    return Shown(organisation, hidden=("contacts",))


@blp.route("/hubs")
class Hubs(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(HubOut, "HubPage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List the hubs."""
        return paginate(db_session(), sa.select(Hub).order_by(Hub.id),
                        args["page"], args["page_size"])

    @blp.arguments(HubIn)
    @blp.response(201, HubOut)
    def post(self, data: dict[str, Any]) -> Hub:
        """Create a hub (admins)."""
        session, user = db_session(), require_user()
        if not scoping.is_admin(user):
            raise PermissionDenied("only admins create hubs")
        hub = registration.create_hub(session, user, data)
        session.commit()
        return hub


@blp.route("/hubs/<int:hub_id>")
class OneHub(MethodView):
    @blp.response(200, HubOut)
    def get(self, hub_id: int) -> Hub:
        """One hub."""
        return scoping.load(db_session(), require_user(), Hub, hub_id)

    @blp.arguments(HubIn(partial=True))
    @blp.response(200, HubOut)
    def patch(self, data: dict[str, Any], hub_id: int) -> Hub:
        """Rename or move a hub (admins)."""
        session, user = db_session(), require_user()
        hub = registration.update_hub(
            session, user, scoping.load(session, user, Hub, hub_id, manage=True), data)
        session.commit()
        return hub

    @blp.response(204)
    def delete(self, hub_id: int) -> None:
        """Delete a hub without organisations (admins)."""
        session, user = db_session(), require_user()
        registration.delete_hub(session, user,
                                scoping.load(session, user, Hub, hub_id, manage=True))
        session.commit()


@blp.route("/organisations")
class Organisations(MethodView):
    @blp.arguments(OrganisationArgs, location="query")
    @blp.response(200, page_of(OrganisationOut, "OrganisationPage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List the organisations you may see."""
        user = require_user()
        query = (sa.select(Organisation).where(scoping.visible(user, Organisation))
                 .order_by(Organisation.id))
        for key, column in (("hub", Organisation.hub_id), ("kind", Organisation.kind),
                            ("status", Organisation.status)):
            if key in args:
                query = query.where(column == args[key])
        if args.get("q"):
            query = query.where(contains_text(Organisation.name, args["q"]))
        page = paginate(db_session(), query, args["page"], args["page_size"])
        return {**page, "items": [_shown(o) for o in page["items"]]}


@blp.route("/hubs/<int:hub_id>/organisations")
class HubOrganisations(MethodView):
    @blp.arguments(OrganisationIn)
    @blp.response(201, OrganisationOut)
    def post(self, data: dict[str, Any], hub_id: int) -> Shown:
        """Register an organisation in a hub you facilitate."""
        session, user = db_session(), require_user()
        hub = scoping.load(session, user, Hub, hub_id)
        if not scoping.facilitates(user, hub.id):
            raise PermissionDenied(f"you do not facilitate hub {hub_id}")
        organisation = registration.create_organisation(session, user, hub, data)
        session.commit()
        return _shown(organisation)


@blp.route("/organisations/<int:organisation_id>")
class OneOrganisation(MethodView):
    @blp.response(200, OrganisationOut)
    def get(self, organisation_id: int) -> Shown:
        """One organisation."""
        return _shown(scoping.load(db_session(), require_user(), Organisation, organisation_id))

    @blp.arguments(OrganisationIn(partial=True))
    @blp.response(200, OrganisationOut)
    def patch(self, data: dict[str, Any], organisation_id: int) -> Shown:
        """Change some fields of an organisation you manage."""
        session, user = db_session(), require_user()
        organisation = scoping.load(session, user, Organisation, organisation_id, manage=True)
        registration.update_organisation(session, user, organisation, data)
        session.commit()
        return _shown(organisation)

    @blp.response(204)
    def delete(self, organisation_id: int) -> None:
        """Delete an organisation that was never matched (facilitators, admins)."""
        session, user = db_session(), require_user()
        organisation = scoping.load(session, user, Organisation, organisation_id, manage=True)
        if user.role == "member":
            raise PermissionDenied("ask your hub's facilitator to remove an organisation")
        registration.delete_organisation(session, user, organisation)
        session.commit()
