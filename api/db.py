"""The request's database session, the mails it sends and the copies an erasure leaves:
what blueprints import, kept apart from the app factory (as flaskr's `db.py`) so no
blueprint imports `api.app`."""
from __future__ import annotations

from flask import current_app, g, url_for
from sqlalchemy.orm import Session

from matchmaker import gdpr, notifications
from matchmaker.mail import Mail
from models import Hub, Match, Organisation


def db_session() -> Session:
    """The request's database session, opened on first use and closed in teardown."""
    if "db" not in g:
        g.db = current_app.extensions["matchmaker.sessions"]()
    return g.db


def send_mail(mails: list[Mail]) -> None:
    """Queue and send after the commit: a mail server that is down must not undo a decision
    taken, and its mails wait in the queue (`Mailer`) until the server is back."""
    try:
        current_app.extensions["matchmaker.mailer"].send(mails)
    except OSError:
        current_app.logger.exception("could not send %d mail(s)", len(mails))


def page_url(endpoint: str, **values: object) -> str:
    """A page's absolute address for a mail: the configured public URL, never the Host
    a request happened to name (a mail may be sent long after, or from the command line)."""
    base = current_app.extensions["matchmaker.settings"].public_url.rstrip("/")
    return base + url_for(endpoint, **values)


def _match_for(match: Match, party: Organisation) -> str:
    # a party sees its introduced matches on its own streams' or capacities' page
    kind = "streams" if party.id == match.stream.organisation_id else "capacities"
    return page_url("web.my_items", kind=kind, _anchor=f"match-{match.id}")


def mail_links() -> notifications.Links:
    """The pages the mails point to, as `notifications` needs them."""
    def registrations(hub: Hub) -> str:
        return page_url("web.hub_organisations", hub_id=hub.id, _anchor="pending")

    return notifications.Links(login=page_url("web.login"), register=page_url("web.register"),
                               match_for=_match_for, registrations=registrations)


def purge_copies(*erased: gdpr.Traces) -> None:
    """After an erasure's commit: its data's copies in the mail outbox and the database's
    write-ahead log (`gdpr.purge_copies`), for the API and the pages alike."""
    if not gdpr.purge_copies(current_app.extensions["matchmaker.engine"],
                             current_app.extensions["matchmaker.mailer"], list(erased)):
        current_app.logger.warning("the database's write-ahead log was busy after an "
                                   "erasure; the next erasure empties it")
