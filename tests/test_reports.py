"""A hub's yearly report: the same figures as the KPIs, month by month and a year earlier,
the agreements behind the new assignments; programme targets as the floor of a hub's own.
(The files made of it: tests/test_report_files.py.)"""
from __future__ import annotations

import datetime as dt

import pytest

from matchmaker import kpis
from matchmaker.errors import ValidationError
from matchmaker.reports import hub_report
from matchmaker.reports.hub_report import ADDITIVE_UNITS
from matchmaker.reports.periods import Period
from models import User
from tests.reporting_data import PERSONAL_NOTE, YEAR, add_history

PERIOD = Period.year(YEAR)


@pytest.fixture
def history(world, session_factory):
    world.ids.update(add_history(session_factory, world))
    return world


@pytest.fixture
def report(history, session_factory) -> hub_report.HubReport:
    with session_factory() as session:
        return hub_report.build(session, history.ids["hub_a"], PERIOD)


def test_report_figures_are_the_kpis_of_the_hub(report, history, session_factory):
    with session_factory() as session:
        computed = kpis.compute(session, history.ids["hub_a"], PERIOD.start, PERIOD.end)
        before = kpis.compute(session, history.ids["hub_a"], dt.date(YEAR - 1, 1, 1),
                              dt.date(YEAR, 1, 1))
    assert report.kpis == computed and report.previous == before
    assert report.kpis.value("new_assignments") == 2
    assert report.growth("network_activities") == 1.0  # 2 this year against 1
    assert report.growth("new_assignments") is None  # nothing to compare with


def test_months_add_up_to_the_year(report):
    assert [m.period.start.month for m in report.months] == list(range(1, 13))
    for row in report.headline_rows():
        if row.unit in ADDITIVE_UNITS:
            assert sum(v for _, v in report.monthly(row.kpi)) == pytest.approx(row.value), row.kpi
    assert dict(report.monthly("new_assignments"))[dt.date(YEAR, 2, 1)] == 1


def test_agreements_are_the_new_assignments_without_personal_data(report):
    assert len(report.agreements) == report.kpis.value("new_assignments")
    first, second = report.agreements
    assert (first.agreed_on, first.stream_organisation, first.capacity_organisation,
            first.volume_kg, first.fte, first.period_start, first.new_service, first.status) == (
        dt.date(YEAR, 2, 3), "CO A", "SE A", 1500, 0.4, dt.date(YEAR, 2, 1), True, "completed")
    assert (second.capacity_hub, second.volume_kg) == ("Hub B", 800)
    text = repr(report.agreements)
    assert "Person" not in text and "@" not in text and PERSONAL_NOTE not in text


def test_a_hub_raises_the_programme_target_but_never_lowers_it(history, session_factory):
    with session_factory() as session:
        fac = session.get(User, history.ids["user_fac_a"])
        with pytest.raises(ValidationError) as refused:
            kpis.set_target(session, fac, history.ids["hub_a"], YEAR, "matches_accepted", 5)
        assert refused.value.errors[0].path == "target"
        assert "at least the programme's target 6" in refused.value.errors[0].message
        with pytest.raises(ValidationError):  # a ceiling: more ambitious is lower
            kpis.set_target(session, fac, history.ids["hub_a"], YEAR,
                            "median_days_to_first_accepted_match", 40)
        kpis.set_target(session, fac, history.ids["hub_a"], YEAR, "matches_accepted", 8)
        session.commit()
        rows = {r.kpi: r for r in kpis.compute(session, history.ids["hub_a"], PERIOD.start,
                                                PERIOD.end).rows}
        other_hub = {r.kpi: r for r in kpis.compute(session, history.ids["hub_b"], PERIOD.start,
                                                     PERIOD.end).rows}
    assert (rows["matches_accepted"].target, rows["matches_accepted"].programme_target) == (8, 6)
    assert rows["new_assignments"].target == 4  # the hub's own, above the programme's 3
    assert other_hub["new_assignments"].target == 3  # the programme's, for every hub
    days = rows["median_days_to_first_accepted_match"]
    assert (days.value, days.target, days.progress) == (15.0, 30, 2.0)


def test_report_of_an_unknown_hub_is_not_found(session_factory, world):
    from matchmaker.errors import NotFound

    with session_factory() as session, pytest.raises(NotFound):
        hub_report.build(session, 999_999, PERIOD)
