"""What every report sheet shares: a title block, header rows, cell formats by unit, safe
text cells, column widths and the native Excel charts (openpyxl)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from . import words
from .periods import Period

INTEGER = "#,##0"
DECIMAL = "#,##0.0"
PERCENT = "0%"
SIGNED_PERCENT = "+0%;-0%;0%"
DATE = "dd/mm/yyyy"
MONTH = "mmm yyyy"
FORMAT_OF_UNIT = {"ratio": "0.0%", "FTE": "0.00", "days": DECIMAL}
BRAND = "0B5D3B"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor=BRAND)
TITLE_FONT = Font(bold=True, size=14, color=BRAND)
BOLD = Font(bold=True)
# Spreadsheets run text starting with these as a formula: such text is stored as text.
FORMULA_STARTS = ("=", "+", "-", "@")


def number_format(unit: str) -> str:
    return FORMAT_OF_UNIT.get(unit, INTEGER)


def put(sheet: Worksheet, row: int, column: int, value: object, fmt: str | None = None,
        bold: bool = False) -> None:
    """One cell; text is always stored as text (never as a formula), without the control
    characters a workbook cannot hold, dates as dates."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
    if fmt is not None:
        cell.number_format = fmt
    elif isinstance(value, dt.date):
        cell.number_format = DATE
    if bold:
        cell.font = BOLD


def header(sheet: Worksheet, row: int, labels: Sequence[str], first_column: int = 1) -> None:
    for offset, label in enumerate(labels):
        cell = sheet.cell(row=row, column=first_column + offset, value=label)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def title_block(sheet: Worksheet, title: str, period: Period, made_on: dt.date,
                language: str) -> int:
    """Title, period (real dates) and date made in the first rows; the next free row."""
    put(sheet, 1, 1, title)
    sheet["A1"].font = TITLE_FONT
    put(sheet, 2, 1, words.text("period", language), bold=True)
    put(sheet, 2, 2, period.start)
    put(sheet, 2, 3, period.last_day)
    put(sheet, 3, 1, words.text("made_on", language), bold=True)
    put(sheet, 3, 2, made_on)
    return 5


def widths(sheet: Worksheet, columns: Sequence[float]) -> None:
    for index, width in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def landscape(sheet: Worksheet, header_row: int) -> None:
    """Printed on A4 across, one page wide, the header repeated on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)


def bar_chart(sheet: Worksheet, title: str, categories: Reference, data: Reference,
              anchor: str, *, horizontal: bool = False, percent: bool = False,
              y_title: str | None = None, titles_from_data: bool = True,
              stacked: bool = False) -> BarChart:
    """A native bar chart with value labels, added to `sheet` at `anchor`."""
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.title = title
    chart.add_data(data, titles_from_data=titles_from_data)
    chart.set_categories(categories)
    if stacked:
        chart.grouping, chart.overlap = "stacked", 100
    chart.y_axis.numFmt = PERCENT if percent else INTEGER
    chart.y_axis.majorGridlines = None
    chart.y_axis.title = y_title
    # openpyxl hides both axes unless told otherwise
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.legend = None if len(chart.series) == 1 else chart.legend
    chart.dataLabels = DataLabelList(showVal=True, showSerName=False, showCatName=False,
                                     showLegendKey=False, showPercent=False)
    chart.dataLabels.numFmt = PERCENT if percent else INTEGER
    chart.height, chart.width = 7.5, 16
    sheet.add_chart(chart, anchor)
    return chart
