"""A hub's yearly report as an Excel workbook, in the reader's language.

Sheets: a summary of the headline KPIs against their targets and the year before, one
sheet per objective with every KPI, the month-by-month figures, the agreements behind
the "new assignments", and the opportunities nobody serves yet. Numbers and dates are
real cells with formats (progress as a percentage), charts are Excel's own.
"""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.chart import Reference
from openpyxl.worksheet.worksheet import Worksheet

from matchmaker.kpis import OBJECTIVES

from . import words
from .hub_report import CHARTED, HubReport
from .opportunities_sheet import opportunities_sheet
from .sheets import (
    DECIMAL,
    INTEGER,
    MONTH,
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

KPI_COLUMNS = ("objective", "kpi", "unit", "value", "target", "programme_target", "progress",
               "previous_year", "growth")


def _kpi_table(sheet: Worksheet, report: HubReport, rows: list, start: int,
               language: str) -> int:
    """The KPI rows from `start` (header there); the row after the table."""
    header(sheet, start, [words.text(c, language) for c in KPI_COLUMNS])
    for r, row in enumerate(rows, start=start + 1):
        fmt = number_format(row.unit)
        put(sheet, r, 1, words.objective(row.objective, language))
        put(sheet, r, 2, words.kpi(row.kpi, language))
        put(sheet, r, 3, words.unit(row.unit, language))
        put(sheet, r, 4, row.value, fmt)
        put(sheet, r, 5, row.target, fmt)
        put(sheet, r, 6, row.programme_target, fmt)
        put(sheet, r, 7, row.progress, PERCENT)
        put(sheet, r, 8, report.previous.value(row.kpi), fmt)
        put(sheet, r, 9, report.growth(row.kpi), SIGNED_PERCENT)
    widths(sheet, (30, 46, 14, 12, 12, 14, 12, 13, 10))
    landscape(sheet, start)
    return start + len(rows) + 1


def _summary(sheet: Worksheet, report: HubReport, language: str) -> None:
    title = f"{words.report_title(report.period, language)} — {report.hub_name}"
    start = title_block(sheet, title, report.period, report.made_on, language)
    after = _kpi_table(sheet, report, report.headline_rows(), start, language)
    with_target = [r for r in report.headline_rows() if r.progress is not None]
    if not with_target:
        return
    # the chart's own small table: only the KPIs that have a target
    first = after + 1
    header(sheet, first, [words.text("kpi", language), words.text("progress", language)])
    for r, row in enumerate(with_target, start=first + 1):
        put(sheet, r, 1, words.kpi(row.kpi, language))
        put(sheet, r, 2, row.progress, PERCENT)
    last = first + len(with_target)
    bar_chart(sheet, words.text("progress", language),
              Reference(sheet, min_col=1, min_row=first + 1, max_row=last),
              Reference(sheet, min_col=2, min_row=first, max_row=last),
              f"D{first}", horizontal=True, percent=True)


def _objective(sheet: Worksheet, report: HubReport, objective: str, language: str) -> None:
    put(sheet, 1, 1, f"{words.objective(objective, language)} — {report.hub_name}")
    after = _kpi_table(sheet, report, report.rows(objective), 3, language)
    headline = report.rows(objective, headline_only=True)
    first = after + 1
    header(sheet, first, [words.text("kpi", language), words.text("previous_year", language),
                          words.text("value", language)])
    for r, row in enumerate(headline, start=first + 1):
        put(sheet, r, 1, words.kpi(row.kpi, language))
        put(sheet, r, 2, report.previous.value(row.kpi), number_format(row.unit))
        put(sheet, r, 3, row.value, number_format(row.unit))
    last = first + len(headline)
    bar_chart(sheet, words.objective(objective, language),
              Reference(sheet, min_col=1, min_row=first + 1, max_row=last),
              Reference(sheet, min_col=2, max_col=3, min_row=first, max_row=last),
              f"E{first}", horizontal=True)


def _months(sheet: Worksheet, report: HubReport, language: str) -> None:
    put(sheet, 1, 1, f"{words.text('months', language)} — {report.hub_name}")
    rows = report.headline_rows()
    header(sheet, 3, [words.text("month", language)] + [words.kpi(r.kpi, language) for r in rows])
    for r, month in enumerate(report.months, start=4):
        put(sheet, r, 1, month.period.start, MONTH)
        for c, row in enumerate(rows, start=2):
            put(sheet, r, c, month.report.value(row.kpi), number_format(row.unit))
    last = 3 + len(report.months)
    widths(sheet, (12, *([14] * len(rows))))
    landscape(sheet, 3)
    sheet.row_dimensions[3].height = 60
    categories = Reference(sheet, min_col=1, min_row=4, max_row=last)
    for n, kpi in enumerate(CHARTED):
        column = 2 + [r.kpi for r in rows].index(kpi)
        anchor = f"{'B' if n % 2 == 0 else 'J'}{last + 2 + (n // 2) * 16}"
        chart = bar_chart(sheet, words.kpi(kpi, language), categories,
                          Reference(sheet, min_col=column, min_row=3, max_row=last), anchor)
        chart.x_axis.number_format = MONTH


AGREEMENT_COLUMNS = ("agreed_on", "stream_organisation", "capacity_organisation",
                     "capacity_hub", "materials", "volume_kg", "fte", "hours", "from", "until",
                     "new_service", "status")


def _agreements(sheet: Worksheet, report: HubReport, language: str) -> None:
    put(sheet, 1, 1, f"{words.text('agreements', language)} — {report.hub_name}")
    header(sheet, 3, [words.text(c, language) for c in AGREEMENT_COLUMNS])
    for r, a in enumerate(report.agreements, start=4):
        values = (a.agreed_on, a.stream_organisation, a.capacity_organisation, a.capacity_hub,
                  ", ".join(words.material(m, language) for m in a.materials), a.volume_kg,
                  a.fte, a.hours, a.period_start, a.period_end,
                  None if a.new_service is None
                  else words.text("yes" if a.new_service else "no", language),
                  words.status(a.status, language))
        for c, value in enumerate(values, start=1):
            put(sheet, r, c, value, {6: INTEGER, 7: "0.00", 8: DECIMAL}.get(c))
    total = 4 + len(report.agreements)
    put(sheet, total, 1, words.text("total", language), bold=True)
    for c, attribute, fmt in ((6, "volume_kg", INTEGER), (7, "fte", "0.00"),
                              (8, "hours", DECIMAL)):
        put(sheet, total, c, sum(getattr(a, attribute) or 0 for a in report.agreements), fmt,
            bold=True)
    widths(sheet, (12, 30, 30, 20, 28, 12, 10, 10, 12, 12, 10, 16))
    landscape(sheet, 3)


def hub_workbook(report: HubReport, language: str) -> bytes:
    """The report as .xlsx bytes."""
    book = Workbook()
    # named before anything refers to it: a chart's ranges carry the sheet's name
    book.active.title = words.text("summary", language)
    _summary(book.active, report, language)
    for objective in OBJECTIVES:
        _objective(book.create_sheet(words.objective_sheet(objective, language)), report,
                   objective, language)
    _months(book.create_sheet(words.text("months", language)), report, language)
    _agreements(book.create_sheet(words.text("agreements", language)), report, language)
    opportunities_sheet(book.create_sheet(words.text("opportunities", language)),
                        report.opportunities,
                        f"{words.text('opportunities', language)} — {report.hub_name}", language)
    for sheet in book.worksheets:
        sheet["A1"].font = TITLE_FONT
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
