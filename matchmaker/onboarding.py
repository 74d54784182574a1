"""Getting organisations and people in: invitations with one-time expiring codes, and
self-registration that waits for a facilitator's approval.

An invitation's code is random, sent by e-mail only and stored hashed; it
works once, before it expires. A self-registered organisation is checked
against the KBO/BCE number for duplicates and stays `pending` (its people
cannot sign in) until a facilitator of its hub approves it.

Who has an account is nobody's business but the account's: an invitation or a
registration for an address that has one, or a registration with a known enterprise
number, creates nothing and is answered exactly like one that goes ahead; the outcome
(`InvitationSent`, `RegistrationReceived`) says which, so that the mail to the address
tells its owner (`access.mails`).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import (
    Contact,
    Hub,
    Invitation,
    Organisation,
    User,
    normalise_enterprise_number,
    utcnow,
)

from . import audit
from .accounts import hash_password
from .concurrent_writes import first_writer_wins
from .errors import Conflict, FieldError, NotFound, ValidationError
from .gdpr import Traces, erase_contact, erase_user
from .places.geocode import place_columns
from .registration import refuse_known_enterprise_number
from .tokens import new_secret, token_hash

INVITATION_TTL = timedelta(days=14)


def _holder(session: Session, email: str) -> User | None:
    """The account with this address, if any."""
    return session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.lower()))


def _refuse_known_email(session: Session, email: str) -> None:
    if _holder(session, email) is not None:
        raise Conflict(f"{email} already has an account")


@dataclass(frozen=True)
class InvitationSent:
    """What inviting `email` did: a new invitation and its one-time code (to be mailed,
    never shown), or nothing because `holder` has the address already."""

    email: str
    organisation: Organisation
    invitation: Invitation | None = None
    secret: str | None = None
    holder: User | None = None


def invite(session: Session, actor: User, organisation: Organisation, email: str,
           ttl: timedelta = INVITATION_TTL) -> InvitationSent:
    """A member invitation to `organisation`, unless the address has an account."""
    email = email.strip().lower()
    if (holder := _holder(session, email)) is not None:
        return InvitationSent(email, organisation, holder=holder)
    secret, hashed = new_secret()
    invitation = Invitation(email=email, organisation=organisation, role="member",
                            token_hash=hashed, invited_by=actor,
                            expires_at=utcnow() + ttl)
    audit.record_creation(session, actor, invitation, action="invite")
    return InvitationSent(email, organisation, invitation, secret)


def accept_invitation(session: Session, secret: str, password: str,
                      display_name: str = "", language: str | None = None) -> User:
    """Turn a valid invitation into an account; the code cannot be used again. The account
    speaks `language` (the page it was accepted on), else its organisation's."""
    invitation = session.scalar(sa.select(Invitation).where(
        Invitation.token_hash == token_hash(secret)))
    if invitation is None:
        raise NotFound("no such invitation")
    if invitation.used_at is not None:
        raise Conflict("this invitation was already used")
    if invitation.expires_at <= utcnow():
        raise Conflict("this invitation has expired; ask for a new one")
    _refuse_known_email(session, invitation.email)
    password_hash = hash_password(password)
    # Claimed in one statement: of two requests with the same code at the same moment, the
    # second finds it used once the first has committed (and creates no account).
    claimed = session.execute(sa.update(Invitation).where(
        Invitation.id == invitation.id, Invitation.used_at.is_(None)).values(used_at=utcnow()))
    if claimed.rowcount != 1:
        raise Conflict("this invitation was already used")
    session.refresh(invitation)
    organisation = invitation.organisation
    with first_writer_wins(session, f"an account for {invitation.email}"):
        user = User(email=invitation.email, password_hash=password_hash,
                    display_name=display_name, role=invitation.role, organisation=organisation,
                    language=language or (organisation.language if organisation else None)
                    or "nl")
        session.add(user)
    audit.record(session, user, "accept", invitation, after=audit.snapshot(invitation))
    return user


@dataclass(frozen=True)
class RegistrationReceived:
    """What a registration did: a new pending `organisation`, or nothing because `holder`
    has the address already or an organisation has the enterprise number (`known_number`)."""

    email: str
    hub: Hub
    name: str
    language: str
    organisation: Organisation | None = None
    holder: User | None = None
    known_number: str | None = None


def register(session: Session, hub: Hub, values: dict[str, Any], email: str, password: str,
             display_name: str = "") -> RegistrationReceived:
    """A new organisation (pending) with its first member (inactive until approval), unless
    the address or the enterprise number is known. Every outcome costs the same password
    hash, so the answer's timing does not tell them apart either."""
    email = email.strip().lower()
    password_hash = hash_password(password)
    language = values.get("language") or "nl"
    received = RegistrationReceived(email, hub, values["name"], language)
    if (holder := _holder(session, email)) is not None:
        return replace(received, holder=holder)
    try:
        refuse_known_enterprise_number(session, values.get("enterprise_number"))
    except Conflict:
        return replace(received, known_number=normalise_enterprise_number(
            values["enterprise_number"]))
    try:
        with first_writer_wins(session, f"an account for {email}"):
            organisation = Organisation(hub=hub, status="pending", **place_columns(values))
            user = User(email=email, password_hash=password_hash, display_name=display_name,
                        role="member", organisation=organisation, is_active=False,
                        language=language)
            session.add_all([organisation, user])
    except Conflict:  # the same address registered by another request at the same moment
        return replace(received, holder=_holder(session, email))
    # the person registering is the one who did it, although they cannot sign in yet
    audit.record_creation(session, user, organisation, action="register")
    # and the first person an introduction names, until the organisation says otherwise
    audit.record_creation(session, user, Contact(organisation=organisation,
                                                 name=display_name.strip() or None,
                                                 email=email))
    return replace(received, organisation=organisation)


def approve(session: Session, actor: User, organisation: Organisation) -> Organisation:
    """Activate a pending organisation and let its people sign in."""
    if organisation.status != "pending":
        raise Conflict(f"organisation {organisation.id} is {organisation.status}, not pending",
                       allowed=())
    before = audit.snapshot(organisation)
    organisation.status = "active"
    for member in organisation.members:
        member.is_active = True
    session.flush()
    old, new = audit.changed(before, audit.snapshot(organisation))
    audit.record(session, actor, "approve", organisation, before=old, after=new)
    return organisation


def pending_count(session: Session, hub_id: int) -> int:
    """How many registrations wait for the hub's approval."""
    return session.scalar(sa.select(sa.func.count(Organisation.id)).where(
        Organisation.hub_id == hub_id, Organisation.status == "pending")) or 0


@dataclass(frozen=True)
class Rejection:
    """A registration the hub refused: whom to tell, in which language, and the personal
    data erased with it (for `gdpr.purge_copies` once committed)."""

    organisation: str
    addresses: list[str]
    language: str
    reason: str
    traces: list[Traces]


def reject(session: Session, actor: User, organisation: Organisation, reason: str
           ) -> Rejection:
    """Refuse a pending registration with a `reason` for the registrant. Nothing of it is
    kept: its accounts and contacts are erased and the organisation deleted, so the same
    people may register again (with the same enterprise number); the audit log keeps
    that it was rejected, by whom and why."""
    if organisation.status != "pending":
        raise Conflict(f"organisation {organisation.id} is {organisation.status}, not pending",
                       allowed=())
    reason = reason.strip()
    if not reason:
        raise ValidationError([FieldError("reason", "say why, for the registrant")])
    addresses = sorted({m.email for m in organisation.members if m.erased_at is None})
    rejection = Rejection(organisation.name, addresses, organisation.language or "nl",
                          reason, [])
    audit.record(session, actor, "reject", organisation, before=audit.snapshot(organisation),
                 after={"reason": reason})
    for member in list(organisation.members):
        if member.erased_at is None:
            rejection.traces.append(erase_user(session, actor, member))
    for contact in list(organisation.contacts):
        if contact.erased_at is None:
            rejection.traces.append(erase_contact(session, actor, contact))
    session.delete(organisation)
    session.flush()
    return rejection
