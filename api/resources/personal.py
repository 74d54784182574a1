"""Contacts (the personal data) and the GDPR requests: access (export) and erasure.

Only those who manage the organisation (its members, its hub's facilitators,
admins) may change, export or erase its contacts.
"""
from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView

from api.auth import require_user
from api.db import db_session
from api.openapi import Blueprint
from api.schemas import ContactIn, ContactOut, PersonalDataOut
from matchmaker import gdpr, registration, scoping
from matchmaker.errors import NotFound
from models import Contact, Organisation

blp = Blueprint("personal", __name__, url_prefix="/api/v1",
                description="Contacts, and GDPR access and erasure requests.")
blp.before_request(lambda: require_user() and None)


def purge_copies(*erased: gdpr.Traces) -> None:
    """After the commit: the erased data's copies in the outbox and the database's log."""
    if not gdpr.purge_copies(current_app.extensions["matchmaker.engine"],
                             current_app.extensions["matchmaker.mailer"], list(erased)):
        current_app.logger.warning("the database's write-ahead log was busy after an "
                                   "erasure; the next erasure empties it")


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


@blp.route("/organisations/<int:organisation_id>/personal-data")
class PersonalData(MethodView):
    @blp.response(200, PersonalDataOut)
    def get(self, organisation_id: int) -> dict[str, Any]:
        """Everything held about an organisation and its people, as one document."""
        session, user = db_session(), require_user()
        organisation = scoping.load(session, user, Organisation, organisation_id, manage=True)
        return gdpr.export_organisation(session, organisation)
