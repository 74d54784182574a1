"""Hub activities (network events, info sessions, trainings, ...): recorded by facilitators
so the networking and awareness objectives are counted from data."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from models import Activity, Hub, Organisation, User

from . import audit, scoping
from .concurrent_writes import first_writer_wins

NETWORKING_KINDS: tuple[str, ...] = ("network_event", "hackathon")


def people(activity: Activity) -> int:
    """The people an activity counts in the participants KPIs: the facilitator names the
    organisations that took part and adds the other people who came; an organisation
    counts as one person, however many of its people came."""
    return len(activity.organisations) + activity.other_participants


def _organisations(session: Session, actor: User, organisation_ids: list[int]
                   ) -> list[Organisation]:
    # from any hub, but only approved ones the facilitator may see (`scoping`)
    return scoping.load_many(session, actor, Organisation, organisation_ids,
                             "organisation_ids", scoping.activity_participants(actor))


def record_activity(session: Session, actor: User, hub: Hub, kind: str, date: dt.date,
                    title: str, organisation_ids: list[int] | None = None,
                    other_participants: int = 0) -> Activity:
    """Record one activity with the organisations that took part (from any hub)."""
    activity = Activity(hub=hub, kind=kind, date=date, title=title,
                        other_participants=other_participants,
                        organisations=_organisations(session, actor, organisation_ids or []))
    audit.record_creation(session, actor, activity, organisation_ids=organisation_ids or [])
    return activity


def update_activity(session: Session, actor: User, activity: Activity,
                    values: dict[str, Any]) -> Activity:
    before = {**audit.snapshot(activity),
              "organisation_ids": sorted(o.id for o in activity.organisations)}
    values = dict(values)
    organisations = (_organisations(session, actor, values.pop("organisation_ids"))
                     if "organisation_ids" in values else None)
    with first_writer_wins(session, f"a change of activity {activity.id}", lambda: activity):
        if organisations is not None:
            activity.organisations = organisations
        for key, value in values.items():
            setattr(activity, key, value)
    after = {**audit.snapshot(activity),
             "organisation_ids": sorted(o.id for o in activity.organisations)}
    old, new = audit.changed(before, after)
    if new:
        audit.record(session, actor, "update", activity, before=old, after=new)
    return activity


def delete_activity(session: Session, actor: User, activity: Activity) -> None:
    audit.record(session, actor, "delete", activity, before=audit.snapshot(activity))
    session.delete(activity)
    session.flush()
