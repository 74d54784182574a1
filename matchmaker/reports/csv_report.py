"""A hub's KPIs as a CSV file that Belgian spreadsheets open as columns: semicolons, decimal
commas, dates as dd/mm/yyyy, UTF-8 with a byte order mark (so Excel reads "é" right),
headers in the reader's language. The machine-readable CSV (`kpis.to_csv`: commas, dots,
codes) stays what API clients read.
"""
from __future__ import annotations

import csv
import datetime as dt
import io

from . import words
from .hub_report import HubReport
from .sheets import FORMULA_STARTS

COLUMNS = ("hub", "from", "until", "objective", "kpi", "unit", "value", "target",
           "programme_target", "progress_percent", "previous_year", "growth_percent")
BOM = "\ufeff"


def number(value: float | None) -> str:
    """1500.0 -> "1500", 0.4 -> "0,4", None -> ""; no thousands separator, so every
    spreadsheet reads it back as the same number."""
    if value is None:
        return ""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return ("0" if text in ("-0", "") else text).replace(".", ",")


def date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def safe_text(value: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading apostrophe."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def hub_csv(report: HubReport, language: str) -> bytes:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([words.text(c, language) for c in COLUMNS])
    for row in report.kpis.rows:
        # a rate is shown in % (its unit says so), as are progress and growth
        scale = 100 if row.unit == "ratio" else 1
        growth = report.growth(row.kpi)
        writer.writerow([
            safe_text(report.hub_name), date(report.period.start), date(report.period.last_day),
            words.objective(row.objective, language), words.kpi(row.kpi, language),
            words.unit(row.unit, language), number(row.value * scale),
            number(None if row.target is None else row.target * scale),
            number(None if row.programme_target is None else row.programme_target * scale),
            number(None if row.progress is None else row.progress * 100),
            number(report.previous.value(row.kpi) * scale),
            number(None if growth is None else growth * 100),
        ])
    return out.getvalue().encode("utf-8")
