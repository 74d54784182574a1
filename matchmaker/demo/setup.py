"""Put the demo data and one facilitator login per hub into a database."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Hub

from ..accounts import ensure_facilitator
from ..exchange import ImportReport, import_exchange
from . import load_demo

SOURCE = "demo"
# Printed by `make demo`; a demo database is for trying the service out, never for real data.
DEMO_PASSWORD = "circulair-demo"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    hub: str


def install_demo(session: Session) -> tuple[ImportReport, list[DemoLogin]]:
    """Import (or refresh) the demo data and make sure each hub has a demo facilitator."""
    report = import_exchange(session, load_demo(), source=SOURCE)
    logins = []
    hubs = session.scalars(sa.select(Hub).where(Hub.source == SOURCE).order_by(Hub.id)).all()
    for hub in hubs:
        slug = (hub.external_id or str(hub.id)).removeprefix("hub-")
        email = f"facilitator.{slug}@demo.example"
        ensure_facilitator(session, email, DEMO_PASSWORD, [hub],
                           display_name=f"Facilitator {hub.name}")
        logins.append(DemoLogin(email, DEMO_PASSWORD, hub.name))
    session.commit()
    return report, logins
