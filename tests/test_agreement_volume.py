"""An agreement is recorded in kg while streams say "2 t per month": the stream's quantity
becomes the agreement's volume over its period, and a weight may be typed in tonnes."""
from __future__ import annotations

from datetime import date

import pytest

from matchmaker import taxonomy, workflow
from matchmaker.quantities import weight_kg
from models import Stream


@pytest.mark.parametrize("start, end, months", [
    (date(2025, 7, 1), date(2026, 6, 30), 12),
    (date(2025, 1, 31), date(2025, 2, 27), 1),        # to the month's last day
    (date(2024, 2, 29), date(2025, 2, 27), 12),
    (date(2025, 3, 1), date(2025, 3, 31), 1),
    (date(2025, 3, 1), date(2025, 3, 16), 16 / 31),
    (date(2025, 5, 15), date(2025, 5, 15), 1 / 31),
])
def test_months_between_counts_calendar_months_both_days_included(start, end, months):
    assert taxonomy.months_between(start, end) == pytest.approx(months)


@pytest.mark.parametrize("amount, unit, per, start, end, kg", [
    (2, "t", "month", date(2025, 7, 1), date(2026, 6, 30), 24_000),
    (5, "t", "year", date(2025, 1, 1), date(2025, 6, 30), 2_500),
    (100, "kg", "week", date(2025, 7, 1), date(2025, 7, 14), 200),
    (3, "t", "once", date(2025, 7, 1), date(2026, 6, 30), 3_000),
    (40, "units", "month", date(2025, 7, 1), date(2026, 6, 30), None),
    (4, "m3", "month", date(2025, 7, 1), date(2026, 6, 30), None),
    (2, "t", None, date(2025, 7, 1), date(2026, 6, 30), None),
])
def test_kg_over_period(amount, unit, per, start, end, kg):
    got = taxonomy.kg_over_period(amount, unit, per, start, end)
    assert got == (None if kg is None else pytest.approx(kg))


def test_a_monthly_stream_in_tonnes_drafts_a_year_in_kg():
    stream = Stream(title="x", quantity_amount=2, quantity_unit="t", quantity_per="month")
    draft = workflow.draft_agreement(stream, date(2025, 7, 1))
    assert (draft.kg_per_period, draft.per) == (2000, "month")
    assert (draft.volume_kg, draft.period_start, draft.period_end) == (
        24_000, date(2025, 7, 1), date(2026, 6, 30))


def test_a_one_off_batch_drafts_its_weight_without_dates():
    stream = Stream(title="x", quantity_amount=1.5, quantity_unit="t", quantity_per="once")
    draft = workflow.draft_agreement(stream, date(2025, 7, 1))
    assert (draft.volume_kg, draft.period_start, draft.period_end) == (1500, None, None)


def test_pieces_have_no_drafted_weight():
    stream = Stream(title="x", quantity_amount=40, quantity_unit="units", quantity_per="month")
    draft = workflow.draft_agreement(stream, date(2025, 7, 1))
    assert draft.kg_per_period is None and draft.volume_kg is None


@pytest.mark.parametrize("text, language, kg", [
    ("24000", "nl", 24_000), ("24.000 kg", "nl", 24_000), ("24 t", "nl", 24_000),
    ("2,4 t", "nl", 2_400), ("2,5 ton", "nl", 2_500), ("2,4 tonnes", "fr", 2_400),
    ("1,200 kg", "en", 1_200), ("1.5 tons", "en", 1_500), ("750", "fr", 750),
])
def test_a_weight_may_be_typed_in_kg_or_tonnes(text, language, kg):
    assert weight_kg(text, language) == pytest.approx(kg)


@pytest.mark.parametrize("text", ["", "veel", "3 m3", "40 stuks", "-5", "5 kg 3", "kg"])
def test_what_is_not_a_weight_is_refused(text):
    with pytest.raises(ValueError):
        weight_kg(text)
