"""The request's database session, the mails it sends and the copies an erasure leaves:
what blueprints import, kept apart from the app factory (as flaskr's `db.py`) so no
blueprint imports `api.app`."""
from __future__ import annotations

from flask import current_app, g
from sqlalchemy.orm import Session

from matchmaker import gdpr
from matchmaker.mail import Mail


def db_session() -> Session:
    """The request's database session, opened on first use and closed in teardown."""
    if "db" not in g:
        g.db = current_app.extensions["matchmaker.sessions"]()
    return g.db


def send_mail(mails: list[Mail]) -> None:
    """Send after the commit; a mail server that is down must not undo a decision taken."""
    try:
        current_app.extensions["matchmaker.mailer"].send(mails)
    except OSError:
        current_app.logger.exception("could not send %d mail(s)", len(mails))


def purge_copies(*erased: gdpr.Traces) -> None:
    """After an erasure's commit: its data's copies in the mail outbox and the database's
    write-ahead log (`gdpr.purge_copies`), for the API and the pages alike."""
    if not gdpr.purge_copies(current_app.extensions["matchmaker.engine"],
                             current_app.extensions["matchmaker.mailer"], list(erased)):
        current_app.logger.warning("the database's write-ahead log was busy after an "
                                   "erasure; the next erasure empties it")
