"""Words for the codes the domain stores (statuses, reject reasons, KPIs, activity kinds).

Each is a literal gettext call so the catalogue extraction finds it; an unknown code is
shown as it is rather than hidden.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask_babel import lazy_gettext as _l

from api.web.i18n import colon, vocabulary_label

STATUS = {
    "proposed": _l("proposed"), "accepted": _l("accepted"), "rejected": _l("rejected"),
    "introduced": _l("introduced"), "agreed": _l("agreed"), "completed": _l("completed"),
    "withdrawn": _l("withdrawn"), "draft": _l("draft"), "published": _l("published"),
    "closed": _l("closed"),
}
REASON = {
    "wrong_material": _l("wrong material"), "wrong_service": _l("wrong service"),
    "too_far": _l("too far away"), "not_enough_capacity": _l("not enough capacity"),
    "certification_missing": _l("certification missing"),
    "party_declined": _l("a party declined"), "duplicate": _l("duplicate"),
    "other": _l("other reason"),
}
OBJECTIVE = {
    "networking": _l("Networking"), "awareness": _l("Awareness"),
    "new_initiatives_social_impact": _l("New initiatives with social impact"),
    "new_assignments_social_economy": _l("New assignments for the social economy"),
}
KPI = {
    "network_activities": _l("Network activities"),
    "network_participants": _l("Participants in network activities"),
    "organisations_reached": _l("Organisations reached"),
    "organisations_active": _l("Active organisations"),
    "awareness_activities": _l("Awareness activities"),
    "awareness_participants": _l("Participants in awareness activities"),
    "streams_registered": _l("Material streams registered"),
    "capacities_registered": _l("Capacities registered"),
    "suggestions_reviewed": _l("Suggestions reviewed"),
    "acceptance_rate": _l("Acceptance rate"),
    "new_circular_initiatives": _l("New circular initiatives"),
    "median_days_to_first_accepted_match": _l("Median days to the first accepted match"),
    "matches_accepted": _l("Matches accepted"),
    "matches_introduced": _l("Matches introduced"),
    "new_assignments": _l("New assignments"),
    "matches_completed": _l("Matches completed"),
    "assignment_volume_kg": _l("Agreed volume (kg)"),
    "completed_volume_kg": _l("Completed volume (kg)"),
    "target_group_fte": _l("Target group FTE"),
    "target_group_hours": _l("Target group hours"),
    "activities": _l("Activities"),
    "participants": _l("Participants"),
}
ACTIVITY = {
    "network_event": _l("network event"), "info_session": _l("info session"),
    "hackathon": _l("hackathon"), "training": _l("training"), "coaching": _l("coaching"),
    "material_map": _l("material map"), "other": _l("other activity"),
}


def _lookup(table: dict) -> Callable[[str], object]:
    return lambda code: table.get(code, code)


def kpi_label(kpi: str) -> str:
    """`activities.training` -> "Activities: training"; the part after the dot is a kind."""
    head, _dot, kind = kpi.partition(".")
    if not kind:
        return str(KPI.get(kpi, kpi))
    detail = ACTIVITY.get(kind) or vocabulary_label(kind, "organisation_kind")
    return f"{colon(KPI.get(head, head))} {detail}"


def install(app: Flask) -> None:
    for name, table in (("status", STATUS), ("reason", REASON), ("objective", OBJECTIVE),
                        ("activity", ACTIVITY)):
        app.jinja_env.filters[name] = _lookup(table)
    app.jinja_env.filters["kpi"] = kpi_label
