"""The programme's view across hubs and its read-only role: every hub's figures equal the
hub's own for every KPI, growth against the year before, weighted scores, flows between
hubs, programme targets, and no personal data anywhere in what the programme reads."""
from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
import sqlalchemy as sa

from matchmaker import kpis
from matchmaker.config import Settings
from matchmaker.reports import programme
from matchmaker.reports.hub_report import ADDITIVE_UNITS
from matchmaker.reports.periods import Period
from tests.reporting_data import PERSONAL_NOTE, YEAR, add_history, add_programme_user
from tests.test_api_scoping import CASES, _send, fingerprint
from tests.test_api_scoping import draft as _role_grid_world  # noqa: F401 (a fixture)

PERIOD = Period.year(YEAR)
WEIGHTS = Settings().weights


@pytest.fixture
def history(world, session_factory):
    world.ids.update(add_history(session_factory, world))
    add_programme_user(session_factory, world)
    return world


def test_a_match_between_two_hubs_counts_for_both_and_once_in_the_programme(
        history, session_factory):
    """a_to_b (hub A's stream, hub B's social enterprise) was introduced and agreed: hub B
    counts it from the introduction on; b_to_a, only accepted, stays hub B's alone."""
    with session_factory() as session:
        view = programme.view(session, PERIOD, WEIGHTS)
    hub_a, hub_b = view.hubs
    assert hub_b.report.shared == {"matches_introduced": 1, "new_assignments": 1,
                                   "assignment_volume_kg": 800, "target_group_fte": 0.2,
                                   "target_group_hours": 120}
    assert hub_a.report.shared == {}
    assert (hub_a.report.value("matches_accepted"), hub_b.report.value("matches_accepted")) == (
        2, 1)   # the review work stays with the deciding hub
    assert hub_b.report.value("assignment_volume_kg") == 800
    assert view.total("new_assignments") == 2 and view.total("assignment_volume_kg") == 2300
    assert view.total("matches_introduced") == 2


def test_every_hubs_figures_are_its_own_for_every_kpi(history, session_factory):
    with session_factory() as session:
        view = programme.view(session, PERIOD, WEIGHTS)
        own = {h: (kpis.compute(session, history.ids[f"hub_{h}"], PERIOD.start, PERIOD.end),
                   kpis.compute(session, history.ids[f"hub_{h}"], PERIOD.a_year_earlier().start,
                                PERIOD.a_year_earlier().end)) for h in "ab"}
    assert [h.hub_name for h in view.hubs] == ["Hub A", "Hub B"]
    for figures, key in zip(view.hubs, "ab", strict=True):
        report, before = own[key]
        assert [(r.kpi, r.value, r.target, r.progress) for r in figures.report.rows] == [
            (r.kpi, r.value, r.target, r.progress) for r in report.rows]
        for row in report.rows:
            previous = before.value(row.kpi)
            expected = round((row.value - previous) / previous, 4) if previous else None
            assert figures.growth(row.kpi) == expected, row.kpi
    for row in view.hubs[0].report.rows:
        if "." not in row.kpi:
            total = view.total(row.kpi)
            if row.unit in ADDITIVE_UNITS:
                assert total == sum(own[h][0].value(row.kpi) - own[h][0].shared.get(row.kpi, 0)
                                    for h in "ab"), row.kpi
            else:
                assert total is None, row.kpi
    hub_a, hub_b = view.hubs
    # a_to_b counts for hub B too (its social enterprise), once in the programme's total
    assert (hub_a.report.value("new_assignments"), hub_b.report.value("new_assignments")) == (2, 1)
    assert hub_b.growth("new_assignments") == 0.0  # one agreement the year before, one now
    assert hub_a.activities["hackathon"] == 1 and hub_b.activities["network_event"] == 1


def test_scores_weigh_objectives_3_and_4_as_configured(history, session_factory):
    with session_factory() as session:
        view = programme.view(session, PERIOD, WEIGHTS)
        flat = programme.view(session, PERIOD, {o: 1.0 for o in kpis.OBJECTIVES})
    hub_a = view.hubs[0]
    # hub A: network activities 2 of 10; new assignments 2 of 4, matches accepted 2 of 6;
    # the median days (15 against a ceiling of 30) counts as reached
    assignments = round((round(2 / 6, 4) + 0.5) / 2, 4)
    assert hub_a.objective_scores == {
        "networking": 0.2, "awareness": None, "new_initiatives_social_impact": 1.0,
        "new_assignments_social_economy": assignments}
    assert hub_a.weighted_score == round((1 * 0.2 + 2 * 1.0 + 2 * assignments) / 5, 4)
    assert flat.hubs[0].weighted_score == round((0.2 + 1.0 + assignments) / 3, 4)
    assert view.weights["new_assignments_social_economy"] == 2 * view.weights["networking"]


def test_weights_are_configuration_and_wrong_ones_are_refused(monkeypatch):
    monkeypatch.setenv("MATCHMAKER_OBJECTIVE_WEIGHTS", "networking=1,awareness=0.5,"
                       "new_initiatives_social_impact=3,new_assignments_social_economy=3")
    assert Settings.from_env().weights["new_initiatives_social_impact"] == 3
    monkeypatch.setenv("MATCHMAKER_OBJECTIVE_WEIGHTS", "networking=1,impact=2")
    with pytest.raises(ValueError, match="MATCHMAKER_OBJECTIVE_WEIGHTS: unknown objective"):
        Settings.from_env()


def test_flows_count_matches_between_different_hubs_per_pair(history, session_factory):
    with session_factory() as session:
        flows = programme.flows(session, PERIOD)
        earlier = programme.flows(session, PERIOD.a_year_earlier())
    assert [(f.stream_hub, f.capacity_hub, f.matches_taken, f.accepted, f.agreed,
             f.agreed_volume_kg) for f in flows] == [
        ("Hub A", "Hub B", 1, 1, 1, 800.0), ("Hub B", "Hub A", 1, 1, 0, 0.0)]
    assert earlier == []  # the year before, hub B's agreement stayed inside hub B


def test_programme_api_matches_each_hubs_kpis_for_every_kpi(http, history):
    status, _, view = http.get(f"/api/v1/programme?year={YEAR}", token=history.tokens["prog"])
    assert status == 200
    for hub in view["hubs"]:
        _, _, own = http.get(f"/api/v1/hubs/{hub['hub_id']}/kpis?year={YEAR}",
                             token=history.tokens["admin"])
        assert [(k["kpi"], k["value"], k["target"], k["progress"]) for k in hub["kpis"]] == [
            (r["kpi"], r["value"], r["target"], r["progress"]) for r in own["rows"]]
    assert view["totals"]["new_assignments"] == 2
    assert view["weights"] == WEIGHTS
    for role in ("fac_a", "co_a", "se_b"):
        assert http.get("/api/v1/programme", token=history.tokens[role])[0] == 403


def _personal_strings(session_factory, world) -> set[str]:
    """Every contact's and user's personal field, and the decisions' notes: none of them
    may reach what the programme reads (its own account's name aside)."""
    from models import Contact, Decision, User

    with session_factory() as session:
        found = {v for row in session.execute(sa.select(
            Contact.name, Contact.email, Contact.phone)) for v in row}
        found |= {v for row in session.execute(sa.select(User.email, User.display_name).where(
            User.id != world.ids["user_prog"])) for v in row}
        found |= set(session.scalars(sa.select(Decision.note)))
    found = {v for v in found if v}
    assert PERSONAL_NOTE in found and "person-co-a@example.org" in found
    return found


def _texts(body: bytes, kind: str) -> str:
    """What a person could read in a response: JSON, CSV, the cells of a workbook (and its
    XML, so nothing hides in comments or names), a page's content without its header."""
    if kind == "xlsx":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(archive.read(n).decode("utf-8", "replace")
                             for n in archive.namelist())
    text = body.decode("utf-8-sig")
    if kind == "html":
        return re.search(r"<main id=\"main\">.*</main>", text, re.S).group(0)
    return text


PERSONAL_KEYS = {"email", "phone", "contact", "contacts", "display_name", "user", "user_id",
                 "note", "name_of_contact", "password_hash"}


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_nothing_personal_reaches_the_programme(http, history, session_factory, api_app):
    personal = _personal_strings(session_factory, history)
    token, hub = history.tokens["prog"], history.ids["hub_a"]
    api = [(f"/api/v1/programme?year={YEAR}", "json"), ("/api/v1/programme/opportunities", "json"),
           (f"/api/v1/hubs/{hub}/opportunities", "json"), ("/api/v1/programme-targets", "json"),
           (f"/api/v1/programme.xlsx?year={YEAR}", "xlsx"),
           (f"/api/v1/hubs/{hub}/report.xlsx?year={YEAR}", "xlsx"),
           (f"/api/v1/hubs/{hub}/report.csv?year={YEAR}", "csv")]
    seen = {}
    for path, kind in api:
        body = http.raw("GET", path, token=token)
        seen[path] = _texts(body, kind)
        if kind == "json":
            assert not _keys(json.loads(body)) & PERSONAL_KEYS, path
    from tests.test_web_pages import Browser

    browser = Browser(api_app.test_client()).login("programma@vlaanderen.example")
    for path in (f"/programme?year={YEAR}", "/programme/opportunities", "/programme/targets",
                 f"/hubs/{hub}/report?year={YEAR}", f"/hubs/{hub}/opportunities"):
        response = browser.get(path)
        assert response.status_code == 200, path
        seen[path] = _texts(response.data, "html")
    # the totals say that a match between two hubs counts once
    assert b'<p class="footnote" id="shared-matches">' in browser.get(
        f"/programme?year={YEAR}").data
    for path, content in seen.items():
        leaked = [p for p in personal if p in content]
        assert not leaked, (path, leaked)
    assert "Hub A" in seen[f"/api/v1/programme?year={YEAR}"]  # the content is really there


def test_the_programme_changes_nothing(http, _role_grid_world, session_factory,  # noqa: F811
                                       engine):
    """Every write of the role grid (tests/test_api_scoping.py) is refused to the programme;
    one world for all of them, as a refused request leaves it as it was."""
    grid = _role_grid_world
    add_programme_user(session_factory, grid)
    before = fingerprint(engine)
    for case in (c for c in CASES if c.method != "GET"):
        status, _, body = _send(http, grid, case, "prog")
        assert status in (403, 404), (case.name, body)
    assert fingerprint(engine) == before


def test_programme_targets_are_set_by_admins_and_floor_the_hubs(http, history):
    body = {"year": YEAR, "kpi": "matches_completed", "target": 2}
    for role in ("prog", "fac_a", "co_a"):
        assert http.put_json("/api/v1/programme-targets", body, token=history.tokens[role])[0] \
            == 403
    status, _, saved = http.put_json("/api/v1/programme-targets", body,
                                     token=history.tokens["admin"])
    assert status == 200 and saved["target"] == 2
    status, _, listed = http.get(f"/api/v1/programme-targets?year={YEAR}",
                                 token=history.tokens["fac_b"])
    assert status == 200 and {t["kpi"] for t in listed} >= {"matches_completed", "new_assignments"}
    assert http.get("/api/v1/programme-targets", token=history.tokens["co_a"])[0] == 403
    status, _, problem = http.put_json(f"/api/v1/hubs/{history.ids['hub_b']}/kpi-targets",
                                       {**body, "target": 1}, token=history.tokens["fac_b"])
    assert status == 400 and problem["errors"][0]["path"] == "target"
    _, _, report = http.get(f"/api/v1/hubs/{history.ids['hub_b']}/kpis?year={YEAR}",
                            token=history.tokens["fac_b"])
    row = next(r for r in report["rows"] if r["kpi"] == "matches_completed")
    assert (row["target"], row["programme_target"]) == (2, 2)


def test_the_database_keeps_roles_to_the_known_ones(session_factory):
    from models import User

    with session_factory() as session:
        session.add(User(email="x@example.org", role="programme"))
        session.commit()
        session.add(User(email="y@example.org", role="boss"))
        with pytest.raises(sa.exc.IntegrityError):
            session.commit()
