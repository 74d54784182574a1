"""Getting organisations and people in: invitations with one-time expiring codes, and
self-registration that waits for a facilitator's approval.

An invitation's code is random, sent by e-mail only and stored hashed; it
works once, before it expires. A self-registered organisation is checked
against the KBO/BCE number for duplicates and stays `pending` (its people
cannot sign in) until a facilitator of its hub approves it.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Hub, Invitation, Organisation, User, utcnow

from . import audit
from .accounts import hash_password
from .concurrent_writes import first_writer_wins
from .errors import Conflict, NotFound
from .registration import refuse_known_enterprise_number
from .tokens import new_secret, token_hash

INVITATION_TTL = timedelta(days=14)


def _refuse_known_email(session: Session, email: str) -> None:
    if session.scalar(sa.select(User.id).where(sa.func.lower(User.email) == email.lower())):
        raise Conflict(f"{email} already has an account")


def invite(session: Session, actor: User, organisation: Organisation, email: str,
           ttl: timedelta = INVITATION_TTL) -> tuple[Invitation, str]:
    """A member invitation to `organisation` and its one-time code (to be mailed, never shown)."""
    email = email.strip().lower()
    _refuse_known_email(session, email)
    secret, hashed = new_secret()
    invitation = Invitation(email=email, organisation=organisation, role="member",
                            token_hash=hashed, invited_by=actor,
                            expires_at=utcnow() + ttl)
    session.add(invitation)
    audit.record(session, actor, "invite", invitation, after=audit.snapshot(invitation))
    return invitation, secret


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


def register(session: Session, hub: Hub, values: dict[str, Any], email: str, password: str,
             display_name: str = "") -> tuple[Organisation, User]:
    """A new organisation (pending) with its first member (inactive until approval)."""
    email = email.strip().lower()
    refuse_known_enterprise_number(session, values.get("enterprise_number"))
    _refuse_known_email(session, email)
    organisation = Organisation(hub=hub, status="pending", **values)
    user = User(email=email, password_hash=hash_password(password), display_name=display_name,
                role="member", organisation=organisation, is_active=False,
                language=values.get("language") or "nl")
    session.add_all([organisation, user])
    audit.record(session, None, "register", organisation, after=audit.snapshot(organisation))
    return organisation, user


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
