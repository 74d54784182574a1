"""Contacts (the personal data) and the GDPR requests: access (export) and erasure.

Only those who manage the organisation (its members, its hub's facilitators,
admins) may change, export or erase its contacts. Erasing a contact touches
that contact and its organisation only; erasing an account is a request of its
own (`scoping.users_erasable` says who may).
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask.views import MethodView

from api.auth import require_user
from api.db import db_session, purge_copies
from api.openapi import Blueprint
from api.schemas import ContactIn, ContactOut, PersonalDataOut
from matchmaker import gdpr, registration, scoping
from matchmaker.errors import NotFound
from models import Contact, Organisation, User

blp = Blueprint("personal", __name__, url_prefix="/api/v1",
                description="Contacts, and GDPR access and erasure requests.")
blp.before_request(lambda: require_user() and None)


def _managed_contact(contact_id: int) -> Contact:
    session, user = db_session(), require_user()
    contact = session.get(Contact, contact_id)
    if contact is None or contact.erased_at is not None or \
            not scoping.may_see_contacts(session, user, contact.organisation):
        raise NotFound(f"contact {contact_id} not found")
    scoping.load(session, user, Organisation, contact.organisation_id, manage=True)
    return contact


@blp.route("/organisations/<int:organisation_id>/contacts")
class OrganisationContacts(MethodView):
    @blp.arguments(ContactIn)
    @blp.response(201, ContactOut)
    def post(self, data: dict[str, Any], organisation_id: int) -> Contact:
        """Add a contact person to an organisation you manage."""
        session, user = db_session(), require_user()
        organisation = scoping.load(session, user, Organisation, organisation_id, manage=True)
        contact = registration.add_contact(session, user, organisation, data)
        session.commit()
        return contact


@blp.route("/contacts/<int:contact_id>")
class OneContact(MethodView):
    @blp.arguments(ContactIn(partial=True))
    @blp.response(200, ContactOut)
    def patch(self, data: dict[str, Any], contact_id: int) -> Contact:
        """Correct a contact person's details."""
        contact = _managed_contact(contact_id)
        registration.update_contact(db_session(), require_user(), contact, data)
        db_session().commit()
        return contact


@blp.route("/contacts/<int:contact_id>/erasure")
class ContactErasure(MethodView):
    @blp.response(204)
    def post(self, contact_id: int) -> None:
        """Erase a contact's personal data everywhere (database and mail outbox)."""
        contact = _managed_contact(contact_id)
        traces = gdpr.erase_contact(db_session(), require_user(), contact)
        db_session().commit()
        purge_copies(traces)


@blp.route("/users/<int:user_id>/erasure")
class UserErasure(MethodView):
    @blp.response(204)
    def post(self, user_id: int) -> None:
        """Erase an account for good: your own, a member of an organisation of your hub
        (facilitators), any (admins); 404 for every other. Its address, name, password,
        sign-ins, tokens and its organisation's invitations to it go; its decisions stay.
        The last admin account is not erased (409)."""
        session, actor = db_session(), require_user()
        user = session.scalar(sa.select(User).where(
            User.id == user_id, User.erased_at.is_(None), scoping.users_erasable(actor)))
        if user is None:
            raise NotFound(f"account {user_id} not found")
        traces = gdpr.erase_user(session, actor, user)
        session.commit()
        purge_copies(traces)


@blp.route("/organisations/<int:organisation_id>/personal-data")
class PersonalData(MethodView):
    @blp.response(200, PersonalDataOut)
    def get(self, organisation_id: int) -> dict[str, Any]:
        """Everything held about an organisation and its people, as one document: the rows
        and fields your own reads of them show (no match you cannot open, no hub's note)."""
        session, user = db_session(), require_user()
        organisation = scoping.load(session, user, Organisation, organisation_id, manage=True)
        return gdpr.export_organisation(session, user, organisation)
