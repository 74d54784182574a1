"""Getting in: accepting an invitation with its code, registering an organisation (pending
until its hub approves), the facilitator's overview of the hub's organisations, where
members are invited, registrations approved and accounts switched off and on or erased,
and a member's page to invite colleagues. All through `matchmaker.onboarding` and `users`.

The invitation e-mail (from these pages and from the API alike) links to the page that
accepts it, with the code filled in and in the invitee's language; the Referrer-Policy
keeps that address on this site."""
from __future__ import annotations

import sqlalchemy as sa
from flask import redirect, request, url_for
from flask import session as cookie_session
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from api.db import db_session, mail_links, page_url, purge_copies, send_mail
from api.throttle import throttle
from api.web.common import bp, page, signed_in, too_many
from api.web.i18n import LANGUAGES, page_language
from api.web.places import location_errors, location_values
from api.web.review import facilitated_hub
from matchmaker import (
    gdpr,
    identifiers,
    notifications,
    onboarding,
    registration,
    scoping,
    taxonomy,
    users,
)
from matchmaker.access import mails as account_mails
from matchmaker.accounts import MIN_PASSWORD_LENGTH
from matchmaker.errors import Conflict, NotFound
from matchmaker.places import PlaceError, gazetteer
from models import (
    Capacity,
    Hub,
    Organisation,
    Stream,
    User,
)


def send_invitation(sent: onboarding.InvitationSent, language: str, inviter: User) -> None:
    """Mail the one-time code with a link to the page that accepts it, in `language`,
    signed by the `inviter`; or, when the address has an account, tell its owner so, in
    the account's language."""
    login = page_url("web.login")
    if sent.holder is not None:
        send_mail([account_mails.known_address_invitation_mail(sent, sent.holder, login)])
        return
    invitation = sent.invitation
    link = page_url("web.accept_invitation", code=sent.secret, lang=language)
    organisation = invitation.organisation
    sender = notifications.sender_of(organisation.hub if organisation else None, inviter)
    if inviter.role == "member":  # a colleague invites: they sign and get the answers
        sender = notifications.Sender(sender.hub, inviter.display_name or inviter.email,
                                      inviter.email)
    send_mail([notifications.invitation_mail(
        invitation.email, organisation, language, sent.secret,
        invitation.expires_at.date().isoformat(), link, sender)])


def pending_registrations(hub_id: int) -> int:
    """For the navigation: how many registrations wait for the hub's approval."""
    return onboarding.pending_count(db_session(), hub_id)


def _location_problems(location: dict[str, str | None]) -> dict[str, str]:
    """Errors of a typed location, checked before anything is stored."""
    try:
        gazetteer().locate(location["postcode"], location["municipality"])
    except PlaceError as err:
        return location_errors(err)
    return {}


def send_registration(received: onboarding.RegistrationReceived) -> None:
    """The mail that tells the address what became of its registration, and, for a new
    one, the mails that tell the hub's facilitators what to check."""
    send_mail([account_mails.registration_mail(
        received, page_url("web.login"), page_url("web.ask_sign_in_link"))])
    if received.organisation is not None:
        send_mail(notifications.registration_mails(received.organisation, mail_links()))


def number_fault_message(fault: identifiers.NumberFault) -> str:
    """What is wrong with a typed enterprise number, in the page's language."""
    if fault == "check_digits":
        return _("This enterprise number does not exist: its last two digits (the check "
                 "digits) do not match. Check it in the KBO/BCE.")
    if fault == "first_digit":
        return _("An enterprise number starts with 0 or 1.")
    return _("An enterprise number has 10 digits.")


def reject(organisation: Organisation, reason: str, actor: User) -> None:
    """Reject a registration (pages and API alike): erase it, commit, remove the copies
    of its data, then mail the reason, signed by `actor`."""
    session, hub = db_session(), organisation.hub
    rejection = onboarding.reject(session, actor, organisation, reason)
    session.commit()
    purge_copies(*rejection.traces)
    send_mail(notifications.rejection_mails(
        rejection.organisation, rejection.addresses, rejection.language, rejection.reason,
        mail_links(), notifications.sender_of(hub, actor)))


def _password_error(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
    return None


@bp.route("/invitation", methods=["GET", "POST"])
def accept_invitation() -> Response | tuple[str, int]:
    form = request.values
    if request.method == "GET":
        # the e-mail's link names the invitee's language; the page and the account use it
        if request.args.get("lang") in LANGUAGES:
            cookie_session["language"] = request.args["lang"]
        return page("invitation.html", form=form, errors={})
    errors = {}
    if not form.get("code", "").strip():
        errors["code"] = _("Fill this in.")
    if problem := _password_error(form.get("password", "")):
        errors["password"] = problem
    location = location_values(form)
    errors |= _location_problems(location)
    if errors:
        return page("invitation.html", 400, form=form, errors=errors)
    db = db_session()
    try:
        user = onboarding.accept_invitation(db, form["code"].strip(), form["password"],
                                            form.get("display_name", "").strip(),
                                            page_language())
    except (NotFound, Conflict):
        return page("invitation.html", 400, form=form, errors={
            "code": _("This code is unknown, used or expired. Ask for a new invitation.")})
    organisation = user.organisation
    if organisation is not None and any(location.values()) and not (
            organisation.postcode or organisation.municipality):
        registration.update_organisation(db, user, organisation, location)
    db.commit()
    return redirect(url_for("web.login", welcome=1))


@bp.route("/register", methods=["GET", "POST"])
def register() -> Response | tuple[str, int] | tuple[str, int, dict[str, str]]:
    session = db_session()
    hubs = session.scalars(sa.select(Hub).order_by(Hub.name)).all()
    form = request.form
    context = {"hubs": hubs, "kinds": taxonomy.ORGANISATION_KINDS, "form": form,
               "language": form.get("language") or page_language()}
    if request.method == "GET":
        return page("register.html", errors={}, **context)
    errors = {}
    hub = session.get(Hub, form.get("hub", type=int) or 0)
    if hub is None:
        errors["hub"] = _("Choose your hub.")
    for name in ("name", "email"):
        if not form.get(name, "").strip():
            errors[name] = _("Fill this in.")
    if "email" not in errors and identifiers.email_problem(form["email"].strip()):
        errors["email"] = _("Give a valid e-mail address, for example name@example.be.")
    if form.get("kind") not in taxonomy.ORGANISATION_KINDS:
        errors["kind"] = _("Choose the kind of organisation.")
    number = form.get("enterprise_number", "").strip()
    if number and (fault := identifiers.enterprise_number_fault(number)):
        errors["enterprise_number"] = number_fault_message(fault)
    if problem := _password_error(form.get("password", "")):
        errors["password"] = problem
    location = location_values(form)
    errors |= _location_problems(location)
    if errors:
        return page("register.html", 400, errors=errors, **context)
    language = form.get("language") if form.get("language") in LANGUAGES else page_language()
    values = {"name": form["name"].strip(), "kind": form["kind"], "language": language,
              "enterprise_number": number or None,
              "address": form.get("address", "").strip()[:300] or None, **location}
    if wait := throttle().attempt(throttle().registrations):
        return too_many("register.html", wait, errors={}, **context)
    # the same page whatever became of it: the mail to the address tells its owner
    send_registration(onboarding.register(session, hub, values, form["email"],
                                          form["password"],
                                          form.get("display_name", "").strip()))
    session.commit()
    return page("registered.html", hub=hub)


@bp.get("/hubs/<int:hub_id>/organisations")
def hub_organisations(hub_id: int, status: int = 200,
                      errors: dict[str, str] | None = None) -> tuple[str, int]:
    hub = facilitated_hub(hub_id)
    session = db_session()
    organisations = session.scalars(sa.select(Organisation).where(
        Organisation.hub_id == hub.id).order_by(Organisation.status.desc(), Organisation.name)
    ).all()
    ids = [o.id for o in organisations]
    streams = session.scalars(sa.select(Stream).where(Stream.organisation_id.in_(ids))
                              .order_by(Stream.title)).all()
    capacities = session.scalars(sa.select(Capacity).where(Capacity.organisation_id.in_(ids))
                                 .order_by(Capacity.title)).all()
    return page("hub_organisations.html", status, hub=hub, organisations=organisations,
                streams=streams, capacities=capacities, errors=errors or {},
                number_fault=identifiers.enterprise_number_fault)


def _hub_organisation(organisation_id: int) -> Organisation:
    organisation = scoping.load(db_session(), signed_in(), Organisation, organisation_id,
                                manage=True)
    facilitated_hub(organisation.hub_id or 0)
    return organisation


@bp.post("/organisations/<int:organisation_id>/approve")
def approve_organisation(organisation_id: int) -> Response:
    organisation = _hub_organisation(organisation_id)
    session = db_session()
    onboarding.approve(session, signed_in(), organisation)
    session.commit()
    send_mail(notifications.approval_mails(
        organisation, mail_links(), notifications.sender_of(organisation.hub, signed_in())))
    return redirect(url_for("web.hub_organisations", hub_id=organisation.hub_id))


@bp.post("/organisations/<int:organisation_id>/rejection")
def reject_registration(organisation_id: int) -> Response | tuple[str, int]:
    """A facilitator refuses a pending registration; the reason is mailed to the
    registrant and the registration's personal data erased."""
    organisation = _hub_organisation(organisation_id)
    reason = request.form.get("reason", "").strip()[:2000]
    if not reason:
        return hub_organisations(organisation.hub_id or 0, 400, {
            f"reason-{organisation.id}": _("Say why: the reason is mailed to the registrant.")})
    hub_id = organisation.hub_id
    reject(organisation, reason, signed_in())
    return redirect(url_for("web.hub_organisations", hub_id=hub_id, rejected=1))


def _back_to(organisation: Organisation, **args: int) -> Response:
    """Facilitators return to their hub's overview, members to their organisation's page."""
    if scoping.facilitates(signed_in(), organisation.hub_id):
        return redirect(url_for("web.hub_organisations", hub_id=organisation.hub_id, **args))
    return redirect(url_for("web.my_organisation", **args))


@bp.route("/my/organisation", methods=["GET", "POST"])
def my_organisation() -> Response | tuple[str, int]:
    """The member's organisation: its members, inviting colleagues, and where it is."""
    user = signed_in()
    if user.organisation is None:
        raise NotFound("no organisation")
    organisation = user.organisation
    if request.method == "GET":
        form = {"address": organisation.address or "", "postcode": organisation.postcode or "",
                "municipality": organisation.municipality or ""}
        return page("my_organisation.html", organisation=organisation, form=form, errors={})
    session = db_session()
    scoping.load(session, user, Organisation, organisation.id, manage=True)
    values = {"address": request.form.get("address", "").strip()[:300] or None,
              **location_values(request.form)}
    try:
        registration.update_organisation(session, user, organisation, values)
    except PlaceError as err:
        return page("my_organisation.html", 400, organisation=organisation,
                    form=request.form, errors=location_errors(err))
    session.commit()
    return redirect(url_for("web.my_organisation", saved=1))


@bp.post("/organisations/<int:organisation_id>/invite")
def invite_member(organisation_id: int
                  ) -> Response | tuple[str, int] | tuple[str, int, dict[str, str]]:
    """Its hub's facilitators and its own members invite people to an organisation."""
    organisation = scoping.load(db_session(), signed_in(), Organisation, organisation_id,
                                manage=True)
    email = request.form.get("email", "").strip()
    if identifiers.email_problem(email):
        return page("error.html", 400, title=_("Invitation not sent"),
                    message=_("Give a valid e-mail address."))
    language = request.form.get("language")
    if language not in LANGUAGES:
        language = notifications.language_of(organisation)
    if wait := throttle().attempt(throttle().invitations):
        return too_many("error.html", wait, title=_("Invitation not sent"))
    session = db_session()
    # sent alike whether the address has an account: the mail tells its owner
    sent = onboarding.invite(session, signed_in(), organisation, email)
    session.commit()
    send_invitation(sent, language, signed_in())
    return _back_to(organisation, invited=1)


@bp.post("/members/<int:user_id>/active")
def switch_member(user_id: int) -> Response:
    """A facilitator switches a member account of the hub's organisations off or on again;
    anyone else, and any other account, is a 404."""
    actor, session = signed_in(), db_session()
    member = session.get(User, user_id)
    if member is None or member.role != "member" or member.organisation is None or \
            not scoping.facilitates(actor, member.organisation.hub_id):
        raise NotFound(f"account {user_id} not found")
    users.update_user(session, actor, member, {"is_active": request.form.get("active") == "1"})
    session.commit()
    return redirect(url_for("web.hub_organisations", hub_id=member.organisation.hub_id,
                            _anchor=f"org-{member.organisation_id}"))


@bp.post("/members/<int:user_id>/erasure")
def erase_member(user_id: int) -> Response | tuple[str, int]:
    """A facilitator erases a member account of the hub's organisations for good, once the
    box saying so is ticked; the same rule and the same erasure as the API."""
    actor, session = signed_in(), db_session()
    member = session.scalar(sa.select(User).where(
        User.id == user_id, User.role == "member", User.erased_at.is_(None),
        scoping.users_erasable(actor)))
    if member is None or member.organisation is None:
        raise NotFound(f"account {user_id} not found")
    if request.form.get("confirm") != "1":
        return page("error.html", 400, title=_("Account not erased"),
                    message=_("Tick the box to confirm: an erasure cannot be undone."))
    organisation = member.organisation
    traces = gdpr.erase_user(session, actor, member)
    session.commit()
    purge_copies(traces)
    return _back_to(organisation)
