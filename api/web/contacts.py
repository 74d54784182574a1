"""An organisation's contact persons: the people an introduction names to the other party.
Its members and its hub's facilitators add and correct them on one page, through the same
`registration` functions (and the same address check) as the API."""
from __future__ import annotations

from typing import Any

from flask import redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from api.db import db_session
from api.web.common import bp, page, signed_in
from matchmaker import identifiers, registration, scoping
from matchmaker.errors import NotFound
from models import Contact, Organisation

MAX_NAME, MAX_PHONE = 300, 64


def _managed(organisation_id: int) -> Organisation:
    return scoping.load(db_session(), signed_in(), Organisation, organisation_id, manage=True)


def _values(prefix: str, errors: dict[str, str]) -> dict[str, Any]:
    """A contact's fields typed in the form whose field ids start with `prefix`."""
    values = {name: request.form.get(name, "").strip() or None
              for name in ("name", "email", "phone")}
    if not values["name"] and not values["email"]:
        errors[f"{prefix}name"] = _("Give at least a name or an e-mail address.")
    if values["email"] and identifiers.email_problem(values["email"]):
        errors[f"{prefix}email"] = _("Give a valid e-mail address, for example name@example.be.")
    if len(values["name"] or "") > MAX_NAME:
        errors[f"{prefix}name"] = _("Use at most %(n)d characters.", n=MAX_NAME)
    if len(values["phone"] or "") > MAX_PHONE:
        errors[f"{prefix}phone"] = _("Use at most %(n)d characters.", n=MAX_PHONE)
    return values


def _contacts_page(organisation: Organisation, status: int = 200,
                   errors: dict[str, str] | None = None) -> tuple[str, int]:
    contacts = [c for c in organisation.contacts if c.erased_at is None]
    return page("contacts.html", status, organisation=organisation, contacts=contacts,
                errors=errors or {}, form=request.form if errors else {},
                back=_back_link(organisation))


def _back_link(organisation: Organisation) -> str:
    if scoping.facilitates(signed_in(), organisation.hub_id):
        return url_for("web.hub_organisations", hub_id=organisation.hub_id,
                       _anchor=f"org-{organisation.id}")
    return url_for("web.my_organisation")


@bp.route("/organisations/<int:organisation_id>/contacts", methods=["GET", "POST"])
def organisation_contacts(organisation_id: int) -> Response | tuple[str, int]:
    """Add a contact person (no `contact` in the form) or correct one (`contact` = its id)."""
    organisation = _managed(organisation_id)
    if request.method == "GET":
        return _contacts_page(organisation)
    contact_id = request.form.get("contact", type=int)
    contact = None
    if contact_id is not None:
        contact = db_session().get(Contact, contact_id)
        if contact is None or contact.organisation_id != organisation.id or \
                contact.erased_at is not None:
            raise NotFound(f"contact {contact_id} not found")
    errors: dict[str, str] = {}
    values = _values(f"contact-{contact_id}-" if contact else "new-", errors)
    if errors:
        return _contacts_page(organisation, 400, errors)
    session, user = db_session(), signed_in()
    if contact is None:
        registration.add_contact(session, user, organisation, values)
    else:
        registration.update_contact(session, user, contact, values)
    session.commit()
    return redirect(url_for("web.organisation_contacts", organisation_id=organisation.id,
                            saved=1))
