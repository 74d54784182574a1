"""A year of history on top of conftest's `world`, for the report, programme and page tests.

Made through the same domain functions users call (activities, the review workflow,
targets); only the timestamps are moved into YEAR afterwards, as if it had happened then.
Hub A: three activities, one match agreed and completed inside the hub, one agreed with
hub B's social enterprise; hub B: one match accepted with hub A's capacity, and an
agreement the year before. A decision note holds personal data that must never reach a
report.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

YEAR = 2025
PERSONAL_NOTE = "Bel Jan Janssens op 0470 12 34 56"


def at(month: int, day: int, year: int = YEAR) -> dt.datetime:
    return dt.datetime(year, month, day, 10, tzinfo=dt.UTC)


def add_history(session_factory, world) -> dict[str, int]:
    """Adds the history; returns the matches' ids by name."""
    from matchmaker import activities, kpis, parties, workflow
    from matchmaker.reports import targets
    from models import Capacity, Decision, Hub, Match, Stream, User

    with session_factory() as session:
        fac_a, fac_b = (session.get(User, world.ids[f"user_fac_{h}"]) for h in "ab")
        admin = session.get(User, world.ids["user_admin"])
        hub_a, hub_b = (session.get(Hub, world.ids[f"hub_{h}"]) for h in "ab")
        for kind, day, orgs, others in (
                ("network_event", dt.date(YEAR, 1, 15), ["org_co_a", "org_se_a"], 10),
                ("info_session", dt.date(YEAR, 2, 10), ["org_co_b"], 5),
                ("hackathon", dt.date(YEAR, 3, 12), [], 20),
                ("network_event", dt.date(YEAR - 1, 5, 1), [], 4),
                ("training", dt.date(YEAR - 1, 3, 1), [], 9)):
            activities.record_activity(session, fac_a, hub_a, kind, day, kind,
                                       [world.ids[o] for o in orgs], others)
        activities.record_activity(session, fac_b, hub_b, "network_event",
                                   dt.date(YEAR, 3, 5), "Netwerk B", [], 7)
        items = {key: session.get(model, world.ids[key]) for key, model in (
            ("stream_a", Stream), ("stream_b", Stream), ("capacity_a", Capacity),
            ("capacity_b", Capacity))}
        for key, when in (("stream_a", at(1, 5)), ("capacity_a", at(1, 6)),
                          ("stream_b", at(12, 1, YEAR - 1)), ("capacity_b", at(12, 2, YEAR - 1))):
            items[key].created_at = when
        deal = workflow.Agreement
        plans = {
            "inside_a": (fac_a, "stream_a", "capacity_a", [
                ("accepted", at(1, 20), {}), ("introduced", at(1, 25), {}),
                ("agreed", at(2, 3), {"agreement": deal(
                    1500, dt.date(YEAR, 2, 1), dt.date(YEAR, 4, 30), 300, 0.4, True)}),
                ("completed", at(5, 2), {"completed_volume_kg": 1400})]),
            "a_to_b": (fac_a, "stream_a", "capacity_b", [
                ("accepted", at(3, 3), {"note": PERSONAL_NOTE}), ("introduced", at(3, 10), {}),
                ("agreed", at(3, 20), {"agreement": deal(
                    800, dt.date(YEAR, 4, 1), dt.date(YEAR, 12, 31), 120, 0.2, False)})]),
            "b_to_a": (fac_b, "stream_b", "capacity_a", [("accepted", at(4, 2), {})]),
            "b_last_year": (fac_b, "stream_b", "capacity_b", [
                ("accepted", at(6, 1, YEAR - 1), {}), ("introduced", at(6, 5, YEAR - 1), {}),
                ("agreed", at(6, 20, YEAR - 1), {"agreement": deal(
                    500, dt.date(YEAR - 1, 7, 1), dt.date(YEAR - 1, 12, 31), 80, 0.1)})]),
        }
        ids = {}
        for name, (facilitator, stream, capacity, steps) in plans.items():
            match = workflow.take_suggestion(session, facilitator, items[stream],
                                             items[capacity], 0.8, {}, "test")
            match.created_at = steps[0][1] - dt.timedelta(days=1)
            if workflow.partner_hub_id(match) is not None:  # the capacity's hub consents
                consent = parties.consent(session, fac_b if facilitator is fac_a else fac_a,
                                          match, True)
                session.flush()
                consent.at = match.created_at
            for status, when, details in steps:
                workflow.decide(session, facilitator, match, workflow.Transition(
                    status, session.get(Match, match.id).version, **details))
                decision = session.scalars(sa.select(Decision).where(
                    Decision.match_id == match.id).order_by(Decision.id.desc())).first()
                decision.at = when
            ids[name] = match.id
        kpis.set_target(session, fac_a, hub_a.id, YEAR, "new_assignments", 4)
        for kpi, target in (("new_assignments", 3), ("matches_accepted", 6),
                            ("network_activities", 10),
                            ("median_days_to_first_accepted_match", 30)):
            targets.set_programme_target(session, admin, YEAR, kpi, target)
        session.commit()
    return ids


def add_programme_user(session_factory, world) -> None:
    """A user of the programme's read-only role, with an API token in `world.tokens`."""
    from matchmaker.accounts import hash_password
    from matchmaker.tokens import create_api_token
    from models import User

    from .conftest import PASSWORD

    with session_factory() as session:
        user = User(email="programma@vlaanderen.example", role="programme",
                    display_name="Programma Opvolger", password_hash=hash_password(PASSWORD))
        session.add(user)
        session.flush()
        world.tokens["prog"] = create_api_token(session, user, "test")[1]
        world.ids["user_prog"] = user.id
        session.commit()
