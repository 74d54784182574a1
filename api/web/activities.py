"""A hub's activities in the pages: the list and the form to record one, and each
activity's own page to correct it or delete it, the operations of the API's
`/hubs/{id}/activities` and `/activities/{id}` through the same domain functions
(`matchmaker.activities`), for the hub's facilitators only (others get a 404).

The participant picker offers the hub's approved organisations (and those an activity
already names, so a correction never drops one silently); any other id posted is refused
like one that does not exist."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask import Response, flash, redirect, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _

from api.db import db_session
from api.web.common import bp, form_day, page, signed_in
from api.web.review import facilitated_hub
from matchmaker import activities, limits, scoping
from matchmaker.errors import ValidationError
from models import ACTIVITY_KINDS, Activity, Hub, Organisation

TITLE_MAX = 300  # the API's `SHORT`


def _picker(hub: Hub, current: Iterable[Organisation] = ()) -> list[Organisation]:
    """The organisations the picker offers: the hub's approved ones, and the current ones."""
    listed = {o.id: o for o in db_session().scalars(sa.select(Organisation).where(
        Organisation.hub_id == hub.id, scoping.activity_participants(signed_in())))}
    listed.update((o.id, o) for o in current)
    return sorted(listed.values(), key=lambda o: o.name.casefold())


def _read_form(form: Any, offered: list[Organisation]
               ) -> tuple[dict[str, Any], dict[str, str]]:
    """The activity's values from the form and the problems next to their fields, within
    the API's ranges; participants only from the picker's organisations."""
    errors: dict[str, str] = {}
    kind = form.get("kind", "")
    if kind not in ACTIVITY_KINDS:
        errors["kind"] = _("Choose the kind of activity.")
    title = form.get("title", "").strip()
    if not title:
        errors["title"] = _("Give a short title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("Give a title of at most %(maximum)s characters.",
                            maximum=TITLE_MAX)
    date = form_day(form, "date", errors)
    others = form.get("other_participants", "0").strip() or "0"
    if not others.isdigit():
        errors["other_participants"] = _("Give a whole number of zero or more.")
    elif int(others) > limits.MAX_PARTICIPANTS:
        errors["other_participants"] = _("Give a number of at most %(maximum)s.",
                                         maximum=format_decimal(limits.MAX_PARTICIPANTS))
    chosen = form.getlist("organisations")
    allowed = {str(o.id) for o in offered}
    if any(i not in allowed for i in chosen):
        errors["organisations"] = _("Choose organisations from the list.")
    values = {"kind": kind, "title": title, "date": date,
              "organisation_ids": sorted({int(i) for i in chosen if i in allowed}),
              "other_participants": int(others) if others.isdigit() else 0}
    return values, errors


def _list_page(hub_id: int, errors: dict[str, str], status: int = 200) -> tuple[str, int]:
    hub = facilitated_hub(hub_id)
    recent = db_session().scalars(sa.select(Activity).where(Activity.hub_id == hub.id).order_by(
        Activity.date.desc(), Activity.id.desc()).limit(20)).all()
    return page("activities.html", status, hub=hub, organisations=_picker(hub),
                recent=recent, people=activities.people, kinds=ACTIVITY_KINDS, errors=errors, form=request.form)


@bp.get("/hubs/<int:hub_id>/activities")
def new_activity(hub_id: int) -> tuple[str, int]:
    return _list_page(hub_id, {})


@bp.post("/hubs/<int:hub_id>/activities")
def record_activity(hub_id: int) -> Response | tuple[str, int]:
    hub = facilitated_hub(hub_id)
    values, errors = _read_form(request.form, _picker(hub))
    if errors:
        return _list_page(hub_id, errors, 400)
    session = db_session()
    try:
        activity = activities.record_activity(session, signed_in(), hub, **values)
    except ValidationError:  # an organisation changed meanwhile
        return _list_page(hub_id, {"organisations": _("Choose organisations from the list.")},
                          400)
    session.commit()
    flash(_("Activity recorded: %(title)s.", title=activity.title))
    return redirect(url_for("web.new_activity", hub_id=hub.id))


def _activity(activity_id: int) -> Activity:
    """The activity, for the facilitators of its hub; a 404 for anyone else."""
    activity = scoping.load(db_session(), signed_in(), Activity, activity_id)
    facilitated_hub(activity.hub_id)
    return activity


def _activity_page(activity: Activity, errors: dict[str, str], status: int = 200
                   ) -> tuple[str, int]:
    form = request.form if request.method == "POST" else _as_form(activity)
    return page("activity.html", status, hub=activity.hub, activity=activity,
                people=activities.people,
                organisations=_picker(activity.hub, activity.organisations),
                kinds=ACTIVITY_KINDS, errors=errors, form=form)


class _Form(dict):
    """A stored activity shaped like the posted form the template reads."""

    def getlist(self, name: str) -> list[str]:
        value = self.get(name, [])
        return value if isinstance(value, list) else [value]


def _as_form(activity: Activity) -> _Form:
    return _Form(kind=activity.kind, title=activity.title, date=activity.date.isoformat(),
                 other_participants=str(activity.other_participants),
                 organisations=[str(o.id) for o in activity.organisations])


@bp.get("/activities/<int:activity_id>")
def activity_page(activity_id: int) -> tuple[str, int]:
    return _activity_page(_activity(activity_id), {})


@bp.post("/activities/<int:activity_id>")
def correct_activity(activity_id: int) -> Response | tuple[str, int]:
    activity = _activity(activity_id)
    values, errors = _read_form(request.form,
                                _picker(activity.hub, activity.organisations))
    if errors:
        return _activity_page(activity, errors, 400)
    session = db_session()
    try:
        activities.update_activity(session, signed_in(), activity, values)
    except ValidationError:  # an organisation changed meanwhile
        session.rollback()
        return _activity_page(_activity(activity_id), {
            "organisations": _("Choose organisations from the list.")}, 400)
    session.commit()
    flash(_("Activity corrected: %(title)s.", title=activity.title))
    return redirect(url_for("web.activity_page", activity_id=activity.id))


@bp.get("/activities/<int:activity_id>/delete")
def confirm_delete_activity(activity_id: int) -> tuple[str, int]:
    activity = _activity(activity_id)
    return page("activity_delete.html", 200, hub=activity.hub, activity=activity)


@bp.post("/activities/<int:activity_id>/delete")
def delete_activity(activity_id: int) -> Response:
    activity = _activity(activity_id)
    hub_id, title = activity.hub_id, activity.title
    session = db_session()
    activities.delete_activity(session, signed_in(), activity)
    session.commit()
    flash(_("Activity deleted: %(title)s.", title=title))
    return redirect(url_for("web.new_activity", hub_id=hub_id))

