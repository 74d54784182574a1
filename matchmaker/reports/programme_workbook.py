"""The programme's view as an Excel workbook: hubs side by side, per objective, with their
scores, activities, the flows between hubs and the opportunities nobody serves yet.
Aggregates only: hub names and figures (organisations appear only as the partners of
opportunities, never a person)."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.chart import Reference
from openpyxl.worksheet.worksheet import Worksheet

from matchmaker.kpis import OBJECTIVES
from models import ACTIVITY_KINDS

from . import words
from .opportunities import Opportunities
from .opportunities_sheet import opportunities_sheet
from .programme import ProgrammeView
from .sheets import (
    INTEGER,
    PERCENT,
    SIGNED_PERCENT,
    TITLE_FONT,
    bar_chart,
    header,
    landscape,
    number_format,
    put,
    title_block,
    widths,
)

# The KPI charted per objective, this year against the year before.
KEY_KPI = {"networking": "organisations_reached", "awareness": "awareness_participants",
           "new_initiatives_social_impact": "new_circular_initiatives",
           "new_assignments_social_economy": "new_assignments"}


def _summary(sheet: Worksheet, view: ProgrammeView, language: str) -> None:
    title = words.text("programme_report", language, year=view.period.start.year)
    if not view.period.is_calendar_year:
        title = f"{title}: {words.report_title(view.period, language)}"
    row = title_block(sheet, title, view.period, view.made_on, language)
    header(sheet, row, [words.text("objective", language), words.text("weight", language)])
    for r, objective in enumerate(OBJECTIVES, start=row + 1):
        put(sheet, r, 1, words.objective(objective, language))
        put(sheet, r, 2, view.weights[objective], "0.0")
    row += len(OBJECTIVES) + 2
    put(sheet, row, 1, words.text("score_note", language))
    row += 2
    header(sheet, row, [words.text("hub", language)]
           + [words.objective(o, language) for o in OBJECTIVES]
           + [words.text("weighted_score", language)])
    for r, hub in enumerate(view.hubs, start=row + 1):
        put(sheet, r, 1, hub.hub_name)
        for c, objective in enumerate(OBJECTIVES, start=2):
            put(sheet, r, c, hub.objective_scores[objective], PERCENT)
        put(sheet, r, 2 + len(OBJECTIVES), hub.weighted_score, PERCENT)
    last = row + len(view.hubs)
    widths(sheet, (32, 18, 18, 18, 18, 16))
    sheet.row_dimensions[row].height = 45
    if view.hubs:
        bar_chart(sheet, words.text("weighted_score", language),
                  Reference(sheet, min_col=1, min_row=row + 1, max_row=last),
                  Reference(sheet, min_col=2 + len(OBJECTIVES), min_row=row, max_row=last),
                  f"H{row}", percent=True)


def _objective(sheet: Worksheet, view: ProgrammeView, objective: str, language: str) -> None:
    put(sheet, 1, 1, f"{words.objective(objective, language)} — {view.period.start.year}")
    kpis = view.headline_kpis(objective)
    parts = ("value", "target", "progress", "growth")
    for k, kpi in enumerate(kpis):
        column = 2 + k * len(parts)
        put(sheet, 3, column, words.kpi(kpi, language), bold=True)
        sheet.merge_cells(start_row=3, start_column=column, end_row=3,
                          end_column=column + len(parts) - 1)
    header(sheet, 4, [words.text("hub", language)]
           + [words.text(p, language) for _ in kpis for p in parts])
    for r, hub in enumerate(view.hubs, start=5):
        put(sheet, r, 1, hub.hub_name)
        for k, kpi in enumerate(kpis):
            row, column = hub.row(kpi), 2 + k * len(parts)
            put(sheet, r, column, row.value, number_format(row.unit))
            put(sheet, r, column + 1, row.target, number_format(row.unit))
            put(sheet, r, column + 2, row.progress, PERCENT)
            put(sheet, r, column + 3, hub.growth(kpi), SIGNED_PERCENT)
    total = 5 + len(view.hubs)
    put(sheet, total, 1, words.text("all_hubs", language), bold=True)
    for k, kpi in enumerate(kpis):
        value = view.total(kpi)
        if value is not None:
            put(sheet, total, 2 + k * len(parts), value, number_format(view.hubs[0].row(kpi).unit),
                bold=True)
    widths(sheet, (28, *([12] * (len(kpis) * len(parts)))))
    sheet.row_dimensions[3].height = 45
    landscape(sheet, 4)
    # the chart's own small table: the key KPI this year and the year before
    key, first = KEY_KPI[objective], total + 2
    header(sheet, first, [words.text("hub", language), words.text("previous_year", language),
                          words.text("value", language)])
    for r, hub in enumerate(view.hubs, start=first + 1):
        put(sheet, r, 1, hub.hub_name)
        put(sheet, r, 2, hub.previous.value(key), INTEGER)
        put(sheet, r, 3, hub.report.value(key), INTEGER)
    if view.hubs:
        bar_chart(sheet, words.kpi(key, language),
                  Reference(sheet, min_col=1, min_row=first + 1, max_row=first + len(view.hubs)),
                  Reference(sheet, min_col=2, max_col=3, min_row=first,
                            max_row=first + len(view.hubs)), f"E{first}")


def _activities(sheet: Worksheet, view: ProgrammeView, language: str) -> None:
    put(sheet, 1, 1, f"{words.kpi('activities', language)} — {view.period.start.year}")
    header(sheet, 3, [words.text("hub", language)]
           + [words.activity(kind, language) for kind in ACTIVITY_KINDS])
    for r, hub in enumerate(view.hubs, start=4):
        put(sheet, r, 1, hub.hub_name)
        for c, kind in enumerate(ACTIVITY_KINDS, start=2):
            put(sheet, r, c, hub.activities[kind], INTEGER)
    last = 3 + len(view.hubs)
    widths(sheet, (28, *([14] * len(ACTIVITY_KINDS))))
    if view.hubs:
        bar_chart(sheet, words.kpi("activities", language),
                  Reference(sheet, min_col=1, min_row=4, max_row=last),
                  Reference(sheet, min_col=2, max_col=1 + len(ACTIVITY_KINDS), min_row=3,
                            max_row=last), f"A{last + 3}", stacked=True)


def _flows(sheet: Worksheet, view: ProgrammeView, language: str) -> None:
    put(sheet, 1, 1, f"{words.text('flows', language)} — {view.period.start.year}")
    header(sheet, 3, [words.text(c, language) for c in (
        "stream_hub", "capacity_hub", "matches_taken", "accepted", "agreed", "volume_kg")])
    for r, flow in enumerate(view.flows, start=4):
        for c, value in enumerate((flow.stream_hub, flow.capacity_hub, flow.matches_taken,
                                   flow.accepted, flow.agreed, flow.agreed_volume_kg), start=1):
            put(sheet, r, c, value, INTEGER if c > 2 else None)
    if not view.flows:
        put(sheet, 4, 1, words.text("none_found", language))
    widths(sheet, (28, 28, 16, 12, 12, 14))


def programme_workbook(view: ProgrammeView, found: Opportunities | None,
                       language: str) -> bytes:
    book = Workbook()
    # named before anything refers to it: a chart's ranges carry the sheet's name
    book.active.title = words.text("summary", language)
    _summary(book.active, view, language)
    for objective in OBJECTIVES:
        _objective(book.create_sheet(words.objective_sheet(objective, language)), view,
                   objective, language)
    _activities(book.create_sheet(words.kpi("activities", language)), view, language)
    _flows(book.create_sheet(words.text("flows", language)[:31]), view, language)
    opportunities_sheet(book.create_sheet(words.text("opportunities", language)), found,
                        words.text("opportunities", language), language)
    for sheet in book.worksheets:
        sheet["A1"].font = TITLE_FONT
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
