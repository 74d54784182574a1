"""KPIs per hub and period, computed from activities, registrations and decisions."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from matchmaker import activities, kpis, workflow
from models import Capacity, Hub, Match, Stream, User

TODAY = dt.date.today()
YEAR = (dt.date(TODAY.year, 1, 1), dt.date(TODAY.year + 1, 1, 1))


@pytest.fixture
def busy_hub(world, session_factory):
    """Hub A with two activities and one match taken all the way to completed."""
    with session_factory() as session:
        fac = session.get(User, world.ids["user_fac_a"])
        hub = session.get(Hub, world.ids["hub_a"])
        activities.record_activity(session, fac, hub, "network_event", TODAY, "Netwerkcafé",
                                   [world.ids["org_co_a"], world.ids["org_se_a"]], 12)
        activities.record_activity(session, fac, hub, "info_session", TODAY, "Infosessie",
                                   [world.ids["org_co_b"]], 5)
        activities.record_activity(session, fac, hub, "training", dt.date(2001, 3, 1), "Oud", [], 9)
        match = workflow.take_suggestion(
            session, fac, session.get(Stream, world.ids["stream_a"]),
            session.get(Capacity, world.ids["capacity_a"]), 0.9, {}, "default-1")
        rejected = workflow.take_suggestion(
            session, fac, session.get(Stream, world.ids["stream_a"]),
            session.get(Capacity, world.ids["capacity_b"]), 0.4, {}, "default-1")
        steps = [
            (match, workflow.Transition("accepted", 0)),
            (rejected, workflow.Transition("rejected", 0, reason_code="too_far")),
            (match, workflow.Transition("introduced", 0)),
            (match, workflow.Transition("agreed", 0, agreement=workflow.Agreement(
                volume_kg=1500, period_start=TODAY, period_end=TODAY + dt.timedelta(days=90),
                estimated_fte=0.4, estimated_hours=300, new_service=True))),
            (match, workflow.Transition("completed", 0, completed_volume_kg=1400)),
        ]
        for m, step in steps:
            workflow.decide(session, fac, m, workflow.Transition(
                step.to_status, session.get(Match, m.id).version, step.reason_code, step.note,
                step.agreement, step.completed_volume_kg,
                confirm_early_completion=True))   # the agreed period runs on from today
        session.commit()
    return world


def test_kpis_count_activities_registrations_and_the_lifecycle(busy_hub, session_factory):
    with session_factory() as session:
        report = kpis.compute(session, busy_hub.ids["hub_a"], *YEAR)
    expected = {
        "network_activities": 1, "network_participants": 14, "awareness_activities": 1,
        "awareness_participants": 6, "organisations_reached": 3,
        "organisations_reached.company": 2, "activities.training": 0,
        "streams_registered": 1, "capacities_registered": 1,
        "suggestions_reviewed": 2, "acceptance_rate": 0.5, "new_circular_initiatives": 1,
        "matches_accepted": 1, "matches_introduced": 1, "new_assignments": 1,
        "matches_completed": 1, "assignment_volume_kg": 1500, "completed_volume_kg": 1400,
        "target_group_fte": 0.4, "target_group_hours": 300,
    }
    assert {k: report.value(k) for k in expected} == expected
    assert report.value("median_days_to_first_accepted_match") >= 0
    assert report.value("organisations_active") >= 2
    assert report.value("organisations_active.company") >= 1


def test_every_objective_has_at_least_two_kpis(busy_hub, session_factory):
    with session_factory() as session:
        report = kpis.compute(session, busy_hub.ids["hub_a"], *YEAR)
    for objective in kpis.OBJECTIVES:
        assert len([r for r in report.rows if r.objective == objective]) >= 2


def test_other_hub_and_other_period_count_nothing_of_it(busy_hub, session_factory):
    with session_factory() as session:
        other_hub = kpis.compute(session, busy_hub.ids["hub_b"], *YEAR)
        last_year = kpis.compute(session, busy_hub.ids["hub_a"],
                                 dt.date(TODAY.year - 1, 1, 1), YEAR[0])
    assert other_hub.value("matches_accepted") == 0
    assert other_hub.value("network_activities") == 0
    assert last_year.value("new_assignments") == 0


def test_a_cross_hub_match_counts_for_both_hubs_from_its_introduction(world, session_factory):
    """Hub A's stream with hub B's capacity: B counts it once introduced and agreed, as the
    programme's `shared` part of its figures; accepting stays A's review work."""
    with session_factory() as session:
        fac = session.get(User, world.ids["user_fac_a"])
        match = workflow.take_suggestion(
            session, fac, session.get(Stream, world.ids["stream_a"]),
            session.get(Capacity, world.ids["capacity_b"]), 0.7, {}, "default-1")
        match.partner_consent = True
        before_introduction = None
        for step, deal in (("accepted", None), ("introduced", None), ("agreed", workflow.Agreement(
                volume_kg=600, period_start=TODAY, period_end=TODAY + dt.timedelta(days=30),
                estimated_hours=50))):
            workflow.decide(session, fac, match, workflow.Transition(
                step, match.version, agreement=deal))
            if step == "accepted":
                before_introduction = kpis.compute(session, world.ids["hub_b"], *YEAR)
        session.commit()
        hub_a, hub_b = (kpis.compute(session, world.ids[f"hub_{h}"], *YEAR) for h in "ab")
    assert before_introduction.value("matches_accepted") == 0
    assert before_introduction.shared == {}
    for report in (hub_a, hub_b):
        assert (report.value("matches_introduced"), report.value("new_assignments"),
                report.value("assignment_volume_kg"), report.value("target_group_hours")) == (
            1, 1, 600, 50)
    assert (hub_a.value("matches_accepted"), hub_b.value("matches_accepted")) == (1, 0)
    assert hub_a.shared == {}
    assert hub_b.shared == {"matches_introduced": 1, "new_assignments": 1,
                            "assignment_volume_kg": 600, "target_group_hours": 50}


def test_targets_give_progress(busy_hub, session_factory):
    with session_factory() as session:
        kpis.set_target(session, session.get(User, busy_hub.ids["user_fac_a"]),
                        busy_hub.ids["hub_a"], TODAY.year, "assignment_volume_kg", 3000)
        session.commit()
        row = next(r for r in kpis.compute(session, busy_hub.ids["hub_a"], *YEAR).rows
                   if r.kpi == "assignment_volume_kg")
    assert (row.target, row.progress) == (3000, 0.5)


def test_kpis_over_http_as_json_csv_and_excel(http, busy_hub):
    from openpyxl import load_workbook

    token = busy_hub.tokens["fac_a"]
    hub = busy_hub.ids["hub_a"]
    status, _, body = http.put_json(f"/api/v1/hubs/{hub}/kpi-targets",
                                    {"year": TODAY.year, "kpi": "new_assignments", "target": 4},
                                    token=token)
    assert status == 200, body
    status, _, report = http.get(f"/api/v1/hubs/{hub}/kpis?year={TODAY.year}", token=token)
    assert status == 200
    row = next(r for r in report["rows"] if r["kpi"] == "new_assignments")
    assert (row["value"], row["target"], row["progress"]) == (1, 4, 0.25)
    assert report["end"] == f"{TODAY.year}-12-31"

    raw = http.raw("GET", f"/api/v1/hubs/{hub}/kpis.csv?year={TODAY.year}", token=token)
    rows = list(csv.DictReader(io.StringIO(raw.decode())))
    assert next(r for r in rows if r["kpi"] == "matches_completed")["value"] == "1.0"

    raw = http.raw("GET", f"/api/v1/hubs/{hub}/kpis.xlsx?year={TODAY.year}", token=token)
    sheet = load_workbook(io.BytesIO(raw)).active
    values = {r[1]: r[2] for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert values["assignment_volume_kg"] == 1500


@pytest.mark.parametrize("role", ["fac_b", "co_a", "se_a"])
def test_kpis_and_activities_belong_to_the_hubs_facilitators(http, world, role):
    hub = world.ids["hub_a"]
    assert http.get(f"/api/v1/hubs/{hub}/kpis", token=world.tokens[role])[0] == 403
    status, _, _ = http.post(f"/api/v1/hubs/{hub}/activities", json={
        "kind": "training", "date": TODAY.isoformat(), "title": "x"}, token=world.tokens[role])
    assert status == 403


def test_facilitator_records_an_activity_over_http(http, world):
    status, _, activity = http.post(f"/api/v1/hubs/{world.ids['hub_a']}/activities", json={
        "kind": "hackathon", "date": TODAY.isoformat(), "title": "Circulaire hackathon",
        "organisation_ids": [world.ids["org_co_a"], world.ids["org_se_b"]],
        "other_participants": 20}, token=world.tokens["fac_a"])
    assert status == 201
    assert activity["organisation_ids"] == sorted([world.ids["org_co_a"], world.ids["org_se_b"]])
    status, _, problem = http.post(f"/api/v1/hubs/{world.ids['hub_a']}/activities", json={
        "kind": "hackathon", "date": TODAY.isoformat(), "title": "x",
        "organisation_ids": [999999]}, token=world.tokens["fac_a"])
    assert status == 400 and problem["errors"][0]["path"] == "organisation_ids"


def test_period_must_be_complete_and_ordered(http, world):
    hub = world.ids["hub_a"]
    token = world.tokens["fac_a"]
    assert http.get(f"/api/v1/hubs/{hub}/kpis?start=2026-01-01", token=token)[0] == 400
    assert http.get(f"/api/v1/hubs/{hub}/kpis?start=2026-05-01&end=2026-01-01",
                    token=token)[0] == 400


def test_correcting_an_activity_changes_the_counts_and_is_audited(http, world, session_factory):
    import sqlalchemy as sa

    from models import AuditEntry

    token = world.tokens["fac_a"]
    _, _, activity = http.post(f"/api/v1/hubs/{world.ids['hub_a']}/activities", json={
        "kind": "info_session", "date": TODAY.isoformat(), "title": "Infoavond",
        "other_participants": 3}, token=token)
    status, _, fixed = http.patch(f"/api/v1/activities/{activity['id']}", json={
        "organisation_ids": [world.ids["org_co_a"]], "other_participants": 7}, token=token)
    assert status == 200 and fixed["organisation_ids"] == [world.ids["org_co_a"]]
    _, _, report = http.get(f"/api/v1/hubs/{world.ids['hub_a']}/kpis", token=token)
    assert next(r for r in report["rows"] if r["kpi"] == "awareness_participants")["value"] == 8
    assert http.patch(f"/api/v1/activities/{activity['id']}", json={"title": "x"},
                      token=world.tokens["fac_b"])[0] == 404
    assert http.delete(f"/api/v1/activities/{activity['id']}", token=token)[0] == 204
    with session_factory() as session:
        actions = session.scalars(sa.select(AuditEntry.action).where(
            AuditEntry.entity == "activities")).all()
    assert actions == ["create", "update", "delete"]


def test_an_activity_names_only_approved_organisations(http, world, session_factory):
    """An organisation waiting for its hub's approval is refused like one that does not
    exist, on recording and on correcting: the same 400 on the same field."""
    from matchmaker import onboarding

    with session_factory() as session:
        pending = onboarding.register(session, session.get(Hub, world.ids["hub_a"]), {
            "name": "Nog niet goedgekeurd", "kind": "company"}, "pending@example.org",
            "a long enough secret").organisation
        session.commit()
        pending_id = pending.id
    token, hub = world.tokens["fac_a"], world.ids["hub_a"]

    def problem(organisation_id):
        status, _, body = http.post(f"/api/v1/hubs/{hub}/activities", json={
            "kind": "training", "date": TODAY.isoformat(), "title": "Opleiding",
            "organisation_ids": [organisation_id]}, token=token)
        return status, [(e["path"], e["message"].replace(str(organisation_id), "N"))
                        for e in body["errors"]]

    assert problem(pending_id) == problem(999999)
    assert problem(pending_id)[0] == 400
    _, _, activity = http.post(f"/api/v1/hubs/{hub}/activities", json={
        "kind": "training", "date": TODAY.isoformat(), "title": "Opleiding"}, token=token)
    status, _, _ = http.patch(f"/api/v1/activities/{activity['id']}", json={
        "organisation_ids": [pending_id]}, token=token)
    assert status == 400
